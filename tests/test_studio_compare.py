"""Two branches compared side by side in the studio and one kept, over real HTTP on 127.0.0.1
(gradio_client): each branch's reel is its own takes joined (read back with PyAV), the words say what
the second does differently, and keeping one is the same turn as saying it. The players playing in
sync are for the browser (test_studio_compare_browser.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from listening import reel_audio, rms
from probing import probe, streams
from studio_app import running_studio, story

BRIEF = (
    "Title: Dock\n\nAt dawn Mara walks to the dock.\nMara looks out to sea.\nA boat drifts in.\n"
    '"You are late," Mara calls to the boat.'
)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("OPENAI_BASE_URL", raising=False)
        with running_studio(tmp_path_factory) as running:
            yield running


def video_path(shown: object) -> Path:
    """The file a gr.Video output names, as gradio_client returns it."""
    while isinstance(shown, dict):  # {"video": ...}, or an update {"value": {"video": ...}, "label": ...}
        shown = shown.get("video", shown.get("value"))
    return Path(str(shown))


def title_card_seconds(state: dict) -> float:  # type: ignore[type-arg]
    style = state["style"]
    return style["title_card_frames"] / style["fps"] if style["title_card"] else 0.0


def mean_light(path: Path, second: float) -> float:
    """The mean brightness (0-255) of the frame shown at `second`."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= second:
                return float(np.asarray(frame.to_ndarray(format="gray")).mean())
    raise AssertionError(f"{path} is shorter than {second}s")


def test_two_branches_side_by_side_and_one_kept(studio: tuple[str, Path]) -> None:
    from gradio_client import Client

    url, root = studio
    client = Client(url, verbose=False)
    client.predict("dock", BRIEF, None, api_name="/new_project")
    film = root / "dock"
    main = story(film)
    client.predict("noir", api_name="/name_branch")
    client.predict("make shot 1 night", api_name="/say")
    noir = story(film)
    assert noir["shots"][0]["time_of_day"] == "night"

    first, second, said = client.predict("main", "noir", api_name="/compare_branches")
    assert "**noir** against **main**" in said and "shot 1: time_of_day" in said
    written = film / "cut" / "branches"
    assert sorted(p.name for p in written.glob("*.mp4")) == [
        f"main-r{main['revision']}.mp4",
        f"noir-r{noir['revision']}.mp4",
    ]
    fps = noir["style"]["fps"]
    for shown, state in ((first, main), (second, noir)):
        facts = probe(video_path(shown))
        assert facts.frames == state["cut"]["frames"], "the branch's own reel, frame for frame"
    for shown in (first, second):  # each with its branch's sound, as long as its pictures
        facts = streams(video_path(shown))
        assert "audio" in facts and abs(facts["audio"].seconds - facts["video"].seconds) < 0.1, facts
    reel = film / "cut" / "storyreel.mp4"  # noir is the branch you are on: its reel sounds as the reel does
    assert np.allclose(reel_audio(video_path(second)), reel_audio(reel), atol=1e-3)
    start = sum(shot["duration_frames"] for shot in noir["shots"][:-1]) / fps + title_card_seconds(noir)
    heard = rms(reel_audio(video_path(first)), start, start + noir["shots"][-1]["duration_frames"] / fps)
    assert heard > 10 * rms(reel_audio(video_path(first)), 0.0, 0.5), "Mara's line is heard in main's reel"
    assert (written / f"noir-r{noir['revision']}.srt").read_text().count("You are late") == 1
    title = title_card_seconds(noir)
    middle = title + noir["shots"][0]["duration_frames"] / fps / 2
    assert mean_light(video_path(second), middle) < mean_light(video_path(first), middle) - 5, "night is darker"

    with pytest.raises(Exception, match="two different branches"):
        client.predict("noir", "noir", api_name="/compare_branches")
    with pytest.raises(Exception, match="no branch 'sepia'"):
        client.predict("main", "sepia", api_name="/compare_branches")

    before = story(film)["revision"]
    client.predict("main", "noir", api_name="/keep_branch_b")
    kept = story(film)
    branches = json.loads((film / "history" / "branches.json").read_text())
    assert branches["current"] == "main" and "noir" not in branches["tips"]
    assert kept["shots"][0]["time_of_day"] == "night" and kept["revision"] == before

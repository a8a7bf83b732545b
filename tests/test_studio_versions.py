"""The studio's versions and branches over real HTTP on 127.0.0.1 (gradio_client): versions side by side (the
contact sheet and one video where they play in sync), one kept with a click, a surprise, a branch named,
switched and compared. What a person sees in Chromium is for the browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from probing import probe
from studio_app import running_studio, story

BRIEF = "Title: Dock\n\nAt dawn Mara walks to the dock.\nMara looks out to sea.\nA boat drifts in."


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with running_studio(tmp_path_factory) as running:
        yield running


def test_versions_side_by_side_one_kept_and_branches_switched_in_the_studio(studio: tuple[str, Path]) -> None:
    from gradio_client import Client

    url, root = studio
    client = Client(url, verbose=False)
    client.predict("dock", BRIEF, None, api_name="/new_project")
    film = root / "dock"
    empty = client.predict(api_name="/versions")
    assert empty[0] is None and empty[2]["choices"] == []

    client.predict("give me two versions of shot 2", api_name="/say")
    sheet, video, letters, branches, _ = client.predict(api_name="/versions")
    assert [value for _, value in letters["choices"]] == ["A", "B"]
    assert all(label.startswith(("A: ", "B: ")) for label, _ in letters["choices"])
    assert Path(sheet).is_file() and (film / "cut" / "variations-1.png").is_file()
    together = probe(film / "cut" / "variations-1.mp4")
    assert together.width == 3 * 320 and together.frames == story(film)["shots"][1]["duration_frames"]
    assert video is not None

    before = story(film)["revision"]
    client.predict("B", api_name="/keep_version")
    after = story(film)
    assert after["revision"] == before + 1
    offered = after["shots"][1]["metadata"]["offered"]["variants"][1]["changes"]
    assert all(after["shots"][1][field] == value for field, value in offered.items())

    client.predict("noir", api_name="/name_branch")
    assert client.predict(api_name="/versions")[3]["value"] == "noir"
    client.predict("make shot 1 night", api_name="/say")
    shown = client.predict(api_name="/versions")
    assert "**noir** against main" in shown[4] and "shot 1: time_of_day" in shown[4]
    client.predict("main", api_name="/switch_branch")
    assert story(film)["shots"][0]["time_of_day"] == "dawn"
    assert client.predict(api_name="/versions")[3]["value"] == "main"

    out = client.predict(None, api_name="/surprise")
    assert "Surprise, on branch 'surprise'" in str(out[1])
    assert client.predict(api_name="/versions")[3]["value"] == "surprise"

"""The `storyreel` command end to end, as a person runs it: real subprocesses, real ffmpeg."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from probing import probe

STORYREEL = [sys.executable, "-m", "ui.cli"]
REPO = Path(__file__).resolve().parent.parent


def run(*args: str | Path, check_code: int | None = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*STORYREEL, *map(str, args)], capture_output=True, text=True, cwd=REPO, env=os.environ | {"COLUMNS": "200"}
    )
    if check_code is not None:
        assert done.returncode == check_code, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def story(directory: Path) -> dict:
    return json.loads((directory / "story.json").read_text())


def shots_without_takes(data: dict) -> list[dict]:
    return [{k: v for k, v in shot.items() if k != "takes"} for shot in data["shots"]]


@pytest.fixture(scope="module")
def example_film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's first command's job: the bundled example at the default settings."""
    directory = tmp_path_factory.mktemp("cli") / "film"
    done = run("new", directory, "--example")
    assert f"Reel: {directory / 'cut' / 'storyreel.mp4'}" in done.stdout.replace("\n", "")
    return directory


@pytest.mark.slow
def test_example_reel_is_h264_720p_24fps_with_exact_frames(example_film: Path) -> None:
    facts = probe(example_film / "cut" / "storyreel.mp4")
    data = story(example_film)
    expected = data["style"]["title_card_frames"] + sum(s["duration_frames"] for s in data["shots"])
    assert (facts.codec, facts.width, facts.height, facts.fps, facts.pix_fmt) == ("h264", 1280, 720, 24, "yuv420p")
    assert facts.frames == expected


@pytest.mark.slow
def test_say_changes_only_shot_two_and_undo_restores_exactly(example_film: Path) -> None:
    before_bytes = (example_film / "story.json").read_bytes()
    before = story(example_film)
    done = run("say", example_film, "make shot 2 a close-up")
    assert "Rendered shot 2 in" in done.stdout
    after = story(example_film)
    old, new = shots_without_takes(before), shots_without_takes(after)
    assert new[1]["size"] == "CU" and old[1]["size"] != "CU"
    assert [s for i, s in enumerate(new) if i != 1] == [s for i, s in enumerate(old) if i != 1]
    assert {k: v for k, v in new[1].items() if k != "size"} == {k: v for k, v in old[1].items() if k != "size"}
    takes_changed = [
        i + 1 for i, (a, b) in enumerate(zip(before["shots"], after["shots"], strict=False)) if a["takes"] != b["takes"]
    ]
    assert takes_changed == [2], "only shot 2 rendered again"
    assert (
        probe(example_film / "cut" / "storyreel.mp4").frames
        == sum(s["duration_frames"] for s in after["shots"]) + after["style"]["title_card_frames"]
    )
    run("undo", example_film)
    assert (example_film / "story.json").read_bytes() == before_bytes


def test_help_lists_the_commands() -> None:
    done = run("--help")
    for command in ("new", "say", "undo", "redo", "show", "render", "history"):
        assert command in done.stdout


def one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    message = done.stderr.strip()
    assert message.startswith("error:"), message
    for needle in needles:
        assert needle in message, message


def test_empty_brief_is_refused_and_nothing_is_made(tmp_path: Path) -> None:
    one_line_error(run("new", tmp_path / "f", "--brief", "   \n ", check_code=None), "empty")
    assert not (tmp_path / "f").exists()


def test_enormous_brief_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text("The keeper climbs the stairs. " * 40_000)  # about 1.2 MB
    one_line_error(run("new", tmp_path / "f", "--brief-file", huge, check_code=None), "200,000")
    assert not (tmp_path / "f").exists()


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 64)
    one_line_error(run("new", tmp_path / "f", "--brief-file", junk, check_code=None))
    assert not (tmp_path / "f").exists()


def test_missing_brief_file_and_no_brief(tmp_path: Path) -> None:
    one_line_error(run("new", tmp_path / "f", "--brief-file", tmp_path / "nope.txt", check_code=None), "nope.txt")
    one_line_error(run("new", tmp_path / "f", check_code=None), "--brief")


def test_not_a_project_folder(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    for command in (("say", tmp_path / "photos", "make shot 1 a close-up"), ("show", tmp_path / "photos")):
        one_line_error(run(*command, check_code=None), "not a storyreel project")
    one_line_error(run("undo", tmp_path / "nowhere", check_code=None), "not a folder")


@pytest.fixture
def small_film(tmp_path: Path) -> Path:
    directory = tmp_path / "small"
    run("new", directory, "--brief", 'Mara walks to the harbour at dusk. "Wait for me," Mara says. She waves.')
    return directory


def test_unknown_shot_number_changes_nothing(small_film: Path) -> None:
    before = (small_film / "story.json").read_bytes()
    done = run("say", small_film, "make shot 99 a close-up", check_code=None)
    assert done.returncode in (0, 2) and "Traceback" not in done.stderr
    assert "99" in done.stdout + done.stderr
    assert (small_film / "story.json").read_bytes() == before


def test_not_understood_changes_nothing_and_says_what_it_can_do(small_film: Path) -> None:
    before = (small_film / "story.json").read_bytes()
    done = run("say", small_film, "florp the wibble", check_code=None)
    assert "Traceback" not in done.stderr
    assert "language model" in done.stdout + done.stderr
    assert (small_film / "story.json").read_bytes() == before


def test_corrupt_story_json_loads_the_last_good_revision(small_film: Path) -> None:
    good = story(small_film)
    (small_film / "story.json").write_bytes(b'{"schema": "storyreel.Project.1", "shots": [{"id": ')
    done = run("show", small_film, "--json")
    assert "last good" in done.stderr
    assert json.loads(done.stdout) == good
    assert list(small_film.glob("story.json.corrupt-*")), "the damaged file is kept"


def test_nothing_to_undo_is_a_clear_message(small_film: Path) -> None:
    one_line_error(run("undo", small_film, check_code=None), "nothing to undo")


def test_show_and_history(small_film: Path) -> None:
    run("say", small_film, "make shot 1 a close-up")
    shown = run("show", small_film).stdout
    assert "CU" in shown and "shots" in shown
    history = run("history", small_film).stdout
    assert "r1" in history and "r2" in history and "size" in history

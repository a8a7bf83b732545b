"""What a person reads in an 80-column terminal, and the exit codes they get: real subprocesses
of the `storyreel` command, with scratch voices made to fail (STORYREEL_ESPEAK names no program)
so the voice warning shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import small_project

from story import Angle, DialogueLine, ProjectFolder, Shot, ShotSize
from story.model import Acting, Expression, Pose, Prop, PropPlace, Weather

STORYREEL = [sys.executable, "-m", "ui.cli"]
REPO = Path(__file__).resolve().parent.parent
TERMINAL = {"COLUMNS": "80", "STORYREEL_MEMORY": "off", "STORYREEL_APPROVE_ABOVE": ""}
NO_VOICES = {"STORYREEL_ESPEAK": "/nonexistent/espeak-ng"}
MODEL_ENV = {"OPENAI_BASE_URL", "OPENAI_API_KEY", "STORYREEL_MODEL"}
DIALOGUE = 'Mara walks to the harbour at dusk. "Wait for me," Mara says. She waves.'


def run(*args: str | Path, code: int | None = 0, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in MODEL_ENV}
    done = subprocess.run(
        [*STORYREEL, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        input=stdin,
        env=base | TERMINAL | NO_VOICES | env,
        timeout=300,
    )
    if code is not None:
        assert done.returncode == code, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def voice_warnings(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if "espeak" in line.lower()]


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    directory = tmp_path_factory.mktemp("output") / "film"
    return directory, run("new", directory, "--brief", DIALOGUE)


@pytest.fixture
def film(planned: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path) -> Path:
    return Path(shutil.copytree(planned[0], tmp_path / "film"))


# Honest exits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "needle"),
    [
        ("make shot 12 a close-up", "There is no shot 12"),
        ("florp the wibble", "did not understand"),
        ("make shot 1 a close-up; florp the wibble", "changed nothing"),
    ],
)
def test_a_mistake_in_what_was_asked_exits_2_with_one_line(film: Path, message: str, needle: str) -> None:
    before = (film / "story.json").read_bytes()
    done = run("say", film, message, code=2)
    assert done.stdout == "" and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], done.stderr
    assert "Done" not in done.stderr
    assert (film / "story.json").read_bytes() == before


def test_an_edit_that_is_already_so_is_not_a_mistake(film: Path) -> None:
    run("say", film, "make shot 1 a close-up")
    again = run("say", film, "make shot 1 a close-up")
    assert "nothing changed" in again.stdout


def test_the_voice_warning_comes_once_on_its_own_line_and_only_where_there_is_sound(
    planned: tuple[Path, subprocess.CompletedProcess[str]], film: Path
) -> None:
    made = voice_warnings(planned[1])
    assert len(made) == 1 and made[0].startswith("warning: "), planned[1].stderr
    said = run("say", film, "make shot 1 a close-up")
    assert len(voice_warnings(said)) <= 1
    for command in (("show", film), ("history", film), ("undo", film), ("redo", film)):
        done = run(*command)
        assert voice_warnings(done) == [], (command, done.stderr)
    rendered = run("render", film)
    assert len(voice_warnings(rendered)) <= 1


def test_a_chat_gives_the_voice_warning_once(film: Path) -> None:
    done = run("chat", film, stdin="make shot 1 a close-up\nmake shot 1 a wide shot\nquit\n")
    assert done.stdout.count("Done:") == 2, done.stdout
    assert len(voice_warnings(done)) == 1, done.stderr


# Readable output --------------------------------------------------------------------------------


def test_show_says_what_is_in_frame_the_weather_and_how_people_look(tmp_path: Path) -> None:
    project = small_project()
    shots = list(project.shots)
    shots[3] = shots[3].model_copy(
        update={
            "weather": Weather.RAIN,
            "props": [Prop(name="lamp", where=PropPlace.BACKGROUND), Prop(name="letter", held_by="tom")],
            "acting": {"mara": Acting(expression=Expression.AFRAID, pose=Pose.SITTING), "tom": Acting()},
        }
    )
    ProjectFolder.create(tmp_path / "f", project.model_copy(update={"shots": shots}), message="test")
    shown = run("show", tmp_path / "f").stdout
    assert all(len(line.rstrip()) <= 80 for line in shown.splitlines()), shown
    rows = re.split(r"\n[ \t]*\n", shown)  # a blank line between shots
    fourth = next(row for row in rows if re.match(r"\s*4 ", row.splitlines()[0]))
    column = shown.splitlines()[1].index("action and dialogue")
    said = " ".join(" ".join(line[column:] for line in fourth.splitlines()).split())  # the last column's words
    assert "rain" in fourth.splitlines()[1][:column], shown
    assert "in frame: lamp (background), letter (held by Tom)" in said, shown
    assert "Mara: afraid, sitting" in said and "Tom:" not in said, shown
    others = "".join(row for row in rows if row is not fourth)
    assert "in frame" not in others and "rain" not in others, shown


def test_show_fits_80_columns_breaks_no_word_and_shows_the_lines(tmp_path: Path) -> None:
    project = small_project()
    long_action = (
        "Mara, the old keeper, lights the great lamp in her yellow oilskin coat while the storm "
        "rolls in over the lighthouse on the point."
    )
    shots = list(project.shots)
    shots[1] = shots[1].model_copy(
        update={
            "action": long_action,
            "angle": Angle.OVER_THE_SHOULDER,
            "dialogue": [DialogueLine(speaker="mara", text="Someone is out there, beyond the rocks.")],
        }
    )
    ProjectFolder.create(tmp_path / "f", project.model_copy(update={"shots": shots}), message="test")
    shown = run("show", tmp_path / "f").stdout
    assert all(len(line.rstrip()) <= 80 for line in shown.splitlines()), shown
    marks = "“”\"'():"
    words = {word.strip(marks) for word in shown.split()}
    every = [w for shot in shots for w in shot.action.split()]
    every += [w for shot in shots for line in shot.dialogue for w in line.text.split()]
    every += ["over-the-shoulder", "quietly"]
    missing = [word for word in every if word.strip(marks) not in words]
    assert missing == [], shown


def test_one_shot_is_one_shot_not_one_shots(tmp_path: Path) -> None:
    made = run("new", tmp_path / "f", "--brief", "Mara waves.")
    assert "Planned 1 shot from the brief." in made.stdout
    assert re.search(r"^1 shot, ", run("show", tmp_path / "f").stdout, re.MULTILINE)
    assert re.search(r"\b1 shots\b", made.stdout + run("show", tmp_path / "f").stdout) is None


def test_render_says_up_to_date_only_when_nothing_rendered(tmp_path: Path) -> None:
    project = small_project(shots=[Shot(id="s1", action="The kettle boils.", size=ShotSize.ECU, duration_frames=24)])
    ProjectFolder.create(tmp_path / "f", project, message="test")
    first = run("render", tmp_path / "f")
    assert "Rendered shot 1" in first.stdout and "up to date" not in first.stdout, first.stdout
    second = run("render", tmp_path / "f")
    assert "Reel is up to date." in second.stdout and "Rendered" not in second.stdout


@pytest.mark.parametrize("command", [(), ("say",), ("new",), ("render",), ("show",)])
def test_usage_reads_as_words(command: tuple[str, ...]) -> None:
    helped = run(*command, "--help").stdout
    assert "<bool>" not in helped and "{" not in helped and "<path>" not in helped and "<str>" not in helped, helped
    assert all(len(line.rstrip()) <= 80 for line in helped.splitlines()), helped
    if command == ("say",):
        assert " say [OPTIONS] DIRECTORY INSTRUCTION" in helped


def test_approving_when_nothing_waits_is_a_mistake(film: Path) -> None:
    done = run("approve", film, "yes", code=2)
    assert done.stderr == "error: No turn is waiting for an answer.\n" and done.stdout == ""

"""A shot's label is its name everywhere a person reads or types one, once labels and places differ: real
`storyreel` subprocesses on a small project whose shot 1 was deleted and a shot 2A put in after shot 2, its
timeline read back with OpenTimelineIO, the studio's shot picker."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import opentimelineio as otio
import pytest
from scripted import ScriptedDirector, small_story

from agent.production import Production
from story import ProjectFolder

STORYREEL = [sys.executable, "-m", "ui.cli"]
REPO = Path(__file__).resolve().parent.parent
ENV = {"COLUMNS": "80", "STORYREEL_MEMORY": "off", "STORYREEL_APPROVE_ABOVE": "", "STORYREEL_ESPEAK": "/nonexistent"}
MODEL_ENV = {"OPENAI_BASE_URL", "OPENAI_API_KEY", "STORYREEL_MODEL"}
LABELS = ["2", "2A", "3", "4"]  # at places 1, 2, 3, 4


def run(*args: str | Path, code: int = 0) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in MODEL_ENV}
    done = subprocess.run(
        [*STORYREEL, *map(str, args)], capture_output=True, text=True, cwd=REPO, env=base | ENV, timeout=300
    )
    assert done.returncode == code, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def labels(film: Path) -> list[str]:
    return [shot.label for shot in ProjectFolder.open(film).load().shots]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Four small shots (shot 2 has a line; 3 and 4 are in the kitchen), shot 1 deleted and 2A put in after 2;
    with what the insert printed."""
    film = tmp_path_factory.mktemp("labels") / "film"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("STORYREEL_MEMORY", "off")
        story = small_story(width=160, height=90, shots=4, title_card=False)
        director = ScriptedDirector(story=[story])
        production, _ = Production.new(film, "A keeper waits.", director=director)  # type: ignore[arg-type]
        production.close()
        run("say", film, "delete shot 1")
        inserted = run("say", film, "add a shot after 2: gulls wheel over the harbour")
        assert labels(film) == LABELS
        yield film, inserted.stdout


@pytest.fixture
def film(made: tuple[Path, str], tmp_path: Path) -> Path:
    return Path(shutil.copytree(made[0], tmp_path / "film"))


def test_what_rendered_is_named_by_label(made: tuple[Path, str]) -> None:
    assert re.search(r"^Rendered shot 2A in [0-9.]+s$", made[1], re.M), made[1]


def test_takes_and_render_take_a_label_and_a_bare_number_is_the_shot_labelled_so(film: Path) -> None:
    shown = run("takes", film, "2a").stdout
    assert shown.startswith("Shot 2A — 1 take")
    assert run("takes", film, "3").stdout.startswith("Shot 3 — 1 take")  # the shot labelled 3, at place 3
    missing = run("takes", film, "1", code=2)
    assert missing.stderr.strip() == "error: there is no shot 1; the shots are 2, 2A, 3, 4"
    rendered = run("render", film, "--backend", "animatic", "--shot", "2A").stdout
    assert "shot 2A: backend none -> animatic" in rendered
    assert ProjectFolder.open(film).load().labelled("2A").backend == "animatic"


def test_voice_names_the_shot_by_label(film: Path) -> None:
    # shot 2 has Tomas's line; place 2 (2A) has none
    assert "already" in run("voice", film, "2", "1", "--scratch").stdout
    refused = run("voice", film, "2A", "1", "--scratch", code=2)
    assert "shot 2A has 0 lines of dialogue, not 1" in refused.stderr


def test_versions_and_their_history_name_the_shot_by_label(film: Path) -> None:
    offered = run("vary", film, "2A", "--count", "2", "--seed", "3").stdout
    assert "shot 2A A:" in offered and "shot 2A B:" in offered, offered
    kept = run("keep", film, "2A", "B").stdout
    assert kept.startswith("  • shot 2A: ") and "Rendered shot" not in kept, kept  # its take was made when offered
    history = run("history", film).stdout
    assert "shot 2A A:" in history and "shot 2A B:" in history, history
    mentioned = set(re.findall(r"\bshots? ([0-9]+[A-Z]*)\b", history))
    assert mentioned <= {"1", *LABELS}, history  # shot 1 was there once; no place is read as a shot


def test_mood_replies_name_shots_by_label(film: Path) -> None:
    said = " ".join(run("say", film, "more dramatic").stdout.split())
    named = re.findall(r"\(shots? ([0-9A-Z, -]+)\)", said)
    assert named, said
    for group in named:
        for part in group.split(", "):
            ends = part.split("-")
            assert all(end in LABELS for end in ends), said
    rendered = re.search(r"Rendered shots? ([0-9A-Z, ]+) in", said)
    assert rendered and set(rendered.group(1).split(", ")) <= set(LABELS), said


def test_check_names_shots_by_label(film: Path) -> None:
    run("say", film, "make shot 2A night")  # 2 and 2A are the harbour, one scene, on a cut
    problems = " ".join(run("check", film, code=3).stdout.split())
    assert "shot 2A: the harbour is day in shot 2 but night here" in problems, problems


def test_surprise_takes_a_label(film: Path) -> None:
    said = run("surprise", film, "--shot", "2A", "--seed", "2").stdout
    assert "shot 2A" in said, said


def test_timeline_clips_markers_and_edl_carry_labels(film: Path) -> None:
    run("export", film, "--format", "otio,edl,xml")
    timeline = otio.adapters.read_from_file(str(film / "cut" / "storyreel.otio"))
    clips = list(timeline.tracks[0].find_clips())
    assert [c.name.split()[1] for c in clips] == LABELS
    assert [c.metadata["storyreel"]["label"] for c in clips] == LABELS
    assert [c.markers[0].name.split()[1] for c in clips] == LABELS
    edl = otio.adapters.read_from_file(str(film / "cut" / "storyreel.edl"), adapter_name="cmx_3600", rate=24)
    comments = [" ".join(c.metadata.get("cmx_3600", {}).get("comments", [])) for c in edl.tracks[0].find_clips()]
    assert [re.search(r"SHOT (\S+) \(", text).group(1) for text in comments] == LABELS  # type: ignore[union-attr]
    fcp = otio.adapters.read_from_file(str(film / "cut" / "storyreel.xml"), adapter_name="fcp_xml")
    logged = [c.metadata["fcp_xml"]["logginginfo"]["shottake"] for c in fcp.tracks[0].find_clips()]
    assert [text.split()[1] for text in logged] == LABELS


def test_the_studios_shot_picker_shows_labels(film: Path) -> None:
    from ui.studio.handlers import Studio

    studio = Studio(film.parent)
    project = ProjectFolder.open(film).load()
    picker = studio.controls(project, None)[0]
    assert picker["choices"] == [(label, str(n)) for n, label in enumerate(LABELS, 1)]
    chosen = studio.controls(project, project.labelled("2A").id)
    assert chosen[0]["value"] == "2" and chosen[1].startswith("**Shot 2A**")

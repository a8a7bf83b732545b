"""One door: every change is a typed command handed to `Production.run`, under the project's lock.

The CLI, the studio and the offline grammar build the same commands, so music imported through any
of them makes the same change, and a line that is not there is refused in the same words; no door
writes to the project folder itself.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from listening import click_track, talking_story, write_wav
from pydantic import ValidationError

from agent.commands import (
    COMMAND_TYPES,
    COMMANDS,
    ChooseRenderer,
    CommandError,
    ImportMusic,
    RecordLine,
    SetBudget,
    expand,
)
from agent.offline.grammar import Context
from agent.production import Production
from story import Project, ProjectFolder, ReplaceStory, Style, apply
from story.lock import WAIT_ENV

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")


def small(story: ReplaceStory, *, dialogue: bool = True) -> Project:
    """The talking story at 160x90 and 12 fps: a reel that renders in a blink."""
    shots = [s if dialogue else s.model_copy(update={"dialogue": []}) for s in story.shots]
    project = apply(Project(), [story.model_copy(update={"shots": shots})])
    return project.model_copy(update={"style": Style(width=160, height=90, fps=12, title_card=False)})


def film(root: Path, *, dialogue: bool = True) -> Path:
    ProjectFolder.create(root, small(talking_story(), dialogue=dialogue))
    return root


def cli(*args: object, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)],
        capture_output=True, text=True, cwd=REPO,
        env=os.environ | {"COLUMNS": "200", "STORYREEL_MEMORY": "off"} | env,
    )  # fmt: skip


def stored(root: Path) -> dict[str, Any]:
    return json.loads((root / "story.json").read_text())


def last(chat: list[dict[str, Any]]) -> str:
    return str(chat[-1]["content"])


def run_studio(handler: Any, *args: Any) -> list[dict[str, Any]]:
    """Drive a studio handler to its end, as gradio would; the chat it ends with."""
    *_, final = handler(*args)
    return final[0]


# The commands themselves ------------------------------------------------------------------------


def test_every_command_is_typed_strict_and_described_for_a_model() -> None:
    for kind in COMMAND_TYPES:
        assert kind.__doc__ and "\n" not in kind.__doc__.strip(), kind
        for name, field in kind.model_fields.items():
            if name != "command":
                assert field.description and len(field.description) < 120, f"{kind.__name__}.{name}"
    batch = [ImportMusic(path="song.wav", cut_to_beats=True), RecordLine(shot=2, line=1), SetBudget(dollars=20)]
    assert COMMANDS.validate_json(COMMANDS.dump_json(batch)) == batch
    for bad in ({"command": "import_music", "path": "a.wav", "cut_to_beats": "yes"},
                {"command": "record_line", "shot": True, "line": 1},
                {"command": "record_line", "shot": 0, "line": 1},
                {"command": "set_budget", "dollars": -1},
                {"command": "choose_renderer", "backend": "animatic", "colour": "red"}):  # fmt: skip
        with pytest.raises(ValidationError):
            COMMANDS.validate_python([bad])


def test_a_file_is_copied_in_only_by_the_service() -> None:
    with pytest.raises(TypeError, match="Production.run"):
        expand(small(talking_story()), ImportMusic(path="song.wav"))


# Music: one implementation behind every door ----------------------------------------------------


@pytest.mark.slow
def test_music_cut_to_the_beat_is_the_same_change_from_the_cli_the_service_and_the_grammar(tmp_path: Path) -> None:
    pytest.importorskip("librosa")
    from agent.offline.story_commands import cut_to_music

    clicks, _ = click_track(120, 8.0, first=0.5)
    song = write_wav(tmp_path / "clicks.wav", clicks)
    by_cli, by_service, by_words = (film(tmp_path / name, dialogue=False) for name in ("cli", "service", "words"))

    done = cli("music", by_cli, song, "--cut")  # a traceback before the one door: the CLI's own cut was broken
    assert done.returncode == 0, done.stderr
    assert "Music: tracked" in done.stdout and "Cut to the music (120 BPM), each shot within ±25%:" in done.stdout

    service = Production.open(by_service)
    result = service.run([ImportMusic(path=str(song), cut_to_beats=True)])
    assert not result.refused and result.reel is not None and result.frames == service.project.total_frames()
    service.close()

    words = Production.open(by_words)
    words.run([ImportMusic(path=str(song))])
    step = cut_to_music(words.project, "cut to the music", Context())
    assert step is not None and step.summary.startswith("cut to the music (120 BPM, each shot within ±25%)")
    words.apply(step.edits, message="cut to the music")
    words.close()

    first = stored(by_cli)
    assert first["music"]["beats"] and first["music"]["path"].startswith("media/music/")
    for other in (by_service, by_words):
        assert stored(other)["music"] == first["music"]
        assert [s["duration_frames"] for s in stored(other)["shots"]] == [s["duration_frames"] for s in first["shots"]]
    assert [s["duration_frames"] for s in first["shots"]] != [24, 72, 120]  # the cut moved the boundaries


def test_music_from_the_studio_is_the_same_change_as_from_the_cli(tmp_path: Path) -> None:
    from ui.studio.handlers import Studio

    song = write_wav(tmp_path / "clicks.wav", click_track(100, 3.0)[0])
    projects = tmp_path / "projects"
    by_cli, by_studio = film(projects / "cli", dialogue=False), film(projects / "studio", dialogue=False)
    done = cli("music", by_cli, song)
    assert done.returncode == 0, done.stderr
    chat = run_studio(Studio(projects).add_music, str(song), str(by_studio), None, [])
    assert last(chat).startswith("Music: tracked ") and "music: none -&gt; clicks.wav (3.0s, " in last(chat)
    assert stored(by_studio)["music"] == stored(by_cli)["music"]
    studio_history = ProjectFolder.open(by_studio).revisions()[-1]
    assert studio_history.summary == ProjectFolder.open(by_cli).revisions()[-1].summary


# Voice lines: refused in the same words everywhere ----------------------------------------------


@pytest.mark.parametrize(
    ("shot", "line", "words"),
    [(2, 3, "shot 2 has 1 line of dialogue, not 3"), (9, 1, "there is no shot 9; the project has 3 shots")],
)
def test_a_line_that_is_not_there_is_refused_in_the_same_words_by_every_door(
    tmp_path: Path, shot: int, line: int, words: str
) -> None:
    from agent.offline import read_clause
    from ui.studio.handlers import Studio

    root = film(tmp_path / "projects" / "film")
    before = (root / "story.json").read_bytes()

    done = cli("voice", root, shot, line, "--scratch")
    assert done.returncode == 2 and done.stderr.strip() == f"error: {words}"

    production = Production.open(root)
    refused = production.run([RecordLine(shot=shot, line=line)])
    assert refused.refused and refused.reply == words
    with pytest.raises(CommandError) as said:  # the offline grammar, for "use the scratch voice for ..."
        read_clause(production.project, f"use the scratch voice for shot {shot} line {line}", Context())
    assert str(said.value) == words
    production.close()

    studio = Studio(root.parent)
    if shot <= 3:
        chat = run_studio(studio.record_line, None, line, str(root), f"s{shot}", [])
        assert last(chat) == words
    assert (root / "story.json").read_bytes() == before


def test_the_grammar_and_the_studio_put_the_scratch_voice_back(tmp_path: Path) -> None:
    from agent.offline import read_clause
    from ui.studio.handlers import Studio

    root = film(tmp_path / "projects" / "film")
    production = Production.open(root)
    project = production.project
    recorded = project.shots[2].dialogue[1].model_copy(update={"recording": "media/voice/s3-line2-x.wav"})
    lines = [project.shots[2].dialogue[0], recorded]
    from story import ShotChanges, UpdateShot

    production.folder.commit([UpdateShot(shot_id="s3", changes=ShotChanges(dialogue=lines))], message="a recording")
    step = read_clause(production.project, "back to the scratch voice for line 2 of shot 3", Context())
    assert step is not None and step.summary == "shot 3 line 2: the scratch voice"
    assert apply(production.project, step.edits).shots[2].dialogue[1].recording is None
    production.close()

    studio_chat = run_studio(Studio(root.parent).record_line, None, 2, str(root), "s3", [])
    assert "shot 3: dialogue" in last(studio_chat)
    assert stored(root)["shots"][2]["dialogue"][1].get("recording") is None


# The renderer and the budget go through the service ----------------------------------------------

HOLDER = """
import sys
from pathlib import Path
from story.lock import ProjectLock

with ProjectLock(Path(sys.argv[1])).hold(command="storyreel render film"):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_the_budget_and_the_renderer_wait_for_the_project_lock(tmp_path: Path) -> None:
    root = film(tmp_path / "film", dialogue=False)
    before = (root / "story.json").read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for args in (("budget", root, 5), ("render", root, "--backend", "animatic", "--shot", 2)):
            done = cli(*args, **{WAIT_ENV: "0"})
            assert done.returncode == 2 and f"the project is busy (pid {holder.pid}" in done.stderr, args
        assert cli("budget", root).returncode == 0, "reading the budget needs no lock"
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert (root / "story.json").read_bytes() == before


def test_the_budget_is_one_revision_without_a_render_and_a_bad_renderer_changes_nothing(tmp_path: Path) -> None:
    root = film(tmp_path / "film", dialogue=False)
    done = cli("budget", root, "12.5")
    assert done.returncode == 0, done.stderr
    assert "  • budget: none -> $12.50" in done.stdout and "Reel:" not in done.stdout
    assert "Spent $0.00 on renders (budget $12.50, $12.50 left)." in done.stdout
    folder = ProjectFolder.open(root)
    assert folder.load().budget == 12.5 and folder.load().cut is None and len(folder.revisions()) == 2

    production = Production.open(root)
    refused = production.run([ChooseRenderer(backend="nope", shot=2)])
    assert refused.refused and refused.reply.startswith("unknown renderer 'nope'; known: animatic")
    chosen = production.run([ChooseRenderer(backend="diffusers", options={"steps": 0})])
    assert chosen.refused and chosen.reply.startswith("diffusers option `steps`")
    assert production.project.revision == 2
    production.close()


# No door writes to the project folder -----------------------------------------------------------

WRITES = {"commit", "amend", "write_atomic", "copy_into", "copyfile", "copy", "copy2", "import_music"}
STILL_WRITES = {
    ("ui/studio/safety.py", "copyfile"),  # reference images: kept as files, no story edit yet
    ("ui/studio/live.py", "copyfile"),  # the live reel's files copied into the studio's own cache, not the project
}


def test_no_door_writes_to_the_project_folder() -> None:
    found = set()
    doors = [*(REPO / "ui").rglob("*.py"), *(REPO / "agent" / "offline").rglob("*.py")]
    for path in doors:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                if name in WRITES:
                    found.add((str(path.relative_to(REPO)), name))
    assert found == STILL_WRITES

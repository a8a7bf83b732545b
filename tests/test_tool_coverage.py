"""Every change a person can make, the model can make through its tools and the offline grammar can
read from words, or the reason why not is written here; every argument the model is offered says
what it means.

"A change a person can make" is each edit in story.edits' union (less the two the render loop
records) and each command in agent/commands.py. Reaching one is checked by doing it: a call of
every tool against a project in a real folder (what it built, and the edits those expanded into),
and a sentence of the offline grammar whose plan is the command's own expansion.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest
from conftest import small_project
from listening import click_track, tone, write_wav

from agent.commands import (
    COMMAND_TYPES,
    ChooseRenderer,
    Command,
    CutToBeats,
    ImportMusic,
    KeepVariation,
    RecordLine,
    RemoveMusic,
    SetBudget,
    VaryScene,
    VaryShot,
    expand,
)
from agent.directors import offered_tools
from agent.offline import OfflineDirector
from agent.tools import TOOLS, Toolbox, tool_specs
from story import AnyEdit, Project, ProjectFolder, apply
from story.edits import AddCharacter, AddLocation, RecordCut, RecordTake
from story.model import Music, Take

EDIT_TYPES: tuple[type, ...] = get_args(get_args(AnyEdit)[0])
INTERNAL: dict[type, str] = {
    RecordTake: "the render loop records a take it made on its shot; nobody asks for one",
    RecordCut: "the assembler records the reel it wrote; nobody asks for one",
}
PERSON_CHANGES: list[type] = [*(t for t in EDIT_TYPES if t not in INTERNAL), *COMMAND_TYPES]

NOT_FROM_MODEL: dict[type, str] = {}
NOT_FROM_GRAMMAR: dict[type, str] = {
    ImportMusic: "a music file is handed over by a door (`storyreel music`, the studio's upload), not typed into "
    "a sentence; the grammar cuts to music already laid (`cut to the music`) and takes it away",
    AddCharacter: "the grammar meets its cast in the brief (ReplaceStory); a new person needs a look in words "
    "that a model writes, so adding one mid-story is the model's `add_character`",
    AddLocation: "as for characters: places come from the brief; a new one mid-story is the model's `add_location`",
}

CLICKS, BEATS = click_track(100, 20.0, first=0.3)  # off the shots' boundaries, so a cut to the beat moves them

CALLS: dict[str, dict[str, Any]] = {  # one call of every tool, each one that holds against `project` below
    "create_story": {"bible": {"title": "Gulls"}, "shots": [{"action": "A gull lands."}]},
    "update_shot": {"shot": 2, "size": "CU"},
    "add_shot": {"action": "A gull lands.", "position": 2},
    "remove_shot": {"shot": 5},
    "move_shot": {"shot": 5, "position": 1},
    "renumber_shots": {},
    "update_character": {"character": "mara", "description": "a tall woman in a blue coat"},
    "add_character": {"id": "rex", "name": "Rex", "description": "a small grey dog"},
    "add_location": {"id": "lighthouse", "name": "the lighthouse"},
    "set_bible": {"title": "High Tide"},
    "set_style": {"end_card": True, "end_card_text": "Fin"},
    "set_music": {"path": "media/music/clicks.wav", "gain_db": -12.0},
    "remove_music": {},
    "cut_to_beats": {},
    "record_line": {"shot": 3, "line": 1, "path": "media/voice/tom.wav"},
    "choose_renderer": {"backend": "diffusers"},
    "set_budget": {"dollars": 20.0},
    "recall": {"query": "who is Mara"},
    "check_continuity": {},
    "render": {"shots": [4], "backend": "diffusers"},
    "request_takes": {"shot": 2, "count": 2},
    "choose_take": {"shot": 2, "take": 1},
    "vary_shot": {"shot": 2, "count": 3},
    "vary_scene": {"scene": 1, "count": 2},
    "keep_variation": {"label": "B"},
    "surprise": {"shot": 2},
    "try_on_branch": {"why": "Night makes the wait feel longer."},
    "branch": {"op": "name", "name": "noir"},
    "undo": {},
    "redo": {},
}

SENTENCES: list[tuple[str, Command | None]] = [  # a sentence of the grammar, and the command it must come to
    ("make shot 3 a close-up", None),
    ("add a shot after 4: the kettle whistles", None),
    ("delete shot 4", None),
    ("move shot 5 before shot 2", None),
    ("renumber the shots", None),
    ("rename Mara to Marta", None),
    ("make it noir", None),
    ("title: High Tide", None),
    ("give me three takes of shot 2", None),
    ("use take 1 for shot 2", None),
    ("give me three versions of shot 2", VaryShot(shot=2, count=3)),
    ("two ways to cover the harbour scene", VaryScene(scene=1, count=2)),
    ("keep B", KeepVariation(label="B")),
    ("cut to the music", CutToBeats()),
    ("remove the music", RemoveMusic()),
    ("use the scratch voice for shot 3 line 1", RecordLine(shot=3, line=1)),
    ("render shot 4 with diffusers", ChooseRenderer(backend="diffusers", shot=4)),
    ("render everything with diffusers", ChooseRenderer(backend="diffusers", every_shot=True)),
    ("set the budget to $20", SetBudget(dollars=20)),
]


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    """small_project in a folder, with music (its beats tracked), a take of shot 2 to choose and two versions
    of shot 3 on offer to keep."""
    root = tmp_path / "film"
    music = Music(path="media/music/clicks.wav", source="clicks.wav", seconds=20.0, tempo=100.0, beats=BEATS)
    take = Take(render_key="ab" * 8, path="media/shots/s2/ab.mp4", backend="animatic", seed=7, frames=96)
    project = small_project()
    project = apply(project, expand(project, VaryShot(shot=3, count=2, seed=1)).edits)
    shots = [s.model_copy(update={"takes": [take]}) if s.id == "s2" else s for s in project.shots]
    folder = ProjectFolder.create(root, project.model_copy(update={"music": music, "shots": shots}))
    for place in ("media/music", "media/voice"):
        (root / place).mkdir(parents=True, exist_ok=True)
    write_wav(root / "media/music/clicks.wav", CLICKS)
    write_wav(root / "media/voice/tom.wav", tone(220, 1.0))
    return folder


def reached_by_tools(folder: ProjectFolder) -> set[type]:
    project = folder.load()
    reached: set[type] = set()
    for name, arguments in CALLS.items():
        outcome = Toolbox(project, folder=folder).call(name, json.dumps(arguments))
        reached |= {type(item) for item in (*outcome.built, *outcome.edits)}
    return reached


def reached_by_grammar(project: Project) -> set[type]:
    reached: set[type] = {type(edit) for edit in OfflineDirector().plan("A keeper climbs to the lamp at dusk.")}
    for sentence, command in SENTENCES:
        plan = OfflineDirector().turn(project, sentence)
        assert not plan.refused and plan.edits, (sentence, plan.reply)
        reached |= {type(edit) for edit in plan.edits}
        if command is not None:
            assert plan.edits == expand(project, command).edits, sentence  # the command itself, not a lookalike
            reached.add(type(command))
    return reached


def test_every_tool_has_a_call_here() -> None:
    assert set(CALLS) == set(TOOLS)  # a new tool comes with a call that shows what it reaches


def test_every_change_a_person_can_make_is_one_the_model_can_call(folder: ProjectFolder) -> None:
    assert set(INTERNAL) <= set(EDIT_TYPES) and len(PERSON_CHANGES) == len(EDIT_TYPES) - 2 + len(COMMAND_TYPES)
    reached = reached_by_tools(folder)
    missing = [kind.__name__ for kind in PERSON_CHANGES if kind not in reached and kind not in NOT_FROM_MODEL]
    assert missing == []
    assert [kind.__name__ for kind in NOT_FROM_MODEL if kind in reached] == []  # no reason left standing untrue


def test_every_change_a_person_can_make_is_read_by_the_offline_grammar(folder: ProjectFolder) -> None:
    reached = reached_by_grammar(folder.load())
    missing = [kind.__name__ for kind in PERSON_CHANGES if kind not in reached and kind not in NOT_FROM_GRAMMAR]
    assert missing == []
    assert [kind.__name__ for kind in NOT_FROM_GRAMMAR if kind in reached] == []


def test_every_field_the_model_is_offered_says_what_it_means() -> None:
    bare: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, path)
        if not isinstance(node, dict):
            return
        for name, field in (node.get("properties") or {}).items():
            if not str(field.get("description", "")).strip():
                bare.append(f"{path}.{name}")
            walk(field, f"{path}.{name}")
        for key in ("$defs", "items", "additionalProperties", "anyOf"):
            if key == "$defs":
                for name, sub in (node.get(key) or {}).items():
                    walk(sub, f"{path}/{name}")
            elif key in node:
                walk(node[key], path)

    specs = tool_specs()
    for spec in [*specs, *offered_tools(specs, None)]:  # as generated, and as a request sends them
        walk(spec["function"]["parameters"], spec["function"]["name"])
    assert bare == []

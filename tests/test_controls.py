"""Controls made for the task: the documented rules (agent/offline/controls.py), the model's proposal
through a checked tool (agent/controls.py, against the scripted server on 127.0.0.1), and a control moved in
the studio making the same edit as typing its words (ui/studio/task_controls.py)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import small_project
from llm_server import ChatServer, error, text, tool_call

from agent.controls import TOOL_NAME, propose_controls
from agent.offline.controls import (
    MAX_CONTROLS,
    MIN_CONTROLS,
    ControlSet,
    check_command,
    current_options,
    offline_controls,
    scene_kind,
)
from story import DialogueLine, Movement, Project, ProjectFolder, Shot, ShotSize, Style


def two_scenes(look: list[str] | None = None) -> Project:
    """A chase across the harbour (scene 1), then Mara and Tom talking in the kitchen (scene 2)."""
    shots = [
        Shot(id="s1", action="Mara runs along the quay.", characters=["mara"], location="harbour", scene=1,
             size=ShotSize.WS, movement=Movement.TRACKING, duration_frames=48),
        Shot(id="s2", action="Tom chases her past the boats.", characters=["tom"], location="harbour", scene=1,
             size=ShotSize.MS, duration_frames=36),
        Shot(id="s3", action="She leaps onto the ferry.", characters=["mara"], location="harbour", scene=1,
             size=ShotSize.MWS, duration_frames=36),
        Shot(id="s4", action="Mara and Tom sit at the table.", characters=["mara", "tom"],
             positions={"mara": 0.25, "tom": 0.75}, location="kitchen", scene=2, size=ShotSize.MS,
             dialogue=[DialogueLine(speaker="tom", text="You came back."),
                       DialogueLine(speaker="mara", text="Only for tonight.")], duration_frames=96),
        Shot(id="s5", action="Tom pours the tea.", characters=["tom"], location="kitchen", scene=2,
             size=ShotSize.MCU, dialogue=[DialogueLine(speaker="tom", text="Stay a while.")], duration_frames=60),
    ]  # fmt: skip
    project = small_project(shots=shots)
    if look is not None:
        project = project.model_copy(update={"style": project.style.model_copy(update={"look": look})})
    return project


def names(controls: ControlSet) -> list[str]:
    return [c.name for c in controls.controls]


# The rules ----------------------------------------------------------------------------------------


def test_a_dialogue_scene_and_a_chase_get_different_controls() -> None:
    project = two_scenes()
    chase, talk = offline_controls(project, "s2"), offline_controls(project, "s4")
    assert scene_kind([s for s in project.shots if s.scene == 1]) == "chase"
    assert scene_kind([s for s in project.shots if s.scene == 2]) == "dialogue"
    assert chase.task.startswith("a chase (scene 1)") and talk.task.startswith("a dialogue scene (scene 2)")
    assert names(chase) == ["Cut rate of scene 1", "Camera energy", "Handheld"]
    assert names(talk) == ["Pace of scene 2", "Who is favoured in shot 4", "Tom's voice", "Mara's voice"]
    favoured = talk.controls[1]
    assert [o.label for o in favoured.options] == ["Mara", "Tom", "both"]
    assert {o.command for o in chase.controls[2].options} == {
        "make scene 1 static",
        "make scene 1 tracking",
        "make scene 1 handheld",
    }


def test_noir_and_a_cartoon_get_different_controls_for_the_same_scene() -> None:
    noir = offline_controls(two_scenes(["film noir", "hard shadows"]), "s4")
    cartoon = offline_controls(two_scenes(["2D cartoon", "bold outlines"]), "s4")
    assert noir.task.endswith("in noir") and cartoon.task.endswith("in a cartoon style")
    assert names(noir)[4:] == ["Shadows", "Angle of shot 4"]
    assert names(cartoon)[4:] == ["Expression: Mara in shot 4", "Framing of shot 4"]
    assert [o.label for o in noir.controls[4].options] == ["day", "dusk", "night"]
    # with no shot selected the task is the film's look, and its palette follows the style too
    palettes = [
        [o.label for o in offline_controls(two_scenes(look), None).controls[2].options]
        for look in (["film noir"], ["2D cartoon"])
    ]
    assert palettes == [["noir", "sepia", "ink", "neon"], ["comic", "anime", "flat", "claymation"]]


def test_a_moment_and_an_empty_place_get_their_own_controls() -> None:
    project = small_project()  # scene 1: boats (no one), Mara walks, Tom's one line, the kitchen, a kettle
    alone = project.model_copy(update={"shots": [s.model_copy(update={"dialogue": []}) for s in project.shots]})
    moment = offline_controls(alone, "s2")
    assert moment.task == "a moment (scene 1)"
    assert names(moment) == ["Framing of shot 2", "Feeling: Mara in shot 2", "Pace of scene 1"]
    empty = small_project(shots=[project.shots[0], project.shots[4].model_copy(update={"scene": 2})])
    assert offline_controls(empty, "s5").task == "the look (scene 2)"
    assert names(offline_controls(empty, "s5")) == ["Light", "Weather", "Palette"]
    painted = offline_controls(empty.model_copy(update={"style": Style(look=["watercolour"])}), "s5")
    assert names(painted) == ["Light", "Weather", "Palette"]  # its golden light and palette are aspects already there
    assert [o.label for o in painted.controls[2].options] == ["watercolour", "oil painting", "pastel", "storybook"]


def test_every_proposed_option_is_words_the_grammar_reads_and_the_position_now_is_shown() -> None:
    from agent.offline import OfflineDirector

    example = OfflineDirector().plan((Path(__file__).parent.parent / "agent/examples/keeper.txt").read_text())
    from story import apply

    bundled = apply(Project(), example)
    for project in (two_scenes(), two_scenes(["film noir"]), two_scenes(["anime"]), bundled, small_project()):
        for shot in [None, *(s.id for s in project.shots)]:
            controls = offline_controls(project, shot)
            assert MIN_CONTROLS <= len(controls.controls) <= MAX_CONTROLS, (shot, names(controls))
            for control in controls.controls:
                for option in control.options:
                    assert check_command(project, option.command).error is None, option.command
    project = two_scenes()
    look = offline_controls(project, None)
    assert current_options(project, look) == ["make it all day", "clear sky in all shots", "style: storyboard"]


def test_a_controls_words_read_as_the_chat_reads_them() -> None:
    """check_command reads without applying to the whole film (cheap on a long one); what it says of each
    option, readable or not and already so or not, is what the chat's turn makes of the same words."""
    from agent.offline import OfflineDirector
    from story import apply

    odd = ["make it sparkle", "make shot 9 night", "undo", "surprise me", "give Zed a deeper voice", "style: noir"]
    for project in (two_scenes(), two_scenes(["film noir"]), two_scenes(["anime"])):
        said = {o.command for shot in (None, "s2", "s4", "s5") for c in offline_controls(project, shot).controls
                for o in c.options}  # fmt: skip
        for words in sorted(said) + odd:
            plan = OfflineDirector().turn(project, words)
            reading = check_command(project, words)
            readable = not plan.refused and plan.action == "edit" and bool(plan.edits)
            assert (reading.error is None) == readable, (words, reading, plan.reply)
            if readable:
                assert reading.current == (apply(project, plan.edits) == project), words


# The model's proposal --------------------------------------------------------------------------------

PROPOSAL = {
    "task": "a tense talk at the kitchen table",
    "controls": [
        {"name": "Tension", "why": "tighter or looser", "options": [
            {"label": "ease", "command": "make scene 2 calmer"},
            {"label": "tighten", "command": "make scene 2 more dramatic"}]},
        {"name": "Night falls", "options": [
            {"label": "evening", "command": "make scene 2 dusk"}, {"label": "night", "command": "make scene 2 night"}]},
        {"name": "Tom's face", "options": [
            {"label": "sad", "command": "make Tom sad in shot 5"},
            {"label": "angry", "command": "make Tom angry in shot 5"}]},
    ],
}  # fmt: skip


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatServer]:
    with ChatServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("STORYREEL_MODEL", "scripted")
        monkeypatch.setenv("STORYREEL_RETRIES", "0")
        yield server


def test_the_models_proposal_is_used_when_every_control_holds(model: ChatServer) -> None:
    project = two_scenes()
    model.queue.append(tool_call(TOOL_NAME, PROPOSAL))
    proposed = propose_controls(project, "s5")
    assert proposed.source == "model" and proposed.note == ""
    assert proposed.controls == ControlSet.model_validate(PROPOSAL)
    (request,) = model.requests
    assert [t["function"]["name"] for t in request["tools"]] == [TOOL_NAME]
    sent = request["tools"][0]["function"]["parameters"]
    assert "$ref" not in json.dumps(sent) and "command" in json.dumps(sent)
    assert request["tool_choice"] == {"type": "function", "function": {"name": TOOL_NAME}}
    assert "selected shot 5" in request["messages"][1]["content"]


def proposing_a_third(name: str, *options: tuple[str, str]) -> dict[str, object]:
    """The model's answer: the first two proposed controls, and a third of these (label, command) options."""
    third = {"name": name, "options": [{"label": label, "command": command} for label, command in options]}
    return tool_call(TOOL_NAME, {**PROPOSAL, "controls": [*PROPOSAL["controls"][:2], third]})


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (  # a command the offline grammar cannot read
            tool_call(
                TOOL_NAME,
                {
                    **PROPOSAL,
                    "controls": [
                        *PROPOSAL["controls"][:2],
                        {
                            "name": "Sparkle",
                            "options": [
                                {"label": "more", "command": "make it sparkle like a unicorn"},
                                {"label": "less", "command": "make scene 2 calmer"},
                            ],
                        },
                    ],
                },
            ),  # fmt: skip
            "control 'Sparkle', option 'more'",
        ),
        (
            tool_call(TOOL_NAME, {**PROPOSAL, "controls": PROPOSAL["controls"][:2]}),
            "controls: List should have at least 3",
        ),
        (
            tool_call(TOOL_NAME, {**PROPOSAL, "controls": [*PROPOSAL["controls"], *PROPOSAL["controls"]][:7]}),
            "controls",
        ),
        (tool_call(TOOL_NAME, '{"task": "x", "controls": [ '), "not JSON arguments"),
        (
            proposing_a_third("Shot 9", ("a", "make shot 9 night"), ("b", "make shot 9 dawn")),
            "There is no shot 9",
        ),
        (
            proposing_a_third("Brighter", ("a bit", "delete shot 1"), ("more", "make scene 2 day")),
            "not which shots there are (RemoveShot)",
        ),
        (text("Here are some controls: pace, light."), "did not call propose_controls"),
        (error(500), "the model did not answer"),
    ],
)
def test_a_bad_proposal_falls_back_to_the_rules_with_one_line(model: ChatServer, reply: dict, why: str) -> None:
    project = two_scenes()
    model.queue.append(reply)
    proposed = propose_controls(project, "s4")
    assert proposed.source == "rules"
    assert proposed.controls == offline_controls(project, "s4")
    assert why in proposed.note and "\n" not in proposed.note
    assert proposed.note.startswith("The model's controls were refused (")


# The studio: a control moved is the words said -----------------------------------------------------


def comparable(root: Path) -> dict[str, Any]:
    """story.json without what differs between two renders of the same story (wall-clock seconds)."""
    story = json.loads((root / "story.json").read_text())
    for shot in story["shots"]:
        for take in shot.get("takes", []):
            take.pop("seconds", None)
    return story


def untaken(project: Project) -> tuple[Any, ...]:
    """The shots and style without the takes (an undo keeps the takes it rendered, and the voices cast)."""
    return [s.model_copy(update={"takes": []}) for s in project.shots], project.style


def drain(turn: Iterator[Any]) -> list[Any]:
    return list(turn)


@pytest.fixture
def studio_projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Path, Path]:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    for name in ("OPENAI_BASE_URL", "STORYREEL_MODEL"):
        monkeypatch.delenv(name, raising=False)
    from ui.studio.handlers import Studio

    small = two_scenes().model_copy(update={"style": Style(width=128, height=72, title_card=False)})
    moved, typed = tmp_path / "moved", tmp_path / "typed"
    ProjectFolder.create(moved, small, message="test")
    shutil.copytree(moved, typed)
    return Studio(tmp_path), moved, typed


@pytest.mark.parametrize(
    ("shot", "control", "option"), [("s4", 0, "faster"), ("s2", 2, "handheld"), (None, 0, "night")]
)
def test_moving_a_control_makes_the_same_edit_as_typing_its_words(
    studio_projects: tuple[Any, Path, Path], shot: str | None, control: int, option: str
) -> None:
    from ui.studio.task_controls import moving, task_controls

    studio, moved, typed = studio_projects
    kept, line, *slots = task_controls(str(moved), shot, None)
    assert line.startswith("**Controls for ") and sum(1 for s in slots if s["visible"]) >= 3
    choices = dict(slots[control]["choices"])
    words = choices[option]
    before = ProjectFolder.open(moved).load()

    drain(moving(studio, control)(words, kept, str(moved), shot, [], False))
    drain(studio.say(words, str(typed), shot, [], False))

    assert comparable(moved) == comparable(typed)
    after = ProjectFolder.open(moved).load()
    assert after.shots != before.shots or after.characters != before.characters
    newest = ProjectFolder.open(moved).revisions()[-1]
    assert newest.message == ProjectFolder.open(typed).revisions()[-1].message
    assert newest.number == before.revision + 1
    drain(studio.undo(str(moved), shot, []))  # undone like a typed instruction
    drain(studio.undo(str(typed), shot, []))
    assert untaken(ProjectFolder.open(moved).load()) == untaken(before)
    assert comparable(moved) == comparable(typed)


def test_a_control_refuses_words_it_was_not_given(studio_projects: tuple[Any, Path, Path]) -> None:
    import gradio as gr

    from ui.studio.task_controls import moving, task_controls

    studio, moved, _ = studio_projects
    kept, *_ = task_controls(str(moved), "s4", None)
    with pytest.raises(gr.Error, match="out of date"):
        drain(moving(studio, 0)("delete shot 1", kept, str(moved), "s4", [], False))
    assert ProjectFolder.open(moved).load().revision == 1


def test_the_studio_shows_the_models_controls_and_asks_once_per_task(
    studio_projects: tuple[Any, Path, Path], model: ChatServer
) -> None:
    from ui.studio.task_controls import task_controls

    _, moved, _ = studio_projects
    model.queue.append(tool_call(TOOL_NAME, PROPOSAL))
    kept, line, *slots = task_controls(str(moved), "s5", None)
    assert "proposed by the model" in line
    assert [s["label"] for s in slots if s["visible"]] == ["Tension", "Night falls", "Tom's face"]
    again = task_controls(str(moved), "s5", kept)
    assert again[1] == line and len(model.requests) == 1
    model.queue.append(tool_call(TOOL_NAME, {**PROPOSAL, "controls": PROPOSAL["controls"][:1]}))
    refused = task_controls(str(moved), "s1", kept)  # another scene: asked again; this answer is refused
    assert len(model.requests) == 2 and "⚠️ The model's controls were refused" in refused[1]
    assert [s["label"] for s in refused[2:] if s["visible"]][0] == "Cut rate of scene 1"

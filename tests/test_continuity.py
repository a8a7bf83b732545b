"""The continuity checker on planted errors of each kind, and no false alarm on a clean project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from memory import DATA_DIR_ENV, ProjectMemory
from story import Bible, Character, DialogueLine, Location, Project, ReplaceStory, Shot, apply
from story.continuity import check, coloured_things, is_offscreen

CAST = [
    Character(
        id="mara", name="Mara", description="a young woman in a long red coat", traits={"coat": "red", "hair": "black"}
    ),
    Character(id="tomas", name="Tomas", description="an old fisherman with a grey beard", traits={"beard": "grey"}),
]
PLACES = [Location(id="harbour", name="the harbour"), Location(id="kitchen", name="the kitchen", interior=True)]


def clean_shots() -> list[Shot]:
    """A scene that keeps every rule: speakers in frame or V.O., one light per scene, sides kept."""
    return [
        Shot(
            id="s1",
            scene=1,
            location="harbour",
            time_of_day="dawn",
            characters=["mara", "tomas"],
            positions={"mara": 0.3, "tomas": 0.7},
            action="Mara, in her red coat, faces Tomas on the quay.",
        ),
        Shot(
            id="s2",
            scene=1,
            location="harbour",
            time_of_day="dawn",
            characters=["mara"],
            positions={"mara": 0.5},
            action="Close on Mara. She pulls her crimson coat tight.",
            dialogue=[
                DialogueLine(speaker="mara", text="Not today."),
                DialogueLine(speaker="tomas", text="Then when?", parenthetical="O.S."),
            ],
        ),
        Shot(
            id="s3",
            scene=1,
            location="harbour",
            time_of_day="dawn",
            characters=["mara", "tomas"],
            positions={"mara": 0.2, "tomas": 0.8},
            action="Tomas strokes his grey beard.",
            dialogue=[DialogueLine(speaker="tomas", text="Soon.")],
        ),
        Shot(
            id="s4",
            scene=1,
            location="harbour",
            time_of_day="dusk",
            transition="dissolve",
            characters=["mara"],
            action="Mara alone at dusk.",
        ),
        Shot(
            id="s5",
            scene=2,
            location="kitchen",
            time_of_day="night",
            characters=["tomas"],
            action="Tomas eats in silence.",
            dialogue=[DialogueLine(speaker="mara", text="I'm going.", parenthetical="(V.O.)")],
        ),
    ]


def story_with(shots: list[Shot]) -> Project:
    return apply(Project(), ReplaceStory(bible=Bible(title="t"), characters=CAST, locations=PLACES, shots=shots))


def changed(shots: list[Shot], index: int, **changes: Any) -> list[Shot]:
    shots = list(shots)
    shots[index] = Shot.model_validate(shots[index].model_dump() | changes)
    return shots


@pytest.fixture
def memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectMemory:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    (tmp_path / "film").mkdir()
    opened = ProjectMemory(tmp_path / "film")
    opened.sync(story_with(clean_shots()))
    yield opened  # type: ignore[misc]
    opened.close()


def test_a_clean_project_raises_no_alarm(memory: ProjectMemory) -> None:
    assert check(story_with(clean_shots())) == []
    assert check(story_with(clean_shots()), memory) == []


def test_a_speaker_who_is_not_in_the_shot() -> None:
    shots = changed(clean_shots(), 4, dialogue=[{"speaker": "mara", "text": "I'm going."}])
    problems = check(story_with(shots))
    assert [(p.shot, p.kind) for p in problems] == [(5, "offscreen-speaker")]
    assert "Mara speaks but is not in the shot" in problems[0].message


@pytest.mark.parametrize("mark", ["V.O.", "(V.O.)", "O.S.", "(o.s.)", "O.C.", "voice-over", "off-screen"])
def test_voice_over_and_off_screen_marks(mark: str) -> None:
    assert is_offscreen(mark)


@pytest.mark.parametrize("mark", ["", "whispering", "to Tomas", "softly"])
def test_other_parentheticals_are_not_off_screen(mark: str) -> None:
    assert not is_offscreen(mark)


def test_time_of_day_changes_inside_a_scene_on_a_plain_cut() -> None:
    shots = changed(clean_shots(), 2, time_of_day="night")
    problems = check(story_with(shots))
    assert [(p.shot, p.kind) for p in problems] == [(3, "time-of-day")]
    assert "dawn in shot 2 but night here" in problems[0].message
    # The same change after a dissolve, or in a new scene, is fine.
    assert check(story_with(changed(shots, 2, transition="dissolve"))) == []
    assert check(story_with(changed(shots, 2, scene=2, positions={}, characters=["tomas"]))) == []


def test_screen_direction_flip_across_shots_of_a_scene() -> None:
    shots = changed(clean_shots(), 2, positions={"mara": 0.8, "tomas": 0.2})
    problems = check(story_with(shots))
    # Shot 2 (Mara alone) is a cutaway: the flip is measured against shot 1, where both stood.
    assert [(p.shot, p.kind) for p in problems] == [(3, "screen-direction")]
    assert "swap sides after shot 1" in problems[0].message


def test_a_deliberate_crossing_is_not_flagged() -> None:
    shots = changed(clean_shots(), 2, positions={"mara": 0.8, "tomas": 0.2}, notes="Tracking shot crosses the line")
    assert check(story_with(shots)) == []
    shots = changed(clean_shots(), 2, positions={"mara": 0.8, "tomas": 0.2}, metadata={"crosses_line": True})
    assert check(story_with(shots)) == []


def test_a_flip_in_another_scene_is_not_a_flip() -> None:
    shots = [
        *clean_shots(),
        Shot(id="s6", scene=3, location="harbour", characters=["mara", "tomas"], positions={"mara": 0.9, "tomas": 0.1}),
    ]
    assert check(story_with(shots)) == []


def test_an_action_that_contradicts_memory(memory: ProjectMemory) -> None:
    shots = changed(clean_shots(), 1, action="Close on Mara. She pulls her blue wool coat tight.")
    shots = changed(shots, 2, action="Tomas strokes his black beard while Mara watches.")
    project = story_with(shots)
    problems = check(project, memory)
    assert [(p.shot, p.kind) for p in problems] == [(2, "description")]
    assert problems[0].message == "the action gives Mara a blue coat, but memory says Mara's coat is red"
    assert check(project) == [], "without memory there is nothing to contradict"
    single = story_with(changed(clean_shots(), 4, action="Tomas, in a black beard and a navy cap, eats."))
    assert [p.message for p in check(single, memory)] == [
        "the action gives Tomas a black beard, but memory says Tomas's beard is grey"
    ]


def test_colour_words_are_read_by_family() -> None:
    assert coloured_things("a crimson wool coat and grey hair") == {"coat": "red", "hair": "grey"}
    assert coloured_things("she is red-faced in a coat") == {}
    assert coloured_things("a long, navy blue overcoat") == {"coat": "blue"}

"""The offline command grammar: each instruction changes exactly what it says, and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.offline import OfflineDirector, clauses
from agent.state import TurnPlan
from story import Angle, Movement, Project, ShotSize, TimeOfDay, Transition, apply

EXAMPLE = Path(__file__).parent.parent / "agent" / "examples" / "keeper.txt"


@pytest.fixture(scope="module")
def project() -> Project:
    return apply(Project(), OfflineDirector().plan(EXAMPLE.read_text()))


def say(project: Project, message: str, director: OfflineDirector | None = None) -> tuple[TurnPlan, Project]:
    direction = (director or OfflineDirector()).turn(project, message)
    return direction, apply(project, direction.edits) if direction.edits else project


def shots(project: Project) -> list[dict[str, Any]]:
    return [s.model_dump() for s in project.shots]


def changed_fields(before: Project, after: Project) -> dict[int, set[str]]:
    """1-based shot number -> fields that differ, for shots with the same ids in the same order."""
    assert [s.id for s in before.shots] == [s.id for s in after.shots]
    found = {}
    for number, (old, new) in enumerate(zip(shots(before), shots(after), strict=True), 1):
        fields = {k for k in old if old[k] != new[k]}
        if fields:
            found[number] = fields
    return found


def test_example_has_enough_shots(project: Project) -> None:
    assert len(project.shots) == 12


# Shot properties ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "number", "field", "value"),
    [
        ("make shot 2 a close-up", 2, "size", ShotSize.CU),
        ("make shot 3 a close up", 3, "size", ShotSize.CU),
        ("extreme close-up on shot 4", 4, "size", ShotSize.ECU),
        ("shot 6 medium close-up", 6, "size", ShotSize.MCU),
        ("wide shot for shot 1", 1, "size", ShotSize.WS),
        ("make shot 2 a cowboy shot", 2, "size", ShotSize.MWS),
        ("shot 2 establishing shot", 2, "size", ShotSize.EWS),
        ("shot 1 ECU", 1, "size", ShotSize.ECU),
        ("shot 1 mid shot", 1, "size", ShotSize.MS),
        ("low angle on the last shot", 12, "angle", Angle.LOW),
        ("high angle on shot 2", 2, "angle", Angle.HIGH),
        ("dutch angle for the third shot", 3, "angle", Angle.DUTCH),
        ("make shot 5 overhead", 5, "angle", Angle.OVERHEAD),
        ("push in on shot 5", 5, "movement", Movement.PUSH_IN),
        ("pull out on #3", 3, "movement", Movement.PULL_OUT),
        ("pan left on the 2nd shot", 2, "movement", Movement.PAN_LEFT),
        ("handheld for s8", 8, "movement", Movement.HANDHELD),
        ("make shot 1 static", 1, "movement", Movement.STATIC),
        ("use a 85mm lens on shot 2", 2, "lens_mm", 85),
        ("shot 3 on a wide lens", 3, "lens_mm", 24),
        ("make shot 3 night", 3, "time_of_day", TimeOfDay.NIGHT),
        ("shot 2 at dawn", 2, "time_of_day", TimeOfDay.DAWN),
        ("make shot 4 3 seconds", 4, "duration_frames", 72),
        ("shot 4 to 2.5 seconds", 4, "duration_frames", 60),
        ("dissolve into shot 4", 4, "transition", Transition.DISSOLVE),
        ("fade out at the end", 12, "transition", Transition.FADE_OUT),
        ("fade in on shot 5", 5, "transition", Transition.FADE_IN),
        ("cut to shot 12", 12, "transition", Transition.CUT),
        ("fade out after the penultimate shot", 11, "transition", Transition.FADE_OUT),
    ],
)
def test_one_change_to_one_shot(project: Project, message: str, number: int, field: str, value: object) -> None:
    direction, after = say(project, message)
    assert not direction.refused and direction.action == "edit", direction.reply
    assert getattr(after.shots[number - 1], field) == value
    assert set(changed_fields(project, after)) <= {number}
    assert changed_fields(project, after).get(number, {field}) == {field}


def test_make_shot_2_a_close_up_changes_only_its_size(project: Project) -> None:
    direction, after = say(project, "make shot 2 a close-up")
    assert changed_fields(project, after) == {2: {"size"}}
    assert direction.reply == "Done: shot 2: CU."
    assert after.characters == project.characters and after.style == project.style


def test_longer_and_shorter(project: Project) -> None:
    fps = project.fps
    frames = project.shots[1].duration_frames
    assert say(project, "shot 2 longer by 2 seconds")[1].shots[1].duration_frames == frames + 2 * fps
    assert say(project, "make shot 2 two seconds longer")[1].shots[1].duration_frames == frames + 2 * fps
    assert say(project, "shot 2 shorter")[1].shots[1].duration_frames == frames - fps
    assert say(project, "trim shot 2 by half a second")[1].shots[1].duration_frames == frames - fps // 2
    assert say(project, "make shot 2 twice as long")[1].shots[1].duration_frames == 2 * frames
    assert say(project, "shot 2 to 200 seconds")[1].shots[1].duration_frames == 24 * 120, "bounded"


def test_bare_shorter_uses_the_shot_talked_about_last(project: Project) -> None:
    director = OfflineDirector()
    first, after = say(project, "make shot 3 a close-up", director)
    second, again = say(after, "shorter", director)
    assert changed_fields(after, again) == {3: {"duration_frames"}}
    lonely, _ = say(project, "shorter")
    assert not lonely.edits and "Which shot" in lonely.reply


def test_closer_and_wider_step_one_size(project: Project) -> None:
    assert say(project, "shot 2 closer")[1].shots[1].size == ShotSize.MCU
    assert say(project, "make shot 2 wider")[1].shots[1].size == ShotSize.MWS


def test_several_properties_in_one_clause(project: Project) -> None:
    _, after = say(project, "shot 4 low angle close-up, pan left, 50mm, 5s, at night")
    shot = after.shots[3]
    assert (shot.size, shot.angle, shot.movement, shot.lens_mm, shot.duration_frames, shot.time_of_day) == (
        ShotSize.CU,
        Angle.LOW,
        Movement.PAN_LEFT,
        50,
        120,
        TimeOfDay.NIGHT,
    )


def test_all_shots(project: Project) -> None:
    _, after = say(project, "make it all dawn")
    assert {s.time_of_day for s in after.shots} == {TimeOfDay.DAWN}
    assert all(fields == {"time_of_day"} for fields in changed_fields(project, after).values())
    _, after = say(project, "every shot handheld")
    assert {s.movement for s in after.shots} == {Movement.HANDHELD}


# Addressing shots ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "number"),
    [
        ("shot 3 close-up", 3),
        ("#3 close-up", 3),
        ("the 3rd shot close-up", 3),
        ("the third shot close-up", 3),
        ("close-up on the first shot", 1),
        ("close-up on the last shot", 12),
        ("close-up on the final shot", 12),
        ("close-up on s7", 7),
        ("shot three close-up", 3),
        ("the second-to-last shot close-up", 11),
        ("close-up on the last one", 12),
    ],
)
def test_ways_to_name_a_shot(project: Project, message: str, number: int) -> None:
    direction, after = say(project, message)
    assert after.shots[number - 1].size == ShotSize.CU, direction.reply
    assert set(changed_fields(project, after)) <= {number}


@pytest.mark.parametrize(
    "message",
    [
        "make shot 17 a close-up",
        "delete shot 13",
        "swap shots 2 and 40",
        "the twentieth shot at night",
        "close-up on s99",
    ],
)
def test_an_unknown_shot_changes_nothing_and_says_how_many_there_are(project: Project, message: str) -> None:
    direction = OfflineDirector().turn(project, message)
    assert direction.edits == [] and direction.refused and direction.action == "none"
    assert "I did not understand" not in direction.reply  # understood, but there is no such shot
    assert "the project has 12 shots" in direction.reply
    assert "There is no shot" in direction.reply


def test_unknown_shot_17_reply(project: Project) -> None:
    reply = OfflineDirector().turn(project, "make shot 17 a close-up").reply
    assert reply.startswith("There is no shot 17 — the project has 12 shots.")


# The shot list -------------------------------------------------------------------------------------


def order(project: Project) -> list[str]:
    return [s.id for s in project.shots]


def test_swap(project: Project) -> None:
    _, after = say(project, "swap shots 2 and 3")
    ids = order(project)
    assert order(after) == [ids[0], ids[2], ids[1], *ids[3:]]
    _, after = say(project, "swap the first and the last shot")
    assert order(after) == [ids[-1], *ids[1:-1], ids[0]]
    _, after = say(project, "switch shot 2 with shot 9")
    expected = list(ids)
    expected[1], expected[8] = expected[8], expected[1]
    assert order(after) == expected


def test_move(project: Project) -> None:
    ids = order(project)
    _, after = say(project, "move shot 5 before shot 2")
    assert order(after) == [ids[0], ids[4], ids[1], ids[2], ids[3], *ids[5:]]
    _, after = say(project, "move shot 5 to the end")
    assert order(after) == [*ids[:4], *ids[5:], ids[4]]
    _, after = say(project, "move shot 5 to the start")
    assert order(after) == [ids[4], *ids[:4], *ids[5:]]
    _, after = say(project, "move shot 2 after shot 4")
    assert order(after) == [ids[0], ids[2], ids[3], ids[1], *ids[4:]]
    direction, _ = say(project, "move shot 2 before shot 30")
    assert not direction.edits and "no shot 30" in direction.reply


def test_delete(project: Project) -> None:
    direction, after = say(project, "delete shot 4")
    assert order(after) == [i for i in order(project) if i != "s4"]
    assert "removed shot 4" in direction.reply
    _, after = say(project, "remove the last shot")
    assert order(after) == order(project)[:-1]


def test_duplicate(project: Project) -> None:
    _, after = say(project, "duplicate shot 2")
    assert len(after.shots) == 13 and after.shots[2].id == "s13"
    copy = after.shots[2].model_dump()
    original = after.shots[1].model_dump()
    mine = ("id", "label")  # the copy is a shot of its own: put in after shot 2, it is 2A
    assert {k: v for k, v in copy.items() if k not in mine} == {k: v for k, v in original.items() if k not in mine}
    assert (original["label"], copy["label"]) == ("2", "2A")
    assert after.next_shot == 14


def test_insert_a_shot_with_its_action(project: Project) -> None:
    direction, after = say(project, "add a shot after 4: she opens the door")
    new = after.shots[4]
    assert new.id == "s13" and new.size == ShotSize.MS and new.action == "she opens the door."
    assert new.characters == ["mara"], "she: the one in the shot before"
    assert new.location == project.shots[3].location and new.time_of_day == project.shots[3].time_of_day
    assert order(after) == [*order(project)[:4], "s13", *order(project)[4:]]
    _, after = say(project, "add a shot after shot 9: Tomas and the girl row home")
    assert after.shots[9].characters == ["tomas", "young-girl"]
    _, after = say(project, "add a close-up at the end: Mara smiles")
    assert after.shots[-1].size == ShotSize.CU and after.shots[-1].characters == ["mara"]
    _, after = say(project, "insert a shot before shot 1: the sea at night")
    assert after.shots[0].action == "the sea at night." and after.shots[0].time_of_day == TimeOfDay.NIGHT


# Style, cast, title --------------------------------------------------------------------------------


def test_style(project: Project) -> None:
    _, after = say(project, "make it noir")
    assert "film noir" in after.style.look and after.style.palette[0] == "#0b0b0b"
    assert after.shots == project.shots
    _, after = say(project, "style: watercolour")
    assert after.style.look[0] == "watercolour"
    _, after = say(project, "style: chalk on slate, soft light")
    assert after.style.look == ["chalk on slate", "soft light"]


def test_a_characters_look(project: Project) -> None:
    direction, after = say(project, "Mara wears a red coat")
    mara = after.character("mara")
    assert mara.traits["coat"] == "red" and "red coat" in mara.description and "yellow" not in mara.description
    assert after.shots == project.shots
    _, after = say(project, "Tomas has a grey beard")
    assert after.character("tomas").traits == {"beard": "grey"}
    _, after = say(project, "the girl has curly black hair")
    assert after.character("young-girl").traits["hair"] == "curly black"
    _, after = say(project, "give Tomas a blue cap")
    assert after.character("tomas").traits == {"cap": "blue"}


def test_rename(project: Project) -> None:
    direction, after = say(project, "rename Mara to Marta")
    assert after.character("marta" if False else "mara").name == "Marta"
    assert "Marta" in after.shots[1].action and "Mara" not in after.shots[1].action
    assert after.character("mara").id == "mara", "ids survive renaming"
    direction, _ = say(project, "rename Zed to Q")
    assert not direction.edits and "Zed" in direction.reply and "Mara" in direction.reply


def test_title(project: Project) -> None:
    _, after = say(project, "call the film Storm Light")
    assert after.bible.title == "Storm Light"


# Conversation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("message", "action"), [("undo", "undo"), ("Undo that.", "undo"), ("redo", "redo")])
def test_undo_and_redo(project: Project, message: str, action: str) -> None:
    direction = OfflineDirector().turn(project, message)
    assert direction.action == action and direction.edits == []


def test_compound_instructions_apply_together(project: Project) -> None:
    direction, after = say(project, "make shot 2 a close-up and shot 3 night; delete shot 5")
    assert after.shots[1].size == ShotSize.CU and after.shots[2].time_of_day == TimeOfDay.NIGHT
    assert "s5" not in order(after)
    assert direction.reply.count(";") == 2
    direction, after = say(project, "swap shots 2 and 3 and then make the last shot a close-up")
    assert after.shots[-1].size == ShotSize.CU and order(after)[1] == "s3"


def test_later_clauses_see_earlier_ones(project: Project) -> None:
    _, after = say(project, "delete shot 1. make the first shot a close-up")
    assert after.shots[0].id == "s2" and after.shots[0].size == ShotSize.CU


def test_clauses_split_only_between_instructions() -> None:
    assert clauses("swap shots 2 and 3") == ["swap shots 2 and 3"]
    assert clauses("make shot 2 a close-up and shot 3 night") == ["make shot 2 a close-up", "shot 3 night"]
    assert clauses("add a shot after 4: she opens the door and runs") == [
        "add a shot after 4: she opens the door and runs"
    ]
    assert clauses("undo; redo") == ["undo", "redo"]


def test_not_understood_changes_nothing_and_says_what_it_can_do(project: Project) -> None:
    direction = OfflineDirector().turn(project, "florp the wibble")
    assert direction.edits == [] and direction.refused and direction.action == "none"
    assert "I did not understand" in direction.reply
    assert "florp the wibble" in direction.reply
    assert "make shot 3 a close-up" in direction.reply
    assert "OPENAI_BASE_URL" in direction.reply and "STORYREEL_MODEL" in direction.reply


def test_partly_understood_says_what_it_understood_and_changes_nothing(project: Project) -> None:
    direction = OfflineDirector().turn(project, "make shot 2 a close-up; florp the wibble")
    assert direction.edits == [] and direction.refused and "I did not understand" in direction.reply
    assert "I understood: shot 2: CU" in direction.reply


def test_bad_values_are_refused(project: Project) -> None:
    direction = OfflineDirector().turn(project, "use a 2mm lens on shot 2")
    assert not direction.edits and "8 to 600" in direction.reply


def test_every_direction_applies(project: Project) -> None:
    messages = [
        "make shot 3 a close-up",
        "shot 2 longer by 2 seconds",
        "low angle on the last shot",
        "push in on shot 5",
        "swap shots 2 and 3",
        "move shot 5 before shot 2",
        "delete shot 6",  # shots keep their labels: 4 is still there to add after and dissolve into
        "duplicate shot 2",
        "add a shot after 4: she opens the door",
        "make it all dawn",
        "make it noir",
        "Mara wears a red coat",
        "rename Mara to Marta",
        "dissolve into shot 4",
        "fade out at the end",
        "cut to shot 3",
    ]
    director, current = OfflineDirector(), project
    for message in messages:
        direction = director.turn(current, message)
        assert direction.edits, (message, direction.reply)
        current = apply(current, direction.edits)
    assert len(current.shots) == 13


def test_check_continuity_lists_problems_by_shot_and_changes_nothing() -> None:

    director = OfflineDirector()
    project = apply(Project(), director.plan(EXAMPLE.read_text()))
    clean = director.turn(project, "check continuity")
    assert clean.edits == [] and clean.reply == f"No continuity problems in {len(project.shots)} shots."
    mirrored = {who: 1 - x for who, x in project.shots[5].positions.items()}
    flipped = project.shots[5].model_copy(update={"positions": mirrored})
    crossed = project.model_copy(update={"shots": [*project.shots[:5], flipped, *project.shots[6:]]})
    found = director.turn(crossed, "any problems?")
    assert found.edits == [] and "shot 6:" in found.reply and "180-degree" in found.reply


@pytest.mark.parametrize(
    "message",
    [
        "make shot 3 a close-up and florp the kettle",
        "push in on shot 2 and teleport the boat to the moon",
        "shot 2 longer by 2 seconds, and juggle the lanterns",
        "low angle on the last shot and then sing a song",
    ],
)
def test_a_part_it_cannot_read_applies_nothing_and_names_that_part(project: Project, message: str) -> None:
    direction, after = say(project, message)
    assert direction.edits == [] and after == project
    assert direction.refused and not direction.reply.startswith("Done")
    unread = message.split(" and ")[-1].removeprefix("then ").strip(" ,.")
    assert f"“{unread}”" in direction.reply


def test_words_that_carry_on_a_clause_stay_with_it(project: Project) -> None:
    assert clauses("Mara wears a red coat and a blue hat") == ["Mara wears a red coat and a blue hat"]
    assert clauses("make shots 2 and 3 close-ups") == ["make shots 2 and 3 close-ups"]
    direction, after = say(project, "Mara wears a red coat and a blue hat")
    assert direction.reply.startswith("Done") and after.character("mara").traits["hat"] == "blue"

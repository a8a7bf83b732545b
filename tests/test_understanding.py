"""The offline director understands a person the first time (issue 17): scope, ranges and lists,
shots named by what is in them, pronouns, where a new shot goes, two names for one person, mood
notes as listed changes, adverbs kept, trims that never delete, and no "Done" for a part."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.offline import OfflineDirector
from agent.state import TurnPlan
from story import (
    Angle,
    Bible,
    Character,
    DialogueLine,
    Location,
    Movement,
    Project,
    ProjectFolder,
    Shot,
    ShotSize,
    TimeOfDay,
    apply,
)
from story.model import Acting, Expression, Prop, Weather

REPO = Path(__file__).resolve().parent.parent


def film() -> Project:
    """A clockmaker's night: Elias (a man), Rosa (a woman), Bjorn and an old fisherman (one man under
    two names), a shop and a pier, two scenes, 9 shots of 3 s."""
    cast = [
        Character(id="elias", name="Elias", description="an old clockmaker, a man"),
        Character(id="rosa", name="Rosa", description="his granddaughter, a young woman"),
        Character(id="bjorn", name="Bjorn", description="a ferryman with a grey beard"),
        Character(id="old-fisherman", name="Old fisherman", description="an old fisherman in oilskins"),
    ]
    places = [
        Location(id="shop", name="the shop", interior=True),
        Location(id="pier", name="the pier"),
    ]

    def shot(n: int, action: str, who: list[str], where: str, scene: int, **more: object) -> Shot:
        fields = {"id": f"s{n}", "action": action, "characters": who, "location": where, "scene": scene}
        return Shot.model_validate(fields | {"duration_frames": 72, "time_of_day": TimeOfDay.DUSK} | more)

    shots = [
        shot(1, "Elias works alone at his bench.", ["elias"], "shop", 1, size=ShotSize.WS),
        shot(2, "A grey moth circles the lamp.", [], "shop", 1, props=[Prop(name="moth"), Prop(name="lamp")]),
        shot(3, "Elias winds the stopped clock.", ["elias"], "shop", 1, size=ShotSize.CU),
        shot(4, "Rosa comes in from the rain.", ["rosa", "elias"], "shop", 1),
        shot(
            5,
            "Rosa cries as the clock ticks.",
            ["rosa"],
            "shop",
            1,
            size=ShotSize.CU,
            acting={"rosa": Acting(expression=Expression.CRYING)},
        ),
        shot(6, "The ferry waits at the pier.", [], "pier", 2, size=ShotSize.EWS),
        shot(7, "The old fisherman mends his nets.", ["old-fisherman"], "pier", 2),
        shot(
            8,
            "Bjorn calls to the fisherman.",
            ["bjorn", "old-fisherman"],
            "pier",
            2,
            positions={"bjorn": 0.3, "old-fisherman": 0.7},
            dialogue=[DialogueLine(speaker="bjorn", text="The tide is turning.")],
        ),
        shot(9, "Bjorn casts off the rope.", ["bjorn"], "pier", 2, size=ShotSize.MS),
    ]
    return Project(bible=Bible(title="The Clockmaker"), characters=cast, locations=places, shots=shots, next_shot=10)


def say(project: Project, message: str) -> tuple[TurnPlan, Project]:
    plan = OfflineDirector().turn(project, message)
    return plan, apply(project, plan.edits) if plan.edits else project


def changed(before: Project, after: Project, field: str) -> list[int]:
    """Numbers of the shots whose `field` differs (same ids in the same order)."""
    return [
        n
        for n, (a, b) in enumerate(zip(before.shots, after.shots, strict=True), 1)
        if getattr(a, field) != getattr(b, field)
    ]


# Scope ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["make it night", "make everything night", "Make the whole film night."])
def test_a_film_wide_light_needs_no_shot(message: str) -> None:
    project = film()
    plan, after = say(project, message)
    assert plan.reply.startswith("Done") and all(s.time_of_day == TimeOfDay.NIGHT for s in after.shots), plan.reply


def test_a_film_wide_weather_and_pace_need_no_shot() -> None:
    project = film()
    _, rainy = say(project, "make it rainy")
    assert {s.weather for s in rainy.shots} == {Weather.RAIN}
    plan, slower = say(project, "make the whole film slower")
    assert all(b.duration_frames > a.duration_frames for a, b in zip(project.shots, slower.shots, strict=True))
    assert "longer shots" in plan.reply


@pytest.mark.parametrize(
    ("message", "numbers"),
    [
        ("make shots 2 to 7 night", [2, 3, 4, 5, 6, 7]),
        ("make shots 2-5 night", [2, 3, 4, 5]),
        ("from shot 3 to shot 5, make it night", [3, 4, 5]),
        ("shots two through four night", [2, 3, 4]),
        ("make shots 2, 4 and 6 night", [2, 4, 6]),
        ("the first three shots at night", [1, 2, 3]),
        ("make the last two shots night", [8, 9]),
        ("make it night in the shop", [1, 2, 3, 4, 5]),
        ("make the pier scene night", [6, 7, 8, 9]),
        ("make scene 2 night", [6, 7, 8, 9]),
        ("make all of Bjorn's shots night", [8, 9]),
        ("every shot with Rosa should be night", [4, 5]),
    ],
)
def test_ranges_lists_and_scenes_change_every_shot_they_name(message: str, numbers: list[int]) -> None:
    project = film()
    plan, after = say(project, message)
    assert changed(project, after, "time_of_day") == numbers, plan.reply


def test_every_close_up_names_the_close_ups_not_a_size() -> None:
    project = film()
    plan, after = say(project, "make every close-up wider")
    assert changed(project, after, "size") == [3, 5], plan.reply
    assert after.shots[2].size == ShotSize.MCU


def test_a_range_past_the_end_changes_nothing_and_says_so() -> None:
    plan, after = say(film(), "make shots 2 to 19 night")
    assert plan.edits == [] and plan.refused and "no shot 19" in plan.reply


# Shots named by what is in them ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "number"),
    [
        ("make the moth shot a close-up", 2),
        ("make the shot where she cries an extreme close-up", 5),
        ("the one at the pier with the ferry should be a close-up", 6),
        ("make the shot of the stopped clock a medium shot", 3),
        ("the fisherman shot should be a close-up", 7),
    ],
)
def test_a_shot_named_by_its_content(message: str, number: int) -> None:
    project = film()
    plan, after = say(project, message)
    assert changed(project, after, "size") == [number], plan.reply


def test_the_moth_shot_as_an_extreme_close_up_on_his_hands() -> None:
    project = film()
    plan, after = say(project, "the moth shot should be an extreme close-up on his hands")
    shot = after.shots[1]
    assert shot.size == ShotSize.ECU and shot.props[0].name == "hands", plan.reply
    assert "hands" in shot.action and [p.name for p in shot.props[1:]] == ["moth", "lamp"]


def test_an_extreme_close_up_of_his_hands_frames_the_hands_not_his_face() -> None:
    project = film()
    plan, after = say(project, "make shot 3 an extreme close-up of his hands")
    shot = after.shots[2]
    assert shot.size == ShotSize.ECU and shot.props[0].name == "hands" and shot.props[0].metadata == {"framed": True}
    assert shot.action.startswith("Extreme close-up on his hands.") and "framed on his hands" in plan.reply


def test_a_close_up_of_someone_puts_them_first_in_frame() -> None:
    project = film()
    _, after = say(project, "make shot 4 a close-up of Elias")
    assert after.shots[3].characters == ["elias", "rosa"] and after.shots[3].props == []


def test_no_shot_holds_the_words_is_said_not_guessed() -> None:
    plan, _ = say(film(), "make the dragon shot a close-up")
    assert plan.refused and "dragon" in plan.reply


# Pronouns --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "who", "part", "value"),
    [
        ("she should wear a green scarf", "rosa", "scarf", "green"),
        ("she wears a blue hat", "rosa", "hat", "blue"),
        ("give her a red coat", "rosa", "coat", "red"),
    ],
)
def test_she_is_the_woman_of_the_cast(message: str, who: str, part: str, value: str) -> None:
    plan, after = say(film(), message)
    assert after.character(who).traits.get(part) == value, plan.reply


def test_he_with_several_men_is_the_last_one_in_the_shot_talked_about() -> None:
    director, project = OfflineDirector(), film()
    first = director.turn(project, "make shot 3 a close-up")
    project = apply(project, first.edits)
    plan = director.turn(project, "he has a white beard")
    after = apply(project, plan.edits)
    assert after.character("elias").traits.get("beard") == "white", plan.reply


# Where a new shot goes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "position", "action"),
    [
        ("add a shot of the sea after shot 2", 3, "the sea."),
        ("add a shot after shot 2 of the sea", 3, "the sea."),
        ("add a close-up of the clock before the last shot", 9, "the clock."),
        ("add a wide shot at the start: The bay at dawn", 1, "The bay at dawn."),
        ("insert a shot of the gulls at the end", 10, "the gulls."),
        ("add a shot of the rope after the moth shot", 3, "the rope."),
    ],
)
def test_a_new_shot_goes_where_it_is_asked(message: str, position: int, action: str) -> None:
    project = film()
    plan, after = say(project, message)
    assert len(after.shots) == 10, plan.reply
    new = next(s for s in after.shots if s.id not in {x.id for x in project.shots})
    assert after.shot_number(new.id) == position and new.action == action


# Two names, one person -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "the old fisherman and Bjorn are the same person",
        "Bjorn and the fisherman are one and the same",
        "merge the old fisherman into Bjorn",
    ],
)
def test_two_names_for_one_person_become_one_character(message: str) -> None:
    project = film()
    plan, after = say(project, message)
    assert [c.id for c in after.characters] == ["elias", "rosa", "bjorn"], plan.reply
    assert after.shots[6].characters == ["bjorn"] and after.shots[7].characters == ["bjorn"]
    assert after.shots[7].positions == {"bjorn": 0.3}
    assert "old fisherman in oilskins" in after.character("bjorn").description
    assert [s.takes for s in after.shots] == [s.takes for s in project.shots]


# Moods and adverbs ------------------------------------------------------------------------------


def test_more_dramatic_is_tighter_lower_and_pushing_in_and_says_where() -> None:
    project = film()
    plan, after = say(project, "more dramatic")
    assert after.shots[0].size == ShotSize.MWS and after.shots[0].angle == Angle.LOW
    assert after.shots[3].movement == Movement.PUSH_IN and after.shots[3].angle == Angle.EYE_LEVEL  # two people
    assert after.shots[1] == project.shots[1]  # no one in the moth shot
    assert "one size tighter (shots 1, 4, 7-9)" in plan.reply and "low angle" in plan.reply and "push in" in plan.reply


def test_calmer_is_wider_still_and_longer() -> None:
    project = film()
    _, tense = say(project, "more dramatic")
    plan, calm = say(tense, "make it calmer")
    assert all(s.movement == Movement.STATIC for s in calm.shots)
    assert all(b.duration_frames > a.duration_frames for a, b in zip(tense.shots, calm.shots, strict=True))
    assert "one size wider" in plan.reply and "a quarter longer" in plan.reply


@pytest.mark.parametrize(
    "message", ["make it faster", "speed it up", "pick up the pace", "make the whole film snappier"]
)
def test_faster_is_shorter_shots(message: str) -> None:
    project = film()
    plan, after = say(project, message)
    assert all(s.duration_frames == 54 for s in after.shots), plan.reply


def test_faster_in_one_scene_leaves_the_other() -> None:
    project = film()
    _, after = say(project, "make the pier scene faster")
    assert changed(project, after, "duration_frames") == [6, 7, 8, 9]


@pytest.mark.parametrize(("adverb", "longer"), [("slow", True), ("slowly", True), ("gentle", True), ("quick", False)])
def test_an_adverb_on_a_camera_move_is_kept(adverb: str, longer: bool) -> None:
    project = film()
    _, plain = say(project, "push in on shot 1")
    plan, said = say(project, f"{adverb} push in on shot 1")
    assert said.shots[0].movement == Movement.PUSH_IN
    frames, plain_frames = said.shots[0].duration_frames, plain.shots[0].duration_frames
    assert (frames > plain_frames) if longer else (frames < plain_frames), plan.reply


# Trims ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "seconds"),
    [
        ("cut shot 3 to 2 seconds", 2.0),
        ("cut shot 3 down to 1.5 seconds", 1.5),
        ("trim shot 3 by a second", 2.0),
        ("trim shot 3 to 2.5 seconds", 2.5),
        ("cut a second off shot 3", 2.0),
        ("cut 2 seconds from shot 3", 1.0),
        ("clip half a second off shot 3", 2.5),
    ],
)
def test_a_trim_with_a_length_never_deletes(message: str, seconds: float) -> None:
    project = film()
    plan, after = say(project, message)
    assert len(after.shots) == 9 and after.shots[2].duration_frames == round(seconds * 24), plan.reply


def test_cut_with_no_length_still_deletes() -> None:
    _, after = say(film(), "cut shot 3")
    assert len(after.shots) == 8


# All or nothing, politeness, typos -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "unread"),
    [
        ("make shot 2 a close-up with a wobbly frog", "wobbly frog"),
        ("make shots 2 and 3 night and glorious", "glorious"),
        ("make shot 5 an extreme close-up and sparkly", "sparkly"),
    ],
)
def test_a_part_not_read_applies_nothing_and_names_it(message: str, unread: str) -> None:
    plan, _ = say(film(), message)
    assert plan.edits == [] and plan.refused and unread in plan.reply and "Done" not in plan.reply


@pytest.mark.parametrize(
    "message",
    [
        "Could you please make shot 3 a medium shot?",
        "I'd like shot 3 to be a medium shot, please",
        "would you mind making shot 3 a medium shot",
        "can u make shot 3 a medium shot pls",
        "MAKE SHOT 3 A MEDIUM SHOT",
        "make shto 3 a meduim shot",
        "mkae shot 3 a medium shot",
    ],
)
def test_politeness_casing_and_typos_are_read(message: str) -> None:
    project = film()
    plan, after = say(project, message)
    assert after.shots[2].size == ShotSize.MS and changed(project, after, "size") == [3], plan.reply


def test_a_typo_never_touches_a_name() -> None:
    project = film().model_copy(update={"characters": [*film().characters, Character(id="nihgt", name="Nihgt")]})
    plan, after = say(project, "Nihgt wears a red coat")
    assert after.character("nihgt").traits.get("coat") == "red", plan.reply


def test_a_partial_instruction_exits_2_on_the_cli_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "film"
    ProjectFolder.create(folder, film(), message="test")
    before = (folder / "story.json").read_bytes()
    env = {k: v for k, v in os.environ.items() if k not in {"OPENAI_BASE_URL", "OPENAI_API_KEY", "STORYREEL_MODEL"}}
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "say", str(folder), "make shot 2 a close-up with a wobbly frog"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env | {"STORYREEL_MEMORY": "off", "COLUMNS": "80"},
        timeout=300,
    )
    assert done.returncode == 2 and "wobbly frog" in done.stderr and "Done" not in done.stdout + done.stderr
    assert (folder / "story.json").read_bytes() == before


# The quality suite counts a Done on a partial change ------------------------------------------------


def test_partial_done_counts_a_turn_that_applied_part_of_what_was_asked() -> None:
    from evals.quality.cases import Case, Turn
    from evals.quality.report import METRICS, metrics
    from evals.quality.suite import Answer, score_case
    from story import ShotChanges, UpdateShot

    class Half:
        """Plans a fixed story; answers every turn by doing only its first part, and says Done."""

        name = "half"

        def plan(self, brief: str) -> list:
            from story import ReplaceStory

            project = film()
            return [ReplaceStory(bible=project.bible, characters=project.characters, locations=project.locations,
                                 shots=project.shots)]  # fmt: skip

        def turn(self, project: Project, message: str) -> Answer:
            edit = UpdateShot(shot_id="s2", changes=ShotChanges(size=ShotSize.CU))
            return Answer(edits=[edit], reply="Done: shot 2: CU.", action="edit")

    turn = Turn(say="make shots 2 and 3 close-ups", checks=["shot 2 size == CU", "shot 3 size == MS"], allow=["shot *"])
    case = Case(id="half", title="half", brief="x", turns=[turn])
    found = metrics([score_case(case, Half())])
    assert METRICS["partial_done"][1] == "max" and found["partial_done"].value == 1


def test_a_mood_after_and_is_an_instruction_of_its_own() -> None:
    project = film()
    plan, after = say(project, "make it night and more dramatic")
    assert all(s.time_of_day == TimeOfDay.NIGHT for s in after.shots) and "more dramatic" in plan.reply
    assert after.shots[0].angle == Angle.LOW


@pytest.mark.parametrize(
    ("message", "field", "numbers"),
    [
        ("swap the moth shot and the fisherman shot", "id", [2, 7]),
        ("add fog to every shot in the shop", "weather", [1, 2, 3, 4, 5]),
        ("make the first shot and the last shot night", "time_of_day", [1, 9]),
        ("the pier scene should be slower", "duration_frames", [6, 7, 8, 9]),
    ],
)
def test_more_ways_to_name_shots(message: str, field: str, numbers: list[int]) -> None:
    project = film()
    plan, after = say(project, message)
    assert changed(project, after, field) == numbers, plan.reply


# Said the way people talk (issue 17, second round) ------------------------------------------------


@pytest.mark.parametrize(
    ("message", "numbers"),
    [
        ("make everything after shot 5 night", [6, 7, 8, 9]),
        ("all the shots before shot 3 should be night", [1, 2]),
        ("everything from shot 7 on should be night", [7, 8, 9]),
        ("make everything after the moth night", [3, 4, 5, 6, 7, 8, 9]),
        ("everything after she cries should be night", [6, 7, 8, 9]),
        ("make the second half night", [6, 7, 8, 9]),
        ("the first half should be night", [1, 2, 3, 4, 5]),
    ],
)
def test_a_stretch_before_or_after_a_shot_or_a_moment(message: str, numbers: list[int]) -> None:
    project = film()
    plan, after = say(project, message)
    assert changed(project, after, "time_of_day") == numbers, plan.reply


@pytest.mark.parametrize(
    ("message", "sizes"),
    [
        ("make 3 a wide shot and 4 a close-up", {3: ShotSize.WS, 4: ShotSize.CU}),
        ("make 5 wide and 6 a close up", {5: ShotSize.WS, 6: ShotSize.CU}),
        ("make shot 7 a close-up and shot 8 a wide", {7: ShotSize.CU, 8: ShotSize.WS}),
    ],
)
def test_two_shots_under_one_verb(message: str, sizes: dict[int, ShotSize]) -> None:
    project = film()
    plan, after = say(project, message)
    assert {n: after.shots[n - 1].size for n in changed(project, after, "size")} == sizes, plan.reply


def test_bare_numbers_name_shots_to_swap_and_join() -> None:
    project = film()
    _, swapped = say(project, "swap 3 and 4")
    assert [s.id for s in swapped.shots][2:4] == ["s4", "s3"]
    plan, joined = say(project, "put a dissolve between 4 and 5")
    assert changed(project, joined, "transition") == [5], plan.reply


def test_the_next_shot_and_the_one_before_are_neighbours_of_the_last_one() -> None:
    director, project = OfflineDirector(), film()
    project = apply(project, director.turn(project, "make shot 6 a close-up").edits)
    plan = director.turn(project, "make the next shot wider")
    after = apply(project, plan.edits)
    assert changed(project, after, "size") == [7], plan.reply
    plan = director.turn(after, "the one before that should be a wide shot")
    again = apply(after, plan.edits)
    assert changed(after, again, "size") == [6] and again.shots[5].size == ShotSize.WS, plan.reply


def test_the_next_shot_with_nothing_said_before_asks() -> None:
    plan, _ = say(film(), "make the next shot wider")
    assert plan.refused and plan.edits == [] and "which shot" in plan.reply


@pytest.mark.parametrize(
    "message", ["actually no, put it back", "actually no, undo that", "oops, go back", "no, change it back please"]
)
def test_second_thoughts_undo(message: str) -> None:
    assert OfflineDirector().turn(film(), message).action == "undo"


@pytest.mark.parametrize("message", ["redo the last change", "undo the undo"])
def test_redo_said_other_ways(message: str) -> None:
    assert OfflineDirector().turn(film(), message).action == "redo"


@pytest.mark.parametrize(
    ("message", "seconds"),
    [
        ("make shot 3 longer by 2", 5.0),
        ("make shot 3 longer, like 5 seconds", 5.0),
        ("shot 3 about 4 seconds", 4.0),
    ],
)
def test_a_length_said_loosely(message: str, seconds: float) -> None:
    project = film()
    plan, after = say(project, message)
    assert after.shots[2].duration_frames == round(seconds * 24), plan.reply


def test_an_elided_unit_in_the_second_clause_is_seconds() -> None:
    project = film()
    plan, after = say(project, "make shot 4 shorter by a second and shot 5 longer by 2")
    assert [after.shots[3].duration_frames, after.shots[4].duration_frames] == [48, 120], plan.reply


@pytest.mark.parametrize(
    ("message", "who", "part", "value"),
    [
        ("make her hair grey", "rosa", "hair", "grey"),
        ("make his beard white", "elias", "beard", "white"),
        ("make Elias's coat blue", "elias", "coat", "blue"),
        ("her scarf should be green", "rosa", "scarf", "green"),
        ("change her coat to red", "rosa", "coat", "red"),
        ("give Rosa grey hair", "rosa", "hair", "grey"),
    ],
)
def test_a_look_said_part_first(message: str, who: str, part: str, value: str) -> None:
    plan, after = say(film(), message)
    assert after.character(who).traits.get(part) == value, plan.reply


def test_her_is_the_woman_talked_about_last() -> None:
    two_women = film().model_copy(
        update={"characters": [*film().characters, Character(id="nora", name="Nora", description="a ferry woman")]}
    )
    director = OfflineDirector()
    project = apply(two_women, director.turn(two_women, "Rosa wears a yellow hat").edits)
    plan = director.turn(project, "make her hair grey")
    after = apply(project, plan.edits)
    assert after.character("rosa").traits.get("hair") == "grey" and "hair" not in after.character("nora").traits


def test_with_two_women_her_scarf_is_the_one_who_wears_a_scarf() -> None:
    cast = [
        *film().characters,
        Character(id="nora", name="Nora", description="a ferry woman", traits={"scarf": "grey"}),
    ]
    plan, after = say(film().model_copy(update={"characters": cast}), "her scarf should be green")
    assert after.character("nora").traits["scarf"] == "green" and "scarf" not in after.character("rosa").traits


# Moods by meaning ----------------------------------------------------------------------------------


def test_sadder_lingers_and_looks_down_on_someone_alone() -> None:
    project = film()
    plan, after = say(project, "make it sadder")
    assert after.shots[0].angle == Angle.HIGH and after.shots[8].angle == Angle.HIGH  # Elias, Bjorn alone
    assert all(b.duration_frames == 90 for b in after.shots), plan.reply
    assert plan.reply.startswith("Done: sadder") and "high angle on someone alone (shots 1, 3, 5, 7, 9)" in plan.reply


def test_spookier_darkens_fogs_and_tilts() -> None:
    project = film()
    plan, after = say(project, "make it spookier")
    assert all(s.time_of_day == TimeOfDay.NIGHT for s in after.shots)
    assert all(s.weather == Weather.FOG for s in after.shots) and after.shots[0].angle == Angle.DUTCH, plan.reply


@pytest.mark.parametrize("message", ["more cheerful please", "make it happier", "a bit jollier", "make it more upbeat"])
def test_cheerful_said_many_ways(message: str) -> None:
    project = film().model_copy(
        update={"shots": [s.model_copy(update={"weather": Weather.RAIN}) for s in film().shots]}
    )
    plan, after = say(project, message)
    assert all(s.weather == Weather.CLEAR for s in after.shots) and "more cheerful" in plan.reply, plan.reply
    assert all(s.acting == p.acting for s, p in zip(after.shots, project.shots, strict=True))  # no one is made to smile


def test_the_scene_of_a_moment_takes_the_mood() -> None:
    project = film()
    plan, after = say(project, "make the ferry scene scarier")
    assert sorted(set(changed(project, after, "time_of_day"))) == [6, 7, 8, 9], plan.reply


def test_a_moment_no_shot_holds_is_said_not_guessed() -> None:
    plan, _ = say(film(), "make the rescue more tense")
    assert plan.refused and "no shot with 'rescue'" in plan.reply and plan.edits == []


@pytest.mark.parametrize(("message", "faster"), [("it feels too slow", True), ("too fast", False)])
def test_a_complaint_asks_for_the_opposite(message: str, faster: bool) -> None:
    project = film()
    plan, after = say(project, message)
    assert all((s.duration_frames < 72) if faster else (s.duration_frames > 72) for s in after.shots), plan.reply


def test_a_complaint_then_the_fix_is_one_change_not_two() -> None:
    project = film()
    plan, after = say(project, "the whole thing feels too slow, speed it up")
    assert all(s.duration_frames == 54 for s in after.shots), plan.reply


def test_darker_steps_the_light_toward_night() -> None:
    project = film().model_copy(
        update={"shots": [s.model_copy(update={"time_of_day": TimeOfDay.DAY}) for s in film().shots]}
    )
    plan, after = say(project, "can you make the whole thing a bit darker")
    assert all(s.time_of_day == TimeOfDay.DUSK for s in after.shots), plan.reply


def test_a_mood_word_no_table_holds_is_found_by_meaning() -> None:
    from agent.offline.moods import MOOD_OF, nearest_mood

    assert "macabre" not in MOOD_OF and "festive" not in MOOD_OF and "morbid" not in MOOD_OF
    assert nearest_mood("morbid") == "sad"
    assert nearest_mood("green") is None and nearest_mood("wide") is None  # no mood: not guessed
    project = film()
    plan, after = say(project, "make it more morbid")
    assert plan.reply.startswith("Done: “morbid” read as sad") and after.shots[0].angle == Angle.HIGH, plan.reply


def test_a_negated_mood_word_is_not_guessed() -> None:
    plan, _ = say(film(), "make it joyless")
    assert plan.refused and plan.edits == []


# Typos, style and the camera on a thing ----------------------------------------------------------------


@pytest.mark.parametrize("message", ["shot 4 shoudl be a wide shot", "make teh fourth shot a wide shot"])
def test_more_slips_are_read(message: str) -> None:
    project = film()
    plan, after = say(project, message)
    assert changed(project, after, "size") == [4] and after.shots[3].size == ShotSize.WS, plan.reply


def test_a_style_for_one_shot_says_a_style_is_the_films() -> None:
    plan, _ = say(film(), "make shot 2 look like noir")
    assert plan.refused and "whole film" in plan.reply and "make it noir" in plan.reply.split("Nothing changed")[0]


def test_a_camera_move_on_a_thing_finds_its_shot() -> None:
    project = film()
    plan, after = say(project, "can we have a slow zoom in on the stopped clock")
    assert after.shots[2].movement == Movement.PUSH_IN and changed(project, after, "movement") == [3], plan.reply


def test_put_the_last_shot_first() -> None:
    project = film()
    plan, after = say(project, "put the last shot first")
    assert after.shots[0].id == "s9", plan.reply


def test_the_shots_said_first_then_the_weather() -> None:
    project = film()
    plan, after = say(project, "from shot 7 on, make it rainy")
    assert changed(project, after, "weather") == [7, 8, 9], plan.reply


@pytest.mark.parametrize(
    ("first", "then", "field", "numbers"),
    [
        ("make shot 6 a close-up", "now the next one too", "size", [7]),
        ("make shot 3 night", "same for shot 5", "time_of_day", [5]),
        ("make shot 2 low angle", "do the same for shots 4 and 5", "angle", [4, 5]),
        ("make shot 2 a close-up", "and the last shot as well", "size", [9]),
    ],
)
def test_the_same_again_on_other_shots(first: str, then: str, field: str, numbers: list[int]) -> None:
    director, project = OfflineDirector(), film()
    project = apply(project, director.turn(project, first).edits)
    plan = director.turn(project, then)
    after = apply(project, plan.edits)
    assert changed(project, after, field) == numbers and plan.reply.startswith("Done"), plan.reply


def test_a_feeling_when_something_happens_finds_that_shot() -> None:
    project = film()
    plan, after = say(project, "she should look scared when she's crying")
    assert after.shots[4].acting["rosa"].expression == Expression.AFRAID, plan.reply
    assert [n for n, (a, b) in enumerate(zip(project.shots, after.shots, strict=True), 1) if a != b] == [5]


def test_fade_it_out_after_another_change_to_the_same_shot() -> None:
    project = film()
    plan, after = say(project, "make the final shot longer and fade it out")
    assert after.shots[8].transition.value == "fade-out" and after.shots[8].duration_frames == 96, plan.reply


def test_the_first_two_without_saying_shots() -> None:
    project = film()
    plan, after = say(project, "delete the third shot, then swap the first two")
    assert [s.id for s in after.shots][:3] == ["s2", "s1", "s4"], plan.reply


def test_a_mood_for_part_of_a_shot_is_not_done_to_all_of_it() -> None:
    plan, _ = say(film(), "make the first 2 seconds of shot 3 darker")
    assert plan.refused and plan.edits == [] and "Done" not in plan.reply


@pytest.mark.parametrize(
    ("message", "number", "angle"),
    [
        ("could we see the ferry shot from above", 6, Angle.HIGH),
        ("shoot shot 3 from below", 3, Angle.LOW),
        ("look down on her in shot 5", 5, Angle.HIGH),
        ("shot 4 from a worm's-eye view", 4, Angle.LOW),
        ("over her shoulder in shot 4", 4, Angle.OVER_THE_SHOULDER),
        ("shot 7 from directly above", 7, Angle.OVERHEAD),
    ],
)
def test_an_angle_said_as_where_the_camera_is(message: str, number: int, angle: Angle) -> None:
    project = film()
    plan, after = say(project, message)
    assert changed(project, after, "angle") == [number] and after.shots[number - 1].angle == angle, plan.reply
    assert project.style == after.style, plan.reply  # 'look down on her' is an angle, never a style


def test_an_angle_on_someone_is_on_every_shot_they_are_in_and_says_so() -> None:
    project = film()
    plan, after = say(project, "can we go low angle on rosa")
    assert changed(project, after, "angle") == [4, 5] and "every shot with Rosa" in plan.reply, plan.reply


def test_an_angle_on_someone_in_a_named_shot_is_that_shot_only() -> None:
    project = film()
    plan, after = say(project, "low angle on rosa in shot 5")
    assert changed(project, after, "angle") == [5], plan.reply


@pytest.mark.parametrize(
    ("message", "number"),
    [
        ("put a fade between the last two shots", 9),
        ("dissolve between 3 and 4", 4),
        ("crossfade into the last shot", 9),
        ("a fade from shot 4 to shot 5 please", 5),
    ],
)
def test_a_transition_between_two_shots_is_on_the_second(message: str, number: int) -> None:
    project = film()
    plan, after = say(project, message)
    assert changed(project, after, "transition") == [number], plan.reply
    assert after.shots[number - 1].transition.value == "dissolve", plan.reply


@pytest.mark.parametrize(("message", "longer"), [("make shot 3 slow", True), ("shot 4 faster", False)])
def test_one_shot_slow_or_fast_is_its_length(message: str, longer: bool) -> None:
    project = film()
    plan, after = say(project, message)
    number = int(message.split()[message.split().index("shot") + 1])
    assert changed(project, after, "duration_frames") == [number], plan.reply
    assert (after.shots[number - 1].duration_frames > 72) == longer, plan.reply


def test_a_style_for_some_shots_says_in_one_line_that_a_style_is_the_films() -> None:
    project = film()
    plan, after = say(project, "make the last 2 shots black and white")
    assert plan.refused and after == project and "whole film" in plan.reply and "\n" not in plan.reply
    assert "make it black and white" in plan.reply


def test_the_next_one_too_after_a_shot_named_by_its_content() -> None:
    director, project = OfflineDirector(), film()
    project = apply(project, director.turn(project, "make the ferry shot a close-up").edits)
    plan = director.turn(project, "the next one too")
    after = apply(project, plan.edits)
    assert changed(project, after, "size") == [7] and plan.reply.startswith("Done"), plan.reply


@pytest.mark.parametrize(
    ("message", "number"),
    [
        ("put a dissolve between the moth shot and the next one", 3),
        ("crossfade from 4 into 5", 5),
        ("a slow fade into shot 8", 8),
    ],
)
def test_a_transition_between_shots_named_every_way(message: str, number: int) -> None:
    project = film()
    plan, after = say(project, message)
    assert (
        changed(project, after, "transition") == [number]
        and after.shots[number - 1].props == project.shots[number - 1].props
    ), plan.reply


@pytest.mark.parametrize(("message", "longer"), [("shot 5 is too slow", False), ("shot 4 is too fast", True)])
def test_a_shot_too_slow_is_made_quicker(message: str, longer: bool) -> None:
    project = film()
    plan, after = say(project, message)
    number = int(message.split()[1])
    assert changed(project, after, "duration_frames") == [number], plan.reply
    assert (after.shots[number - 1].duration_frames > 72) == longer, plan.reply


def test_one_more_word_after_and_stays_on_the_shot_named() -> None:
    project = film()
    plan, after = say(project, "make shot 2 overhead and slower")
    assert changed(project, after, "duration_frames") == [2] and changed(project, after, "angle") == [2], plan.reply


@pytest.mark.parametrize("message", ["lets see rosa from below", "look up at rosa in shot 5"])
def test_a_name_said_anywhere_with_an_angle(message: str) -> None:
    project = film()
    plan, after = say(project, message)
    assert set(changed(project, after, "angle")) <= {4, 5} and 5 in changed(project, after, "angle"), plan.reply


def test_a_place_seen_from_above_is_every_shot_set_there() -> None:
    project = film()
    plan, after = say(project, "can we see the pier from above")
    assert changed(project, after, "angle") == [6, 7, 8, 9] and after.shots[5].angle == Angle.HIGH, plan.reply


def test_an_angle_on_a_thing_in_the_shot_named() -> None:
    project = film()
    plan, after = say(project, "make shot 2 low angle on the lamp")
    assert changed(project, after, "angle") == [2], plan.reply
    plan, after = say(project, "make shot 2 low angle on the dragon")  # no dragon in shot 2: not read
    assert plan.refused and after == project, plan.reply


def test_someones_shots_with_a_verb_before_the_name() -> None:
    project = film()
    plan, after = say(project, "make rosa's shots from below")
    assert changed(project, after, "angle") == [4, 5], plan.reply


def test_a_change_beside_a_transition_is_done_or_refused_never_dropped() -> None:
    project = film()
    plan, after = say(project, "shot 4 a bit faster please and a dissolve into it")
    assert changed(project, after, "transition") == [4] and changed(project, after, "duration_frames") == [4], (
        plan.reply
    )
    plan, after = say(project, "dissolve into shot 4 longer")
    assert plan.refused and after == project and "Done" not in plan.reply, plan.reply


@pytest.mark.parametrize(
    ("first", "then", "numbers"),
    [
        ("make the moth shot low angle", "same for the next two", [3, 4]),
        ("shot 5 low angle", "and the previous two as well", [3, 4]),
    ],
)
def test_the_next_two_are_that_many_neighbours(first: str, then: str, numbers: list[int]) -> None:
    director, project = OfflineDirector(), film()
    project = apply(project, director.turn(project, first).edits)
    plan = director.turn(project, then)
    assert changed(project, apply(project, plan.edits), "angle") == numbers, plan.reply


def test_the_next_three_past_the_end_changes_nothing_and_says_so() -> None:
    director, project = OfflineDirector(), film()
    project = apply(project, director.turn(project, "make shot 8 a close-up").edits)
    plan = director.turn(project, "the next 3 too")
    assert plan.refused and plan.edits == [] and "no 3 shots after" in plan.reply, plan.reply


def test_a_shot_added_in_a_storm_keeps_the_storm_and_holds_what_its_words_name() -> None:
    """'add a shot after shot 2: gulls wheel over the black rocks' in a stormy scene: the new shot is
    stormy like its neighbour (not a clear sky) and its gulls and rocks are in frame."""
    from conftest import small_project

    project = small_project()
    stormy = [s.model_copy(update={"weather": Weather.STORM}) if n < 3 else s for n, s in enumerate(project.shots)]
    project = project.model_copy(update={"shots": stormy})
    plan = OfflineDirector().turn(project, "add a shot after shot 2: gulls wheel over the black rocks")
    after = apply(project, plan.edits)
    added = next(s for s in after.shots if s.label == "2A")
    assert added.weather == Weather.STORM
    assert {"gull", "rock"} <= {p.name.rstrip("s") for p in added.props}, added.props
    calm = OfflineDirector().turn(project, "add a shot after shot 2: the sun comes out over the calm sea")
    assert next(s for s in apply(project, calm.edits).shots if s.label == "2A").weather != Weather.STORM

"""The offline director understands camera, framing, pacing and light said in everyday words
(issue 17): "from the ground looking up", "give it a handheld feel", "tighter on her face", "cut
shot 2 shorter", "make the shop shots warmer". Each case checks the fields it names on the shots
it names, and that nothing else in the story changed; a verb that can delete never deletes when
the words say a trim or name something in the shot."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from test_understanding import film, say

from agent.offline import OfflineDirector
from story import Angle, Movement, Project, ShotSize, TimeOfDay, Transition, apply

Want = dict[int, dict[str, object]]


def lit_film() -> Project:
    """The clockmaker's film with the pier scene at night, a shaky shot 7, a push-in on 8 and a dissolve into 5."""
    project = film()
    changes: dict[int, dict[str, object]] = {
        5: {"transition": Transition.DISSOLVE},
        7: {"movement": Movement.HANDHELD},
        8: {"movement": Movement.PUSH_IN},
    }
    shots = []
    for n, shot in enumerate(project.shots, 1):
        update = dict(changes.get(n, {}))
        if n >= 6:
            update["time_of_day"] = TimeOfDay.NIGHT
        shots.append(shot.model_copy(update=update))
    return project.model_copy(update={"shots": shots})


def longer(frames: object) -> bool:
    return isinstance(frames, int) and frames > 72


def shorter(frames: object) -> bool:
    return isinstance(frames, int) and 24 <= frames < 72


def assert_only(before: Project, after: Project, want: Want, reply: str) -> None:
    """Every shot is still there, the fields named hold what was asked, and no other field of any shot changed."""
    assert [s.id for s in after.shots] == [s.id for s in before.shots], reply
    for n, (old, new) in enumerate(zip(before.shots, after.shots, strict=True), 1):
        asked = want.get(n, {})
        for field in type(old).model_fields:
            value = getattr(new, field)
            if field in asked:
                expected = asked[field]
                ok = expected(value) if isinstance(expected, Callable) else value == expected  # type: ignore[arg-type]
                assert ok, f"shot {n} {field}={value!r}: {reply}"
            else:
                assert value == getattr(old, field), f"shot {n} {field} changed: {reply}"
    assert before.style == after.style and before.characters == after.characters, reply


ANGLES = [
    ("make shot 6 from the ground looking up", {6: {"angle": Angle.LOW}}),
    ("shot 4 should be seen from above", {4: {"angle": Angle.HIGH}}),
    ("can you film shot 9 from below, looking up at Bjorn", {9: {"angle": Angle.LOW}}),
    ("make shot 9 a dutch tilt", {9: {"angle": Angle.DUTCH}}),
    ("put the camera up high for shot 7", {7: {"angle": Angle.HIGH}}),
    ("shot 2 looking straight down", {2: {"angle": Angle.OVERHEAD}}),
    ("camera low on the floor for shot 4", {4: {"angle": Angle.LOW}}),
    ("drop the camera low for shot 8", {8: {"angle": Angle.LOW}}),
    ("please put the camera on the ground for shot 3", {3: {"angle": Angle.LOW}}),
    ("can we see shot 6 from way up high", {6: {"angle": Angle.HIGH}}),
    ("shoot shot 8 through Bjorn's eyes", {8: {"angle": Angle.POV}}),
    ("make shot 4 a low angle looking up at Rosa", {4: {"angle": Angle.LOW}}),
    ("I'd love a top-down view on shot 2", {2: {"angle": Angle.OVERHEAD}}),  # it put a 'top-down view' prop in
    ("can you get lower on shot 3", {3: {"angle": Angle.LOW}}),  # 'lower' was 'corrected' to 'slower': +1s
    ("go higher on shot 6", {6: {"angle": Angle.HIGH}}),
    ("film shot 4 over Rosa's shoulder", {4: {"angle": Angle.OVER_THE_SHOULDER}}),
    ("can we have a bird's eye view of the shop in shot 1", {1: {"angle": Angle.OVERHEAD}}),
]
MOVES = [
    ("give shot 3 a handheld feel", {3: {"movement": Movement.HANDHELD}}),
    ("make shot 3 feel handheld", {3: {"movement": Movement.HANDHELD}}),
    ("let's go handheld on shot 2", {2: {"movement": Movement.HANDHELD}}),
    ("shot 7 needs to be steadier", {7: {"movement": Movement.STATIC}}),
    ("shot 7 wants to be a lot tighter", {7: {"size": ShotSize.MCU}}),
    ("steady shot 7 please", {7: {"movement": Movement.STATIC}}),
    ("lose the camera shake on shot 7", {7: {"movement": Movement.STATIC}}),
    ("get rid of the wobble in shot 7", {7: {"movement": Movement.STATIC}}),
    ("lock off the camera on shot 8", {8: {"movement": Movement.STATIC}}),
    ("pull back to show the room in shot 1", {1: {"movement": Movement.PULL_OUT}}),
    ("could you pull back to reveal the pier in shot 6", {6: {"movement": Movement.PULL_OUT}}),
    ("could we have the camera follow Rosa in shot 4", {4: {"movement": Movement.TRACKING}}),
    ("pan across the pier in shot 6", {6: {"movement": Movement.PAN_RIGHT}}),
    ("can the camera creep in on Elias in shot 3", {3: {"movement": Movement.PUSH_IN}}),
    ("let the camera rise in shot 6", {6: {"movement": Movement.CRANE_UP}}),
    ("shot 9 should drift in slowly", {9: {"movement": Movement.PUSH_IN, "duration_frames": longer}}),
    ("zoom out slowly on the last shot", {9: {"movement": Movement.PULL_OUT, "duration_frames": longer}}),
    ("less shaky on shot 7", {7: {"movement": Movement.STATIC}}),
    ("I want a crash zoom in shot 3", {3: {"movement": Movement.PUSH_IN}}),
    ("make the camera swoop down in shot 6", {6: {"movement": Movement.CRANE_DOWN}}),
    ("tilt down to the floor in shot 2", {2: {"movement": Movement.TILT_DOWN}}),
    ("give shot 1 a slow pan to the right", {1: {"movement": Movement.PAN_RIGHT, "duration_frames": longer}}),
    (
        "shot 3 from a low angle, slowly pushing in",
        {3: {"angle": Angle.LOW, "movement": Movement.PUSH_IN, "duration_frames": longer}},
    ),
]
FRAMES = [
    ("tighter on her face in shot 4", {4: {"size": ShotSize.CU}}),
    ("tighter on Rosa's face in shot 5", {5: {"size": ShotSize.ECU}}),  # a close-up already: one step in
    ("get closer to Bjorn in shot 9", {9: {"size": ShotSize.MCU}}),
    ("a bit closer on Elias in shot 1", {1: {"size": ShotSize.MWS}}),
    ("head and shoulders on Rosa in shot 4", {4: {"size": ShotSize.MCU}}),
    ("show her from the waist up in shot 5", {5: {"size": ShotSize.MS}}),
    ("frame Bjorn head to toe in shot 9", {9: {"size": ShotSize.WS}}),
    ("show the whole room in shot 4", {4: {"size": ShotSize.WS}}),
    ("I'd like shot 4 to show the whole shop", {4: {"size": ShotSize.WS}}),
    ("just his eyes in shot 3", {3: {"size": ShotSize.ECU}}),
    ("I'd like a wider shot of the shop in shot 4", {4: {"size": ShotSize.MWS}}),
]
LENSES = [
    ("use a longer lens on shot 9", {9: {"lens_mm": 50}}),
    ("use a wider lens on shot 3", {3: {"lens_mm": 24}}),
    ("shoot shot 6 with a wide-angle", {6: {"lens_mm": 24}}),
    ("put a telephoto on shot 7", {7: {"lens_mm": 135}}),
]
LENGTHS = [
    ("cut shot 2 shorter", {2: {"duration_frames": shorter}}),
    ("cut shot 8 down a bit", {8: {"duration_frames": shorter}}),
    ("cut shot 6 tighter", {6: {"duration_frames": shorter}}),
    ("cut the last shot down by a second", {9: {"duration_frames": 48}}),
    ("cut shot 4 in half", {4: {"duration_frames": 36}}),
    ("cut shot 3 to 2", {3: {"duration_frames": 48}}),  # seconds: it removed shots 2 and 3
    ("trim shot 3 down to 2", {3: {"duration_frames": 48}}),
    ("tighten up shot 8", {8: {"duration_frames": shorter}}),
    ("let shot 9 linger", {9: {"duration_frames": longer}}),
    ("make the opening shot linger a bit", {1: {"duration_frames": longer}}),
    ("shave half a second off shot 4", {4: {"duration_frames": 60}}),
    ("knock a second off shot 1", {1: {"duration_frames": 48}}),
    ("give shot 1 two more seconds", {1: {"duration_frames": 120}}),
    ("a little less time on shot 2", {2: {"duration_frames": 48}}),  # it put a 'little less time' prop in
    ("lose a couple of seconds from the last shot", {9: {"duration_frames": 24}}),
    ("let the last shot hang a bit", {9: {"duration_frames": 96}}),
    ("an extra second on shot 3", {3: {"duration_frames": 96}}),
    ("put another second on shot 4", {4: {"duration_frames": 96}}),
    ("give shot 2 a couple more seconds", {2: {"duration_frames": 120}}),
    ("shot 6 lasts too long, trim it", {6: {"duration_frames": shorter}}),
]
LIGHT = [
    ("the pier shots should be a bit warmer", {n: {"time_of_day": TimeOfDay.EVENING} for n in (6, 7, 8, 9)}),
    ("give the shop scenes a colder look", {n: {"time_of_day": TimeOfDay.EVENING} for n in (1, 2, 3, 4, 5)}),
    ("colder, bluer in shot 2", {2: {"time_of_day": TimeOfDay.EVENING}}),
    ("bluer light on shot 1", {1: {"time_of_day": TimeOfDay.EVENING}}),
    ("warmer light in shot 8 please", {8: {"time_of_day": TimeOfDay.EVENING}}),
    ("make the night shots brighter", {n: {"time_of_day": TimeOfDay.DUSK} for n in (6, 7, 8, 9)}),
    ("the ending should linger", {n: {"duration_frames": 96} for n in (6, 7, 8, 9)}),
]
JOINS = [
    ("remove the dissolve on shot 5", {5: {"transition": Transition.CUT}}),
    ("take the fade off shot 5", {5: {"transition": Transition.CUT}}),  # it asked for one more take of shot 5
    ("dissolve into shots 6 to 8", {n: {"transition": Transition.DISSOLVE} for n in (6, 7, 8)}),
    ("fade from shot 3 into 4", {4: {"transition": Transition.DISSOLVE}}),
]


@pytest.mark.parametrize(("message", "want"), ANGLES + MOVES + FRAMES + LENSES + LENGTHS + LIGHT + JOINS)
def test_everyday_words_change_what_they_say_and_nothing_else(message: str, want: Want) -> None:
    project = lit_film()
    plan, after = say(project, message)
    assert plan.reply.startswith("Done"), plan.reply
    assert_only(project, after, want, plan.reply)


@pytest.mark.parametrize(
    "message",
    ["cut shot 2 shorter", "cut shot 2 down", "cut shot 2 back a little", "chop shot 2 down a bit"],
)
def test_a_delete_verb_that_says_shorter_keeps_every_shot(message: str) -> None:
    project = lit_film()
    plan, after = say(project, message)
    assert len(after.shots) == len(project.shots) and after.shots[1].duration_frames < 72, plan.reply


def test_a_delete_verb_with_a_length_is_a_trim_and_keeps_every_shot() -> None:
    project = lit_film()
    plan, after = say(project, "drop shot 2 to a shorter length")
    assert_only(project, after, {2: {"duration_frames": shorter}}, plan.reply)


@pytest.mark.parametrize(
    "message", ["lose the camera shake on shot 7", "remove the dissolve on shot 5", "drop the wobbly feel in shot 3"]
)
def test_a_delete_verb_on_something_in_a_shot_never_removes_the_shot(message: str) -> None:
    project = lit_film()
    plan, after = say(project, message)
    assert len(after.shots) == len(project.shots), plan.reply


@pytest.mark.parametrize("message", ["delete shot 4", "get rid of the moth shot", "remove shot 4 from the film"])
def test_a_shot_named_alone_is_still_deleted(message: str) -> None:
    project = lit_film()
    plan, after = say(project, message)
    assert len(after.shots) == len(project.shots) - 1, plan.reply


@pytest.mark.parametrize(("message", "pairs"), [("dissolve between 3 and 7", ["3 and 4", "6 and 7"])])
def test_a_join_between_shots_that_do_not_meet_is_refused_with_the_joins_there_are(
    message: str, pairs: list[str]
) -> None:
    project = lit_film()
    plan, after = say(project, message)
    assert plan.refused and after == project and "Done" not in plan.reply, plan.reply
    assert "not next to each other" in plan.reply and all(p in plan.reply for p in pairs), plan.reply


def test_the_night_shots_are_the_shots_at_night() -> None:
    project = lit_film()
    plan, after = say(project, "make the night shots a bit darker")
    assert after == project and "6-9" in plan.reply and "Done" not in plan.reply, plan.reply  # night is darkest
    plan, after = say(film(), "make the night shots darker")  # a film with no night shots
    assert plan.refused and "No shot is at night" in plan.reply, plan.reply


def test_warmer_at_dusk_says_it_is_the_warmest_light_and_changes_nothing() -> None:
    project = film()  # every shot at dusk
    plan, after = say(project, "make the shop shots warmer")
    assert after == project and "warmest" in plan.reply and "Done" not in plan.reply, plan.reply


def test_two_angles_that_disagree_are_refused() -> None:
    project = lit_film()
    plan, after = say(project, "shoot shot 3 from above looking up")
    assert plan.refused and after == project, plan.reply


@pytest.mark.parametrize("message", ["make shot 3 from the ground with a wobbly frog", "give shot 3 a handheld glow"])
def test_a_word_left_unread_beside_everyday_words_changes_nothing(message: str) -> None:
    project = lit_film()
    plan, after = say(project, message)
    assert plan.refused and after == project and "Done" not in plan.reply, plan.reply


@pytest.mark.parametrize(
    ("message", "want"),
    [
        ("make the shots with the rain handheld", {4: {"movement": Movement.HANDHELD}}),
        ("every shot with the clock from below", {3: {"angle": Angle.LOW}, 5: {"angle": Angle.LOW}}),
        (
            "the scenes on the pier should be a bit warmer",
            {n: {"time_of_day": TimeOfDay.EVENING} for n in (6, 7, 8, 9)},
        ),
        ("make the scenes with the moth colder", {n: {"time_of_day": TimeOfDay.EVENING} for n in (1, 2, 3, 4, 5)}),
    ],
)
def test_shots_and_scenes_named_by_what_they_hold(message: str, want: Want) -> None:
    project = lit_film()
    plan, after = say(project, message)
    assert plan.reply.startswith("Done"), plan.reply
    assert_only(project, after, want, plan.reply)


def test_scenes_by_something_no_shot_holds_are_asked_about() -> None:
    project = lit_film()
    plan, after = say(project, "the scenes by the sea should be colder")
    assert plan.refused and after == project and "'sea'" in plan.reply, plan.reply


def test_a_shot_said_as_a_bare_number_after_on_is_that_shot() -> None:
    project = lit_film()
    plan, after = say(project, "the shaky cam on 8 please")
    assert_only(project, after, {8: {"movement": Movement.HANDHELD}}, plan.reply)


def test_a_number_no_part_reads_is_refused_not_dropped() -> None:
    """With shot 7 talked about last, 'handheld 8' must not make shot 7 handheld and drop the 8."""
    director, project = OfflineDirector(), lit_film()
    project = apply(project, director.turn(project, "make shot 7 a close-up").edits)
    plan = director.turn(project, "handheld 8")
    assert plan.refused and plan.edits == [] and "8" in plan.reply, plan.reply

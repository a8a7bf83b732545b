"""Edits: `apply` is pure, always yields a valid project, changes only what an edit names, and keeps ids stable."""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

import pytest
from conftest import small_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from story import (
    AddCharacter,
    AddShot,
    Angle,
    AnyEdit,
    Character,
    CharacterChanges,
    DialogueLine,
    EditError,
    Movement,
    MoveShot,
    Project,
    RemoveShot,
    SetBible,
    SetStyle,
    Shot,
    ShotChanges,
    ShotSize,
    Transition,
    UpdateCharacter,
    UpdateShot,
    apply,
    describe_changes,
    dump_project,
    parse_project,
)
from story.model import TimeOfDay

MakeProject = Callable[..., Project]
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.text(alphabet=string.ascii_letters + " .,'", max_size=40).map(str.strip)
names = words.filter(bool).map(lambda w: w[:60])


def counter(shot_id: str) -> int:
    """The number in a counter id like 's12' (0 for ids of another form)."""
    return int(shot_id[1:]) if shot_id[:1] == "s" and shot_id[1:].isdigit() else 0


@st.composite
def shot_changes(draw: st.DrawFn, project: Project) -> ShotChanges:
    """A valid random subset of a shot's fields, consistent with the project's cast and places."""
    cast = [c.id for c in project.characters]
    fields: dict[str, Any] = {}
    if draw(st.booleans()):
        fields["size"] = draw(st.sampled_from(ShotSize))
    if draw(st.booleans()):
        fields["angle"] = draw(st.sampled_from(Angle))
    if draw(st.booleans()):
        fields["movement"] = draw(st.sampled_from(Movement))
    if draw(st.booleans()):
        fields["transition"] = draw(st.sampled_from(Transition))
    if draw(st.booleans()):
        fields["time_of_day"] = draw(st.sampled_from(TimeOfDay))
    if draw(st.booleans()):
        fields["lens_mm"] = draw(st.integers(8, 600))
    if draw(st.booleans()):
        fields["duration_frames"] = draw(st.integers(6, 24 * 120))
    if draw(st.booleans()):
        fields["action"] = draw(words)
    if draw(st.booleans()):
        fields["notes"] = draw(words)
    if draw(st.booleans()):
        fields["scene"] = draw(st.integers(1, 50))
    if draw(st.booleans()):
        fields["location"] = draw(st.sampled_from([None, *[loc.id for loc in project.locations]]))
    if draw(st.booleans()):
        people = draw(st.lists(st.sampled_from(cast), unique=True)) if cast else []
        placed = draw(st.lists(st.sampled_from(people), unique=True)) if people else []
        fields["characters"] = people
        fields["positions"] = {c: draw(st.floats(0.0, 1.0)) for c in placed}
    if cast and draw(st.booleans()):
        fields["dialogue"] = [
            DialogueLine(speaker=draw(st.sampled_from(cast)), text=draw(names)) for _ in range(draw(st.integers(0, 2)))
        ]
    return ShotChanges(**fields)


@st.composite
def one_edit(draw: st.DrawFn, project: Project) -> AnyEdit:
    """One valid edit for `project`."""
    ids = [s.id for s in project.shots]
    kinds = ["add", "update", "character", "style", "bible"]
    if len(ids) > 1:
        kinds += ["remove", "move"]
    kind = draw(st.sampled_from(kinds))
    if kind == "add":
        # The director names new shots from the counter; a clash with a live id gets a fresh one.
        shot_id = draw(st.sampled_from([f"s{project.next_shot}", *ids]))
        shot = Shot(id=shot_id, action=draw(words), size=draw(st.sampled_from(ShotSize)))
        return AddShot(shot=shot, position=draw(st.none() | st.integers(1, len(ids) + 1)))
    if kind == "remove":
        return RemoveShot(shot_id=draw(st.sampled_from(ids)))
    if kind == "move":
        return MoveShot(shot_id=draw(st.sampled_from(ids)), position=draw(st.integers(1, len(ids))))
    if kind == "update":
        return UpdateShot(shot_id=draw(st.sampled_from(ids)), changes=draw(shot_changes(project)))
    if kind == "character":
        fields: dict[str, Any] = {}
        if draw(st.booleans()):
            fields["name"] = draw(names)
        if draw(st.booleans()):
            fields["description"] = draw(words)
        if draw(st.booleans()):
            fields["traits"] = draw(st.dictionaries(st.sampled_from(["coat", "hair", "hat"]), names, max_size=3))
        character = draw(st.sampled_from(project.characters))
        return UpdateCharacter(character_id=character.id, changes=CharacterChanges(**fields))
    if kind == "style":
        style: dict[str, Any] = {}
        if draw(st.booleans()):
            style["fps"] = draw(st.sampled_from([12, 24, 25, 30]))
        if draw(st.booleans()):
            style["title_card"] = draw(st.booleans())
        if draw(st.booleans()):
            style["look"] = draw(st.lists(names, max_size=3))
        if draw(st.booleans()):
            style["width"] = draw(st.integers(32, 1920)) * 2
        return SetStyle(changes=style)
    bible: dict[str, Any] = {}
    if draw(st.booleans()):
        bible["title"] = draw(names)
    if draw(st.booleans()):
        bible["logline"] = draw(words)
    if draw(st.booleans()):
        bible["tone"] = draw(words)
    return SetBible(changes=bible)


def check_valid(project: Project) -> None:
    """A project is valid when it validates again from its own dump and keeps the id counter ahead."""
    assert parse_project(dump_project(project)) == project
    assert project.total_frames() == (project.style.title_card_frames if project.style.title_card else 0) + sum(
        s.duration_frames for s in project.shots
    )
    assert all(counter(s.id) < project.next_shot for s in project.shots)


@PROPERTY
@given(data=st.data())
def test_random_edit_sequences_keep_every_promise(data: st.DataObject) -> None:
    project = small_project()
    ever_seen = {s.id for s in project.shots}
    for _ in range(data.draw(st.integers(1, 12), label="steps")):
        edit = data.draw(one_edit(project))
        before = dump_project(project)
        after = apply(project, edit)
        assert dump_project(project) == before, "apply mutated its input"
        check_valid(after)

        if isinstance(edit, UpdateShot):
            assert [s.id for s in after.shots] == [s.id for s in project.shots]
            named = edit.changes.model_dump(exclude_unset=True)
            for old, new in zip(project.shots, after.shots, strict=True):
                for field in Shot.model_fields:
                    if old.id == edit.shot_id and field in named:
                        assert getattr(new, field) == getattr(edit.changes, field), field
                    else:
                        assert getattr(new, field) == getattr(old, field), (old.id, field)
        if isinstance(edit, MoveShot):
            assert sorted(s.id for s in after.shots) == sorted(s.id for s in project.shots)
            assert after.shots[edit.position - 1] == project.shot(edit.shot_id)
            assert [s for s in after.shots if s.id != edit.shot_id] == [
                s for s in project.shots if s.id != edit.shot_id
            ]
        if isinstance(edit, RemoveShot):
            assert [s.id for s in after.shots] == [s.id for s in project.shots if s.id != edit.shot_id]
        if isinstance(edit, AddShot):
            (added,) = [s for s in after.shots if s.id not in {o.id for o in project.shots}]
            assert added.id not in ever_seen, f"shot id {added.id} was used before"
            assert [s for s in after.shots if s.id != added.id] == list(project.shots)
            ever_seen.add(added.id)
        if not isinstance(edit, SetStyle | AddShot | RemoveShot):
            assert after.next_shot == project.next_shot
        assert after.next_shot >= project.next_shot
        project = after


def test_a_removed_shot_id_is_never_given_again(make_project: MakeProject) -> None:
    project = apply(make_project(), RemoveShot(shot_id="s5"))
    assert project.next_shot == 6
    again = apply(project, AddShot(shot=Shot(id="s5", action="The kettle again.")))
    assert [s.id for s in again.shots] == ["s1", "s2", "s3", "s4", "s6"]
    assert again.next_shot == 7


def test_a_clashing_new_shot_gets_the_next_counter_id_even_when_the_counter_lags(make_project: MakeProject) -> None:
    lagging = Project.model_validate(make_project().model_dump(by_alias=True) | {"next_shot": 1})
    assert lagging.next_shot == 6, "the counter is kept ahead of the ids already in use"
    after = apply(lagging, AddShot(shot=Shot(id="s1", action="Another boat.")))
    assert [s.id for s in after.shots][-1] == "s6"


def test_added_shot_with_a_taken_id_drops_the_takes_it_copied(make_project: MakeProject) -> None:
    project = make_project()
    after = apply(project, AddShot(shot=project.shot("s2"), position=3))
    assert [s.id for s in after.shots] == ["s1", "s2", "s6", "s3", "s4", "s5"]
    assert after.shot("s6").takes == []
    assert after.next_shot == 7


BAD_EDITS: list[tuple[AnyEdit, str]] = [
    (RemoveShot(shot_id="s99"), "there is no shot with id 's99'"),
    (MoveShot(shot_id="s1", position=9), "position 9 is past the end"),
    (AddShot(shot=Shot(id="s9"), position=12), "position 12 is past the end"),
    (UpdateShot(shot_id="s2", changes=ShotChanges(location="moon")), "unknown location 'moon'"),
    (UpdateShot(shot_id="s2", changes=ShotChanges(characters=["ghost"])), "unknown characters"),
    (UpdateCharacter(character_id="nobody", changes=CharacterChanges(name="X")), "no character with id 'nobody'"),
    (AddCharacter(character=Character(id="tom", name="Tom again")), "already a character with id 'tom'"),
    (SetStyle(changes={"colour": "red"}), "style has no field 'colour'"),
    (SetStyle(changes={"fps": 60}), "fps"),
    (SetBible(changes={"title": "   "}), "title"),
]


@pytest.mark.parametrize(("bad", "words"), BAD_EDITS, ids=[type(b).__name__ for b, _ in BAD_EDITS])
def test_a_bad_edit_in_a_batch_raises_and_changes_nothing(make_project: MakeProject, bad: AnyEdit, words: str) -> None:
    project = make_project()
    before = dump_project(project)
    good: list[AnyEdit] = [UpdateShot(shot_id="s1", changes=ShotChanges(size=ShotSize.CU)), RemoveShot(shot_id="s5")]
    with pytest.raises(EditError, match="edit 3") as caught:
        apply(project, [*good, bad])
    assert words in str(caught.value)
    assert dump_project(project) == before
    with pytest.raises(EditError) as alone:
        apply(project, bad)
    assert not str(alone.value).startswith("edit 1")


@PROPERTY
@given(data=st.data())
def test_a_random_batch_with_one_bad_edit_changes_nothing(data: st.DataObject) -> None:
    project = small_project()
    batch: list[AnyEdit] = []
    state = project
    for _ in range(data.draw(st.integers(0, 5))):
        edit = data.draw(one_edit(state))
        state = apply(state, edit)
        batch.append(edit)
    bad = RemoveShot(shot_id="gone")
    batch.insert(data.draw(st.integers(0, len(batch))), bad)
    before = dump_project(project)
    with pytest.raises(EditError, match="there is no shot with id 'gone'"):
        apply(project, batch)
    assert dump_project(project) == before


def test_a_size_change_is_described_in_the_persons_words(make_project: MakeProject) -> None:
    project = apply(make_project(), UpdateShot(shot_id="s3", changes=ShotChanges(size=ShotSize.WS)))
    after = apply(project, UpdateShot(shot_id="s3", changes=ShotChanges(size=ShotSize.CU)))
    assert describe_changes(project, after) == ["shot 3: size WS -> CU"]


def test_other_changes_are_described_one_line_each(make_project: MakeProject) -> None:
    project = make_project()
    after = apply(
        project,
        [
            UpdateShot(shot_id="s2", changes=ShotChanges(lens_mm=85, duration_frames=48, location=None)),
            SetBible(changes={"title": "High Tide"}),
            RemoveShot(shot_id="s5"),
        ],
    )
    assert describe_changes(project, after) == [
        "title: Low Tide -> High Tide",
        "shot 2: lens 35 -> 85",
        "shot 2: duration 4.0s -> 2.0s",
        "shot 2: location harbour -> none",
        "shot 5: removed (The kettle boils.)",
    ]
    assert describe_changes(project, project) == []


@settings(max_examples=80, deadline=None)
@given(count=st.integers(3, 12), data=st.data())
def test_a_move_describes_only_the_moved_shot(count: int, data: st.DataObject) -> None:
    base = small_project()
    shots = [Shot(id=f"s{n}", action=f"Shot {n}.") for n in range(1, count + 1)]
    project = base.model_copy(update={"shots": [], "next_shot": 1})
    project = apply(project, [AddShot(shot=s) for s in shots])
    origin = data.draw(st.integers(1, count))
    target = data.draw(st.integers(1, count).filter(lambda n: n != origin))
    after = apply(project, MoveShot(shot_id=f"s{origin}", position=target))
    lines = describe_changes(project, after)

    def moved(number: int) -> str:  # a shot keeps its label; the line says which shot it now follows
        place = [s.id for s in after.shots].index(f"s{number}")
        return f"shot {number} moved " + (f"after shot {after.shots[place - 1].label}" if place else "to the start")

    if abs(origin - target) > 1:
        assert lines == [moved(origin)]
    else:  # swapping neighbours reads the same either way round
        assert lines in ([moved(origin)], [moved(target)])


@pytest.mark.parametrize("fps", [12, 25, 30])
def test_changing_fps_rescales_every_duration_keeping_its_seconds(make_project: MakeProject, fps: int) -> None:
    project = make_project()
    after = apply(project, SetStyle(changes={"fps": fps}))
    assert after.fps == fps
    for old, new in zip(project.shots, after.shots, strict=True):
        assert abs(new.duration_frames / fps - old.duration_frames / 24) <= 0.5 / fps
    assert abs(after.style.title_card_frames / fps - project.style.title_card_frames / 24) <= 0.5 / fps
    assert after.total_frames() == after.style.title_card_frames + sum(s.duration_frames for s in after.shots)
    assert describe_changes(project, after)[0] == f"style fps: 24 -> {fps}"


def test_an_explicit_title_card_length_wins_over_the_rescale(make_project: MakeProject) -> None:
    after = apply(make_project(), SetStyle(changes={"fps": 12, "title_card_frames": 10}))
    assert after.style.title_card_frames == 10
    assert after.shot("s4").duration_frames == 60


def test_changing_other_style_fields_leaves_durations_alone(make_project: MakeProject) -> None:
    project = make_project()
    after = apply(project, SetStyle(changes={"look": ["ink"], "title_card": False}))
    assert [s.duration_frames for s in after.shots] == [s.duration_frames for s in project.shots]
    assert after.total_frames() == sum(s.duration_frames for s in project.shots)

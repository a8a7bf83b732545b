"""Reading the world of a brief right: where each shot is, who each person is (age included), what
is a thing and what is only a verb or the ground, how the weather ends, and what a speaker feels."""

from __future__ import annotations

import pytest

from agent.brief import read_brief
from agent.offline import OfflineDirector
from story import Project, Shot, apply
from story.model import Expression, Pose, Weather


def plan(text: str) -> Project:
    return apply(Project(), OfflineDirector().plan(read_brief(text)))


def shot_with(project: Project, words: str) -> Shot:
    return next(shot for shot in project.shots if words in shot.action)


def place_of(project: Project, shot: Shot) -> str:
    return next(place.name for place in project.locations if place.id == shot.location)


# Places named by an adjective and a noun -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "name"),
    [
        ("Tomas waits in the square. Then he runs toward the flooded meadow.", "flooded", "the flooded meadow"),
        ("The cat sits in the garden. At night it slips into the dark cellar.", "cellar", "the dark cellar"),
        ("Ines mends nets on the pier. Later she rows out to the sunken wreck.", "sunken", "the sunken wreck"),
    ],
)
def test_a_place_named_with_an_adjective_keeps_its_noun(text: str, words: str, name: str) -> None:
    project = plan(text)
    assert place_of(project, shot_with(project, words)) == name


# Who someone is: "a boy named X", "old X" -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "person", "description", "age"),
    [
        ("Beside the well a girl named Ottilie sits weeping. Ottilie looks up.", "ottilie", "a girl", "child"),
        ("At the gate an old man called Ivo waits. Ivo knocks twice.", "ivo", "an old man", "old"),
        ("Under the stairs a boy named Rafe hides. Rafe holds his breath.", "rafe", "a boy", "child"),
    ],
)
def test_a_person_introduced_as_a_noun_named_x_is_that_noun(text: str, person: str, description: str, age: str) -> None:
    character = plan(text).character(person)
    assert character.description.startswith(description)
    assert character.traits.get("age") == age


@pytest.mark.parametrize(
    ("text", "person", "who", "age"),
    [
        ("On a grey morning, old Marta carries water from the well. She stops to rest.", "marta", "old woman", "old"),
        ("In the barn, little Tibor feeds the goats. He laughs at them.", "tibor", "boy", "child"),
        ("At the market, elderly Anselm sells apples. He counts his coins.", "anselm", "old man", "old"),
    ],
)
def test_an_age_word_before_a_name_is_kept(text: str, person: str, who: str, age: str) -> None:
    character = plan(text).character(person)
    assert who in character.description
    assert character.traits.get("age") == age


# Verbs and ground are not things ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept", "not_props"),
    [
        ("Rufus the dog drops the ball and runs toward the barn.", {"ball"}, {"run", "runs"}),
        ("The otter grabs a fish and swims across the pond.", {"fish"}, {"swim", "swims"}),
        ("Juno sets down her cup and dances around the kitchen.", {"cup"}, {"dance", "dances"}),
    ],
)
def test_a_verb_after_and_is_not_a_prop(text: str, kept: set[str], not_props: set[str]) -> None:
    names = {prop.name for shot in plan(text).shots for prop in shot.props}
    assert kept <= names
    assert not names & not_props


@pytest.mark.parametrize(
    "text",
    [
        "Ben crosses the pond, sliding on the ice, afraid.",
        "Kai lies on the sand beside a bucket.",
        "The pig rolls in the mud near a bucket.",
    ],
)
def test_the_ground_underfoot_is_no_prop(text: str) -> None:
    names = {prop.name for shot in plan(text).shots for prop in shot.props}
    assert not names & {"ice", "sand", "mud"}


# Weather that ends ---------------------------------------------------------------------------------


def test_weather_passing_over_a_place_is_still_there() -> None:
    project = plan("Mia waits by the wall. The storm passes over the farm.")
    assert project.shots[-1].weather == Weather.STORM


@pytest.mark.parametrize(
    ("weather", "ending"),
    [
        ("The rain pours down on the harbour.", "At noon the rain stops."),
        ("A storm howls over the farm.", "By evening the storm passes."),
        ("Thick fog hides the lake.", "Slowly the fog lifts."),
        ("It is snowing over the village.", "Then it stops snowing."),
    ],
)
def test_weather_that_ends_is_not_drawn_after(weather: str, ending: str) -> None:
    project = plan(f"{weather} Mia waits by the wall. {ending}")
    assert project.shots[0].weather != Weather.CLEAR
    last = project.shots[-1]
    assert last.action == ending
    assert last.weather in (Weather.CLEAR, Weather.CLOUD)


# A feeling said in a line's tag ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "expression"),
    [
        ('Lio sits alone by the stove.\n"Nobody came," Lio says, crying.', "lio", Expression.CRYING),
        ('Ada climbs onto the roof.\n"We made it," Ada said, laughing.', "ada", Expression.LAUGHING),
        ('Bram waits at the door.\n"You are late," says Bram, trembling.', "bram", Expression.AFRAID),
    ],
)
def test_a_feeling_in_a_lines_tag_shows_on_the_speaker(text: str, speaker: str, expression: Expression) -> None:
    shot = next(shot for shot in plan(text).shots if shot.dialogue)
    assert shot.acting[speaker].expression == expression


# Moving to a place by naming it, and things held in a mouth or a hand -----------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Ida waits on the pier all night. At dawn the rain stops and the town bells ring.", "town"),
        ("Kofi sleeps in the cabin. Far off, while the stars fade, the harbour lights go out.", "harbour"),
    ],
)
def test_a_place_that_opens_a_clause_with_no_one_in_it_moves_the_story(text: str, place: str) -> None:
    assert plan(text).shots[-1].location == place


def test_a_place_that_only_shakes_with_no_jump_in_time_or_space_keeps_the_scene() -> None:
    project = plan("Osei floats toward the airlock. The debris hits, and the station shudders.")
    assert project.shots[-1].location == "airlock"


@pytest.mark.parametrize(
    ("text", "holder", "thing"),
    [
        ("A black dog with a bone in its mouth trots onto the lawn.", "dog", "bone"),
        ("Nell stands at the gate with a lamp in her hand.", "nell", "lamp"),
        ("A crow with a key in its beak lands on the fence. The crow caws.", "crow", "key"),
    ],
)
def test_a_thing_in_a_mouth_or_hand_is_held(text: str, holder: str, thing: str) -> None:
    props = [prop for shot in plan(text).shots for prop in shot.props if prop.name == thing]
    assert props and props[0].held_by == holder


@pytest.mark.parametrize(
    ("text", "person", "age"),
    [
        ("Old Marta sweeps the yard. Marta hums.", "marta", "old"),
        ("Little Noor waits at the corner. Noor shivers.", "noor", "child"),
        ("Little Blue-Hood waits at the corner. Later Little Blue-Hood sings.", "little-blue-hood", "child"),
    ],
)
def test_an_age_word_opening_a_sentence_is_not_part_of_the_name(text: str, person: str, age: str) -> None:
    """Unless the name is never written without it: then it is her name, and still says her age."""
    project = plan(text)
    assert {c.id for c in project.characters} == {person}
    assert project.character(person).traits.get("age") == age


@pytest.mark.parametrize(
    ("text", "kept", "not_props"),
    [
        ("Sara flies a yellow kite near the rusty gate.", {"kite", "gate"}, {"rusty", "rust"}),
        ("Rowan reaches the burnt gate and knocks.", {"gate"}, {"burnt"}),
        ("A stray cat jumps onto the bench and curls up.", {"bench"}, {"curl", "curls"}),
    ],
)
def test_a_word_that_modifies_a_noun_or_a_verb_with_a_particle_is_no_prop(
    text: str, kept: set[str], not_props: set[str]
) -> None:
    names = {prop.name for shot in plan(text).shots for prop in shot.props}
    assert kept <= names
    assert not names & not_props


def test_the_noun_a_character_is_named_by_is_no_prop() -> None:
    project = plan("In the cave, a small dragon named Ember guards a chest. The dragon laughs and blows smoke.")
    assert all(shot.characters == ["ember"] for shot in project.shots)
    assert not any(prop.name == "dragon" for shot in project.shots for prop in shot.props)


def test_a_manner_and_a_feeling_in_one_tag_are_both_kept() -> None:
    shot = next(s for s in plan('Noor waits by the door.\n"You came," Noor whispers, trembling.').shots if s.dialogue)
    assert shot.dialogue[0].parenthetical == "whispering, trembling"
    assert shot.acting["noor"].expression == Expression.AFRAID


def test_someone_seated_stays_seated_while_they_speak() -> None:
    project = plan('Beside the stove, Ilse sits on a stool, sobbing.\n"It is gone," Ilse says.\nIlse walks away.')
    talking = next(s for s in project.shots if s.dialogue)
    assert talking.acting["ilse"].pose == Pose.SITTING
    assert project.shots[-1].acting["ilse"].pose == Pose.WALKING


@pytest.mark.parametrize(
    ("text", "not_named"),
    [("The goat wanted to plant a tree.", "plant"), ("Maya slips on the ice by the rope.", "ice")],
)
def test_the_depicted_measure_reads_verbs_and_ground_as_the_director_does(text: str, not_named: str) -> None:
    from evals.depicted import named_in

    words = {named.word for named in named_in(text)}
    assert not_named not in words and words  # the tree and the rope are still named


def test_an_old_full_name_and_the_first_name_later_are_one_person() -> None:
    project = plan("Old Tam Reddy sits on the step of the barn. A goat nibbles his boot. Tam laughs.")
    people = [c for c in project.characters if c.metadata.get("kind") == "person"]
    assert [c.id for c in people] == ["tam-reddy"]
    assert people[0].traits.get("age") == "old"
    assert project.shots[-1].characters == ["tam-reddy"]

"""Reading new prose right: speech a verb or a colon brings in, several lines in one sentence, pronoun
speakers, people named with an epithet, places a motion implies, the sky carried to the shots, and
dialogue shots long enough for their voices. Each text is written for the behaviour, in more than one
wording; none is the wording of a report."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.brief import read_brief
from agent.offline import OfflineDirector
from story import Project, TimeOfDay, apply
from story.model import Weather
from tools.voice.lines import needed_seconds


def plan(text: str) -> Project:
    return apply(Project(), OfflineDirector().plan(read_brief(text)))


def lines(project: Project) -> list[tuple[str, str]]:
    return [(line.speaker, line.text) for shot in project.shots for line in shot.dialogue]


# Speech a verb or a colon brings in --------------------------------------------------------------

QUAY = """Nora, a ferryman's widow, walks down to the quay at dusk to meet her son Pim.
He says: "The boat was late again." She answers: "It always is."
"""
HILL = """The old shepherd Bram climbs the hill with his granddaughter Lise.
Then Lise whispered, "Is that a wolf?" Bram replied, "Only the wind."
"""
WORKSHOP = """Kit and her uncle Anselm sweep the workshop.
Kit said, "We are late," and Anselm answered, "We always are."
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (QUAY, [("pim", "The boat was late again."), ("nora", "It always is.")]),
        (HILL, [("lise", "Is that a wolf?"), ("bram", "Only the wind.")]),
        (WORKSHOP, [("kit", "We are late"), ("anselm", "We always are.")]),
    ],
)
def test_each_quote_a_verb_or_colon_brings_in_is_its_own_line_with_its_own_speaker(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert lines(plan(text)) == expected


@pytest.mark.parametrize("text", [QUAY, HILL, WORKSHOP])
def test_a_line_brought_in_by_a_tag_is_not_seen_as_the_tag(text: str) -> None:
    for shot in plan(text).shots:
        if shot.dialogue:
            assert not shot.action.rstrip(" :,").lower().endswith(("says", "answers", "replied", "whispered"))


def test_pronoun_speakers_go_to_the_last_person_of_their_gender() -> None:
    text = """Mara and her grandfather Oskar mend the nets on the pier. He says: "Storm tonight."
She says: "Then we sail tomorrow." He laughs. "You sound like your mother."
"""
    assert [speaker for speaker, _ in lines(plan(text))] == ["oskar", "mara", "oskar"]


# One character however named ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The weary soldier Ivo limps into the village. He knocks on a door.", {"ivo"}),
        ('The young baker Ines opens the bakery at dawn. "Bread!" she calls.', {"ines"}),
        ("Greta, a miller's daughter, carries flour to the mill. Greta sings as she works.", {"greta"}),
        ("Tomas, an old fisherman, mends a net on the quay. The fisherman hums.", {"tomas"}),
    ],
)
def test_an_epithet_before_or_after_a_name_is_that_one_person(text: str, expected: set[str]) -> None:
    assert {c.id for c in plan(text).characters} == expected


def test_a_place_naming_someone_s_trade_is_no_place() -> None:
    project = plan("Greta, a lighthouse keeper's daughter, bakes bread in the kitchen.")
    assert [loc.id for loc in project.locations] == ["kitchen"]


# Places and skies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Sol rows out through the fog to find his brother. Sol calls across the water.", "sea"),
        ("At sea, Juno watches the sky darken. Juno reefs the sail.", "sea"),
        ("Ravi and his dog run through the forest at night. Ravi stops by a stream.", "forest"),
        ("On the boat, Hana counts the crates. Hana frowns.", "boat"),
        ("Eli sails out past the harbour wall. Eli sings to the gulls.", "sea"),
    ],
)
def test_a_place_comes_from_motion_and_setting_words(text: str, place: str) -> None:
    project = plan(text)
    assert {shot.location for shot in project.shots} == {place}


def test_fog_and_night_named_in_prose_reach_every_shot_after() -> None:
    project = plan(
        "Sol rows out through the fog at night to find his brother. Sol calls his name. Sol waits and listens."
    )
    assert all(shot.weather == Weather.FOG for shot in project.shots)
    assert all(shot.time_of_day == TimeOfDay.NIGHT for shot in project.shots)


# Everyone in their shots ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [QUAY, HILL, WORKSHOP])
def test_every_speaker_is_in_the_shots_where_they_speak(text: str) -> None:
    for shot in plan(text).shots:
        assert {line.speaker for line in shot.dialogue} <= set(shot.characters), shot.id


def test_whoever_acts_in_a_spoken_sentence_is_in_its_shot() -> None:
    text = """Kit and Grum sit by the fire in the cave. Kit gives Grum her last apple. "Eat," she says.
Grum turns to the old man by the door. "Thank you," says Grum.
"""
    project = plan(text)
    spoken = [shot for shot in project.shots if shot.dialogue]
    assert "kit" in spoken[0].characters and "grum" in spoken[0].characters
    assert "grum" in spoken[1].characters


# Long enough for the voices ------------------------------------------------------------------------


@pytest.mark.parametrize("text", [QUAY, HILL, WORKSHOP])
def test_a_fresh_plan_gives_each_line_the_time_its_scratch_voice_needs(text: str, tmp_path: Path) -> None:
    project = plan(text)
    needs = needed_seconds(project, tmp_path)
    assert needs
    for shot in project.shots:
        if shot.id in needs:
            assert shot.duration_frames / project.fps >= needs[shot.id], shot.id


def test_lines_with_pauses_and_numbers_get_the_time_their_voices_take(tmp_path: Path) -> None:
    text = """Old Hamid counts the coins at the stall while his neighbour Rosa waits.
"Wait, wait, wait. Not yet, not here, not now," says Hamid.
Rosa sighs. "It's 4:30, Hamid. 1,200 coins, 15 sacks, 3 carts!"
"""
    project = plan(text)
    needs = needed_seconds(project, tmp_path)
    assert len(needs) == 2
    for shot in project.shots:
        if shot.id in needs:
            assert shot.duration_frames / project.fps >= needs[shot.id], shot.id


def test_a_quote_broken_by_its_tag_reads_as_one_line_with_its_comma() -> None:
    text = """A Wolf found a Lamb at the stream in the forest.
"Sir," bleated the Lamb, "the stream runs from you to me."
"""
    assert lines(plan(text)) == [("lamb", "Sir, the stream runs from you to me.")]


def test_a_second_tag_after_a_conjunction_starts_a_second_line() -> None:
    text = """Miss Hale counts the children on the bus.
"He was right here," she whispers, and then she shouts, "Ivo!"
"""
    project = plan(text)
    assert lines(project) == [("hale", "He was right here"), ("hale", "Ivo!")]
    assert [line.parenthetical for shot in project.shots for line in shot.dialogue] == ["whispering", "shouting"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Aboard the station, engineer Kaya floats to the airlock. "Ready," she says.', {"kaya"}),
        ("In the barn, farmer Giles counts the lambs. Giles sighs.", {"giles"}),
    ],
)
def test_a_trade_written_before_a_name_without_an_article_is_that_person(text: str, expected: set[str]) -> None:
    assert {c.id for c in plan(text).characters} == expected


def test_a_tag_alone_is_not_the_action_of_its_shot() -> None:
    text = """A Fox met a Crow in the forest.
"What a voice you must have," purred the Fox.
"""
    shot = next(shot for shot in plan(text).shots if shot.dialogue)
    assert shot.action == "Fox speaks to Crow"


FIRST_PERSON = """I wake before dawn in my grandmother's cottage. The kettle is already singing.
Grandmother Elsie sits by the window. "You slept late," she says.
"It's not even five," I tell her.
We walk down to the harbour together.
"""


def test_the_one_who_says_i_is_a_character_who_speaks_and_is_in_their_shots() -> None:
    project = plan(FIRST_PERSON)
    assert {c.id for c in project.characters} == {"narrator", "elsie"}
    assert [speaker for speaker, _ in lines(project)] == ["elsie", "narrator"]
    assert "narrator" in project.shots[0].characters
    walk = next(shot for shot in project.shots if "walk" in shot.action)
    assert set(walk.characters) == {"narrator", "elsie"}


def test_a_place_someone_owns_is_a_place() -> None:
    project = plan(FIRST_PERSON)
    assert project.shots[0].location == "cottage"


# Told apart, tagged, and kept on their side ---------------------------------------------------------


def test_two_animals_of_one_kind_told_apart_by_age_are_two_characters() -> None:
    text = """The hens met in the yard. A young Hen said she had a plan. "We hide the eggs," said she.
An old Hen shook her head. "He will find them," she said."""
    project = plan(text)
    names = {c.name.lower() for c in project.characters}
    assert {"young hen", "old hen"} <= names


def test_a_tag_may_name_its_speaker_with_several_adjectives() -> None:
    text = """Otto waits in the hall. "Sit down," said a very tall thin woman; "she is late."
"Thank you," said Otto."""
    project = plan(text)
    said = [speaker for speaker, _ in lines(project)]
    assert said[0] != "otto" and project.character(said[0]).name.lower().endswith("woman")


def test_the_one_addressed_is_not_the_one_speaking() -> None:
    text = """A Bear, meeting a Hare in the wood, decided to frighten him.
He thus addressed him: "This is my wood."
"Then I shall leave it," said the Hare."""
    assert [speaker for speaker, _ in lines(plan(text))] == ["bear", "hare"]


def test_a_front_or_a_side_of_a_place_is_not_the_place() -> None:
    project = plan("Ana walks along the sea-front with her dog Pip. Ana throws a stick.")
    assert "sea" not in {loc.id for loc in project.locations}


def test_people_keep_their_sides_when_someone_new_joins_the_scene() -> None:
    text = """In the square, Ada walks with her goat Bella.
The baker Hugo comes out to meet Ada.
Bella nuzzles Ada.
"""
    project = plan(text)
    left = [sorted(s.positions, key=s.positions.__getitem__) for s in project.shots if len(s.positions) > 1]
    pairs = {(a, b) for row in left for i, a in enumerate(row) for b in row[i + 1 :]}
    assert not any((b, a) in pairs for a, b in pairs), left


def test_an_animal_named_once_with_who_is_a_character() -> None:
    text = 'There was once a grey goat who kept a shop in the forest. "Buy a lamp," she called to the dark.'
    project = plan(text)
    assert [speaker for speaker, _ in lines(project)] == ["goat"]


@pytest.mark.parametrize(
    ("text", "who", "trade"),
    [
        ("The commander Osei waits by the airlock. Osei checks the clock.", "osei", "commander"),
        ("A young climber named Suki hangs from the ledge. Suki looks down.", "suki", "climber"),
    ],
)
def test_a_trade_before_a_name_describes_that_person(text: str, who: str, trade: str) -> None:
    assert trade in plan(text).character(who).description

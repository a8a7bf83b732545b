"""Reading prose the way a careful reader would: who speaks, who is who, where and when, and
how the camera covers it. Each text is written for the behaviour, in more than one wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.brief import read_brief, read_brief_file
from agent.offline import OfflineDirector
from story import Project, ShotSize, TimeOfDay, apply


def plan(text: str) -> Project:
    return apply(Project(), OfflineDirector().plan(read_brief(text)))


def speakers(project: Project) -> list[str]:
    return [line.speaker for shot in project.shots for line in shot.dialogue]


def ids(project: Project) -> set[str]:
    return {c.id for c in project.characters}


# Who speaks --------------------------------------------------------------------------------------

KITCHEN = """Ana and her brother Leo share the last slice of cake in the kitchen. Their father is away at sea.
"You always say that," Leo says.
Ana shrugs. "Then have the last bite."
"I will," he said.
"Good."
Leo laughed.
"""

BISCUIT = """Mia and her brother Sam sit at the table in the kitchen. Their mother is at work.
"You took the last biscuit," Sam says.
Mia grins. "You snooze, you lose."
"That isn't fair," he mutters.
"Nothing is."
Sam laughed.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [(KITCHEN, ["leo", "ana", "leo", "ana"]), (BISCUIT, ["sam", "mia", "sam", "mia"])],
)
def test_a_two_person_exchange_keeps_its_speakers(text: str, expected: list[str]) -> None:
    assert speakers(plan(text)) == expected


@pytest.mark.parametrize("text", [KITCHEN, BISCUIT])
def test_a_closing_laugh_is_a_shot_not_a_note_on_a_line(text: str) -> None:
    project = plan(text)
    assert not any(line.parenthetical == "laughing" for s in project.shots for line in s.dialogue)
    last = project.shots[-1]
    assert not last.dialogue and "laughed" in last.action and len(last.characters) == 1


def test_tag_before_the_quote_after_it_and_a_colon() -> None:
    text = (
        "Rosa and Theo wait on the platform at the station.\n"
        'Rosa said, "The train is late."\n'
        '"It always is," said Theo.\n'
        'Rosa: "Then we walk."\n'
        'Theo: "In this rain?"\n'
    )
    assert speakers(plan(text)) == ["rosa", "theo", "rosa", "theo"]


def test_a_pronoun_after_a_quote_is_the_last_person_of_that_gender() -> None:
    text = (
        "Greta meets her uncle Piet at the gate of the farm. He carries a sack of seed.\n"
        '"You are late," she said.\n'
        '"The road was flooded," he replied.\n'
        '"Come inside, then."\n'
    )
    assert speakers(plan(text)) == ["greta", "piet", "greta"]


# Who is who --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [KITCHEN, BISCUIT])
def test_a_relation_and_a_name_are_one_person_and_the_absent_are_not_cast(text: str) -> None:
    cast = ids(plan(text))
    assert len(cast) == 2, cast
    assert not cast & {"brother", "father", "mother"}


@pytest.mark.parametrize(
    "text",
    [
        'Bjorn, the old fisherman, mends his nets on the pier. Kit sits beside him.\n"Storm tonight," Kit says.\n'
        'The old fisherman looks at the sky. "Not before dark," he says.',
        'The old fisherman, Bjorn, mends his nets on the pier. Kit sits beside him.\n"Storm tonight," Kit says.\n'
        'The old fisherman looks at the sky. "Not before dark," he says.',
        'An old fisherman named Bjorn mends his nets on the pier. Kit sits beside him.\n"Storm tonight," Kit says.\n'
        'The fisherman looks at the sky. "Not before dark," Bjorn says.',
    ],
)
def test_an_epithet_is_the_named_person_when_the_text_says_so(text: str) -> None:
    project = plan(text)
    assert ids(project) == {"bjorn", "kit"}
    assert speakers(project) == ["kit", "bjorn"]
    assert "fisherman" in project.character("bjorn").description


def test_creatures_keep_their_kind_and_are_not_called_women() -> None:
    project = plan(
        "In the forest, Grum the troll sleeps under a bridge. She snores like thunder.\n"
        "Pell, a goblin, steals her boots. He giggles."
    )
    grum, pell = project.character("grum"), project.character("pell")
    assert "troll" in grum.description and "woman" not in grum.description
    assert grum.metadata["kind"] == "creature" and grum.metadata["gender"] == "f"
    assert "goblin" in pell.description and "man" not in pell.description.split()
    assert pell.metadata["kind"] == "creature"


def test_animals_named_with_an_article_are_characters_in_their_shots() -> None:
    project = plan(
        "The Hare laughed at the Tortoise for being so slow.\n"
        '"I will race you," said the Tortoise.\n'
        "The Hare ran far ahead and lay down to sleep.\n"
        "The Tortoise walked on and on.\n"
        "At last the Tortoise crossed the line, and the Hare woke too late."
    )
    assert ids(project) == {"hare", "tortoise"}
    assert project.character("hare").metadata["kind"] == "animal"
    assert speakers(project) == ["tortoise"]
    for shot in project.shots:
        for name in ("hare", "tortoise"):
            if f"the {name}" in shot.action.lower():
                assert name in shot.characters, shot.action
    lowercase = plan("A lion caught a mouse. The mouse begged for her life. The lion let her go.")
    assert {"lion", "mouse"} <= ids(lowercase)


def test_the_one_acted_on_is_in_the_shot() -> None:
    project = plan(
        "Kit climbs to the cave. Grum the troll waits inside, hungry.\n"
        "Kit gives him her last apple. He eats it in one bite."
    )
    apple = next(s for s in project.shots if "apple" in s.action)
    assert set(apple.characters) == {"kit", "grum"}
    hands = plan("Nell finds her grandfather in the barn. She takes his hand.")
    held = next(s for s in hands.shots if "hand" in s.action)
    assert set(held.characters) == {"nell", "grandfather"}


# Where and when ----------------------------------------------------------------------------------


def test_a_place_holds_until_the_text_moves_and_a_new_place_is_a_new_location() -> None:
    project = plan(
        "Kit walks to the harbour at dusk. The boats knock together.\n"
        "Kit rows out to the wreck. She pulls a boy from the water.\n"
        "Up in the attic of the old house, Ivy finds a trunk. She opens it.\n"
        "In the forest, Ivy crosses the stone bridge. An owl hoots."
    )
    where = {s.action.split(".")[0]: s.location for s in project.shots}
    assert where["She pulls a boy from the water"] == "wreck"
    assert where["She opens it"] == "attic"
    assert where["An owl hoots"] == "forest"


def test_a_time_of_day_is_carried_forward() -> None:
    project = plan(
        "Sol walks along the shore. The gulls cry.\n"
        "It is a stormy, lamplit night when the ferry comes in. Sol waits on the pier.\n"
        "The ferry bumps the posts. A man steps off."
    )
    lights = [s.time_of_day for s in project.shots]
    night = next(n for n, s in enumerate(project.shots) if "lamplit" in s.action)
    assert lights[:night] == [TimeOfDay.DAY] * night
    assert lights[night:] == [TimeOfDay.NIGHT] * (len(lights) - night)
    moonlit = plan("Under a moonlit sky Ada rows across the lake. She ties the boat to a post.")
    assert {s.time_of_day for s in moonlit.shots} == {TimeOfDay.NIGHT}


@pytest.mark.parametrize(
    "text",
    [
        "The Last Ferry\n\nKit waits on the pier. The ferry does not come.",
        "The Last Ferry\nKit waits on the pier. The ferry does not come.",
        "Title: The Last Ferry\n\nKit waits on the pier. The ferry does not come.",
    ],
)
def test_a_title_line_is_the_title_not_a_shot(text: str) -> None:
    project = plan(text)
    assert project.bible.title == "The Last Ferry"
    assert not any("Last Ferry" in s.action for s in project.shots)


# How the camera covers prose ---------------------------------------------------------------------

CLOCKMAKER = """In his shop on a narrow street, the clockmaker sits at his bench.
He winds a small brass key. He oils a tiny wheel. He polishes the glass of a watch.
He looks up at the old clock on the wall. It has stopped at seven.
A moth circles the lamp. He watches it for a long time.
Tears fill his eyes.
He opens the window and lets the moth go."""


def test_silent_prose_varies_its_sizes_and_dwells_on_things() -> None:
    project = plan(CLOCKMAKER)
    sizes = [s.size for s in project.shots]
    runs = [sizes[n : n + 4] for n in range(len(sizes) - 3)]
    assert not any(set(run) == {ShotSize.MS} for run in runs), sizes
    stopped = next(s for s in project.shots if "stopped" in s.action)
    moth = next(s for s in project.shots if "moth circles" in s.action)
    tears = next(s for s in project.shots if "Tears" in s.action)
    assert stopped.size in {ShotSize.CU, ShotSize.ECU} and moth.size in {ShotSize.CU, ShotSize.ECU}
    assert tears.size in {ShotSize.CU, ShotSize.ECU} and tears.characters
    assert project.shots[-1].size not in {ShotSize.EWS, ShotSize.WS}
    assert len(project.locations) == 1


def test_each_new_place_opens_on_a_wide_shot_and_looking_at_a_place_is_not_going_there() -> None:
    project = plan(
        "Oren sits in the kitchen. He stirs the soup.\n"
        "He looks out of the window at the street. Snow falls.\n"
        "Later Oren walks to the market. He buys bread."
    )
    assert [loc.id for loc in project.locations] == ["kitchen", "market"]
    opening = {}
    for shot in project.shots:
        opening.setdefault(shot.location, shot)
    assert all(s.size in {ShotSize.WS, ShotSize.EWS} for s in opening.values())


def test_a_fountain_file_without_a_heading_is_read_as_a_screenplay(tmp_path: Path) -> None:
    script = tmp_path / "pier.fountain"
    script.write_text("OTTO\nThe tide is turning.\n\nJUNO (O.S.)\nThen hurry!\n")
    project = apply(Project(), OfflineDirector().plan(read_brief_file(script)))
    assert speakers(project) == ["otto", "juno"]

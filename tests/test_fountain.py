"""Fountain screenplays planned through screenplain: headings, action, dialogue, transitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.brief import is_fountain, read_brief, read_brief_file
from agent.offline import OfflineDirector
from story import Angle, Project, ShotSize, TimeOfDay, Transition, apply

BRIEFS = Path(__file__).parent / "briefs"


def plan(name_or_text: str) -> Project:
    path = BRIEFS / name_or_text
    text = path.read_text() if path.suffix == ".fountain" and path.exists() else name_or_text
    return apply(Project(), OfflineDirector().plan(text))


@pytest.fixture(scope="module")
def harbour() -> Project:
    return plan("harbour.fountain")


def test_title_page_gives_the_title(harbour: Project) -> None:
    assert harbour.bible.title == "Low Tide"
    assert harbour.bible.logline.startswith("Gulls wheel")


def test_scene_headings_give_places_light_and_establishing_shots(harbour: Project) -> None:
    assert [(loc.id, loc.name, loc.interior) for loc in harbour.locations] == [
        ("harbour-wall", "Harbour Wall", False),
        ("oskar-s-kitchen", "Oskar's Kitchen", True),
    ]
    openings = {}
    for shot in harbour.shots:
        openings.setdefault(shot.scene, shot)
    assert [(s.location, s.size, s.time_of_day) for s in openings.values()] == [
        ("harbour-wall", ShotSize.EWS, TimeOfDay.DAWN),
        ("oskar-s-kitchen", ShotSize.WS, TimeOfDay.NIGHT),
        ("harbour-wall", ShotSize.WS, TimeOfDay.NIGHT),  # CONTINUOUS keeps the light
    ]
    assert openings[1].characters == ["nina"]  # the first action rides on the establishing shot


def test_cues_and_parentheticals_become_dialogue(harbour: Project) -> None:
    lines = [line for s in harbour.shots for line in s.dialogue]
    assert [line.speaker for line in lines] == ["nina", "oskar", "oskar", "nina", "oskar", "nina"]
    assert lines[1].text == "Not since Tuesday." and lines[1].parenthetical == "without looking up"
    assert lines[2].parenthetical == "beat"
    assert [s for s in harbour.shots if s.dialogue][1].dialogue == lines[1:3], "one cue, one shot"


def test_dialogue_is_shot_reverse_shot_with_close_ups_for_feeling(harbour: Project) -> None:
    talk = [s for s in harbour.shots if s.dialogue]
    assert talk[0].angle == Angle.OVER_THE_SHOULDER and talk[0].characters == ["nina", "oskar"]
    assert talk[1].angle == Angle.OVER_THE_SHOULDER and talk[1].characters == ["oskar", "nina"]
    crying = next(s for s in talk if s.dialogue[0].parenthetical == "crying")
    assert crying.size == ShotSize.CU and crying.characters == ["nina"]


def test_transitions_set_how_shots_join(harbour: Project) -> None:
    shots = harbour.shots
    assert shots[0].transition == Transition.FADE_IN
    kitchen = next(s for s in shots if s.location == "oskar-s-kitchen")
    assert kitchen.transition == Transition.DISSOLVE
    assert shots[-1].transition == Transition.FADE_OUT


def test_characters_and_looks_come_from_the_action(harbour: Project) -> None:
    nina, oskar = harbour.character("nina"), harbour.character("oskar")
    assert nina.traits == {"raincoat": "green"} and "NINA (30s)" in nina.description
    assert oskar.traits == {"beard": "white"} and "fisherman" in oskar.description


def test_a_script_without_a_title_page() -> None:
    diner = plan("diner.fountain")
    assert diner.bible.title == "The Roadside Diner"
    assert {c.id for c in diner.characters} == {"june", "drifter"}
    assert diner.character("june").traits == {"apron": "pink"}
    assert [s.dialogue[0].speaker for s in diner.shots if s.dialogue] == ["drifter", "june", "drifter"]
    assert diner.shots[0].size == ShotSize.WS and diner.shots[0].location == "roadside-diner"
    parking = next(s for s in diner.shots if s.location == "parking-lot")
    assert parking.size == ShotSize.EWS and parking.characters == []
    assert diner.shots[-1].transition == Transition.CUT  # SMASH CUT TO: is a cut


def test_dual_dialogue_is_one_two_shot() -> None:
    text = "INT. BAR - NIGHT\n\nAMY and BO sit at the bar.\n\nAMY\nNow!\n\nBO ^\nNow!\n"
    project = plan(text)
    both = next(s for s in project.shots if len(s.dialogue) == 2)
    assert both.size == ShotSize.MS and both.characters == ["amy", "bo"]


def test_extensions_do_not_make_new_people() -> None:
    text = "EXT. ROOF - DAY\n\nKAI looks down.\n\nKAI (V.O.)\nI was never afraid.\n\nKAI (CONT'D)\nNot once.\n"
    project = plan(text)
    assert [c.id for c in project.characters] == ["kai"]


def test_fountain_plans_are_deterministic() -> None:
    text = (BRIEFS / "harbour.fountain").read_text()
    assert OfflineDirector().plan(text)[0].model_dump() == OfflineDirector().plan(text)[0].model_dump()


# A .fountain file with no scene heading ----------------------------------------------------

BARE_SCRIPT = """NORA
We leave at dawn.

SAM (V.O.)
(quietly)
Then we leave.

@McCLANE
Yippee-ki-yay.

===

NORA (CONT'D)
Still here?

BRICK
Screw retirement.

STEEL ^
Screw retirement.
"""


@pytest.fixture
def bare(tmp_path: Path) -> Project:
    script = tmp_path / "dawn.fountain"
    script.write_text(BARE_SCRIPT)
    return apply(Project(), OfflineDirector().plan(read_brief_file(script)))


def test_a_fountain_file_is_fountain_without_a_scene_heading(tmp_path: Path) -> None:
    script = tmp_path / "dawn.fountain"
    script.write_text("NORA\nWe leave at dawn.\n")
    text = read_brief_file(script)
    assert is_fountain(text) and is_fountain(read_brief(text))  # reading it again keeps what it is
    project = apply(Project(), OfflineDirector().plan(text))
    assert [(c.id, c.name) for c in project.characters] == [("nora", "Nora")]
    assert [(line.speaker, line.text) for s in project.shots for line in s.dialogue] == [("nora", "We leave at dawn.")]
    # The same words as a plain text file or pasted are still read by what they look like.
    prose = tmp_path / "dawn.txt"
    prose.write_text("NORA\nWe leave at dawn.\n")
    assert not is_fountain(read_brief_file(prose))


def test_extensions_leave_the_name_and_stay_as_a_note(bare: Project) -> None:
    assert {c.id: c.name for c in bare.characters}["sam"] == "Sam"
    sam = next(s for s in bare.shots if any(line.speaker == "sam" for line in s.dialogue))
    assert sam.dialogue[0].metadata == {"extension": "V.O."} and sam.notes == "Sam (V.O.)"
    again = [s for s in bare.shots if any(line.speaker == "nora" for line in s.dialogue)][1]
    assert again.dialogue[0].metadata == {"extension": "CONT'D"} and "Nora (CONT'D)" in again.notes


def test_forced_cues_parentheticals_dual_dialogue_and_page_breaks(bare: Project) -> None:
    assert [(c.id, c.name) for c in bare.characters] == [
        ("nora", "Nora"),
        ("sam", "Sam"),
        ("mcclane", "McClane"),  # a forced cue keeps the case it was typed in
        ("brick", "Brick"),
        ("steel", "Steel"),
    ]
    lines = [line for s in bare.shots for line in s.dialogue]
    assert [(line.speaker, line.parenthetical) for line in lines] == [
        ("nora", ""),
        ("sam", "quietly"),
        ("mcclane", ""),
        ("nora", ""),
        ("brick", ""),
        ("steel", ""),
    ]
    both = next(s for s in bare.shots if len(s.dialogue) == 2)
    assert both.size == ShotSize.MS and both.characters == ["brick", "steel"]
    assert not any("===" in s.action for s in bare.shots)  # a page break is not a shot
    assert len(bare.shots) == 5

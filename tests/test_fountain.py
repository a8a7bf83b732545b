"""Fountain screenplays planned through screenplain: headings, action, dialogue, transitions."""

from __future__ import annotations

from pathlib import Path

import pytest

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

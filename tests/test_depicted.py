"""The "depicted" measure: what a shot's words name against what its panel's draw log drew, and its floor on
the quality suite's briefs and on public-domain texts the suite does not hold."""

from __future__ import annotations

import pytest

from evals import depicted
from story import Character, Location, Project, Shot
from story.model import Acting, Expression, Prop, Weather

MARA = Character(id="mara", name="Mara")
COAST = Location(id="coast", name="the coast")


def scored(action: str, **fields: object) -> depicted.ShotScore:
    shot = Shot.model_validate(
        {"id": "s1", "action": action, "characters": ["mara"], "location": "coast", "size": "WS"} | fields
    )
    project = Project(characters=[MARA], locations=[COAST], shots=[shot])
    return depicted.score_shot(project, shot, "s1")


def test_a_named_thing_the_panel_drew_counts_and_one_it_did_not_is_listed() -> None:
    shot = scored("Mara lifts a lantern beside the black rocks.", props=[Prop(name="lantern")])
    assert [n.word for n in shot.named] == ["lantern", "rock"]
    assert [n.word for n in shot.drawn] == ["lantern"]
    assert [n.word for n in shot.missed] == ["rock"] and shot.score == 0.5


def test_weather_and_feelings_count_when_the_log_shows_them() -> None:
    rainy = scored("Mara is crying in the rain.", weather=Weather.RAIN, acting={"mara": Acting(expression="crying")})
    assert {n.kind for n in rainy.named} == {"weather", "feeling"} and rainy.score == 1.0
    dry = scored("Mara is crying in the rain.")
    assert dry.score == 0.0 and sorted(n.word for n in dry.missed) == ["crying", "rain"]
    smiling = scored("Mara is crying.", acting={"mara": Acting(expression=Expression.HAPPY)})
    assert smiling.score == 0.0, "a smile does not show tears"


def test_a_thing_drawn_as_the_glyph_its_word_finds_counts() -> None:
    shot = scored("A heron watches from a rock.", props=[Prop(name="bird"), Prop(name="rock")])
    assert [n.word for n in shot.named] == ["heron", "rock"] and shot.score == 1.0


def test_words_that_name_no_thing_are_not_counted() -> None:
    assert depicted.named_in("Mara walks along the shore at dawn and thinks of her mother.", {"mara"}) == []
    boat = depicted.named_in("The boat tears away from the rocks.")
    assert [(n.word, n.kind) for n in boat] == [("boat", "thing"), ("rock", "thing")], "a boat sheds no tears"


@pytest.mark.slow
@pytest.mark.parametrize("which", ["suite", "texts"])
def test_the_offline_director_and_the_animatic_depict_at_least_the_floor(which: str) -> None:
    briefs = depicted.suite_briefs() if which == "suite" else depicted.text_briefs()
    if which == "texts":
        assert len(briefs) >= 10
    result = depicted.score_briefs(which, briefs)
    assert len([s for s in result.shots if s.named]) >= 25, "enough shots name something to measure"
    assert result.mean >= depicted.FLOOR, depicted.report(result, show=10)

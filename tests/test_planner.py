"""The offline planner on varied prose briefs: film grammar, cast, places, bounds, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.brief import MAX_BRIEF_CHARS, BriefError, is_fountain, read_brief
from agent.offline import OfflineDirector
from story import Angle, Project, ReplaceStory, ShotSize, TimeOfDay, apply

BRIEFS = Path(__file__).parent / "briefs"
EXAMPLE = Path(__file__).parent.parent / "agent" / "examples" / "keeper.txt"
PROSE = sorted(BRIEFS.glob("*.txt"))
WIDE = {ShotSize.WS, ShotSize.EWS}


def plan(text: str) -> Project:
    return apply(Project(), OfflineDirector().plan(read_brief(text)))


def seconds(project: Project) -> float:
    return sum(s.duration_frames for s in project.shots) / project.fps


@pytest.fixture(scope="module")
def keeper() -> Project:
    return plan(EXAMPLE.read_text())


def test_there_are_ten_varied_briefs() -> None:
    assert len(PROSE) >= 10


# The bundled example -----------------------------------------------------------------------------


def test_example_is_about_twelve_shots_and_a_minute(keeper: Project) -> None:
    assert 10 <= len(keeper.shots) <= 14
    assert 50 <= seconds(keeper) <= 70
    assert keeper.bible.title == "The Keeper's Light"


def test_example_has_named_and_unnamed_people_two_places_a_change_of_light_and_talk(keeper: Project) -> None:
    ids = {c.id for c in keeper.characters}
    assert {"mara", "tomas"} <= ids
    assert "young-girl" in ids
    assert {loc.id for loc in keeper.locations} == {"lighthouse", "harbour", "wreck"}  # they row out to the wreck
    assert len({s.time_of_day for s in keeper.shots}) >= 2
    assert sum(len(s.dialogue) for s in keeper.shots) >= 3


def test_example_traits_come_from_the_text(keeper: Project) -> None:
    assert keeper.character("young-girl").traits == {"age": "young", "coat": "red"}
    mara = keeper.character("mara")
    assert mara.traits["coat"] == "yellow" and mara.traits["age"] == "old"
    assert "keeper" in mara.description


def test_example_speakers_and_coverage(keeper: Project) -> None:
    lines = [(s, line) for s in keeper.shots for line in s.dialogue]
    assert [line.speaker for _, line in lines] == ["mara", "tomas", "mara", "young-girl", "young-girl"]
    assert lines[0][1].parenthetical == "whispering"
    whisper = lines[0][0]
    assert whisper.size == ShotSize.CU  # alone, and moved: a close-up
    exchange = [s for s in keeper.shots if s.dialogue and s.angle == Angle.OVER_THE_SHOULDER]
    assert [s.characters for s in exchange[:2]] == [["tomas", "mara"], ["mara", "tomas"]]
    crying = next(s for s in keeper.shots if "crying" in s.action)
    assert crying.size == ShotSize.CU and crying.characters == ["young-girl"]


def test_example_light_is_carried_forward_until_it_changes(keeper: Project) -> None:
    lights = [s.time_of_day for s in keeper.shots]
    night = lights.index(TimeOfDay.NIGHT)
    dawn = lights.index(TimeOfDay.DAWN)
    assert lights[:night] == [TimeOfDay.DUSK] * night
    assert lights[night:dawn] == [TimeOfDay.NIGHT] * (dawn - night)
    assert keeper.shots[night].transition.value == "dissolve"  # time passes: a dissolve


# Every brief -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [EXAMPLE, *PROSE], ids=lambda p: p.stem)
def test_grammar_holds_on_every_brief(path: Path) -> None:
    text = path.read_text()
    project = plan(text)
    assert project.shots, "every brief plans at least one shot"
    assert [s.id for s in project.shots] == [f"s{n}" for n in range(1, len(project.shots) + 1)]
    assert project.next_shot == len(project.shots) + 1
    assert project.shots[0].transition.value == "fade-in"
    seen: set[str] = set()
    for shot in project.shots:
        if shot.location is not None and shot.location not in seen:
            assert shot.size in WIDE, f"{shot.id} opens {shot.location} on a {shot.size}"
            seen.add(shot.location)
        assert 2.0 <= shot.duration_frames / project.fps <= 8.0, shot
        for line in shot.dialogue:
            assert line.speaker in shot.characters, "the speaker is in frame"
            assert shot.size in {ShotSize.CU, ShotSize.MCU, ShotSize.MS}
    assert {s.location for s in project.shots if s.location} == {loc.id for loc in project.locations}
    used = {c for s in project.shots for c in s.characters}
    assert used == {c.id for c in project.characters}, "the cast is who appears"
    assert project.bible.brief == read_brief(text)


@pytest.mark.parametrize("path", [EXAMPLE, *PROSE], ids=lambda p: p.stem)
def test_planning_is_deterministic(path: Path) -> None:
    first, second = OfflineDirector().plan(path.read_text()), OfflineDirector().plan(path.read_text())
    assert [e.model_dump() for e in first] == [e.model_dump() for e in second]
    seeds = [s.seed for s in plan(path.read_text()).shots]
    assert len(set(seeds)) == len(seeds)


def test_shot_reverse_shot_keeps_each_speaker_on_one_side() -> None:
    project = plan((BRIEFS / "noir_office.txt").read_text())
    talk = [s for s in project.shots if s.dialogue and s.angle == Angle.OVER_THE_SHOULDER]
    assert len(talk) >= 3
    for before, after in zip(talk, talk[1:], strict=False):
        if before.dialogue[0].speaker != after.dialogue[0].speaker:
            assert before.characters == list(reversed(after.characters))
    side = {}
    for shot in talk:
        speaker = shot.dialogue[0].speaker
        side.setdefault(speaker, shot.positions[speaker] < 0.5)
        assert side[speaker] == (shot.positions[speaker] < 0.5), "the 180-degree line holds"
    assert [s.dialogue[0].speaker for s in talk[:3]] == ["vera", "kane", "vera"]


def test_titles_join_names_and_roles_are_remembered() -> None:
    project = plan((BRIEFS / "noir_office.txt").read_text())
    assert project.character("kane").name == "Detective Kane"
    assert project.bible.title == "The Last Client" and project.bible.genre == "mystery"
    assert project.location("office").interior


def test_unnamed_people_get_slug_ids_and_looks() -> None:
    project = plan((BRIEFS / "haunted_house.txt").read_text())
    assert {c.id for c in project.characters} == {"young-boy", "old-woman"}
    woman = project.character("old-woman")
    assert woman.traits == {"age": "old", "shawl": "grey"}
    whisper = next(line for s in project.shots for line in s.dialogue if line.speaker == "old-woman")
    assert whisper.parenthetical == "whispering"
    assert next(s for s in project.shots if "terrified" in s.action).size == ShotSize.CU


def test_many_people_and_a_line_after_an_action_goes_to_its_doer() -> None:
    project = plan((BRIEFS / "family_dinner.txt").read_text())
    assert {"ruth", "leo", "ada", "tom"} <= {c.id for c in project.characters}
    toast = [line.speaker for s in project.shots for line in s.dialogue if "farm" in line.text]
    assert toast == ["leo", "ruth"]
    assert project.character("ruth").name == "Grandma Ruth"


def test_each_new_place_opens_wide_and_interiors_are_guessed() -> None:
    project = plan((BRIEFS / "space_station.txt").read_text())
    assert [(loc.id, loc.interior) for loc in project.locations] == [
        ("station", False),
        ("airlock", True),
        ("cockpit", True),
    ]
    assert project.character("osei").traits == {"spacesuit": "white"}
    assert project.bible.genre == "science fiction"


def test_generated_title_when_the_brief_has_none() -> None:
    assert plan((BRIEFS / "market_chase.txt").read_text()).bible.title == "Sam and the Market"
    assert plan((BRIEFS / "one_line.txt").read_text()).bible.title == "The Man of the Station"


def test_a_one_line_brief_is_one_establishing_shot() -> None:
    project = plan((BRIEFS / "one_line.txt").read_text())
    assert len(project.shots) == 1 and project.shots[0].size == ShotSize.EWS
    assert project.characters[0].id == "man"


def test_a_style_line_sets_the_look() -> None:
    project = plan("Style: noir\n\nAt night Kit walks to the bar. Kit orders a drink.")
    assert "film noir" in project.style.look


def test_a_huge_brief_stays_bounded_and_valid() -> None:
    sentence = "Mara walks to the harbour at night and looks at the sea for a very long time. "
    text = (sentence * 2_500)[: MAX_BRIEF_CHARS - 10]
    project = plan(text)
    assert len(project.shots) == 200
    long_text = "Mara " + "walks and walks " * 400 + "to the harbour."
    assert all(len(s.action) <= 2_000 for s in plan(long_text).shots)


def test_quotes_without_anyone_named_get_a_voice() -> None:
    project = plan('"Is anyone there?"')
    assert project.shots[0].dialogue[0].speaker == "voice"


# Reading a brief ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        (b"\x00\x01\x02 story", "NUL"),
        (b"\xff\xfe\xfa bad", "UTF-8"),
        ("a" * (MAX_BRIEF_CHARS + 1), "200,000"),
        ("\x07\x08\x0b\x0c\x0e\x0f" * 50, "binary"),
    ],
)
def test_bad_briefs_are_refused_with_one_line(raw: str | bytes, needle: str) -> None:
    with pytest.raises(BriefError) as caught:
        read_brief(raw)
    assert needle in str(caught.value) and "\n" not in str(caught.value)


def test_enormous_brief_says_its_size_and_the_limit() -> None:
    with pytest.raises(BriefError, match="250,000 characters; the limit is 200,000"):
        read_brief("x" * 250_000)


def test_good_briefs_read_as_text() -> None:
    assert read_brief(b"  A story.  ") == "  A story.  "
    assert read_brief(b"\xef\xbb\xbfTitle: X\r\n\r\nA story.") == "Title: X\n\nA story."


def test_fountain_is_told_from_prose() -> None:
    assert is_fountain((BRIEFS / "harbour.fountain").read_text())
    assert is_fountain((BRIEFS / "diner.fountain").read_text())
    assert not any(is_fountain(p.read_text()) for p in PROSE)
    assert not is_fountain(EXAMPLE.read_text())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_plans_into_a_valid_project_or_is_refused(text: str) -> None:
    try:
        brief = read_brief(text)
    except BriefError:
        return
    edits = OfflineDirector().plan(brief)
    assert isinstance(edits[0], ReplaceStory)
    project = apply(Project(), edits)
    assert project.shots


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Mara",
                "the old fisherman",
                "she",
                "a girl",
                '"Come home," Mara says.',
                "walks to the harbour",
                "at night",
                "In the kitchen,",
                "cries",
                "Tomas",
                "says",
                ".",
                ",",
                '"No."',
                "wears a red coat",
            ]
        ),
        min_size=1,
        max_size=40,
    )
)
def test_story_like_word_salad_plans_into_a_valid_project(words: list[str]) -> None:
    project = apply(Project(), OfflineDirector().plan(read_brief(" ".join(words))))
    assert all(line.speaker in {c.id for c in project.characters} for s in project.shots for line in s.dialogue)


@pytest.mark.parametrize("path", [EXAMPLE, *PROSE, *sorted(BRIEFS.glob("*.fountain"))], ids=lambda p: p.name)
def test_the_plan_keeps_the_180_degree_line_and_speakers_in_their_shots(path: Path) -> None:
    from agent.offline import continuity_report
    from story.continuity import check

    project = plan(path.read_text())
    problems = [p for p in check(project) if p.kind in ("screen-direction", "offscreen-speaker")]
    assert problems == [], continuity_report(project)

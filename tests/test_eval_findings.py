"""Offline-director bugs the quality suite found (evals/quality), each pinned by the case that showed it."""

from __future__ import annotations

from agent.offline import OfflineDirector
from story import Project, apply


def planned(brief: str) -> Project:
    return apply(Project(), OfflineDirector().plan(brief))


def test_a_name_introduced_with_an_aside_is_cast_under_its_name() -> None:
    # family-dinner, haunted-attic, boxing-final: "Tunde, the eldest son, checks ..." cast "Son", not Tunde
    project = planned(
        "On Sunday the family eats in the dining room.\nTunde, the eldest son, checks his phone under the table.\n"
        "Theo, a boy of ten, hears scratching above the ceiling."
    )
    names = {c.name: c for c in project.characters}
    assert {"Tunde", "Theo"} <= set(names) and "Son" not in names and "Boy" not in names
    assert names["Tunde"].description == "the eldest son"


def test_a_two_word_place_name_is_not_a_character() -> None:
    # western-standoff: "the main street of Dry Creek" cast a character called Creek
    project = planned("At noon the sun bleaches the main street of Dry Creek.\nSheriff Hale steps out of the jail.")
    assert "creek" not in {c.id for c in project.characters}
    assert "hale" in {c.id for c in project.characters}


def test_plural_sizes_for_several_shots() -> None:
    # wedding-toast: "shots 2 and 3 close-ups" was not understood
    project = planned("Ana walks in.\nBo waves at Ana.\nAna laughs.\nBo sits down.")
    direction = OfflineDirector().turn(project, "shots 2 and 3 close-ups")
    after = apply(project, direction.edits)
    assert [after.shots[1].size.value, after.shots[2].size.value] == ["CU", "CU"]


def test_a_length_for_the_whole_film_is_its_total() -> None:
    # thirty-seconds-ad: "make the whole film 30 seconds" made every shot 30 seconds long
    project = planned("Ana walks in.\nBo waves at Ana.\nAna laughs.\nBo sits down.")
    before = [s.duration_frames for s in project.shots]
    after = apply(project, OfflineDirector().turn(project, "make the whole film 30 seconds").edits)
    assert abs(sum(s.duration_frames for s in after.shots) - 30 * 24) <= len(after.shots)
    ratios = [a.duration_frames / b for a, b in zip(after.shots, before, strict=True)]
    assert max(ratios) - min(ratios) < 0.05  # in proportion
    longer = apply(project, OfflineDirector().turn(project, "make the entire film 2 minutes").edits)
    assert abs(sum(s.duration_frames for s in longer.shots) - 120 * 24) <= len(longer.shots)


def test_a_length_asked_for_in_the_brief_is_kept() -> None:
    # minute-ferry, thirty-seconds-ad, two-minute-expedition: the stated length was ignored
    ferry = planned("A one-minute film.\n\nAt dusk Owen runs down the pier.\nThe ferry pulls away.\nOwen jumps.")
    assert 59 <= sum(s.duration_frames for s in ferry.shots) / 24 <= 61
    assert all("one-minute" not in s.action for s in ferry.shots)  # how long, not a beat
    header = planned("Length: about two minutes.\n\nTenzin climbs.\nMaya follows.")
    assert 119 <= sum(s.duration_frames for s in header.shots) / 24 <= 121
    spoken = planned('"Thirty seconds," says Varga.\nOsei seals the door.\nThe station shudders.')
    assert sum(s.duration_frames for s in spoken.shots) / 24 < 25  # a line of dialogue is not a length

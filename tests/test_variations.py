"""Variations side by side: versions of a shot that differ in what a director varies, rendered as extra takes
and laid on a contact sheet; keeping one (in words or with `storyreel keep`) is one undoable revision whose
take is the reel's. The same for the ways to cover a scene."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from probing import frames_rgb, probe
from scripted import small_film, storyreel

from agent.commands import KeepVariation, VaryShot, expand
from agent.graph import say
from agent.offline import OfflineDirector
from agent.production import Production
from agent.variations import shot_variants
from story import RequestTakes
from story.variations import latest_offer, varied
from tools.render.jobs import plan_one

DIRECTED = ("size", "angle", "movement", "lens_mm", "time_of_day", "positions", "acting")


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Production:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    monkeypatch.delenv("STORYREEL_SEED", raising=False)
    return small_film(tmp_path / "film")  # the offline director from here on


def variant_take(production: Production, number: int, label: str) -> Path:
    """The file of the take rendered for version `label` of shot `number`."""
    project = production.project
    offer = next(o for o in latest_offer(project) if o.shot_id == project.shots[number - 1].id)
    variant = offer.variant(label)
    assert variant is not None
    key = plan_one(varied(project, offer.shot_id, variant), number).key
    take = project.shots[number - 1].take_for(key)
    assert take is not None and not take.failed, f"version {label} of shot {number} has no take"
    return production.folder.root / take.path


def test_versions_differ_in_direction_render_apart_and_one_is_kept_into_the_reel(production: Production) -> None:
    reel_before = production.project.cut
    asked = say(production, "give me three versions of shot 2")
    assert not asked.refused, asked.reply
    assert asked.rendered == [], "the reel's shot did not change"
    offer = latest_offer(production.project)
    assert [o.shot_id for o in offer] == ["s2"] and [v.label for v in offer[0].variants] == ["A", "B", "C"]
    shot = production.project.shots[1]
    for variant in offer[0].variants:
        changed = {
            f for f, value in variant.changes.model_dump(exclude_unset=True).items() if getattr(shot, f) != value
        }
        assert changed & set(DIRECTED), f"{variant.label} differs only by seed: {variant}"
        assert variant.differs and variant.label in "\n".join(asked.changes)  # "shot 2 B: low angle, push in"
    assert len({v.changes.model_dump_json(exclude_unset=True) for v in offer[0].variants}) == 3
    middles = {label: frames_rgb(variant_take(production, 2, label))[7] for label in "ABC"}
    now = production.project.cut
    assert now is not None and reel_before is not None and now.shot_keys == reel_before.shot_keys
    assert len(set(middles.values())) == 3, "each version is a picture of its own"
    reel_take = production.project.shots[1].take_for(plan_one(production.project, 2).key)
    assert reel_take is not None
    now_middle = frames_rgb(production.folder.root / reel_take.path)[7]
    assert now_middle not in middles.values(), "every version shows something the shot now does not"

    revision = production.project.revision
    kept = say(production, "keep B")
    assert not kept.refused, kept.reply
    assert kept.rendered == [], "the kept version's take was already rendered"
    project = production.project
    assert project.revision == revision + 1
    b = offer[0].variant("B")
    assert b is not None
    for field, value in b.changes.model_dump(exclude_unset=True).items():
        assert getattr(project.shots[1], field) == value
    take = variant_take(production, 2, "B")
    assert project.cut is not None and take.stem in project.cut.shot_keys
    assert middles["B"] in frames_rgb(production.folder.root / project.cut.path), "the reel plays version B"

    undone = production.undo()
    assert production.project.cut is not None and production.project.cut.shot_keys == reel_before.shot_keys
    assert undone.rendered == []


def test_two_ways_to_cover_a_scene_and_the_second_one_kept(production: Production) -> None:
    asked = say(production, "two ways to cover the harbour scene")
    assert not asked.refused, asked.reply
    parts = latest_offer(production.project)
    assert [o.shot_id for o in parts] == ["s1", "s2", "s3"]  # every shot of scene 1, each offered both ways
    ways = [v.differs for v in parts[0].variants]
    assert len(ways) == 2 and len(set(ways)) == 2
    assert all([v.differs for v in o.variants] == ways for o in parts)
    kept = say(production, "the second one")
    assert not kept.refused, kept.reply
    project = production.project
    for number, offer in enumerate(parts, 1):
        second = offer.variant("B")
        assert second is not None
        for field, value in second.changes.model_dump(exclude_unset=True).items():
            assert getattr(project.shots[number - 1], field) == value
    assert kept.rendered == []


def test_the_cli_writes_a_contact_sheet_and_keeps_by_shot_and_letter(production: Production) -> None:
    root = production.folder.root
    done = storyreel("vary", root, 3, "--count", "2", "--seed", "7")
    assert done.returncode == 0, done.stderr
    sheet = root / "cut" / "variations-1.png"
    assert f"Contact sheet: {sheet}" in done.stdout
    assert "shot 3 A: " in done.stdout and "shot 3 B: " in done.stdout
    picture = Image.open(sheet)
    assert picture.width > 3 * 288  # the shot now and two versions, side by side
    frames = [frames_rgb(variant_take(production, 3, label))[0] for label in "AB"]
    assert frames[0] != frames[1]
    together = root / "cut" / "variations-1.mp4"
    assert f"Side by side, in sync: {together}" in done.stdout
    facts = probe(together)
    assert facts.width == 3 * 320 and facts.frames == production.project.shots[2].duration_frames

    kept = storyreel("keep", root, 3, "B")
    assert kept.returncode == 0, kept.stderr
    assert "Reel:" in kept.stdout
    project = production.project
    assert project.cut is not None and variant_take(production, 3, "B").stem in project.cut.shot_keys
    wrong = storyreel("keep", root, 3, "Q")
    assert wrong.returncode == 2 and "letter" in wrong.stderr
    said = storyreel("say", root, "show me two versions of the first shot")
    assert said.returncode == 0, said.stderr
    assert f"Contact sheet: {root / 'cut' / 'variations-2.png'}" in said.stdout
    assert "Contact sheet" not in storyreel("say", root, "keep A").stdout


def test_the_same_seed_gives_the_same_versions_and_a_new_ask_new_ones(production: Production) -> None:
    project = production.project
    shot = project.shots[1]
    assert shot_variants(shot, 3, seed=5) == shot_variants(shot, 3, seed=5)
    draws = {tuple(v.differs for v in shot_variants(shot, 3, seed=s)) for s in range(6)}
    assert len(draws) > 1
    first = expand(project, VaryShot(shot=2)).edits
    assert first == expand(project, VaryShot(shot=2)).edits  # the same project asks the same
    say(production, "make shot 1 longer by 1 second")
    assert expand(production.project, VaryShot(shot=2)).edits != first  # asked again later: other versions


def test_takes_stay_takes_and_keeping_with_nothing_on_offer_says_so(production: Production) -> None:
    project = production.project
    plan = OfflineDirector().turn(project, "give me three takes of shot 2")
    assert [type(e) for e in plan.edits] == [RequestTakes]
    refused = production.run([KeepVariation(label="B")])
    assert refused.refused and "versions" in refused.reply

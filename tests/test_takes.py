"""Takes: variations under new seeds, choosing one for the reel (undoable), the renderer per project and
per shot, and what renders would cost before they run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pytest
from probing import probe
from scripted import small_film, storyreel

from agent.graph import say
from agent.production import Production
from story import ProjectFolder, RequestTakes, SetBudget
from tools.render.animatic import AnimaticRenderer
from tools.render.base import register


class PricedAnimatic(AnimaticRenderer):
    """The animatic at a price, to test estimates and the budget without a network."""

    name = "priced-animatic"
    cost_per_second: ClassVar[float] = 0.5


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Production:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    return small_film(tmp_path / "film")  # the offline director from here on


def test_three_takes_then_choose_one_for_the_reel_and_undo(production: Production) -> None:
    first = production.project
    reel_keys = first.cut.shot_keys if first.cut else []

    asked = say(production, "give me three takes of shot 2")
    assert asked.reply == "Done: 3 more takes of shot 2."
    assert asked.rendered == [] and asked.failed == {}, "variations do not count as the shot re-rendering"
    shot = production.project.shots[1]
    assert len(shot.takes) == 4 and shot.variations == []
    assert len({t.seed for t in shot.takes}) == 4 and len({t.render_key for t in shot.takes}) == 4
    assert all((production.folder.root / t.path).is_file() for t in shot.takes)
    assert production.project.cut is not None and production.project.cut.shot_keys == reel_keys

    chose = say(production, "use take 3 for shot 2")
    assert chose.reply == "Done: shot 2 uses take 3." and chose.rendered == []
    project = production.project
    assert project.shots[1].seed == shot.takes[2].seed
    assert project.cut is not None and project.cut.shot_keys[2] == shot.takes[2].render_key  # [0] is the title card
    assert probe(production.folder.root / project.cut.path).frames == project.total_frames()

    listed = storyreel("takes", production.folder.root, 2)
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if "animatic" in line]
    assert len(rows) == 4 and "▶" in rows[2] and "▶" not in rows[0]

    undone = production.undo()
    assert undone.rendered == []
    assert production.project.cut.shot_keys == reel_keys  # type: ignore[union-attr]


def test_choosing_a_take_that_is_not_there_changes_nothing(production: Production) -> None:
    before = production.project.revision
    reply = say(production, "use take 4 for shot 2").reply
    assert reply == "Shot 2 has no take 4; it has 1 take (`storyreel takes DIR 2`). Nothing changed."
    assert production.project.revision == before


def test_the_project_and_one_shot_choose_their_renderer(production: Production) -> None:
    register(PricedAnimatic)
    reply = say(production, "render shot 3 with priced-animatic").reply
    assert reply == "Done: shot 3 renders with priced-animatic."
    project = production.project
    assert project.shots[2].backend == "priced-animatic" and project.shots[2].takes[-1].backend == "priced-animatic"
    assert project.shots[2].takes[-1].cost == pytest.approx(0.5 * project.shots[2].duration_frames / 24)
    assert project.shots[0].takes[-1].backend == "animatic"

    reply = say(production, "render shot 2 with blender").reply
    assert reply.startswith("I know no renderer called 'blender'; known: ")  # other tests register theirs too
    known = reply.split("known: ")[1].removesuffix(". Nothing changed.").split(", ")
    assert {"animatic", "diffusers", "openai", "runway", "priced-animatic"} <= set(known) and known == sorted(known)
    assert production.project.shots[1].backend is None


def test_takes_are_priced_before_they_render_and_the_budget_refuses(production: Production) -> None:
    from agent.graph import estimate_cost

    register(PricedAnimatic)
    say(production, "render everything with priced-animatic")
    project = production.project
    seconds = project.shots[1].duration_frames / project.fps
    assert estimate_cost(production, [RequestTakes(shot_id="s2", count=3)]) == pytest.approx(3 * 0.5 * seconds)

    spent_so_far = sum(t.cost for s in project.shots for t in s.takes)
    production.folder.commit([SetBudget(budget=spent_so_far + 0.5 * seconds * 2)], message="a tight budget")
    refused = say(production, "give me three takes of shot 2")
    assert refused.reply.startswith("Nothing changed: rendering 3 takes (shot 2) with priced-animatic would cost")
    assert production.project.shots[1].variations == []
    assert say(production, "another take of shot 2").reply == "Done: 1 more take of shot 2."


def test_render_command_sets_the_renderer_and_names_bad_ones(production: Production) -> None:
    root = production.folder.root
    unknown = storyreel("render", root, "--backend", "nope")
    assert unknown.returncode == 2
    assert "unknown renderer 'nope'; known: animatic, diffusers, openai, runway" in unknown.stderr
    bad = storyreel("render", root, "--backend", "diffusers", "--option", "steps=0")
    assert bad.returncode == 2 and "diffusers option `steps`" in bad.stderr and "Traceback" not in bad.stderr
    shot = storyreel("render", root, "--backend", "animatic", "--shot", "2", "--option", "x")
    assert shot.returncode == 2 and "--option wants KEY=VALUE" in shot.stderr
    done = storyreel("render", root, "--backend", "animatic", "--shot", "2")
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "story.json").read_text())
    assert data["shots"][1]["backend"] == "animatic" and data["backend"] == "animatic"
    shown = storyreel("budget", root, "12.5")
    assert shown.returncode == 0 and "Spent $0.00 on renders (budget $12.50, $12.50 left)." in shown.stdout
    assert ProjectFolder.open(root).load().budget == 12.5


def test_take_edits_are_typed_deterministic_and_refuse_what_cannot_be() -> None:
    from conftest import small_project

    from story import ChooseTake, EditError, RecordTake, Take, apply

    project = small_project()
    asked = apply(project, RequestTakes(shot_id="s2", count=3))
    seeds = asked.shots[1].variations
    assert len(set(seeds)) == 3 and project.shots[1].seed not in seeds
    assert apply(project, RequestTakes(shot_id="s2", count=3)).shots[1].variations == seeds, "same ask, same seeds"

    good = Take(render_key="a" * 20, path="media/shots/s2/a.mp4", backend="runway", seed=seeds[0], frames=96)
    bad = Take(render_key="b" * 20, path="media/shots/s2/b.failed.mp4", backend="runway", seed=seeds[1], frames=96,
               failed=True, error="refused")  # fmt: skip
    taken = apply(asked, [RecordTake(shot_id="s2", take=good), RecordTake(shot_id="s2", take=bad)])
    assert taken.shots[1].variations == seeds[1:], "a good take fulfils its variation; a failed one still waits"

    chosen = apply(taken, ChooseTake(shot_id="s2", take=1))
    assert (chosen.shots[1].seed, chosen.shots[1].backend) == (seeds[0], "runway")
    with pytest.raises(EditError, match="take 2 of shot 2 failed"):
        apply(taken, ChooseTake(shot_id="s2", take=2))
    with pytest.raises(EditError, match="shot 2 has no take 3; it has 2 takes"):
        apply(taken, ChooseTake(shot_id="s2", take=3))
    with pytest.raises(EditError, match="at most 10"):
        apply(asked, RequestTakes(shot_id="s2", count=8))

""" "Surprise me": an alternative nobody asked for, with one line on why, applied on a branch of its own and kept
or dropped in one word; the same seed gives the same surprise, asking again another."""

from __future__ import annotations

from pathlib import Path

import pytest
from probing import frames_rgb
from scripted import small_film, storyreel

from agent.graph import say
from agent.offline.surprise import propose
from agent.production import Production
from story.branches import branches_of, current_branch


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Production:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    monkeypatch.delenv("STORYREEL_SEED", raising=False)
    return small_film(tmp_path / "film")  # the offline director from here on


def test_a_surprise_lands_on_a_branch_with_its_why_and_drop_it_brings_the_reel_back(production: Production) -> None:
    before = production.project
    reel = frames_rgb(production.folder.root / before.cut.path)  # type: ignore[union-attr]
    surprised = say(production, "surprise me")
    assert not surprised.refused, surprised.reply
    assert surprised.reply.startswith("Surprise, on branch 'surprise': ") and "keep it" in surprised.reply
    why = surprised.reply.split(": ", 1)[1]
    assert len(why.split(". ")) >= 2, "it says what it is and why it might work"
    assert current_branch(production.folder) == "surprise"
    assert surprised.changes and production.project.cut.shot_keys != before.cut.shot_keys  # type: ignore[union-attr]
    surprise_revision = production.project.revision

    dropped = say(production, "drop it")
    assert not dropped.refused, dropped.reply
    assert current_branch(production.folder) == "main" and [b.name for b in branches_of(production.folder)] == ["main"]
    assert production.project.shots == before.shots or production.project.cut.shot_keys == before.cut.shot_keys  # type: ignore[union-attr]
    assert frames_rgb(production.folder.root / production.project.cut.path) == reel  # type: ignore[union-attr]
    assert surprise_revision in {r.number for r in production.folder.revisions()}, "nothing is deleted"


def test_a_shot_surprise_changes_that_shot_alone_and_keep_it_makes_it_main(production: Production) -> None:
    before = production.project
    surprised = say(production, "surprise me with shot 2")
    assert not surprised.refused, surprised.reply
    after = production.project
    assert [s.id for s in after.shots] == [s.id for s in before.shots]
    assert after.shots[0] == before.shots[0] and after.shots[2] == before.shots[2]
    assert after.shots[1] != before.shots[1]
    kept = say(production, "keep it")
    assert not kept.refused, kept.reply
    assert current_branch(production.folder) == "main" and [b.name for b in branches_of(production.folder)] == ["main"]
    assert production.project.shots[1] == after.shots[1]


def test_the_same_seed_gives_the_same_surprise_and_seeds_differ(production: Production) -> None:
    project = production.project
    for scope, where in (("film", {}), ("scene", {"scene": 1}), ("shot", {"shot": 2})):
        same = [propose(project, scope, 11, **where) for _ in range(2)]  # type: ignore[arg-type]
        assert same[0] == same[1]
        titles = {propose(project, scope, seed, **where).title for seed in range(12)}  # type: ignore[arg-type]
        assert len(titles) >= 3, (scope, titles)
        assert all(propose(project, scope, seed, **where).why.endswith((".", "?")) for seed in range(4))  # type: ignore[arg-type]

    root = production.folder.root
    first = storyreel("surprise", root, seed="5")
    assert first.returncode == 0, first.stderr
    assert storyreel("drop", root).returncode == 0
    second = storyreel("surprise", root, seed="5")
    assert second.returncode == 0, second.stderr
    line = [x for x in first.stdout.splitlines() if x.startswith("Surprise")][0]
    again = [x for x in second.stdout.splitlines() if x.startswith("Surprise")][0]
    assert line.replace("'surprise'", "") == again.replace("'surprise'", "")


def test_a_model_puts_its_own_surprise_on_a_branch_through_the_same_turn(
    production: Production, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llm_server import ChatServer, text, tool_call

    before = production.project
    with ChatServer() as server:
        server.queue += [
            tool_call("try_on_branch", {"why": "Night makes her wait feel longer."}),
            tool_call("update_shot", {"shot": 1, "time_of_day": "night"}),
            text("Tried it at night, on a branch."),
        ]
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        model = Production.open(production.folder.root)
        surprised = say(model, "surprise me with something unexpected")
        offered = {t["function"]["name"] for t in server.requests[0]["tools"]}
    assert {"try_on_branch", "surprise"} <= offered
    assert not surprised.refused, surprised.reply
    assert surprised.reply.startswith("On branch 'surprise': Night makes her wait feel longer.")
    assert current_branch(production.folder) == "surprise"
    assert production.project.shots[0].time_of_day == "night" and before.shots[0].time_of_day != "night"
    monkeypatch.delenv("OPENAI_BASE_URL")
    dropped = say(production, "drop it")  # the offline director from here
    assert not dropped.refused and production.project.shots[0].time_of_day == before.shots[0].time_of_day

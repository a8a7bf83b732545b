"""Branches: naming this version, changing it, switching between versions (the reel follows, from takes already
rendered), comparing two, keeping one; in words through the offline director and with the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from probing import frames_rgb
from scripted import small_film, storyreel

from agent.graph import say
from agent.production import Production
from story.branches import branches_of, compare_branches, current_branch


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Production:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    return small_film(tmp_path / "film")  # the offline director from here on


def reel_frames(production: Production) -> list[bytes]:
    cut = production.project.cut
    assert cut is not None
    return frames_rgb(production.folder.root / cut.path)


def test_name_change_switch_back_and_forth_compare_and_keep_in_words(production: Production) -> None:
    main_keys = production.project.cut.shot_keys  # type: ignore[union-attr]
    main_frames = reel_frames(production)

    named = say(production, "call this version noir")
    assert not named.refused, named.reply
    assert current_branch(production.folder) == "noir"
    changed = say(production, "make shot 3 night and shot 1 a close-up")
    assert not changed.refused and changed.rendered == [1, 3]
    noir_keys = production.project.cut.shot_keys  # type: ignore[union-attr]
    noir_frames = reel_frames(production)
    assert noir_keys != main_keys

    back = say(production, "go back to the main version")
    assert not back.refused, back.reply
    assert back.rendered == [], "main's takes are on disk already"
    assert production.project.shots[0].size == "WS" and current_branch(production.folder) == "main"
    assert production.project.cut.shot_keys == main_keys  # type: ignore[union-attr]
    assert reel_frames(production) == main_frames

    again = say(production, "switch to the noir version")
    assert not again.refused and again.rendered == []
    assert production.project.shots[0].size == "CU"
    assert reel_frames(production) == noir_frames

    lines = compare_branches(production.folder, "main", "noir")
    assert "shot 1: size WS -> CU" in lines and any(line.startswith("shot 3: time_of_day") for line in lines)
    said = say(production, "compare noir and main")
    assert "shot 1: size WS -> CU" in said.reply

    kept = say(production, "keep the noir version")
    assert not kept.refused, kept.reply
    assert [b.name for b in branches_of(production.folder)] == ["main"]
    assert production.project.shots[0].size == "CU" and production.project.cut.shot_keys == noir_keys  # type: ignore[union-attr]


def test_an_edit_on_a_branch_moves_only_its_tip_and_undo_steps_back_on_it(production: Production) -> None:
    start = production.project.revision
    say(production, "call this version wide")
    say(production, "make shot 2 a wide shot")
    tips = {b.name: b.tip for b in branches_of(production.folder)}
    assert tips == {"main": start, "wide": start + 1}
    production.undo()
    assert {b.name: b.tip for b in branches_of(production.folder)} == {"main": start, "wide": start}
    stored = json.loads((production.folder.history_dir / "branches.json").read_text())
    assert stored["current"] == "wide" and stored["origins"] == {"wide": "main"}


def test_the_cli_names_lists_switches_and_compares(production: Production) -> None:
    root = production.folder.root
    assert storyreel("branch", root, "Noir Cut").returncode == 0
    assert storyreel("say", root, "make shot 2 a close-up").returncode == 0
    listed = storyreel("branches", root)
    assert listed.returncode == 0, listed.stderr
    assert "  main: r" in listed.stdout and "* noir-cut (from main): r" in listed.stdout
    compared = storyreel("compare", root, "noir-cut")
    assert compared.returncode == 0 and "shot 2: size MS -> CU" in compared.stdout
    switched = storyreel("switch", root, "main")
    assert switched.returncode == 0, switched.stderr
    assert "Switched to 'main'" in switched.stdout and "Reel:" in switched.stdout
    assert production.project.shots[1].size == "MS"
    unknown = storyreel("switch", root, "western")
    assert unknown.returncode == 2 and "main, noir-cut" in unknown.stderr
    taken = storyreel("branch", root, "noir-cut")
    assert taken.returncode == 2 and "already a branch" in taken.stderr

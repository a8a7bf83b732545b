"""Shot labels survive restructuring, as in film practice: a shot put in after shot 2 is 2A, and
numbers change only when the person asks to renumber. Real renders through the offline director:
removing or moving a shot renders no shot again, putting one in renders that one alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from probing import probe
from scripted import ScriptedDirector

from agent.graph import say
from agent.offline import OfflineDirector
from agent.production import Production
from agent.tools import Toolbox
from story import (
    AddShot,
    MoveShot,
    Project,
    RemoveShot,
    RenumberShots,
    SetStyle,
    Shot,
    ShotSize,
    apply,
    parse_project,
)
from story.folder import dump_project
from story.model import label_after, label_at_end

BRIEF = (
    "Nell mends nets on the pier at dawn. A storm gathers over the bay. Her brother's boat is late. "
    "She lights the lamp in the window. The boat comes round the point in the rain."
)


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Production:
    """A brief planned by the offline planner, drawn small, rendered; the offline director from then on."""
    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    plan = [*OfflineDirector().plan(BRIEF), SetStyle(changes={"width": 160, "height": 90, "title_card": False})]
    Production.new(tmp_path / "film", BRIEF, director=ScriptedDirector(story=plan))  # type: ignore[arg-type]
    opened = Production.open(tmp_path / "film", director=OfflineDirector())
    assert len(opened.project.shots) >= 4
    return opened


def labels(project: Project) -> list[str]:
    return [shot.label for shot in project.shots]


def keys(project: Project) -> dict[str, str]:
    """Each shot's take in the reel, by id."""
    return {shot.id: shot.takes[-1].path for shot in project.shots}


def test_a_new_story_is_labelled_1_to_n(production: Production) -> None:
    project = production.project
    assert labels(project) == [str(n) for n in range(1, len(project.shots) + 1)]
    assert json.loads(dump_project(project))["shots"][0]["label"] == "1"  # kept in story.json


def test_deleting_a_middle_shot_renders_no_shot_and_keeps_every_label(production: Production) -> None:
    before = production.project
    result = say(production, "delete shot 2")
    after = production.project
    assert result.rendered == [] and result.failed == {}
    assert labels(after) == [label for label in labels(before) if label != "2"]
    assert len(result.changes) == 1 and result.changes[0].startswith("shot 2: removed")
    assert all(keys(after)[shot.id] == keys(before)[shot.id] for shot in after.shots)
    assert probe(result.reel).frames == after.total_frames()  # type: ignore[arg-type]


def test_moving_a_shot_renders_no_shot(production: Production) -> None:
    before = production.project
    result = say(production, "move shot 4 before shot 2")
    after = production.project
    assert result.rendered == [] and result.failed == {}
    assert labels(after) == ["1", "4", "2", "3", *labels(before)[4:]]
    assert result.changes == ["shot 4 moved after shot 1"]
    assert probe(result.reel).frames == after.total_frames()  # type: ignore[arg-type]


def test_inserting_after_shot_2_renders_only_the_new_shot_2a(production: Production) -> None:
    before = production.project
    result = say(production, "add a shot after 2: a gull lands on the rail")
    after = production.project
    assert labels(after) == ["1", "2", "2A", *labels(before)[2:]]
    assert len(result.rendered) == 1 and after.shots[result.rendered[0] - 1].label == "2A"
    assert result.changes[0].startswith("shot 2A: new")
    # The person names it by the label they see; the next insert after it is 2B.
    result = say(production, "make shot 2a a close-up")
    assert [after.shots[n - 1].label for n in result.rendered] == ["2A"]
    assert production.project.labelled("2A").size == "CU"
    result = say(production, "add a shot after shot 2A: the gull flies off")
    assert labels(production.project)[1:4] == ["2", "2A", "2B"] and len(result.rendered) == 1


def test_renumbering_labels_the_shots_1_to_n_again(production: Production) -> None:
    say(production, "delete shot 1")
    say(production, "add a shot after 3: the lamp flickers")
    assert labels(production.project)[:3] == ["2", "3", "3A"]
    result = say(production, "renumber the shots")
    after = production.project
    assert labels(after) == [str(n) for n in range(1, len(after.shots) + 1)]
    assert "shot 3A is now shot 3" in result.changes
    assert result.failed == {} and probe(result.reel).frames == after.total_frames()  # type: ignore[arg-type]
    assert say(production, "make shot 3 a close-up").rendered == [3]  # labels and places agree again


def test_a_project_2_story_opens_labelled_by_place_and_keeps_its_takes(production: Production) -> None:
    stored = json.loads(dump_project(production.project))
    stored["schema"] = "storyreel.Project.2"
    for shot in stored["shots"]:
        del shot["label"]
    (production.folder.root / "story.json").write_text(json.dumps(stored))
    opened = parse_project((production.folder.root / "story.json").read_bytes())
    assert labels(opened) == [str(n) for n in range(1, len(opened.shots) + 1)]
    assert Production.open(production.folder.root).render().rendered == []  # same render keys as before


def test_the_models_tools_name_a_shot_by_its_label(production: Production) -> None:
    say(production, "add a shot after 2: a gull lands on the rail")
    project = production.project
    outcome = Toolbox(project).call("update_shot", json.dumps({"shot": "2A", "size": "CU"}))
    assert [e.shot_id for e in outcome.edits] == [project.labelled("2A").id]  # type: ignore[union-attr]
    outcome = Toolbox(project).call("renumber_shots", "{}")
    assert labels(apply(project, outcome.edits))[:3] == ["1", "2", "3"]


def test_labels_follow_film_practice() -> None:
    assert label_after("2", {"1", "2", "3"}) == "2A"
    assert label_after("2A", {"1", "2", "2A", "3"}) == "2B"
    assert label_after("2A", {"1", "2", "2A", "2B", "3"}) == "2AA"
    assert label_after(None, {"1", "2"}) == "0A"
    assert label_at_end({"1", "2A", "4"}) == "5"
    shots = [Shot(id=f"s{n}") for n in range(1, 4)]
    project = Project(shots=shots)
    assert labels(project) == ["1", "2", "3"]
    project = apply(project, [AddShot(shot=Shot(id="s4"), position=2), AddShot(shot=Shot(id="s5"), position=1)])
    assert labels(project) == ["0A", "1", "1A", "2", "3"]
    project = apply(
        project, [RemoveShot(shot_id="s2"), MoveShot(shot_id="s3", position=1), AddShot(shot=Shot(id="s6"))]
    )
    assert labels(project) == ["3", "0A", "1", "1A", "4"]
    assert labels(apply(project, RenumberShots())) == ["1", "2", "3", "4", "5"]
    copy = project.shots[0].model_copy(update={"id": "s99"})  # a duplicate takes a label of its own
    assert labels(apply(project, AddShot(shot=copy, position=2)))[:2] == ["3", "3A"]
    twice = Project(shots=[Shot(id="s1", label="3"), Shot(id="s2", label="3"), Shot(id="s3", label="1")])
    assert labels(twice) == ["3", "3A", "1"]  # a label already in use counts as none


def test_the_offline_directors_replies_name_shots_by_label() -> None:
    director = OfflineDirector()
    project = Project(shots=[Shot(id=f"s{n}", action=f"Gulls wheel over the harbour, {n}.") for n in range(1, 5)])

    def said(message: str) -> str:
        nonlocal project
        plan = director.turn(project, message)
        project = apply(project, plan.edits)
        return plan.reply

    assert said("add a shot after 2: a gull lands on the rail") == "Done: new MS shot 2A: a gull lands on the rail."
    assert said("duplicate shot 2a") == "Done: duplicated shot 2A as shot 2B."
    assert said("delete shot 1") == "Done: removed shot 1."
    assert said("make shot 2b a close-up") == "Done: shot 2B: CU."
    assert said("swap shots 3 and 2a") == "Done: swapped shots 2A and 3."
    assert said("move shot 4 before shot 2") == "Done: moved shot 4 to the start."
    assert said("dissolve into shot 3") == "Done: shot 3: dissolve."
    assert said("make shot 1 night") == "There is no shot 1 — the shots are 4, 2, 3, 2B, 2A. Nothing changed."


def test_the_storyboard_and_contact_sheet_name_shots_by_label(production: Production) -> None:
    import dataclasses

    import numpy as np
    import pypdfium2 as pdfium

    from tools.export.contact import LABEL, contact_grid, draw_contact_sheet
    from tools.export.keyframes import shot_keyframes
    from tools.export.storyboard import write_storyboard

    say(production, "add a shot after 2: a gull lands on the rail")
    project = production.project
    frames = shot_keyframes(production.folder, project, width=160)
    board = production.folder.root / "cut" / "board.pdf"
    write_storyboard(project, frames, board)
    with pdfium.PdfDocument(board) as document:
        words = " ".join(page.get_textpage().get_text_bounded() for page in document).split()
    sizes = {size.value for size in ShotSize}
    panels = [word for word, after in zip(words, words[1:], strict=False) if after in sizes]
    assert panels == labels(project) == ["1", "2", "2A", *[str(n) for n in range(3, len(project.shots))]]
    assert f"{labels(project)[0]}–{labels(project)[-1]}" in words  # the board's header: 'shots 1–5'
    # The contact sheet writes each shot's label under its picture: only the labels that are not the
    # shot's place (2A, and every shot after it) read differently from numbering by place.
    by_place = [dataclasses.replace(f, shot=f.shot.model_copy(update={"label": str(f.number)})) for f in frames]
    sheets = [
        np.asarray(draw_contact_sheet(project, keyed).convert("L"), dtype=np.int16) for keyed in (frames, by_place)
    ]
    grid = contact_grid(project, len(frames))
    differs = []
    for index in range(len(frames)):
        x, y = grid.cell(index)
        strip = (slice(y + grid.thumb_h, y + grid.thumb_h + LABEL), slice(x, x + grid.thumb_w))
        differs.append(bool(np.abs(sheets[0][strip] - sheets[1][strip]).max() > 0))
    assert (
        differs
        == [label != str(n) for n, label in enumerate(labels(project), 1)]
        == [False, False, *[True] * (len(frames) - 2)]
    )


# Restructuring renders only what it must, even where the scene places no one ----------------------


@pytest.fixture
def unplaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Production:
    """Six small shots of one scene placing no one: shots 2 and 4 name Mara then Tomas, shot 6 Tomas then Mara,
    so every side they stand on comes from the scene (tools/draw/blocking.py)."""
    from scripted import small_story

    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    story = small_story(width=160, height=90, shots=6, title_card=False)
    shots = [*story.shots[:5], story.shots[5].model_copy(update={"characters": ["tomas", "mara"]})]
    director = ScriptedDirector(story=[story.model_copy(update={"shots": shots})])
    Production.new(tmp_path / "film", "A keeper waits.", director=director)  # type: ignore[arg-type]
    opened = Production.open(tmp_path / "film", director=OfflineDirector())
    assert all(not shot.positions for shot in opened.project.shots)
    return opened


def test_moving_a_shot_that_names_people_the_other_way_renders_no_shot(unplaced: Production) -> None:
    before = unplaced.project
    result = unplaced.apply([MoveShot(shot_id="s6", position=1)], message="move shot 6 to the start")
    assert result.rendered == [] and result.failed == {}
    assert all(keys(unplaced.project)[shot.id] == keys(before)[shot.id] for shot in before.shots)


def test_deleting_the_shot_that_first_showed_a_pair_renders_no_shot(unplaced: Production) -> None:
    result = unplaced.apply([RemoveShot(shot_id="s2")], message="delete shot 2")
    assert result.rendered == [] and result.failed == {}


def test_inserting_a_shot_that_names_people_the_other_way_renders_that_shot_alone(unplaced: Production) -> None:
    new = Shot(id="s7", action="Tomas and Mara argue.", characters=["tomas", "mara"], location="harbour")
    result = unplaced.apply([AddShot(shot=new, position=2)], message="add a shot after 1")
    project = unplaced.project
    assert [project.shots[n - 1].label for n in result.rendered] == ["1A"]
    assert labels(project) == ["1", "1A", "2", "3", "4", "5", "6"]


def test_putting_a_shot_in_after_2_when_2a_is_there_makes_it_2b_after_2a(production: Production) -> None:
    say(production, "add a shot after 2: a gull lands on the rail")
    result = say(production, "add a shot after shot 2: the gull flies off")
    assert labels(production.project)[:5] == ["1", "2", "2A", "2B", "3"]
    assert [production.project.shots[n - 1].label for n in result.rendered] == ["2B"]
    assert production.project.labelled("2B").action.startswith("the gull flies off")
    say(production, "add a shot after 2A: a wave breaks")  # 2B is taken: the one between 2A and 2B is 2AA
    say(production, "duplicate shot 2")  # after 2 and every shot put in after it
    assert labels(production.project)[:7] == ["1", "2", "2A", "2AA", "2B", "2C", "3"]


def test_the_beat_report_and_the_models_scene_summary_name_shots_by_label() -> None:
    from agent.prompt import shot_list
    from story import Music
    from tools.edit.retime import retime_to_beats

    shots = [Shot(id=f"s{n}", label=label, duration_frames=48) for n, label in enumerate(["2", "2A", "3"], 1)]
    project = Project(
        shots=shots, music=Music(path="media/music/bed.wav", seconds=30.0, beats=[0.5 * n for n in range(60)])
    )
    report = retime_to_beats(project).report(project.fps)
    assert [line.split(":")[0] for line in report] == ["shot 2", "shot 2A", "shot 3"]
    summary = shot_list(project, limit=2)
    assert "scene 1: shots 2-3," in summary and "by label" in summary


def test_a_take_that_is_not_there_points_to_the_takes_command_by_label() -> None:
    project = Project(shots=[Shot(id="s1", label="2"), Shot(id="s2", label="2A")])
    plan = OfflineDirector().turn(project, "use take 4 of shot 2A")
    assert "(`storyreel takes DIR 2A`)" in plan.reply and not plan.edits

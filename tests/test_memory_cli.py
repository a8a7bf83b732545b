"""Memory as a person meets it: wired into every turn, and its commands (`memory`, `remember`,
`check`, `memory-rebuild`), run as real subprocesses on a real chromadb store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from story import DialogueLine, Project, ProjectFolder, ShotChanges, UpdateShot, apply

STORYREEL = [sys.executable, "-m", "ui.cli"]
REPO = Path(__file__).resolve().parent.parent


def run(*args: str | Path, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*STORYREEL, *map(str, args)], capture_output=True, text=True, cwd=REPO, env=os.environ | {"COLUMNS": "200"}
    )
    assert done.returncode == code, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def story(directory: Path) -> dict:
    return json.loads((directory / "story.json").read_text())


def recall(directory: Path, query: str, *extra: str) -> list[dict]:
    return json.loads(run("memory", directory, query, "--json", *extra).stdout)


def take_paths(data: dict) -> dict[str, list[str]]:
    return {shot["id"]: [take["path"] for take in shot["takes"]] for shot in data["shots"]}


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("memory-cli") / "film"
    run("new", directory, "--example")
    return directory


@pytest.mark.slow
def test_a_new_project_is_remembered_when_first_asked(film: Path) -> None:
    assert not (film / "memory").exists()  # `new` did not wait for the embedding model
    hits = recall(film, "the harbourmaster", "--kind", "character", "-k", "1")
    assert [hit["ref"] for hit in hits] == ["tomas"]
    assert (film / "memory").is_dir()


@pytest.mark.slow
def test_red_coat_is_recalled_as_crimson_and_only_maras_shots_render_again(film: Path) -> None:
    before = story(film)
    run("say", film, "Mara wears a red coat")
    after = story(film)

    with_mara = {shot["id"] for shot in after["shots"] if "mara" in shot["characters"]}
    assert with_mara and len(with_mara) < len(after["shots"])
    old, new = take_paths(before), take_paths(after)
    rendered = {shot_id for shot_id in new if new[shot_id] != old[shot_id]}
    assert rendered == with_mara

    hits = recall(film, "the woman in crimson")
    assert hits[0]["kind"] == "character" and hits[0]["ref"] == "mara", hits
    assert "red coat" in hits[0]["text"]

    # Undo keeps memory true to the project: the coat is yellow again.
    run("undo", film)
    mara = recall(film, "Mara", "--kind", "character", "-k", "1")[0]
    assert "yellow" in mara["text"] and "red coat" not in mara["text"]
    run("redo", film)
    mara = recall(film, "Mara", "--kind", "character", "-k", "1")[0]
    assert "red coat" in mara["text"]


@pytest.mark.slow
def test_a_lost_memory_is_rebuilt_with_the_same_answers(film: Path) -> None:
    run("remember", film, "we agreed the ending is at dawn")
    queries = ["the woman in crimson", "the seaside where boats tie up", "when does the film end"]
    before = [recall(film, q) for q in queries]
    assert before[2][0]["kind"] == "decision"

    shutil.rmtree(film / "memory")
    done = run("memory-rebuild", film)
    assert "Memory rebuilt" in done.stdout
    after = [recall(film, q) for q in queries]
    assert [[(h["id"], round(h["score"], 3)) for h in hits] for hits in after] == [
        [(h["id"], round(h["score"], 3)) for h in hits] for hits in before
    ]


@pytest.mark.slow
def test_a_corrupt_memory_is_rebuilt_on_the_next_turn_and_the_person_is_told(film: Path) -> None:
    shutil.rmtree(film / "memory")
    (film / "memory").write_text("not a database")
    done = run("memory", film, "Tomas", "--kind", "character", "--json")
    assert "rebuilt it from story.json" in done.stderr
    assert json.loads(done.stdout)[0]["ref"] == "tomas"


def test_check_lists_planted_problems_by_shot_number(tmp_path: Path) -> None:
    from scripted import small_story

    planted = small_story(shots=3)
    # Shot 3 holds only Mara, yet Tomas speaks in it.
    line = DialogueLine(speaker="tomas", text="Who goes there?")
    shots = [*planted.shots[:2], planted.shots[2].model_copy(update={"dialogue": [line]})]
    planted = planted.model_copy(update={"shots": shots})
    folder = ProjectFolder.create(tmp_path / "film", apply(Project(), [planted]), message="planted")
    done = run("check", folder.root, code=3)
    assert "shot 3: Tomas speaks but is not in the shot" in done.stdout

    fix = UpdateShot(shot_id="s3", changes=ShotChanges(characters=["mara", "tomas"]))
    folder.commit([fix], message="Tomas stands in shot 3")
    done = run("check", folder.root)
    assert "No continuity problems in 3 shots" in done.stdout


def test_memory_commands_reject_bad_input_with_one_line(tmp_path: Path) -> None:
    done = run("memory", tmp_path, "anything", code=2)
    assert "Traceback" not in done.stderr and "error" in done.stderr


def test_the_offline_director_finds_a_character_by_description_through_memory(tmp_path: Path) -> None:
    from scripted import small_story

    from agent.graph import say
    from agent.production import Production

    folder = ProjectFolder.create(tmp_path / "film", apply(Project(), [small_story(shots=2)]), message="small")
    production = Production(folder)
    try:
        production.render()
        result = say(production, "the fisherman with the grey beard wears a blue cap")
        tomas = production.project.character("tomas")
        mara = production.project.character("mara")
    finally:
        production.close()
    assert tomas.traits.get("cap") == "blue", result.reply
    assert "cap" not in mara.traits

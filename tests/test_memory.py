"""Project memory on real chromadb and the real shipped model: recall, sync, rebuild, persistence,
preferences, and no network."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from memory import DATA_DIR_ENV, MemoryCorrupt, PreferenceStore, ProjectMemory, canonical_text
from story import (
    Bible,
    Character,
    CharacterChanges,
    DialogueLine,
    Location,
    Project,
    ProjectFolder,
    RemoveShot,
    ReplaceStory,
    Shot,
    ShotChanges,
    Style,
    UpdateCharacter,
    UpdateShot,
)

REPO = Path(__file__).resolve().parent.parent

CAST = [
    Character(
        id="mara",
        name="Mara",
        traits={"coat": "red", "hair": "black"},
        description="a young woman in a long red coat, black hair tied back; the lighthouse keeper's daughter",
    ),
    Character(
        id="tomas",
        name="Tomas",
        traits={"beard": "grey"},
        description="an old fisherman with a grey beard and a weathered face, in yellow oilskins",
    ),
    Character(id="ines", name="Ines", description="a little girl of eight in a yellow raincoat, always flying a kite"),
    Character(
        id="arlo", name="Arlo", description="a tall doctor in a white lab coat with round glasses and a stethoscope"
    ),
    Character(id="wren", name="Wren", description="a scruffy stray dog, black with one white ear"),
    Character(
        id="oskar", name="Oskar", description="a teenage boy on a bicycle, wearing a green hoodie and headphones"
    ),
]
PLACES = [
    Location(
        id="harbour",
        name="the harbour",
        description="stone quays, moored fishing boats, gulls, the sea beyond the breakwater",
    ),
    Location(
        id="lighthouse", name="the lighthouse", description="a white tower on the cliff with a lamp room at the top"
    ),
    Location(
        id="kitchen",
        name="the kitchen",
        interior=True,
        description="a small warm kitchen with a wood stove and a table by the window",
    ),
    Location(
        id="market", name="the fish market", description="covered stalls, crates of fish on ice, shouting traders"
    ),
    Location(
        id="ward",
        name="the hospital ward",
        interior=True,
        description="rows of beds, fluorescent lights, a nurses' station",
    ),
    Location(id="forest", name="the pine forest", description="tall dark pines, a mossy path, fog between the trunks"),
    Location(
        id="station",
        name="the train station",
        description="platforms under a glass roof, a big clock, a departing train",
    ),
]
DECISION = "we agreed the ending is at dawn, on the breakwater"

# Paraphrases that avoid the names and, mostly, the words of the descriptions.
QUERIES: list[tuple[str, str, str | None]] = [
    ("the woman in crimson", "character", "mara"),
    ("the lady with the scarlet jacket", "character", "mara"),
    ("the keeper's girl", "character", "mara"),
    ("the old sailor", "character", "tomas"),
    ("the bearded fisherman", "character", "tomas"),
    ("the elderly man who fishes", "character", "tomas"),
    ("the small child with the kite", "character", "ines"),
    ("the kid in the yellow rain jacket", "character", "ines"),
    ("the physician with spectacles", "character", "arlo"),
    ("the man in the lab coat", "character", "arlo"),
    ("the medic", "character", "arlo"),
    ("the stray pup", "character", "wren"),
    ("the black hound", "character", "wren"),
    ("the boy on the bike", "character", "oskar"),
    ("the teenager with earphones", "character", "oskar"),
    ("the lad in the green sweatshirt", "character", "oskar"),
    ("the seaside", "location", "harbour"),
    ("the docks where the boats are tied up", "location", "harbour"),
    ("the port", "location", "harbour"),
    ("the tower with the lamp on the cliff", "location", "lighthouse"),
    ("the beacon on the headland", "location", "lighthouse"),
    ("the cosy room with the stove", "location", "kitchen"),
    ("where they cook dinner", "location", "kitchen"),
    ("the fishmongers' stalls", "location", "market"),
    ("the seafood market", "location", "market"),
    ("the clinic with the beds", "location", "ward"),
    ("the sick room at the hospital", "location", "ward"),
    ("the woods", "location", "forest"),
    ("among the misty trees", "location", "forest"),
    ("the railway platform", "location", "station"),
    ("where the trains leave from", "location", "station"),
    ("the drawing style of the film", "style", "look"),
    ("when does the story end", "decision", None),
]
UNRELATED = ["quarterly tax returns", "the stock exchange crash", "a spaceship engine"]


def fixture_story() -> ReplaceStory:
    shots = [
        Shot(
            id="s1",
            action="Gulls wheel over the quay at first light",
            location="harbour",
            time_of_day="dawn",
            size="EWS",
        ),
        Shot(
            id="s2",
            action="Mara walks along the quay, her coat snapping in the wind",
            characters=["mara"],
            location="harbour",
            time_of_day="dawn",
            positions={"mara": 0.4},
        ),
        Shot(
            id="s3",
            action="Tomas mends a net on his boat",
            characters=["tomas"],
            location="harbour",
            time_of_day="dawn",
        ),
        Shot(
            id="s4",
            action="Mara and Tomas argue about the storm",
            characters=["mara", "tomas"],
            location="harbour",
            time_of_day="dawn",
            positions={"mara": 0.3, "tomas": 0.7},
            dialogue=[DialogueLine(speaker="tomas", text="No boat goes out today.")],
        ),
        Shot(id="s5", scene=2, action="Wren runs between the pines", characters=["wren"], location="forest"),
        Shot(
            id="s6",
            scene=3,
            action="Arlo checks the chart at a bedside",
            characters=["arlo"],
            location="ward",
            time_of_day="night",
        ),
    ]
    return ReplaceStory(
        bible=Bible(title="Harbour Light", tone="quiet, hopeful", genre="drama"),
        style=Style(look=["storyboard", "pencil", "flat colour"]),
        characters=CAST,
        locations=PLACES,
        shots=shots,
    )


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own global data folder, never the real home."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def film(tmp_path: Path) -> tuple[ProjectFolder, Project]:
    folder = ProjectFolder.create(tmp_path / "film", Project())
    project, _ = folder.commit([fixture_story()], "plan")
    return folder, project


def open_memory(folder: ProjectFolder, project: Project) -> ProjectMemory:
    memory = ProjectMemory(folder.root)
    memory.sync(project)
    return memory


def snapshot(memory: ProjectMemory, queries: list[str]) -> list[list[tuple[str, float]]]:
    return [[(h.id, round(h.score, 4)) for h in memory.recall(q, k=3)] for q in queries]


# Recall -----------------------------------------------------------------------------------


def test_semantic_recall_top1_accuracy(film: tuple[ProjectFolder, Project]) -> None:
    folder, project = film
    with open_memory(folder, project) as memory:
        memory.remember(DECISION)
        memory.remember("no music until the last scene")
        within_kind = across_kinds = 0
        misses = []
        for query, kind, ref in QUERIES:
            best = memory.recall(query, kinds=[kind], k=1)[0]
            overall = memory.recall(query, k=1)[0]
            right_kind = best.kind == kind and (ref is None or best.ref == ref)
            within_kind += right_kind
            across_kinds += overall.kind == kind and (ref is None or overall.ref == ref)
            if not right_kind:
                misses.append((query, best.id, round(best.score, 2)))
    accuracy, overall_accuracy = within_kind / len(QUERIES), across_kinds / len(QUERIES)
    print(
        f"\nrecall top-1 over {len(QUERIES)} paraphrases: {accuracy:.3f} within the asked kind, "
        f"{overall_accuracy:.3f} across all kinds; misses: {misses}"
    )
    # Measured: 1.00 within the kind and 1.00 across all kinds since recall also weighs words
    # (0.97 across kinds on meaning alone: one place query landed on a shot set there). The
    # director resolves references within a kind, so that is the figure held
    # high: 0.90 allows three misses in 33, room for a model or wording change to cost a hard
    # paraphrase or two, while a broken embedding (or chromadb's downloading default, or
    # l2 instead of cosine) falls far below it. Across kinds shots legitimately compete with
    # their own places, so the bar is lower.
    assert accuracy >= 0.90, misses
    assert overall_accuracy >= 0.80


def test_resolve_character_and_location(film: tuple[ProjectFolder, Project]) -> None:
    folder, project = film
    with open_memory(folder, project) as memory:
        assert memory.resolve_character("the girl in the red coat", project) == "mara"
        assert memory.resolve_character("the old sailor", project) == "tomas"
        assert memory.resolve_character("Ines", project) == "ines"  # a name said outright
        assert memory.resolve_location("the harbour", project) == "harbour"
        assert memory.resolve_location("the seaside", project) == "harbour"
        assert memory.resolve_location("pine forest", project) == "forest"
        for phrase in UNRELATED:
            assert memory.resolve_character(phrase, project) is None, phrase
        assert memory.resolve_location("quarterly tax returns", project) is None


def test_recall_filters_by_metadata_and_kind(film: tuple[ProjectFolder, Project]) -> None:
    folder, project = film
    with open_memory(folder, project) as memory:
        hits = memory.recall("an argument", kinds=["shot"], k=10, where={"characters": {"$contains": "tomas"}})
        assert {h.ref for h in hits} == {"s3", "s4"}
        assert all(0.0 <= h.score <= 1.0 for h in hits)
        assert [h.kind for h in memory.recall("night", kinds=["shot"], where={"time_of_day": "night"})] == ["shot"]
        scene_two = memory.recall("a dog", kinds=["shot"], where={"scene": 2})
        assert [h.metadata["number"] for h in scene_two] == [5]
        with pytest.raises(ValueError, match="unknown memory kind 'people'"):
            memory.recall("x", kinds=["people"])
        with pytest.raises(ValueError, match="query is empty"):
            memory.recall("   ")


def test_canonical_description_is_the_stored_text(film: tuple[ProjectFolder, Project]) -> None:
    folder, project = film
    with open_memory(folder, project) as memory:
        text = memory.canonical_description(project, "mara")
        assert text == canonical_text(project, "mara") == memory.store.get("character")["character:mara"][0]
        assert "red coat" in text and text.startswith("Mara")
        with pytest.raises(KeyError, match="no character with id 'nobody'"):
            memory.canonical_description(project, "nobody")


# Sync -------------------------------------------------------------------------------------


def test_sync_is_idempotent_and_embeds_only_what_changed(film: tuple[ProjectFolder, Project]) -> None:
    folder, project = film
    memory = ProjectMemory(folder.root)
    first = memory.sync(project)
    assert first.embedded == len(CAST) + len(PLACES) + 1 + len(project.shots)
    assert not memory.sync(project), "a second sync of the same project must change nothing"
    # Moving a shot renumbers others: their metadata changes, their text (and embedding) does not.
    from story import MoveShot

    moved, _ = folder.commit([MoveShot(shot_id="s6", position=1)])
    report = memory.sync(moved)
    assert report.embedded == 0 and set(report.relabelled) == {f"shot:s{n}" for n in range(1, 7)}
    assert memory.store.get("shot", ["shot:s6"])["shot:s6"][1]["number"] == 1
    changed, _ = folder.commit([UpdateShot(shot_id="s2", changes=ShotChanges(characters=[], positions={}))])
    report = memory.sync(changed)
    assert report.changed == ["shot:s2"] and report.embedded == 1
    assert "characters" not in memory.store.get("shot", ["shot:s2"])["shot:s2"][1]
    memory.close()


def mara_in_crimson(memory: ProjectMemory) -> tuple[str, float, str]:
    """The best character for "the woman in crimson", and Mara's score and stored text for it."""
    hits = memory.recall("the woman in crimson", kinds=["character"], k=len(CAST))
    mara = next(h for h in hits if h.ref == "mara")
    return hits[0].ref, round(mara.score, 4), mara.text


def test_sync_follows_edit_undo_and_redo(film: tuple[ProjectFolder, Project]) -> None:
    folder, project = film
    plain = [
        c if c.id != "mara" else c.model_copy(update={"description": "a young woman in a blue coat", "traits": {}})
        for c in CAST
    ]
    project, _ = folder.commit([fixture_story().model_copy(update={"characters": plain})])
    memory = open_memory(folder, project)
    _, blue_score, blue_text = mara_in_crimson(memory)

    edited, _ = folder.commit(
        [
            UpdateCharacter(
                character_id="mara",
                changes=CharacterChanges(description="a young woman in a red coat", traits={"coat": "red"}),
            ),
            RemoveShot(shot_id="s3"),
        ]
    )
    memory.sync(edited)
    best, red_score, red_text = mara_in_crimson(memory)
    assert best == "mara" and red_score > blue_score and "red coat" in red_text
    assert "shot:s3" not in memory.store.get("shot")
    memory.remember(DECISION, revision=edited.revision)

    undone, _ = folder.undo()
    report = memory.sync(undone)
    assert report.changed == ["character:mara"] and report.added == ["shot:s3"]
    assert mara_in_crimson(memory)[1:] == (blue_score, blue_text)
    assert memory.canonical_description(undone, "mara") == canonical_text(undone, "mara") == blue_text
    assert [h.text for h in memory.recall("the ending", kinds=["decision"])] == [DECISION], "decisions outlive undo"

    redone, _ = folder.redo()
    memory.sync(redone)
    assert mara_in_crimson(memory) == (best, red_score, red_text)
    assert "shot:s3" not in memory.store.get("shot")
    assert memory.store.get("character")["character:mara"][1]["revision"] == redone.revision
    memory.close()


def test_rebuild_after_the_folder_is_lost_gives_the_same_recall(film: tuple[ProjectFolder, Project]) -> None:
    folder, project = film
    queries = [q for q, _, _ in QUERIES[::4]]
    memory = open_memory(folder, project)
    memory.remember(DECISION)
    expected = snapshot(memory, queries)
    memory.close()

    shutil.rmtree(folder.root / "memory")
    rebuilt = ProjectMemory.recover(folder.root, folder.load())
    assert snapshot(rebuilt, queries) == expected
    assert rebuilt.rebuild(folder.load()).embedded == rebuilt.count()
    assert snapshot(rebuilt, queries) == expected
    rebuilt.close()


def test_a_corrupt_store_says_so_and_rebuild_recovers_it(film: tuple[ProjectFolder, Project]) -> None:
    folder, project = film
    memory = open_memory(folder, project)
    expected = snapshot(memory, ["the old sailor"])
    memory.close()
    (folder.root / "memory" / "chroma.sqlite3").write_bytes(b"not a database" * 100)

    with pytest.raises(MemoryCorrupt, match="memory store .* is unreadable .* rebuild"):
        ProjectMemory(folder.root)
    recovered = ProjectMemory.recover(folder.root, project)
    assert snapshot(recovered, ["the old sailor"]) == expected
    assert any(p.name.startswith("memory.corrupt-") for p in folder.root.iterdir()), "the damaged store is kept aside"
    recovered.close()


# Preferences ------------------------------------------------------------------------------


def test_preferences_are_shared_between_projects(tmp_path: Path, data_dir: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    with ProjectMemory(one) as memory:
        hit = memory.remember("I like handheld camera and warm light", kind="preference")
        assert hit.id.startswith("preference:")
        memory.remember("I like handheld camera and warm light", kind="preference")  # same words: one memory
    assert (data_dir / "preferences.jsonl").exists()
    with ProjectMemory(two) as memory:
        found = memory.recall("what kind of camerawork does the person like", kinds=["preference"])
        assert [h.text for h in found] == ["I like handheld camera and warm light"]
        assert memory.recall("camerawork") == [], "preferences come back only when asked for"
    store = PreferenceStore()
    shutil.rmtree(data_dir / "preferences")
    assert store.rebuild() == 1 and len(store.notes()) == 1
    assert store.forget(hit.id) and store.notes() == []
    store.close()
    with pytest.raises(ValueError, match="`kind` must be 'decision' or 'preference'"):
        ProjectMemory(one).remember("Mara is tall", kind="character")


# Across processes, and no network ---------------------------------------------------------

GUARD = textwrap.dedent(
    """
    import json, socket, sys
    from pathlib import Path
    LOCAL = ("127.0.0.1", "::1", "localhost")
    seen = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(self, address):
        seen.append(repr(address))
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in LOCAL:
            raise OSError(f"network use refused in test: {address!r}")
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        seen.append(f"dns:{host}")
        if host not in LOCAL and host is not None:
            raise OSError(f"name lookup refused in test: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo
    sys.path.insert(0, str(Path(sys.argv[1])))
    import test_memory as fixture
    from story import ProjectFolder, Project
    from memory import ProjectMemory
    root = Path(sys.argv[2])
    out = {}
    if sys.argv[3] == "write":
        folder = ProjectFolder.create(root, Project())
        project, _ = folder.commit([fixture.fixture_story()])
        memory = ProjectMemory(root)
        memory.sync(project)
        memory.remember(fixture.DECISION)
    else:
        memory = ProjectMemory(root)
    queries = ("the woman in crimson", "the ending")
    out["recall"] = [[h.id, round(h.score, 4)] for q in queries for h in memory.recall(q, k=2)]
    out["count"] = memory.count()
    memory.close()
    out["connections"] = seen
    print(json.dumps(out))
    """
)


def run_guarded(tmp_path: Path, root: Path, mode: str) -> dict:
    script = tmp_path / "guarded.py"
    script.write_text(GUARD)
    done = subprocess.run(
        [sys.executable, str(script), str(Path(__file__).parent), str(root), mode],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_memory_persists_across_processes_without_network(tmp_path: Path) -> None:
    root = tmp_path / "film"
    written = run_guarded(tmp_path, root, "write")
    read = run_guarded(tmp_path, root, "read")
    assert read["recall"] == written["recall"] and read["count"] == written["count"]
    assert written["recall"][0][0] == "character:mara"
    assert any(memory_id.startswith("decision:") for memory_id, _ in read["recall"])
    for run in (written, read):
        # Loading the model, syncing and recalling may touch nothing off this machine.
        outside = [c for c in run["connections"] if "127.0.0.1" not in c and "::1" not in c and "localhost" not in c]
        assert outside == [], outside


def test_no_socket_leaves_the_machine_in_process(
    film: tuple[ProjectFolder, Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    destinations: list[object] = []
    real_connect = socket.socket.connect

    def recording_connect(self: socket.socket, address: object) -> None:
        destinations.append(address)
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    folder, project = film
    with open_memory(folder, project) as memory:
        memory.recall("the woman in crimson")
        memory.remember("I like warm light", kind="preference")
        memory.recall("light", kinds=["preference", "decision"])
    remote = [
        d
        for d in destinations
        if not (isinstance(d, tuple) and d[0] in ("127.0.0.1", "::1")) and not isinstance(d, (str, bytes))
    ]
    assert remote == []


def test_importing_memory_loads_no_heavy_library() -> None:
    heavy = "('chromadb', 'torch', 'sentence_transformers')"
    code = f"import sys, memory; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr

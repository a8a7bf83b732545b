"""A project's memory: its characters, locations, style, shots and decisions in chromadb, kept
true to the project by `sync` after every revision, undo and redo.

On disk, inside the project folder: `memory/` is the chromadb store (an index that `rebuild`
recreates), and `decisions.jsonl` is the durable list of decisions the person made, which
the index is rebuilt from together with story.json.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memory.chroma import ChromaStore, Hit, MemoryCorrupt, discard_store, note_id
from memory.documents import DERIVED_KINDS, PROJECT_KINDS, Memo, canonical_text, content_hash, project_memos
from memory.journal import Note, NoteJournal, clean_note, new_note
from memory.preferences import PreferenceStore
from memory.ranking import fuse
from story import Project

MEMORY_DIR = "memory"
DECISIONS_FILE = "decisions.jsonl"
RECALL_KINDS = (*PROJECT_KINDS, "preference")
MAX_K = 100

RESOLVE_THRESHOLD = 0.27
"""Lowest recall score at which a phrase is taken to mean a character or place. On the test
fixture, paraphrases that share no word with the description score 0.29 and up against the
right one, and more once their words count ("the woman in crimson" for a red coat: 0.72);
phrases about nothing in the story share no word with it, so they keep their embedding score:
up to 0.17 against characters and 0.26 against places. tests/test_memory.py measures both."""

CANDIDATE_POOLS = {"character": 12, "location": 12}
"""How many characters and places, nearest in meaning, recall re-ranks by their words (at least
`k`). The one who is meant sits in the embedding's top few even when a decoy outranks them ("the
woman in crimson": Mara third of three). Each extra candidate is fetched from chromadb, which
costs: at 10,000 memories (python -m evals.bench_memory's store, embedding left out) an
all-kinds recall took 8.3 ms at p50 with no pool, 9.6 ms with these, 10.6 ms with 16 for every
kind. Shots, decisions and preferences, asked for by topic more than by one telling word, are
re-ranked within the `k` found."""

_BOOKKEEPING = ("kind", "hash", "revision")


@dataclass(frozen=True)
class SyncReport:
    """What one sync changed, by memory id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    relabelled: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def embedded(self) -> int:
        """How many texts were embedded (added or changed); relabelled ones only got new metadata."""
        return len(self.added) + len(self.changed)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.relabelled or self.removed)


class ProjectMemory:
    """The vector memory of one project folder."""

    def __init__(self, project_root: Path, *, preferences: PreferenceStore | None = None) -> None:
        """Open (or start) the memory of a project; an unreadable store raises `MemoryCorrupt`."""
        self.root = Path(project_root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"project folder {self.root} does not exist")
        self.journal = NoteJournal(self.root / DECISIONS_FILE)
        self.store = ChromaStore(self.root / MEMORY_DIR, PROJECT_KINDS)
        self._preferences = preferences

    @classmethod
    def recover(cls, project_root: Path, project: Project, **options: Any) -> ProjectMemory:
        """Rebuild the memory from the project and the decisions journal, whatever state the store
        is in (lost, corrupt or fine); an unreadable store is set aside, not deleted."""
        discard_store(Path(project_root) / MEMORY_DIR)
        memory = cls(project_root, **options)
        memory.sync(project)
        return memory

    @property
    def preferences(self) -> PreferenceStore:
        """The person's cross-project preferences (opened on first use)."""
        if self._preferences is None:
            self._preferences = PreferenceStore()
        return self._preferences

    def __enter__(self) -> ProjectMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the store's files."""
        self.store.close()
        if self._preferences is not None:
            self._preferences.close()

    # Keeping memory true to the project ---------------------------------------------------

    def sync(self, project: Project) -> SyncReport:
        """Make memory match the project: embed what is new or changed (batched), relabel what
        only moved, delete what the project no longer has. Decisions are never deleted here.
        Idempotent: a second sync of the same project changes nothing."""
        report = SyncReport()
        wanted: dict[str, list[Memo]] = {kind: [] for kind in DERIVED_KINDS}
        for memo in project_memos(project):
            wanted[memo.kind].append(memo)
        for kind, memos in wanted.items():
            self._sync_kind(kind, memos, project.revision, report)
        self._index_missing_decisions(report)
        return report

    def rebuild(self, project: Project) -> SyncReport:
        """Drop the store and recreate it from the project and the decisions journal."""
        self.store.close()
        discard_store(self.store.path)
        self.store = ChromaStore(self.store.path, PROJECT_KINDS)
        return self.sync(project)

    def _sync_kind(self, kind: str, memos: list[Memo], revision: int, report: SyncReport) -> None:
        stored = self.store.get(kind)
        to_embed: list[Memo] = []
        relabel: list[tuple[str, dict[str, Any]]] = []
        for memo in memos:
            metadata = {**memo.metadata, "kind": kind, "hash": memo.content_hash, "revision": revision}
            old = stored.get(memo.id)
            if old is None or old[1].get("hash") != memo.content_hash:
                to_embed.append(Memo(memo.id, kind, memo.text, _with_removals(metadata, old)))
                (report.added if old is None else report.changed).append(memo.id)
            elif _visible(old[1]) != _visible(metadata):
                # Same text, so the embedding stands; only the metadata (a shot's number) moved.
                metadata["revision"] = old[1].get("revision", revision)
                relabel.append((memo.id, _with_removals(metadata, old)))
                report.relabelled.append(memo.id)
        collection = self.store.collection(kind)
        if to_embed:
            collection.upsert(
                ids=[m.id for m in to_embed],
                documents=[m.text for m in to_embed],
                metadatas=[m.metadata for m in to_embed],
            )
        if relabel:
            collection.update(ids=[i for i, _ in relabel], metadatas=[m for _, m in relabel])
        gone = sorted(set(stored) - {m.id for m in memos})
        if gone:
            collection.delete(ids=gone)
            report.removed.extend(gone)

    def _index_missing_decisions(self, report: SyncReport) -> None:
        notes = self.journal.read()
        if not notes:
            return
        stored = self.store.get("decision", [n.id for n in notes])
        missing = [n for n in notes if n.id not in stored]
        if missing:
            self._index_notes(missing)
            report.added.extend(n.id for n in missing)

    def _index_notes(self, notes: list[Note]) -> None:
        self.store.collection("decision").upsert(
            ids=[n.id for n in notes],
            documents=[n.text for n in notes],
            metadatas=[
                {"kind": "decision", "hash": content_hash(n.text), "revision": n.revision, "created": n.created}
                for n in notes
            ],
        )

    # Remembering --------------------------------------------------------------------------

    def remember(self, note: str, kind: str = "decision", *, revision: int = 0) -> Hit:
        """Keep a decision in this project ("the ending is at dawn") or, with kind="preference",
        a taste of the person's across projects ("I like handheld, warm light")."""
        if kind == "preference":
            return self.preferences.remember(note)
        if kind != "decision":
            raise ValueError(
                f"`kind` must be 'decision' or 'preference' but is {kind!r}; the other kinds "
                "come from the project itself"
            )
        text = clean_note(note)
        entry = new_note(note_id("decision", text), "decision", text, revision)
        if entry.id not in {n.id for n in self.journal.read()}:
            self.journal.append(entry)
        self._index_notes([entry])
        return Hit(entry.id, "decision", text, 1.0, {"kind": "decision", "revision": revision})

    def forget(self, memory_id: str) -> bool:
        """Drop a decision or preference by id; True when there was one."""
        if memory_id.startswith("preference:"):
            return self.preferences.forget(memory_id)
        if not memory_id.startswith("decision:"):
            raise ValueError(
                f"only decisions and preferences can be forgotten, not {memory_id!r}; the rest follows the project"
            )
        removed = self.journal.remove(memory_id)
        self.store.collection("decision").delete(ids=[memory_id])
        return removed

    def decisions(self) -> list[Hit]:
        """Every decision remembered in this project, oldest first."""
        return [
            Hit(n.id, "decision", n.text, 1.0, {"kind": "decision", "revision": n.revision})
            for n in self.journal.read()
        ]

    # Recalling ----------------------------------------------------------------------------

    def recall(
        self, query: str, kinds: Iterable[str] | None = None, k: int = 5, where: dict[str, Any] | None = None
    ) -> list[Hit]:
        """The `k` memories that best match the query, best first, optionally only of some kinds
        ("character", "location", "style", "decision", "shot", "preference") and matching a
        chromadb metadata filter (e.g. {"characters": {"$contains": "mara"}}). Without `kinds`,
        every project kind (preferences only when asked for).

        Each kind's nearest in meaning are re-ranked by their words and by agreeing on who a
        character is (memory.ranking), so "the woman in crimson" finds the one in the red coat."""
        from memory.embedding import embed

        if not query or not query.strip():
            raise ValueError("the query is empty; say what to look for")
        if not 1 <= k <= MAX_K:
            raise ValueError(f"`k` must be between 1 and {MAX_K} but is {k}")
        chosen = PROJECT_KINDS if kinds is None else tuple(dict.fromkeys(kinds))
        unknown = [kind for kind in chosen if kind not in RECALL_KINDS]
        if unknown:
            raise ValueError(f"unknown memory kind {unknown[0]!r}; known: {', '.join(RECALL_KINDS)}")
        query = query[:2_000]
        vector = embed([query])[0]
        hits: list[Hit] = []
        for kind in chosen:
            pool = max(k, CANDIDATE_POOLS.get(kind, k))
            if kind != "preference":
                hits += fuse(query, self.store.query_kind(vector, kind, pool, where))
            elif where is None:
                hits += fuse(query, self.preferences.recall_vector(vector, pool))
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits[:k]

    def resolve_character(self, phrase: str, project: Project, threshold: float = RESOLVE_THRESHOLD) -> str | None:
        """The id of the character a phrase means ("the girl in the red coat" -> "mara"), or None
        when nobody fits well enough."""
        return self._resolve(phrase, "character", {c.id: c.name for c in project.characters}, threshold)

    def resolve_location(self, phrase: str, project: Project, threshold: float = RESOLVE_THRESHOLD) -> str | None:
        """The id of the place a phrase means ("the seaside" -> "harbour"), or None."""
        return self._resolve(phrase, "location", {loc.id: loc.name for loc in project.locations}, threshold)

    def _resolve(self, phrase: str, kind: str, names: dict[str, str], threshold: float) -> str | None:
        if not phrase.strip() or not names:
            return None
        # A name said outright wins over any similarity: "Mara" is Mara even if her description
        # is closer to someone else's.
        spoken = phrase.lower()
        named = [ident for ident, name in names.items() if _names(spoken, name) or _names(spoken, ident)]
        if len(named) == 1:
            return named[0]
        for hit in self.recall(phrase, kinds=[kind], k=3):
            if hit.score < threshold:
                break
            if hit.ref in names and (not named or hit.ref in named):
                return hit.ref
        return None

    def canonical_description(self, project: Project, character_id: str) -> str:
        """The canonical description of a character, as memory holds it under `character:<id>`;
        when memory has not caught up with the project, the project's own text (never a stale one)."""
        current = canonical_text(project, character_id)
        stored = self.store.get("character", [f"character:{character_id}"]).get(f"character:{character_id}")
        return stored[0] if stored is not None and stored[0] == current else current

    def count(self) -> int:
        """How many memories the project holds."""
        return self.store.count()


def _names(spoken: str, name: str) -> bool:
    bare = re.sub(r"^(the|a|an)\s+", "", name.lower().strip())
    return bool(bare) and re.search(rf"\b{re.escape(bare)}\b", spoken) is not None


def _visible(metadata: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in metadata.items() if k not in _BOOKKEEPING}


def _with_removals(metadata: dict[str, Any], old: tuple[str, dict[str, Any]] | None) -> dict[str, Any]:
    # chromadb merges metadata on upsert and update; a key that is gone now (a shot that lost
    # its characters) must be sent as None to be removed.
    if old is None:
        return metadata
    return {**{k: None for k in old[1] if k not in metadata}, **metadata}


__all__ = ["DECISIONS_FILE", "MEMORY_DIR", "MemoryCorrupt", "ProjectMemory", "SyncReport"]

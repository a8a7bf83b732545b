"""chromadb plumbing shared by the project memory and the global preferences: opening a store
safely, one collection per kind, querying several kinds at once.

One collection per kind, not one collection with a `kind` field: chromadb answers an
unfiltered query on 10,000 vectors in ~2 ms but the same query filtered on `kind` in ~9-13 ms
(measured on these machines), and nearly every recall names its kinds ("which character is
meant?"). Querying all five collections still costs less than one filtered query.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

COLLECTION_PREFIX = "storyreel-"
REBUILD_HINT = "run `storyreel memory-rebuild DIR` to rebuild it"


class MemoryStoreError(Exception):
    """Memory could not be used; worded for the person."""


class MemoryCorrupt(MemoryStoreError):
    """The store on disk cannot be read; `rebuild` recovers it."""


@dataclass(frozen=True)
class Hit:
    """One recalled memory: its id, kind, text, similarity score (0..1, higher is closer), metadata."""

    id: str
    kind: str
    text: str
    score: float
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        """The id of the thing remembered (`mara` for `character:mara`)."""
        return str(self.metadata.get("ref", self.id.partition(":")[2]))


def note_id(kind: str, text: str) -> str:
    """A stable id for a note: the same words remembered twice are one memory."""
    return f"{kind}:{hashlib.sha256(' '.join(text.lower().split()).encode()).hexdigest()[:12]}"


def _evict(path: Path) -> None:
    # chromadb caches one "system" per folder for the life of the process, and keeps it even
    # when opening failed or the folder was replaced; the next open would reuse the broken one.
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    if system is not None:
        with contextlib.suppress(Exception):  # a broken system may fail to stop; it is dropped either way
            system.stop()


def _reason(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


class ChromaStore:
    """A chromadb folder holding one collection per kind, each opened with our embedding function."""

    def __init__(self, path: Path, kinds: Sequence[str]) -> None:
        self.path = Path(path).resolve()
        self.kinds = tuple(kinds)
        self._client: ClientAPI | None = None
        self._collections: dict[str, Collection] = {}
        self._open()

    def _open(self) -> None:
        import chromadb
        from chromadb.config import Settings

        from memory.chroma_embedding import MiniLMEmbedding

        if self.path.exists() and not self.path.is_dir():
            raise MemoryCorrupt(f"memory store {self.path} is a file, not a folder; {REBUILD_HINT}")
        function = MiniLMEmbedding()
        try:
            self._client = chromadb.PersistentClient(
                path=str(self.path), settings=Settings(anonymized_telemetry=False, allow_reset=False)
            )
            self._collections = {
                kind: self._client.get_or_create_collection(
                    COLLECTION_PREFIX + kind, embedding_function=function, configuration={"hnsw": {"space": "cosine"}}
                )
                for kind in self.kinds
            }
        except Exception as exc:  # chromadb raises many types for a damaged folder; all mean the same here
            self._client = None
            _evict(self.path)
            raise MemoryCorrupt(f"memory store {self.path} is unreadable ({_reason(exc)}); {REBUILD_HINT}") from exc

    def collection(self, kind: str) -> Collection:
        """The collection of one kind."""
        try:
            return self._collections[kind]
        except KeyError:
            raise ValueError(f"unknown memory kind {kind!r}; known: {', '.join(self.kinds)}") from None

    def check_kinds(self, kinds: Iterable[str] | None) -> tuple[str, ...]:
        """The kinds asked for, validated; None means every kind."""
        if kinds is None:
            return self.kinds
        chosen = tuple(dict.fromkeys(kinds))
        unknown = [k for k in chosen if k not in self.kinds]
        if unknown:
            raise ValueError(f"unknown memory kind {unknown[0]!r}; known: {', '.join(self.kinds)}")
        return chosen

    def query(self, embedding: Any, kinds: Sequence[str], k: int, where: dict[str, Any] | None) -> list[Hit]:
        """The `k` closest memories of the given kinds to a query vector, best first."""
        hits = [hit for kind in kinds for hit in self.query_kind(embedding, kind, k, where)]
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits[:k]

    def query_kind(self, embedding: Any, kind: str, n: int, where: dict[str, Any] | None) -> list[Hit]:
        """The `n` closest memories of one kind to a query vector (fewer when it holds fewer)."""
        collection = self.collection(kind)
        try:
            # No count() first: chromadb returns fewer results when a collection holds fewer
            # than `n`, and the extra round trip per kind cost ~2 ms of a 25 ms budget.
            found = collection.query(
                query_embeddings=[embedding],
                n_results=n,
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        except ValueError as exc:  # a malformed `where`: the caller's mistake, said plainly
            raise ValueError(f"`where` filter {where!r} is not valid: {_reason(exc)}") from exc
        ids, docs = found["ids"][0], (found["documents"] or [[]])[0]
        metas, distances = (found["metadatas"] or [[]])[0], (found["distances"] or [[]])[0]
        # Cosine distance is 1 - cosine similarity; similarity below 0 means unrelated.
        return [
            Hit(memory_id, kind, doc or "", min(1.0, max(0.0, 1.0 - float(distance))), dict(meta or {}))
            for memory_id, doc, meta, distance in zip(ids, docs, metas, distances, strict=True)
        ]

    def get(self, kind: str, ids: list[str] | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
        """Stored memories of one kind (all of them, or these ids): id -> (text, metadata)."""
        found = self.collection(kind).get(ids=ids, include=["documents", "metadatas"])
        docs = found["documents"] or [""] * len(found["ids"])
        metas = found["metadatas"] or [{}] * len(found["ids"])
        return {i: (d or "", dict(m or {})) for i, d, m in zip(found["ids"], docs, metas, strict=True)}

    def count(self) -> int:
        """How many memories the store holds, all kinds together."""
        return sum(self.collection(kind).count() for kind in self.kinds)

    def close(self) -> None:
        """Let go of the folder (chromadb keeps files open until then)."""
        if self._client is not None:
            with contextlib.suppress(Exception):  # closing a broken client must not hide the real error
                self._client.close()
        self._client = None
        self._collections = {}
        _evict(self.path)


def discard_store(path: Path) -> None:
    """Remove a store folder so it can be rebuilt; one that cannot be read is set aside instead.

    Everything in a store is rebuilt from the project and the notes journal, so a readable
    store is deleted; an unreadable one is kept (renamed) for someone to look at.
    """
    path = Path(path).resolve()
    _evict(path)
    if not path.exists():
        return
    if path.is_dir() and _readable(path):
        shutil.rmtree(path)
        return
    os.replace(path, path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"))


def _readable(path: Path) -> bool:
    head = b""
    try:
        with open(path / "chroma.sqlite3", "rb") as handle:
            head = handle.read(16)
    except OSError:
        return False
    return head.startswith(b"SQLite format 3")

"""The person's taste across projects ("I like handheld, warm light"), kept in their data folder.

Where: `$STORYREEL_DATA_DIR` when set (tests point it at a temporary folder), otherwise the
platform's user data folder for storyreel (platformdirs). It holds `preferences.jsonl`, the
durable list of notes, and `preferences/`, the chromadb index over them.
"""

from __future__ import annotations

import os
from pathlib import Path

from memory.chroma import ChromaStore, Hit, discard_store, note_id
from memory.journal import Note, NoteJournal, clean_note, new_note

DATA_DIR_ENV = "STORYREEL_DATA_DIR"
KIND = "preference"


def data_dir() -> Path:
    """The folder for what storyreel keeps about the person, not about one project."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_data_path("storyreel", appauthor=False)


class PreferenceStore:
    """Cross-project preferences: remembered once, recalled in every project."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else data_dir()
        self.journal = NoteJournal(self.folder / "preferences.jsonl")
        self._store: ChromaStore | None = None

    @property
    def store(self) -> ChromaStore:
        """The chromadb index, opened (and filled from the journal if it was lost) on first use."""
        if self._store is None:
            self._store = ChromaStore(self.folder / "preferences", [KIND])
            notes = self.journal.read()
            if notes and self._store.count() == 0:
                self._index(notes)
        return self._store

    def remember(self, text: str) -> Hit:
        """Keep a preference; the same words remembered twice are one preference."""
        cleaned = clean_note(text)
        note = new_note(note_id(KIND, cleaned), KIND, cleaned)
        if note.id not in {n.id for n in self.journal.read()}:
            self.journal.append(note)
        self._index([note])
        return Hit(note.id, KIND, cleaned, 1.0, {"kind": KIND, "created": note.created})

    def recall(self, query: str, k: int = 5) -> list[Hit]:
        """The preferences closest in meaning to the query, best first."""
        from memory.embedding import embed

        if not query.strip():
            raise ValueError("the query is empty; say what to look for")
        return self.store.query(embed([query])[0], [KIND], k, None)

    def recall_vector(self, embedding: object, k: int) -> list[Hit]:
        """Like `recall`, for a query already embedded (saves embedding it twice)."""
        return self.store.query(embedding, [KIND], k, None)

    def notes(self) -> list[Hit]:
        """Every preference, oldest first."""
        return [Hit(n.id, KIND, n.text, 1.0, {"kind": KIND, "created": n.created}) for n in self.journal.read()]

    def forget(self, memory_id: str) -> bool:
        """Drop a preference by id; True when there was one."""
        removed = self.journal.remove(memory_id)
        self.store.collection(KIND).delete(ids=[memory_id])
        return removed

    def rebuild(self) -> int:
        """Recreate the index from the journal (when it is lost or corrupt); returns how many notes."""
        if self._store is not None:
            self._store.close()
            self._store = None
        discard_store(self.folder / "preferences")
        self._store = ChromaStore(self.folder / "preferences", [KIND])
        notes = self.journal.read()
        self._index(notes)
        return len(notes)

    def close(self) -> None:
        """Let go of the store's files."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def _index(self, notes: list[Note]) -> None:
        if not notes:
            return
        self.store.collection(KIND).upsert(
            ids=[n.id for n in notes],
            documents=[n.text for n in notes],
            metadatas=[{"kind": KIND, "created": n.created} for n in notes],
        )

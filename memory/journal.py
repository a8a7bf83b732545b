"""An append-only file of notes (decisions, preferences): the durable record the vector store
is rebuilt from.

The chromadb folder is an index: it can be lost or corrupted and rebuilt. What the person
told us ("the ending is at dawn") must survive that, so each note is also a line of JSON in
a plain file beside it. A torn last line (a crash mid-write) is skipped when reading.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from story.files import write_atomic

MAX_NOTE = 2_000


@dataclass(frozen=True)
class Note:
    """One remembered note: its memory id, kind, text and when it was made."""

    id: str
    kind: str
    text: str
    created: float
    revision: int = 0


def clean_note(text: str) -> str:
    """The note as it will be stored; refuses empty and enormous notes with a clear message."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError("the note is empty; say what to remember")
    if len(cleaned) > MAX_NOTE:
        raise ValueError(f"the note is {len(cleaned)} characters; keep it under {MAX_NOTE}")
    return cleaned


class NoteJournal:
    """Notes kept one JSON object a line in `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> list[Note]:
        """Every readable note, oldest first; a later line with the same id replaces an earlier one."""
        notes: dict[str, Note] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        for line in lines:
            try:
                data = json.loads(line)
                note = Note(
                    str(data["id"]),
                    str(data["kind"]),
                    str(data["text"]),
                    float(data["created"]),
                    int(data.get("revision", 0)),
                )
            except (ValueError, KeyError, TypeError):
                continue
            notes[note.id] = note
        return list(notes.values())

    def append(self, note: Note) -> None:
        """Add a note durably (appended and fsynced)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(note.__dict__, ensure_ascii=False) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def remove(self, note_id: str) -> bool:
        """Drop a note; True when there was one with this id."""
        notes = self.read()
        kept = [n for n in notes if n.id != note_id]
        if len(kept) == len(notes):
            return False
        text = "".join(json.dumps(n.__dict__, ensure_ascii=False) + "\n" for n in kept)
        write_atomic(self.path, text.encode())
        return True


def new_note(note_id: str, kind: str, text: str, revision: int = 0) -> Note:
    """A note stamped with the current time."""
    return Note(note_id, kind, text, time.time(), revision)

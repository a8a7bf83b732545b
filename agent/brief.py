"""Reading a brief a person gave: refuse what cannot be a story, with a one-line reason."""

from __future__ import annotations

import re
from pathlib import Path

MAX_BRIEF_CHARS = 200_000

_SLUG = re.compile(r"^(?:INT|EXT|EST|INT\.?/EXT|I/E)[. ]", re.MULTILINE)
_CUE_AND_LINE = re.compile(r"^\s*[A-Z][A-Z0-9 .'\-]{1,30}(?:\s*\([^)]*\))?\s*\n\s*\S", re.MULTILINE)
_FOUNTAIN_TRANSITION = re.compile(r"^\s*(?:FADE IN:|[A-Z ]+ TO:)\s*$", re.MULTILINE)


FOUNTAIN_SUFFIXES = (".fountain", ".spmd")
"""File names that say a brief is a Fountain screenplay, whatever its first lines look like."""


class BriefError(ValueError):
    """A brief that cannot be planned; the message says why in one line."""


class FountainText(str):
    """A brief known to be a Fountain screenplay because of the file it came from: "NORA" over
    "We leave at dawn." is a cue and its line in a .fountain file, even with no scene heading,
    where the same words pasted as text might be prose. It is a `str` everywhere else."""

    __slots__ = ()


def read_brief_file(path: Path) -> str:
    """The brief in a file, as `read_brief` reads it; a `FountainText` when the file's name says
    Fountain (.fountain, .spmd)."""
    text = read_brief(path.read_bytes())
    return FountainText(text) if path.suffix.lower() in FOUNTAIN_SUFFIXES else text


def read_brief(raw: str | bytes) -> str:
    """The brief as text, or `BriefError` when it is empty, enormous or not text at all. A
    `FountainText` stays one."""
    if isinstance(raw, bytes):
        if b"\x00" in raw:
            raise BriefError("the brief is binary data (it has NUL bytes), not text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BriefError(f"the brief is not UTF-8 text (bad byte at position {exc.start})") from exc
    else:
        text = raw
    if "\x00" in text:
        raise BriefError("the brief is binary data (it has NUL bytes), not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise BriefError("the brief is empty; write a few sentences about the story")
    if len(text) > MAX_BRIEF_CHARS:
        raise BriefError(
            f"the brief is {len(text):,} characters; the limit is {MAX_BRIEF_CHARS:,} (shorten it or split the story)"
        )
    unprintable = sum(1 for ch in text if not (ch.isprintable() or ch in "\n\t"))
    if unprintable > max(8, len(text) // 10):
        raise BriefError(
            f"the brief looks like binary data: {unprintable:,} of {len(text):,} characters are not printable"
        )
    text = text.strip("\n")
    return FountainText(text) if isinstance(raw, FountainText) else text


def is_fountain(text: str) -> bool:
    """True when the text reads as a Fountain screenplay rather than prose: it came from a
    .fountain file, or it has a scene heading, or transitions and cues."""
    if isinstance(text, FountainText) or _SLUG.search(text):
        return True
    return bool(_FOUNTAIN_TRANSITION.search(text)) and len(_CUE_AND_LINE.findall(text)) >= 2

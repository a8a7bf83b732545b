"""Reading prose: sentences with their quoted speech, and looks (traits) in a phrase.

Plain string work, no language model: a sentence ends at . ! ? outside quotes; speech is what
stands between double quotes; looks are colour + garment or adjective + hair pairs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.offline.vocabulary import (
    AGE_WORDS,
    BUILD_WORDS,
    COLOURS,
    GARMENTS,
    HAIR_ADJECTIVES,
    HAIR_WORDS,
    SPEECH_VERBS,
)

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "mt", "no", "vs", "jr", "sr", "prof", "capt"}
_QUOTE = re.compile(r'"([^"]*)"?')
_HEADER = re.compile(r"^\s*(title|genre|tone|logline|style|length)\s*:\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """One sentence of the brief: its words outside quotes and the speech inside them."""

    text: str
    """The whole sentence as written."""
    narration: str
    """The sentence with quoted speech blanked out (same length, so offsets agree)."""
    speech: list[str]
    """Each quoted stretch, in order."""
    paragraph: int
    """Which paragraph of the brief it is in, from 0."""

    @property
    def attribution_only(self) -> bool:
        """True for a short tag like 'Mara says.' that names the speaker of a line before it."""
        words = self.narration.lower().replace(",", " ").split()
        return not self.speech and 0 < len(words) <= 5 and any(w.strip(".!?") in SPEECH_VERBS for w in words)


def normalise(text: str) -> str:
    """Straight quotes and apostrophes, no tabs, unix newlines."""
    table = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "\t": " "})
    return text.translate(table).replace("\r\n", "\n").replace("\r", "\n")


def headers(text: str) -> tuple[dict[str, str], str]:
    """`Title: ...`-style lines at the top of a brief, and the rest of the text."""
    found: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _HEADER.match(line)
        if match:
            found.setdefault(match.group(1).lower(), match.group(2).strip())
        elif line.strip():
            break
        index += 1
    return found, "\n".join(lines[index:])


def sentences(text: str) -> list[Sentence]:
    """The prose split into sentences; a quote's inner full stops do not end a sentence."""
    found: list[Sentence] = []
    for number, paragraph in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
        flat = " ".join(paragraph.split())
        start, quoted = 0, False
        for index, char in enumerate(flat):
            if char == '"':
                quoted = not quoted
                continue
            if quoted or char not in ".!?":
                continue
            after = flat[index + 1 : index + 2]
            if after not in ("", " ") or _abbreviation(flat, index):
                continue
            found.append(_sentence(flat[start : index + 1], number))
            start = index + 1
        if flat[start:].strip():
            found.append(_sentence(flat[start:], number))
    return [s for s in found if s.text]


def _abbreviation(flat: str, index: int) -> bool:
    word = flat[:index].rsplit(" ", 1)[-1].lower()
    return flat[index] == "." and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()))


def _sentence(raw: str, paragraph: int) -> Sentence:
    text = raw.strip()
    speech = [m.group(1).strip().rstrip(",;:- ") for m in _QUOTE.finditer(text) if m.group(1).strip(" ,;:-")]
    narration = _QUOTE.sub(lambda m: " " * len(m.group(0)), text)
    return Sentence(text=text, narration=narration, speech=speech, paragraph=paragraph)


# Looks ------------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z][a-z'-]*")


def looks(phrase: str) -> list[tuple[int, str, str]]:
    """(offset, part, value) for each look in the phrase: 'a red coat' -> (2, 'coat', 'red')."""
    words = [(m.start(), m.group(0)) for m in _WORD.finditer(phrase.lower())]
    found: list[tuple[int, str, str]] = []
    for index, (offset, word) in enumerate(words):
        before = [w for _, w in words[max(0, index - 2) : index]]
        if word in GARMENTS:
            if index + 1 < len(words) and words[index + 1][1] in GARMENTS:
                continue  # "oilskin coat": the coat is the garment, oilskin its stuff
            colour = next((w for w in reversed(before) if w in COLOURS), None)
            if colour:
                found.append((offset, word, colour))
        elif word in HAIR_WORDS:
            adjectives = [w for w in before if w in HAIR_ADJECTIVES]
            if adjectives:
                found.append(
                    (offset, "hair" if word in ("hair", "curls", "braid", "braids") else word, " ".join(adjectives))
                )
        elif word.endswith("-haired") and word.removesuffix("-haired") in HAIR_ADJECTIVES:
            found.append((offset, "hair", word.removesuffix("-haired")))
    return found


def person_traits(adjectives: list[str], noun: str) -> dict[str, str]:
    """Traits an unnamed character's own words give: age and build ('an old, tall fisherman')."""
    traits: dict[str, str] = {}
    for word in adjectives:
        if word in AGE_WORDS:
            traits.setdefault("age", AGE_WORDS[word])
        elif word in BUILD_WORDS:
            traits.setdefault("build", word)
    return traits


def describe_looks(traits: dict[str, str]) -> str:
    """Traits as words for a prompt: 'in a red coat, with grey hair'."""
    parts: list[str] = []
    for part, value in traits.items():
        if part in GARMENTS:
            plural = part in ("boots", "gloves", "glasses", "trousers", "overalls", "shoes", "sneakers")
            parts.append(f"in {value} {part}" if plural else f"in a {value} {part}")
        elif part in HAIR_WORDS or part == "hair":
            parts.append(f"with {value} {part}")
    return ", ".join(parts)

"""Reading prose: sentences with their quoted speech, and looks (traits) in a phrase.

Plain string work, no language model: a sentence ends at . ! ? outside quotes; speech is what
stands between double quotes; looks are colour + garment or adjective + hair pairs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.offline.vocabulary import (
    AGE_OF_NOUN,
    AGE_WORDS,
    BUILD_WORDS,
    COLOURS,
    GARMENTS,
    HAIR_ADJECTIVES,
    HAIR_WORDS,
    NOT_NAMES,
    SPEECH_VERBS,
)

SAY_VERBS = SPEECH_VERBS | {
    "say", "ask", "exclaims", "exclaimed", "continues", "continued", "agrees", "agreed", "repeats", "repeated",
    "cried", "responds", "responded", "retorts", "retorted", "protests", "protested", "demands", "demanded",
    "pleaded", "begged", "sobbed", "growled", "laughed", "sighed", "groans", "groaned", "hisses", "hissed",
    "gasps", "gasped", "roars", "roared", "barks", "barked", "croaks", "croaked", "squeaks", "squeaked",
    "boasts", "boasted", "wonders", "wondered", "thinks", "thought", "shrieks", "shrieked", "screamed",
    "grumbles", "grumbled", "chuckles", "chuckled", "calls", "pleads", "whimpered", "stammers", "stammered",
    "explains", "explained", "announces", "announced", "tells", "promises", "promised", "shouts", "yelled",
    "beg", "sneers", "sneered", "jeers", "jeered", "answers", "warned", "insisted", "admitted",
    "purrs", "purred", "bleats", "bleated", "squeals", "squealed", "chirps", "chirped", "hoots", "hooted",
    "neighs", "neighed", "quacks", "quacked", "grunts", "grunted", "snarls", "snarled", "cackles", "cackled",
    "whines", "whined", "mumbles", "mumbled", "stutters", "stuttered", "bellows", "bellowed", "declares",
    "declared", "replies", "observes", "observed", "remarks", "remarked", "interrupts", "interrupted",
    "tell", "reply", "answer", "whisper", "shout", "mutter", "murmur", "suggests", "suggested", "adds", "added",
    "breathed", "called", "confesses", "confessed", "addresses", "addressed", "pursues", "pursued",
}  # fmt: skip
"""Verbs that tag a quote with its speaker when they stand in the quote's sentence."""
TAG_VERBS = SAY_VERBS - {
    "laughs", "laughed", "sighs", "sighed", "sobs", "sobbed", "breathes", "growls", "growled", "whimpers",
    "whimpered", "groans", "groaned", "gasps", "gasped", "chuckles", "chuckled", "screams", "screamed",
}  # fmt: skip
"""Verbs that make a sentence of their own a tag for the quote beside it ('Mara says.'); a laugh or a sigh
standing alone is an action."""
_NOT_SPEAKERS = {
    "moral", "note", "notes", "setting", "scene", "characters", "place", "time", "summary", "chapter", "part",
    "act", "epilogue", "prologue", "ending", "length", "style", "tone", "genre", "logline", "title", "warning",
    "location", "cast", "mood", "music", "ps", "pps", "end", "theme", "lesson", "day", "night", "morning",
}  # fmt: skip
_COLON_LINE = re.compile(r"^(\s*)([A-Z][\w'-]*(?: [A-Z][\w'-]*){0,2})\s*:\s*(\S.*)$")
_TITLE_STOP = {"a", "an", "the", "of", "and", "in", "on", "at", "to", "for", "by", "with", "or", "from"}

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
    new_line: bool = True
    """True when the sentence begins a line of the brief (prose starts a new speaker on a new line)."""

    @property
    def attribution_only(self) -> bool:
        """True for a short tag like 'Mara says.' that names the speaker of a line before it; 'Leo
        laughed.' is something he does, not a tag."""
        words = self.narration.lower().replace(",", " ").split()
        return not self.speech and 0 < len(words) <= 5 and any(w.strip(".!?") in TAG_VERBS for w in words)


def normalise(text: str) -> str:
    """Straight quotes and apostrophes, no tabs, unix newlines."""
    table = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "\t": " "})
    return text.translate(table).replace("\r\n", "\n").replace("\r", "\n")


def headers(text: str) -> tuple[dict[str, str], str]:
    """`Title: ...`-style lines at the top of a brief, and the rest of the text. A first line that reads
    as a title ('The Last Ferry' alone, no full stop) is the title."""
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
    rest = lines[index + 1 :]
    if "title" not in found and index < len(lines) and any(r.strip() for r in rest):
        blank_after = bool(rest) and not rest[0].strip()
        if _title_line(lines[index], blank_after):
            found["title"] = " ".join(lines[index].split()).strip("#* ")
            index += 1
    return found, "\n".join(lines[index:])


def _title_line(line: str, blank_after: bool) -> bool:
    """A short line with no sentence ending and no quotes, in title case (or set apart by a blank line)."""
    text = line.strip().strip("#* ")
    words = text.split()
    if not 1 <= len(words) <= 9 or text[-1] in ".,;:!?\"'" or '"' in text or not text[0].isupper():
        return False
    titled = all(w[0].isupper() or w.lower() in _TITLE_STOP or not w[0].isalpha() for w in words)
    return titled or (blank_after and len(words) <= 6)


def sentences(text: str) -> list[Sentence]:
    """The prose split into sentences; a quote's inner full stops do not end a sentence."""
    found: list[Sentence] = []
    for number, paragraph in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
        lines = [" ".join(_colon_speech(line).split()) for line in paragraph.split("\n")]
        flat, line_starts = "", set()
        for line in (line for line in lines if line):
            flat += " " if flat else ""
            line_starts.add(len(flat))
            flat += line
        start, quoted = 0, False
        for index, char in enumerate(flat):
            if char == '"':
                quoted = not quoted
                if not quoted and _closes_a_sentence(flat, index, line_starts):
                    found.append(_sentence(flat[start : index + 1], number, _begins_line(flat, start, line_starts)))
                    start = index + 1
                continue
            if quoted or char not in ".!?":
                continue
            after = flat[index + 1 : index + 2]
            if after not in ("", " ") or _abbreviation(flat, index):
                continue
            found.append(_sentence(flat[start : index + 1], number, _begins_line(flat, start, line_starts)))
            start = index + 1
        if flat[start:].strip():
            found.append(_sentence(flat[start:], number, _begins_line(flat, start, line_starts)))
    return [part for s in found if s.text for part in _split_exchange(s)]


_CONJUNCTION = re.compile(r"^[\s,;]*(?:and|but|then|while|so|and then)\b", re.IGNORECASE)


_LATER_TAG = re.compile(
    r"[,;]\s+(?=(?:and|but)\s+(?:then\s+)?(?:[A-Za-z'-]+\s+){0,3}?(?:"
    + "|".join(sorted(SAY_VERBS, key=len, reverse=True))
    + r")\b)"
)


def _split_exchange(sentence: Sentence) -> list[Sentence]:
    """'Kit said, "We are late," and Anselm answered, "We always are."': one sentence, two speakers,
    so two sentences. A tag between two quotes brings in the second when the first has its own tag
    before it, or when a conjunction opens it; '"Come," she says, "now."' stays one line."""
    quotes = list(_QUOTE.finditer(sentence.text))
    if len(quotes) < 2:
        return [sentence]
    cuts: list[int] = []
    for before, quote in zip(quotes, quotes[1:], strict=False):
        between = sentence.text[before.end() : quote.start()]
        later = _LATER_TAG.search(between)
        if later is not None and later.start() > 0:
            cuts.append(before.end() + later.start())  # '"...," she whispers, and then she shouts, "..."'
            continue
        if not _INTRODUCER.match(between.lstrip(" ,;") + '"'):
            continue
        opening = sentence.text[: quotes[0].start()] if not cuts else sentence.text[cuts[-1] : before.start()]
        tagged_before = bool(re.search(_SAY_WORD.pattern + r"\s*[,:]?\s*$", opening.lower()))
        if tagged_before or _CONJUNCTION.match(between):
            cuts.append(before.end())
    if not cuts:
        return [sentence]
    bounds = [0, *cuts, len(sentence.text)]
    parts = [sentence.text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    return [
        _sentence(part, sentence.paragraph, sentence.new_line if number == 0 else False)
        for number, part in enumerate(parts)
        if part.strip()
    ]


def _closes_a_sentence(flat: str, index: int, line_starts: set[int]) -> bool:
    """A closing quote that ends its sentence: its words end with . ! or ?, and what follows starts
    a new sentence ('"Good." Leo laughed.'), not a tag ('"Good," he said', '"Stop!" she cried')."""
    if flat[index - 1 : index] not in (".", "!", "?"):
        return False
    rest = flat[index + 1 :]
    following = rest.lstrip()
    if not following or not rest[:1].isspace():
        return False
    if index + 2 in line_starts or following[0] == '"' or _brings_in_a_quote(following):
        return True
    return following[0].isupper() and not _tag_next(following)


_INTRODUCER = re.compile(r"^(?:[A-Za-z'-]+,?\s+){0,4}?(?P<verb>[a-z]+)\s*[:,]?\s*\"")
_SAY_WORD = re.compile(r"\b(?:" + "|".join(sorted(SAY_VERBS, key=len, reverse=True)) + r")\b")


def _brings_in_a_quote(text: str) -> bool:
    """'She answers: "..."' or 'Then Leo whispered, "..."' after a finished quote: a tag for the next
    quote, so the quote before it ends its sentence."""
    match = _INTRODUCER.match(text)
    return match is not None and match.group("verb") in SAY_VERBS


def _tag_next(text: str) -> bool:
    """'Ana cried.' or 'said Theo' right after a quote: the quote's tag, in the same sentence."""
    words = re.findall(r"[A-Za-z']+", text)[:4]
    lowered = [w.lower() for w in words]
    return bool(lowered) and (
        lowered[0] in SAY_VERBS or any(w in TAG_VERBS for w in lowered[1:3]) and lowered[0] not in ("the", "a")
    )


def _begins_line(flat: str, start: int, line_starts: set[int]) -> bool:
    return (len(flat[start:]) - len(flat[start:].lstrip())) + start in line_starts


def _colon_speech(line: str) -> str:
    """'Rosa: "Then we walk."' (or without quotes) as prose: 'Rosa says, "Then we walk."'."""
    match = _COLON_LINE.match(line)
    if not match or match.group(2).lower() in _NOT_SPEAKERS or match.group(2).lower() in NOT_NAMES:
        return line
    words = match.group(3).strip()
    quoted = words if words.startswith('"') else '"' + words.replace('"', "'") + '"'
    return f"{match.group(1)}{match.group(2)} says, {quoted}"


def _abbreviation(flat: str, index: int) -> bool:
    word = flat[:index].rsplit(" ", 1)[-1].lower()
    return flat[index] == "." and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()))


def _sentence(raw: str, paragraph: int, new_line: bool = True) -> Sentence:
    text = raw.strip()
    speech = [m.group(1).strip().rstrip(",;:- ") for m in _QUOTE.finditer(text) if m.group(1).strip(" ,;:-")]
    narration = _QUOTE.sub(lambda m: " " * len(m.group(0)), text)
    return Sentence(text=text, narration=narration, speech=speech, paragraph=paragraph, new_line=new_line)


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
    """Traits a character's own words give: age and build ('an old, tall fisherman'), and the age a
    noun itself says ('a boy' is a child, so the picture draws one)."""
    traits: dict[str, str] = {}
    for word in adjectives:
        if word in AGE_WORDS:
            traits.setdefault("age", AGE_WORDS[word])
        elif word in BUILD_WORDS:
            traits.setdefault("build", word)
    if noun in AGE_OF_NOUN:
        traits.setdefault("age", AGE_OF_NOUN[noun])
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

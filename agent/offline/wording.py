"""A person's words made plain before the grammar reads them: politeness set aside ("could you
please...", "I'd like..."), and a misspelt command word put right ("clsoe-up", "shto 3").

Only words of the grammar's own vocabulary are corrected, and only to a word one slip away (two
letters swapped, one missing, extra or wrong), so a name or a story word is never changed.
"""

from __future__ import annotations

import re
from functools import cache

from agent.offline.vocabulary import (
    ANGLE_WORDS,
    EVERYDAY_CAMERA,
    MOVEMENT_WORDS,
    NUMBER_WORDS,
    ORDINALS,
    SIZE_WORDS,
    TIME_WORDS,
    TRANSITION_WORDS,
    WEATHER_WORDS,
)
from story import Project

_POLITE_START = re.compile(
    r"^(?:(?:hi|hey|hello|ok|okay|right|so|now|also|and|um|hmm|alright)[,!\s]+)*"
    r"(?:(?:(?:would|do)\s+you\s+mind\s+|(?:could|can|would|will)\s+(?:you|u|we)\s+(?:please\s+|kindly\s+|maybe\s+|just\s+)*"
    r"|(?:please|pls|plz|kindly|maybe|just)\s+"
    r"|i(?:'d| would)\s+(?:really\s+)?(?:like|love|prefer)\s+(?:(?:you|it)\s+to\s+|to\s+)?"
    r"|i\s+(?:want|need)\s+(?:you\s+to\s+)?"
    r"|i\s+think\s+(?:you\s+should\s+|we\s+should\s+)?"
    r"|(?:let's|lets|let us)\s+"
    r"|(?:do\s+you\s+think\s+you\s+could|would\s+it\s+be\s+possible\s+to|is\s+it\s+possible\s+to)\s+"
    r"|how\s+about\s+(?:we\s+)?)[,\s]*)+"
)
_POLITE_END = re.compile(
    r"(?:[,\s]+(?:please|pls|plz|thanks|thank you|thx|ty|if you can|if possible|if you don't mind|for me|"
    r"cheers))+[.!?\s]*$"
)


def without_politeness(text: str) -> str:
    """The instruction without its courtesies: 'Could you please make shot 3 wider?' -> 'make shot 3 wider'."""
    stripped = text.strip().rstrip("?!. ")
    lowered = stripped.lower()
    start = _POLITE_START.match(lowered)
    cut = start.end() if start else 0
    end = _POLITE_END.search(lowered[cut:])
    stop = cut + end.start() if end else len(stripped)
    kept = stripped[cut:stop].strip(" ,")
    if start and re.search(r"(?:would|do)\s+you\s+mind\s+$", lowered[:cut]):
        kept = re.sub(r"^(\w+?)(?:e?ing)\b", lambda m: _BARE.get(m.group(0).lower(), m.group(1)), kept)
    return kept


_BARE = {"making": "make", "giving": "give", "moving": "move", "using": "use", "changing": "change",
         "swapping": "swap", "cutting": "cut", "adding": "add", "putting": "put", "setting": "set",
         "trimming": "trim", "deleting": "delete", "removing": "remove"}  # fmt: skip


_COMMAND_WORDS = """shot shots make change set swap switch move delete remove duplicate insert add after before
first last
longer shorter seconds second minutes frames closer tighter wider looser lens angle camera dissolve fade transition
beginning start end rename title style music dramatic calmer faster slower quicker slowly quickly gently scene whole
film everything every each close-up close-ups extreme medium wide trim shorten lengthen extend takes take render undo
redo continuity please lose drop kill scrap cut clip close closely slow fast quick mood night light lighter darker
brighter length where with which while what when there their these those then than this that them they again
should could would before after through everything everyone little bigger smaller frame framing
tighten scenes lower higher"""
_SHORT_WORDS = ("the", "and", "add", "cut", "one", "end", "two")
"""Three-letter words a slip is put right in only by two swapped letters ('teh', 'adn'): one wrong
letter in so short a word is too often another word."""


@cache
def _known() -> frozenset[str]:
    """Every word the grammar's commands are made of."""
    words: set[str] = set()
    phrases = [p for p, _ in (*SIZE_WORDS, *ANGLE_WORDS, *MOVEMENT_WORDS, *TRANSITION_WORDS)]
    phrases += [p for p, _, _ in EVERYDAY_CAMERA]
    phrases += [*TIME_WORDS, *WEATHER_WORDS, *ORDINALS, *NUMBER_WORDS]
    phrases += _COMMAND_WORDS.split()
    for phrase in phrases:
        words.update(w for w in re.split(r"[\s]+", phrase.lower()) if len(w) >= 4)
    return frozenset(words)


def _one_slip(word: str, known: str) -> bool:
    """True when `word` is `known` with two neighbouring letters swapped, or one letter missing, extra or wrong."""
    if word == known or abs(len(word) - len(known)) > 1:
        return False
    if len(word) == len(known):
        diff = [i for i, (a, b) in enumerate(zip(word, known, strict=True)) if a != b]
        if len(diff) == 1:
            return len(word) >= 7  # one wrong letter in a short word is too often another word ('might')
        first, second = diff if len(diff) == 2 else (0, 0)
        return len(diff) == 2 and second == first + 1 and (word[first], word[second]) == (known[second], known[first])
    longer, shorter = (word, known) if len(word) > len(known) else (known, word)
    if len(shorter) < 5:
        return False  # 'lose' is not 'close'
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def corrected(text: str, keep: set[str] | frozenset[str] = frozenset()) -> str:
    """The text with each word one slip away from a command word put right, leaving words in `keep`
    (the project's names and story words) and every word the grammar knows as they are."""
    known = _known()

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        if lowered in known or lowered in keep or not lowered.isascii():
            return word
        if len(lowered) == 3:
            swapped = [k for k in _SHORT_WORDS if sorted(k) == sorted(lowered) and _one_slip(lowered, k)]
            return swapped[0] if len(swapped) == 1 else word
        if len(lowered) < 4:
            return word
        candidates = sorted(k for k in known if _one_slip(lowered, k))
        return candidates[0] if len(candidates) == 1 else word

    return re.sub(r"[A-Za-z][A-Za-z'-]*[A-Za-z]", fix, text)


def story_words(project: Project) -> frozenset[str]:
    """The words of a project's story (names, places, actions, lines): never corrected."""
    parts = [c.name for c in project.characters] + [c.id for c in project.characters]
    parts += [x.name for x in project.locations] + [s.action for s in project.shots]
    parts += [line.text for s in project.shots for line in s.dialogue] + [
        p.name for s in project.shots for p in s.props
    ]
    return frozenset(re.findall(r"[a-z][a-z'-]*[a-z]", " ".join(parts).lower()))

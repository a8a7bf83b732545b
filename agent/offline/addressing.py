"""Naming things in a message: which shots ("shot 3", "#3", "the third shot", "last", "s7")
and which character ("Mara", "the girl") a person means."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.offline.vocabulary import NUMBER_WORDS, ORDINALS
from story import Character, Project


class Refusal(Exception):
    """An instruction understood but not doable; the message is the reply, and nothing changes."""


_ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True))
_COUNT = "|".join(w for w in sorted(NUMBER_WORDS, key=len, reverse=True) if w not in ("a", "an", "half a"))
_NUMBER = rf"(?:#?\d+(?:[a-z]{{1,8}}(?<!st|nd|rd|th))?|{_COUNT})"  # a label: 3, 2a; not 3rd
_UNIT = r"(?:s|sec|secs|seconds?|frames?|mm|min|mins|minutes?|takes?|versions?|more|x|%)"
_SPAN = re.compile(
    rf"\b(?:everything|every\s+shot|all(?:\s+of)?(?:\s+the)?\s+shots|all|the\s+(?:other\s+)?shots|the\s+rest)\s+"
    rf"(?P<rel>after|following|before|from|since|until|till|up\s+to)\s+(?:shot\s+)?(?P<anchor>{_NUMBER})\b"
    rf"(?!\s*{_UNIT}\b)(?:\s+onwards?\b|\s+on(?=\s*(?:$|[,;:.]|should\b|must\b|needs?\b|is\b|are\b)))?"
    rf"|\b(?:from\s+)?shot\s+(?P<onward>{_NUMBER})\s+(?:onwards?\b|and\s+(?:after|later|everything\s+after)\b|"
    r"on(?=\s*(?:$|[,;:.]|should\b|must\b|needs?\b|to\b)))"
)
"""'everything after shot 5', 'all shots before 4', 'from shot 6 on': a stretch up to or from a shot."""
_PATTERNS = [
    _SPAN,
    # "the first half", "the second half of the film": the shots of that half
    re.compile(
        r"\b(?:the\s+)?(?P<half>first|second|last|latter|front|back)\s+half\b(?!\s+(?:a|an)\b)"
        r"(?:\s+of\s+the\s+(?:film|reel|story|movie))?"
    ),
    # "make 3 a close-up", "4 a wide", "between 4 and 5": a bare number where a shot is the only thing it can be
    re.compile(
        rf"^(?:make|set|turn|change|have|give)\s+#?(?P<bare>\d+[a-z]?)\b(?!\s*(?:{_UNIT}|copies|of)\b)"
        rf"|^#?(?P<bare2>\d+[a-z]?)\b(?!\s*{_UNIT}\b)(?=\s+(?:a|an|to|into|"
        r"should|is|at|in|on|with|wider|closer|tighter|longer|shorter|night|day|dusk|dawn|low|high|eye|dutch|close|"
        r"medium|wide|extreme|ecu|cu|mcu|ms|mws|ws|ews|and)\b)"
        rf"|\b(?:on|for)\s+#?(?P<bare3>\d+[a-z]?)(?!\s*{_UNIT}\b)(?=\s*$)"  # "the shaky cam on 8"
    ),
    re.compile(rf"\bbetween\s+(?:shots?\s+)?(?P<pair>\d+[a-z]?\s+and\s+(?:shot\s+)?\d+[a-z]?)\b(?!\s*{_UNIT}\b)"),
    # "shots 2 to 5", "shots 2-5", "from shot 2 to shot 5", "shots two through six": every shot between
    re.compile(
        rf"\b(?:from\s+)?shots?\s+(?P<low>{_NUMBER})\s*(?:-|–|—|to|through|thru|till|until)\s*"
        rf"(?:shots?\s+)?(?P<high>{_NUMBER})\b(?!\s*(?:s|sec|secs|seconds?|frames?|mm)\b)"
    ),
    re.compile(r"(?<![\w.#-])(?P<low2>\d+)\s*[-–]\s*(?P<high2>\d+)\b(?!\s*(?:s|sec|secs|seconds?|frames?|mm)\b)"),
    # "the first three shots", "the last 2 shots", "the opening two shots"
    re.compile(
        rf"\b(?:the\s+)?(?P<end>first|opening|last|final|closing)\s+(?P<count>\d+|{_COUNT})"
        rf"(?:\s+(?:shots|ones)\b|(?=\s*(?:$|[,;.]|and\b|should\b|to\b|into\b|a\b|an\b)))(?!\s*{_UNIT}\b)"
    ),
    # "shots 2 and 3", "shot 2, 4 & 6", "shot #3", "shot three"
    re.compile(
        rf"\bshots?\s+(?:number\s+|no\.?\s*)?(?P<list>{_NUMBER}(?:\s*(?:,|and|&|or|with)\s*(?:shots?\s+)?{_NUMBER})*)\b"
    ),
    re.compile(r"(?<![\w#])#(?P<hash>\d+)\b"),
    re.compile(r"\b(?P<nth>\d+)(?:st|nd|rd|th)\s+(?:shot|one)\b"),
    re.compile(
        rf"\b(?:the\s+)?(?P<word>{_ORDINAL}|last|final|penultimate|"
        r"second[- ]to[- ]last|next[- ]to[- ]last|opening|closing)"
        rf"(?:\s+(?:shot|one)\b|(?=\s+(?:and|&|with)\s+(?:the\s+)?(?:{_ORDINAL}|last|final)\s+(?:shot|one)s?\b))"
    ),
    re.compile(r"\b(?P<id>s\d+)\b"),
]
_ALL = re.compile(
    r"\b(?:all(?:\s+the)?\s+shots|every\s+shot|each\s+shot|all of them|everything|(?:make\s+)?it\s+all|"
    r"(?:whole|entire)\s+(?:film|thing|reel|story))\b"
)
_IT = re.compile(r"\b(?:it|that(?:\s+shot|\s+one)?|this(?:\s+shot|\s+one)?|the\s+same\s+shot)\b")


class NoSuchShot(LookupError):
    """A message names a shot the project does not have; the text says so for the person."""


@dataclass(frozen=True)
class ShotRef:
    """A shot a message names: its id and 1-based number now, and where in the message."""

    id: str
    number: int
    offset: int


def no_such_shot(project: Project, number: int | str) -> NoSuchShot:
    """The person-facing error for an unknown shot."""
    count = len(project.shots)
    has = f"the project has {count} shot{'s' if count != 1 else ''}" if count else "the project has no shots yet"
    labels = [shot.label for shot in project.shots]
    if labels != [str(n) for n in range(1, count + 1)]:  # labels kept through changes: say which there are
        has = f"the shots are {', '.join(labels[:20])}{', ...' if count > 20 else ''}"
    return NoSuchShot(f"There is no shot {number} — {has}.")


def _number(project: Project, token: str) -> int:
    """The place of the shot a person names by its label ('shot 2A', 'shot three'), as `show` lists it."""
    token = token.strip().lstrip("#")
    label = token.upper().lstrip("0").rjust(1, "0") if token[:1].isdigit() else str(NUMBER_WORDS[token])
    label = "0" + label if label[0].isalpha() else label  # '0a' stays 0A
    for number, shot in enumerate(project.shots, 1):
        if shot.label == label:
            return number
    raise no_such_shot(project, label)


def stretch(anchor: int, rel: str, count: int) -> range:
    """The shot numbers 'after', 'from', 'before' or 'up to' shot `anchor` of `count` name."""
    rel = re.sub(r"\s+", " ", rel)
    return (
        range(anchor + 1, count + 1) if rel in ("after", "following")
        else range(anchor, count + 1) if rel in ("from", "since")
        else range(1, anchor) if rel == "before"
        else range(1, anchor + 1)
    )  # fmt: skip


def find_shots(project: Project, text: str) -> list[ShotRef]:
    """Every shot the text names, in the order named; raises `NoSuchShot` for one that is not there."""
    found: dict[int, ShotRef] = {}
    count = len(project.shots)
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            numbers: list[tuple[int, int]] = []
            if groups.get("rel") or groups.get("onward"):
                anchor = _number(project, groups.get("anchor") or groups["onward"])
                span = stretch(anchor, groups.get("rel") or "from", count)
                numbers += [(match.start() + i, n) for i, n in enumerate(span)]
                text = blank(text, match.start(), match.end())  # its anchor is not a shot named besides
            elif groups.get("half"):
                middle = (count + 1) // 2
                first = groups["half"] in ("first", "front")
                numbers += [
                    (match.start() + i, n)
                    for i, n in enumerate(range(1, middle + 1) if first else range(middle + 1, count + 1))
                ]
            elif groups.get("bare") or groups.get("bare2") or groups.get("bare3"):
                bare = next(g for g in ("bare", "bare2", "bare3") if groups.get(g))
                numbers.append((match.start(bare), _number(project, groups[bare])))
            elif groups.get("pair"):
                for part in re.finditer(r"\d+[a-z]?", groups["pair"]):
                    numbers.append((match.start("pair") + part.start(), _number(project, part.group(0))))
            elif groups.get("low") or groups.get("low2"):
                low = _number(project, groups.get("low") or groups["low2"])
                high = _number(project, groups.get("high") or groups["high2"])
                numbers += [(match.start() + i, n) for i, n in enumerate(range(min(low, high), max(low, high) + 1))]
            elif groups.get("end"):
                token = groups["count"]
                wanted = min(count, int(token) if token.isdigit() else NUMBER_WORDS[token])
                span = (
                    range(1, wanted + 1)
                    if groups["end"] in ("first", "opening")
                    else range(count - wanted + 1, count + 1)
                )
                numbers += [(match.start() + i, n) for i, n in enumerate(span)]
            elif groups.get("list"):
                for part in re.finditer(_NUMBER, groups["list"]):
                    numbers.append((match.start("list") + part.start(), _number(project, part.group(0))))
            elif groups.get("hash"):
                numbers.append((match.start(), _number(project, groups["hash"])))
            elif groups.get("nth"):
                numbers.append((match.start(), _number(project, groups["nth"])))
            elif groups.get("word"):
                word = groups["word"].replace("-", " ")
                if word in ("last", "final", "closing"):
                    value = count
                elif word in ("penultimate", "second to last", "next to last"):
                    value = count - 1
                elif word == "opening":
                    value = 1
                else:
                    value = ORDINALS[word]
                if not 1 <= value <= count:
                    raise no_such_shot(project, value if word in ORDINALS else groups["word"])
                numbers.append((match.start(), value))
            elif groups.get("id"):
                ids = [s.id for s in project.shots]
                if groups["id"] not in ids:
                    has = f"{count} shot{'s' if count != 1 else ''}"
                    raise NoSuchShot(f"There is no shot with id {groups['id']} — the project has {has}.")
                numbers.append((match.start(), ids.index(groups["id"]) + 1))
            for offset, number in numbers:
                if all(ref.number != number for ref in found.values()) and offset not in found:
                    found[offset] = ShotRef(id=project.shots[number - 1].id, number=number, offset=offset)
    return [found[offset] for offset in sorted(found)]


def without_shots(text: str) -> str:
    """The text with every shot reference blanked ('make shots 2 to 4 night' -> 'make            night')."""
    for pattern in [*_PATTERNS, _ALL, _IT]:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def pointed_at_that(text: str) -> str | None:
    """The text with the shots it names by number or place said as 'that shot' ('make shot 6 night'
    -> 'make that shot night', never the whole film), so it can be said again of another shot; None
    when it names none so."""
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            return f"{text[: match.start()]}that shot{text[match.end() :]}"
    return None


def names_all(text: str) -> bool:
    """True when the text means every shot ('all shots', 'make it all dawn', 'everything')."""
    return bool(_ALL.search(text))


def names_it(text: str) -> bool:
    """True when the text points back at the shot last talked about ('it', 'that shot')."""
    return bool(_IT.search(text))


def blank(text: str, start: int, end: int) -> str:
    """The text with a stretch replaced by spaces, so offsets of the rest stay put."""
    return text[:start] + " " * (end - start) + text[end:]


def find_character(project: Project, words: str) -> Character | None:
    """The character the words name: by name, by id, or by a word of an unnamed one ('the girl')."""
    cleaned = re.sub(r"^(?:the|a|an|our|my)\s+", "", words.strip().lower()).strip(" .,!?'\"")
    cleaned = cleaned.removesuffix("'s")
    if not cleaned:
        return None
    for character in project.characters:
        if cleaned in (character.name.lower(), character.id):
            return character
    for character in project.characters:
        if cleaned in character.name.lower().split() or cleaned in character.id.split("-"):
            return character
    return None

"""Declarative checks on story.json, and the field-level diff that edit precision is measured on.

A check is one line a person can read: `shot 3 size == CU`, `changed shots == 1`,
`character Mara shots >= 1`, `total seconds in [50, 70]`. Shots are named by their number in
the story being checked (`shot 3`, `shot last`) or by id (`shot s7`); characters by name or id.
Every check answers (passed, what was found), so a failure explains itself.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from dataclasses import dataclass
from enum import Enum
from typing import Any

from story import Character, Project, Shot

OPERATORS = ("==", "!=", ">=", "<=", ">", "<", "in", "contains", "lacks")
SHOT_FIELDS = {
    "size",
    "angle",
    "movement",
    "lens",
    "lens_mm",
    "duration",
    "frames",
    "time_of_day",
    "light",
    "transition",
    "characters",
    "action",
    "beat",
    "location",
    "scene",
    "id",
    "dialogue",
    "notes",
    "speakers",
    "weather",
    "props",
}
IGNORED_TOP = {"revision", "cut", "next_shot"}


class CheckError(ValueError):
    """A check that cannot be read (a typo in a case file), as opposed to one that fails."""


@dataclass(frozen=True)
class Outcome:
    """One check's result: did it pass, and what was found."""

    check: str
    passed: bool
    found: str


def run_check(check: str, project: Project, before: Project | None = None) -> Outcome:
    """Evaluate one check on `project` (`before` is the story before the turn, for `changed shots`)."""
    try:
        tokens = shlex.split(check)
    except ValueError as exc:
        raise CheckError(f"cannot read check {check!r}: {exc}") from None
    at = next((i for i, t in enumerate(tokens) if t in OPERATORS), None)
    if at is None or at == 0 or at == len(tokens) - 1:
        raise CheckError(f"check {check!r} needs `subject OPERATOR value` with one of {', '.join(OPERATORS)}")
    subject, operator, expected = tokens[:at], tokens[at], " ".join(tokens[at + 1 :])
    try:
        return _evaluate(check, subject, operator, expected, project, before)
    except LookupError as exc:
        return Outcome(check, False, str(exc).strip("'\""))


def _evaluate(
    check: str, subject: list[str], operator: str, expected: str, project: Project, before: Project | None
) -> Outcome:
    head = subject[0].lower()
    fps = project.fps
    if head in ("all", "any") and len(subject) == 3 and subject[1].lower() in ("shots", "shot"):
        values = [_shot_field(shot, subject[2], project) for shot in project.shots]
        results = [_compare(v, operator, expected, fps) for v in values]
        passed = (all(results) if head == "all" else any(results)) and bool(values)
        misses = [n for n, ok in enumerate(results, 1) if not ok]
        found = f"shots {_numbers(misses)} do not" if head == "all" and misses else f"{len(values)} shots"
        if head == "any" and not passed:
            found = f"no shot has it ({', '.join(sorted({_show(v) for v in values}))})"
        return Outcome(check, passed, found)
    value: Any
    if head == "shots" and len(subject) == 1:
        value = len(project.shots)
    elif head == "characters" and len(subject) == 1:
        value = len(project.characters)
    elif head == "locations" and len(subject) == 1:
        value = len(project.locations)
    elif head == "total" and [s.lower() for s in subject[1:]] == ["seconds"]:
        value = total_seconds(project)
    elif head == "changed" and [s.lower() for s in subject[1:]] == ["shots"]:
        if before is None:
            raise CheckError(f"check {check!r} compares with the story before a turn; use it in a turn")
        value = len(changed_shots(before, project))
    elif head in ("title", "genre", "tone", "logline") and len(subject) == 1:
        value = getattr(project.bible, head)
    elif head == "style" and len(subject) == 2:
        value = getattr(project.style, subject[1])
    elif head == "shot" and len(subject) == 3:
        value = _shot_field(find_shot(project, subject[1]), subject[2], project)
    elif head == "character" and len(subject) == 3:
        character = find_character(project, subject[1])
        value = _character_field(character, subject[2], project)
    elif head == "problems" and len(subject) in (1, 2):
        from story.continuity import check as continuity

        found = continuity(project, CanonFromProject())
        value = len([p for p in found if len(subject) == 1 or p.kind == subject[1]])
    else:
        raise CheckError(f"check {check!r}: unknown subject {' '.join(subject)!r}")
    passed = _compare(value, operator, expected, fps)
    return Outcome(check, passed, _show(value))


class CanonFromProject:
    """Descriptions straight from the project (no vector store needed): what memory would hold."""

    def canonical_description(self, project: Project, character_id: str) -> str:
        from memory.documents import canonical_text

        return canonical_text(project, character_id)


def find_shot(project: Project, ref: str) -> Shot:
    """A shot by 1-based number, `last`, or id."""
    ref = ref.lower().lstrip("#")
    if ref in ("last", "final"):
        if not project.shots:
            raise LookupError("the story has no shots")
        return project.shots[-1]
    if ref.isdigit():
        number = int(ref)
        if not 1 <= number <= len(project.shots):
            raise LookupError(f"there is no shot {number}; the story has {len(project.shots)}")
        return project.shots[number - 1]
    for shot in project.shots:
        if shot.id == ref:
            return shot
    raise LookupError(f"there is no shot with id {ref}")


def find_character(project: Project, name: str) -> Character:
    """A character by id, full name, or any word of the name (`Kane` finds "Detective Kane")."""
    wanted = name.lower()
    for character in project.characters:
        if wanted in (character.id, character.name.lower()):
            return character
    for character in project.characters:
        if wanted in character.name.lower().split() or wanted in character.id.split("-"):
            return character
    cast = ", ".join(c.name for c in project.characters) or "nobody"
    raise LookupError(f"no character {name!r} in the cast ({cast})")


def _shot_field(shot: Shot, field: str, project: Project) -> Any:
    name = field.lower()
    if name not in SHOT_FIELDS:
        raise CheckError(f"shots have no field {field!r}; known: {', '.join(sorted(SHOT_FIELDS))}")
    if name == "duration":
        return shot.duration_frames / project.fps
    if name == "frames":
        return shot.duration_frames
    if name in ("lens", "lens_mm"):
        return shot.lens_mm
    if name in ("light", "time_of_day"):
        return shot.time_of_day
    if name == "characters":
        return [project.character(c).name for c in shot.characters] + list(shot.characters)
    if name == "speakers":
        return [project.character(line.speaker).name for line in shot.dialogue]
    if name == "dialogue":
        return " ".join(line.text for line in shot.dialogue)
    if name == "props":
        return [prop.name for prop in shot.props]
    return getattr(shot, name)


def _character_field(character: Character, field: str, project: Project) -> Any:
    name = field.lower()
    if name == "shots":
        return sum(1 for shot in project.shots if character.id in shot.characters)
    if name.startswith("traits."):
        return character.traits.get(name.split(".", 1)[1], "")
    if name in ("name", "description", "id"):
        return getattr(character, name)
    raise CheckError(f"characters have no field {field!r}; known: shots, name, description, id, traits.<part>")


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _show(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return "[" + ", ".join(str(_plain(v)) for v in value) + "]"
    return str(value)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise CheckError(f"{text!r} is not a number") from None


def _compare(value: Any, operator: str, expected: str, fps: int) -> bool:
    value = _plain(value)
    expected = expected.strip()
    if operator == "in":
        match = re.fullmatch(r"\[\s*([-\d.]+)\s*,\s*([-\d.]+)\s*\]", expected)
        if match:
            low, high = float(match[1]), float(match[2])
            return isinstance(value, int | float) and low <= value <= high
        options = [o.strip().lower() for o in expected.strip("[]").split(",")]
        return str(value).lower() in options
    if operator in ("contains", "lacks"):
        if isinstance(value, list):  # an element holds the words: "noir" is in ["film noir", ...]
            words = re.compile(rf"\b{re.escape(expected.lower())}\b")
            present = any(words.search(str(_plain(v)).lower()) for v in value)
        else:
            present = expected.lower() in str(value).lower()
        return present if operator == "contains" else not present
    if isinstance(value, bool | str) or not isinstance(value, int | float):
        text, wanted = str(value).lower(), expected.lower()
        if operator == "==":
            return text == wanted
        if operator == "!=":
            return text != wanted
        raise CheckError(f"{operator} compares numbers, not {value!r}")
    number, wanted_number = float(value), _number(expected)
    slack = 0.5 / fps if isinstance(value, float) else 0.0  # seconds are exact to a frame
    return {
        "==": abs(number - wanted_number) <= slack,
        "!=": abs(number - wanted_number) > slack,
        ">=": number >= wanted_number - slack,
        "<=": number <= wanted_number + slack,
        ">": number > wanted_number + slack,
        "<": number < wanted_number - slack,
    }[operator]


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:8]) + (" ..." if len(numbers) > 8 else "")


def total_seconds(project: Project) -> float:
    """The story's length in seconds: every shot, without the title card."""
    return sum(shot.duration_frames for shot in project.shots) / project.fps


def speaker_outcomes(expected: list[str], project: Project) -> list[Outcome]:
    """One outcome per expected line: the plan's line at that place is said by that character (a name,
    any word of it, or an id); and one failed outcome per line the plan has beyond them."""
    said = [line.speaker for shot in project.shots for line in shot.dialogue]
    found = []
    for number, name in enumerate(expected, 1):
        check = f"line {number} said by {name}"
        if number > len(said):
            found.append(Outcome(check, False, f"the plan has {len(said)} lines"))
            continue
        try:
            wanted = find_character(project, name).id
        except LookupError as exc:
            found.append(Outcome(check, False, str(exc).strip("'\"")))
            continue
        found.append(Outcome(check, said[number - 1] == wanted, project.character(said[number - 1]).name))
    if expected:
        found += [
            Outcome(f"line {n} not in the brief", False, "a line more") for n in range(len(expected) + 1, len(said) + 1)
        ]
    return found


# The diff ---------------------------------------------------------------------------------


def changed_shots(before: Project, after: Project) -> set[str]:
    """Ids of shots added, removed, or with any field changed (takes aside)."""
    old = {s.id: _shot_data(s) for s in before.shots}
    new = {s.id: _shot_data(s) for s in after.shots}
    return {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}


def _shot_data(shot: Shot) -> dict[str, Any]:
    return shot.model_dump(mode="json", exclude={"takes"})


def diff_paths(before: Project, after: Project) -> list[str]:
    """Every field that differs between two stories, as paths: `shot s3.size`, `added shot s13`,
    `removed shot s4`, `order`, `character mara.traits`, `style.look`, `bible.title`."""
    paths: list[str] = []
    old_shots = {s.id: _shot_data(s) for s in before.shots}
    new_shots = {s.id: _shot_data(s) for s in after.shots}
    for shot_id, data in new_shots.items():
        if shot_id not in old_shots:
            paths.append(f"added shot {shot_id}")
            continue
        paths += [f"shot {shot_id}.{k}" for k in data if data[k] != old_shots[shot_id].get(k)]
    paths += [f"removed shot {i}" for i in old_shots if i not in new_shots]
    kept = [i for i in old_shots if i in new_shots]
    if kept != [i for i in new_shots if i in old_shots]:
        paths.append("order")
    for kind, old_items, new_items in (
        ("character", before.characters, after.characters),
        ("location", before.locations, after.locations),
    ):
        old_map = {x.id: x.model_dump(mode="json") for x in old_items}
        new_map = {x.id: x.model_dump(mode="json") for x in new_items}
        for item_id, data in new_map.items():
            if item_id not in old_map:
                paths.append(f"added {kind} {item_id}")
            else:
                paths += [f"{kind} {item_id}.{k}" for k in data if data[k] != old_map[item_id].get(k)]
        paths += [f"removed {kind} {i}" for i in old_map if i not in new_map]
    for part in ("bible", "style"):
        old_part = getattr(before, part).model_dump(mode="json")
        new_part = getattr(after, part).model_dump(mode="json")
        paths += [f"{part}.{k}" for k in new_part if new_part[k] != old_part.get(k)]
    if before.backend != after.backend:
        paths.append("backend")
    if before.metadata != after.metadata:
        paths.append("metadata")
    return paths


def resolve_allowed(patterns: list[str], before: Project) -> list[str]:
    """Allowed-change patterns with shot numbers and character names turned into ids of `before`:
    `shot 3.size` -> `shot s3.size`, `removed shot 4` -> `removed shot s4`, `character Mara` -> `character mara`."""
    resolved = []
    for pattern in patterns:

        def shot_id(match: re.Match[str]) -> str:
            ref = match[2]
            if ref == "*":
                return match[0]
            try:
                return f"{match[1]}{find_shot(before, ref).id}"
            except LookupError:
                return match[0]

        def character_id(match: re.Match[str]) -> str:
            try:
                return f"{match[1]}{find_character(before, match[2]).id}"
            except LookupError:
                return match[0]

        text = re.sub(r"(shot )(\d+|last|\*)(?=$|[.\s])", shot_id, pattern)
        text = re.sub(r"(character )([\w-]+)(?=$|[.\s])", character_id, text)
        resolved.append(text)
    return resolved


def allowed(path: str, patterns: list[str]) -> bool:
    """True when a diff path is covered by a pattern: exact, a glob, or a prefix up to `.` or a space."""
    for pattern in patterns:
        if path == pattern or fnmatch.fnmatchcase(path, pattern):
            return True
        if path.startswith(pattern + ".") or path.startswith(pattern + " "):
            return True
    return False

"""The continuity checker: problems a script supervisor would flag, with shot labels.

Pure: it reads a project (and, when given, what memory says each character looks like) and
returns a list of problems; it changes nothing. Four checks:

- `offscreen-speaker`: a character speaks in a shot but is not in it, and the line is not
  marked voice-over or off-screen;
- `time-of-day`: inside one scene, a location's light changes on a plain cut (a dissolve or a
  fade is the marker that time has passed);
- `screen-direction`: two characters swap sides between shots of one scene (the 180-degree
  rule), unless the shot says the line is crossed on purpose;
- `description`: a shot's action gives a character's garment (or hair, beard, ...) a colour
  other than the one memory remembers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Literal, Protocol

from story.model import Project, Shot, Transition

ProblemKind = Literal["offscreen-speaker", "time-of-day", "screen-direction", "description"]

OFFSCREEN_MARKS = (
    "v.o",
    "vo",
    "o.s",
    "os",
    "o.c",
    "oc",
    "voice-over",
    "voiceover",
    "voice over",
    "off-screen",
    "offscreen",
    "off screen",
    "off-camera",
    "off camera",
)
DELIBERATE_CROSSING = re.compile(
    r"cross(es|ed|ing)?\s+the\s+line|line\s+(is\s+)?crossed|break(s|ing)?\s+the\s+(180|line)|reverse\s+angle\s+on\s+purpose",
    re.IGNORECASE,
)
CROSSING_METADATA_KEY = "crosses_line"

# Colour words grouped into families: "crimson" and "red" agree, "red" and "blue" do not.
COLOUR_FAMILIES = {
    "red": ("red", "crimson", "scarlet", "maroon", "ruby", "burgundy", "cherry", "vermilion"),
    "blue": ("blue", "navy", "azure", "cobalt", "indigo", "sapphire", "cyan", "turquoise"),
    "green": ("green", "olive", "emerald", "jade", "lime"),
    "yellow": ("yellow", "golden", "gold", "mustard", "amber"),
    "orange": ("orange", "rust", "copper", "ginger"),
    "purple": ("purple", "violet", "lilac", "mauve", "plum", "lavender"),
    "pink": ("pink", "rose", "magenta", "fuchsia"),
    "brown": ("brown", "tan", "chocolate", "chestnut", "khaki", "beige", "camel"),
    "black": ("black", "jet", "ebony", "raven"),
    "white": ("white", "ivory", "cream", "snowy"),
    "grey": ("grey", "gray", "silver", "ashen", "charcoal"),
}
COLOUR_FAMILY = {word: family for family, words in COLOUR_FAMILIES.items() for word in words}
GARMENTS = {
    "coat": "coat",
    "overcoat": "coat",
    "raincoat": "coat",
    "jacket": "jacket",
    "dress": "dress",
    "hat": "hat",
    "cap": "hat",
    "scarf": "scarf",
    "shirt": "shirt",
    "blouse": "shirt",
    "sweater": "sweater",
    "jumper": "sweater",
    "cardigan": "sweater",
    "cloak": "cloak",
    "cape": "cloak",
    "boots": "boots",
    "boot": "boots",
    "shoes": "shoes",
    "trousers": "trousers",
    "pants": "trousers",
    "skirt": "skirt",
    "gloves": "gloves",
    "uniform": "uniform",
    "hood": "hood",
    "hoodie": "hood",
    "hair": "hair",
    "beard": "beard",
    "eyes": "eyes",
    "umbrella": "umbrella",
    "bag": "bag",
}
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True)
class Problem:
    """One continuity problem: the shot (1-based number in the list), what kind, what is wrong, and the
    shot's label ('2A'), the name the person sees and the one the problem is told by."""

    shot: int
    kind: ProblemKind
    message: str
    label: str = ""

    def __str__(self) -> str:
        return f"shot {self.label or self.shot}: {self.message}"


class DescriptionSource(Protocol):
    """Anything that knows a character's canonical description (a `ProjectMemory` does)."""

    def canonical_description(self, project: Project, character_id: str) -> str: ...


def check(project: Project, memory: DescriptionSource | None = None) -> list[Problem]:
    """Every continuity problem in the project, ordered by shot; description checks need `memory`."""
    problems = [*_offscreen_speakers(project), *_time_of_day(project), *_screen_direction(project)]
    if memory is not None:
        problems += _descriptions(project, memory)
    labelled = [replace(p, label=project.shots[p.shot - 1].label) for p in problems]
    return sorted(labelled, key=lambda p: (p.shot, p.kind))


# Speakers ---------------------------------------------------------------------------------


def is_offscreen(parenthetical: str) -> bool:
    """True when a line's parenthetical marks it voice-over or off-screen ("V.O.", "(O.S.)")."""
    mark = parenthetical.strip().strip("()").strip().lower().rstrip(".")
    return mark in OFFSCREEN_MARKS or any(m in mark for m in OFFSCREEN_MARKS if len(m) > 3)


def _offscreen_speakers(project: Project) -> list[Problem]:
    names = {c.id: c.name for c in project.characters}
    problems = []
    for number, shot in enumerate(project.shots, 1):
        reported: set[str] = set()
        for line in shot.dialogue:
            if line.speaker in shot.characters or line.speaker in reported or is_offscreen(line.parenthetical):
                continue
            reported.add(line.speaker)
            problems.append(
                Problem(
                    number,
                    "offscreen-speaker",
                    f"{names.get(line.speaker, line.speaker)} speaks but is not in the shot; "
                    "add them to it or mark the line (V.O.) or (O.S.)",
                )
            )
    return problems


# Time of day ------------------------------------------------------------------------------


def _time_of_day(project: Project) -> list[Problem]:
    last_seen: dict[tuple[int, str], tuple[int, Shot]] = {}
    problems = []
    for number, shot in enumerate(project.shots, 1):
        if shot.location is None:
            continue
        key = (shot.scene, shot.location)
        previous = last_seen.get(key)
        if previous is not None and previous[1].time_of_day != shot.time_of_day and shot.transition == Transition.CUT:
            place = project.location(shot.location).name
            problems.append(
                Problem(
                    number,
                    "time-of-day",
                    f"{place} is {previous[1].time_of_day.value} in shot {previous[1].label} but "
                    f"{shot.time_of_day.value} here, in the same scene {shot.scene}, on a plain cut; "
                    "use a dissolve or fade to mark the time passing, or start a new scene",
                )
            )
        last_seen[key] = (number, shot)
    return problems


# Screen direction -------------------------------------------------------------------------


def crosses_deliberately(shot: Shot) -> bool:
    """True when the shot says it crosses the line on purpose (in its notes or metadata)."""
    return bool(shot.metadata.get(CROSSING_METADATA_KEY)) or bool(DELIBERATE_CROSSING.search(shot.notes))


def _screen_direction(project: Project) -> list[Problem]:
    names = {c.id: c.name for c in project.characters}
    # For each scene and pair of characters: which one was on the left last time both were
    # placed, and in which shot. A cutaway holding only one of them does not reset it.
    sides: dict[tuple[int, str, str], tuple[str, int]] = {}
    problems = []
    for number, shot in enumerate(project.shots, 1):
        deliberate = crosses_deliberately(shot)
        placed = sorted(c for c in shot.characters if c in shot.positions)
        for a, b in combinations(placed, 2):
            if shot.positions[a] == shot.positions[b]:
                continue  # one behind the other: no left/right order to keep
            left = a if shot.positions[a] < shot.positions[b] else b
            key = (shot.scene, a, b)
            before = sides.get(key)
            if before is not None and before[0] != left and not deliberate:
                right = b if left == a else a
                problems.append(
                    Problem(
                        number,
                        "screen-direction",
                        f"{names[left]} and {names[right]} swap sides after shot {project.shots[before[1] - 1].label} "
                        f"({names[right]} was on the left); this crosses the 180-degree line. Keep "
                        "their sides, or note that the line is crossed on purpose",
                    )
                )
            sides[key] = (left, number)
    return problems


# Descriptions -----------------------------------------------------------------------------


def coloured_things(text: str) -> dict[str, str]:
    """Garment -> colour family for every "colour ... garment" phrase in the text."""
    words = _WORD.findall(text.lower())
    found: dict[str, str] = {}
    for index, word in enumerate(words):
        family = COLOUR_FAMILY.get(word)
        if family is None:
            continue
        for ahead in words[index + 1 : index + 4]:
            if ahead in GARMENTS:
                found.setdefault(GARMENTS[ahead], family)
                break
            if ahead in COLOUR_FAMILY or ahead in ("and", "with", "but", "in", "on", "of"):
                break
    return found


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+", text) if s.strip()]


def _descriptions(project: Project, memory: DescriptionSource) -> list[Problem]:
    remembered: dict[str, dict[str, str]] = {}
    problems = []
    for number, shot in enumerate(project.shots, 1):
        if not shot.action or not shot.characters:
            continue
        people = [project.character(c) for c in shot.characters]
        # A sentence belongs to the character it names; one that names nobody ("She wears ...")
        # to the last one named, or to the only character in the shot.
        current = people[0].id if len(people) == 1 else None
        for sentence in _sentences(shot.action):
            lowered = sentence.lower()
            named = [p.id for p in people if re.search(rf"\b{re.escape(p.name.lower())}\b", lowered)]
            if len(named) == 1:
                current = named[0]
            elif len(named) > 1:
                current = None  # two people in one sentence: whose coat is it? Do not guess.
            if current is None:
                continue
            if current not in remembered:
                remembered[current] = coloured_things(memory.canonical_description(project, current))
            for garment, colour in coloured_things(sentence).items():
                known = remembered[current].get(garment)
                if known is not None and known != colour:
                    name = project.character(current).name
                    problems.append(
                        Problem(
                            number,
                            "description",
                            f"the action gives {name} a {colour} {garment}, but memory says {name}'s "
                            f"{garment} is {known}",
                        )
                    )
    return problems

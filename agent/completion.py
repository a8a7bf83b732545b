"""A model's plan held against the brief it was made from.

A small model may plan a story that leaves out who the brief names, or say nothing of the brief
itself. Such a plan is completed from the person's words (the bible keeps the brief as given) and
from the offline reading of the same brief (a named character the model left out joins the cast,
and the shots whose words name them); what is in frame (props, weather, acting), which a planning
turn is not shown, is read from each shot's own words. A plan that puts no one in any shot while
the brief has a cast is refused, with the reason, so the offline planner plans it instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.director import DirectorError
from story import Character, ReplaceStory, Shot


@dataclass
class Completed:
    """A plan after completion, and what was added to it, one line each (for the person)."""

    story: ReplaceStory
    notes: list[str] = field(default_factory=list)


def complete_plan(story: ReplaceStory, brief: str, reading: ReplaceStory) -> Completed:
    """`story` (the model's plan) with the brief kept and the brief's named characters in it.

    `reading` is the offline director's plan of the same brief: who the brief names. Raises
    `DirectorError` when the model's shots hold no one at all and the reading has a cast in its shots.
    """
    bible = story.bible if story.bible.brief.strip() else story.bible.model_copy(update={"brief": brief})
    cast = list(story.characters)
    shots = list(story.shots)
    added: list[str] = []
    for wanted in reading.characters:
        if any(_same_person(wanted, have) for have in cast):
            continue
        newcomer = wanted.model_copy(update={"id": _free_id(wanted.id, {c.id for c in cast})})
        cast.append(newcomer)
        shown = [n for n, shot in enumerate(shots, 1) if _names(newcomer, shot)]
        shots = [
            shot.model_copy(update={"characters": [*shot.characters, newcomer.id]}) if n in shown else shot
            for n, shot in enumerate(shots, 1)
        ]
        where = f"in shot{'s' if len(shown) > 1 else ''} {_numbers(shown)}" if shown else "in no shot yet"
        added.append(f"{newcomer.name} ({where})")
    peopled = any(shot.characters for shot in shots)
    read_peopled = any(shot.characters for shot in reading.shots)
    if not peopled and read_peopled:
        names = ", ".join(c.name for c in reading.characters[:4])
        raise DirectorError(f"the model's plan puts no one in {_its(len(shots))}, though the brief has {names}")
    shots = [_in_frame(shot) for shot in shots]
    notes = []
    if added:
        notes.append("the model's plan left out " + "; ".join(added) + ": added from the brief")
    completed = story.model_copy(update={"bible": bible, "characters": cast, "shots": shots})
    return Completed(ReplaceStory.model_validate(completed.model_dump()), notes)


def _in_frame(shot: Shot) -> Shot:
    """A shot the model said nothing of in frame (no props, weather or acting: a planning turn is not
    shown them) gets what its own words call for, as the offline director reads them."""
    if shot.props or shot.acting or "weather" in shot.model_fields_set:
        return shot
    from agent.offline.in_frame import read_in_frame

    said = " ".join([shot.action, *(line.text for line in shot.dialogue)])
    found = read_in_frame(said, list(shot.characters))
    changes: dict[str, object] = {"props": found.props, "acting": found.acting}
    if found.weather is not None:
        changes["weather"] = found.weather
    return shot.model_copy(update=changes)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


_TITLES = {"the", "a", "an", "old", "young", "little", "mr", "mrs", "ms", "miss", "dr", "sir", "lady", "captain"}


def _same_person(wanted: Character, have: Character) -> bool:
    """The model's character is the brief's: the same id, or a name word in common ("Tomas", "Old Tomas")."""
    if wanted.id == have.id:
        return True
    mine, theirs = _words(wanted.name) - _TITLES, _words(have.name) - _TITLES
    return bool(mine and theirs and mine & theirs)


def _names(character: Character, shot: Shot) -> bool:
    """The shot's words name the character (by any word of their name past a title)."""
    said = " ".join([shot.action, shot.beat, shot.notes, *(line.text for line in shot.dialogue)])
    return bool((_words(character.name) - _TITLES) & _words(said))


def _free_id(wanted: str, taken: set[str]) -> str:
    chosen, n = wanted, 2
    while chosen in taken:
        chosen, n = f"{wanted}-{n}", n + 1
    return chosen


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:-1]) + (" and " if len(numbers) > 1 else "") + str(numbers[-1])


def _its(count: int) -> str:
    """'its only shot', 'any of its 3 shots'."""
    return "its only shot" if count == 1 else f"any of its {count} shots"

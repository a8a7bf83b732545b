"""Questions about the story answered from story.json, with no model: who is in a shot, what
happens in it, where and when it is, who says what, which shots a character is in, how long the
film or a shot runs, how many shots there are, what the film is called.

`answer` returns the reply, or None when the words are not a question this reads (they then go on
to the edit grammar). Answers never change the project.
"""

from __future__ import annotations

import re

from agent.offline.addressing import find_character, find_shots
from story import Project, Shot

_ASKING = re.compile(r"^(?:who|what|what's|whats|where|when|which|how|is|are|does|do|tell me|describe|list)\b|\?\s*$")
_ASKED_OF = re.compile(r"\b(?:versions?|takes?|variations?|ways|surprise|branch(?:es)?)\b")  # asks for work, not facts
_WHO_IN = re.compile(r"\bwho(?:'s| is| are|)\s+(?:in|on screen in|appears? in|shown in|seen in)\b|\bwho appears\b")
_WHO_SPEAKS = re.compile(r"\bwho\s+(?:speaks|talks|says|is speaking|is talking|has lines)\b")
_WHAT_SAYS = re.compile(r"^what\s+(?:does|did)\s+(?P<who>.+?)\s+(?:say|said)\b")
_WHAT = re.compile(r"\bwhat\s+(?:happens|is happening|goes on|is going on|do we see|is)\b|\bdescribe\b|\bwhat's\b")
_WHERE = re.compile(r"\bwhere\b|\bwhen\b|\bwhat time\b|\bwhat place\b")
_WHICH_SHOTS = re.compile(
    r"^(?:which|what)\s+shots?\s+(?:is|are|has|have|does|do|shows?|features?)\s+(?P<who>.+?)"
    r"(?:\s+(?:in|appear in|appears? in|show up in|speak in|speaks? in))?\s*\??$|"
    r"^(?:where|when)\s+(?:is|does|do|are)\s+(?P<who2>.+?)\s+(?:appear|seen|show up|shown|in the film|in it)\b"
)
_HOW_LONG = re.compile(r"\bhow\s+long\b|\bduration\b|\bruntime\b|\brunning time\b|\blength\b")
_HOW_MANY = re.compile(r"\bhow\s+many\s+(?P<what>shots|characters|people|scenes|places|locations|lines)\b")
_TITLE = re.compile(
    r"\bwhat(?:'s| is)\s+(?:the\s+)?(?:film|reel|story|movie)\s+called\b|\bwhat(?:'s| is)\s+the\s+title\b"
)


def answer(project: Project, text: str) -> str | None:
    """The answer to a question about the story, or None when `text` is not one of these questions."""
    said = " ".join(text.lower().split()).rstrip(" .!")
    if not _ASKING.search(said) or _ASKED_OF.search(said) or not project.shots:
        return None
    if _TITLE.search(said):
        return f"It is called “{project.bible.title}”." if project.bible.title else "It has no title yet."
    if counted := _HOW_MANY.search(said):
        return _how_many(project, counted.group("what"))
    if (which := _WHICH_SHOTS.search(said.rstrip("?"))) and not find_shots(project, said):
        character = find_character(project, which.group("who") or which.group("who2") or "")
        if character is not None:
            return _shots_of(project, character.id, character.name)
    if said_by := _WHAT_SAYS.search(said):
        character = find_character(project, said_by.group("who"))
        if character is not None:
            return _lines_of(project, character.id, character.name, find_shots(project, said))
    shots = [project.shots[ref.number - 1] for ref in find_shots(project, said)]
    if _HOW_LONG.search(said):
        return _how_long(project, shots)
    if not shots:
        return None
    if _WHO_SPEAKS.search(said):
        return " ".join(_speakers(project, shot) for shot in shots)
    if _WHO_IN.search(said):
        return " ".join(_cast(project, shot) for shot in shots)
    if _WHERE.search(said) and not _WHAT.search(said):
        return " ".join(_where(project, shot) for shot in shots)
    if _WHAT.search(said) or said.startswith(("tell me", "describe")):
        return "\n".join(_describe(project, shot) for shot in shots)
    return None


def _names(project: Project, ids: list[str]) -> list[str]:
    names = {c.id: c.name for c in project.characters}
    return [names.get(i, i) for i in ids]


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _cast(project: Project, shot: Shot) -> str:
    names = _names(project, shot.characters)
    return f"Shot {shot.label}: {_listed(names)}." if names else f"No one is in shot {shot.label}."


def _speakers(project: Project, shot: Shot) -> str:
    names = list(dict.fromkeys(_names(project, [line.speaker for line in shot.dialogue])))
    return f"In shot {shot.label}: {_listed(names)}." if names else f"No one speaks in shot {shot.label}."


def _place(project: Project, shot: Shot) -> str:
    places = {location.id: location.name for location in project.locations}
    return places.get(shot.location or "", "no place set")


def _where(project: Project, shot: Shot) -> str:
    return f"Shot {shot.label}: {_place(project, shot)}, {shot.time_of_day.value}."


def _describe(project: Project, shot: Shot) -> str:
    seconds = project.seconds(shot.duration_frames)
    head = f"Shot {shot.label} ({shot.size.value}, {seconds:.1f}s, {_place(project, shot)}, {shot.time_of_day.value})"
    lines = " ".join(
        f"{name}: “{line.text}”"
        for name, line in zip(_names(project, [d.speaker for d in shot.dialogue]), shot.dialogue, strict=True)
    )
    cast = _names(project, shot.characters)
    return f"{head}: {shot.action}" + (f" With {_listed(cast)}." if cast else "") + (f" {lines}" if lines else "")


def _shots_of(project: Project, character_id: str, name: str) -> str:
    labels = [shot.label for shot in project.shots if character_id in shot.characters]
    if not labels:
        return f"{name} is in no shot."
    return f"{name} is in shot{'s' if len(labels) > 1 else ''} {_listed(labels)}."


def _lines_of(project: Project, character_id: str, name: str, refs: list) -> str:
    wanted = {ref.id for ref in refs}
    said = [
        f"shot {shot.label}: “{line.text}”"
        for shot in project.shots
        if not wanted or shot.id in wanted
        for line in shot.dialogue
        if line.speaker == character_id
    ]
    return f"{name} says " + "; ".join(said) + "." if said else f"{name} says nothing there."


def _how_long(project: Project, shots: list[Shot]) -> str:
    if shots:
        return " ".join(f"Shot {s.label} runs {project.seconds(s.duration_frames):.1f}s." for s in shots)
    frames = sum(shot.duration_frames for shot in project.shots)
    count = len(project.shots)
    return f"The shots run {project.seconds(frames):.1f}s in all ({count} shot{'s' if count != 1 else ''})."


def _how_many(project: Project, what: str) -> str:
    if what == "shots":
        count = len(project.shots)
        return f"{count} shot{'s' if count != 1 else ''}."
    if what in ("characters", "people"):
        names = [c.name for c in project.characters]
        return f"{len(names)}: {_listed(names)}." if names else "No characters yet."
    if what == "scenes":
        count = len({shot.scene for shot in project.shots})
        return f"{count} scene{'s' if count != 1 else ''}."
    if what in ("places", "locations"):
        names = [location.name for location in project.locations]
        return f"{len(names)}: {_listed(names)}." if names else "No places yet."
    count = sum(len(shot.dialogue) for shot in project.shots)
    return f"{count} line{'s' if count != 1 else ''} of dialogue."

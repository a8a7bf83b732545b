"""The offline director's command grammar: one plain-English instruction → typed edits.

Each `_command` function reads one clause and returns a `Step` (edits and a short summary),
None when the clause is not its kind, or raises `Refusal` when it is its kind but cannot be
done (an unknown shot, a lens of 2 mm). docs/directing.md lists what people can say.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from agent.offline.addressing import (
    Refusal,
    ShotRef,
    blank,
    find_character,
    find_shots,
    names_all,
    names_it,
    no_such_shot,
    without_shots,
)
from agent.offline.in_frame import read_in_frame
from agent.offline.selection import FINDERS, by_content, by_light, by_size, by_subject
from agent.offline.shots import action_seconds, seed_for, shorten
from agent.offline.vocabulary import (
    ANGLE_WORDS,
    EVERYDAY_CAMERA,
    LENS_LADDER,
    LENS_WORDS,
    MOVEMENT_WORDS,
    NUMBER_WORDS,
    ORDINALS,
    SIZE_WORDS,
    TIME_WORDS,
    TRANSITION_WORDS,
)
from story import (
    AddShot,
    Angle,
    AnyEdit,
    Character,
    MoveShot,
    Project,
    RemoveShot,
    RenumberShots,
    Shot,
    ShotChanges,
    ShotSize,
    TimeOfDay,
    Transition,
    UpdateShot,
    apply,
)
from story.model import MAX_SHOT_FRAMES, MIN_SHOT_FRAMES, Prop, PropPlace, Weather

SIZES_TIGHT_TO_WIDE = [ShotSize.ECU, ShotSize.CU, ShotSize.MCU, ShotSize.MS, ShotSize.MWS, ShotSize.WS, ShotSize.EWS]


@dataclass(frozen=True)
class Step:
    """What one clause does: its edits, a few words for the reply, and the shot it was about."""

    edits: list[AnyEdit]
    summary: str
    shot_id: str | None = None


Command = Callable[[Project, str, "Context"], Step | None]


@dataclass
class Context:
    """What a clause may lean on: the shot and the character talked about last (for 'make it longer',
    'make her hair grey'), and a way to find who a description means ('the girl in the red coat' -> mara)
    when no name is said."""

    last_shot: str | None = None
    last_character: str | None = None
    last_clause: str | None = None
    resolve_character: Callable[[str, Project], str | None] | None = None


def _words(phrase: str) -> str:
    return r"(?<![\w-])" + re.escape(phrase).replace(r"\ ", r"[\s-]+") + r"(?![\w-])"


@cache
def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(_words(phrase))  # the tables hold hundreds of phrases: more than re's own cache keeps


def _find(table: list[tuple[str, object]], text: str) -> tuple[object, re.Match[str]] | None:
    for phrase, value in table:
        match = _pattern(phrase).search(text)
        if match:
            return value, match
    return None


@cache
def _phrases(field: str) -> list[tuple[str, object]]:
    """Every phrase that sets `field` (film words and everyday ones), longest first."""
    film: dict[str, list[tuple[str, object]]] = {
        "angle": list(ANGLE_WORDS),
        "movement": list(MOVEMENT_WORDS),
        "time_of_day": list(TIME_WORDS.items()),
    }
    everyday = [(p, v) for p, f, v in EVERYDAY_CAMERA if f == field]
    return sorted([*film.get(field, []), *everyday], key=lambda p: -len(p[0]))


def _said(field: str, text: str) -> tuple[object, re.Match[str], str] | None:
    """The value `field` is given by every phrase of it in the text ('from the ground, looking up':
    low, said twice), the first phrase's match, and the text without them; None when none is said.
    Phrases that disagree ('from above looking up') are refused, never one picked."""
    found = _find(_phrases(field), text)
    if found is None:
        return None
    value, first = found
    while found is not None:
        if found[0] != value:
            said = getattr(value, "value", value)
            other = getattr(found[0], "value", found[0])
            raise Refusal(
                f"“{first.group(0)}” is {said} but “{found[1].group(0)}” is {other}; say one {field.replace('_', ' ')}."
            )
        text = blank(text, found[1].start(), found[1].end())
        found = _find(_phrases(field), text)
    return value, first, text


_RELATIVE = re.compile(
    r"\bthe\s+(?P<side>next|following|previous|preceding|prior)\s+(?:shot|one)\b"
    r"|\bthe\s+(?:shot|one)\s+(?P<side2>before|after)(?:\s+(?:that|it|this)(?:\s+(?:one|shot))?)?(?!\s*(?:the|shot|\d|#))\b"
    r"|\bthe\s+(?P<side3>next|following|previous|preceding)\s+(?P<count>two|three|four|five|[2-9])(?:\s+(?:shots|ones))?\b"
)
_FORWARD = ("next", "following", "after")


def relative_shots(project: Project, text: str, context: Context) -> tuple[list[ShotRef], str] | None:
    """'the next shot', 'the one before', 'the previous shot': a neighbour of the shot talked about last."""
    match = _RELATIVE.search(text)
    if not match:
        return None
    if not context.last_shot or all(s.id != context.last_shot for s in project.shots):
        raise Refusal(f"“{match.group(0)}” of which shot? Name it, e.g. 'shot 3'.")
    number = project.shot_number(context.last_shot)
    step = 1 if (match.group("side") or match.group("side2") or match.group("side3")) in _FORWARD else -1
    if match.group("count"):  # "the next two": that many neighbours, all inside the film
        count = int(NUMBER_WORDS.get(match.group("count"), match.group("count")))
        numbers = [number + step * k for k in range(1, count + 1)]
        if not all(1 <= n <= len(project.shots) for n in numbers):
            label = project.shot(context.last_shot).label
            raise Refusal(f"Shot {label} has no {count} shots {'after' if step > 0 else 'before'} it.")
        refs = [ShotRef(id=project.shots[n - 1].id, number=n, offset=match.start()) for n in sorted(numbers)]
        return refs, blank(text, match.start(), match.end())
    if not 1 <= number + step <= len(project.shots):
        raise Refusal(
            f"Shot {project.shot(context.last_shot).label} has no shot {'after' if step > 0 else 'before'} it."
        )
    ref = ShotRef(id=project.shots[number + step - 1].id, number=number + step, offset=match.start())
    return [ref], blank(text, match.start(), match.end())


def select_shots(project: Project, text: str, context: Context) -> tuple[list[ShotRef], str] | None:
    """Shots named by what they hold ('every close-up', 'in the kitchen', 'scene 2', "Mara's shots",
    'the moth shot'), or by where they stand from the shot talked about last ('the next shot'), and
    the text with those words blanked; None when the text names none so."""
    relative = relative_shots(project, text, context)
    if relative:
        return relative
    for finder in FINDERS:
        found = finder(project, text)
        if found:
            return found
    return by_content(project, text) or by_subject(project, text)


_THAT_SHOT = re.compile(r"\b(?:that|this|the same)\s+(?:shot|one)\b")


def target_shots(
    project: Project, text: str, context: Context, what: str, *, whole_film: bool = False
) -> list[ShotRef]:
    """The shots a property change is for: those named, 'all', or the one talked about last; with
    `whole_film` (light, weather, pace: what a film can have as a whole) every shot when none is named."""
    refs = find_shots(project, text)
    if refs:
        return refs
    selected = select_shots(project, text, context)  # "every shot in the shop": the shop's, not all
    if selected:
        return selected[0]
    if names_all(text):
        return [ShotRef(id=s.id, number=n, offset=0) for n, s in enumerate(project.shots, 1)]
    if whole_film and not _THAT_SHOT.search(text):
        return [ShotRef(id=s.id, number=n, offset=0) for n, s in enumerate(project.shots, 1)]
    if (
        context.last_shot
        and any(s.id == context.last_shot for s in project.shots)
        and (names_it(text) or len(text.split()) <= 4)
    ):
        number = project.shot_number(context.last_shot)
        return [ShotRef(id=context.last_shot, number=number, offset=0)]
    if len(project.shots) == 1:
        return [ShotRef(id=project.shots[0].id, number=1, offset=0)]
    raise Refusal(f"Which shot should {what}? Name it, e.g. 'shot 3', 'the last shot' or 'all shots'.")


def _shot_list(refs: list[ShotRef], project: Project | None = None) -> str:
    """'shot 2A', 'shots 2, 3', 'shots 2-5': by the labels the person sees when `project` is given."""
    numbers = sorted(r.number for r in refs)
    names = [project.shots[n - 1].label if project else str(n) for n in numbers]
    if len(numbers) > 3 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"shots {names[0]}-{names[-1]}"
    if len(numbers) > 6:
        return f"{len(refs)} shots"
    return ("shot " if len(refs) == 1 else "shots ") + ", ".join(names)


# Durations ------------------------------------------------------------------------------------

_AMOUNT = (
    r"(?P<amount>\d+(?:\.\d+)?|half a|a couple of|a couple|a few|another|an?|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|twelve|fifteen|twenty)"
)
_MORE = r"(?:\s*(?P<more>more|extra|additional|further))?"
_SECONDS = re.compile(rf"(?:\bby\s+)?(?<![\w.]){_AMOUNT}{_MORE}\s*(?:-\s*)?(?:s|sec|secs|seconds?)\b")
_FRAMES = re.compile(r"(?<![\w.])(?P<amount>\d+)\s*(?:frames?|f)\b")
_BARE_AMOUNT = re.compile(
    r"\bby\s+(?P<amount>\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten)\b(?!\s*(?:%|x)\b)"
)
_MINUTES = re.compile(rf"(?:\bby\s+)?(?<![\w.]){_AMOUNT}{_MORE}\s*(?:-\s*)?(?:min|mins|minutes?)\b")
# A length said of the whole film is its total, shared among the shots in proportion, not each shot's.
_WHOLE_FILM = re.compile(r"\b(?:whole|entire)\s+(?:film|thing|reel|story)\b|\b(?:in total|overall|total length)\b")


def _seconds_of(amount: str) -> float:
    if amount == "half a":
        return 0.5
    if amount.startswith("a couple"):
        return 2.0
    if amount == "a few":
        return 3.0
    if amount == "another":
        return 1.0
    return float(amount) if amount[0].isdigit() else float(NUMBER_WORDS[amount])


_TO_LENGTH = re.compile(
    r"\b(?:trim|cut|shorten|chop|clip|lengthen|extend|stretch)\b.*?\bshot\s+#?\d+[a-z]?\s+(?:down\s+|up\s+|back\s+)?"
    r"to\s+(?P<amount>\d+(?:\.\d+)?)\s*$"
)
"""'trim shot 3 to 2': one shot (said 'shot', not 'shots') and a length verb, so the number is seconds."""


def _duration(project: Project, text: str) -> tuple[str, float, str] | None:
    """('set'|'add'|'scale', value, text without the amount) for a duration in the clause."""
    longer = re.search(
        r"\b(longer|extend|lengthen|more time|slower|hold|linger|lingers|dwell|stay on|stay longer|let it breathe|"
        r"draw out|stretch out|stretch|too short|hang|hang on)\b",
        text,
    )
    shorter = re.search(
        r"\b(shorter|trim|shorten|tighten|less time|quicker|faster|snappier|cut|clip|chop|shave|knock|lop|"
        r"too long|drags)\b",
        text,
    )
    if re.search(r"\b(twice as long|double the length|double it|double)\b", text):
        return "scale", 2.0, text
    to_length = _TO_LENGTH.search(text)
    if to_length:  # "cut shot 3 to 2": a length, not shots 2 to 3
        return "set", float(to_length.group("amount")), blank(text, to_length.start("amount"), to_length.end("amount"))
    if re.search(r"\b(half as long|halve|half the length|(?:by|in) half(?!\s+(?:a|an)\b))\b", text):
        return "scale", 0.5, text
    match = _SECONDS.search(text) or _FRAMES.search(text) or _MINUTES.search(text)
    if match is None and (longer or shorter):  # "longer by 2": seconds, the unit said before or not at all
        match = _BARE_AMOUNT.search(text)
    if match:
        value = _seconds_of(match.group("amount"))
        if match.re is _FRAMES:
            value = value / project.fps
        elif match.re is _MINUTES:
            value *= 60
        rest = blank(text, match.start(), match.end())
        if re.search(r"\b(?:to|down to|up to|at|like|about|around|roughly|say|maybe)\s*$", text[: match.start()]):
            return ("total" if _WHOLE_FILM.search(text) else "set"), value, rest  # "trim shot 4 to 3 seconds"
        if shorter or re.search(r"\b(?:off|lose|drop|take away)\b", text):  # "a second off shot 1", "lose 2 seconds"
            return "add", -value, rest
        more = match.groupdict().get("more") or match.group("amount") == "another"
        if longer or more or re.search(r"\b(?:add|give)\b|\+", text):
            return "add", value, rest  # "give shot 1 two more seconds"
        return ("total" if _WHOLE_FILM.search(text) else "set"), value, rest
    if longer:
        return "add", 1.0, text
    if shorter:
        return "add", -1.0, text
    return None


def _frames(project: Project, seconds: float) -> int:
    return max(MIN_SHOT_FRAMES, min(MAX_SHOT_FRAMES, round(seconds * project.fps)))


# Shot properties ------------------------------------------------------------------------------


def shot_properties(project: Project, text: str, context: Context) -> Step | None:
    """Size, angle, movement, lens, length and light of one or more shots, in any mix."""
    clause = text
    chosen = by_size(project, text) or by_light(project, text)  # "every close-up", "the night shots"
    if chosen:
        text = chosen[1]
    changes: dict[str, object] = {}
    words: list[str] = []
    lens_step, text = _lens(text, changes, words)  # before lengths: "a longer lens" is not a longer shot
    duration = _duration(project, text)
    if duration:
        text = duration[2]
    pace = felt = None
    for pattern, angle in ((_SEEN_BY, Angle.POV), (_OVER_SHOULDER, Angle.OVER_THE_SHOULDER)):
        seen_by = pattern.search(text)  # "through Bjorn's eyes", "over Rosa's shoulder": whoever's it is
        if seen_by and "angle" not in changes:
            changes["angle"], text = angle, blank(text, seen_by.start(), seen_by.end())
            words.append(angle.value)
    for field in ("angle", "movement", "time_of_day"):
        said = _said(field, text)
        if said and field in changes and changes[field] != said[0]:
            raise Refusal(f"“{said[1].group(0)}” is not {getattr(changes[field], 'value', '')}; say one {field}.")
        if said:
            changes[field], match, text = said
            words.append(f"{getattr(changes[field], 'value', changes[field])}")
            if field == "movement":
                pace, text = _move_pace(text, match.start(), match.end())
                text = _PURPOSE.sub(lambda m: " " * len(m.group(0)), text)  # "pull back to show the room"
                text = _along(text, match)  # "pan across the pier": the way it goes
    found = _find(SIZE_WORDS, text)  # type: ignore[arg-type]
    step = None
    subject = None
    framing = None
    if found:
        changes["size"] = found[0]
        words.append(str(getattr(found[0], "value", found[0])))
        subject, text = _framed(project, text, found[1].end())
        text = blank(text, found[1].start(), found[1].end())
    else:
        framing, text = _framing(text)  # "on her face", "from the waist up", "show the whole room"
        trimmed = duration is not None and re.search(r"\b(?:cut|trim|edit|chop|clip)\b", text)
        if re.search(r"\b(closer|tighter|tighten the frame|punch in)\b", text) and not trimmed:
            step = -1  # "cut shot 6 tighter" is an editor's tighter: a trim, read with the length
        elif re.search(r"\b(wider|looser|further back|farther back)\b", text):
            step = 1
        if step is not None or framing is not None:
            subject, text = _closer_to(project, text)
        if framing is not None:
            words.append(f"{framing.value}")
    if not changes and duration is None and step is None and framing is None and lens_step is None:
        felt, text = _shot_pace(text)
        if felt is None:
            return None
        duration = ("scale", felt, text)
    whole_film = set(changes) <= {"time_of_day"} and step is None and duration is None and framing is None
    whole_film = whole_film and lens_step is None
    someone = None
    if changes.keys() & {"angle", "movement"}:
        someone, text = _camera_on(project, text)
    if chosen:
        refs = chosen[0]
    elif someone is not None and not find_shots(project, text):
        refs = _shots_with(project, someone)
        words.append(f"every shot with {someone.name}")
    else:
        selected = None if find_shots(project, text) else select_shots(project, text, context)
        refs = selected[0] if selected else target_shots(project, text, context, "change", whole_film=whole_film)
        text = selected[1] if selected else text
    if changes.keys() & {"angle", "movement"} or step is not None or framing is not None:
        text = _on_a_thing_in(project, refs, text)  # "a wider shot of the pier", "low angle on the lamp"
    _read_whole(clause, text, duration is not None)
    total = duration[1] if duration is not None and duration[0] == "total" else None
    if duration is not None and total is not None:  # scale every shot named so their sum is the length
        now = sum(project.shot(ref.id).duration_frames for ref in refs) / project.fps
        duration = ("scale", total / now, duration[2])
    if pace is not None and duration is None:
        duration = ("scale", pace, text)
    edits: list[AnyEdit] = []
    for ref in refs:
        shot = project.shot(ref.id)
        own = dict(changes)
        if step is not None or framing is not None:
            own["size"] = _resized(shot.size, step, framing)
        if lens_step is not None:
            own["lens_mm"] = _lens_stepped(shot.lens_mm, lens_step)
        if duration is not None:
            kind, value, _ = duration
            seconds = shot.duration_frames / project.fps
            seconds = value if kind == "set" else seconds + value if kind == "add" else seconds * value
            own["duration_frames"] = _frames(project, seconds)
        if subject is not None:
            own.update(_subject_changes(project, shot, subject, own.get("size", shot.size)))  # type: ignore[arg-type]
        edits.append(UpdateShot(shot_id=ref.id, changes=ShotChanges(**own)))
    if step is not None:
        words.append("tighter" if step < 0 else "wider")
    if lens_step is not None:
        words.append("longer lens" if lens_step > 0 else "wider lens")
    if subject is not None:
        words.append(f"framed on {subject}")
    if pace is not None:
        words.append(f"{'slower' if pace > 1 else 'quicker'} move (the shot x{pace:g} long)")
    elif felt is not None:
        words.append(f"{'slower' if felt > 1 else 'quicker'} (the shot x{felt:g} long)")
    said_by_pace = pace is not None and duration is not None and duration[0] == "scale" and duration[1] == pace
    if duration is not None and felt is None and not said_by_pace:
        kind, value, _ = duration
        words.append(
            f"{total:g}s in total"
            if total is not None
            else f"{value:g}s long"
            if kind == "set"
            else f"x{value:g} length"
            if kind == "scale"
            else f"{'+' if value > 0 else ''}{value:g}s"
        )
    return Step(edits, f"{_shot_list(refs, project)}: {', '.join(words)}", refs[-1].id if len(refs) == 1 else None)


def _lens(text: str, changes: dict[str, object], words: list[str]) -> tuple[int | None, str]:
    """A focal length said ('85mm', 'a telephoto') into `changes`, or a step along LENS_LADDER ('a
    longer lens': +1, 'a wider lens': -1), and the text without those words."""
    stepped = _said("lens", text)
    step: int | None = None
    if stepped:
        step, text = int(stepped[0]), stepped[2]  # type: ignore[call-overload]
    lens = re.search(r"(?<![\w.])(\d{1,4})\s*-?\s*mm\b", text)
    if lens:
        millimetres = int(lens.group(1))
        if not 8 <= millimetres <= 600:
            raise Refusal(f"A {millimetres}mm lens is out of range; use 8 to 600mm.")
        changes["lens_mm"], text = millimetres, blank(text, lens.start(), lens.end())
        words.append(f"{millimetres}mm lens")
        return None, text
    found = _find(LENS_WORDS, text)  # type: ignore[arg-type]
    if found:
        changes["lens_mm"], text = found[0], blank(text, found[1].start(), found[1].end())
        words.append(f"{found[0]}mm lens")
        return None, text
    return step, text


def _lens_stepped(millimetres: int, step: int) -> int:
    if step > 0:
        return next((m for m in LENS_LADDER if m > millimetres), max(millimetres, LENS_LADDER[-1]))
    return next((m for m in reversed(LENS_LADDER) if m < millimetres), min(millimetres, LENS_LADDER[0]))


def _resized(size: ShotSize, step: int | None, framing: ShotSize | None) -> ShotSize:
    """The size a shot gets from 'tighter'/'wider' (one step), a framing said ('on her face': a
    close-up), or both ('tighter on her face': the framing, or one step tighter where the shot
    already holds less than it)."""
    here = SIZES_TIGHT_TO_WIDE.index(size)
    stepped = SIZES_TIGHT_TO_WIDE[max(0, min(len(SIZES_TIGHT_TO_WIDE) - 1, here + (step or 0)))]
    if framing is None:
        return stepped
    there = SIZES_TIGHT_TO_WIDE.index(framing)
    if step is not None and (there - here) * step <= 0:
        return stepped
    return framing


_SEEN_BY = re.compile(
    r"\b(?:through|from|with)\s+[a-z][\w-]*'s\s+(?:eyes|point\s+of\s+view|pov|view|perspective)\b"
    r"|\b(?:as|what)\s+[a-z][\w-]*\s+sees(?:\s+it)?\b"
)
"""A shot seen as someone sees it: a point of view."""
_OVER_SHOULDER = re.compile(r"\b(?:over|behind)\s+[a-z][\w-]*'s\s+shoulder\b")
"""Over someone's shoulder, by name ('over Rosa's shoulder')."""
_SHOWN = (
    r"\b(?:show|shows|showing|see|sees|seeing|reveal|reveals|revealing|take\s+in|takes\s+in|include|including|"
    r"get|fit|hold|establish)\s+(?:all\s+of\s+)?$"
)
_OWN_PART = re.compile(
    r"(?:\b(?:on|of|at|just|only)\s+|^\s*)(?:[a-z][\w-]*'s|her|his|their)\s+(?P<part>eyes?|faces?)\b"
)  # "just his eyes in shot 3" (its "just" set aside as a courtesy), "tighter on Rosa's face"


def _framing(text: str) -> tuple[ShotSize | None, str]:
    """The size an everyday framing means ('just her eyes', 'on Rosa's face', 'from the waist up',
    'show the whole room'), and the text without it; a place ('the room') only after a word of
    showing, so a shot's own words are not read as a size."""
    for phrase, value in _phrases("size"):
        match = _pattern(phrase).search(text)
        if not match:
            continue
        start = match.start()
        if phrase.startswith(("the ", "where ")):
            lead = re.search(_SHOWN, text[:start])
            if not lead:
                continue
            start = lead.start()
        return value, blank(text, start, match.end())  # type: ignore[return-value]
    whole = re.search(_SHOWN[:-1] + r"(?:the\s+)?(?:whole|entire)\s+[a-z]+\b", text)  # "show the whole shop"
    if whole:
        return ShotSize.WS, blank(text, whole.start(), whole.end())
    part = _OWN_PART.search(text)
    if part:
        size = ShotSize.ECU if part.group("part").startswith("eye") else ShotSize.CU
        return size, blank(text, part.start(), part.end())
    return None, text


def _closer_to(project: Project, text: str) -> tuple[str | None, str]:
    """Who 'closer to Bjorn' or 'tighter on her' is on: a name (put first in frame), a pronoun (the
    person there), and the text without it."""
    for match in re.finditer(r"\b(?:to|on|at|show|see|frame|get|film|shoot|catch|have)\s+(?P<who>[a-z][\w'-]*)", text):
        who = match.group("who")
        if who in ("her", "him", "them"):
            return None, blank(text, match.start(), match.end())
        if find_character(project, who) is not None:
            return who, blank(text, match.start(), match.end())
    return None, text


def _along(text: str, move: re.Match[str]) -> str:
    """The text without what a move goes across, along or toward ('pan across the pier', 'push
    towards the door', 'tilt down to the floor')."""
    ends = re.search(r"\b(?:across|over|along|towards?|into)$", move.group(0))
    lead = "" if ends else r"\s+(?:to|towards?|across|over|along|into|onto)"  # "tilt down to the floor"
    way = re.match(
        lead + r"\s+(?:(?:the|her|his|their|its|a|an)\s+)?(?:(?!(?:in|on|for|at|shot|shots)\b)[a-z'-]+\s*){1,2}",
        text[move.end() :],
    )
    return blank(text, move.end(), move.end() + way.end()) if way else text


_PURPOSE = re.compile(
    r"\b(?:to|and|so\s+(?:we|you)\s+(?:can\s+)?)\s*(?:show|reveal|see|take\s+in|find|discover|include)\s+"
    r"(?:all\s+of\s+)?(?:(?:the|her|his|their|its|a|an)\s+)?(?:(?!(?:in|on|for|at|shot|shots)\b)[a-z'-]+\s*){1,3}"
)
"""What a camera move is for ('pull back to show the room'): said of the move, not another change."""


_CAMERA_ON = re.compile(
    r"(?:\b(?:on|at|of)\s+|(?<=\s\s))(?P<who>[a-z][a-z'-]*)(?=\s|$)"
    r"|\b(?:frames?|see|shoot|film|show|get|catch)\s+(?P<pronoun>her|him|them)\b"
)


def _camera_on(project: Project, text: str) -> tuple[Character | None, str]:
    """Who an angle or a move is on ('low angle on Tomas', 'look down on her'): the character named,
    or None for a pronoun (the person in the shots named), and the text without those words."""
    for match in _CAMERA_ON.finditer(text):
        if match.group("pronoun") or match.group("who") in ("her", "him", "them"):
            return None, blank(text, match.start(), match.end())
        character = find_character(project, match.group("who"))
        if character is not None:  # else "on the lantern": a thing, found by what the shots hold
            return character, blank(text, match.start(), match.end())
    for character in project.characters:  # "let's see Tomas from below": the name said anywhere
        named = re.search(rf"\b{re.escape(character.name.lower())}\b(?:'s\b)?", text)
        if named:
            return character, blank(text, named.start(), named.end())
    return None, text


def _on_a_thing_in(project: Project, refs: list[ShotRef], text: str) -> str:
    """The text without 'on the lamp' when every shot named holds a lamp ('make shot 2 low angle on
    the lamp'): what the camera is on, in the shots it is on."""
    match = re.search(
        r"\b(?:on|at|of)\s+(?:the|a|an|his|her|their|its)\s+(?P<what>[a-z][a-z' -]*?)\s*(?=\bin\b|$)", text
    )
    if not match:
        return text
    wanted = match.group("what").split()
    for ref in refs:
        shot = project.shot(ref.id)
        place = next((x.name for x in project.locations if x.id == shot.location), "")
        held = " ".join([shot.action.lower(), place.lower(), *(p.name.lower() for p in shot.props)])
        if not all(re.search(rf"\b{re.escape(w)}", held) for w in wanted):
            return text
    return blank(text, match.start(), match.end())


def _shots_with(project: Project, character: Character) -> list[ShotRef]:
    """Every shot a character is in: an angle on someone with no shot named is an angle on them
    wherever they are (a director's 'go low on Tomas'), and the reply lists the shots."""
    shots = enumerate(project.shots, 1)
    refs = [ShotRef(id=s.id, number=n, offset=0) for n, s in shots if character.id in s.characters]
    if not refs:
        raise Refusal(f"{character.name} is in no shot; name the shot, e.g. 'low angle on shot 3'.")
    return refs


def _shot_pace(text: str) -> tuple[float | None, str]:
    """A shot said to be slow or fast with no move named ('make shot 3 slow'): its length, the pace a
    cut is felt at (slow half again as long, fast two thirds), and the text without the word."""
    match = re.search(rf"\b(?P<word>{_SLOW}|{_QUICK}|slow-paced|fast-paced|leisurely|brisk)\b", text)
    if not match:
        return None, text
    slow = bool(re.fullmatch(rf"{_SLOW}|slow-paced|leisurely", match.group("word")))
    too = re.search(r"\btoo\s+$", text[: match.start()])  # "shot 5 is too slow": a complaint asks the other way
    slow = slow != bool(too)
    return (1.5 if slow else 0.67), blank(text, too.start() if too else match.start(), match.end())


_SLOW = r"slow|slowly|gentle|gently|gradual|gradually|very slow|very slowly|creeping|lingering"
_QUICK = r"quick|quickly|fast|rapid|rapidly|sudden|suddenly|snap|whip|crash"


def _move_pace(text: str, start: int, end: int) -> tuple[float | None, str]:
    """A slow move takes longer over the same path ('slow push in': the shot half again as long);
    a quick one less. The pace and the text with its word blanked."""
    before = re.search(rf"\b(?P<word>{_SLOW}|{_QUICK})\s+$", text[:start])
    after = re.match(rf"^\s+(?P<word>{_SLOW}|{_QUICK})\b", text[end:])
    if before:
        word, text = before.group("word"), blank(text, before.start("word"), before.end("word"))
    elif after:
        word, text = after.group("word"), blank(text, end + after.start("word"), end + after.end("word"))
    else:
        return None, text
    return (1.5 if re.fullmatch(_SLOW, word) else 0.67), text


_FRAMED = re.compile(
    r"^\s*(?:shot\s+)?(?:of|on|onto|at)\s+(?P<subject>(?:(?:his|her|their|its|the|a|an|[a-z]+'s)\s+)"
    r"(?:(?!(?:in|on|at|for|and|please|to|with|shot|shots)\b)[a-z-]+\s*){1,3})"
)


def _framed(project: Project, text: str, end: int) -> tuple[str | None, str]:
    """What a close shot is of ('an extreme close-up of his hands' -> 'his hands', 'of Mara' -> 'mara'),
    and the text without it."""
    match = _FRAMED.match(text[end:])
    if not match:
        named = re.match(r"^\s*(?:of|on)\s+(?P<subject>[a-z][\w'-]*)\b", text[end:])
        if named and find_character(project, named.group("subject")) is not None:
            return named.group("subject"), blank(text, end + named.start(), end + named.end())
        return None, text
    subject = match.group("subject").strip()
    ordinal = set(subject.split()) & {*ORDINALS, "last", "final", "opening", "closing", "penultimate", "same", "next"}
    if ordinal or re.match(r"\s*(?:shots?|one)\b", text[end + match.end() :]):
        return None, text  # "a close-up on the first shot" names the shot, not what is in it
    return subject, blank(text, end + match.start(), end + match.end("subject"))


def _subject_changes(project: Project, shot: Shot, subject: str, size: ShotSize) -> dict[str, object]:
    """A close shot of a person puts them first in frame; of a thing (or a part of someone: 'his
    hands') makes it the shot's first prop and says so in the action, so the panel frames it, not a face."""
    bare = re.sub(r"^(?:his|her|their|its|the|a|an|[a-z]+'s)\s+", "", subject)
    if bare in ("face", "faces", "eyes", "eye", "expression"):
        return {}  # a close-up on her face is on the person in it, not a thing put in frame
    character = find_character(project, subject)
    if character is not None:
        if character.id in shot.characters:
            return {"characters": [character.id, *(c for c in shot.characters if c != character.id)]}
        return {"characters": [character.id, *shot.characters][:20]}
    kept = [p for p in shot.props if p.name != bare]
    framed = Prop(name=bare, where=PropPlace.FOREGROUND, metadata={"framed": True})
    words = {ShotSize.ECU: "Extreme close-up", ShotSize.CU: "Close-up", ShotSize.MCU: "Medium close-up"}
    opening = f"{words.get(size, 'Framed')} on {subject}."
    action = shot.action if shot.action.startswith(opening) else f"{opening} {shot.action}".strip()
    return {"props": [framed, *kept][:20], "action": action[:2000]}


_FILLER_WORDS = """make makes made set change turn it its that this these those the a an shot shots one ones on
for to in
of be should please into with use using give and also too all every each lens angle camera movement move length long
frame framing more bit little slightly just can could would you i i'd like want we let's lets now then again instead
as well at so is are whole film reel story everything light lighting time day scene size them both rather try go do
put same thanks thank it's from by up over was there let have has need needs insert get done much very longer shorter
extend lengthen trim shorten tighten quicker faster snappier hold add twice double half halve closer tighter
wider looser
further farther back punch slower time less cut clip chop off down about around roughly like maybe approximately
see shoot shooting view show perspective tad touch seen feel feeling vibe effect look looks keep stay let placed
position positioned lot way quite really somewhat even kind sort seconds second extra more give linger lingers
dwell stay breathe draw stretch out shave lop knock additional further couple few lasts drags runs too is it's
wants want needs nudge beat lose drop hang"""
_FILLER = frozenset(_FILLER_WORDS.split())


def _read_whole(clause: str, rest: str, timed: bool) -> None:
    """Refuse a clause with words no part of the command read, so nothing is done in part."""
    left = [w for w in re.findall(r"[a-z][a-z'-]*", without_shots(rest)) if w not in _FILLER]
    if timed:  # "make shot 7 slow, twice as long": a length says what slow meant
        left = [w for w in left if w not in {"slow", "slower", "quick", "quicker", "pace", "duration", "seconds"}]
    left += re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", without_shots(rest))  # a number no part read
    if left:
        raise Refusal(f"I could not read “{' '.join(left)}” in “{clause.strip()}”.")


# Shot list: swap, move, delete, duplicate, insert ----------------------------------------------


def swap(project: Project, text: str, context: Context) -> Step | None:
    """'swap shots 2 and 3'."""
    if not re.search(r"\b(swap|switch|exchange|trade)\b", text):
        return None
    refs = find_shots(project, text)
    bare = re.match(
        r"^\w+\s+(?:shots?\s+)?#?(?P<a>\d+[a-z]?)\s*(?:and|with|for|&|,)\s*(?:shot\s+)?#?(?P<b>\d+[a-z]?)$", text
    )
    if len(refs) != 2 and bare:  # "swap 3 and 4"
        refs = find_shots(project, f"shots {bare.group('a')} and {bare.group('b')}")
    sides = re.match(r"^\w+\s+(?P<a>.+?)\s+(?:and|with|for)\s+(?P<b>.+)$", text)
    if len(refs) != 2 and sides:  # "swap the moth shot and the clock shot"
        named = [
            find_shots(project, side) or (select_shots(project, side, context) or ([], ""))[0]
            for side in sides.group("a", "b")
        ]
        refs = [found[0] for found in named if len(found) == 1] if all(len(f) == 1 for f in named) else refs
    if len(refs) != 2:
        raise Refusal("Name two shots to swap, e.g. 'swap shots 2 and 3'.")
    first, second = sorted(refs, key=lambda r: r.number)
    edits: list[AnyEdit] = [
        MoveShot(shot_id=first.id, position=second.number),
        MoveShot(shot_id=second.id, position=first.number),
    ]
    return Step(edits, f"swapped shots {project.shot(first.id).label} and {project.shot(second.id).label}")


def move(project: Project, text: str, context: Context) -> Step | None:
    """'move shot 5 before shot 2', 'after 3', 'to the end', 'to the start', 'to position 3'."""
    if not re.search(r"\b(move|put|place|shift)\b", text) or re.search(r"\b(camera|in on)\b", text):
        return None
    where = re.search(r"\b(before|after|to the (?:end|start|beginning|front|back)|to position|to\b)", text)
    at_edge = re.search(r"\s+(?:at\s+the\s+)?(?P<edge>first|last|start|beginning|end)\s*$", text)
    if where is None and at_edge and find_shots(project, text[: at_edge.start()]):  # "put the last shot first"
        edge = "start" if at_edge.group("edge") in ("first", "start", "beginning") else "end"
        text = f"{text[: at_edge.start()]} to the {edge}"
        where = re.search(r"\b(to the (?:end|start))", text)
    if where is None:
        return None
    head, tail = text[: where.start()], text[where.start() :]
    refs = find_shots(project, head) or target_shots(project, head, context, "move")
    shot = refs[0]
    order = [s.id for s in project.shots if s.id != shot.id]
    keyword = where.group(1)
    if keyword.startswith("to the") and keyword.split()[-1] in ("end", "back"):
        index = len(order)
    elif keyword.startswith("to the"):
        index = 0
    else:
        tail_text = re.sub(r"^(before|after|to position|to)\s+(?:shot\s+)?", "", tail)
        number = re.match(r"#?(\d+[a-z]*)\b", tail_text)
        if number and keyword in ("to", "to position"):  # "to 3": a place in the list
            place = int(number.group(1)) if number.group(1).isdigit() else 0
            anchors = [project.shots[place - 1].id] if 1 <= place <= len(project.shots) else []
        else:  # "before 2A": a shot, by the label the person sees
            anchors = [r.id for r in find_shots(project, f"shot {number.group(1)}" if number else tail)]
        if number and not anchors:
            raise no_such_shot(project, number.group(1))
        if not anchors:
            return None
        if keyword in ("to", "to position"):
            index = min(len(order), project.shot_number(anchors[0]) - 1)
        else:
            if anchors[0] == shot.id:
                raise Refusal(f"Shot {project.shot(shot.id).label} cannot move {keyword} itself.")
            index = order.index(anchors[0]) + (1 if keyword == "after" else 0)
    order.insert(index, shot.id)
    position = order.index(shot.id) + 1
    follows = f"after shot {project.shot(order[position - 2]).label}" if position > 1 else "to the start"
    return Step(
        [MoveShot(shot_id=shot.id, position=position)], f"moved shot {project.shot(shot.id).label} {follows}", shot.id
    )


_TRIM_WORDS = re.compile(
    r"\b(?:shorter|tighter|shorten|tighten|trim|trimmed|down|back|length|quicker|faster|snappier|briefer|"
    r"by\s+(?:half|a|an|\d|one|two|three|four|five)|in\s+half|a\s+(?:bit|little|touch|tad))\b"
)
"""Words that make a delete verb a trim ('cut shot 2 shorter', 'cut it down a bit'): with them a
shot is never removed."""


_DELETE = r"\b(delete|remove|drop|lose|get rid of|cut out|cut|scrap|kill|take out)\b"
_DELETE_FILLER_WORDS = """the a an shot shots one ones it that this them those these please from film reel story
entirely completely altogether out of away as well too also and then now just i we you want to can could would let's
lets should be gone go get rid whole"""
_DELETE_FILLER = frozenset(_DELETE_FILLER_WORDS.split())
"""The words a delete may say besides the shots: with any other word, what goes is something in the shot."""


def delete(project: Project, text: str, context: Context) -> Step | None:
    """'delete shot 4', 'remove the last shot', 'cut shot 2' (its takes stay on disk)."""
    if not re.search(_DELETE, text):
        return None
    if re.search(r"\bcut\s+(?:in)?to\b", text) and not _SECONDS.search(text):
        return None
    trim = _SECONDS.search(text) or _FRAMES.search(text) or _MINUTES.search(text) or _TRIM_WORDS.search(text)
    if trim or _TO_LENGTH.search(text):
        return None  # "cut shot 3 to 2 seconds", "cut shot 2 shorter": a trim, never a delete
    found = find_shots(project, text)
    rest = without_shots(text)
    if not found:
        selected = select_shots(project, text, context)
        found, rest = (selected[0], without_shots(selected[1])) if selected else ([], rest)
    rest = re.sub(_DELETE, " ", rest)
    if [w for w in re.findall(r"[a-z][a-z'-]*", rest) if w not in _DELETE_FILLER]:
        return None  # "lose the camera shake on shot 7": something in the shot goes, never the shot
    refs = found or target_shots(project, text, context, "go")
    if len(refs) >= len(project.shots):
        raise Refusal("A reel needs at least one shot; I kept them all.")
    edits: list[AnyEdit] = [RemoveShot(shot_id=r.id) for r in refs]
    return Step(edits, f"removed {_shot_list(refs, project)}")


def duplicate(project: Project, text: str, context: Context) -> Step | None:
    """'duplicate shot 2': a copy right after it, with a new id and no takes."""
    if not re.search(r"\b(duplicate|copy|clone|repeat)\b", text):
        return None
    refs = find_shots(project, text) or target_shots(project, text, context, "be duplicated")
    ref = refs[0]
    new_id = _new_id(project)
    copy = project.shot(ref.id).model_copy(update={"id": new_id, "takes": []})
    added = AddShot(shot=copy, position=project.place_after(ref.id))  # after 2 and its 2A: 2B
    label = apply(project, added).shot(new_id).label  # the label it gets where it lands (2 -> 2A)
    return Step([added], f"duplicated shot {project.shot(ref.id).label} as shot {label}", new_id)


_INSERT = re.compile(
    r"^(?:please\s+)?(?:add|insert|put in|new)\s+(?:a\s+|an\s+|another\s+|one more\s+)?(?:new\s+)?"
    r"(?P<kind>[a-z -]*?)\s*(?P<noun>shot|close-up|close up|closeup|cutaway|insert)\b(?P<rest>.*)$"
)
_PLACE = re.compile(
    r"\b(?P<side>before|after)\s+(?P<anchor>(?:shots?\s+)?#?\d+[a-z]?\b|it\b|that(?:\s+one|\s+shot)?\b|"
    r"the\s+(?:[a-z'-]+\s+){0,3}?(?:shot|one)\b)"
    r"|\b(?:at|to)\s+the\s+(?P<edge>end|start|beginning|top|front|close|opening)\b(?:\s+of\s+the\s+(?:film|reel))?"
    r"|\b(?P<first>first|last)(?=\s*[:,]|\s*$)"
)
_OPENS_ACTION = re.compile(r"^\s*(?::|-|—|,|that shows|which shows|showing|where|of|with|in which)?\s*")


def insert(project: Project, text: str, context: Context, original: str = "") -> Step | None:
    """'add a shot after 4: she opens the door', 'add a shot of the sea after shot 2', 'insert a
    close-up of the clock before the last shot', 'add a wide shot at the start: the bay' -> a new
    shot there (medium unless a size is said) with that action."""
    match = _INSERT.match(text)
    if not match or re.search(r"\b(?:to|in|on|into|for|every|each|all|the|some)\b", match.group("kind")):
        return None  # "add fog to every shot": weather, not a new shot
    source = original or text
    rest, rest_original = match.group("rest"), source[match.start("rest") : match.end("rest")]
    position = len(project.shots) + 1
    anchor = project.shots[-1] if project.shots else None
    where = _PLACE.search(rest)
    if where:
        rest = blank(rest, where.start(), where.end())
        rest_original = blank(rest_original, where.start(), where.end())
        edge = where.group("edge") or where.group("first")
        if edge:
            position = len(project.shots) + 1 if edge in ("end", "close", "last") else 1
            anchor = project.shots[-1 if position > 1 else 0] if project.shots else None
        else:
            said = where.group("anchor").strip()
            if re.fullmatch(r"(?:it|that(?: one| shot)?)", said) and context.last_shot:
                refs = [ShotRef(id=context.last_shot, number=project.shot_number(context.last_shot), offset=0)]
            else:
                refs = find_shots(project, f"shot {said}" if re.fullmatch(r"#?\d+[a-z]*", said) else said)
                if not refs:
                    selected = select_shots(project, said, context)
                    refs = selected[0] if selected else []
            if not refs:
                raise Refusal(
                    f"Which shot should the new one go {where.group('side')}? e.g. 'add a shot after 4: ...'."
                )
            anchor = project.shot(refs[0].id)
            after = where.group("side") == "after"  # after 2 and the 2A put in after it: 2B
            position = project.place_after(refs[0].id) if after else refs[0].number
    opener = _OPENS_ACTION.match(rest)
    cut = opener.end() if opener else 0
    action = " ".join(rest_original[cut:].split()).strip(" ,:;-").rstrip(".")
    if not action or not re.search(r"[A-Za-z]", action):
        return None
    action += "."
    size = ShotSize.MS
    found = _find(SIZE_WORDS, f"{match.group('kind')} {match.group('noun')}")  # type: ignore[arg-type]
    if found:
        size = found[0]  # type: ignore[assignment]
    new_id = _new_id(project)
    characters = _characters_named(project, action, anchor)
    seen = read_in_frame(action, characters)  # what the words put in frame, as the planner reads a brief
    place_words = set((anchor.location if anchor and anchor.location else "").split("-"))  # the set is no prop
    shot = Shot(
        id=new_id,
        action=shorten(action),
        characters=characters,
        positions={c: round((i + 1) / (len(characters) + 1), 3) for i, c in enumerate(characters)},
        location=anchor.location if anchor else None,
        scene=anchor.scene if anchor else 1,
        time_of_day=_light_in(action) or (anchor.time_of_day if anchor else TimeOfDay.DAY),
        weather=seen.weather or (anchor.weather if anchor else Weather.CLEAR),  # the storm goes on
        props=[p for p in seen.props if p.name not in place_words],
        acting=seen.acting,
        size=size,
        duration_frames=_frames(project, action_seconds(action)),
        seed=seed_for(new_id),
    )
    added = AddShot(shot=shot, position=position)
    label = apply(project, added).shot(new_id).label  # the label it gets where it lands (after 2: 2A)
    return Step([added], f"new {size.value} shot {label}: {shorten(action, 60).rstrip('.')}", new_id)


def _light_in(action: str) -> TimeOfDay | None:
    found = _find(sorted(TIME_WORDS.items(), key=lambda p: -len(p[0])), action.lower())
    return found[0] if found else None  # type: ignore[return-value]


def _new_id(project: Project) -> str:
    number = project.next_shot
    ids = {s.id for s in project.shots}
    while f"s{number}" in ids:
        number += 1
    return f"s{number}"


def _characters_named(project: Project, action: str, anchor: Shot | None) -> list[str]:
    lowered = action.lower()
    named = [
        c.id
        for c in project.characters
        if re.search(rf"\b{re.escape(c.name.lower())}\b", lowered)
        or any(re.search(rf"\bthe\s+(?:\w+\s+)?{re.escape(part)}\b", lowered) for part in c.id.split("-")[-1:])
    ]
    if not named and anchor and re.search(r"\b(she|he|they|her|him|them)\b", lowered):
        named = list(anchor.characters)
    return named[:20]


# Transitions ----------------------------------------------------------------------------------


_JOINS = (
    r"(?:(?:slow|quick|soft|long)\s+)?(?:cross-?dissolve|crossfade|dissolve|fade(?:\s+(?:in|out|up|to black))?|"
    r"transition|mix)s?"
)
_UNDONE_JOIN = re.compile(
    rf"\b(?:remove|drop|lose|get rid of|kill|no|without|take out|undo)\s+(?:the\s+|that\s+|this\s+|any\s+)?{_JOINS}\b"
    rf"|\btake\s+(?:the\s+|that\s+|this\s+)?{_JOINS}\s+(?:off|out|away)\b"
)


def transition(project: Project, text: str, context: Context) -> Step | None:
    """'dissolve into shot 4', 'fade out at the end', 'fade in at the start', 'cut to shot 3', 'fade it out'."""
    text = re.sub(r"\bfade\s+(it|that|this|that shot|this shot)\s+(out|in)\b", r"fade \2 \1", text)
    # a fade between two shots, or into one, joins them: a dissolve into the later one
    text = re.sub(
        r"\b(?:a\s+)?(?:(?:slow|quick|soft|gentle|long|short|nice)\s+)?(?:fade|mix|blend)s?\b(?=\s+(?:between|into|from)\b)",
        "dissolve",
        text,
    )
    found = _find(TRANSITION_WORDS, text)  # type: ignore[arg-type]
    undone = _UNDONE_JOIN.search(text)  # "remove the dissolve on shot 5": a plain cut there again
    if not found and not undone:
        return None
    kind: Transition = found[0] if found else Transition.CUT  # type: ignore[assignment]
    if undone:
        kind, rest = Transition.CUT, blank(text, undone.start(), undone.end())
    elif kind == Transition.CUT and not re.search(r"\b(?:hard\s+)?cut\s+(?:in)?to\b", text):
        return None
    elif found is not None:
        rest = blank(text, found[1].start(), found[1].end())
    if _duration(project, rest) or any(_find(t, rest) for t in (ANGLE_WORDS, MOVEMENT_WORDS)):  # type: ignore[arg-type]
        raise Refusal(f"I could read the {kind.value} but not the rest of “{text.strip()}”; say it apart.")
    refs = _two_sides(project, text, context)
    paired = bool(refs) or bool(re.search(r"\b(?:between|from)\b", text))
    if not refs:
        selected = None if find_shots(project, text) else select_shots(project, text, context)
        refs = find_shots(project, text) or (selected[0] if selected else [])
    if len(refs) == 2 and paired:  # "between 3 and 4": the join of two neighbours, on the later one
        first, second = sorted(refs, key=lambda r: r.number)
        if second.number != first.number + 1:
            raise _not_neighbours(project, kind, first, second)
        refs = [second]
    if len(refs) > 1:  # "dissolve into shots 4 to 6": into each of them
        edits: list[AnyEdit] = [UpdateShot(shot_id=r.id, changes=ShotChanges(transition=kind)) for r in refs]
        return Step(edits, f"{_shot_list(refs, project)}: {kind.value} into each")
    if refs:
        ref = refs[0]
    elif re.search(r"\b(end|ending|finish|close)\b", text) or (kind == Transition.FADE_OUT and not refs):
        ref = ShotRef(id=project.shots[-1].id, number=len(project.shots), offset=0)
    elif re.search(r"\b(start|beginning|open|opening)\b", text) or kind == Transition.FADE_IN:
        ref = ShotRef(id=project.shots[0].id, number=1, offset=0)
    else:
        ref = target_shots(project, text, context, f"{kind.value}")[0]
    edit = UpdateShot(shot_id=ref.id, changes=ShotChanges(transition=kind))
    return Step([edit], f"shot {project.shot(ref.id).label}: {kind.value}", ref.id)


def _not_neighbours(project: Project, kind: Transition, first: ShotRef, second: ShotRef) -> Refusal:
    """A join asked between two shots that do not meet ('dissolve between 3 and 7'): the joins there are."""
    a, b = project.shots[first.number - 1].label, project.shots[second.number - 1].label
    after_a = project.shots[first.number].label
    before_b = project.shots[second.number - 2].label
    return Refusal(
        f"Shots {a} and {b} are not next to each other, so no {kind.value} joins them. Say "
        f"'{kind.value} between {a} and {after_a}', '{kind.value} between {before_b} and {b}', "
        f"or '{kind.value} into shots {after_a} to {b}' for every join between them."
    )


_SIDES = re.compile(r"\b(?:between|from)\s+(?P<a>.+?)\s+(?:and|to|into)\s+(?P<b>.+?)\s*$")


def _two_sides(project: Project, text: str, context: Context) -> list[ShotRef]:
    """The two shots a transition joins ('between 3 and 4', 'from the boat shot into the next one'),
    the second read from the first; [] when the text does not name two so."""
    match = _SIDES.search(text)
    if not match:
        return []
    found: list[ShotRef] = []
    for side in match.group("a", "b"):
        side = f"shot {side}" if re.fullmatch(r"#?\d+[a-z]?", side) else side
        near = Context(last_shot=found[0].id if found else context.last_shot)
        named = find_shots(project, side) or (select_shots(project, side, near) or ([], ""))[0]
        if len(named) != 1:
            return []
        found.append(named[0])
    return found


def renumber(project: Project, text: str, context: Context) -> Step | None:
    """'renumber the shots': label every shot by its place again (1, 2, 3...); labels change only so."""
    if not re.search(r"\b(?:re-?number|re-?label)\b", text):
        return None
    return Step([RenumberShots()], f"renumbered the shots 1 to {len(project.shots)}")


def commands() -> list[Command]:
    """The shot commands, in the order they are tried (the more specific first)."""
    return [renumber, swap, move, duplicate, delete, transition, shot_properties]

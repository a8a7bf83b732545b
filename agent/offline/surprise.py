""" "Surprise me": an alternative the person did not ask for, with one line on why it might work.

The offline rules. A surprise is drawn from the proposals that fit what it is for, with a seed:

- for a shot: an unusual point of view (straight down from overhead, from the floor, through someone's
  eyes), a bold change of light and sky (the one shot at night in fog, in snow, in a storm), or a long,
  held, static frame that lets the moment breathe;
- for a scene: the scene played in other weather and light, the scene told backwards (its last shot
  first), or the scene seen from one unusual point of view throughout;
- for the film: a cold open (the most striking later shot moved to the very start), the whole film in
  one bold light and weather, or, when music lies under the reel, every cut moved onto the beat.

Each proposal comes with its one line of why. The seed is `--seed` (or the `seed` of the command), else
STORYREEL_SEED, else drawn from the project's history (how many revisions it has), so asking again
(after dropping a surprise) gives another, and the same seed gives the same one. The surprise is
applied on a branch of its own (agent/branching.py); "keep it" keeps it, "drop it" drops it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from story import AnyEdit, MoveShot, Project, Shot, ShotChanges, UpdateShot
from story.model import Angle, Movement, ShotSize, TimeOfDay, Weather

Scope = Literal["shot", "scene", "film"]


class NoSurprise(ValueError):
    """Nothing the rules know fits; the message says why."""


@dataclass(frozen=True)
class Proposal:
    """A surprise: what it is, why it might work, and the edits that make it."""

    title: str
    why: str
    edits: list[AnyEdit] = field(default_factory=list)
    commands: list[object] = field(default_factory=list)
    """Commands to run with the edits (cutting to the music's beats), expanded by the production service."""


Rule = Callable[[Project, list[Shot], random.Random], Proposal | None]


def _where(project: Project, shots: list[Shot]) -> str:
    if len(shots) == 1:
        return f"shot {shots[0].label}"
    if len(shots) == len(project.shots):
        return "the whole film"
    return f"scene {shots[0].scene}"


def _update(shots: list[Shot], **changes: object) -> list[AnyEdit]:
    return [UpdateShot(shot_id=s.id, changes=ShotChanges(**changes)) for s in shots]  # type: ignore[arg-type]


def _point_of_view(project: Project, shots: list[Shot], rng: random.Random) -> Proposal | None:
    views = [
        ("straight down from overhead", {"angle": Angle.OVERHEAD, "size": ShotSize.WS, "movement": Movement.STATIC},
         "from above the people become pieces on a board: small, watched, not in charge of what happens"),
        ("from the floor, looking up", {"angle": Angle.LOW, "size": ShotSize.MCU, "lens_mm": 18},
         "a low, wide lens makes the moment loom; even a quiet beat feels like a threat"),
        ("a tilted, handheld frame", {"angle": Angle.DUTCH, "movement": Movement.HANDHELD},
         "the world off its level tells the audience something is wrong before anyone says it"),
    ]  # fmt: skip
    if any(s.characters for s in shots):
        views.append(
            ("through someone's eyes", {"angle": Angle.POV, "size": ShotSize.MS, "movement": Movement.HANDHELD},
             "seeing it as they see it puts the audience inside the moment instead of watching it")
        )  # fmt: skip
    fresh = [v for v in views if any(getattr(s, k) != val for s in shots for k, val in v[1].items())]
    if not fresh:
        return None
    name, changes, why = rng.choice(fresh)
    return Proposal(f"{_where(project, shots)} {name}", why[0].upper() + why[1:] + ".", _update(shots, **changes))


WEATHERS = [
    (TimeOfDay.NIGHT, Weather.FOG, "at night in fog",
     "fog hides the edges of the world; every shape in it could be anything"),
    (TimeOfDay.DUSK, Weather.STORM, "at dusk in a storm", "a storm says out loud what the characters will not"),
    (TimeOfDay.DAWN, Weather.SNOW, "at dawn in snow",
     "snow hushes everything, so each line and each step lands harder"),
    (TimeOfDay.NIGHT, Weather.RAIN, "at night in the rain",
     "rain at night turns any street into a noir and any face into a secret"),
    (TimeOfDay.DAWN, Weather.FOG, "in the fog at first light",
     "first light through fog feels like a memory, soft and uncertain"),
]  # fmt: skip


def _light_and_sky(project: Project, shots: list[Shot], rng: random.Random) -> Proposal | None:
    fresh = [w for w in WEATHERS if any((s.time_of_day, s.weather) != (w[0], w[1]) for s in shots)]
    if not fresh:
        return None
    time, weather, name, why = rng.choice(fresh)
    edits = _update(shots, time_of_day=time, weather=weather)
    return Proposal(f"{_where(project, shots)} {name}", why[0].upper() + why[1:] + ".", edits)


def _hold(project: Project, shots: list[Shot], rng: random.Random) -> Proposal | None:
    shot = shots[0]
    frames = min(shot.duration_frames * 2, project.fps * 12)
    if frames <= shot.duration_frames:
        return None
    edits = _update([shot], duration_frames=frames, movement=Movement.STATIC, size=ShotSize.WS)
    why = "Holding a wide, still frame twice as long lets the audience search it and feel the silence."
    return Proposal(f"{_where(project, shots)} held wide and still for {frames / project.fps:.0f}s", why, edits)


def _backwards(project: Project, shots: list[Shot], rng: random.Random) -> Proposal | None:
    if len(shots) < 2:
        return None
    first = project.shot_number(shots[0].id)
    edits: list[AnyEdit] = [MoveShot(shot_id=s.id, position=first + n) for n, s in enumerate(reversed(shots))]
    why = "Told backwards, the scene starts with its outcome and the audience watches for how it came to that."
    return Proposal(f"{_where(project, shots)} told backwards", why, edits)


def _cold_open(project: Project, shots: list[Shot], rng: random.Random) -> Proposal | None:
    if len(project.shots) < 3:
        return None
    later = project.shots[len(project.shots) // 2 :]
    striking = max(later, key=lambda s: (s.size in (ShotSize.CU, ShotSize.ECU), len(s.action), rng.random()))
    why = "Opening on a moment from later makes the whole film a question: how do we get there?"
    return Proposal(
        f"a cold open: shot {striking.label} moved to the start", why, [MoveShot(shot_id=striking.id, position=1)]
    )


def _to_the_music(project: Project, shots: list[Shot], rng: random.Random) -> Proposal | None:
    if project.music is None or not project.music.beats:
        return None
    from agent.commands import CutToBeats

    why = "Cutting on the beat turns the reel into a rhythm: the music starts to tell the story with the pictures."
    return Proposal("every cut moved onto the beat of the music", why, commands=[CutToBeats()])


RULES: dict[Scope, list[Rule]] = {
    "shot": [_point_of_view, _light_and_sky, _hold],
    "scene": [_light_and_sky, _backwards, _point_of_view],
    "film": [_cold_open, _light_and_sky, _to_the_music],
}


def propose(
    project: Project, scope: Scope, seed: int, *, shot: int | None = None, scene: int | None = None
) -> Proposal:
    """One surprise for a shot (its number), a scene (its number) or the film, drawn with `seed`."""
    if not project.shots:
        raise NoSurprise("the project has no shots yet; plan a brief first")
    if scope == "shot":
        if shot is None or not 1 <= shot <= len(project.shots):
            raise NoSurprise(f"there is no shot {shot}; the project has {len(project.shots)} shots")
        shots = [project.shots[shot - 1]]
    elif scope == "scene":
        shots = [s for s in project.shots if s.scene == scene]
        if not shots:
            raise NoSurprise(f"there is no scene {scene}")
    else:
        shots = list(project.shots)
    rng = random.Random(seed)
    rules = list(RULES[scope])
    rng.shuffle(rules)
    for rule in rules:
        proposal = rule(project, shots, rng)
        if proposal is not None:
            return proposal
    raise NoSurprise(f"nothing surprising is left to try on {_where(project, shots)}")


# Words ----------------------------------------------------------------------------------------

_SURPRISE = re.compile(
    r"^(?:(?:now\s+)?surprise\s+(?:me|us)|(?:give me|show me|try|do|suggest|propose)\s+(?:a\s+|something\s+)?"
    r"(?:surprise|something\s+(?:different|unexpected|surprising|bold|new)|a\s+wild\s+idea|anything\s+unexpected))"
    r"(?:\s+(?:with|on|for|in|about)\s+(?P<rest>.+))?$"
)
_NAME = re.compile(
    r"^(?:call|name|save|mark|label)\s+(?:this|it|the\s+current)(?:\s+(?:version|cut|edit|branch|one|reel))?"
    r"\s+(?:as\s+|branch\s+)?[\"“']?(?P<name>[a-z0-9][a-z0-9 _-]{0,39}?)[\"”']?$"
    r"|^(?:make|start|open)\s+a\s+(?:new\s+)?branch\s+(?:called|named)\s+(?P<name2>[a-z0-9][a-z0-9 _-]{0,39})$"
)
_SWITCH = re.compile(
    r"^(?:switch|go|change|jump|return|get)(?:\s+back)?\s+to\s+(?:the\s+)?(?:(?P<name>[a-z0-9][a-z0-9_-]{0,39})\s+"
    r"(?:version|branch|cut)|(?:branch|version)\s+(?P<name2>[a-z0-9][a-z0-9_-]{0,39})|(?P<main>main|original))$"
)
_KEEP = re.compile(
    r"^(?:keep|i'll keep|let's keep|we keep|go with)\s+(?:it|this|that|the\s+surprise|this\s+(?:version|branch)|"
    r"(?:the\s+)?(?P<name>[a-z0-9][a-z0-9_-]{0,39})\s+(?:version|branch)|branch\s+(?P<name2>[a-z0-9][a-z0-9_-]{0,39}))$"
)
_DROP = re.compile(
    r"^(?:drop|discard|throw away|lose|forget|scrap|bin)\s+(?:it|this|that|the\s+surprise|this\s+(?:version|branch)|"
    r"(?:the\s+)?(?P<name>[a-z0-9][a-z0-9_-]{0,39})\s+(?:version|branch)|branch\s+(?P<name2>[a-z0-9][a-z0-9_-]{0,39}))$"
)
_LIST = re.compile(r"^(?:list|show)(?:\s+me)?\s+(?:the\s+|my\s+|all\s+)?(?:branches|versions)$|^(?:what|which)\s+"
                   r"(?:branches|versions)\s+(?:are\s+there|do\s+i\s+have)\??$")  # fmt: skip
_COMPARE = re.compile(
    r"^(?:compare|diff)\s+(?:the\s+)?(?P<a>[a-z0-9][a-z0-9_-]{0,39})(?:\s+(?:version|branch))?\s+(?:and|with|to|against)\s+"
    r"(?:the\s+)?(?P<b>[a-z0-9][a-z0-9_-]{0,39})(?:\s+(?:version|branch))?$"
)
_NOT_NAMES = {"second", "first", "third", "fourth", "fifth", "last", "other", "new", "next", "same"}


def read_branch_words(project: Project, text: str) -> dict[str, object] | None:
    """What a message asks of branches or surprises, as the `branch` of a turn plan; None when it asks neither.

    {"op": "surprise", "scope": ..., "shot"|"scene": n} · {"op": "name"|"switch"|"keep"|"drop", "name": ...} ·
    {"op": "list"} · {"op": "compare", "a": ..., "b": ...}. A name left out means the current branch."""
    if match := _SURPRISE.match(text):
        return {"op": "surprise", **_scope(project, match.group("rest") or "")}
    if match := _NAME.match(text):
        name = (match.group("name") or match.group("name2") or "").strip()
        return None if len(name) <= 1 or name in _NOT_NAMES else {"op": "name", "name": name}
    if match := _SWITCH.match(text):
        name = "main" if match.group("main") else (match.group("name") or match.group("name2"))
        return {"op": "switch", "name": name}
    for op, pattern in (("keep", _KEEP), ("drop", _DROP)):
        if match := pattern.match(text):
            name = match.group("name") or match.group("name2")
            if name is not None and (len(name) <= 1 or name in _NOT_NAMES):
                return None  # "keep the second version": a version on offer, not a branch
            return {"op": op, "name": name}
    if _LIST.match(text):
        return {"op": "list"}
    if match := _COMPARE.match(text):
        return {"op": "compare", "a": match.group("a"), "b": match.group("b")}
    return None


def _scope(project: Project, rest: str) -> dict[str, object]:
    from agent.offline.addressing import find_shots
    from agent.offline.selection import by_place, by_scene

    if not rest or re.fullmatch(r"(?:the\s+)?(?:whole\s+|entire\s+)?(?:film|reel|movie|story|thing)", rest):
        return {"scope": "film"}
    if re.search(r"\bscenes?\b", rest):
        found = by_scene(project, rest) or by_place(project, rest)
        if found:
            return {"scope": "scene", "scene": project.shots[found[0][0].number - 1].scene}
    refs = find_shots(project, rest)
    if refs:
        return {"scope": "shot", "shot": refs[0].number}
    return {"scope": "film"}

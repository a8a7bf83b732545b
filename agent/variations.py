"""Variations side by side: the ways a director would try a shot or cover a scene, as `OfferVariations` edits.

The commands (agent/commands.py: VaryShot, VaryScene, KeepVariation) and the offline grammar
(agent/offline/variations.py) both come here. The rules: a shot's versions each change two of what a
director varies, never the same pair twice, and every version names what differs ("B: low angle, push in");
one of the two is always something a still frame shows (size, angle, light or blocking):

- size: two steps tighter or wider (a wide shot goes to a medium close-up, a close-up to a medium wide);
- angle: low, high, overhead or dutch; over the shoulder with two people in frame, a point of view with one;
- movement: push in, pull out, tracking, handheld, crane up or a locked-off static frame;
- lens: a long lens (85-135 mm) on a normal or wide shot, a wide lens (18-24 mm) on a long one;
- time of day: dawn, dusk or night, whichever the shot is not in;
- blocking: two people swap sides; one person moves to the other third of the frame and turns.

A scene's coverage applies one pattern to every shot of the scene: a master and inserts (a wide, static
master first, then tight inserts on long lenses), shot / reverse shot (an establishing wide, then over
the shoulder, favouring each person in turn: only with two people in the scene), one moving camera
(medium shots tracking or handheld on a wide lens), watched from afar (high, distant, static, on a long
lens) and in their faces (close, handheld). Which dimensions and patterns come first is drawn from a
seed: `--seed`, else STORYREEL_SEED, else the project's revision, so asking again gives other versions
and the same seed gives the same ones. Every version of an offer sets the same fields (those left as
they were carry the shot's own values), so keeping C after B gives C, not a mix.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Callable
from typing import Any

from story import Angle, AnyEdit, Movement, Project, Shot, ShotChanges, ShotSize, TimeOfDay
from story.edits import OfferVariations, Variant
from story.model import Acting, Facing
from story.variations import latest_offer, next_offer

SEED_ENV = "STORYREEL_SEED"
LETTERS = "ABCDEFGHIJ"
SIZES = list(ShotSize)  # ECU ... EWS, tight to wide


class NoVersions(ValueError):
    """Versions that cannot be offered or kept (no such scene, no such letter); the message says why."""


Dimension = Callable[[Shot, random.Random], tuple[dict[str, Any], str] | None]


def seed_for(project: Project, given: int | None, salt: str) -> int:
    """The seed a proposal draws from: the one given, else STORYREEL_SEED, else the project's revision."""
    if given is not None:
        return given
    env = os.environ.get(SEED_ENV, "").strip()
    if env.lstrip("-").isdigit():
        return int(env)
    digest = hashlib.sha256(f"{project.revision}:{salt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2**31


# Dimensions of one shot -----------------------------------------------------------------------


def _size(shot: Shot, rng: random.Random) -> tuple[dict[str, Any], str]:
    at = SIZES.index(shot.size)
    tighter = at >= 5 or (at > 1 and rng.random() < 0.5)  # an extreme goes the only way it can
    size = SIZES[max(0, at - 2)] if tighter else SIZES[min(len(SIZES) - 1, at + 2)]
    return {"size": size}, f"{'closer' if tighter else 'wider'} ({size})"


def _angle(shot: Shot, rng: random.Random) -> tuple[dict[str, Any], str]:
    choices = [Angle.LOW, Angle.HIGH, Angle.OVERHEAD, Angle.DUTCH]
    if len(shot.characters) >= 2:
        choices.append(Angle.OVER_THE_SHOULDER)
    elif shot.characters:
        choices.append(Angle.POV)
    angle = rng.choice([a for a in choices if a != shot.angle])
    words = {Angle.OVER_THE_SHOULDER: "over the shoulder", Angle.POV: "point of view"}.get(angle, f"{angle} angle")
    return {"angle": angle}, words


def _movement(shot: Shot, rng: random.Random) -> tuple[dict[str, Any], str]:
    choices = [Movement.PUSH_IN, Movement.PULL_OUT, Movement.TRACKING, Movement.HANDHELD, Movement.CRANE_UP]
    if shot.movement != Movement.STATIC:
        choices.append(Movement.STATIC)
    movement = rng.choice([m for m in choices if m != shot.movement])
    return {"movement": movement}, "locked off" if movement == Movement.STATIC else movement.replace("-", " ")


def _lens(shot: Shot, rng: random.Random) -> tuple[dict[str, Any], str]:
    if shot.lens_mm <= 50:
        lens = rng.choice([85, 100, 135])
        return {"lens_mm": lens}, f"long lens ({lens}mm)"
    lens = rng.choice([18, 21, 24])
    return {"lens_mm": lens}, f"wide lens ({lens}mm)"


def _time(shot: Shot, rng: random.Random) -> tuple[dict[str, Any], str]:
    time = rng.choice([t for t in (TimeOfDay.DAWN, TimeOfDay.DUSK, TimeOfDay.NIGHT) if t != shot.time_of_day])
    return {"time_of_day": time}, f"at {time}"


def _blocking(shot: Shot, rng: random.Random) -> tuple[dict[str, Any], str] | None:
    people = list(shot.characters)
    if not people:
        return None
    placed = {c: shot.positions.get(c, (i + 1) / (len(people) + 1)) for i, c in enumerate(people)}
    if len(people) >= 2:
        order = sorted(people, key=lambda c: placed[c])
        spots = sorted(placed.values())
        positions = {c: spots[len(spots) - 1 - i] for i, c in enumerate(order)}
        if positions == placed:  # everyone at the middle: spread them out the other way round
            positions = {c: round(1 - (i + 1) / (len(order) + 1), 2) for i, c in enumerate(order)}
        return {"positions": positions}, "they swap sides"
    who = people[0]
    left = placed[who] >= 0.5
    acting = dict(shot.acting)
    turned = Facing.RIGHT if left else Facing.LEFT
    acting[who] = (acting.get(who) or Acting()).model_copy(update={"facing": turned})
    side = "left" if left else "right"
    changes = {"positions": {who: 0.3 if left else 0.7}, "acting": acting}
    return changes, f"moved to the {side}, facing {turned}"


DIMENSIONS: dict[str, Dimension] = {
    "size": _size,
    "angle": _angle,
    "movement": _movement,
    "lens": _lens,
    "time": _time,
    "blocking": _blocking,
}


SEEN_IN_A_STILL = {"size", "angle", "time", "blocking"}


def shot_variants(shot: Shot, count: int, seed: int) -> list[Variant]:
    """`count` versions of a shot, each changing two dimensions, no pair twice, labelled with what differs."""
    rng = random.Random(seed)
    names = [n for n in DIMENSIONS if n != "blocking" or shot.characters]
    # A lens or a move alone can look the same in a still: every pair holds something the frame shows.
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if {a, b} & SEEN_IN_A_STILL]
    rng.shuffle(pairs)
    chosen: list[tuple[str, str]] = []
    for pair in pairs:  # spread first: a pair whose dimensions are fresh before one that repeats them
        used = {d for p in chosen for d in p}
        if len(chosen) < count and not set(pair) & used:
            chosen.append(pair)
    chosen += [p for p in pairs if p not in chosen][: count - len(chosen)]
    drafts: list[tuple[dict[str, Any], list[str]]] = []
    for pair in chosen:
        changes: dict[str, Any] = {}
        words: list[str] = []
        for name in pair:
            found = DIMENSIONS[name](shot, rng)
            if found:
                changes |= found[0]
                words.append(found[1])
        drafts.append((changes, words))
    fields = {f for changes, _ in drafts for f in changes}
    base = shot.model_dump(include=fields)
    return [
        Variant(label=LETTERS[n], differs=", ".join(words), changes=ShotChanges(**(base | changes)))
        for n, (changes, words) in enumerate(drafts)
    ]


# Coverage of a scene --------------------------------------------------------------------------

Coverage = Callable[[list[Shot]], list[dict[str, Any]]]


def _master_and_inserts(shots: list[Shot]) -> list[dict[str, Any]]:
    master = {"size": ShotSize.WS, "angle": Angle.EYE_LEVEL, "movement": Movement.STATIC, "lens_mm": 24}
    inserts = [
        {"size": ShotSize.ECU if n % 2 else ShotSize.CU, "angle": Angle.EYE_LEVEL, "movement": Movement.STATIC}
        | {"lens_mm": 100}
        for n in range(len(shots) - 1)
    ]
    return [master, *inserts]


def _shot_reverse_shot(shots: list[Shot]) -> list[dict[str, Any]]:
    people = list(dict.fromkeys(c for s in shots for c in s.characters))
    opening = {"size": ShotSize.WS, "angle": Angle.EYE_LEVEL, "movement": Movement.STATIC, "lens_mm": 35}
    plan: list[dict[str, Any]] = [opening] if len(shots) > 1 else []
    for n, shot in enumerate(shots[len(plan) :]):
        favoured = people[n % 2]
        other = people[1 - n % 2]
        frame = {"size": ShotSize.MCU, "angle": Angle.OVER_THE_SHOULDER, "movement": Movement.STATIC, "lens_mm": 50}
        if favoured in shot.characters and other in shot.characters:
            frame["positions"] = {favoured: 0.65, other: 0.2}
        plan.append(frame)
    return plan


def _one_moving_camera(shots: list[Shot]) -> list[dict[str, Any]]:
    moves = [Movement.TRACKING, Movement.HANDHELD]
    return [
        {"size": ShotSize.MS, "angle": Angle.EYE_LEVEL, "movement": moves[n % 2], "lens_mm": 28}
        for n in range(len(shots))
    ]


def _from_afar(shots: list[Shot]) -> list[dict[str, Any]]:
    return [{"size": ShotSize.EWS if n == 0 else ShotSize.WS, "angle": Angle.HIGH} for n in range(len(shots))]


def _in_their_faces(shots: list[Shot]) -> list[dict[str, Any]]:
    return [
        {"size": ShotSize.CU if n % 2 else ShotSize.MCU, "movement": Movement.HANDHELD, "lens_mm": 50}
        for n in range(len(shots))
    ]


COVERAGE: dict[str, Coverage] = {
    "a master and inserts": _master_and_inserts,
    "shot / reverse shot": _shot_reverse_shot,
    "one moving camera": _one_moving_camera,
    "watched from afar": _from_afar,
    "in their faces": _in_their_faces,
}


def scene_variants(shots: list[Shot], count: int, seed: int) -> dict[str, list[Variant]]:
    """`count` ways to cover a scene, by shot id: each the same letter on every shot of the scene."""
    people = {c for s in shots for c in s.characters}
    names = [n for n in COVERAGE if n != "shot / reverse shot" or len(people) >= 2]
    rng = random.Random(seed)
    classics = [n for n in names[:2] if n in names]
    rest = [n for n in names if n not in classics]
    rng.shuffle(classics)
    rng.shuffle(rest)
    chosen = (classics + rest)[:count]
    plans = [COVERAGE[name](shots) for name in chosen]
    offered: dict[str, list[Variant]] = {}
    for index, shot in enumerate(shots):
        fields = {f for plan in plans for f in plan[index]}
        base = shot.model_dump(include=fields)
        offered[shot.id] = [
            Variant(label=LETTERS[n], differs=name, changes=ShotChanges(**(base | plan[index])))
            for n, (name, plan) in enumerate(zip(chosen, plans, strict=True))
        ]
    return offered


# What the commands come to --------------------------------------------------------------------


def offer_shot(project: Project, number: int, count: int, seed: int | None) -> tuple[list[AnyEdit], str]:
    """The edit offering `count` versions of shot `number`, and a line saying what each is."""
    shot = project.shots[number - 1]
    variants = shot_variants(shot, count, seed_for(project, seed, f"shot:{shot.id}"))
    edit = OfferVariations(shot_id=shot.id, offer=next_offer(project), scope=f"shot {shot.label}", variants=variants)
    said = "; ".join(f"{v.label}: {v.differs}" for v in variants)
    return [edit], f"{len(variants)} versions of shot {shot.label} ({said})"


def offer_scene(project: Project, scene: int, count: int, seed: int | None) -> tuple[list[AnyEdit], str]:
    """The edits offering `count` ways to cover scene `scene`, and a line saying what each is."""
    shots = [s for s in project.shots if s.scene == scene]
    if not shots:
        scenes = ", ".join(str(s) for s in dict.fromkeys(s.scene for s in project.shots))
        raise NoVersions(f"There is no scene {scene}; the scenes are {scenes}.")
    offered = scene_variants(shots, count, seed_for(project, seed, f"scene:{scene}"))
    number = next_offer(project)
    edits: list[AnyEdit] = [
        OfferVariations(shot_id=shot_id, offer=number, scope=f"scene {scene}", variants=variants)
        for shot_id, variants in offered.items()
    ]
    first = next(iter(offered.values()))
    said = "; ".join(f"{v.label}: {v.differs}" for v in first)
    return edits, f"{len(first)} ways to cover scene {scene} ({said})"


def keep_edits(project: Project, label: str, shot: int | None = None) -> tuple[list[AnyEdit], str]:
    """The edits keeping version `label` of the newest offer (or of shot `shot`'s); `Refusal` when there is none."""
    from story.variations import keep, shot_offer

    offers = latest_offer(project)
    if shot is not None:  # that shot's own offer, with the shots offered beside it (a scene's coverage)
        one = shot_offer(project.shots[shot - 1])
        every = [o for o in (shot_offer(s) for s in project.shots) if o is not None]
        offers = [o for o in every if one is not None and o.offer == one.offer]
    if not offers:
        where = f" of shot {project.shots[shot - 1].label}" if shot is not None else ""
        raise NoVersions(f"No versions{where} are on offer; ask for some first ('give me three versions of shot 2').")
    letters = [v.label for v in offers[0].variants]
    edits: list[AnyEdit] = []
    for offer in offers:
        variant = offer.variant(label)
        if variant is None:
            raise NoVersions(f"There is no version {label.upper()} of {offer.scope}; there are {', '.join(letters)}.")
        edits.append(keep(offer, variant))
    chosen = offers[0].variant(label)
    assert chosen is not None
    return edits, f"kept {label.upper()} of {offers[0].scope} ({chosen.differs})"

"""Where people stand in a frame and which way they face: the 180-degree rule kept per scene.

A shot's own `positions` win: the director or the person set them. Anyone a shot leaves unplaced
takes a side from the scene: its people keep the left-to-right order in which the scene first
showed them, so a cut never swaps who stands on the left. People in a shot with others turn
toward them; a `facing` said in the shot's acting turns them that way instead.

Pure and cheap (no drawing): the render key reads `stage_positions` too, because an unplaced
person's side depends on the other shots of the scene.
"""

from __future__ import annotations

from dataclasses import dataclass

from story import Angle, Project, Shot, ShotSize
from story.model import Acting, Facing, shot_counter

TURN_TOWARD = 0.5  # a three-quarter turn toward the others: the face still reads
TURN_SAID = 1.0  # a facing said in words: turned as far as a face is drawn


@dataclass(frozen=True)
class Figure:
    """One person in frame: where across the frame (0 left, 1 right), how far turned, and whether it is
    the out-of-focus back in the foreground of an over-the-shoulder shot."""

    character: str
    share: float
    turn: float = 0.0  # -1 turned to screen left, 0 to the camera, 1 to screen right
    foreground: bool = False


def speaker(shot: Shot) -> str | None:
    """Who the shot is about: the first in frame with a line in it, else the first named."""
    for line in shot.dialogue:
        if line.speaker in shot.characters:
            return line.speaker
    return shot.characters[0] if shot.characters else None


def _shown_order(shot: Shot) -> list[str]:
    """The shot's people left to right: the placed by their places, the unplaced where they were named."""
    named = list(dict.fromkeys(shot.characters))
    placed = iter(sorted((c for c in named if c in shot.positions), key=shot.positions.__getitem__))
    return [next(placed) if c in shot.positions else c for c in named]


def scene_order(project: Project, scene: int) -> list[str]:
    """The scene's people left to right, in the order its shots first showed them.

    Shots count in the order they were made (their ids' counter), not their places in the list: a shot
    moved or put in before the others never turns the scene round, so no other shot renders again.
    """
    order: list[str] = []
    for shot in sorted((s for s in project.shots if s.scene == scene), key=lambda s: shot_counter(s.id)):
        shown = _shown_order(shot)
        for i, cid in enumerate(shown):
            if cid in order:
                continue
            left = next((c for c in reversed(shown[:i]) if c in order), None)
            right = next((c for c in shown[i + 1 :] if c in order), None)
            if left is not None:
                order.insert(order.index(left) + 1, cid)
            elif right is not None:
                order.insert(order.index(right), cid)
            else:
                order.append(cid)
    return order


def stage_positions(project: Project, shot: Shot) -> dict[str, float]:
    """Where each of the shot's characters stands: its own positions, the rest by the scene's order."""
    cast = list(dict.fromkeys(shot.characters))
    placed = {c: shot.positions[c] for c in cast if c in shot.positions}
    if len(placed) == len(cast):
        return placed
    order = scene_order(project, shot.scene) if project.shots else []
    ranked = sorted(cast, key=lambda c: order.index(c) if c in order else len(order) + cast.index(c))
    slots = {c: round((i + 1) / (len(ranked) + 1), 3) for i, c in enumerate(ranked)}
    return {c: placed.get(c, slots[c]) for c in cast}


def _said_turn(acting: Acting | None) -> float | None:
    if acting is None or acting.facing == Facing.CAMERA:
        return None
    return -TURN_SAID if acting.facing == Facing.LEFT else TURN_SAID


def layout(project: Project | None, shot: Shot) -> list[Figure]:
    """The figures a panel draws, left to right: sides kept per scene, each turned toward the others.

    Over the shoulder, the speaker (see `speaker`) faces the camera past the listener, whose back
    stands in the foreground on the listener's own side of the line.
    """
    positions = stage_positions(project, shot) if project is not None else dict(shot.positions)
    cast = list(dict.fromkeys(shot.characters))
    if shot.size == ShotSize.ECU:
        cast = cast[:1]
    if shot.angle == Angle.OVER_THE_SHOULDER and cast:
        return _over_the_shoulder(shot, cast, positions)
    if shot.size in {ShotSize.CU, ShotSize.MCU}:
        cast = cast[:2]
    figures = []
    for i, cid in enumerate(cast):
        default = 0.5 if shot.size == ShotSize.ECU else (i + 1) / (len(cast) + 1)
        figures.append((cid, positions.get(cid, default)))
    figures.sort(key=lambda item: item[1])
    placed = []
    for cid, share in figures:
        others = [s for c, s in figures if c != cid]
        turn = _said_turn(shot.acting.get(cid))
        if turn is None and others:
            middle = sum(others) / len(others)
            turn = 0.0 if abs(middle - share) < 0.02 else (TURN_TOWARD if middle > share else -TURN_TOWARD)
        placed.append(Figure(cid, share, turn or 0.0))
    return placed


def _over_the_shoulder(shot: Shot, cast: list[str], positions: dict[str, float]) -> list[Figure]:
    who = speaker(shot) or cast[0]
    listener = next((c for c in cast if c != who), None)
    said = _said_turn(shot.acting.get(who))
    if listener is None:  # no one to look past: the speaker off centre, an unnamed shoulder beside
        share = positions.get(who, 0.62)
        return [Figure(who, share if abs(share - 0.5) >= 0.08 else 0.62, said or 0.0)]
    mine, theirs = positions.get(who), positions.get(listener)
    listener_left = theirs < mine if mine is not None and theirs is not None else True
    kept = mine is not None and (mine > 0.5) == listener_left and 0.3 <= mine <= 0.7
    share = mine if kept and mine is not None else 0.62 if listener_left else 0.38
    front = Figure(listener, 0.12 if listener_left else 0.88, foreground=True)
    face = Figure(who, share, said if said is not None else (-TURN_TOWARD if listener_left else TURN_TOWARD))
    return sorted([front, face], key=lambda f: f.share)

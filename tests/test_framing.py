"""Framing that serves the scene, with real pixels: over the shoulder shows the speaker's face past
the listener's back, people keep their side of the frame through a scene and turn to each other."""

from __future__ import annotations

import numpy as np

from story import Angle, Character, DialogueLine, Location, Project, Shot, ShotSize, Style
from tools.draw.figures import SCLERA, look_for
from tools.draw.panel import draw_scene

W, H = 480, 270
MARA = Character(id="mara", name="Mara", description="a woman in a red coat with black hair and green eyes")
TOM = Character(id="tom", name="Tom", description="an old man in a blue jacket")
QUAY = Location(id="quay", name="the quay")


def film(*shots: Shot) -> Project:
    return Project(style=Style(width=W, height=H), characters=[MARA, TOM], locations=[QUAY], shots=list(shots))


def view(project: Project, shot: Shot) -> np.ndarray:
    """The frame the camera sees at rest (the panel's centre), as H x W x 3."""
    scene = np.asarray(draw_scene(project, shot, shot.seed, W, H))
    y, x = (scene.shape[0] - H) // 2, (scene.shape[1] - W) // 2
    return scene[y : y + H, x : x + W].astype(np.int16)


def near(frame: np.ndarray, colour: tuple[int, int, int], tolerance: int = 6) -> np.ndarray:
    return np.abs(frame - np.array(colour, np.int16)).max(axis=2) <= tolerance


def sharpness(frame: np.ndarray, mask: np.ndarray) -> float:
    """Mean absolute Laplacian of the grey picture inside `mask`: hard edges score high, a blur low."""
    grey = frame.astype(np.float32).mean(axis=2)
    lap = np.abs(4 * grey[1:-1, 1:-1] - grey[:-2, 1:-1] - grey[2:, 1:-1] - grey[1:-1, :-2] - grey[1:-1, 2:])
    return float(lap[mask[1:-1, 1:-1]].mean())


def box_around(mask: np.ndarray, pad: int) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    out = np.zeros_like(mask)
    out[max(0, ys.min() - pad) : ys.max() + pad, max(0, xs.min() - pad) : xs.max() + pad] = True
    return out


def talk(shot_id: str, speaker: str, characters: list[str], positions: dict[str, float]) -> Shot:
    return Shot(
        id=shot_id,
        characters=characters,
        positions=positions,
        location="quay",
        size=ShotSize.MCU,
        angle=Angle.OVER_THE_SHOULDER,
        dialogue=[DialogueLine(speaker=speaker, text="The tide is turning.")],
        duration_frames=12,
    )


def test_over_the_shoulder_shows_the_speakers_face_past_the_listeners_back() -> None:
    shot = talk("s1", "mara", ["mara", "tom"], {"mara": 0.38, "tom": 0.86})
    frame = view(film(shot), shot)
    # who speaks decides whose face we see, not the order the names come in
    named_the_other_way = shot.model_copy(update={"characters": ["tom", "mara"]})
    assert np.array_equal(frame, view(film(named_the_other_way), named_the_other_way))
    mara, tom = look_for(MARA), look_for(TOM)
    whites = near(frame, SCLERA, 2)
    green = near(frame, mara.eyes, 8)
    assert whites.sum() > 20 and green.sum() > 10, "the speaker's eyes are drawn"
    assert np.nonzero(whites)[1].mean() < W * 0.6, "the face is on the speaker's side, left of the listener"
    # the listener is the foreground back on their own side (right), in their coat's colour, with no face
    right = np.zeros(frame.shape[:2], bool)
    right[:, int(W * 0.7) :] = True
    assert (near(frame, tom.top, 40) & right).sum() > W * H * 0.03
    assert (whites & right).sum() == 0
    # the face is in focus, the shoulder soft
    face = box_around(green, round(H * 0.05))
    shoulder = np.zeros_like(right)
    shoulder[int(H * 0.3) : int(H * 0.85), int(W * 0.8) :] = True
    assert sharpness(frame, face) > 2.5 * sharpness(frame, shoulder)


def test_over_the_shoulder_turns_with_the_line() -> None:
    # Tom answers: his face, past Mara's back on her side (left); the frame is balanced, not empty
    shot = talk("s2", "tom", ["tom", "mara"], {"tom": 0.62, "mara": 0.14})
    frame = view(film(shot), shot)
    whites = near(frame, SCLERA, 2)
    assert whites.sum() > 20 and np.nonzero(whites)[1].mean() > W * 0.45
    left = np.zeros(frame.shape[:2], bool)
    left[:, : int(W * 0.3)] = True
    assert (near(frame, look_for(MARA).top, 40) & left).sum() > W * H * 0.03


def centre_x(mask: np.ndarray) -> float:
    return float(np.nonzero(mask)[1].mean())


def test_people_keep_their_side_through_a_scene_and_face_each_other() -> None:
    first = Shot(id="s1", characters=["mara", "tom"], location="quay", size=ShotSize.MS, duration_frames=12)
    # the next shot names them the other way round and places no one: the scene's sides hold
    second = Shot(id="s2", characters=["tom", "mara"], location="quay", size=ShotSize.MS, duration_frames=12)
    project = film(first, second)
    mara, tom = look_for(MARA), look_for(TOM)
    for shot in project.shots:
        frame = view(project, shot)
        coat, jacket = near(frame, mara.top, 10), near(frame, tom.top, 10)
        assert centre_x(coat) < W / 2 < centre_x(jacket), shot.id
        # each turns toward the other: the eyes sit off the middle of the head, on the other's side
        whites = near(frame, SCLERA, 2)
        for hair, side in ((mara.hair, 1), (tom.hair, -1)):
            half = np.zeros_like(whites)
            half[:, : W // 2] = side > 0
            half[:, W // 2 :] = side < 0
            offset = centre_x(whites & half) - centre_x(near(frame, hair, 4) & half)
            assert offset * side > 1.0, (shot.id, hair, offset)


def test_an_unplaced_persons_side_is_in_the_render_key() -> None:
    from tools.render.key import render_key

    first = Shot(id="s1", characters=["mara", "tom"], positions={"mara": 0.3, "tom": 0.7}, location="quay")
    second = Shot(id="s2", characters=["tom", "mara"], location="quay")
    project = film(first, second)
    swapped = film(first.model_copy(update={"positions": {"mara": 0.7, "tom": 0.3}}), second)
    assert render_key(project, second, "animatic", "2", {}) != render_key(swapped, second, "animatic", "2", {})
    # a shot that places everyone keeps its key whatever the scene does
    assert render_key(project, first, "animatic", "2", {}) == render_key(
        film(first, second.model_copy(update={"positions": {"mara": 0.9, "tom": 0.1}})), first, "animatic", "2", {}
    )

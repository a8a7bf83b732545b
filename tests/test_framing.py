"""Framing that serves the scene, with real pixels: over the shoulder shows the speaker's face past
the listener's back, people keep their side of the frame through a scene and turn to each other."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

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


# Sets dressed from the place ---------------------------------------------------------------------


def a_place(name: str, *, interior: bool = False, description: str = "") -> Location:
    return Location(id=name.lower().replace(" ", "-"), name=name, interior=interior, description=description)


def set_of(place: Location, **fields: object) -> tuple[np.ndarray, list[str]]:
    """The frame of a wide shot of Mara at `place`, and the set pieces the draw log says it showed."""
    from tools.draw.panel import DrawLog

    shot = Shot.model_validate(
        {"id": "s1", "characters": ["mara"], "location": place.id, "size": "WS", "duration_frames": 12} | fields
    )
    project = Project(style=Style(width=W, height=H), characters=[MARA, TOM], locations=[place], shots=[shot])
    log = DrawLog([], [])
    scene = np.asarray(draw_scene(project, shot, shot.seed, W, H, log))
    y, x = (scene.shape[0] - H) // 2, (scene.shape[1] - W) // 2
    return scene[y : y + H, x : x + W].astype(np.int16), log.details()["set"]  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("name", "interior", "pieces"),
    [
        ("the kitchen", True, {"table", "clock"}),
        ("the old forest", False, {"pines"}),
        ("the harbour", False, {"boats", "pier"}),
        ("a cave", False, {"cave"}),
        ("the bridge", False, {"bridge"}),
        ("Mill Street", False, {"houses"}),
        ("the corner shop", True, {"shelves"}),
        ("her bedroom", True, {"bed"}),
    ],
)
def test_the_place_dresses_the_set_and_the_log_says_so(name: str, interior: bool, pieces: set[str]) -> None:
    plain, _ = set_of(a_place("somewhere", interior=interior))
    frame, log = set_of(a_place(name, interior=interior))
    assert pieces <= set(log)
    assert (np.abs(frame - plain).max(axis=2) > 24).mean() > 0.03, "the pieces are drawn, not only logged"


def test_a_place_no_word_names_is_dressed_by_meaning() -> None:
    _, log = set_of(a_place("the spruce thicket"))
    assert "pines" in log


def test_a_place_named_by_a_landmark_draws_it() -> None:
    _, log = set_of(a_place("the church on the green"))
    assert "church" in log


def test_changing_the_place_changes_the_background_and_not_the_people() -> None:
    def frame(place: Location, characters: list[str]) -> np.ndarray:
        shot = Shot(id="s1", characters=characters, location=place.id, size=ShotSize.MS, duration_frames=12)
        return view(Project(style=Style(width=W, height=H), characters=[MARA, TOM], locations=[place]), shot)

    forest, harbour = a_place("the forest"), a_place("the harbour")
    people = np.abs(frame(forest, ["mara", "tom"]) - frame(forest, [])).max(axis=2) > 0
    assert people.mean() > 0.05
    before, after = frame(forest, ["mara", "tom"]), frame(harbour, ["mara", "tom"])
    assert np.array_equal(before[people], after[people]), "the figures are drawn the same"
    assert (np.abs(before - after).max(axis=2)[~people] > 24).mean() > 0.2, "the set behind them changed"


def test_every_shot_of_a_place_shows_the_same_set() -> None:
    kitchen = a_place("the kitchen", interior=True)
    first, log_first = set_of(kitchen, characters=[], seed=11)
    second, log_second = set_of(kitchen, characters=[], seed=12345)
    assert log_first == log_second and np.array_equal(first, second)


def test_night_is_darker_and_cooler_than_day_with_warm_lights() -> None:
    for place in (a_place("the high street"), a_place("the kitchen", interior=True)):
        day, _ = set_of(place, time_of_day="day")
        night, _ = set_of(place, time_of_day="night")
        assert night.mean() < 0.7 * day.mean(), place.name
        cool = lambda f: f[..., 2].mean() / max(1.0, f[..., 0].mean())  # noqa: E731
        assert cool(night) > cool(day) + 0.1, place.name
        warm = (night[..., 0] > 200) & (night[..., 1] > 140) & (night[..., 2] < 150)
        assert warm.sum() > 30, f"{place.name}: a lit window or lamp glows"


def test_the_take_records_the_set(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tools.render.animatic import AnimaticRenderer
    from tools.render.base import RenderRequest

    place = a_place("the harbour")
    shot = Shot(id="s1", characters=["mara"], location=place.id, size=ShotSize.WS, duration_frames=6)
    project = Project(style=Style(width=W, height=H), characters=[MARA], locations=[place], shots=[shot])
    request = RenderRequest(project=project, shot=shot, number=1, output=tmp_path / "take.mp4", seed=shot.seed)
    assert {"water", "boats", "pier"} <= set(AnimaticRenderer().render(request).details["set"])  # type: ignore[arg-type]


# Inserts: an extreme close-up on a thing draws the thing ----------------------------------------


def insert(subject: str, characters: list[str], size: str = "ECU") -> tuple[np.ndarray, list[str]]:
    from story.model import Prop, PropPlace
    from tools.draw.panel import DrawLog

    kitchen = a_place("the kitchen", interior=True)
    framed = Prop(name=subject, where=PropPlace.FOREGROUND, metadata={"framed": True})
    shot = Shot(id="s1", characters=characters, location=kitchen.id, size=size, props=[framed], duration_frames=12)  # type: ignore[arg-type]
    project = Project(style=Style(width=W, height=H), characters=[MARA, TOM], locations=[kitchen], shots=[shot])
    log = DrawLog([], [])
    scene = np.asarray(draw_scene(project, shot, shot.seed, W, H, log))
    y, x = (scene.shape[0] - H) // 2, (scene.shape[1] - W) // 2
    return scene[y : y + H, x : x + W].astype(np.int16), log.details()["draw_log"]  # type: ignore[return-value]


def test_an_extreme_close_up_of_hands_draws_hands_not_a_face() -> None:
    frame, log = insert("hands", ["tom"])
    assert "drawn: hands" in log
    assert near(frame, SCLERA, 2).sum() == 0, "no eyes: it is not a face"
    skin = near(frame, look_for(TOM).skin, 4)
    assert skin.mean() > 0.06, "the hands fill the frame"
    # two hands: skin on both sides of the middle, with a gap of no skin between the palms' middles
    cols = skin.any(axis=0)
    assert cols[: W // 2].any() and cols[W // 2 :].any()


def test_an_extreme_close_up_of_eyes_draws_the_eyes_large() -> None:
    frame, log = insert("her eyes", ["mara"])
    face, _ = insert("florp", ["mara"])  # nothing to draw it with: her face, as before
    assert "drawn: her eyes" in log and "not drawn: florp" in _
    assert near(frame, SCLERA, 2).sum() > 2 * near(face, SCLERA, 2).sum()
    assert near(frame, look_for(MARA).eyes, 8).sum() > 2 * near(face, look_for(MARA).eyes, 8).sum()


def test_an_insert_on_a_thing_draws_its_glyph_large() -> None:
    empty, _ = insert("florp", [])
    frame, log = insert("clock", ["tom"])
    assert any(line.startswith("drawn: clock") for line in log)
    assert near(frame, SCLERA, 2).sum() == 0, "the thing, not the face"
    assert (np.abs(frame - empty).max(axis=2) > 40).mean() > 0.12, "drawn large"


def test_a_place_described_in_prose_is_dressed_by_what_it_is() -> None:
    said = "By night she reaches the harbour, where the harbourmaster waits with a lantern."
    _, log = set_of(a_place("the harbour", description=said))
    assert sorted(log) == ["boats", "pier", "water"], "the night and the lantern are no set pieces"


def test_the_contact_sheet_command_writes_one_picture_per_shot(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from evals.contact import main
    from story import ProjectFolder
    from tools.export.contact import contact_grid

    shots = [Shot(id=f"s{n}", characters=["mara"], location="quay", duration_frames=12) for n in (1, 2, 3)]
    project = film(*shots)
    ProjectFolder.create(tmp_path / "film", project)
    assert main([str(tmp_path / "film"), str(tmp_path / "sheet.png")]) == 0
    sheet = Image.open(tmp_path / "sheet.png")
    assert sheet.size == contact_grid(ProjectFolder.open(tmp_path / "film").load(), 3).size


def test_only_a_face_in_frame_counts_its_feeling_as_drawn() -> None:
    from story.model import Acting, Expression
    from tools.draw.panel import DrawLog

    shot = talk("s1", "mara", ["mara", "tom"], {"mara": 0.38, "tom": 0.86}).model_copy(
        update={"acting": {"mara": Acting(expression=Expression.HAPPY), "tom": Acting(expression=Expression.AFRAID)}}
    )
    log = DrawLog([], [])
    draw_scene(film(shot), shot, 0, W, H, log)
    assert "mara happy" in log.drawn and "tom afraid" not in log.drawn, "Tom's back is to us"


def test_a_lighthouse_is_lit_when_a_storm_darkens_the_dusk() -> None:
    frame, _ = set_of(a_place("the lighthouse"), time_of_day="dusk", weather="storm", characters=[])
    warm = (frame[..., 0] > 200) & (frame[..., 1] > 170) & (frame[..., 2] < 170)
    assert warm.sum() > 20

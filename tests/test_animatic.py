"""The animatic backend: takes with the right shape, deterministic pictures that follow the shot."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from probing import frames_rgb, probe

from story import Character, DialogueLine, Location, Project, Shot, Style
from tools.draw.figures import look_for
from tools.render.animatic import AnimaticRenderer, register_renderers, render_placeholder
from tools.render.base import Renderer, RenderError, RenderRequest

W, H = 320, 180
MARA = Character(id="mara", name="Mara", description="a tall woman in a red coat with black hair")
TOM = Character(id="tom", name="Tom", description="an old fisherman", traits={"coat": "yellow", "beard": "grey"})
HARBOUR = Location(id="harbour", name="the harbour", description="a fishing harbour with a lighthouse")
KITCHEN = Location(id="kitchen", name="the kitchen", interior=True)


def project_with(*shots: Shot, width: int = W, height: int = H) -> Project:
    style = Style(width=width, height=height)
    return Project(style=style, characters=[MARA, TOM], locations=[HARBOUR, KITCHEN], shots=list(shots))


def shot(**fields: object) -> Shot:
    base: dict[str, object] = {"id": "s1", "characters": ["mara"], "location": "harbour", "duration_frames": 12}
    return Shot.model_validate(base | fields)


def render(tmp_path: Path, the_shot: Shot, *, number: int = 1, seed: int = 0, name: str = "take", **style: int) -> Path:
    project = project_with(the_shot, **style)
    output = tmp_path / f"{name}.mp4"
    done = AnimaticRenderer().render(
        RenderRequest(project=project, shot=the_shot, number=number, output=output, seed=seed)
    )
    assert done.frames == the_shot.duration_frames
    return output


def pictures(path: Path, height: int = H, width: int = W) -> list[np.ndarray]:
    return [np.frombuffer(f, np.uint8).reshape(height, width, 3) for f in frames_rgb(path)]


def share_near(picture: np.ndarray, colour: tuple[int, int, int], tolerance: int = 28) -> float:
    """Share of the pixels within `tolerance` of `colour` on every channel."""
    near = np.abs(picture.astype(np.int16) - np.asarray(colour, np.int16)).max(axis=2) <= tolerance
    return float(near.mean())


def differ(a: np.ndarray | bytes, b: np.ndarray | bytes) -> float:
    """Mean absolute difference of two decoded pictures (equal inputs decode nearly, not exactly, equal)."""
    first = np.frombuffer(a, np.uint8) if isinstance(a, bytes) else a.ravel()
    second = np.frombuffer(b, np.uint8) if isinstance(b, bytes) else b.ravel()
    return float(np.abs(first.astype(np.int16) - second.astype(np.int16)).mean())


def horizon_row(picture: np.ndarray) -> int:
    """The row where the left edge's colour jumps most: the horizon (figures stand mid-frame)."""
    edge = picture[: H - 16, :12].astype(np.float32).mean(axis=1)  # above the caption strip
    return int(np.abs(np.diff(edge, axis=0)).sum(axis=1).argmax())


def test_a_take_has_the_exact_frames_size_rate_and_codec_by_default(tmp_path: Path) -> None:
    the_shot = shot(duration_frames=30, movement="pan-right")
    progress: list[int] = []
    project = project_with(the_shot, width=1280, height=720)
    output = tmp_path / "take.mp4"
    request = RenderRequest(project=project, shot=the_shot, number=1, output=output, on_frame=progress.append)
    assert AnimaticRenderer().render(request).frames == 30
    facts = probe(output)
    assert (facts.codec, facts.width, facts.height, facts.pix_fmt) == ("h264", 1280, 720, "yuv420p")
    assert facts.fps == Fraction(24) and facts.frames == 30
    assert progress == [12, 24, 30]
    assert not list(tmp_path.glob(".*partial*")), "no temporary file is left behind"


def test_style_size_and_rate_are_honoured(tmp_path: Path) -> None:
    the_shot = shot(duration_frames=7)
    project = project_with(the_shot).model_copy(update={"style": Style(width=256, height=144, fps=30)})
    output = tmp_path / "take.mp4"
    AnimaticRenderer().render(RenderRequest(project=project, shot=the_shot, number=1, output=output))
    facts = probe(output)
    assert (facts.width, facts.height, facts.fps, facts.frames) == (256, 144, Fraction(30), 7)


def test_the_same_shot_and_seed_give_the_same_pixels(tmp_path: Path) -> None:
    the_shot = shot(movement="handheld", time_of_day="night")
    first = frames_rgb(render(tmp_path, the_shot, seed=5, name="a"))
    assert first == frames_rgb(render(tmp_path, the_shot, seed=5, name="b"))
    assert first != frames_rgb(render(tmp_path, the_shot, seed=6, name="c"))
    assert first != frames_rgb(render(tmp_path, shot(movement="handheld", time_of_day="night", size="CU"), name="d"))


def test_a_close_up_holds_much_more_of_the_character_than_a_wide_shot(tmp_path: Path) -> None:
    coat = look_for(MARA).top
    wide = pictures(render(tmp_path, shot(size="WS"), name="ws"))[0]
    close = pictures(render(tmp_path, shot(size="MS"), name="ms"))[0]
    far = pictures(render(tmp_path, shot(size="EWS"), name="ews"))[0]
    assert share_near(close, coat) > 3 * share_near(wide, coat) > 0
    assert share_near(wide, coat) > share_near(far, coat)


def test_the_angle_moves_the_horizon(tmp_path: Path) -> None:
    rows = {
        a: horizon_row(pictures(render(tmp_path, shot(angle=a, location=None), name=a))[0])
        for a in ("low", "eye-level", "high")
    }
    assert rows["high"] < rows["eye-level"] < rows["low"]


def test_a_push_in_moves_and_a_static_shot_holds(tmp_path: Path) -> None:
    moving = frames_rgb(render(tmp_path, shot(movement="push-in"), name="push"))
    assert differ(moving[0], moving[-1]) > 5
    still = frames_rgb(render(tmp_path, shot(), name="still"))
    assert max(differ(frame, still[0]) for frame in still) < 1.0


@pytest.mark.parametrize(
    "movement", ["pan-left", "tilt-up", "crane-down", "dolly-right", "tracking", "handheld", "pull-out"]
)
def test_every_move_changes_the_picture(tmp_path: Path, movement: str) -> None:
    frames = frames_rgb(render(tmp_path, shot(movement=movement, duration_frames=8), name=movement))
    assert len(frames) == 8 and differ(frames[0], frames[-1]) > 1


@pytest.mark.parametrize("angle", ["overhead", "dutch", "pov", "over-the-shoulder"])
def test_every_angle_draws_its_own_picture(tmp_path: Path, angle: str) -> None:
    two = ["mara", "tom"]
    plain = frames_rgb(render(tmp_path, shot(characters=two, duration_frames=6), name="plain"))[0]
    turned = frames_rgb(render(tmp_path, shot(characters=two, angle=angle, duration_frames=6), name=angle))[0]
    assert plain != turned


def test_a_character_keeps_its_colours_from_shot_to_shot(tmp_path: Path) -> None:
    coat = look_for(TOM).top
    outside = pictures(render(tmp_path, shot(characters=["tom"], size="MS"), name="out"))[0]
    inside = pictures(render(tmp_path, shot(characters=["tom"], location="kitchen", size="CU"), name="in"))[0]
    assert share_near(outside, coat, 20) > 0.05 and share_near(inside, coat, 20) > 0.05


def test_the_caption_strip_shows_and_follows_the_shot_number(tmp_path: Path) -> None:
    one = pictures(render(tmp_path, shot(), number=1, name="one"))[0]
    two = pictures(render(tmp_path, shot(), number=12, name="twelve"))[0]
    strip = slice(H - 12, H)
    assert one[strip].std() > 10, "the strip carries text"
    assert not np.array_equal(one[strip], two[strip])
    assert np.array_equal(one[: H // 2], two[: H // 2]), "only the caption changes with the number"


def test_dialogue_lines_show_in_turn(tmp_path: Path) -> None:
    lines = [
        DialogueLine(speaker="mara", text="Look."),
        DialogueLine(speaker="tom", text="I see it, out past the rocks."),
    ]
    frames = pictures(render(tmp_path, shot(characters=["mara", "tom"], dialogue=lines, duration_frames=24)))
    band = slice(H // 2, H - 14)
    assert differ(frames[0][band], frames[-1][band]) > 3, "the second line replaces the first"
    assert differ(frames[0], frames[1]) < 1.0, "a line holds while it is spoken"


def test_the_placeholder_is_marked_and_has_the_frames(tmp_path: Path) -> None:
    the_shot = shot(duration_frames=10, movement="push-in")
    project = project_with(the_shot)
    output = tmp_path / "failed.mp4"
    request = RenderRequest(project=project, shot=the_shot, number=1, output=output)
    assert render_placeholder(request, "backend refused: out of credits") == 10
    assert probe(output).frames == 10
    first = pictures(output)[0]
    assert share_near(first, (200, 30, 40), 30) > 0.2


def test_bad_input_names_the_argument(tmp_path: Path) -> None:
    project = project_with(shot())
    stray = shot(location="moon")
    with pytest.raises(RenderError, match=r"`shot.location` 'moon'"):
        AnimaticRenderer().render(RenderRequest(project=project, shot=stray, number=1, output=tmp_path / "x.mp4"))
    with pytest.raises(RenderError, match=r"`output` must be an .mp4"):
        AnimaticRenderer().render(RenderRequest(project=project, shot=shot(), number=1, output=tmp_path / "x.gif"))
    assert not list(tmp_path.iterdir())


def test_missing_reference_sheets_do_not_matter(tmp_path: Path) -> None:
    the_shot = shot(duration_frames=6)
    request = RenderRequest(
        project=project_with(the_shot),
        shot=the_shot,
        number=1,
        output=tmp_path / "take.mp4",
        references={"mara": tmp_path / "gone.png"},
    )
    assert AnimaticRenderer().render(request).frames == 6


def test_the_backend_registers_through_its_hook() -> None:
    found: list[type[Renderer]] = []
    register_renderers(found.append)
    assert found == [AnimaticRenderer]
    assert (AnimaticRenderer.name, AnimaticRenderer.version, AnimaticRenderer.supports_references) == (
        "animatic",
        "4",
        True,
    )

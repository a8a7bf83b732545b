"""The `animatic` backend: each shot as a storyboard panel, its camera move animated on the CPU.

The panel is drawn once per shot, larger than the frame; every frame is then a crop of it
(pans, tilts, handheld: a copy of a slice) or a crop scaled to the frame (push-in, pull-out),
with the caption strip and the current subtitle laid on top. A frame equal to the one before
is not made again, so a static shot costs one frame of drawing. Frames go to ffmpeg in yuv420p,
the takes' own pixel format: the panel is converted once per shot and each frame is a crop of its
planes, so ffmpeg converts nothing and the pipe carries half the bytes of RGB. Python's part stays
small next to the encoder's, and the pipe writes release the GIL so drawing and encoding overlap.

Zooms scale with nearest-neighbour sampling: the panels are flat, hard-edged drawings, which
it keeps as they are, and at 1280x720 it is about ten times as fast as bilinear in Pillow.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np
from PIL import Image

from story import Movement, Project, Shot
from tools.draw.icons import CREDIT
from tools.draw.panel import (
    DrawLog,
    Subtitle,
    caption_height,
    caption_strip,
    draw_scene,
    failure_banner,
    subtitles,
)
from tools.draw.weather import Overlay, overlay_for
from tools.media.codec import FrameEncoder, Profile, yuv420p_planes
from tools.render.base import Renderer, RenderError, RenderRequest, RenderResult

PROGRESS_EVERY = 12  # frames between progress calls
WET_KEPT = 12  # weathered frames kept while the camera holds (rain loops in 8 drawings; a flash adds a few)

Box = tuple[int, int, int, int]  # left, top, width, height of the panel region a frame shows


class AnimaticRenderer(Renderer):
    """Storyboard panels drawn procedurally, camera moves animated on the CPU in real time."""

    name = "animatic"
    version = "4"  # 2: what is in frame (props, weather, feelings) is drawn; 3: sets from the place, framing;
    # 4: animals and things as their glyphs, creatures' builds, scarves and suits, visible rain
    supports_references = True

    def render(self, request: RenderRequest) -> RenderResult:
        """Render the shot's panel and camera move into `request.output`; the frames written and the draw log."""
        # 1. Check the request before drawing anything.
        check_inputs(request)
        project, shot = request.project, request.shot
        style = project.style
        width, height = style.width, style.height

        # 2. Draw the panel once, and the on-screen text that stays put while the camera moves.
        log = DrawLog([], [])
        scene = draw_scene(project, shot, request.seed, width, height, log)
        strip = caption_strip(project, shot, request.number, width, height)
        lines = subtitles(project, shot, width, height)
        weather = _overlay(project, shot, request.seed)
        frames = _Frames(scene, strip, lines, width, height)

        # 3. Where the camera looks in each frame.
        boxes = camera_path(shot, scene.width, scene.height, width, height, request.seed, style.fps)

        # 4. Make each frame (only when it differs from the last) and encode it.
        last_key: tuple[Box, int] | None = None
        last_weather: tuple[Box, int, tuple[int, bool]] | None = None
        frame = frames.composed
        profile = Profile(width, height, style.fps)
        with FrameEncoder(request.output, profile, frames=len(boxes), pix_fmt="yuv420p") as encoder:
            for n, box in enumerate(boxes):
                request.stop.check()  # a stopped render leaves no half-written take (the encoder discards it)
                line = next((i for i, sub in enumerate(lines) if sub.start <= n < sub.end), -1)
                if (box, line) != last_key:
                    frame, last_key = frames.compose(box, line), (box, line)
                if weather is not None and (box, line, weather.key(n)) != last_weather:
                    # rain and snow fall over the picture, not over the caption or a subtitle's box
                    frame = frames.weathered(weather, n, lines[line].box if line >= 0 else None)
                    last_weather = (box, line, weather.key(n))
                encoder.write(frame)
                _report(request.on_frame, n + 1, len(boxes))
        details = log.details()
        if shot.props or log.icons:  # what OpenMoji drew is credited, as its licence asks
            details["credit"] = CREDIT
        return RenderResult(frames=encoder.frames, details=details)


def check_inputs(request: RenderRequest) -> None:
    """Raise `RenderError` naming the argument and value when the request cannot be drawn."""
    project, shot = request.project, request.shot
    if request.output.suffix.lower() != ".mp4":
        raise RenderError(f"`output` must be an .mp4 file but is {str(request.output)!r}")
    if request.number < 1:
        raise RenderError(f"`number` must be 1 or more but is {request.number}")
    places = [loc.id for loc in project.locations]
    if shot.location is not None and shot.location not in places:
        raise RenderError(f"`shot.location` {shot.location!r} is not a location of the project (known: {places})")
    cast = {c.id for c in project.characters}
    unknown = [cid for cid in [*shot.characters, *(line.speaker for line in shot.dialogue)] if cid not in cast]
    if unknown:
        raise RenderError(f"`shot.characters` names characters the project does not have: {unknown}")


def camera_path(shot: Shot, panel_w: int, panel_h: int, width: int, height: int, seed: int, fps: int = 24) -> list[Box]:
    """The panel region each frame shows, following the shot's camera move."""
    frames = shot.duration_frames
    slack_x, slack_y = panel_w - width, panel_h - height
    cx, cy = slack_x // 2, slack_y // 2
    move = shot.movement

    def eased(n: int) -> float:
        t = n / max(1, frames - 1)
        return t * t * (3 - 2 * t)

    def shift(x: float, y: float) -> Box:
        return (round(x), round(y), width, height)

    if move in {Movement.PAN_RIGHT, Movement.DOLLY_RIGHT}:
        return [shift(slack_x * eased(n), cy) for n in range(frames)]
    if move in {Movement.PAN_LEFT, Movement.DOLLY_LEFT}:
        return [shift(slack_x * (1 - eased(n)), cy) for n in range(frames)]
    if move in {Movement.TILT_UP, Movement.CRANE_UP}:
        return [shift(cx, slack_y * (1 - eased(n))) for n in range(frames)]
    if move in {Movement.TILT_DOWN, Movement.CRANE_DOWN}:
        return [shift(cx, slack_y * eased(n)) for n in range(frames)]
    if move == Movement.TRACKING:  # a steady lateral move, no easing: the camera travels with someone
        return [shift(slack_x * (0.1 + 0.8 * n / max(1, frames - 1)), cy) for n in range(frames)]
    if move in {Movement.PUSH_IN, Movement.PULL_OUT}:
        boxes = []
        for n in range(frames):
            t = eased(n) if move == Movement.PUSH_IN else 1 - eased(n)
            w = panel_w + (width - panel_w) * t
            h = w * height / width
            boxes.append((round((panel_w - w) / 2), round((panel_h - h) / 2), round(w), round(h)))
        return boxes
    if move == Movement.HANDHELD:  # a small, smooth, seeded wobble of whole pixels
        rng = random.Random(seed)
        phases = [rng.uniform(0, math.tau) for _ in range(4)]
        amp = max(1.0, height * 0.012)
        boxes = []
        for n in range(frames):
            s = n / fps
            dx = amp * (math.sin(math.tau * 0.35 * s + phases[0]) + 0.45 * math.sin(math.tau * 1.1 * s + phases[1]))
            dy = amp * (0.7 * math.sin(math.tau * 0.5 * s + phases[2]) + 0.3 * math.sin(math.tau * 1.7 * s + phases[3]))
            boxes.append(shift(min(slack_x, max(0, cx + dx)), min(slack_y, max(0, cy + dy))))
        return boxes
    return [shift(cx, cy)] * frames


def _overlay(project: Project, shot: Shot, seed: int) -> Overlay | None:
    """Rain, snow or lightning over the frames of an outdoor shot; None indoors and in clear weather."""
    location = project.location(shot.location) if shot.location else None
    if location is not None and location.interior:
        return None
    style = project.style
    rows = style.height - caption_height(style.height)
    return overlay_for(shot.weather, style.width, style.height, shot.duration_frames, seed, rows)


def _view(scene: Image.Image, pixels: np.ndarray, box: Box, width: int, height: int) -> np.ndarray:
    """A new, writable frame showing `box` of the panel."""
    x, y, w, h = box
    if (w, h) == (width, height):
        return pixels[y : y + h, x : x + w].copy()
    # a zoom's height comes from its width, so at some frame sizes it rounds a pixel past the panel
    box = (max(0, x), max(0, y), min(scene.width, x + w), min(scene.height, y + h))
    scaled = scene.resize((width, height), Image.Resampling.NEAREST, box=box)
    return np.array(scaled)


class _Frames:
    """A shot's frames in yuv420p, the takes' pixel format, made from its panel converted once.

    The picture is a crop (or a nearest-neighbour zoom) of the panel's Y, U and V planes; the caption
    strip's planes are converted once too, and the rows of a subtitle are laid on in RGB, as
    `panel_still` lays them, and converted each time they change. ffmpeg is handed frames it need not
    convert, at half the bytes of RGB; a frame held still is converted once, not once a frame.
    """

    def __init__(self, scene: Image.Image, strip: np.ndarray, lines: list[Subtitle], width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise RenderError(f"`style.width` and `style.height` must be even but are {width} and {height}")
        self.scene, self.pixels = scene, np.asarray(scene)
        self.width, self.height = width, height
        self.strip, self.lines = strip, lines
        self.planes = [Image.fromarray(plane) for plane in yuv420p_planes(scene)]
        self.arrays = [np.asarray(plane) for plane in self.planes]
        top = height - strip.shape[0]
        # A strip that starts on an even row shares no chroma row with the picture: its planes never change.
        self.strip_planes = yuv420p_planes(Image.fromarray(strip)) if top % 2 == 0 else None
        self.stop = top if self.strip_planes is not None else height  # where the rows laid on in RGB end
        # where they begin, with no subtitle and with each (even: a chroma row is two rows)
        self.bands = [max(0, min(top, sub.y)) // 2 * 2 for sub in lines] + [top // 2 * 2]
        self.rgb = np.empty((height - min(self.bands), width, 3), np.uint8)
        self.composed = np.empty(width * height * 3 // 2, np.uint8)
        self.wet: dict[tuple[int, bool], np.ndarray] = {}  # the weather's drawings over the frame composed last

    def split(self, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The Y, U and V planes of a flat yuv420p frame, as writable views."""
        w, h = self.width, self.height
        quarter = w * h // 4
        return (
            frame[: w * h].reshape(h, w),
            frame[w * h : w * h + quarter].reshape(h // 2, w // 2),
            frame[w * h + quarter :].reshape(h // 2, w // 2),
        )

    def compose(self, box: Box, line: int) -> np.ndarray:
        """The frame showing `box` of the panel, under the caption strip and subtitle `line` (-1: none)."""
        x, y, w, h = box
        width, height, stop = self.width, self.height, self.stop
        band = self.bands[line]  # line -1 is the last: no subtitle
        planes = self.split(self.composed)
        self.wet.clear()
        rgb = self.rgb[: stop - band]
        if (w, h) == (width, height):
            for plane, panel, k in zip(planes, self.arrays, (1, 2, 2), strict=True):
                plane[...] = panel[y // k : y // k + h // k, x // k : x // k + w // k]
            rgb[...] = self.pixels[y + band : y + stop, x : x + w]
        else:
            # a zoom's height comes from its width, so at some frame sizes it rounds a pixel past the panel
            sx, sy = max(0, x), max(0, y)
            ex, ey = min(self.scene.width, x + w), min(self.scene.height, y + h)
            for plane, panel, k in zip(planes, self.planes, (1, 2, 2), strict=True):
                view = (sx / k, sy / k, ex / k, ey / k)
                plane[...] = np.asarray(panel.resize((width // k, height // k), Image.Resampling.NEAREST, box=view))
            if stop > band:  # the same rows, sampled as the whole frame samples them
                rows = (sx, sy + (ey - sy) * band / height, ex, sy + (ey - sy) * stop / height)
                rgb[...] = np.asarray(self.scene.resize((width, stop - band), Image.Resampling.NEAREST, box=rows))
        if self.strip_planes is None:
            rgb[height - band - self.strip.shape[0] :] = self.strip
        else:
            for plane, part, k in zip(planes, self.strip_planes, (1, 2, 2), strict=True):
                plane[stop // k :] = part
        if line >= 0:
            self.lines[line].apply(rgb, top=band)
        if stop > band:
            for plane, part, k in zip(planes, yuv420p_planes(Image.fromarray(rgb)), (1, 2, 2), strict=True):
                plane[band // k : stop // k] = part
        return self.composed

    def weathered(self, weather: Overlay, n: int, clear: Box | None) -> np.ndarray:
        """The frame last composed with frame `n`'s weather over it. While the camera holds still, the rain's
        loop comes round again: each of its drawings is laid over the frame once (up to WET_KEPT of them)."""
        key = weather.key(n)
        frame = self.wet.get(key)
        if frame is None:
            frame = self.composed.copy()
            weather.apply_yuv(self.split(frame), n, clear)
            if len(self.wet) < WET_KEPT:
                self.wet[key] = frame
        return frame


def _report(on_frame: Callable[[int], None] | None, done: int, total: int) -> None:
    if on_frame is not None and (done % PROGRESS_EVERY == 0 or done == total):
        on_frame(done)


def render_placeholder(request: RenderRequest, reason: str) -> int:
    """The shot's panel, still, under a big "RENDER FAILED" banner with `reason`; frames written.

    Used when another backend fails on a shot, so the reel still assembles. It draws what it
    can: a request the panel cannot be drawn for gets a plain grey one.
    """
    project, shot = request.project, request.shot
    style = project.style
    width, height = style.width, style.height
    try:
        check_inputs(request)
        scene = np.asarray(draw_scene(project, shot, request.seed, width, height))
        x, y = (scene.shape[1] - width) // 2, (scene.shape[0] - height) // 2
        frame = scene[y : y + height, x : x + width].copy()
        strip = caption_strip(project, shot, request.number, width, height)
        frame[height - strip.shape[0] :] = strip
    except (RenderError, KeyError, ValueError):
        frame = np.full((height, width, 3), 96, np.uint8)
    frame = failure_banner(frame, reason)
    output = request.output if request.output.suffix.lower() == ".mp4" else request.output.with_suffix(".mp4")
    with FrameEncoder(output, Profile(width, height, style.fps)) as encoder:
        for n in range(shot.duration_frames):
            encoder.write(frame)
            _report(request.on_frame, n + 1, shot.duration_frames)
    return encoder.frames


def panel_still(project: Project, shot: Shot, number: int, seed: int = 0) -> Image.Image:
    """The shot's first frame as an image (for storyboards and previews)."""
    style = project.style
    scene = draw_scene(project, shot, seed, style.width, style.height)
    box = camera_path(shot, scene.width, scene.height, style.width, style.height, seed, style.fps)[0]
    frame = _view(scene, np.asarray(scene), box, style.width, style.height)
    strip = caption_strip(project, shot, number, style.width, style.height)
    frame[style.height - strip.shape[0] :] = strip
    lines = subtitles(project, shot, style.width, style.height)
    if lines:
        lines[0].apply(frame)
    weather = _overlay(project, shot, seed)
    if weather is not None:
        weather.apply(frame, 0, lines[0].box if lines else None)
    return Image.fromarray(frame)


def register_renderers(register: Callable[[type[Renderer]], None]) -> None:
    """Entry-point hook: register the animatic backend."""
    register(AnimaticRenderer)

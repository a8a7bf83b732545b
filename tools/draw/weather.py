"""Weather on a panel: the sky it makes, clouds and fog drawn into the set, and what moves on
screen (rain streaks, snowflakes, a lightning flash) laid over each frame.

What moves is a short loop of overlays precomputed once per shot, each a set of pixel indices and
a colour, so a rainy static shot costs an index write per frame, not a drawing.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from typing import Protocol, TypeVar

import numpy as np
from PIL import Image, ImageDraw

from story.model import Weather


class Sky(Protocol):
    """The parts of a panel's light that weather changes."""

    sky_top: tuple[int, int, int]
    sky_low: tuple[int, int, int]
    level: float
    stars: bool
    sun: tuple[int, int, int] | None


RGB = tuple[int, int, int]
ON_TWOS = 2
RAIN_WIDTH = 3.2  # a streak's width in pixels at 720 rows
_Light = TypeVar("_Light", bound=Sky)
_OVERCAST = {Weather.CLOUD, Weather.RAIN, Weather.STORM, Weather.SNOW, Weather.FOG}
_GREY: dict[Weather, tuple[RGB, float, float]] = {  # the cloud colour, how far the sky turns to it, light left
    Weather.CLOUD: ((170, 176, 186), 0.55, 0.9),
    Weather.RAIN: ((120, 128, 140), 0.7, 0.78),
    Weather.STORM: ((44, 46, 60), 0.85, 0.6),
    Weather.SNOW: ((206, 210, 220), 0.7, 0.92),
    Weather.FOG: ((200, 204, 208), 0.8, 0.85),
}


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def weathered(light: _Light, weather: Weather) -> _Light:
    """The light under `weather`: an overcast sky turns grey (dark for a storm) and hides the stars."""
    if weather not in _GREY:
        return light
    grey, amount, level = _GREY[weather]
    night = light.level < 0.6  # clouds at night are dark, whatever their colour by day
    if night:
        grey = _mix(grey, (10, 12, 20), 0.75)
    return replace(  # type: ignore[type-var]
        light,  # type: ignore[arg-type]
        sky_top=_mix(light.sky_top, grey, amount),
        sky_low=_mix(light.sky_low, grey, amount * 0.9),
        level=light.level * level,
        stars=False,
        sun=None,
    )


def draw_cloud_cover(image: Image.Image, weather: Weather, sky: RGB, horizon_y: float, rng: random.Random) -> None:
    """Heavy, low clouds across the sky for overcast weather (drawn over the sky, under the set)."""
    if weather not in _OVERCAST or horizon_y <= 0:
        return
    d = ImageDraw.Draw(image)
    dark = weather in {Weather.STORM, Weather.RAIN}
    tone = _mix(sky, (20, 20, 30) if dark else (250, 250, 252), 0.35)
    w = image.width
    for row in range(3):
        y = horizon_y * (0.12 + 0.22 * row)
        x = -rng.uniform(0, w * 0.1)
        while x < w:
            r = w * rng.uniform(0.05, 0.1)
            d.ellipse((x - r, y - r * 0.45, x + r, y + r * 0.45), fill=_mix(tone, sky, 0.25 * row))
            x += r * 1.3


def fog(image: Image.Image, amount: float, level: float) -> Image.Image:
    """The picture veiled by fog `amount` thick (0..1), lit at `level`."""
    veil = Image.new("RGB", image.size, tuple(round(c * max(0.35, level)) for c in (214, 218, 222)))
    return Image.blend(image, veil, amount)


@dataclass(frozen=True)
class Overlay:
    """What moves on screen: `loop` sets of flat pixel indices with their colour, and the frames that flash.

    Only the picture's top `rows` rows are touched: the caption strip below stays as it is.
    """

    loop: list[np.ndarray]
    colour: np.ndarray
    flashes: frozenset[int]
    width: int
    rows: int
    bolt: np.ndarray | None = None
    _cleared: dict[tuple[int, tuple[int, int, int, int]], np.ndarray] = field(
        default_factory=dict, compare=False, repr=False
    )
    _blocks: dict[object, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, compare=False, repr=False)

    def key(self, n: int) -> tuple[int, bool]:
        """What frame `n` shows of the weather: its drawing in the loop, and whether it flashes."""
        return self._phase(n), n in self.flashes

    def _phase(self, n: int) -> int:
        # animated "on twos", as hand-drawn animation is: each drawing holds two frames, which reads as
        # falling rain and halves what the encoder must describe
        return (n // ON_TWOS) % len(self.loop) if self.loop else 0

    def _indices(self, phase: int, clear: tuple[int, int, int, int] | None) -> np.ndarray:
        idx = self.loop[phase]
        if clear is None:
            return idx
        if (phase, clear) not in self._cleared:  # a subtitle's box stays readable: no rain across it
            x, y, w, h = clear
            ys, xs = np.divmod(idx, self.width)
            self._cleared[phase, clear] = idx[~((ys >= y) & (ys < y + h) & (xs >= x) & (xs < x + w))]
        return self._cleared[phase, clear]

    def apply(self, frame: np.ndarray, n: int, clear: tuple[int, int, int, int] | None = None) -> None:
        """Lay frame `n`'s weather over `frame` (H x W x 3 uint8) in place, leaving the box `clear` as it is."""
        flat = frame.reshape(-1, 3)
        if n in self.flashes:  # lightning: the picture lit white-blue, the bolt across the sky
            picture = frame[: self.rows]
            np.subtract(255, ((255 - picture.astype(np.uint16)) * 2 // 5).astype(np.uint8), out=picture)
            if self.bolt is not None:
                flat[self.bolt] = (255, 255, 240)
        if self.loop:  # solid streaks and flakes: a write, no blend, keeps a frame's cost near a copy's
            flat[self._indices(self._phase(n), clear)] = self.colour

    def apply_yuv(self, planes: tuple[np.ndarray, ...], n: int, clear: tuple[int, int, int, int] | None = None) -> None:
        """`apply` for a yuv420p frame: its Y, U and V planes (U and V half size each way) changed in place.

        A chroma sample takes a streak's colour in the share of its 2x2 pixels the streak covers, as it
        would from ffmpeg converting the RGB frame; the flash is the same lightening, written in YUV."""
        luma = planes[0]
        if n in self.flashes:
            picture = luma[: self.rows]  # 255 - (255 - c) * 2/5 on R, G and B is 0.4 Y + 141 and 0.4 C + 76.8
            picture[...] = ((picture.astype(np.uint16) * 2 + 705) // 5).astype(np.uint8)
            for chroma in planes[1:]:
                top = chroma[: self.rows // 2]
                top[...] = ((top.astype(np.uint16) * 2 + 384) // 5).astype(np.uint8)
            if self.bolt is not None:
                self._mark(planes, "bolt", self.bolt, (255, 255, 240))
        if self.loop:
            phase = self._phase(n)
            self._mark(planes, (phase, clear), self._indices(phase, clear), tuple(int(c) for c in self.colour))

    def _mark(self, planes: tuple[np.ndarray, ...], key: object, idx: np.ndarray, rgb: tuple[int, ...]) -> None:
        luma, blue, red = planes
        y, u, v = _yuv(rgb)
        luma.reshape(-1)[idx] = y
        if key not in self._blocks:  # each touched chroma sample, and how many of its four pixels are touched
            rows, cols = np.divmod(idx, self.width)
            blocks, counts = np.unique((rows // 2) * blue.shape[1] + cols // 2, return_counts=True)
            self._blocks[key] = (blocks, counts.astype(np.uint16))
        blocks, counts = self._blocks[key]
        for plane, value in ((blue, u), (red, v)):
            flat = plane.reshape(-1)
            flat[blocks] = ((flat[blocks] * (4 - counts) + value * counts + 2) // 4).astype(np.uint8)


def _yuv(rgb: tuple[int, ...]) -> tuple[int, int, int]:
    """An RGB colour in limited-range BT.601, as ffmpeg converts the takes' frames."""
    r, g, b = rgb
    return (
        round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
        round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255),
        round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255),
    )


def overlay_for(
    weather: Weather, width: int, height: int, frames: int, seed: int, rows: int | None = None
) -> Overlay | None:
    """The moving part of `weather` for a shot `frames` long over the top `rows` rows of the frame: rain or
    snow falling, lightning; None for none."""
    rows = height if rows is None else rows
    if weather not in {Weather.RAIN, Weather.STORM, Weather.SNOW}:
        return None
    rng = random.Random(seed ^ 0x5EED)
    scale = height / 720
    if weather == Weather.SNOW:
        period, count = 48, 220
        flakes = [(rng.uniform(0, width), rng.uniform(0, height), rng.uniform(1.2, 3.2) * scale) for _ in range(count)]
        loop = []
        for p in range(period):
            mask = Image.new("L", (width, height), 0)
            d = ImageDraw.Draw(mask)
            for i, (x, y, r) in enumerate(flakes):
                fy = (y + p * height / period) % height
                fx = (x + math.sin(p / period * math.tau + i) * 6 * scale) % width
                d.ellipse((fx - r, fy - r, fx + r, fy + r), fill=255)
            loop.append(np.flatnonzero(np.asarray(mask)[:rows]))
        return Overlay(loop, np.array((238, 240, 248), np.uint8), frozenset(), width, rows)
    storm = weather == Weather.STORM
    # streaks thick and pale enough to read on a contact sheet's panel a quarter of the frame's width
    period, count = 8, 220 if storm else 200
    slant = 0.28 if storm else 0.12
    length = (64 if storm else 50) * scale
    drops = [(rng.uniform(0, width), rng.uniform(0, height)) for _ in range(count)]
    loop = []
    for p in range(period):
        mask = Image.new("L", (width, height), 0)
        d = ImageDraw.Draw(mask)
        for x, y in drops:
            fy = (y + p * height / period) % height
            fx = (x + fy * slant) % width
            d.line((fx, fy, fx - length * slant, fy - length), fill=255, width=max(1, round(RAIN_WIDTH * scale)))
        loop.append(np.flatnonzero(np.asarray(mask)[:rows]))
    flashes: frozenset[int] = frozenset()
    bolt = None
    if storm:
        # late in the shot: the middle frame (a board's keyframe) shows the storm, not the flash's white
        start = min(frames - 1, max(0, round(frames * rng.uniform(0.6, 0.8))))
        flashes = frozenset(f for f in (start, start + 1, start + 3) if f < frames)
        mask = Image.new("L", (width, height), 0)
        x, y = width * rng.uniform(0.2, 0.8), 0.0
        points = [(x, y)]
        while y < height * 0.4:
            x += rng.uniform(-0.04, 0.04) * width
            y += rng.uniform(0.04, 0.08) * height
            points.append((x, y))
        ImageDraw.Draw(mask).line(points, fill=255, width=max(2, round(4 * scale)))
        bolt = np.flatnonzero(np.asarray(mask)[:rows])
    colour = (206, 214, 232) if storm else (200, 210, 230)
    return Overlay(loop, np.array(colour, np.uint8), flashes, width, rows, bolt)

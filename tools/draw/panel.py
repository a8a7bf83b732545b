"""Drawing one storyboard panel: the set and its light, the figures, the caption and subtitles.

The scene is drawn once per shot on a canvas larger than the frame (`MARGIN`), so a camera move
is only a crop of it; the caption strip and subtitles are drawn separately because they stay
put on the screen while the camera moves. Sizes are fractions of the frame, so a panel reads
the same at 320x180 and at 1920x1080.
"""

from __future__ import annotations

import math
import random
import textwrap
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from story import Angle, Character, Project, Shot, ShotSize, TimeOfDay
from story.model import Acting, Prop, PropPlace, Weather
from tools.draw import creatures, icons
from tools.draw.blocking import Figure, layout
from tools.draw.canvas import Canvas
from tools.draw.figures import (
    INK,
    RGB,
    Look,
    darker,
    draw_eyes,
    draw_figure,
    draw_figure_from_above,
    draw_from_behind,
    draw_hands,
    draw_head,
    look_for,
)
from tools.draw.sets import (
    Dressing,
    draw_bed,
    draw_boat,
    draw_bridge,
    draw_cave,
    draw_clock,
    draw_fireplace,
    draw_houses,
    draw_lamp,
    draw_pier,
    draw_pines,
    dress,
    glow,
    night_amount,
    night_grade,
)
from tools.draw.weather import draw_cloud_cover, fog, weathered

MARGIN = 1.2  # the scene canvas is this much larger than the frame: room for camera moves
DUTCH_DEGREES = 12.0
CAPTION_SHARE = 0.075  # caption strip height as a share of the frame height

# Figure height (share of frame height) and where the head's top sits; EWS and WS place feet.
_FRAMING: dict[ShotSize, tuple[float, float]] = {
    ShotSize.EWS: (0.12, 0.80),  # feet
    ShotSize.WS: (0.58, 0.84),  # feet
    ShotSize.MWS: (1.2, 0.12),
    ShotSize.MS: (1.75, 0.10),
    ShotSize.MCU: (2.8, 0.09),
    ShotSize.CU: (4.2, 0.12),
    ShotSize.ECU: (12.0, 0.0),  # a face: placed by its eyes
}
_FEET_PLACED = {ShotSize.EWS, ShotSize.WS}
# An animal's or a thing's glyph height (share of frame height) where a person figure would stand.
_GLYPH_SIZE: dict[ShotSize, float] = {
    ShotSize.EWS: 0.1,
    ShotSize.WS: 0.36,
    ShotSize.MWS: 0.5,
    ShotSize.MS: 0.62,
    ShotSize.MCU: 0.72,
    ShotSize.CU: 0.82,
    ShotSize.ECU: 1.05,
}
_HORIZON: dict[Angle, float] = {
    Angle.EYE_LEVEL: 0.45,
    Angle.LOW: 0.8,
    Angle.HIGH: 0.18,
    Angle.DUTCH: 0.45,
    Angle.POV: 0.5,
    Angle.OVER_THE_SHOULDER: 0.45,
}


@dataclass(frozen=True)
class Light:
    """The sky and how bright the set is at one time of day."""

    sky_top: RGB
    sky_low: RGB
    level: float
    stars: bool = False
    sun: RGB | None = None  # a low sun near the horizon (dawn, dusk)


LIGHTS: dict[TimeOfDay, Light] = {
    TimeOfDay.DAWN: Light((104, 96, 160), (250, 178, 150), 0.78, sun=(255, 214, 160)),
    TimeOfDay.MORNING: Light((120, 170, 228), (236, 230, 200), 0.95),
    TimeOfDay.DAY: Light((84, 146, 222), (196, 224, 244), 1.0),
    TimeOfDay.AFTERNOON: Light((96, 150, 214), (236, 218, 172), 0.95),
    TimeOfDay.DUSK: Light((70, 50, 118), (248, 144, 72), 0.7, sun=(255, 190, 100)),
    TimeOfDay.EVENING: Light((30, 32, 78), (150, 84, 100), 0.55, stars=True),
    TimeOfDay.NIGHT: Light((8, 12, 36), (28, 42, 84), 0.4, stars=True),
}


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font at `size` pixels (no system fonts needed).

    Loaded afresh each time (it is cheap): a FreeType face must not be shared between the
    render threads.
    """
    return ImageFont.load_default(size=max(6, size))


def _shade(colour: RGB, level: float) -> RGB:
    return (min(255, round(colour[0] * level)), min(255, round(colour[1] * level)), min(255, round(colour[2] * level)))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _gradient(width: int, height: int, top: RGB, bottom: RGB) -> Image.Image:
    t = np.linspace(0.0, 1.0, max(1, height), dtype=np.float32)[:, None]
    rows = np.asarray(top, np.float32) * (1 - t) + np.asarray(bottom, np.float32) * t
    return Image.fromarray(np.broadcast_to(rows[:, None, :], (max(1, height), width, 3)).astype(np.uint8))


def horizon_share(shot: Shot) -> float:
    """Where the horizon (or the wall's foot) sits, as a share of the frame height."""
    base = _HORIZON.get(shot.angle, 0.45)
    if shot.size == ShotSize.EWS and shot.angle == Angle.EYE_LEVEL:
        return 0.55
    return base


# The set -----------------------------------------------------------------------------------

Lights = list[tuple[float, float, float]]  # x, y and radius of each warm light the night shows


def _draw_exterior(
    c: Canvas,
    light: Light,
    dressing: Dressing,
    horizon: float,
    rng: random.Random,
    sky_rng: random.Random,
    weather: Weather = Weather.CLEAR,
) -> tuple[list[str], Lights]:
    """Sky, far pieces, ground and water, near pieces; the pieces drawn and the lights to glow."""
    hy = round(c.y(horizon))
    c.image.paste(_gradient(c.w, hy, light.sky_top, light.sky_low), (0, 0))
    d = c.draw
    drawn: list[str] = []
    lights: Lights = []
    lit = night_amount(light.level) > 0
    draw_cloud_cover(c.image, weather, light.sky_top, hy, random.Random(sky_rng.random()))
    if light.stars:
        for _ in range(int(60 * c.w / c.vw)):
            sx, sy = sky_rng.uniform(0, c.w), sky_rng.uniform(0, hy * 0.8)
            r = sky_rng.choice((0.6, 0.9, 1.3)) * c.vh / 720
            d.ellipse((sx - r, sy - r, sx + r, sy + r), fill=(236, 236, 214))
        mx, my, mr = c.x(sky_rng.uniform(0.65, 0.85)), c.y(0.14), c.vh * 0.045
        d.ellipse((mx - mr, my - mr, mx + mr, my + mr), fill=(240, 236, 210))
    else:
        for _ in range(sky_rng.randint(2, 4) if weather not in {Weather.RAIN, Weather.STORM} else 0):  # soft clouds
            cx, cy, cw = (
                c.x(sky_rng.uniform(-0.1, 1.1)),
                c.y(horizon * sky_rng.uniform(0.15, 0.6)),
                c.vw * sky_rng.uniform(0.1, 0.2),
            )
            cloud = _mix(light.sky_low, (255, 255, 255), 0.55)
            for dx, dy, s in ((0.0, 0.0, 1.0), (-0.35, 0.12, 0.7), (0.35, 0.1, 0.75)):
                w = cw * s
                d.ellipse(
                    (cx + dx * cw - w / 2, cy + dy * cw - w * 0.22, cx + dx * cw + w / 2, cy + dy * cw + w * 0.22),
                    fill=cloud,
                )
    if light.sun is not None:
        sx, sr = c.x(sky_rng.uniform(0.2, 0.8)), c.vh * 0.07
        d.ellipse((sx - sr, hy - sr * 0.8, sx + sr, hy + sr * 1.2), fill=light.sun)
    lv = light.level
    if "hills" in dressing:
        drawn.append("hills")
        for layer, (share, tone) in enumerate(((0.22, (120, 130, 150)), (0.13, (92, 110, 96)))):
            points = [(0.0, float(hy))]
            phase = rng.uniform(0, math.tau)
            for i in range(13):
                px = c.w * i / 12
                points.append((px, hy - c.vh * share * (0.6 + 0.4 * math.sin(phase + i * (1.1 + layer)))))
            points.append((float(c.w), float(hy)))
            d.polygon(points, fill=_shade(_mix(tone, light.sky_low, 0.3), lv))
    if "cave" in dressing:
        drawn.append("cave")
        draw_cave(c, hy, rng, lv)
    for slot, glyph in zip((0.3, 0.72), dressing.landmarks, strict=False):  # a church, a castle, a tent
        drawn.append(glyph.name)
        icons.draw_glyph(c.image, glyph, c.x(slot), hy + c.vh * 0.01, c.vh * 0.3, 0.45 + 0.55 * lv)
    if "buildings" in dressing:
        drawn.append("buildings")
        x = -rng.uniform(0, c.vw * 0.05)
        while x < c.w:
            bw, bh = c.vw * rng.uniform(0.07, 0.14), c.vh * rng.uniform(0.14, 0.38)
            tone = _shade(rng.choice(((150, 140, 136), (170, 120, 96), (120, 124, 136), (186, 170, 150))), lv)
            d.rectangle((x, hy - bh, x + bw, hy), fill=tone, outline=_shade(INK, 1.0), width=c.line(bh * 0.3))
            ws = c.vh * 0.035
            for wy in np.arange(hy - bh + ws, hy - ws, ws * 1.8):
                for wx in np.arange(x + ws * 0.6, x + bw - ws, ws * 1.6):
                    on = lit and rng.random() < 0.6
                    glow_at = (250, 214, 120) if on else _shade((70, 80, 100), lv)
                    d.rectangle((wx, wy, wx + ws * 0.7, wy + ws * 0.9), fill=glow_at)
                    if on and rng.random() < 0.25:
                        lights.append((wx + ws * 0.35, wy + ws * 0.45, ws * 1.6))
            x += bw + c.vw * rng.uniform(0.0, 0.03)
    if "houses" in dressing:
        drawn.append("houses")
        lights += [(x, y, c.vh * 0.06) for x, y in draw_houses(c, hy, rng, lv, lit)]
    if "trees" in dressing:
        drawn.append("trees")
        for _ in range(int(9 * c.w / c.vw)):
            tx, r = rng.uniform(0, c.w), c.vh * rng.uniform(0.05, 0.1)
            base = hy + c.vh * rng.uniform(0.0, 0.03)
            d.rectangle((tx - r * 0.12, base - r * 1.6, tx + r * 0.12, base), fill=_shade((92, 64, 44), lv))
            green = _shade(rng.choice(((52, 104, 60), (64, 120, 66), (44, 90, 58))), lv)
            d.ellipse(
                (tx - r, base - r * 2.9, tx + r, base - r * 0.9), fill=green, outline=_shade(INK, 1.0), width=c.line(r)
            )
    if "pines" in dressing:
        drawn.append("pines")
        draw_pines(c, hy, rng, lv)
    if "tower" in dressing:
        drawn.append("tower")
        tx, th, tw = c.x(0.82 if rng.random() < 0.5 else 0.18), c.vh * 0.42, c.vw * 0.035
        body = [(tx - tw, hy), (tx - tw * 0.7, hy - th), (tx + tw * 0.7, hy - th), (tx + tw, hy)]
        d.polygon(body, fill=_shade((236, 232, 224), lv), outline=INK, width=c.line(th * 0.2))
        for band in (0.3, 0.62):
            y0, y1 = hy - th * band, hy - th * (band + 0.12)
            inset0, inset1 = tw * (1 - 0.3 * band), tw * (1 - 0.3 * (band + 0.12))
            d.polygon(
                [(tx - inset0, y0), (tx - inset1, y1), (tx + inset1, y1), (tx + inset0, y0)],
                fill=_shade((190, 44, 44), lv),
            )
        lamp = (255, 226, 130) if lit else _shade((210, 214, 200), lv)  # lit once it is dark, stars or storm
        d.rectangle(
            (tx - tw * 0.55, hy - th - tw * 0.9, tx + tw * 0.55, hy - th),
            fill=lamp,
            outline=INK,
            width=c.line(th * 0.2),
        )
        d.polygon(
            [(tx - tw * 0.75, hy - th - tw * 0.9), (tx, hy - th - tw * 1.6), (tx + tw * 0.75, hy - th - tw * 0.9)],
            fill=INK,
        )
        if lit:
            lights.append((tx, hy - th - tw * 0.45, c.vh * 0.12))
    snowy = "snow" in dressing or weather == Weather.SNOW  # fallen snow matches the sky's
    ground = (214, 198, 150) if "sand" in dressing else (236, 240, 244) if snowy else (104, 140, 84)
    if ("buildings" in dressing or "houses" in dressing) and "sand" not in dressing and not snowy:
        ground = (128, 128, 132)
    drawn += [name for name, there in (("sand", "sand" in dressing), ("snow", snowy)) if there]
    ground = _shade(ground, lv)
    c.image.paste(_gradient(c.w, c.h - hy, _mix(ground, light.sky_low, 0.35), ground), (0, hy))
    if "water" in dressing:
        drawn.append("water")
        sea = _shade((48, 100, 146), 0.55 + 0.45 * lv)
        shore = hy + (c.h - hy) * 0.45
        c.image.paste(_gradient(c.w, round(shore - hy), _mix(sea, light.sky_low, 0.4), sea), (0, hy))
        for _ in range(14):
            wx, wy = rng.uniform(0, c.w), rng.uniform(hy + 2, shore - 2)
            ww = c.vw * 0.04 * (1 + (wy - hy) / max(1.0, shore - hy))
            d.line((wx, wy, wx + ww, wy), fill=_mix(sea, (255, 255, 255), 0.35), width=max(1, c.line(ww)))
        if "bridge" in dressing:
            drawn.append("bridge")
            draw_bridge(c, hy, rng, lv)
        if "boats" in dressing:
            drawn.append("boats")
            draw_boat(c, c.x(rng.uniform(0.1, 0.3)), hy + (shore - hy) * 0.45, c.vw * 0.09, lv)
            draw_boat(c, c.x(rng.uniform(0.55, 0.8)), hy + (shore - hy) * 0.2, c.vw * 0.05, lv, (60, 90, 130))
        if "pier" in dressing:
            drawn.append("pier")
            lx, ly = draw_pier(c, hy, shore, rng, lv)
            if lit:
                c.draw.ellipse((lx - c.vh * 0.012, ly - c.vh * 0.012, lx + c.vh * 0.012, ly + c.vh * 0.012),
                               fill=(255, 226, 150))  # fmt: skip
                lights.append((lx, ly, c.vh * 0.1))
    elif "bridge" in dressing:
        drawn.append("bridge")
        draw_bridge(c, hy, rng, lv)
    for _ in range(int(10 * c.w / c.vw)):  # tufts and stones give the ground a surface
        gx, gy = rng.uniform(0, c.w), rng.uniform(c.y(horizon) + (c.h - hy) * 0.5, c.h)
        r = c.vh * 0.008
        d.ellipse((gx - r * 2, gy - r, gx + r * 2, gy + r), fill=darker(ground, 0.8))
    return drawn, lights


def _draw_interior(
    c: Canvas, light: Light, dressing: Dressing, horizon: float, rng: random.Random
) -> tuple[list[str], Lights]:
    """Wall, floor, a window on the sky and the room's pieces; the pieces drawn and the lights to glow."""
    lv = 0.6 + 0.4 * light.level  # lamps keep rooms readable at night
    lit = night_amount(light.level) > 0
    hy = round(c.y(horizon))
    wall = _shade((214, 198, 168), lv)
    c.image.paste(_gradient(c.w, hy, darker(wall, 0.85), wall), (0, 0))
    floor = _shade((140, 102, 70), lv)
    c.image.paste(_gradient(c.w, c.h - hy, darker(floor, 0.8), floor), (0, hy))
    d = c.draw
    drawn: list[str] = []
    lights: Lights = []
    for i in range(1, 6):  # floorboards, closer together near the wall
        fy = hy + (c.h - hy) * (i / 6) ** 1.6
        d.line((0, fy, c.w, fy), fill=darker(floor, 0.82), width=c.line(c.vh * 0.2))
    d.rectangle((0, hy - c.vh * 0.025, c.w, hy), fill=darker(wall, 0.7))
    line = c.line(c.vh * 0.3)
    wx = c.x(rng.uniform(0.08, 0.3) if rng.random() < 0.5 else rng.uniform(0.62, 0.8))
    ww, top = c.vw * 0.17, hy - c.vh * 0.48
    if top + c.vh * 0.3 > 0:
        window = _gradient(round(ww), round(c.vh * 0.3), light.sky_top, light.sky_low)
        c.image.paste(window, (round(wx), round(top)))
        if light.stars:
            for _ in range(6):
                sx, sy = wx + rng.uniform(0, ww), top + rng.uniform(0, c.vh * 0.2)
                d.point((sx, sy), fill=(236, 236, 214))
        d.rectangle((wx, top, wx + ww, top + c.vh * 0.3), outline=(236, 232, 222), width=line * 3)
        d.line((wx + ww / 2, top, wx + ww / 2, top + c.vh * 0.3), fill=(236, 232, 222), width=line * 2)
    other = c.x(0.75) if wx < c.x(0.5) else c.x(0.1)
    if "shelves" in dressing:
        drawn.append("shelves")
        sw = c.vw * 0.16
        d.rectangle((other, hy - c.vh * 0.5, other + sw, hy), fill=_shade((110, 78, 52), lv), outline=INK, width=line)
        for row in range(4):
            ry = hy - c.vh * 0.5 + (row + 1) * c.vh * 0.12
            x = other + sw * 0.05
            while x < other + sw * 0.92:
                bw = sw * rng.uniform(0.04, 0.08)
                tone = _shade(rng.choice(((160, 50, 50), (50, 80, 140), (60, 120, 80), (200, 170, 90))), lv)
                d.rectangle((x, ry - c.vh * rng.uniform(0.06, 0.09), x + bw, ry), fill=tone)
                x += bw + 1
    elif "counter" in dressing:
        drawn.append("counter")
        d.rectangle(
            (other - c.vw * 0.05, hy - c.vh * 0.2, other + c.vw * 0.3, hy + c.vh * 0.04),
            fill=_shade((170, 160, 150), lv),
            outline=INK,
            width=line,
        )
        d.rectangle(
            (other - c.vw * 0.06, hy - c.vh * 0.22, other + c.vw * 0.31, hy - c.vh * 0.2), fill=_shade((90, 80, 74), lv)
        )
    elif "fireplace" in dressing:
        drawn.append("fireplace")
        fx, fy = draw_fireplace(c, other, hy + c.vh * 0.02, c.vw * 0.16, lv)
        lights.append((fx, fy, c.vh * 0.22))
    elif "bed" in dressing:
        drawn.append("bed")
        draw_bed(c, other - c.vw * 0.04, hy + c.vh * 0.08, c.vw * 0.3, lv)
    else:  # a picture on the wall
        pw, ph = c.vw * 0.1, c.vh * 0.16
        py = hy - c.vh * 0.38
        d.rectangle(
            (other, py, other + pw, py + ph),
            fill=_shade((120, 150, 170), lv),
            outline=_shade((120, 84, 40), lv),
            width=line * 3,
        )
    if "clock" in dressing:
        drawn.append("clock")
        middle = (wx + ww + other) / 2 if wx < other else (other + c.vw * 0.16 + wx) / 2
        draw_clock(c, middle, hy - c.vh * 0.36, c.vh * 0.06, lv)
    if "table" in dressing:
        drawn.append("table")
        tx, ty = c.x(rng.uniform(0.35, 0.55)), hy + (c.h - hy) * 0.25
        d.rectangle(
            (tx, ty, tx + c.vw * 0.22, ty + c.vh * 0.03), fill=_shade((120, 80, 50), lv), outline=INK, width=line
        )
        for lx in (tx + c.vw * 0.01, tx + c.vw * 0.2):
            d.rectangle((lx, ty + c.vh * 0.03, lx + c.vw * 0.012, ty + c.vh * 0.16), fill=_shade((100, 66, 40), lv))
    if "lamp" in dressing or lit:  # after dark a room has a lamp lit
        if "lamp" in dressing:
            drawn.append("lamp")
        lamp_x = wx + ww + c.vw * 0.05 if wx < other else wx - c.vw * 0.05
        x, y = draw_lamp(c, lamp_x, hy + c.vh * 0.03, c.vh * 0.42, lv, lit)
        if lit:
            lights.append((x, y, c.vh * 0.28))
    return drawn, lights


def _draw_from_above(c: Canvas, light: Light, dressing: Dressing, interior: bool, rng: random.Random) -> None:
    lv = (0.6 + 0.4 * light.level) if interior else light.level
    built = "buildings" in dressing or "houses" in dressing
    base = (140, 102, 70) if interior else (214, 198, 150) if "sand" in dressing else (104, 140, 84)
    if built and not interior:
        base = (128, 128, 132)
    ground = _shade(base, lv)
    c.draw.rectangle((0, 0, c.w, c.h), fill=ground)
    d = c.draw
    if interior:
        for i in range(12):
            d.line((0, c.h * i / 12, c.w, c.h * i / 12), fill=darker(ground, 0.85), width=c.line(c.vh * 0.2))
    if "water" in dressing and not interior:
        d.rectangle((c.x(0.7), 0, c.w, c.h), fill=_shade((48, 100, 146), 0.55 + 0.45 * lv))
    if built and not interior:
        d.rectangle((0, c.y(0.35), c.w, c.y(0.65)), fill=_shade((70, 70, 76), lv))
        for i in range(10):
            d.rectangle(
                (c.w * i / 10, c.y(0.495), c.w * i / 10 + c.vw * 0.05, c.y(0.505)), fill=_shade((230, 230, 220), lv)
            )
    wooded = ("trees" in dressing or "pines" in dressing) and not interior
    for _ in range(int(14 * c.w / c.vw)):
        gx, gy = rng.uniform(0, c.w), rng.uniform(0, c.h)
        if wooded:
            r = c.vh * rng.uniform(0.06, 0.1)
            d.ellipse((gx - r, gy - r, gx + r, gy + r), fill=_shade((52, 104, 60), lv), outline=INK, width=c.line(r))
        else:
            r = c.vh * 0.008
            d.ellipse((gx - r * 2, gy - r, gx + r * 2, gy + r), fill=darker(ground, 0.85))


# Figures ------------------------------------------------------------------------------------


def figure_positions(shot: Shot, project: Project | None = None) -> list[tuple[str, float]]:
    """(character id, share of the frame width) for each figure in frame, left to right; with the
    project, people the shot leaves unplaced keep their side of the scene (see `blocking`)."""
    return [(f.character, f.share) for f in layout(project, shot)]


Hand = tuple[float, float, float]  # x, y of a figure's hand on the canvas, and its head's height


def _draw_figures(
    c: Canvas,
    shot: Shot,
    looks: dict[str, Look],
    figures: list[Figure],
    kinds: dict[str, creatures.Species] | None = None,
    level: float = 1.0,
) -> dict[str, Hand]:
    """Draw each figure in frame (but a foreground back, drawn last) with its feeling on its face and
    turned toward the others, an animal or a thing as its glyph (`kinds`); where each one's hand is."""
    size_h, anchor = _FRAMING[shot.size]
    grow = {Angle.LOW: 1.1, Angle.HIGH: 0.9}.get(shot.angle, 1.0)
    hands: dict[str, Hand] = {}
    for figure in figures:
        if figure.foreground:
            continue
        cid, share, turn = figure.character, figure.share, figure.turn
        look = looks[cid]
        feeling = shot.acting.get(cid, Acting()).expression.value
        if kinds and cid in kinds:
            hands[cid] = _draw_glyph_figure(c, shot, kinds[cid], figure, feeling, level)
            continue
        h = c.vh * size_h * grow * look.height
        cx = c.x(share)
        if shot.angle == Angle.OVERHEAD:
            size = c.vh * 0.2 * math.sqrt(size_h / 0.58)
            draw_figure_from_above(c.draw, look, cx, c.y(0.55), size, c.line(c.vh * 0.2))
            hands[cid] = (cx + size * 0.5, c.y(0.55), size * 0.4)
            continue
        if shot.size == ShotSize.ECU:
            hh = h * look.head / look.height
            draw_head(c.draw, look, cx, c.y(0.45) - hh * 0.5, hh, line=c.line(hh), expression=feeling, turn=turn)
            continue
        if shot.size in _FEET_PLACED:
            feet = c.y(anchor + (0.06 if shot.angle == Angle.LOW else 0.0))
            top = feet - h
        else:
            top = c.y(anchor + (0.03 if shot.angle == Angle.LOW else 0.0)) + c.vh * (1 - look.height) * 0.1
        draw_figure(c.draw, look, cx, top, h, line=c.line(h), expression=feeling, turn=turn)
        hh = h * look.head
        hands[cid] = (cx + hh * 1.9 * look.build * 0.55, top + h * 0.52, hh)
    return hands


def _draw_glyph_figure(
    c: Canvas, shot: Shot, kind: creatures.Species, figure: Figure, feeling: str, level: float
) -> Hand:
    """An animal or a thing where its person figure would stand, as big as the shot's size makes it."""
    grow = {Angle.LOW: 1.1, Angle.HIGH: 0.9}.get(shot.angle, 1.0)
    cx = c.x(figure.share)
    if shot.angle == Angle.OVERHEAD:
        size, bottom = c.vh * 0.3 * math.sqrt(_FRAMING[shot.size][0] / 0.58), c.y(0.55)
        bottom += size / 2
    elif shot.size == ShotSize.ECU:
        size = c.vh * _GLYPH_SIZE[shot.size]
        bottom = c.y(0.45) + size / 2
    elif shot.size in _FEET_PLACED:
        size = c.vh * _GLYPH_SIZE[shot.size] * grow
        bottom = c.y(_FRAMING[shot.size][1] + (0.06 if shot.angle == Angle.LOW else 0.0))
    else:
        size = c.vh * _GLYPH_SIZE[shot.size] * grow
        bottom = c.y(1.0 - CAPTION_SHARE)
    return creatures.draw_species(
        c.image, kind, cx, bottom, size, turn=figure.turn, level=0.45 + 0.55 * level, expression=feeling
    )


# Props: things, creatures, vehicles and set pieces from the icon vocabulary -----------------------

_BACK_SLOTS = (0.22, 0.78, 0.38, 0.62, 0.1, 0.9)
_FRONT_SLOTS = (0.12, 0.88, 0.28, 0.72, 0.5)


@dataclass
class DrawLog:
    """What a panel drew of what its shot asked for, and what it could not draw."""

    drawn: list[str]
    not_drawn: list[str]
    set_pieces: list[str] = field(default_factory=list)  # what the place's set showed (see `sets.dress`)
    icons: bool = False  # an OpenMoji glyph stands for someone or something of the set (CC BY-SA: credit it)

    def details(self) -> dict[str, object]:
        """The log as a take's metadata: lines a person reads, the words not drawn, and the set's pieces."""
        lines = [f"drawn: {item}" for item in self.drawn] + [f"not drawn: {item}" for item in self.not_drawn]
        return {"draw_log": lines, "not_drawn": list(self.not_drawn), "set": list(self.set_pieces)}


def _free(slots: tuple[float, ...], taken: list[float], gap: float) -> list[float]:
    return [s for s in slots if all(abs(s - t) >= gap for t in taken)] or list(slots)


def _draw_props(
    c: Canvas,
    shot: Shot,
    props: list[Prop],
    light: Light,
    log: DrawLog,
    hands: dict[str, Hand] | None,
    figures: list[Figure],
    shown: dict[str, creatures.Species] | None = None,
) -> None:
    """Draw the props that stand in the set (hands is None) or those held (hands by character); a prop
    whose glyph is an animal in frame drawn as it (the crow's beak, a bird) is that animal, not another."""
    if not props:
        return
    bodies = {kind.glyph for kind in (shown or {}).values()}
    taken = [f.share for f in figures]
    back = _free(_BACK_SLOTS, taken, 0.12)
    front = _free(_FRONT_SLOTS, taken, 0.16)
    horizon = horizon_share(shot)
    level = 0.45 + 0.55 * light.level  # flat icons lose their shapes in the dark sooner than the set does
    in_frame = {f.character for f in figures if not f.foreground}
    in_hand = [p for p in props if p.where == PropPlace.HELD and p.held_by in in_frame]
    for prop in in_hand if hands is not None else props:
        glyph, _ = icons.match(prop.name)
        if glyph is None or glyph in bodies:
            if hands is None:  # logged once, in the first pass
                if glyph is None:
                    log.not_drawn.append(prop.name)
                else:
                    log.drawn.append(f"{prop.name} (as {glyph.name})")
            continue
        held = prop.where == PropPlace.HELD and prop.held_by is not None
        if hands is not None:  # the second pass: only what a figure in frame holds
            hand = hands.get(prop.held_by or "") if held else None
            if hand is None:
                continue
            x, y, head = hand
            size = min(head * 1.5, c.vh * 0.3)
            bottom = min(y + head * 0.7, c.y(0.9))  # a hand below the frame's edge still shows what it holds
            icons.draw_glyph(c.image, glyph, min(x, c.x(0.92)), bottom, size, level)
        else:
            if prop in in_hand:
                continue  # drawn in the hand, after the figures
            if prop.where == PropPlace.BACKGROUND and shot.size not in {ShotSize.CU, ShotSize.ECU}:
                share = back.pop(0) if back else 0.5
                size = c.vh * (0.2 if shot.size in _FEET_PLACED else 0.28)
                icons.draw_glyph(c.image, glyph, c.x(share), c.y(horizon) + c.vh * 0.04, size, level)
            else:
                share = front.pop(0) if front else 0.5
                size = c.vh * (0.16 if shot.size in _FEET_PLACED else 0.26)
                icons.draw_glyph(c.image, glyph, c.x(share), c.y(0.9), size, level)  # above the caption strip
        log.drawn.append(prop.name if glyph.name == prop.name else f"{prop.name} (as {glyph.name})")


_ANYONE = Character(id="anyone", name="Anyone")  # whose hands an insert shows when no one is in the shot
_HANDS = {"hand", "hands", "fist", "fists", "finger", "fingers", "palm", "palms", "knuckles", "grip"}
_EYES = {"eye", "eyes", "gaze", "stare"}
_INSERT_SIZES = {ShotSize.ECU: 0.78, ShotSize.CU: 0.6}  # an insert's subject, as a share of the frame height


def framed_subject(shot: Shot) -> Prop | None:
    """What an insert frames instead of a face: a prop the shot says it is framed on (an ECU of his
    hands, a close-up on the clock), or the first prop of an extreme close-up with no one in it."""
    if shot.size not in _INSERT_SIZES or shot.angle == Angle.OVERHEAD:
        return None
    framed = next((p for p in shot.props if p.metadata.get("framed")), None)
    if framed is None and shot.size == ShotSize.ECU and not shot.characters and shot.props:
        framed = shot.props[0]
    return framed


def _draw_insert(
    c: Canvas, shot: Shot, subject: Prop, looks: dict[str, Look], light: Light, drawing_icons: bool, log: DrawLog
) -> bool:
    """Draw the insert's subject large in the middle of the frame: a body part of the first person in
    frame, or the thing's glyph. False when there is nothing to draw it with (the face is drawn instead)."""
    words = subject.name.lower().split()
    owner = next((looks[cid] for cid in shot.characters if cid in looks), None)
    size = c.vh * _INSERT_SIZES[shot.size]
    cx, cy = c.x(0.5), c.y(0.46)
    if words and words[-1] in _HANDS | _EYES:
        look = owner or look_for(_ANYONE)
        if words[-1] in _HANDS:
            draw_hands(c.draw, look, cx, cy, size, line=c.line(size))
        else:
            feeling = shot.acting.get(shot.characters[0], Acting()).expression.value if shot.characters else "neutral"
            draw_eyes(c.draw, look, cx, cy, c.vw * 0.9 * _INSERT_SIZES[shot.size], c.line(size), feeling)
        log.drawn.append(subject.name)
        return True
    glyph = icons.match(subject.name)[0] if drawing_icons else None
    if glyph is None:
        return False
    icons.draw_glyph(c.image, glyph, cx, cy + size / 2, size, 0.45 + 0.55 * light.level)
    log.drawn.append(subject.name if glyph.name == subject.name else f"{subject.name} (as {glyph.name})")
    return True


def _draw_shoulder(
    c: Canvas, shot: Shot, looks: dict[str, Look], figures: list[Figure], kinds: dict[str, creatures.Species]
) -> None:
    """The listener's back in the foreground, soft, on their side of the line: over the shoulder.

    With no listener in the shot, an unnamed dark shoulder stands on the side away from the speaker;
    a listener drawn as a glyph (an animal) is its glyph, large, turned toward the speaker.
    """
    front = next((f for f in figures if f.foreground), None)
    faces = [f.share for f in figures if not f.foreground]
    left = front.share < 0.5 if front is not None else not faces or faces[0] >= 0.5
    x0, x1 = (c.x(-0.3), c.x(0.5)) if left else (c.x(0.5), c.x(1.3))
    box = (max(0, round(x0)), max(0, round(c.y(0.1))), min(c.w, round(x1)), c.h)
    layer = Image.new("RGBA", (box[2] - box[0], box[3] - box[1]), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    hh = c.vh * 0.44
    cx = c.x(front.share if front is not None else (0.12 if left else 0.88)) - box[0]
    top = c.y(0.3) - box[1]
    if front is not None and front.character in kinds:
        turn = 1.0 if left else -1.0
        creatures.draw_species(layer, kinds[front.character], cx, layer.height, hh * 1.9, turn=turn)
    elif front is not None:
        look = looks[front.character]
        draw_from_behind(draw, look, cx, top, hh, line=c.line(hh))
    else:
        tone = (24, 22, 28)
        draw.ellipse((cx - hh * 0.4, top, cx + hh * 0.4, top + hh), fill=tone)
        draw.rounded_rectangle((cx - hh * 0.95, top + hh * 0.9, cx + hh * 0.95, top + hh * 4), hh * 0.3, fill=tone)
    # near the lens and out of focus: soft edges, a little shadow
    layer = layer.filter(ImageFilter.GaussianBlur(c.vh * 0.012))
    shade = Image.new("RGBA", layer.size, (10, 10, 16, 36))
    shade.putalpha(ImageChops.multiply(layer.getchannel("A"), shade.getchannel("A")))
    c.image.paste(layer, box[:2], layer)
    c.image.paste(shade, box[:2], shade)


def _vignette(image: Image.Image, view_w: int, view_h: int) -> Image.Image:
    w, h = image.size
    ys = (np.arange(h, dtype=np.float32) - h / 2) / (view_h / 2)
    xs = (np.arange(w, dtype=np.float32) - w / 2) / (view_w / 2)
    r = np.sqrt(ys[:, None] ** 2 + xs[None, :] ** 2)
    gain = 1.0 - 0.75 * np.clip((r - 0.7) / 0.6, 0.0, 1.0) ** 1.5
    return Image.fromarray((np.asarray(image, np.float32) * gain[:, :, None]).astype(np.uint8))


def draw_scene(
    project: Project, shot: Shot, seed: int, width: int, height: int, log: DrawLog | None = None
) -> Image.Image:
    """The shot's scene on a canvas `MARGIN` times the frame (`width` x `height`), view centred; what it
    drew of the shot's props, weather and feelings, and what it could not, goes in `log`."""
    log = log if log is not None else DrawLog([], [])
    pw, ph = round(width * MARGIN), round(height * MARGIN)
    cw, ch = pw, ph
    if shot.angle == Angle.DUTCH:  # draw big enough that the turned picture still covers the canvas
        turn = math.radians(DUTCH_DEGREES)
        cw = math.ceil(pw * math.cos(turn) + ph * math.sin(turn)) + 2
        ch = math.ceil(pw * math.sin(turn) + ph * math.cos(turn)) + 2
    c = Canvas(cw, ch, width, height)
    rng = random.Random(seed)
    location = project.location(shot.location) if shot.location else None
    dressing = dress(location)
    if not icons.enabled(project.style.look):
        dressing = replace(dressing, landmarks=())
    place_rng = random.Random(dressing.seed)  # the same place is laid out the same in every shot
    interior = bool(location and location.interior)
    light = weathered(LIGHTS[shot.time_of_day], shot.weather)
    looks = {cid: look_for(project.character(cid)) for cid in shot.characters}
    kinds: dict[str, creatures.Species] = {}
    if icons.enabled(project.style.look):  # an animal or a thing as its glyph, chosen once from its words
        kinds = {cid: k for cid in shot.characters if (k := creatures.species(project.character(cid))) is not None}
    horizon = horizon_share(shot)
    pieces: list[str] = []
    lights: Lights = []
    if shot.angle == Angle.OVERHEAD:
        _draw_from_above(c, light, dressing, interior, place_rng)
    elif interior:
        pieces, lights = _draw_interior(c, light, dressing, horizon, place_rng)
    else:
        pieces, lights = _draw_exterior(c, light, dressing, horizon, place_rng, rng, shot.weather)
    log.set_pieces.extend(pieces)
    night = night_amount(light.level)
    if night > 0:  # night's light on the set; lamps and lit windows stay warm
        c.image.paste(night_grade(c.image, night))
        for x, y, radius in lights[:12]:
            glow(c.image, x, y, radius)
    if shot.weather != Weather.CLEAR:
        log.drawn.append(shot.weather.value)
    props = list(shot.props) if icons.enabled(project.style.look) else []
    if shot.props and not props:
        log.not_drawn.extend(p.name for p in shot.props)  # the icon layer is off
    figures = layout(project, shot)
    subject = framed_subject(shot)
    if subject is not None:  # an insert: the thing, large, instead of the people
        if subject in props:
            props.remove(subject)
        drawing = icons.enabled(project.style.look)
        if _draw_insert(c, shot, subject, looks, light, drawing, log):
            figures = []
        elif subject.name not in log.not_drawn:
            log.not_drawn.append(subject.name)
    shown = {cid: kinds[cid] for cid in (f.character for f in figures) if cid in kinds}
    log.icons = bool(shown) or bool(dressing.landmarks and not interior and shot.angle != Angle.OVERHEAD)
    log.drawn.extend(f"{cid} (as {kind.glyph.name})" for cid, kind in shown.items())
    _draw_props(c, shot, props, light, log, None, figures, shown)
    if shot.weather == Weather.FOG:  # the set fades into the fog; the figures stand in front of most of it
        c.image.paste(fog(c.image, 0.5, light.level))
    hands = _draw_figures(c, shot, looks, figures, kinds, light.level)
    _draw_props(c, shot, props, light, log, hands, figures, shown)
    faces = {f.character for f in figures if not f.foreground}  # a back or a pair of hands shows no feeling
    if subject is not None and not figures and subject.name.lower().split()[-1] in _EYES and shot.characters:
        faces.add(shot.characters[0])
    log.drawn.extend(
        f"{cid} {a.expression.value}"
        for cid, a in shot.acting.items()
        if a.expression.value != "neutral" and cid in faces
    )
    if shot.weather == Weather.FOG:
        c.image.paste(fog(c.image, 0.15, light.level))
    if shot.angle == Angle.OVER_THE_SHOULDER and figures:
        _draw_shoulder(c, shot, looks, figures, kinds)
    image = c.image
    if shot.angle == Angle.DUTCH:
        image = image.rotate(DUTCH_DEGREES, resample=Image.Resampling.BICUBIC)
        left, top = (cw - pw) // 2, (ch - ph) // 2
        image = image.crop((left, top, left + pw, top + ph))
    if shot.angle == Angle.POV:
        image = _vignette(image, width, height)
    return image


# On-screen text -----------------------------------------------------------------------------

STRIP: RGB = (24, 24, 30)
TEXT: RGB = (238, 236, 230)
ACCENT: RGB = (217, 164, 65)


def caption_height(height: int) -> int:
    """Pixel height of the caption strip for a frame `height` tall."""
    return max(12, round(height * CAPTION_SHARE))


def _fit(text: str, face: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float) -> str:
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def caption_strip(project: Project, shot: Shot, number: int, width: int, height: int) -> np.ndarray:
    """The caption strip (sh x width x 3): shot number, size, angle/movement, the action."""
    sh = caption_height(height)
    strip = Image.new("RGB", (width, sh), STRIP)
    d = ImageDraw.Draw(strip)
    face = font(round(sh * 0.52))
    pad = sh * 0.35
    label = f"SHOT {shot.label or number}"  # the label the person knows the shot by (2A), not its place
    d.text((pad, sh / 2), label, font=face, fill=ACCENT, anchor="lm")
    x = pad + face.getlength(label) + pad
    framing = f"{shot.size.value}  ·  {shot.angle.value}  ·  {shot.movement.value}"
    d.text((x, sh / 2), framing, font=face, fill=TEXT, anchor="lm")
    x += face.getlength(framing) + pad * 2
    action = " ".join(shot.action.split())
    if action and x < width - pad * 4:
        d.text((x, sh / 2), _fit(f"|  {action}", face, width - x - pad), font=face, fill=(190, 190, 196), anchor="lm")
    return np.asarray(strip).copy()


@dataclass(frozen=True)
class Subtitle:
    """One dialogue line's overlay and the frames [start, end) it shows in."""

    start: int
    end: int
    x: int
    y: int
    premultiplied: np.ndarray  # uint16 colour x alpha
    keep: np.ndarray  # uint16 255 - alpha, what stays of the picture underneath

    @property
    def box(self) -> tuple[int, int, int, int]:
        """Where the line shows on the frame: left, top, width, height."""
        return (self.x, self.y, self.keep.shape[1], self.keep.shape[0])

    def apply(self, frame: np.ndarray, top: int = 0) -> None:
        """Blend the line into `frame` (H x W x 3 uint8) in place; `frame` may be the frame's rows from `top` down."""
        h, w = self.keep.shape[:2]
        region = frame[self.y - top : self.y - top + h, self.x : self.x + w]
        region[...] = ((region * self.keep + self.premultiplied) >> 8).astype(np.uint8)


def subtitles(project: Project, shot: Shot, width: int, height: int) -> list[Subtitle]:
    """Each dialogue line as an overlay, timed across the shot in proportion to its length."""
    lines = shot.dialogue
    if not lines:
        return []
    weights = [len(line.text) + 12 for line in lines]
    total, done, made = sum(weights), 0, []
    face = font(round(height * 0.042))
    bottom = height - caption_height(height) - round(height * 0.025)
    for i, line in enumerate(lines):
        start = round(shot.duration_frames * done / total)
        done += weights[i]
        end = round(shot.duration_frames * done / total)
        speaker = project.character(line.speaker).name.upper()
        how = f" ({line.parenthetical})" if line.parenthetical else ""
        chars = max(12, int(width * 0.8 / max(1.0, face.getlength("n"))))
        wrapped = textwrap.wrap(f"{speaker}{how}: {line.text}", chars)
        if len(wrapped) > 2:
            wrapped = [wrapped[0], _fit(" ".join(wrapped[1:]), face, width * 0.8)]
        text = "\n".join(wrapped)
        probe = ImageDraw.Draw(Image.new("L", (1, 1)))
        box = probe.multiline_textbbox((0, 0), text, font=face, align="center", spacing=round(height * 0.01))
        pad = round(height * 0.015)
        # Pillow < 12 gives centred bounding boxes in fractions of a pixel; an image size must be whole.
        bw, bh = min(width, round(box[2] - box[0]) + 2 * pad), round(box[3] - box[1]) + 2 * pad
        overlay = Image.new("RGBA", (bw, bh), (16, 16, 20, 170))
        od = ImageDraw.Draw(overlay)
        od.multiline_text(
            (bw / 2, pad - box[1]),
            text,
            font=face,
            fill=(*TEXT, 255),
            anchor="ma",
            align="center",
            spacing=round(height * 0.01),
        )
        rgba = np.asarray(overlay).astype(np.uint16)
        alpha = rgba[:, :, 3:4]
        made.append(
            Subtitle(
                start,
                end,
                (width - bw) // 2,
                max(0, bottom - bh),
                rgba[:, :, :3] * alpha,
                np.broadcast_to(256 - alpha, rgba[:, :, :3].shape).copy(),
            )
        )
    return made


def failure_banner(frame: np.ndarray, reason: str) -> np.ndarray:
    """A copy of `frame` with a big red "RENDER FAILED" banner and the reason across it."""
    image = Image.fromarray(frame)
    h, w = frame.shape[:2]
    d = ImageDraw.Draw(image)
    top, bottom = h * 0.3, h * 0.66
    d.rectangle((0, top, w, bottom), fill=(200, 30, 40))
    d.text(
        (w / 2, top + (bottom - top) * 0.36),
        "RENDER FAILED",
        font=font(round(h * 0.12)),
        fill=(255, 255, 255),
        anchor="mm",
    )
    small = font(round(h * 0.04))
    d.text(
        (w / 2, top + (bottom - top) * 0.8),
        _fit(" ".join(reason.split()), small, w * 0.9),
        font=small,
        fill=(255, 236, 236),
        anchor="mm",
    )
    return np.asarray(image).copy()

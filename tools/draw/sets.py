"""Sets dressed from the place: which set pieces a location calls for, and drawing the new ones.

A location's name and description choose its dressing: a kitchen gets a table, a clock and a
counter, a forest pines, a harbour water, boats and a pier, a cave a mouth of rock, a bridge a
bridge, a street houses, a shop shelves. Words are read by name first (`KINDS`, cheap, and most
places are named plainly); a place none of its words name ('the spruce thicket', 'a scullery') is
matched by meaning against the kinds' descriptions with the sentence-embedding model we ship, when
it is near enough. The answer depends only on the location, and the layout is seeded by the
location's id, so every shot of one place shows the same set.

Night is lit as night: `night_grade` cools and darkens the set, and `glow` lays warm light round a
lit window or lamp after it, so the light sources stay warm.
"""

from __future__ import annotations

import functools
import math
import random
import re
import zlib
from dataclasses import dataclass

import numpy as np
from PIL import Image

from story import Location
from tools.draw import icons
from tools.draw.canvas import Canvas
from tools.draw.figures import INK, RGB, darker

SIMILARITY = 0.4  # below this, no kind of place is near enough in meaning: the set stays plain
MARGIN = 0.04  # and the nearest kind must be nearer than the next by this much, or the words are unclear

# kind of place: (what it is, for matching by meaning; words that name it; the set pieces it calls for)
KINDS: dict[str, tuple[str, frozenset[str], tuple[str, ...]]] = {
    "kitchen": ("a kitchen with a table and a clock", frozenset({"kitchen", "galley", "scullery", "pantry"}),
                ("table", "clock", "counter")),
    "dining": ("a dining room, a cafe or a restaurant with tables", frozenset({"dining", "diner", "restaurant",
               "cafe", "café", "canteen", "tearoom", "bistro"}), ("table", "lamp")),
    "bar": ("a bar or a pub with a counter", frozenset({"bar", "pub", "saloon", "tavern", "inn"}),
            ("counter", "table", "lamp")),
    "shop": ("a shop with shelves of goods and a counter", frozenset({"shop", "store", "bookshop", "bakery",
             "grocer", "grocery", "boutique", "pharmacy", "emporium"}), ("shelves", "counter")),
    "clocks": ("a clockmaker's shop full of clocks", frozenset({"clock", "clocks", "clockmaker", "watchmaker"}),
               ("clock", "shelves")),
    "library": ("a library or a study with bookshelves", frozenset({"library", "study", "office", "archive",
                "classroom", "school"}), ("shelves", "table", "lamp")),
    "bedroom": ("a bedroom with a bed", frozenset({"bedroom", "bed", "nursery", "dormitory", "ward", "hospital"}),
                ("bed", "lamp")),
    "home": ("a living room of a house with a fireplace", frozenset({"living", "parlour", "parlor", "lounge",
             "cottage", "cabin", "hut", "farmhouse", "hall", "sitting"}), ("fireplace", "lamp")),
    "forest": ("a forest of pine trees", frozenset({"forest", "wood", "woods", "woodland", "pines", "pine",
               "taiga", "grove"}), ("pines",)),
    "park": ("a park or a garden with trees", frozenset({"park", "garden", "orchard", "jungle", "meadow"}),
             ("trees",)),
    "harbour": ("a harbour with boats and a pier", frozenset({"harbour", "harbor", "port", "dock", "docks",
                "marina", "quay", "wharf", "jetty", "pier", "fishing"}), ("water", "boats", "pier")),
    "sea": ("the sea shore", frozenset({"sea", "ocean", "shore", "coast", "bay", "lake", "river", "waterfront"}),
            ("water",)),
    "beach": ("a sandy beach", frozenset({"beach", "sands"}), ("water", "sand")),
    "cave": ("a cave in the rock", frozenset({"cave", "cavern", "grotto", "mine", "tunnel", "lair"}), ("cave",)),
    "bridge": ("a bridge over a river", frozenset({"bridge", "viaduct"}), ("bridge", "water")),
    "street": ("a street of houses in a town", frozenset({"street", "town", "village", "road", "lane", "alley",
               "square", "avenue", "neighbourhood", "neighborhood"}), ("houses",)),
    "city": ("a city of tall buildings", frozenset({"city", "downtown", "market", "skyline"}), ("buildings",)),
    "hills": ("hills and mountains", frozenset({"mountain", "mountains", "hill", "hills", "valley", "moor",
              "moors", "cliff", "cliffs", "peak", "point"}), ("hills",)),
    "lighthouse": ("a lighthouse by the sea", frozenset({"lighthouse", "tower"}), ("tower",)),
    "desert": ("a desert of sand dunes", frozenset({"desert", "dunes"}), ("sand",)),
    "snow": ("a snowy winter land", frozenset({"snow", "snowy", "winter", "ice", "arctic", "glacier"}), ("snow",)),
}  # fmt: skip


@dataclass(frozen=True)
class Dressing:
    """What a place's set shows: its pieces by name, a landmark from the icon vocabulary its name is
    about (a church, a tent), the kinds of place read from its words, and the seed its layout is drawn with."""

    pieces: frozenset[str]
    seed: int
    kinds: tuple[str, ...] = ()
    landmarks: tuple[icons.Glyph, ...] = ()

    def __contains__(self, piece: str) -> bool:
        return piece in self.pieces


# Words of a place's name that name a glyph but not the place (the old mill is no old key).
_NOT_LANDMARKS = frozenset({"with", "from", "that", "this", "near", "over", "under", "side", "edge", "end", "top",
                            "light", "great", "small", "little", "dark", "room", "floor", "door", "house"})  # fmt: skip


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


@functools.lru_cache(maxsize=512)
def _dress(name: str, description: str, place_id: str) -> Dressing:
    words = re.findall(r"[a-zé]+", f"{name} {description}".lower())
    found = [k for k, (_, keys, _) in KINDS.items() if any(w in keys or _singular(w) in keys for w in words)]
    if not found and words:
        # a bare noun reads better to the model as a place: 'spruce thicket' -> 'the spruce thicket'
        found = _by_meaning(" ".join(words if words[0] in {"the", "a", "an"} else ["the", *words]))
    pieces = frozenset(p for kind in found for p in KINDS[kind][2])
    head = _head_noun(name)
    keywords = {w for _, keys, _ in KINDS.values() for w in keys}
    landmark = _landmark(_singular(head)) if head and head not in keywords else None
    return Dressing(pieces, zlib.crc32(place_id.encode()), tuple(found), (landmark,) if landmark else ())


_PREPOSITIONS = frozenset({"on", "in", "at", "by", "of", "near", "under", "over", "beside", "behind", "above",
                           "below", "across", "beyond", "past", "outside", "inside", "from", "with"})  # fmt: skip


def _head_noun(name: str) -> str:
    """The word a place's name is about: the last before any preposition ('the church on the hill' -> church)."""
    words = re.findall(r"[a-zé]+", name.lower())
    cut = next((i for i, w in enumerate(words) if w in _PREPOSITIONS and i > 0), len(words))
    return words[cut - 1] if cut else ""


@functools.cache
def _buildings() -> dict[str, icons.Glyph]:
    """Glyphs by the last word of their name ('european castle' -> castle), shortest name first."""
    table: dict[str, icons.Glyph] = {}
    for glyph in sorted(icons.glyphs(), key=lambda g: (len(g.name), g.name)):
        if not _PREPOSITIONS & set(glyph.name.split()):  # 'bridge at night' is no night
            table.setdefault(glyph.name.split()[-1], glyph)
    return table


def _landmark(word: str) -> icons.Glyph | None:
    """The glyph a place word names outright ('church', 'castle', 'tent'), found by name only: a place's
    plain words are not worth loading the embedding model for."""
    if len(word) < 4 or word in _NOT_LANDMARKS:
        return None
    return _buildings().get(word)


def _by_meaning(text: str) -> list[str]:
    """The kind of place nearest `text` in meaning, when it is near enough (the model loads once)."""
    try:
        from memory.embedding import EmbeddingUnavailable, embed
    except ImportError:
        return []
    try:
        vectors = np.asarray(embed([text, *(describe for describe, _, _ in KINDS.values())]), np.float32)
    except EmbeddingUnavailable:
        return []
    scores = vectors[1:] @ vectors[0]
    best, runner_up = np.argsort(-scores)[:2]
    near = scores[best] >= SIMILARITY and scores[best] - scores[runner_up] >= MARGIN
    return [list(KINDS)[int(best)]] if near else []


def dress(location: Location | None) -> Dressing:
    """The set a location calls for (none for no location)."""
    if location is None:
        return Dressing(frozenset(), 0)
    return _dress(location.name, location.description, location.id)


def shade(colour: RGB, level: float) -> RGB:
    """`colour` at a light `level` (1 is full daylight)."""
    return darker(colour, min(1.0, level))


# Night ---------------------------------------------------------------------------------------

NIGHT_BELOW = 0.62  # a light level under this is evening or night: cool and dark
_NIGHT_GAIN = np.array([0.74, 0.8, 1.0], np.float32)


def night_amount(level: float) -> float:
    """How far a light is into night: 0 by day, 1 at full night."""
    return max(0.0, min(1.0, (NIGHT_BELOW - level) / 0.2))


def night_grade(image: Image.Image, amount: float) -> Image.Image:
    """The set under night's light: darker, with the reds and greens sunk toward blue."""
    if amount <= 0:
        return image
    gain = 1.0 + (_NIGHT_GAIN - 1.0) * amount
    # each channel's 256 values graded once, in the float32 steps a whole picture's pixels would take: a table
    # for Pillow to look up, ten times quicker than the arithmetic on every pixel, with the same result
    levels = np.arange(256, dtype=np.float32)[:, None] * gain + np.array([0, 2, 10], np.float32) * amount
    table = np.clip(levels, 0, 255).astype(np.uint8)
    return image.convert("RGB").point(table.T.ravel().tolist())


@functools.lru_cache(maxsize=16)
def _glow_alpha(radius: int) -> np.ndarray:
    ys, xs = np.mgrid[-radius : radius + 1, -radius : radius + 1].astype(np.float32)
    fall = np.clip(1.0 - np.sqrt(xs * xs + ys * ys) / radius, 0.0, 1.0)
    alpha: np.ndarray = (fall**2 * 170).astype(np.uint8)
    return alpha


def glow(image: Image.Image, x: float, y: float, radius: float, colour: RGB = (255, 196, 110)) -> None:
    """Warm light spilling round a lamp or a lit window at (x, y)."""
    r = max(2, round(radius))
    halo = Image.new("RGBA", (2 * r + 1, 2 * r + 1), (*colour, 0))
    halo.putalpha(Image.fromarray(_glow_alpha(r)))
    image.paste(halo, (round(x) - r, round(y) - r), halo)


# Outdoor pieces ------------------------------------------------------------------------------


def draw_pines(c: Canvas, hy: float, rng: random.Random, lv: float) -> None:
    """A stand of pines along the horizon, nearer ones bigger."""
    for _ in range(int(11 * c.w / c.vw)):
        tx, r = rng.uniform(0, c.w), c.vh * rng.uniform(0.05, 0.09)
        base = hy + c.vh * rng.uniform(0.0, 0.04)
        c.draw.rectangle((tx - r * 0.1, base - r * 0.8, tx + r * 0.1, base), fill=shade((84, 58, 40), lv))
        green = shade(rng.choice(((34, 84, 56), (44, 96, 60), (30, 72, 52))), lv)
        for tier in range(3):  # three stacked cones, narrower up the tree
            bottom, width = base - r * (0.5 + 0.9 * tier), r * (1.0 - 0.22 * tier)
            c.draw.polygon(
                [(tx - width, bottom), (tx, bottom - r * 1.5), (tx + width, bottom)],
                fill=green,
                outline=darker(green, 0.6),
                width=c.line(r),
            )


def draw_houses(c: Canvas, hy: float, rng: random.Random, lv: float, lit: bool) -> list[tuple[float, float]]:
    """A row of pitched-roof houses on the horizon; where the lit windows are (at night)."""
    windows = []
    x = -rng.uniform(0, c.vw * 0.05)
    line = c.line(c.vh * 0.3)
    while x < c.w:
        bw, bh = c.vw * rng.uniform(0.1, 0.15), c.vh * rng.uniform(0.12, 0.2)
        wall = shade(rng.choice(((214, 196, 160), (190, 150, 120), (170, 180, 186), (226, 214, 190))), lv)
        roof = shade(rng.choice(((150, 60, 48), (96, 70, 60), (80, 90, 110))), lv)
        c.draw.rectangle((x, hy - bh, x + bw, hy), fill=wall, outline=INK, width=line)
        c.draw.polygon([(x - bw * 0.06, hy - bh), (x + bw / 2, hy - bh - bw * 0.45), (x + bw * 1.06, hy - bh)],
                       fill=roof, outline=INK, width=line)  # fmt: skip
        c.draw.rectangle((x + bw * 0.42, hy - bh * 0.42, x + bw * 0.58, hy), fill=shade((90, 60, 44), lv))
        for wx in (x + bw * 0.14, x + bw * 0.7):
            on = lit and rng.random() < 0.7
            colour = (250, 214, 120) if on else shade((80, 96, 120), lv)
            c.draw.rectangle((wx, hy - bh * 0.78, wx + bw * 0.16, hy - bh * 0.52), fill=colour, outline=INK)
            if on:
                windows.append((wx + bw * 0.08, hy - bh * 0.65))
        x += bw + c.vw * rng.uniform(0.01, 0.04)
    return windows


def draw_cave(c: Canvas, hy: float, rng: random.Random, lv: float) -> None:
    """A great mass of rock with a dark mouth opening at its foot."""
    left = rng.random() < 0.5
    x0, x1 = (c.x(-0.1), c.x(0.55)) if left else (c.x(0.45), c.x(1.1))
    top = hy - c.vh * 0.5
    rock = shade((118, 112, 104), lv)
    points = [(x0, hy)]
    for i in range(9):
        t = i / 8
        bump = math.sin(t * math.pi) * (0.75 + 0.25 * rng.random())
        points.append((x0 + (x1 - x0) * t, hy - (hy - top) * bump))
    points.append((x1, hy))
    c.draw.polygon(points, fill=rock, outline=INK, width=c.line(c.vh * 0.3))
    mx, mw, mh = (x0 + x1) / 2, (x1 - x0) * 0.32, (hy - top) * 0.55
    c.draw.chord((mx - mw / 2, hy - mh, mx + mw / 2, hy + mh), 180, 360, fill=(14, 12, 16))
    for _ in range(6):  # cracks and ledges in the rock
        cx, cy = rng.uniform(x0, x1), rng.uniform(top + (hy - top) * 0.4, hy - mh * 1.1)
        c.draw.line((cx, cy, cx + c.vw * 0.03, cy + c.vh * 0.01), fill=darker(rock, 0.7), width=c.line(c.vh * 0.3))


def draw_bridge(c: Canvas, hy: float, rng: random.Random, lv: float) -> None:
    """A stone bridge of arches across the background."""
    stone = shade((168, 150, 128), lv)
    deck, height = hy - c.vh * 0.16, c.vh * 0.035
    x0, x1 = c.x(-0.1), c.x(1.1)
    line = c.line(c.vh * 0.3)
    span = c.vw * 0.22
    x = x0
    while x < x1:
        c.draw.rectangle((x, deck, x + span * 0.16, hy), fill=stone, outline=INK, width=line)  # a pier
        c.draw.arc((x + span * 0.08, deck + height * 0.2, x + span * 1.08, hy + (hy - deck) * 0.7), 180, 360,
                   fill=stone, width=max(line, round(c.vh * 0.03)))  # fmt: skip
        x += span
    c.draw.rectangle((x0, deck - height, x1, deck + height * 0.4), fill=stone, outline=INK, width=line)
    for px in np.arange(x0, x1, c.vw * 0.03):  # the parapet
        c.draw.rectangle((px, deck - height * 1.8, px + c.vw * 0.012, deck - height), fill=darker(stone, 0.85))


def draw_pier(c: Canvas, hy: float, shore: float, rng: random.Random, lv: float) -> tuple[float, float]:
    """A wooden pier running from the shore out into the water; where its lamp hangs."""
    wood = shade((132, 96, 62), lv)
    right = rng.random() < 0.5
    near_x = c.x(0.78 if right else 0.22)
    far_x = c.x(0.62 if right else 0.38)
    far_y = hy + (shore - hy) * 0.3
    near_w, far_w = c.vw * 0.16, c.vw * 0.05
    line = c.line(c.vh * 0.3)
    for t in np.linspace(0.1, 1.0, 5):  # posts under the boards
        px = far_x + (near_x - far_x) * t
        py = far_y + (shore - far_y) * t
        pw = far_w + (near_w - far_w) * t
        for side in (-0.45, 0.45):
            c.draw.rectangle((px + side * pw - pw * 0.04, py, px + side * pw + pw * 0.04, py + c.vh * 0.05 * t),
                             fill=darker(wood, 0.7))  # fmt: skip
    boards = [(far_x - far_w / 2, far_y), (far_x + far_w / 2, far_y), (near_x + near_w / 2, shore),
              (near_x - near_w / 2, shore)]  # fmt: skip
    c.draw.polygon(boards, fill=wood, outline=INK, width=line)
    post_x, post_y = far_x + far_w * 0.45, far_y
    c.draw.line((post_x, post_y, post_x, post_y - c.vh * 0.12), fill=INK, width=line * 2)
    return post_x, post_y - c.vh * 0.12


def draw_boat(c: Canvas, bx: float, by: float, bw: float, lv: float, hull: RGB = (150, 60, 40)) -> None:
    """A small sailing boat afloat, its hull's left end at (bx, by), `bw` long."""
    c.draw.polygon(
        [(bx, by), (bx + bw, by), (bx + bw * 0.85, by + bw * 0.22), (bx + bw * 0.12, by + bw * 0.22)],
        fill=shade(hull, lv),
        outline=INK,
        width=c.line(bw * 0.2),
    )
    c.draw.line((bx + bw * 0.45, by, bx + bw * 0.45, by - bw * 0.7), fill=INK, width=c.line(bw * 0.3))
    c.draw.polygon(
        [(bx + bw * 0.47, by - bw * 0.65), (bx + bw * 0.8, by - bw * 0.08), (bx + bw * 0.47, by - bw * 0.08)],
        fill=shade((236, 230, 214), lv),
    )


# Indoor pieces -------------------------------------------------------------------------------


def draw_clock(c: Canvas, x: float, y: float, r: float, lv: float) -> None:
    """A round wall clock centred on (x, y), its hands at ten past ten."""
    line = c.line(r * 6)
    c.draw.ellipse((x - r, y - r, x + r, y + r), fill=shade((246, 240, 224), lv), outline=shade((110, 74, 40), lv),
                   width=max(line, round(r * 0.16)))  # fmt: skip
    for hour in range(12):
        a = hour / 12 * math.tau
        c.draw.line((x + math.sin(a) * r * 0.7, y - math.cos(a) * r * 0.7, x + math.sin(a) * r * 0.82,
                     y - math.cos(a) * r * 0.82), fill=INK, width=line)  # fmt: skip
    c.draw.line((x, y, x - r * 0.45, y - r * 0.3), fill=INK, width=line * 2)
    c.draw.line((x, y, x + r * 0.55, y - r * 0.45), fill=INK, width=line)


def draw_lamp(c: Canvas, x: float, floor: float, h: float, lv: float, lit: bool) -> tuple[float, float]:
    """A standing lamp on the floor at `floor`, `h` tall; where its light is."""
    line = c.line(h)
    c.draw.line((x, floor, x, floor - h * 0.8), fill=INK, width=max(line, round(h * 0.025)))
    c.draw.ellipse((x - h * 0.12, floor - h * 0.03, x + h * 0.12, floor + h * 0.02), fill=INK)
    shade_top, shade_low = floor - h, floor - h * 0.78
    cloth = (252, 214, 140) if lit else shade((226, 200, 150), lv)
    c.draw.polygon([(x - h * 0.1, shade_top), (x + h * 0.1, shade_top), (x + h * 0.17, shade_low),
                    (x - h * 0.17, shade_low)], fill=cloth, outline=INK, width=line)  # fmt: skip
    return x, (shade_top + shade_low) / 2


def draw_bed(c: Canvas, x: float, floor: float, w: float, lv: float) -> None:
    """A bed against the wall, `w` wide, its left end at `x`."""
    line = c.line(w * 0.3)
    frame = shade((120, 84, 54), lv)
    c.draw.rectangle((x, floor - w * 0.32, x + w * 0.06, floor), fill=frame, outline=INK, width=line)
    c.draw.rectangle((x, floor - w * 0.18, x + w, floor - w * 0.06), fill=shade((226, 226, 236), lv), outline=INK,
                     width=line)  # fmt: skip
    c.draw.rectangle((x + w * 0.3, floor - w * 0.2, x + w, floor - w * 0.06), fill=shade((70, 100, 150), lv),
                     outline=INK, width=line)  # fmt: skip
    c.draw.rounded_rectangle((x + w * 0.08, floor - w * 0.24, x + w * 0.26, floor - w * 0.16), radius=w * 0.03,
                             fill=shade((246, 246, 240), lv), outline=INK, width=line)  # fmt: skip
    c.draw.rectangle((x, floor - w * 0.06, x + w, floor), fill=frame, outline=INK, width=line)


def draw_fireplace(c: Canvas, x: float, floor: float, w: float, lv: float) -> tuple[float, float]:
    """A brick fireplace with a fire burning, `w` wide, its left at `x`; where the fire is."""
    line = c.line(w * 0.3)
    c.draw.rectangle((x, floor - w * 0.8, x + w, floor), fill=shade((150, 70, 54), lv), outline=INK, width=line)
    c.draw.rectangle((x - w * 0.08, floor - w * 0.9, x + w * 1.08, floor - w * 0.8), fill=shade((110, 80, 60), lv),
                     outline=INK, width=line)  # fmt: skip
    c.draw.chord((x + w * 0.18, floor - w * 0.62, x + w * 0.82, floor + w * 0.5), 180, 360, fill=(24, 16, 14))
    fx, fy = x + w / 2, floor - w * 0.06
    for k, colour in ((1.0, (236, 110, 30)), (0.6, (252, 200, 70))):
        c.draw.polygon([(fx - w * 0.18 * k, fy), (fx, fy - w * 0.4 * k), (fx + w * 0.18 * k, fy)], fill=colour)
    return fx, fy - w * 0.15

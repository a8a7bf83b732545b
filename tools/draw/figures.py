"""A character's look, derived from its traits and description, and drawing its figure.

The look is the one place colours and proportions come from: the animatic's panels and the
reference sheets both call `look_for`, so a character looks the same in every shot and on its
sheet. What the traits do not say is chosen from the character's id (not its name), so an
unspecified coat keeps its colour when the character is renamed.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from typing import Literal

from PIL import ImageDraw

from story import Character
from tools.draw.creatures import creature_build

LOOK_VERSION = "3"  # bump when look_for or the drawing changes what a figure looks like

RGB = tuple[int, int, int]
INK: RGB = (34, 32, 40)

COLOURS: dict[str, RGB] = {
    "red": (196, 38, 46), "crimson": (168, 24, 48), "scarlet": (214, 40, 32), "maroon": (110, 28, 38),
    "burgundy": (116, 26, 46), "orange": (226, 118, 36), "yellow": (236, 196, 52), "mustard": (204, 160, 40),
    "gold": (212, 168, 64), "green": (56, 132, 72), "olive": (112, 116, 52), "teal": (36, 128, 128),
    "blue": (44, 92, 176), "navy": (30, 40, 88), "purple": (112, 62, 150), "violet": (132, 86, 176),
    "pink": (230, 130, 160), "brown": (118, 76, 44), "tan": (190, 150, 104), "beige": (214, 196, 160),
    "khaki": (180, 168, 112), "black": (30, 30, 34), "white": (240, 240, 236), "grey": (128, 128, 132),
    "gray": (128, 128, 132), "silver": (184, 186, 192), "cream": (238, 228, 200), "denim": (70, 96, 140),
}  # fmt: skip
HAIR_COLOURS: dict[str, RGB] = {
    "black": (28, 24, 26), "dark": (44, 32, 28), "brown": (92, 60, 36), "brunette": (84, 54, 34),
    "blonde": (222, 190, 112), "blond": (222, 190, 112), "fair": (214, 186, 120), "red": (170, 70, 34),
    "ginger": (196, 96, 40), "auburn": (136, 52, 34), "grey": (156, 156, 160), "gray": (156, 156, 160),
    "silver": (196, 198, 204), "white": (232, 232, 228),
}  # fmt: skip
SKIN_TONES: dict[str, RGB] = {
    "pale": (246, 222, 204), "fair": (240, 212, 186), "light": (232, 198, 168), "olive": (200, 162, 118),
    "tan": (196, 148, 104), "brown": (150, 102, 68), "dark": (104, 68, 46), "deep": (82, 54, 38),
}  # fmt: skip

_TOPS = {"coat", "jacket", "shirt", "top", "sweater", "jumper", "dress", "cloak", "robe", "hoodie", "blouse",
         "uniform", "tunic", "vest", "cardigan", "parka", "raincoat", "overcoat", "gown", "suit", "jersey"}  # fmt: skip
_LONG_TOPS = {"coat", "dress", "cloak", "robe", "overcoat", "raincoat", "parka", "gown"}
_BOTTOMS = {"trousers", "pants", "jeans", "skirt", "shorts", "leggings", "slacks"}
_HATS = {"hat", "cap", "beanie", "bonnet", "hood", "beret"}
_SHOES = {"shoes", "boots", "sneakers", "trainers", "sandals"}
_SUITS = {"scrubs", "overalls", "jumpsuit", "boilersuit", "dungarees", "onesie", "pyjamas", "pajamas", "tracksuit",
          "wetsuit", "spacesuit", "coveralls"}  # fmt: skip  # one garment, top and bottom
_SCARVES = {"scarf", "muffler", "shawl", "kerchief", "bandana", "neckerchief", "stole"}
# A surface the words give a body: moss on a troll, mud on a boy back from the fields.
_TEXTURES: dict[str, RGB] = {"mossy": (88, 124, 52), "moss": (88, 124, 52), "lichen": (120, 140, 70),
                             "leafy": (72, 130, 56), "muddy": (104, 76, 48), "mud": (104, 76, 48)}  # fmt: skip
_HUGE = {"huge", "enormous", "gigantic", "massive", "towering", "giant", "colossal", "immense"}
_PARTS = {"hair": "hair", "beard": "beard", "moustache": "beard", "mustache": "beard", "eyes": "eyes",
          "skin": "skin", "complexion": "skin"}  # fmt: skip
_CHILD = {"child", "kid", "boy", "girl", "toddler", "little"}
_OLD = {"old", "elderly", "aged", "ancient", "grandmother", "grandfather", "granny", "grandpa"}
_BROAD = {"broad", "stout", "heavy", "burly", "big", "stocky", "large"}
_SLIM = {"slim", "thin", "slender", "skinny", "wiry", "lanky"}

_DEFAULT_TOPS: list[RGB] = [(58, 94, 150), (150, 62, 52), (70, 120, 84), (196, 150, 60), (104, 80, 140),
                             (60, 120, 130), (170, 96, 50), (90, 90, 100)]  # fmt: skip
_DEFAULT_BOTTOMS: list[RGB] = [(52, 56, 72), (96, 84, 70), (60, 70, 96), (80, 80, 84), (70, 60, 50)]
_DEFAULT_HAIR = ["black", "dark", "brown", "blonde", "auburn"]


@dataclass(frozen=True)
class Look:
    """How a character is drawn: colours by part and body proportions."""

    skin: RGB
    hair: RGB
    top: RGB
    bottom: RGB
    shoes: RGB
    eyes: RGB
    beard: RGB | None = None
    hat: RGB | None = None
    scarf: RGB | None = None
    texture: RGB | None = None  # patches over the body: moss, mud
    hair_style: Literal["short", "long", "bald"] = "short"
    long_top: bool = False
    height: float = 1.0  # relative to an adult of ordinary height
    build: float = 1.0  # relative shoulder width
    head: float = 0.14  # head height as a fraction of the figure's height

    def swatches(self) -> list[tuple[str, RGB]]:
        """The palette a reference sheet shows, by part."""
        parts = [("hair", self.hair), ("skin", self.skin), ("top", self.top), ("bottom", self.bottom)]
        parts += [("shoes", self.shoes), ("eyes", self.eyes)]
        if self.beard is not None:
            parts.append(("beard", self.beard))
        if self.hat is not None:
            parts.append(("hat", self.hat))
        if self.scarf is not None:
            parts.append(("scarf", self.scarf))
        if self.texture is not None:
            parts.append(("texture", self.texture))
        return parts


def _words(text: str) -> list[str]:
    return re.findall(r"#[0-9a-f]{6}|[a-z]+", text.lower())


def _colour(word: str, table: dict[str, RGB]) -> RGB | None:
    if word.startswith("#"):
        return (int(word[1:3], 16), int(word[3:5], 16), int(word[5:7], 16))
    return table.get(word)


def _part_of(word: str) -> str | None:
    if word in _TOPS:
        return "top"
    if word in _BOTTOMS:
        return "bottom"
    if word in _HATS:
        return "hat"
    if word in _SHOES:
        return "shoes"
    if word in _SUITS:
        return "suit"
    if word in _SCARVES:
        return "scarf"
    return _PARTS.get(word)


def _read(words: list[str], found: dict[str, object]) -> None:
    """Fill `found` from words like 'long black hair', 'a red coat', 'tall', 'old'."""
    for i, word in enumerate(words):
        part = _part_of(word)
        if part is None:
            continue
        if part == "top":
            found["long_top"] = word in _LONG_TOPS
        if part in {"beard", "hat", "scarf"}:
            found.setdefault(part, None)
        table = {"hair": HAIR_COLOURS, "beard": HAIR_COLOURS, "skin": SKIN_TONES}.get(part, COLOURS)
        for before in reversed(words[max(0, i - 3) : i]):
            if _part_of(before) is not None or before in {"and", "with"}:
                break
            if part == "hair" and before in {"long", "short", "bald"}:
                found["hair_style"] = before
            if part == "hair" and before in {"ponytail", "braided", "flowing"}:
                found["hair_style"] = "long"
            colour = _colour(before, table) or _colour(before, COLOURS)
            if colour is not None and part == "suit":  # scrubs, overalls: one colour, top to bottom
                found.setdefault("top", colour)
                found.setdefault("bottom", colour)
            elif colour is not None and found.get(part) is None:
                found[part] = colour
    for i, word in enumerate(words):
        following = words[i + 1 : i + 3]
        if word == "tall":
            found["height"] = 1.08
        elif word == "short" and "hair" not in following:
            found["height"] = 0.92
        elif word in _CHILD:
            found["child"] = True
        elif word in _OLD:
            found["old"] = True
        elif word in _HUGE:
            found["height"], found["build"] = 1.3, 1.35
        elif word in _TEXTURES:
            found["texture"] = _TEXTURES[word]
        elif word in _BROAD:
            found.setdefault("build", 1.16)
        elif word in _SLIM:
            found["build"] = 0.88
        elif word == "bald":
            found["hair_style"] = "bald"
        elif word in {"bearded"}:
            found.setdefault("beard", None)
        elif word == "ponytail":
            found["hair_style"] = "long"


def look_for(character: Character) -> Look:
    """The look of a character: traits override the description; the id chooses the rest."""
    found: dict[str, object] = {}
    _read(_words(character.description), found)
    for key, value in sorted(character.traits.items()):  # traits say it more precisely: they win
        said: dict[str, object] = {}
        key_words = _words(key)
        if any(_part_of(w) for w in key_words):
            _read(_words(value) + key_words, said)
        else:
            _read(_words(f"{key} {value}"), said)
        found.update({part: value for part, value in said.items() if value is not None or part not in found})
    chooser = random.Random(int(hashlib.sha256(character.id.encode()).hexdigest()[:16], 16))
    default_skin = chooser.choice(list(SKIN_TONES.values()))
    default_hair = HAIR_COLOURS[chooser.choice(_DEFAULT_HAIR)]
    default_top = chooser.choice(_DEFAULT_TOPS)
    default_bottom = chooser.choice(_DEFAULT_BOTTOMS)
    old = bool(found.get("old"))
    child = bool(found.get("child"))
    grown, creature_skin = creature_build(character)  # a troll stands tall in its own colour
    hair = found.get("hair") or (
        darker(creature_skin, 0.5) if creature_skin else HAIR_COLOURS["grey"] if old else default_hair
    )
    beard_given = "beard" in found
    beard = (found.get("beard") or hair) if beard_given and not child else None
    hat = found.get("hat") or (COLOURS["brown"] if "hat" in found else None)
    scarf = found.get("scarf") or (chooser.choice(_DEFAULT_TOPS) if "scarf" in found else None)
    return Look(
        skin=found.get("skin") or creature_skin or default_skin,  # type: ignore[arg-type]
        hair=hair,  # type: ignore[arg-type]
        # a creature's body is its own colour where no clothes are said
        top=found.get("top") or (darker(creature_skin, 0.8) if creature_skin else default_top),  # type: ignore[arg-type]
        bottom=found.get("bottom") or (darker(creature_skin, 0.6) if creature_skin else default_bottom),  # type: ignore[arg-type]
        shoes=found.get("shoes") or (40, 34, 32),  # type: ignore[arg-type]
        eyes=found.get("eyes") or (70, 48, 32),  # type: ignore[arg-type]
        beard=beard,  # type: ignore[arg-type]
        hat=hat,  # type: ignore[arg-type]
        scarf=scarf,  # type: ignore[arg-type]
        texture=found.get("texture"),  # type: ignore[arg-type]
        hair_style=found.get("hair_style", "short"),  # type: ignore[arg-type]
        long_top=bool(found.get("long_top", False)),
        height=_grown(0.68 if child else float(found.get("height", 1.0)), grown),  # type: ignore[arg-type]
        build=float(found.get("build", 1.0)) * (1.12 if child else 1.0),  # type: ignore[arg-type]
        head=0.19 if child else 0.14,
    )


def _grown(height: float, creature: float) -> float:
    """A creature's own height (a troll's, a fairy's) unless the words make it more so."""
    if creature > 1.0:
        return max(height, creature)
    return min(height, creature) if creature < 1.0 else height


def darker(colour: RGB, amount: float = 0.75) -> RGB:
    """A shade of `colour` (for the far leg, shadows and silhouettes)."""
    return (round(colour[0] * amount), round(colour[1] * amount), round(colour[2] * amount))


def draw_figure(
    draw: ImageDraw.ImageDraw,
    look: Look,
    cx: float,
    top: float,
    height: float,
    *,
    view: Literal["front", "side"] = "front",
    line: int = 2,
    expression: str = "neutral",
    turn: float = 0.0,
) -> None:
    """Draw a standing figure whose head top is at `top`, `height` pixels tall, centred on `cx`, its face
    showing `expression` (a `story.model.Expression` value), turned by `turn` (-1 screen left, 1 right)."""
    h = height
    hh = h * look.head
    hw = hh * 0.8
    sw = hh * 1.9 * look.build * (0.6 if view == "side" else 1.0)
    shoulder = top + hh * 1.08
    hip = top + h * 0.52
    hem = top + h * (0.72 if look.long_top else 0.56)
    feet = top + h
    ink = INK
    # Legs and shoes.
    leg_w = sw * (0.46 if view == "side" else 0.3)
    gap = 0.0 if view == "side" else sw * 0.06
    for side, shade in ((-1, 1.0), (1, 0.85 if view == "side" else 1.0)):
        x0 = cx + side * gap / 2 - (leg_w if side < 0 else 0)
        if view == "side":
            x0 = cx - leg_w / 2 + side * leg_w * 0.22
        draw.rectangle(
            (x0, hip, x0 + leg_w, feet - h * 0.035), fill=darker(look.bottom, shade), outline=ink, width=line
        )
        toe = leg_w * 0.5 if view == "side" else leg_w * 0.1
        draw.rounded_rectangle(
            (x0 - leg_w * 0.1, feet - h * 0.045, x0 + leg_w + toe, feet),
            radius=max(1, h * 0.015),
            fill=look.shoes,
            outline=ink,
            width=line,
        )
    # Arms behind the torso, hands at their ends.
    arm_w = hh * 0.36 * look.build
    arm_end = top + h * 0.5
    arm_sides = (0,) if view == "side" else (-1, 1)
    for side in arm_sides:
        ax = cx + side * (sw / 2 + arm_w * 0.3) - arm_w / 2
        _draw_arm(draw, look, ax, shoulder + hh * 0.05, arm_end, arm_w, line)
    # Torso (the coat or top), then the neck.
    flare = 1.08 if look.long_top else 0.92
    slope = hh * 0.3
    torso = [
        (cx - sw * 0.38, shoulder),
        (cx + sw * 0.38, shoulder),
        (cx + sw * 0.5, shoulder + slope),
        (cx + sw * 0.5 * flare, hem),
        (cx - sw * 0.5 * flare, hem),
        (cx - sw * 0.5, shoulder + slope),
    ]
    draw.polygon(torso, fill=look.top, outline=ink, width=line)
    if look.texture is not None:
        _draw_patches(draw, look.texture, cx, shoulder + slope, sw * 0.8, hem - shoulder - slope, line)
    if view == "side":  # the near arm swings over the torso
        _draw_arm(draw, look, cx - arm_w / 2, shoulder + hh * 0.05, arm_end, arm_w, line, darker(look.top, 0.9))
    draw.rectangle(
        (cx - hw * 0.18, top + hh * 0.85, cx + hw * 0.18, shoulder + 1), fill=look.skin, outline=ink, width=line
    )
    if look.scarf is not None:
        _draw_scarf(draw, look.scarf, cx, top + hh * 0.92, hh, view, line)
    draw_head(
        draw,
        look,
        cx + (hw * 0.06 if view == "side" else 0),
        top,
        hh,
        view=view,
        line=line,
        expression=expression,
        turn=turn,
    )


def _draw_arm(
    draw: ImageDraw.ImageDraw,
    look: Look,
    ax: float,
    top: float,
    end: float,
    arm_w: float,
    line: int,
    sleeve: RGB | None = None,
) -> None:
    """One arm from the shoulder (`top`) to the hand at `end`, `arm_w` wide with its left at `ax`."""
    draw.rounded_rectangle(
        (ax, top, ax + arm_w, end), radius=arm_w / 2.5, fill=sleeve or look.top, outline=INK, width=line
    )
    draw.ellipse((ax, end - arm_w * 0.3, ax + arm_w, end + arm_w * 0.8), fill=look.skin, outline=INK, width=line)


def draw_head(
    draw: ImageDraw.ImageDraw,
    look: Look,
    cx: float,
    top: float,
    hh: float,
    *,
    view: Literal["front", "side"] = "front",
    line: int = 2,
    expression: str = "neutral",
    turn: float = 0.0,
) -> None:
    """Draw the head (hair, face, beard, hat) `hh` pixels tall with its top at `top`, showing `expression`,
    its face turned by `turn` (-1 screen left, 0 the camera, 1 screen right)."""
    hw = hh * 0.8
    x0, x1 = cx - hw / 2, cx + hw / 2
    bottom = top + hh
    pad = hh * 0.06
    if look.hair_style == "long":  # hair falls behind the head to the shoulders
        back = x0 - pad if view == "front" else x0 - hw * 0.12
        draw.rounded_rectangle(
            (back, top + hh * 0.2, x1 + pad, bottom + hh * 0.35),
            radius=hw * 0.3,
            fill=look.hair,
            outline=INK,
            width=line,
        )
    if view == "side":  # the nose, drawn first so the face's outline joins it
        draw.polygon(
            [(x1 - hw * 0.05, top + hh * 0.45), (x1 + hw * 0.12, top + hh * 0.62), (x1 - hw * 0.02, top + hh * 0.66)],
            fill=look.skin,
            outline=INK,
            width=line,
        )
    draw.ellipse((x0, top, x1, bottom), fill=look.skin, outline=INK, width=line)
    if look.beard is not None:
        _draw_beard(draw, look.beard, cx, top, hh, view, line)
    if look.hair_style != "bald":
        if view == "front":
            draw.chord(
                (x0 - pad, top - pad, x1 + pad, top + hh * 0.78), 180, 360, fill=look.hair, outline=INK, width=line
            )
        else:
            draw.chord(
                (x0 - pad, top - pad, x1 + pad * 0.5, top + hh * 0.78),
                175,
                360,
                fill=look.hair,
                outline=INK,
                width=line,
            )
            draw.ellipse(
                (x0 - pad, top + hh * 0.1, cx - hw * 0.05, top + hh * 0.62), fill=look.hair, outline=INK, width=line
            )
    if look.texture is not None:  # moss on the crown
        _draw_patches(draw, look.texture, cx, top + hh * 0.04, hw * 0.75, hh * 0.28, line)
    if look.hat is not None:
        draw.rectangle(
            (x0 + hw * 0.05, top - hh * 0.28, x1 - hw * 0.05, top + hh * 0.14), fill=look.hat, outline=INK, width=line
        )
        draw.rounded_rectangle(
            (x0 - hw * 0.22, top + hh * 0.1, x1 + hw * 0.22, top + hh * 0.2),
            radius=hh * 0.04,
            fill=look.hat,
            outline=INK,
            width=line,
        )
    _draw_face(draw, look, cx, top, hh, view, line, expression, turn)


# How a feeling moves the brows: (inner end, outer end) raised (+) or lowered (-), in eye radii.
_BROWS = {
    "neutral": (2.2, 2.5), "happy": (2.5, 2.6), "laughing": (2.6, 2.6), "surprised": (3.6, 3.6),
    "afraid": (3.4, 2.6), "sad": (3.2, 2.0), "crying": (3.4, 2.0), "angry": (1.2, 2.8),
}  # fmt: skip
TEAR: RGB = (92, 170, 236)
SCLERA: RGB = (250, 248, 244)  # the whites of the eyes (tests find a face by them)
MOUTH: RGB = (120, 40, 48)


def _draw_face(
    draw: ImageDraw.ImageDraw,
    look: Look,
    cx: float,
    top: float,
    hh: float,
    view: str,
    line: int,
    expression: str = "neutral",
    turn: float = 0.0,
) -> None:
    hw = hh * 0.8
    eye_y = top + hh * 0.5
    # A turned face: the features slide toward where it looks, the far eye narrower.
    fx = cx + max(-1.0, min(1.0, turn)) * hw * 0.16 if view == "front" else cx
    eyes = [cx + hw * 0.26] if view == "side" else [fx - hw * 0.2, fx + hw * 0.2]
    mouth_x = eyes[0] - hw * 0.04 if view == "side" else fx
    r = hw * 0.065
    if hh < 36:  # too small for detail: dots read as eyes, and a mouth that is not neutral still shows
        for ex in eyes:
            draw.ellipse((ex - r, eye_y - r, ex + r, eye_y + r), fill=INK)
        if expression != "neutral":
            _draw_mouth(draw, mouth_x, top, hh, line, expression)
        return
    brow = look.hair if look.hair_style != "bald" else darker(look.skin, 0.6)
    inner, outer = _BROWS.get(expression, _BROWS["neutral"])
    for ex in eyes:
        far = (ex < fx) == (turn > 0) and abs(turn) > 0.01 and view == "front"
        wide = r * (1.7 - 0.5 * abs(turn) if far else 1.7)
        _draw_eye(draw, look, ex, eye_y, r, wide, line)
        toward = 1 if ex < fx or view == "side" else -1  # the brow's inner end is the one nearer the nose
        x_in, x_out = ex + toward * r * 1.7, ex - toward * r * 1.8
        draw.line((x_out, eye_y - r * outer, x_in, eye_y - r * inner), fill=brow, width=max(line, round(r * 0.6)))
        if expression == "crying":  # tears run from the eye down the cheek
            draw.line((ex, eye_y + r * 1.2, ex - r * 0.3, top + hh * 0.78), fill=TEAR, width=max(line, round(r)))
            draw.ellipse((ex - r * 0.9, top + hh * 0.76, ex + r * 0.3, top + hh * 0.84), fill=TEAR)
    if view == "front":
        nose = fx + turn * r * 0.8
        draw.line(
            (nose, eye_y + r * 1.2, nose - r * 0.6, top + hh * 0.68, nose + r * 0.2, top + hh * 0.7),
            fill=darker(look.skin, 0.7),
            width=line,
        )
    _draw_mouth(draw, mouth_x, top, hh, line, expression)
    if look.beard is not None and hh >= 36:  # the moustache over the lip
        reach = hw * (0.2 if view == "front" else 0.12)
        draw.chord(
            (mouth_x - reach, top + hh * 0.6, mouth_x + reach, top + hh * 0.735), 0, 180, fill=look.beard,
            outline=INK, width=max(1, line // 2),
        )  # fmt: skip


def _draw_beard(draw: ImageDraw.ImageDraw, colour: RGB, cx: float, top: float, hh: float, view: str, line: int) -> None:
    """A beard round the jaw and below the chin, open at the mouth, with strands: hair, not a mask."""
    hw = hh * 0.8
    if view == "side":  # along the jaw, from the ear to the chin
        points = [(cx - hw * 0.3, top + hh * 0.5), (cx + hw * 0.1, top + hh * 0.78), (cx + hw * 0.38, top + hh * 0.8),
                  (cx + hw * 0.3, top + hh * 1.2), (cx - hw * 0.05, top + hh * 1.1),
                  (cx - hw * 0.4, top + hh * 0.7)]  # fmt: skip
    else:
        points = [(cx - hw * 0.5, top + hh * 0.5), (cx - hw * 0.36, top + hh * 0.66), (cx - hw * 0.2, top + hh * 0.86),
                  (cx + hw * 0.2, top + hh * 0.86), (cx + hw * 0.36, top + hh * 0.66), (cx + hw * 0.5, top + hh * 0.5),
                  (cx + hw * 0.46, top + hh * 0.9), (cx + hw * 0.24, top + hh * 1.18), (cx, top + hh * 1.3),
                  (cx - hw * 0.24, top + hh * 1.18), (cx - hw * 0.46, top + hh * 0.9)]  # fmt: skip
    draw.polygon(points, fill=colour, outline=INK, width=line)
    if hh >= 36:
        strand = darker(colour, 0.78)
        for k in (-0.24, -0.08, 0.08, 0.24) if view == "front" else (-0.1, 0.1):
            x = cx + hw * k
            draw.line((x, top + hh * 0.95, x + hw * k * 0.2, top + hh * 1.16), fill=strand, width=max(1, line))


def _draw_scarf(draw: ImageDraw.ImageDraw, colour: RGB, cx: float, y: float, hh: float, view: str, line: int) -> None:
    """A scarf wound round the neck, one end hanging down the chest."""
    hw = hh * 0.8
    wide = hw * (0.5 if view == "front" else 0.4)
    draw.rounded_rectangle(
        (cx - wide, y, cx + wide, y + hh * 0.3), radius=hh * 0.1, fill=colour, outline=INK, width=line
    )
    end = cx + (hw * 0.18 if view == "front" else -hw * 0.05)
    draw.rectangle((end, y + hh * 0.2, end + hw * 0.26, y + hh * 1.05), fill=colour, outline=INK, width=line)
    for k in range(4):  # the fringe
        fx = end + hw * 0.26 * (k + 0.5) / 4
        draw.line((fx, y + hh * 1.05, fx, y + hh * 1.15), fill=colour, width=max(1, line))


def _draw_patches(draw: ImageDraw.ImageDraw, colour: RGB, cx: float, y: float, w: float, h: float, line: int) -> None:
    """Patches of a surface (moss, mud) over a part `w` wide and `h` tall, the same each time."""
    for px, py, r in ((-0.3, 0.15, 0.14), (0.25, 0.3, 0.17), (-0.05, 0.6, 0.12), (0.35, 0.8, 0.1), (-0.38, 0.75, 0.13),
                      (0.05, 0.05, 0.1)):  # fmt: skip
        x, yy, rr = cx + px * w, y + py * h, r * w
        draw.ellipse((x - rr, yy - rr * 0.7, x + rr, yy + rr * 0.7), fill=colour, outline=darker(colour, 0.7),
                     width=max(1, line // 2))  # fmt: skip


def _draw_eye(draw: ImageDraw.ImageDraw, look: Look, ex: float, ey: float, r: float, wide: float, line: int) -> None:
    """One open eye centred on (ex, ey): its white `wide` across each way, the iris `r` in radius."""
    draw.ellipse((ex - wide, ey - r * 1.1, ex + wide, ey + r * 1.1), fill=SCLERA, outline=INK, width=line)
    draw.ellipse((ex - r, ey - r, ex + r, ey + r), fill=look.eyes)
    draw.ellipse((ex - r * 0.5, ey - r * 0.5, ex + r * 0.5, ey + r * 0.5), fill=INK)
    draw.ellipse((ex + r * 0.1, ey - r * 0.6, ex + r * 0.45, ey - r * 0.25), fill=(255, 255, 255))


def _draw_mouth(draw: ImageDraw.ImageDraw, mx: float, top: float, hh: float, line: int, expression: str) -> None:
    """The mouth of a feeling: a line, a smile, a frown, or open (surprised, laughing, afraid)."""
    hw = hh * 0.8
    w = hw * 0.14
    y0, y1 = top + hh * 0.7, top + hh * 0.82
    ink = (150, 60, 60)
    if expression in {"happy"}:
        draw.arc((mx - w, y0, mx + w, y1), 20, 160, fill=ink, width=line)
    elif expression in {"sad", "crying", "angry"}:  # a frown: the arc turned over
        draw.arc((mx - w, y1 - hh * 0.02, mx + w, y1 + hh * 0.1), 200, 340, fill=ink, width=line)
    elif expression == "laughing":  # wide open, a smile's shape
        draw.chord(
            (mx - w * 1.3, y0 - hh * 0.04, mx + w * 1.3, y1 + hh * 0.04), 0, 180, fill=MOUTH, outline=INK, width=line
        )
    elif expression in {"surprised", "afraid"}:  # a round open mouth (smaller when afraid)
        k = 0.6 if expression == "surprised" else 0.42
        draw.ellipse((mx - w * k, y0 - hh * 0.01, mx + w * k, y1 + hh * 0.05 * k), fill=MOUTH, outline=INK, width=line)
    else:  # neutral: closed, level
        draw.line(
            (mx - w * 0.8, (y0 + y1) / 2 + hh * 0.01, mx + w * 0.8, (y0 + y1) / 2 + hh * 0.01), fill=ink, width=line
        )


def draw_hands(draw: ImageDraw.ImageDraw, look: Look, cx: float, cy: float, size: float, line: int = 2) -> None:
    """Two hands filling an insert, palms out, centred on (cx, cy), `size` pixels tall, cuffs below."""
    for side in (-1, 1):
        hx = cx + side * size * 0.34
        palm_w, palm_h = size * 0.36, size * 0.38
        top = cy - palm_h * 0.2
        draw.rectangle(
            (hx - palm_w * 0.45, top + palm_h * 0.9, hx + palm_w * 0.45, cy + size * 0.8), fill=look.top, outline=INK,
            width=line,
        )  # fmt: skip
        for i in range(4):  # fingers, the middle ones longest
            fx = hx - palm_w * 0.5 + palm_w * (i + 0.5) / 4
            reach = palm_h * (0.75 + 0.2 * (1 - abs(i - 1.5) / 1.5))
            draw.rounded_rectangle(
                (fx - palm_w * 0.11, top - reach, fx + palm_w * 0.11, top + palm_h * 0.2), radius=palm_w * 0.1,
                fill=look.skin, outline=INK, width=line,
            )  # fmt: skip
        tx = hx - side * palm_w * 0.5  # the thumbs toward each other
        draw.rounded_rectangle(
            (min(tx, tx - side * palm_w * 0.45), top + palm_h * 0.2, max(tx, tx - side * palm_w * 0.45),
             top + palm_h * 0.45), radius=palm_w * 0.1, fill=look.skin, outline=INK, width=line,
        )  # fmt: skip
        draw.rounded_rectangle(
            (hx - palm_w * 0.5, top, hx + palm_w * 0.5, top + palm_h), radius=palm_w * 0.2, fill=look.skin,
            outline=INK, width=line,
        )  # fmt: skip


def draw_eyes(
    draw: ImageDraw.ImageDraw,
    look: Look,
    cx: float,
    cy: float,
    width: float,
    line: int = 2,
    expression: str = "neutral",
) -> None:
    """A band of face with both eyes and brows, `width` pixels across, centred on (cx, cy): the eyes in an
    extreme close-up."""
    r = width * 0.12  # bigger than in any face: the eyes are all the frame holds
    draw.rectangle((cx - width, cy - r * 5, cx + width, cy + r * 3.2), fill=look.skin)  # edge to edge
    brow = look.hair if look.hair_style != "bald" else darker(look.skin, 0.6)
    inner, outer = _BROWS.get(expression, _BROWS["neutral"])
    for side in (-1, 1):
        ex = cx + side * width * 0.26
        _draw_eye(draw, look, ex, cy, r, r * 1.7, line)
        x_in, x_out = ex - side * r * 1.7, ex + side * r * 1.8
        draw.line((x_out, cy - r * outer, x_in, cy - r * inner), fill=brow, width=max(line, round(r * 0.6)))
    draw.line((cx, cy - r, cx - r * 0.4, cy + r * 2.6), fill=darker(look.skin, 0.7), width=line)  # the nose's bridge


def draw_from_behind(draw: ImageDraw.ImageDraw, look: Look, cx: float, top: float, hh: float, line: int = 2) -> None:
    """Draw a head and shoulders seen from behind (the back of the head, no face), the head `hh` tall."""
    hw = hh * 0.8
    sw = hh * 1.9 * look.build
    shoulder = top + hh * 0.95
    draw.polygon(
        [
            (cx - sw * 0.36, shoulder),
            (cx + sw * 0.36, shoulder),
            (cx + sw * 0.52, shoulder + hh * 0.35),
            (cx + sw * 0.56, top + hh * 4),
            (cx - sw * 0.56, top + hh * 4),
            (cx - sw * 0.52, shoulder + hh * 0.35),
        ],
        fill=look.top,
        outline=INK,
        width=line,
    )
    draw.rectangle(
        (cx - hw * 0.2, top + hh * 0.7, cx + hw * 0.2, shoulder + 1), fill=look.skin, outline=INK, width=line
    )
    if look.scarf is not None:
        draw.rounded_rectangle(
            (cx - hw * 0.5, top + hh * 0.85, cx + hw * 0.5, top + hh * 1.15), radius=hh * 0.1, fill=look.scarf,
            outline=INK, width=line,
        )  # fmt: skip
    crown = look.skin if look.hair_style == "bald" else look.hair
    low = top + hh * (1.25 if look.hair_style == "long" else 1.0)
    draw.ellipse((cx - hw / 2, top, cx + hw / 2, low), fill=crown, outline=INK, width=line)
    for side in (-1, 1):  # the ears show either side of the hair
        ex = cx + side * hw * 0.5
        draw.ellipse((ex - hw * 0.08, top + hh * 0.42, ex + hw * 0.08, top + hh * 0.62), fill=look.skin, outline=INK)
    if look.hat is not None:
        draw.rectangle(
            (cx - hw * 0.45, top - hh * 0.28, cx + hw * 0.45, top + hh * 0.14), fill=look.hat, outline=INK, width=line
        )


def draw_figure_from_above(
    draw: ImageDraw.ImageDraw, look: Look, cx: float, cy: float, size: float, line: int = 2
) -> None:
    """Draw a figure seen from straight above: shoulders and the top of the head, `size` px wide."""
    sw = size * look.build
    draw.ellipse((cx - sw / 2, cy - sw * 0.22, cx + sw / 2, cy + sw * 0.22), fill=look.top, outline=INK, width=line)
    r = size * 0.2
    crown = look.hat or (look.skin if look.hair_style == "bald" else look.hair)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=crown, outline=INK, width=line)

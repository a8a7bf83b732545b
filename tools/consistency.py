"""Reference sheets: each character drawn once from the front and the side, with its palette, and
one sheet for the style (its look words and palette) that every shot is rendered against.

A sheet is named by a hash of everything that affects it, made once, and written atomically; the
animatic draws figures with the same look code (`tools.draw.figures.look_for`), so a character
on screen matches its sheet. Backends that take reference images are given the sheet's path.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

from story import Character, Style
from tools.draw import creatures
from tools.draw.figures import INK, LOOK_VERSION, draw_figure, look_for
from tools.draw.panel import font

SHEET_VERSION = "2"  # 2: the character's kind, and an animal or a thing drawn as its glyph
KEY_LENGTH = 12
PAPER = (246, 242, 232)


def sheet_size(style: Style) -> tuple[int, int]:
    """Pixel size of a sheet: 3:2, as tall as the style's frame but at least 480 pixels."""
    height = max(480, style.height)
    return height * 3 // 2, height


def sheet_key(character: Character, style: Style) -> str:
    """A hash of everything a character's sheet depends on (12 hex digits)."""
    payload = {
        "sheet": SHEET_VERSION,
        "look": LOOK_VERSION,
        "character": character.model_dump(mode="json", exclude={"metadata", "voice"}),
        "kind": creatures.kind_of(character),
        "size": sheet_size(style),
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:KEY_LENGTH]


def draw_sheet(character: Character, style: Style) -> Image.Image:
    """The reference sheet as an image: name and kind, front and side views, palette swatches by part;
    an animal or a thing as its glyph facing each way."""
    width, height = sheet_size(style)
    look = look_for(character)
    sheet = Image.new("RGB", (width, height), PAPER)
    d = ImageDraw.Draw(sheet)
    unit = height / 100
    d.text((unit * 4, unit * 4), character.name, font=font(round(unit * 7)), fill=INK)
    kind, species = creatures.kind_of(character), creatures.species(character)
    said = f"{kind.upper()}  ·  drawn as {species.glyph.name}" if species is not None else kind.upper()
    d.text((width - unit * 4, unit * 5), said, font=font(round(unit * 3.4)), fill=(150, 90, 40), anchor="ra")
    caption = " ".join(character.description.split())
    if caption:
        d.text(
            (unit * 4, unit * 12.5),
            caption[:90] + ("…" if len(caption) > 90 else ""),
            font=font(round(unit * 3)),
            fill=(90, 88, 96),
        )
    ground = unit * 92
    adult = unit * 70 * min(1.0, 1.1 / look.height)  # a giant still fits the sheet: an adult's mark shows its scale
    tall = adult * look.height
    line = max(1, round(unit * 0.45))
    if species is not None:
        for share, turn, label in ((0.2, -1.0, "FACING LEFT"), (0.47, 1.0, "FACING RIGHT")):
            cx = width * share
            d.line((cx - unit * 14, ground, cx + unit * 14, ground), fill=(180, 176, 168), width=line)
            creatures.draw_species(sheet, species, cx, ground, unit * 45, turn=turn)
            d.text((cx, ground + unit * 2), label, font=font(round(unit * 3)), fill=(120, 118, 126), anchor="ma")
        return sheet
    if abs(look.height - 1.0) > 0.05:  # taller or smaller than an adult: the adult's height, marked
        for x in range(round(width * 0.05), round(width * 0.62), round(unit * 3)):
            d.line((x, ground - adult, x + unit * 1.5, ground - adult), fill=(190, 150, 120), width=line)
        d.text((width * 0.62, ground - adult), "adult", font=font(round(unit * 3)), fill=(150, 110, 80), anchor="lm")
    for share, view, label in ((0.2, "front", "FRONT"), (0.47, "side", "SIDE")):
        cx = width * share
        d.line((cx - unit * 14, ground, cx + unit * 14, ground), fill=(180, 176, 168), width=line)
        draw_figure(d, look, cx, ground - tall, tall, view=view, line=line)  # type: ignore[arg-type]
        d.text((cx, ground + unit * 2), label, font=font(round(unit * 3)), fill=(120, 118, 126), anchor="ma")
    x0, y = width * 0.68, unit * 20
    swatch = unit * 7.5
    label_font = font(round(unit * 3.4))
    for part, colour in look.swatches():
        d.rectangle((x0, y, x0 + swatch, y + swatch), fill=colour, outline=INK, width=line)
        hexcode = "#{:02x}{:02x}{:02x}".format(*colour)
        d.text((x0 + swatch * 1.4, y + swatch / 2), f"{part}  {hexcode}", font=label_font, fill=INK, anchor="lm")
        y += swatch * 1.35
    return sheet


STYLE_REFERENCE = "@style"
"""The key of the style's sheet among a shot's references (character ids never start with '@')."""


def style_key(style: Style) -> str:
    """A hash of everything the style sheet depends on (12 hex digits)."""
    payload = {"sheet": SHEET_VERSION, "look": style.look, "palette": style.palette, "size": sheet_size(style)}
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:KEY_LENGTH]


def draw_style_sheet(style: Style) -> Image.Image:
    """The style sheet: the look in words and the palette as labelled swatches."""
    width, height = sheet_size(style)
    sheet = Image.new("RGB", (width, height), PAPER)
    d = ImageDraw.Draw(sheet)
    unit = height / 100
    d.text((unit * 4, unit * 4), "Style", font=font(round(unit * 7)), fill=INK)
    words = ", ".join(style.look) or "storyboard"
    d.text((unit * 4, unit * 14), words[:80], font=font(round(unit * 4)), fill=(90, 88, 96))
    colours = style.palette or ["#808080"]
    gap = unit * 2
    swatch = min((width - unit * 8 - gap * (len(colours) - 1)) / len(colours), unit * 40)
    line = max(1, round(unit * 0.45))
    for n, hexcode in enumerate(colours):
        x = unit * 4 + n * (swatch + gap)
        rgb = tuple(int(hexcode[i : i + 2], 16) for i in (1, 3, 5))
        d.rectangle((x, unit * 30, x + swatch, unit * 30 + swatch), fill=rgb, outline=INK, width=line)
        d.text((x, unit * 33 + swatch), hexcode.lower(), font=font(round(unit * 3.2)), fill=INK)
    return sheet


def style_sheet(style: Style, refs_dir: Path) -> Path:
    """The style's sheet in `refs_dir`, drawn and written (atomically) only if not there yet."""
    return _keep(Path(refs_dir) / f"style-{style_key(style)}.png", lambda: draw_style_sheet(style))


def reference_sheet(character: Character, style: Style, refs_dir: Path) -> Path:
    """The character's sheet in `refs_dir`, drawn and written (atomically) only if not there yet."""
    path = Path(refs_dir) / f"{character.id}-{sheet_key(character, style)}.png"
    return _keep(path, lambda: draw_sheet(character, style))


def _keep(path: Path, draw: Callable[[], Image.Image]) -> Path:
    if path.is_file():
        return path
    refs_dir = path.parent
    refs_dir.mkdir(parents=True, exist_ok=True)
    image = draw()
    handle, temporary = tempfile.mkstemp(dir=refs_dir, prefix=f".{path.stem}-", suffix=".png.partial")
    try:
        with os.fdopen(handle, "wb") as out:
            image.save(out, format="PNG")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path

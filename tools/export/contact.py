"""The contact sheet: every shot's keyframe in a grid, numbered, on one PNG."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from story import Project
from tools.draw.panel import font
from tools.export.keyframes import Keyframe

THUMB_W = 320
PAD = 16
LABEL = 26  # the line under each picture: number, size, length
HEAD = 44  # the title line
PAPER = (24, 24, 28)
INK = (236, 236, 240)
SOFT = (160, 160, 170)
ACCENT = (217, 164, 65)


@dataclass(frozen=True)
class Grid:
    """How the contact sheet is laid out, in pixels."""

    columns: int
    rows: int
    thumb_w: int
    thumb_h: int

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the whole sheet."""
        return (
            PAD + self.columns * (self.thumb_w + PAD),
            HEAD + self.rows * (self.thumb_h + LABEL + PAD) + PAD // 2,
        )

    def cell(self, index: int) -> tuple[int, int]:
        """Top-left corner of picture `index` (0-based)."""
        column, row = index % self.columns, index // self.columns
        return PAD + column * (self.thumb_w + PAD), HEAD + row * (self.thumb_h + LABEL + PAD)


def contact_grid(project: Project, shots: int) -> Grid:
    """The grid for `shots` pictures: up to six columns, about as wide as the rows are many at 16:9."""
    columns = max(1, min(6, shots, math.ceil(math.sqrt(shots * 1.6))))
    rows = max(1, math.ceil(shots / columns))
    thumb_h = round(THUMB_W * project.style.height / project.style.width)
    return Grid(columns, rows, THUMB_W, thumb_h)


def draw_contact_sheet(project: Project, keyframes: list[Keyframe]) -> Image.Image:
    """The sheet as one picture."""
    grid = contact_grid(project, len(keyframes))
    sheet = Image.new("RGB", grid.size, PAPER)
    draw = ImageDraw.Draw(sheet)
    total = project.total_frames()
    draw.text(
        (PAD, HEAD / 2),
        f"{project.bible.title}  ·  {len(keyframes)} shots  ·  {total / project.fps:.1f}s",
        font=font(20),
        fill=INK,
        anchor="lm",
    )
    number_face, facts_face = font(18), font(14)
    for index, frame in enumerate(keyframes):
        x, y = grid.cell(index)
        thumb = frame.image.resize((grid.thumb_w, grid.thumb_h), Image.Resampling.LANCZOS)
        sheet.paste(thumb, (x, y))
        draw.rectangle((x - 1, y - 1, x + grid.thumb_w, y + grid.thumb_h), outline=SOFT)
        label_y = y + grid.thumb_h + LABEL / 2
        number = frame.shot.label or str(frame.number)  # the label the person knows it by (2A)
        draw.text((x, label_y), number, font=number_face, fill=ACCENT, anchor="lm")
        shot = frame.shot
        facts = f"{shot.size.value}  {shot.movement.value}  {shot.duration_frames / project.fps:.1f}s"
        draw.text((x + number_face.getlength(number) + 10, label_y), facts, font=facts_face, fill=INK, anchor="lm")
    return sheet


def write_contact_sheet(project: Project, keyframes: list[Keyframe], output: Path) -> Grid:
    """Write the contact sheet PNG to `output` (atomically); returns its grid."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    try:
        draw_contact_sheet(project, keyframes).save(partial, format="PNG", optimize=False)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return contact_grid(project, len(keyframes))

"""The storyboard PDF a crew works from: a title page, then six panels to a landscape page.

Each panel is the shot's keyframe with its number, size, camera move and length over it, and
the action and dialogue under it, in the order the shots play. Written with fpdf2; a system
DejaVu font is used when there is one (for any script), else the PDF core fonts with the
text folded to Latin-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from story import Project
from tools.export.keyframes import Keyframe

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, millimetres
MARGIN = 10.0
HEADER = 12.0  # the band at the top of each board page
FOOTER = 7.0
COLUMNS, ROWS = 3, 2
PANELS_PER_PAGE = COLUMNS * ROWS
GUTTER = 6.0
LABEL_H = 6.0  # the strip over the picture: number, size, move, length
TEXT_LINE = 3.9
INK = (30, 30, 34)
SOFT = (110, 110, 118)
ACCENT = (190, 40, 50)

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in millimetres from the top-left corner."""

    x: float
    y: float
    w: float
    h: float


def panel_cell(index: int) -> Box:
    """The cell of panel `index` (0-based, on its page): label strip, picture and text."""
    column, row = index % COLUMNS, (index // COLUMNS) % ROWS
    width = (PAGE_W - 2 * MARGIN - (COLUMNS - 1) * GUTTER) / COLUMNS
    height = (PAGE_H - 2 * MARGIN - HEADER - FOOTER - (ROWS - 1) * GUTTER) / ROWS
    return Box(MARGIN + column * (width + GUTTER), MARGIN + HEADER + row * (height + GUTTER), width, height)


def panel_picture(index: int, aspect: float) -> Box:
    """Where panel `index`'s picture sits (under its label strip), for a frame `aspect` wide per unit high."""
    cell = panel_cell(index)
    return Box(cell.x, cell.y + LABEL_H, cell.w, cell.w / aspect)


def board_pages(shots: int) -> int:
    """Pages of the PDF for `shots` shots: the title page and the board pages."""
    return 1 + max(1, math.ceil(shots / PANELS_PER_PAGE))


class _Board(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.film = title
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_image_filter("DCTDecode")  # keyframes as JPEG: a tenth of the size of PNG
        self.family, self.unicode = self._fonts()

    def _fonts(self) -> tuple[str, bool]:
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            oblique = folder / "DejaVuSans-Oblique.ttf"
            if regular.is_file() and bold.is_file():
                self.add_font("DejaVu", "", str(regular))
                self.add_font("DejaVu", "B", str(bold))
                self.add_font("DejaVu", "I", str(oblique if oblique.is_file() else regular))
                return "DejaVu", True
        return "helvetica", False

    def text_for(self, text: str) -> str:
        """`text` as the current font can show it."""
        if self.unicode:
            return text
        folded = text.translate(_TYPOGRAPHY)
        return folded.encode("latin-1", "replace").decode("latin-1")

    def style(self, size: float, weight: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, weight, size)
        self.set_text_color(*colour)

    def lines(self, text: str, width: float, limit: int) -> list[str]:
        """`text` wrapped to `width`, at most `limit` lines, the last cut with an ellipsis."""
        wrapped = self.multi_cell(width, TEXT_LINE, self.text_for(text), dry_run=True, output=MethodReturnValue.LINES)
        if len(wrapped) <= limit:
            return wrapped
        kept = wrapped[:limit]
        last = kept[-1]
        while last and self.get_string_width(last + "...") > width:
            last = last[:-1]
        kept[-1] = last.rstrip() + "..."
        return kept

    def footer(self) -> None:
        self.set_y(PAGE_H - MARGIN - FOOTER + 2)
        self.style(7, colour=SOFT)
        self.cell(0, 4, self.text_for(f"{self.film}  —  page {self.page_no()} of {{nb}}"), align="R")


_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                             "\u2026": "...", "\u00b7": "-"})  # fmt: skip


def _seconds(frames: int, fps: int) -> str:
    return f"{frames / fps:.1f}s"


def _title_page(pdf: _Board, project: Project) -> None:
    bible = project.bible
    pdf.add_page()
    pdf.set_y(55)
    pdf.style(30, "B")
    pdf.multi_cell(0, 13, pdf.text_for(bible.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if bible.logline:
        pdf.ln(4)
        pdf.style(13, "I", SOFT)
        pdf.set_x(MARGIN + 30)
        pdf.multi_cell(PAGE_W - 2 * MARGIN - 60, 7, pdf.text_for(bible.logline), align="C")
    pdf.ln(10)
    total = project.total_frames()
    facts = [
        f"{len(project.shots)} shots  ·  {_seconds(total, project.fps)} with cards",
        f"{project.style.width}×{project.style.height} at {project.fps} fps  ·  revision {project.revision}",
    ]
    kind = ", ".join(part for part in (bible.genre, bible.tone) if part)
    if kind:
        facts.insert(0, kind)
    cast = ", ".join(c.name for c in project.characters)
    if cast:
        facts.append(f"Cast: {cast}")
    pdf.style(11, colour=INK)
    for line in facts:
        pdf.multi_cell(0, 6, pdf.text_for(line), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _board_header(pdf: _Board, first: str, last: str) -> None:
    pdf.set_xy(MARGIN, MARGIN)
    pdf.style(12, "B")
    pdf.cell(PAGE_W / 2, 7, pdf.text_for(pdf.film))
    pdf.style(9, colour=SOFT)
    pdf.set_xy(PAGE_W / 2, MARGIN)
    pdf.cell(
        PAGE_W / 2 - MARGIN,
        7,
        f"STORYBOARD  ·  shots {first}–{last}" if pdf.unicode else f"STORYBOARD - shots {first}-{last}",
        align="R",
    )
    pdf.set_draw_color(*SOFT)
    pdf.line(MARGIN, MARGIN + 8, PAGE_W - MARGIN, MARGIN + 8)


def _panel(pdf: _Board, project: Project, frame: Keyframe, index: int) -> None:
    shot, cell = frame.shot, panel_cell(index)
    aspect = project.style.width / project.style.height
    picture = panel_picture(index, aspect)
    # Label strip: the number large, then size, move and length.
    pdf.set_xy(cell.x, cell.y)
    pdf.style(11, "B", ACCENT)
    number = frame.shot.label or f"{frame.number}"  # the label the person knows it by (2A)
    pdf.cell(pdf.get_string_width(number) + 2, LABEL_H - 1, number)
    pdf.style(8, "B")
    sep = "  ·  " if pdf.unicode else "  -  "
    framing = sep.join(
        [shot.size.value, shot.angle.value, shot.movement.value, _seconds(shot.duration_frames, project.fps)]
    )
    pdf.cell(cell.w - pdf.get_string_width(number) - 2, LABEL_H - 1, pdf.text_for(framing), align="R")
    pdf.image(frame.image, x=picture.x, y=picture.y, w=picture.w, h=picture.h)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.rect(picture.x, picture.y, picture.w, picture.h)
    # Action, then dialogue, in what room the cell has left.
    room = int((cell.y + cell.h - picture.y - picture.h - 1.5) // TEXT_LINE)
    y = picture.y + picture.h + 1.5
    slug = _slug(project, frame)
    if slug:
        pdf.style(7, "B", ACCENT if shot.transition.value != "cut" else SOFT)
        pdf.set_xy(cell.x, y)
        pdf.cell(cell.w, TEXT_LINE, pdf.text_for(slug))
        y += TEXT_LINE
        room -= 1
    pdf.style(8)
    action = pdf.lines(shot.action, cell.w, max(1, min(3, room - len(shot.dialogue)))) if shot.action else []
    for line in action:
        pdf.set_xy(cell.x, y)
        pdf.cell(cell.w, TEXT_LINE, line)
        y += TEXT_LINE
    names = {c.id: c.name for c in project.characters}
    for spoken in shot.dialogue:
        left = int((cell.y + cell.h - y) // TEXT_LINE)
        if left <= 0:
            break
        how = f" ({spoken.parenthetical})" if spoken.parenthetical else ""
        text = f"{names.get(spoken.speaker, spoken.speaker).upper()}{how}: {spoken.text}"
        pdf.style(8, "I", INK)
        for line in pdf.lines(text, cell.w - 4, min(2, left)):
            pdf.set_xy(cell.x + 4, y)
            pdf.cell(cell.w - 4, TEXT_LINE, line)
            y += TEXT_LINE


_TRANSITION_WORDS = {"dissolve": "DISSOLVE TO:", "fade-in": "FADE IN:", "fade-out": "FADE OUT / IN:"}


def _slug(project: Project, frame: Keyframe) -> str:
    """The scene heading a crew reads first (INT./EXT. PLACE - TIME), and the transition into the shot."""
    shot = frame.shot
    parts = []
    if shot.transition.value != "cut":
        parts.append(_TRANSITION_WORDS.get(shot.transition.value, shot.transition.value.upper()))
    if shot.location:
        place = project.location(shot.location)
        parts.append(f"{'INT.' if place.interior else 'EXT.'} {place.name.upper()} - {shot.time_of_day.value.upper()}")
    return "   ".join(parts)


def write_storyboard(project: Project, keyframes: list[Keyframe], output: Path) -> int:
    """Write the storyboard PDF to `output` (atomically); returns its page count."""
    pdf = _Board(project.bible.title)
    pdf.set_title(pdf.text_for(f"{project.bible.title} — storyboard"))
    pdf.set_creator("storyreel")
    pdf.alias_nb_pages()
    _title_page(pdf, project)
    for start in range(0, max(1, len(keyframes)), PANELS_PER_PAGE):
        page = keyframes[start : start + PANELS_PER_PAGE]
        pdf.add_page()
        if page:
            _board_header(pdf, page[0].shot.label or str(page[0].number), page[-1].shot.label or str(page[-1].number))
        for index, frame in enumerate(page):
            _panel(pdf, project, frame, index)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    try:
        pdf.output(str(partial))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return pdf.page_no()

"""The variations contact sheet: the shot as it is beside each version offered, one frame each, labelled.

One row per shot of the offer (one for "three versions of shot 4", one per shot of a scene's coverage),
one column for the shot as it is now and one per version: the middle frame of each take, with the
version's letter and what differs under it. Written to cut/variations-<offer>.png.

The versions also play side by side in one video, cut/variations-<offer>.mp4: the shot (or the
scene's shots, one after another) as it is now on the left, then each version, frame for frame in
step, so they play in sync in any player.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from story import Project, ProjectFolder
from story.files import write_atomic
from story.variations import Offer, latest_offer, varied
from tools.draw.panel import font
from tools.export.contact import ACCENT, INK, PAD, PAPER, SOFT
from tools.export.keyframes import frame_of
from tools.render.jobs import plan_one

THUMB_W = 288
HEAD = 40
LABEL = 44  # the letter, and what differs in up to two lines


class NoOffer(LookupError):
    """No versions are on offer in the project."""


def sheet_path(offer: int) -> str:
    """Where the sheet of offer `offer` is written, relative to the project folder."""
    return f"cut/variations-{offer}.png"


def _frame(folder: ProjectFolder, path: str | None, frames: int, height: int) -> Image.Image:
    if path is None or not (folder.root / path).is_file():
        missing = Image.new("RGB", (THUMB_W, height), (60, 60, 66))
        ImageDraw.Draw(missing).text((THUMB_W / 2, height / 2), "not rendered", font=font(16), fill=INK, anchor="mm")
        return missing
    return frame_of(folder.root / path, frames // 2, THUMB_W).resize((THUMB_W, height))


def _cells(folder: ProjectFolder, project: Project, offer: Offer) -> list[tuple[str, str, str | None, int]]:
    """Per column: letter, what differs, the take's path (None when missing) and its frames."""
    number = project.shot_number(offer.shot_id)
    shot = project.shots[number - 1]
    now = shot.take_for(plan_one(project, number).key)
    facts = f"{shot.size} {shot.angle} {shot.movement} {shot.lens_mm}mm"
    cells = [("now", facts, now.path if now and not now.failed else None, shot.duration_frames)]
    for variant in offer.variants:
        key = plan_one(varied(project, offer.shot_id, variant), number).key
        take = shot.take_for(key)
        ok = take is not None and not take.failed
        cells.append((variant.label, variant.differs, take.path if ok and take else None, shot.duration_frames))
    return cells


def _wrap(text: str, face: object, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and face.getlength(trial) > width:  # type: ignore[attr-defined]
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line][:2]


def draw_variations_sheet(folder: ProjectFolder, project: Project, offers: list[Offer]) -> Image.Image:
    """The sheet as one picture: a row per shot offered, the shot now and then each version."""
    thumb_h = round(THUMB_W * project.style.height / project.style.width)
    rows = [(offer, _cells(folder, project, offer)) for offer in offers]
    columns = max(len(cells) for _, cells in rows)
    width = PAD + columns * (THUMB_W + PAD)
    height = HEAD + len(rows) * (thumb_h + LABEL + PAD) + PAD // 2
    sheet = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(sheet)
    scope = offers[0].scope
    noun = "ways to cover it" if scope.startswith("scene") else "versions"
    title = f"{project.bible.title}  ·  {scope}  ·  {len(offers[0].variants)} {noun}"
    draw.text((PAD, HEAD / 2), title, font=font(20), fill=INK, anchor="lm")
    letter_face, words_face = font(18), font(13)
    for row, (offer, cells) in enumerate(rows):
        y = HEAD + row * (thumb_h + LABEL + PAD)
        for column, (letter, differs, path, frames) in enumerate(cells):
            x = PAD + column * (THUMB_W + PAD)
            sheet.paste(_frame(folder, path, frames, thumb_h), (x, y))
            draw.rectangle((x - 1, y - 1, x + THUMB_W, y + thumb_h), outline=ACCENT if column else SOFT)
            if len(rows) > 1 and column == 0:
                letter = f"shot {project.shot(offer.shot_id).label}"
            draw.text((x, y + thumb_h + 4), letter, font=letter_face, fill=ACCENT, anchor="la")
            left = x + letter_face.getlength(letter) + 8
            for n, line in enumerate(_wrap(differs, words_face, THUMB_W - (left - x))):
                draw.text((left, y + thumb_h + 6 + 16 * n), line, font=words_face, fill=INK, anchor="la")
    return sheet


def write_variations_sheet(folder: ProjectFolder, project: Project) -> Path:
    """Draw the newest offer's sheet into cut/ and return its path; `NoOffer` when nothing is on offer."""
    offers = latest_offer(project)
    if not offers:
        raise NoOffer("no versions are on offer; ask for some first ('storyreel vary DIR 2')")
    image = draw_variations_sheet(folder, project, offers)
    output = folder.path(sheet_path(offers[0].offer))
    output.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    write_atomic(output, buffer.getvalue())
    return output


def reel_path(offer: int) -> str:
    """Where the side-by-side video of offer `offer` is written, relative to the project folder."""
    return f"cut/variations-{offer}.mp4"


def write_versions_reel(folder: ProjectFolder, project: Project, *, width: int = 320) -> Path:
    """The newest offer's versions side by side in one video (the shot now first); `NoOffer` when none.

    A version not rendered (a failed take) shows the shot as it is now in its place."""
    from tools.media.codec import run_ffmpeg

    offers = latest_offer(project)
    if not offers:
        raise NoOffer("no versions are on offer; ask for some first ('storyreel vary DIR 2')")
    rows = []
    for offer in offers:
        paths = [path for _, _, path, _ in _cells(folder, project, offer)]
        if paths[0] is None:
            raise NoOffer(f"shot {project.shot(offer.shot_id).label} is not rendered yet; render it first")
        rows.append([folder.root / (path or paths[0]) for path in paths])  # a failed version shows the shot now
    columns = [list(column) for column in zip(*rows, strict=True)]  # now, A, B...: each the offer's shots in order
    inputs: list[str] = []
    parts: list[str] = []
    n = 0
    for column, takes in enumerate(columns):
        names = []
        for take in takes:
            inputs += ["-i", str(take)]
            names.append(f"[{n}:v]")
            n += 1
        parts.append(f"{''.join(names)}concat=n={len(names)}:v=1:a=0,scale={width}:-2,setsar=1[c{column}]")
    stack = "".join(f"[c{c}]" for c in range(len(columns)))
    parts.append(f"{stack}hstack=inputs={len(columns)}[out]" if len(columns) > 1 else "[c0]null[out]")
    output = folder.path(reel_path(offers[0].offer))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial.mp4")
    args = [*inputs, "-filter_complex", ";".join(parts), "-map", "[out]", "-an"]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-r", str(project.fps), str(partial)]
    run_ffmpeg(args, "joining the versions side by side")
    partial.replace(output)
    return output

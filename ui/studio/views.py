"""What the studio's widgets show of a project: storyboard panels, the selected shot, takes, exports.

Reading only: nothing here changes a project. Files go to the browser through `safety.publish`,
so every path shown has been checked to lie inside the open project.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from story import Project, ProjectFolder, Shot
from ui.studio.safety import inside, publish, secret_digest, studio_cache
from ui.text import html_text

THUMB_WIDTH = 384
CUT_DIR = "cut"
HIDDEN_SUFFIXES = (".partial", ".tmp", ".txt", ".m3u8")  # live.m3u8 plays in place; alone it is nothing


@dataclass(frozen=True)
class Panel:
    """One storyboard panel: a shot's still and its caption."""

    number: int
    shot_id: str
    image: str  # a published file
    caption: str


def seconds(project: Project, frames: int) -> str:
    """Frames as seconds, the way a person reads a duration."""
    return f"{frames / project.fps:.1f}s"


def shot_caption(project: Project, number: int, shot: Shot) -> str:
    """Label ('2A'), size, duration and the first line of dialogue (or the action when there is none)."""
    head = f"#{shot.label or number} · {shot.size.value} · {seconds(project, shot.duration_frames)}"
    if shot.dialogue:
        line = shot.dialogue[0]
        try:
            speaker = project.character(line.speaker).name
        except KeyError:
            speaker = line.speaker
        more = f" (+{len(shot.dialogue) - 1})" if len(shot.dialogue) > 1 else ""
        return f'{head} — {speaker}: "{clip(line.text, 48)}"{more}'
    return f"{head} — {clip(shot.action, 36)}" if shot.action else head


def clip(text: str, limit: int) -> str:
    """Text cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def current_takes(project: Project) -> dict[str, Path | None]:
    """Each shot's take for its current render key (relative path), or None when it has none."""
    from tools.render.jobs import plan_jobs

    found: dict[str, Path | None] = {}
    for job in plan_jobs(project):
        take = job.shot.take_for(job.key)
        found[job.shot.id] = Path(take.path) if take is not None else None
    return found


def storyboard(folder: ProjectFolder, project: Project) -> list[Panel]:
    """A panel per shot, in order: a frame from the middle of its current take."""
    takes = current_takes(project)
    panels = []
    for number, shot in enumerate(project.shots, 1):
        relative = takes.get(shot.id)
        take = folder.root / relative if relative is not None else None
        middle = shot.duration_frames / project.fps / 2
        image = _thumbnail(folder.root, take, middle) if take is not None and take.is_file() else _not_rendered()
        panels.append(Panel(number, shot.id, image, shot_caption(project, number, shot)))
    return panels


def _thumbnail(root: Path, take: Path, middle: float) -> str:
    """A still from the middle of the take, made once per take file and kept in Gradio's cache."""
    from tools.media.codec import ffmpeg_exe

    take = inside(root, take)  # a take path from story.json that leaves the project is refused, never read
    stat = take.stat()
    target = (
        studio_cache("thumbs") / f"{secret_digest(str(take.resolve()), str(stat.st_size), str(stat.st_mtime_ns))}.jpg"
    )
    if not target.is_file():
        partial = target.with_suffix(".partial.jpg")
        probe = subprocess.run(
            [ffmpeg_exe(), "-v", "error", "-ss", f"{middle:.3f}", "-i", str(take), "-vf", f"scale={THUMB_WIDTH}:-2",
             "-frames:v", "1", "-f", "image2", "-y", str(partial)],
            capture_output=True, timeout=30,
        )  # fmt: skip
        if probe.returncode != 0 or not partial.is_file():
            return _not_rendered("unreadable take")
        partial.replace(target)
    return str(target)


def _not_rendered(why: str = "not rendered yet") -> str:
    """A grey panel standing in for a shot with no take."""
    from PIL import Image, ImageDraw

    target = studio_cache("thumbs") / f"missing-{safe_words(why)}.png"
    if not target.is_file():
        image = Image.new("RGB", (THUMB_WIDTH, THUMB_WIDTH * 9 // 16), (70, 74, 84))
        ImageDraw.Draw(image).text((16, THUMB_WIDTH * 9 // 32 - 6), why, fill=(220, 220, 220))
        image.save(target)
    return str(target)


def safe_words(text: str) -> str:
    """Text as a file-name part."""
    return "-".join(text.split())


@dataclass(frozen=True)
class ShotForm:
    """What the selected shot's controls show."""

    number: int
    shot_id: str
    size: str
    angle: str
    movement: str
    seconds: float
    characters: list[str]  # character names in frame
    cast: list[str]  # every character's name, for the choices
    takes: list[tuple[str, int]]  # (label, 1-based take number), oldest first
    current_take: int | None  # the take in the reel, when it has one
    summary: str


def shot_form(project: Project, number: int) -> ShotForm:
    """The controls' values for shot `number` (1-based); `IndexError` when there is no such shot."""
    if not 1 <= number <= len(project.shots):
        raise IndexError(f"there is no shot {number}; the project has {len(project.shots)} shots")
    shot = project.shots[number - 1]
    names = {c.id: c.name for c in project.characters}
    current = current_takes(project).get(shot.id)
    rows, in_reel = [], None
    for index, take in enumerate(shot.takes, 1):
        label = f"take {index} · {take.backend} · seed {take.seed} · {seconds(project, take.frames)}"
        if take.failed:
            label += " · failed"
        elif current is not None and Path(take.path) == current:
            label, in_reel = label + " · in the reel", index
        elif take.seed == shot.seed and take.backend == (shot.backend or project.backend):
            label += " · an earlier version of the shot"
        rows.append((label, index))
    place = ""
    if shot.location is not None:
        try:
            place = f" at {project.location(shot.location).name}"
        except KeyError:
            place = ""
    said = html_text(clip(shot.action or shot.beat or "no action written", 140))  # Markdown: words are data
    summary = f"**Shot {shot.label or number}**{html_text(place)} — {said}"
    return ShotForm(
        number=number,
        shot_id=shot.id,
        size=shot.size.value,
        angle=shot.angle.value,
        movement=shot.movement.value,
        seconds=round(shot.duration_frames / project.fps, 2),
        characters=[names.get(c, c) for c in shot.characters],
        cast=[c.name for c in project.characters],
        takes=rows,
        current_take=in_reel,
        summary=summary,
    )


def exports(folder: ProjectFolder) -> list[str]:
    """Published copies of the files in the project's cut/ folder (the reel and any exports)."""
    cut = folder.root / CUT_DIR
    if not cut.is_dir():
        return []
    found = []
    for path in sorted(cut.iterdir()):
        if path.name.startswith(".") or path.name.endswith(HIDDEN_SUFFIXES) or not path.is_file():
            continue
        found.append(publish(folder.root, path))
    return found


def reel(folder: ProjectFolder, project: Project) -> str | None:
    """The published reel, or None before the first one is assembled."""
    if project.cut is None:
        return None
    path = folder.root / project.cut.path
    return publish(folder.root, path) if path.is_file() else None


def conversation(folder: ProjectFolder, limit: int = 12) -> list[dict[str, object]]:
    """The recent revisions as chat messages: what was asked, and what changed."""
    messages: list[dict[str, object]] = []
    for revision in folder.lineage()[-limit:]:
        if revision.message:
            messages.append({"role": "user", "content": html_text(revision.message)})
        if revision.summary:
            shown = revision.summary[:6] + (
                [f"… and {len(revision.summary) - 6} more"] if len(revision.summary) > 6 else []
            )
            messages.append({"role": "assistant", "content": "\n".join(f"• {html_text(line)}" for line in shown)})
    return messages

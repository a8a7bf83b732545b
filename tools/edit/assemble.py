"""Assemble the cut: join the title card and every shot's take by stream copy.

Every take shares one codec profile (tools.edit.encode), so joining is the concat demuxer with
`-c copy`: no frame is decoded or encoded again, and an edit costs only the shots it changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from story import MissingTake, Project, ProjectFolder, RecordCut
from tools.edit.cards import render_title_card
from tools.edit.encode import run_ffmpeg
from tools.render.engine import plan_jobs
from tools.render.key import title_card_key

CUT_PATH = "cut/storyreel.mp4"
CARDS_DIR = "media/cards"


@dataclass(frozen=True)
class CutPlan:
    """The files the reel joins, in order, and its exact frame count."""

    paths: list[Path]
    keys: list[str]
    frames: int


def plan_cut(folder: ProjectFolder, project: Project) -> CutPlan:
    """The takes of the reel in order; raises `MissingTake` for a shot not rendered yet."""
    paths: list[Path] = []
    keys: list[str] = []
    frames = 0
    if project.style.title_card:
        key = title_card_key(project)
        card = folder.root / CARDS_DIR / f"title-{key}.mp4"
        if not card.is_file():
            render_title_card(project, card)
        paths.append(card)
        keys.append(key)
        frames += project.style.title_card_frames
    for job in plan_jobs(project):
        take = job.shot.media_for(job.key)
        path = folder.path(take.path)
        if not path.is_file():
            raise MissingTake(f"shot {job.number}'s take {take.path} is missing on disk; render again")
        paths.append(path)
        keys.append(job.key)
        frames += take.frames
    return CutPlan(paths, keys, frames)


def assemble_cut(folder: ProjectFolder, project: Project) -> tuple[Path, RecordCut]:
    """Write cut/storyreel.mp4 from the current takes; returns its path and the edit recording it."""
    plan = plan_cut(folder, project)
    if not plan.paths:
        raise MissingTake("the project has no shots and no title card: nothing to assemble")
    output = folder.root / CUT_PATH
    output.parent.mkdir(parents=True, exist_ok=True)
    listing = output.with_name(".storyreel.concat.txt")
    listing.write_text("".join(f"file '{_escape(p)}'\n" for p in plan.paths))
    partial = output.with_name(".storyreel.partial.mp4")
    try:
        run_ffmpeg(
            ["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", "-movflags", "+faststart",
             "-f", "mp4", str(partial)],
            "joining the takes into the reel",
        )  # fmt: skip
        partial.replace(output)
    finally:
        listing.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return output, RecordCut(path=CUT_PATH, frames=plan.frames, shot_keys=plan.keys)


def _escape(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")

"""Assemble the cut: join the title card, every shot's take and the end card by stream copy.

Every take shares one codec profile (tools.media.codec), so joining is the concat demuxer with
`-c copy`: no frame is decoded or encoded again, and an edit costs only the shots it changed.
Dissolves and fades re-encode only the frames they touch (tools.edit.transitions); the sound
track (voices over the ducked music bed, tools.edit.sound) is muxed in as AAC, and the
subtitles are written beside the reel.

Nothing is trusted unread: every take and card is read back (a video stream with all its frames)
before it is joined, and the reel's own frame count is read back before it replaces the last one;
a reel that comes out a frame short is an error, never a success.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from story import MissingTake, Project, ProjectFolder, RecordCut, Transition
from tools.edit.cards import end_card_key, icon_credit, render_end_card, render_title_card
from tools.edit.sound import build_sound
from tools.edit.subtitles import burn_subtitles
from tools.edit.transitions import TRANSITIONS_DIR, Clip, concat_listing, frame_timestamps, join_clips
from tools.media.codec import EncodeError, Profile, run_ffmpeg, video_frames, video_problem
from tools.render.jobs import plan_jobs
from tools.render.key import title_card_key

CUT_PATH = "cut/storyreel.mp4"
CARDS_DIR = "media/cards"


@dataclass(frozen=True)
class CutPlan:
    """The files the reel joins, in order, and its exact frame count."""

    paths: list[Path]
    keys: list[str]
    frames: int
    clips: list[Clip] = field(default_factory=list)  # the same files with how each joins the one before


def _cards(folder: ProjectFolder, project: Project, which: str) -> list[Clip]:
    """The title or end card as a clip (none when the style leaves it out), drawn once per key."""
    style = project.style
    wanted, key_of, draw, length = {
        "title": (style.title_card, title_card_key, render_title_card, style.title_card_frames),
        "end": (style.end_card, end_card_key, render_end_card, style.end_card_frames),
    }[which]
    if not wanted:
        return []
    key = key_of(project)
    card = folder.root / CARDS_DIR / f"{which}-{key}.mp4"
    if video_problem(card, length, style.fps) is not None:  # not drawn yet, or damaged since: draw it (again)
        draw(project, card)
    return [Clip(card, length, key)]


def plan_cut(folder: ProjectFolder, project: Project) -> CutPlan:
    """The takes of the reel in order; raises `MissingTake` for a shot not rendered yet."""
    clips = _cards(folder, project, "title")
    for job in plan_jobs(project):
        take = job.shot.media_for(job.key)
        path = folder.path(take.path)
        if not path.is_file():
            raise MissingTake(f"shot {job.shot.label}'s take {take.path} is missing on disk; render again")
        problem = video_problem(path, take.frames, project.fps)
        if problem is not None:
            raise MissingTake(f"shot {job.shot.label}'s take is damaged ({problem}); render again")
        fade_out = job.shot.transition == Transition.FADE_OUT
        clips.append(Clip(path, take.frames, job.key, enter=job.shot.transition, fade_out=fade_out))
    clips += _cards(folder, project, "end")
    return CutPlan([c.path for c in clips], [c.key for c in clips], sum(c.frames for c in clips), clips)


def assemble_cut(folder: ProjectFolder, project: Project) -> tuple[Path, RecordCut]:
    """Write cut/storyreel.mp4 from the current takes; returns its path and the edit recording it."""
    # The sound is made while the pictures are checked and joined: each is mostly an ffmpeg of its own.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sound") as pool:
        making = pool.submit(build_sound, folder, project)
        plan = plan_cut(folder, project)
        if not plan.paths:
            raise MissingTake("the project has no shots and no title card: nothing to assemble")
        output = folder.root / CUT_PATH
        output.parent.mkdir(parents=True, exist_ok=True)
        style = project.style
        join = join_clips(plan.clips, Profile(style.width, style.height, style.fps), folder.root / TRANSITIONS_DIR)
        sound = making.result()
    listing = output.with_name(".storyreel.concat.txt")
    listing.write_text(concat_listing(join.pieces, style.fps))
    partial = output.with_name(".storyreel.partial.mp4")
    credit = icon_credit(project)  # the icon set's licence asks for credit wherever its drawings go
    tags = ["-metadata", f"comment={credit}", "-metadata", f"copyright={credit}"] if credit else []
    try:
        run_ffmpeg(
            ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(sound.track),
             "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", *frame_timestamps(style.fps), *tags,
             "-movflags", "+faststart", "-f", "mp4", str(partial)],
            "joining the takes and the sound into the reel",
        )  # fmt: skip
        if style.burn_subtitles and sound.lines:
            burned = output.with_name(".storyreel.burned.mp4")
            burn_subtitles(partial, sound.subtitles, burned, Profile(style.width, style.height, style.fps))
            burned.replace(partial)
        joined = video_frames(partial)
        if joined != plan.frames:  # never report a reel that is not the one planned
            raise EncodeError(
                f"the joined reel has {joined} frames, not the {plan.frames} planned; the last reel was kept"
            )
        partial.replace(output)
    finally:
        listing.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return output, RecordCut(path=CUT_PATH, frames=plan.frames, shot_keys=plan.keys)

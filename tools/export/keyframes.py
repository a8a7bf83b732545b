"""One picture per shot for the boards: the middle frame of its current take.

The frame is decoded with ffmpeg (the `select` filter is frame-exact, unlike seeking). A shot
whose take is not on disk is drawn afresh by the animatic's panel code, so the boards never
have a hole.
"""

from __future__ import annotations

import io
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from story import Project, ProjectFolder, Shot
from tools.media.codec import EncodeError, ffmpeg_exe
from tools.render.jobs import plan_jobs


@dataclass(frozen=True)
class Keyframe:
    """A shot's picture for the boards, with what it was taken from."""

    number: int
    shot: Shot
    image: Image.Image
    source: str  # the take it was decoded from, or "drawn" when there was none


def frame_of(video: Path, index: int, width: int) -> Image.Image:
    """Frame `index` (0-based) of `video`, scaled to `width` pixels wide."""
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(video),
        "-vf", f"select=eq(n\\,{index}),scale={width}:-2", "-frames:v", "1",
        "-f", "image2pipe", "-c:v", "png", "pipe:1",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout:
        tail = done.stderr.decode(errors="replace").strip().splitlines()
        raise EncodeError(f"ffmpeg could not read frame {index} of {video.name}: {tail[-1] if tail else 'no frame'}")
    return Image.open(io.BytesIO(done.stdout)).convert("RGB")


def _drawn(project: Project, shot: Shot, number: int, width: int) -> Image.Image:
    """The shot's first frame as its take would show it (the view, the caption, rain falling), scaled to `width`."""
    from tools.render.animatic import panel_still

    still = panel_still(project, shot, number, shot.seed)
    height = round(width * still.height / still.width)
    return still.resize((width, height - height % 2), Image.Resampling.BOX)


def shot_keyframes(folder: ProjectFolder, project: Project, *, width: int = 480) -> list[Keyframe]:
    """Every shot's keyframe in shot order: the middle frame of its take, or a drawn panel without one."""

    def one(job_number: int, shot: Shot, key: str) -> Keyframe:
        take = shot.take_for(key)
        if take is not None and (folder.root / take.path).is_file():
            middle = min(take.frames, shot.duration_frames) // 2
            return Keyframe(job_number, shot, frame_of(folder.root / take.path, middle, width), take.path)
        return Keyframe(job_number, shot, _drawn(project, shot, job_number, width), "drawn")

    jobs = plan_jobs(project)
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda job: one(job.number, job.shot, job.key), jobs))

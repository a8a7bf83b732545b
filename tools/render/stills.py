"""Takes from generated pictures: a keyframe moved by the shot's camera, or a generated clip conformed
to the project's profile (size, rate, exact frame count), with the dialogue laid on top.

Shared by the generative backends (diffusers, hosted), so every take they make joins the reel by
stream copy like the animatic's.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from tools.media.codec import EncodeError, FrameEncoder, Profile, ffmpeg_exe
from tools.render.base import RenderRequest

MARGIN = 1.2  # a keyframe is scaled this much larger than the frame: room for the camera to move
PROGRESS_EVERY = 12

FrameSource = Callable[[int], np.ndarray]
"""Frame n of the take (H x W x 3 uint8 at the project's size)."""


def camera_move(keyframe: Image.Image, request: RenderRequest) -> FrameSource:
    """The animatic's camera move for the shot, run over a keyframe instead of a drawn panel."""
    from tools.render.animatic import camera_path

    style, shot = request.project.style, request.shot
    width, height = style.width, style.height
    panel_w, panel_h = round(width * MARGIN), round(height * MARGIN)
    canvas = keyframe.convert("RGB").resize((panel_w, panel_h), Image.Resampling.LANCZOS)
    pixels = np.asarray(canvas)
    boxes = camera_path(shot, panel_w, panel_h, width, height, request.seed, style.fps)

    def frame(n: int) -> np.ndarray:
        x, y, w, h = boxes[n]
        if (w, h) == (width, height):
            return pixels[y : y + h, x : x + w].copy()
        box = (max(0, x), max(0, y), min(panel_w, x + w), min(panel_h, y + h))  # rounding may overshoot a pixel
        return np.asarray(canvas.resize((width, height), Image.Resampling.BILINEAR, box=box))

    return frame


def clip_frames(clip: Sequence[np.ndarray], request: RenderRequest) -> FrameSource:
    """A generated clip stretched or squeezed to the shot's frame count and scaled to the frame."""
    style, total = request.project.style, request.shot.duration_frames
    size = (style.width, style.height)
    cache: dict[int, np.ndarray] = {}

    def frame(n: int) -> np.ndarray:
        index = min(len(clip) - 1, n * len(clip) // total)
        if index not in cache:
            picture = Image.fromarray(np.asarray(clip[index], dtype=np.uint8)).convert("RGB")
            cache.clear()
            cache[index] = np.asarray(picture.resize(size, Image.Resampling.LANCZOS))
        return cache[index].copy()

    return frame


def write_take(request: RenderRequest, source: FrameSource) -> int:
    """Encode the shot's frames from `source`, with its lines of dialogue, into `request.output`."""
    from tools.draw.panel import subtitles

    project, shot = request.project, request.shot
    style = project.style
    lines = subtitles(project, shot, style.width, style.height)
    total = shot.duration_frames
    with FrameEncoder(request.output, Profile(style.width, style.height, style.fps)) as encoder:
        for n in range(total):
            request.stop.check()  # a stopped render leaves no half-written take (the encoder discards it)
            frame = np.array(source(n), dtype=np.uint8)
            for line in lines:
                if line.start <= n < line.end:
                    line.apply(frame)
            encoder.write(frame)
            if request.on_frame and ((n + 1) % PROGRESS_EVERY == 0 or n + 1 == total):
                request.on_frame(n + 1)
    return encoder.frames


def conform_video(source: Path, request: RenderRequest) -> int:
    """Re-encode a downloaded clip to the project's profile and the shot's exact length.

    The clip is decoded by ffmpeg at the project's size and rate, cropped to fill the frame; a
    clip shorter than the shot holds its last frame, a longer one is cut.
    """
    style, total = request.project.style, request.shot.duration_frames
    width, height = style.width, style.height
    scale = f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},fps={style.fps}"
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(source),
        "-vf", scale, "-frames:v", str(total), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
    ]  # fmt: skip
    size = width * height * 3
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    last: list[np.ndarray] = []

    def frame(n: int) -> np.ndarray:
        data = process.stdout.read(size) if process.stdout else b""
        if len(data) == size:
            last[:] = [np.frombuffer(data, np.uint8).reshape(height, width, 3)]
        elif not last:
            raise EncodeError(f"the downloaded clip {source.name} has no frames ffmpeg can read")
        return last[0]

    try:
        frames = write_take(request, frame)
    finally:
        process.stdout.close()
        process.kill()
        process.wait()
    return frames

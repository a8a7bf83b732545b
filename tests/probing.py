"""Reading media back for tests: Debian's ffprobe when present, PyAV otherwise."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path


@dataclass(frozen=True)
class VideoFacts:
    """What a test checks about a video file."""

    codec: str
    width: int
    height: int
    fps: Fraction
    frames: int
    pix_fmt: str
    audio_streams: int


def probe(path: Path) -> VideoFacts:
    """Codec, size, rate and exact (decoded) frame count of the first video stream."""
    if shutil.which("ffprobe"):
        return _ffprobe(path)
    return _pyav(path)


def _ffprobe(path: Path) -> VideoFacts:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        check=True,
        text=True,
    )
    streams = json.loads(done.stdout)["streams"]
    video = next(s for s in streams if s["codec_type"] == "video")
    return VideoFacts(
        codec=video["codec_name"],
        width=int(video["width"]),
        height=int(video["height"]),
        fps=Fraction(video["r_frame_rate"]),
        frames=int(video["nb_read_frames"]),
        pix_fmt=video["pix_fmt"],
        audio_streams=sum(1 for s in streams if s["codec_type"] == "audio"),
    )


def _pyav(path: Path) -> VideoFacts:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return VideoFacts(
            codec=stream.codec_context.name,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=Fraction(stream.average_rate),
            frames=frames,
            pix_fmt=stream.codec_context.pix_fmt,
            audio_streams=len(container.streams.audio),
        )


def frames_rgb(path: Path) -> list[bytes]:
    """Every decoded frame as RGB bytes (for comparing pictures)."""
    import av

    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24").tobytes() for f in container.decode(video=0)]

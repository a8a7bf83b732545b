"""Reading media back for tests through PyAV (a wheel), so no test needs Debian's ffprobe."""

from __future__ import annotations

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
    seconds: Fraction
    """The video stream's declared duration (ffprobe's `stream=duration`)."""


@dataclass(frozen=True)
class StreamFacts:
    """One stream's codec and declared duration."""

    codec: str
    seconds: Fraction


def probe(path: Path) -> VideoFacts:
    """Codec, size, rate, duration and exact (decoded) frame count of the first video stream."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return VideoFacts(
            codec=stream.codec_context.name,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=_rate(stream),
            frames=frames,
            pix_fmt=stream.codec_context.pix_fmt,
            audio_streams=len(container.streams.audio),
            seconds=_seconds(stream),
        )


def streams(path: Path) -> dict[str, StreamFacts]:
    """The first stream of each kind ("video", "audio"), as ffprobe's `-show_streams` names them."""
    import av

    with av.open(str(path)) as container:
        found: dict[str, StreamFacts] = {}
        for stream in container.streams:
            found.setdefault(stream.type, StreamFacts(codec=stream.codec_context.name, seconds=_seconds(stream)))
        return found


def _rate(stream: object) -> Fraction:
    # The declared constant rate, ffprobe's r_frame_rate. Not `average_rate`: that is frames over
    # the stream's duration, rounded to the time base (7 frames at 30 fps in 1/12288 reads 7168/239).
    rate = stream.base_rate or stream.guessed_rate
    if rate is None:
        raise AssertionError(f"{stream} declares no frame rate")
    return Fraction(rate)


def _seconds(stream: object) -> Fraction:
    if stream.duration is None:
        raise AssertionError(f"{stream} declares no duration")
    return stream.duration * stream.time_base


def frames_rgb(path: Path) -> list[bytes]:
    """Every decoded frame as RGB bytes (for comparing pictures)."""
    import av

    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24").tobytes() for f in container.decode(video=0)]

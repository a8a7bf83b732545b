"""One codec profile for every take, so the reel can be joined by stream copy.

Every take and card is H.264 yuv420p at the project's size and fps, with the same encoder
settings and timebase; `FrameEncoder` pipes raw RGB frames into ffmpeg to make one.
`video_problem` reads one back (through PyAV, which ships its own libraries) before it is trusted.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import TracebackType

import numpy as np
from PIL import Image

TIMESCALE = 12288  # one track timescale for every take: concat by stream copy needs it equal
X264_PRESET = "ultrafast"
X264_CRF = "20"
DISSOLVE_SECONDS = 0.5  # a dissolve spans this much, centred on the cut
FADE_SECONDS = 0.5  # a fade from or to black lasts this long


def transition_frames(fps: int) -> tuple[int, int]:
    """(half a dissolve, a fade) in frames at `fps`: how far a transition reaches into a take."""
    return max(1, round(fps * DISSOLVE_SECONDS / 2)), max(1, round(fps * FADE_SECONDS))


class EncodeError(RuntimeError):
    """ffmpeg failed or is missing; the message says which and why."""


@cache
def ffmpeg_exe() -> str:
    """The ffmpeg to use: the one bundled with imageio-ffmpeg, else the system's."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception:  # noqa: BLE001 - any failure here means "not bundled"; fall back to PATH
        found = shutil.which("ffmpeg")
        if found is None:
            raise EncodeError("ffmpeg was not found: install imageio-ffmpeg or put ffmpeg on PATH") from None
        return found


@dataclass(frozen=True)
class Profile:
    """The shared encoding profile: size and rate of every take."""

    width: int
    height: int
    fps: int

    def video_args(self, frames: int | None = None) -> list[str]:
        """ffmpeg output arguments that every take shares.

        Keyframes are forced where a dissolve or a fade into a take ends, so the rest of the take
        joins the reel by stream copy from there (tools/edit/transitions.py); given the take's
        length, also where one out of it begins, so its last frames decode without the whole take.
        """
        half, fade = transition_frames(self.fps)
        points = [half, fade] + ([frames - fade, frames - half] if frames else [])
        keys = "+".join(f"eq(n,{n})" for n in sorted({n for n in points if n > 0}))
        return [
            "-c:v", "libx264",
            "-preset", X264_PRESET,
            "-crf", X264_CRF,
            "-pix_fmt", "yuv420p",
            "-profile:v", "high",
            "-r", str(self.fps),
            "-video_track_timescale", str(TIMESCALE),
            "-force_key_frames", f"expr:{keys}",
            "-movflags", "+faststart",
        ]  # fmt: skip


# ffmpeg's reading of RGB as limited-range BT.601 YUV, applied to Pillow's full-range (JPEG) YCbCr: the
# same matrix, so a table per plane maps one onto the other
_LUMA = [round(16 + v * 219 / 255) for v in range(256)]
_CHROMA = [round(128 + (v - 128) * 224 / 255) for v in range(256)]


def yuv420p_planes(picture: Image.Image) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An RGB picture as the planes of yuv420p, the takes' pixel format: Y at full size, U and V at half
    size each way (each the mean of a 2x2 block), limited-range BT.601 as ffmpeg converts RGB input.

    A frame converted once and written many times costs ffmpeg no conversion and the pipe half the bytes."""
    luma, blue, red = picture.convert("YCbCr").split()
    return (
        np.asarray(luma.point(_LUMA)),
        np.asarray(blue.reduce(2).point(_CHROMA)),
        np.asarray(red.reduce(2).point(_CHROMA)),
    )


class FrameEncoder:
    """Context manager that encodes frames into one take: RGB (H x W x 3 uint8 arrays or bytes), or with
    `pix_fmt="yuv420p"` the three planes one after the other (a flat array or bytes, H x W x 3/2).

    The file is written under a temporary name and renamed into place only when ffmpeg finishes
    cleanly, so a killed render never leaves a half-written take behind.
    """

    def __init__(
        self, output: Path, profile: Profile, *, threads: int = 0, frames: int | None = None, pix_fmt: str = "rgb24"
    ) -> None:
        if pix_fmt not in {"rgb24", "yuv420p"}:
            raise ValueError(f"`pix_fmt` must be 'rgb24' or 'yuv420p' but is {pix_fmt!r}")
        self.output = Path(output)
        self.profile = profile
        self.pix_fmt = pix_fmt
        self.expected = frames  # the frames to come, when known (see Profile.video_args)
        self.frames = 0
        self._partial = self.output.with_name(f".{self.output.name}.partial")
        self._threads = threads
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> FrameEncoder:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        p = self.profile
        command = [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", self.pix_fmt, "-s", f"{p.width}x{p.height}", "-r", str(p.fps),
            "-i", "pipe:0",
            *p.video_args(self.expected),
            "-threads", str(self._threads),
            "-f", "mp4", str(self._partial),
        ]  # fmt: skip
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        return self

    def write(self, frame: np.ndarray | bytes) -> None:
        """Append one frame."""
        assert self._proc is not None and self._proc.stdin is not None, "use FrameEncoder as a context manager"
        data = frame if isinstance(frame, bytes | bytearray | memoryview) else np.ascontiguousarray(frame).data
        try:
            self._proc.stdin.write(data)
        except BrokenPipeError:
            raise EncodeError(f"ffmpeg stopped while encoding {self.output.name}: {self._stderr()}") from None
        self.frames += 1

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.close()
        if kind is not None:
            proc.kill()
            proc.wait()
            self._partial.unlink(missing_ok=True)
            return
        code = proc.wait()
        if code != 0:
            self._partial.unlink(missing_ok=True)
            raise EncodeError(f"ffmpeg failed encoding {self.output.name} (exit {code}): {self._stderr()}")
        self._partial.replace(self.output)

    def _stderr(self) -> str:
        assert self._proc is not None and self._proc.stderr is not None
        text = self._proc.stderr.read().decode(errors="replace").strip()
        return text.splitlines()[-1] if text else "no message"


def run_ffmpeg(args: list[str], what: str) -> None:
    """Run ffmpeg with `args`; raise `EncodeError` naming `what` on failure."""
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()
        raise EncodeError(f"ffmpeg failed {what} (exit {done.returncode}): {tail[-1] if tail else 'no message'}")


def video_frames(path: Path) -> int:
    """The frames of a video file's first video stream, counted from its packets without decoding
    them (only the first is decoded, to prove the stream is one a decoder accepts).

    Raises `FileNotFoundError` when there is no file and `EncodeError` saying why when it holds no
    readable video.
    """
    return _video_facts(path)[0]


def video_problem(path: Path, frames: int, fps: int | None = None) -> str | None:
    """Why `path` is not a whole video of exactly `frames` frames (missing, empty, no video stream,
    short, undecodable, or, given `fps`, timed at another rate), or None when it is one."""
    name = Path(path).name
    try:
        found, seconds = _video_facts(path)
    except FileNotFoundError:
        return f"{name} is missing"
    except (EncodeError, OSError) as exc:
        return str(exc)
    if found != frames:
        return f"{name} holds {found} frames, not {frames}"
    if fps and seconds is not None and abs(seconds - frames / fps) > 0.5 / fps:
        return f"{name} lasts {seconds:.2f}s, not {frames / fps:.2f}s at {fps} fps"
    return None


def _video_facts(path: Path) -> tuple[int, float | None]:
    """(frames, seconds) of the first video stream; remembered per file version (inode, size,
    modification time), so a take is read once per process however often the reel is joined."""
    facts = Path(path).stat()
    return _read_video(str(path), facts.st_ino, facts.st_size, facts.st_mtime_ns)


@lru_cache(maxsize=4096)
def _read_video(path: str, inode: int, size: int, mtime_ns: int) -> tuple[int, float | None]:
    import av

    name = Path(path).name
    if size == 0:
        raise EncodeError(f"{name} is empty")
    try:
        with av.open(path) as container:
            if not container.streams.video:
                raise EncodeError(f"{name} has no video stream")
            stream = container.streams.video[0]
            count, decoded = 0, False
            for packet in container.demux(stream):
                if packet.size == 0:  # the demuxer's end-of-stream marker, not a frame
                    continue
                if not decoded:
                    decoded = bool(stream.decode(packet) or stream.decode(None))
                    if not decoded:
                        raise EncodeError(f"the first frame of {name} does not decode")
                count += 1
            seconds = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
    except av.FFmpegError as exc:
        raise EncodeError(f"{name} cannot be read ({exc.strerror or exc})") from None
    if count == 0:
        raise EncodeError(f"{name} holds no frames")
    return count, seconds

"""Transitions that re-encode only the frames they touch.

A dissolve blends the tail of one take into the head of the next; a fade takes a take's head up
from black or its tail down to black. Only those frames are decoded, blended and encoded again
(with the takes' own codec profile, `tools.media.codec`), into short segment files cached under
media/transitions/; the rest of every take joins the reel untouched by stream copy, through the
concat demuxer's `inpoint`/`outpoint`. Every take is encoded with keyframes where transitions
end (`Profile.video_args`), so the copy can start there; a take without one (an older file)
re-encodes up to its next keyframe instead. The reel keeps its exact frame count: a dissolve
centred on a cut spends half its frames on each side and adds none.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from story import Transition
from tools.media.codec import (
    TIMESCALE,
    EncodeError,
    FrameEncoder,
    Profile,
    ffmpeg_exe,
    transition_frames,
    video_problem,
)

TRANSITIONS_DIR = "media/transitions"
_FLAGS = re.compile(r"\bF=0x([0-9a-fA-F]+)")
SEGMENT_VERSION = 2


@dataclass(frozen=True)
class Clip:
    """One file of the reel (a card or a shot's take) and how it joins the clip before it."""

    path: Path
    frames: int
    key: str  # its render key (or card key): names the segments made from it
    enter: Transition = Transition.CUT  # how it joins the clip before it
    fade_out: bool = False  # True when it fades to black at its end


@dataclass(frozen=True)
class Piece:
    """Frames [start, end) of one file, in reel order; `made` pieces are re-encoded segments."""

    path: Path
    start: int
    end: int
    made: bool = False

    @property
    def frames(self) -> int:
        """Frames the piece puts on the reel."""
        return self.end - self.start


@dataclass
class Join:
    """The reel as pieces, and what had to be encoded again to make it."""

    pieces: list[Piece] = field(default_factory=list)
    encoded: list[Path] = field(default_factory=list)  # segments encoded now (not found in the cache)
    encoded_frames: int = 0  # frames encoded now

    @property
    def frames(self) -> int:
        """Frames on the reel."""
        return sum(p.frames for p in self.pieces)


@dataclass(frozen=True)
class _Segment:
    kind: str  # "dissolve", "fade-in" or "fade-out"
    before: int  # index of the clip whose tail it takes (dissolve, fade-out), else -1
    after: int  # index of the clip whose head it takes (dissolve, fade-in), else -1
    tail: int = 0  # frames taken from the end of `before`
    head: int = 0  # frames taken from the start of `after`
    blend: int = 0  # frames of the head that are part of the dissolve (the rest pass through)


def keyframes(path: Path) -> frozenset[int]:
    """Frame numbers of the keyframes of a video file, read without decoding (ffmpeg framecrc)."""
    stat = Path(path).stat()
    return _keyframes(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=512)
def _keyframes(path: str, mtime: int, size: int) -> frozenset[int]:
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", path, "-map", "0:v:0", "-c", "copy",
               "-f", "framecrc", "-"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise EncodeError(f"ffmpeg could not read the frames of {Path(path).name}: {done.stderr.strip()[-200:]}")
    rows = [line for line in done.stdout.splitlines() if line and not line.startswith("#")]
    found = set()
    for number, row in enumerate(rows):
        flags = _FLAGS.search(row)  # framecrc prints flags only when they are not "key" alone
        if flags is None or int(flags.group(1), 16) & 1:
            found.add(number)
    return frozenset(found)


def _segments(clips: Sequence[Clip], fps: int) -> tuple[list[_Segment], list[int], list[int]]:
    """Which frames each transition touches: the segments, and the frames cut from each clip's head and tail."""
    half, fade = transition_frames(fps)
    heads, tails = [0] * len(clips), [0] * len(clips)
    segments: list[_Segment] = []
    for index, clip in enumerate(clips):
        if clip.fade_out:
            tails[index] = min(fade, clip.frames // 2)
    for index, clip in enumerate(clips):
        previous = clips[index - 1] if index else None
        if clip.enter == Transition.DISSOLVE and previous is not None and not previous.fade_out:
            tail, head = min(half, previous.frames // 2), min(half, clip.frames // 2)
            if tail and head:
                tails[index - 1], heads[index] = tail, head
                segments.append(_Segment("dissolve", index - 1, index, tail=tail, head=head, blend=head))
                continue
        if clip.enter in (Transition.FADE_IN, Transition.DISSOLVE):  # a dissolve from nothing fades in
            heads[index] = min(fade, clip.frames // 2)
            if heads[index]:
                segments.append(_Segment("fade-in", -1, index, head=heads[index], blend=heads[index]))
    for index, clip in enumerate(clips):
        if tails[index] and clip.fade_out:
            segments.append(_Segment("fade-out", index, -1, tail=tails[index]))
    return segments, heads, tails


def _on_keyframe(clips: Sequence[Clip], heads: list[int], tails: list[int]) -> list[int]:
    """Heads grown to the next keyframe where a take has none where its copy must start."""
    grown = list(heads)
    for index, clip in enumerate(clips):
        start, end = heads[index], clip.frames - tails[index]
        if start == 0 or start >= end:
            continue
        keys = keyframes(clip.path)
        if start not in keys:
            grown[index] = min([k for k in keys if start < k < end], default=end)
    return grown


def read_frames(path: Path, start: int, count: int, profile: Profile) -> np.ndarray:
    """Frames [start, start + count) of a take as they are stored, exactly those: yuv420p, each frame a flat array
    of its Y, U and V planes. Decoded in-process by PyAV from the keyframe before `start` (no ffmpeg to start)."""
    import av

    size = profile.width * profile.height * 3 // 2
    frames = np.empty((count, size), np.uint8)
    got = 0
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if start > 0:  # the keyframe at or before half a frame early: no rounding can land past `start`
                container.seek(round((start - 0.5) / profile.fps / stream.time_base), stream=stream, backward=True)
            for frame in container.decode(stream):
                if frame.pts is None or round(float(frame.pts * stream.time_base) * profile.fps) < start:
                    continue
                if (frame.width, frame.height) != (profile.width, profile.height):
                    frame = frame.reformat(width=profile.width, height=profile.height)
                frames[got] = frame.to_ndarray(format="yuv420p").reshape(-1)
                got += 1
                if got == count:
                    break
    except (av.FFmpegError, IndexError) as exc:
        raise EncodeError(f"could not read frames {start}-{start + count} of {Path(path).name}: {exc}") from None
    if got != count:
        raise EncodeError(
            f"could not read frames {start}-{start + count} of {Path(path).name}: {got} of {count} frames"
        )
    return frames


def _black(profile: Profile) -> np.ndarray:
    """A black yuv420p frame: Y at 16, U and V at 128 (limited range)."""
    frame = np.full(profile.width * profile.height * 3 // 2, 128, np.uint8)
    frame[: profile.width * profile.height] = 16
    return frame


def _mix(first: np.ndarray, second: np.ndarray, amount: float) -> np.ndarray:
    """`first` blended towards `second` by `amount` (0..1), in integer arithmetic. YUV is RGB under an affine
    map, so a blend of two yuv420p frames is the blend of their RGB pictures, converted."""
    weight = round(amount * 256)
    mixed = first.astype(np.uint16) * (256 - weight) + second.astype(np.uint16) * weight
    return ((mixed + 128) >> 8).astype(np.uint8)


def _render(segment: _Segment, clips: Sequence[Clip], profile: Profile, output: Path) -> int:
    """Decode the touched frames, blend them, and encode the segment (in the takes' yuv420p: nothing converted
    either way); returns its frame count."""
    black = _black(profile)
    with FrameEncoder(output, profile, pix_fmt="yuv420p") as encoder:
        if segment.kind == "dissolve":
            a, b = clips[segment.before], clips[segment.after]
            tail = read_frames(a.path, a.frames - segment.tail, segment.tail, profile)
            head = read_frames(b.path, 0, segment.head, profile)
            window = segment.tail + segment.blend
            for step in range(window):  # A runs on (held on its last frame) while B comes up (held on its first)
                frame_a = tail[min(step, segment.tail - 1)]
                frame_b = head[max(0, step - segment.tail)]
                encoder.write(_mix(frame_a, frame_b, (step + 0.5) / window))
            for frame in head[segment.blend :]:  # a head grown to the next keyframe passes through
                encoder.write(frame)
        elif segment.kind == "fade-in":
            clip = clips[segment.after]
            for step, frame in enumerate(read_frames(clip.path, 0, segment.head, profile)):
                level = step / segment.blend if step < segment.blend else 1.0
                encoder.write(_mix(frame, black, 1.0 - level))
        else:
            clip = clips[segment.before]
            tail = read_frames(clip.path, clip.frames - segment.tail, segment.tail, profile)
            for step, frame in enumerate(tail):
                encoder.write(_mix(frame, black, 1.0 - (segment.tail - 1 - step) / segment.tail))
    return encoder.frames


def _segment_key(segment: _Segment, clips: Sequence[Clip], profile: Profile) -> str:
    payload = {
        "version": SEGMENT_VERSION,
        "segment": [segment.kind, segment.tail, segment.head, segment.blend],
        "before": [clips[segment.before].key, clips[segment.before].frames] if segment.before >= 0 else None,
        "after": [clips[segment.after].key, clips[segment.after].frames] if segment.after >= 0 else None,
        "profile": [profile.width, profile.height, profile.fps],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]


def join_clips(clips: Sequence[Clip], profile: Profile, segments_dir: Path) -> Join:
    """The reel as pieces in order: untouched spans of every take, and a re-encoded segment for
    each transition (made now unless already cached under `segments_dir`)."""
    segments, heads, tails = _segments(clips, profile.fps)
    grown = _on_keyframe(clips, heads, tails)
    segments = [
        _Segment(s.kind, s.before, s.after, tail=s.tail, head=grown[s.after], blend=s.blend)
        if s.after >= 0 and grown[s.after] != s.head
        else s
        for s in segments
    ]
    join = Join()
    made: dict[tuple[str, int], Path] = {}
    missing: list[tuple[_Segment, Path]] = []
    for segment in segments:
        output = segments_dir / f"{segment.kind}-{_segment_key(segment, clips, profile)}.mp4"
        if video_problem(output, segment.tail + segment.head, profile.fps) is not None:  # not made, or damaged
            missing.append((segment, output))
        where = ("after", segment.after) if segment.after >= 0 else ("before", segment.before)
        made[where] = output
    # Segments are independent: two at a time keep both cores busy (one decodes while one encodes).
    with ThreadPoolExecutor(max_workers=max(1, min(2, len(missing))), thread_name_prefix="transition") as pool:
        counts = list(pool.map(lambda job: _render(job[0], clips, profile, job[1]), missing))
    join.encoded_frames = sum(counts)
    join.encoded = [output for _, output in missing]
    for index, clip in enumerate(clips):
        if ("after", index) in made:
            segment = next(s for s in segments if s.after == index)
            join.pieces.append(Piece(made[("after", index)], 0, segment.tail + segment.head, made=True))
        start, end = grown[index], clip.frames - tails[index]
        if start < end:
            join.pieces.append(Piece(clip.path, start, end))
        if ("before", index) in made:
            join.pieces.append(Piece(made[("before", index)], 0, tails[index], made=True))
    return join


def concat_listing(pieces: Sequence[Piece], fps: int) -> str:
    """The concat demuxer's listing for the pieces: whole files, or spans by `inpoint`/`outpoint`."""
    lines = []
    for piece in pieces:
        escaped = str(Path(piece.path).resolve()).replace("'", "'\\''")
        lines.append(f"file '{escaped}'")
        if not piece.made and piece.start:
            lines.append(f"inpoint {piece.start / fps:.6f}")
        if not piece.made:
            lines.append(f"outpoint {(piece.end - 0.5) / fps:.6f}")  # between two frames: no rounding can move it
    return "\n".join(lines) + "\n"


def frame_timestamps(fps: int) -> list[str]:
    """ffmpeg output arguments that restamp the joined video frame by frame (frame n at n / fps).

    The concat demuxer times each span in microseconds, which no frame rate but 25 divides evenly;
    restamping from the frame count keeps the reel's clock exact however many spans it joins.
    """
    step = f"{TIMESCALE}/{fps}"
    restamp = (
        f"setts=ts=trunc(N*{step}+0.5):duration=trunc((N+1)*{step}+0.5)-trunc(N*{step}+0.5):time_base=1/{TIMESCALE}"
    )
    return ["-bsf:v", restamp, "-video_track_timescale", str(TIMESCALE)]

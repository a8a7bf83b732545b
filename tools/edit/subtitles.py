"""Subtitles: the reel's dialogue as SubRip (.srt) beside the reel, timed to where each line is heard.

Written with the `srt` library; a subtitle shows from the moment its line starts to the moment it
ends (held at least `MIN_SECONDS` so short words can be read), never past the next line's start.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import srt

from tools.media.audio import RATE
from tools.media.codec import EncodeError, Profile, ffmpeg_exe
from tools.voice.lines import PlacedLine

SRT_PATH = "cut/storyreel.srt"
MIN_SECONDS = 1.0


def subtitles(lines: Sequence[PlacedLine], reel_samples: int) -> list[srt.Subtitle]:
    """One subtitle per line, in reel order, speaker first."""
    ordered = sorted(lines, key=lambda line: line.start)
    found: list[srt.Subtitle] = []
    for number, line in enumerate(ordered, 1):
        if line.start >= reel_samples:
            continue
        end = max(line.end, line.start + int(MIN_SECONDS * RATE))
        if number < len(ordered):
            end = min(end, max(line.end, ordered[number].start))
        end = min(end, reel_samples)
        found.append(
            srt.Subtitle(
                index=len(found) + 1,
                start=timedelta(seconds=line.start / RATE),
                end=timedelta(seconds=end / RATE),
                content=f"{line.speaker.upper()}: {line.text}",
            )
        )
    return found


def write_srt(lines: Sequence[PlacedLine], reel_samples: int, output: Path) -> Path:
    """Write the subtitles to `output` atomically (an empty file when nobody speaks)."""
    text = srt.compose(subtitles(lines, reel_samples), reindex=False)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".srt-", dir=output.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return output


def burn_subtitles(video: Path, subtitles: Path, output: Path, profile: Profile) -> None:
    """Draw the subtitles onto the pictures (libass, through ffmpeg's `subtitles` filter).

    Unlike the rest of assembly this re-encodes every frame, so it is a choice in the style
    (`Style.burn_subtitles`), for backends whose pictures do not show the dialogue already.
    """
    size = max(12, profile.height // 28)
    style = f"FontName=DejaVu Sans,FontSize={size},Outline=2,Shadow=0,MarginV={max(8, profile.height // 14)}"
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(video.resolve()),
        "-map", "0:v:0", "-map", "0:a?", "-vf", f"subtitles=filename={subtitles.name}:force_style='{style}'",
        *profile.video_args(), "-c:a", "copy", "-f", "mp4", str(output.resolve()),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, cwd=subtitles.parent, check=False)
    if done.returncode != 0:
        output.unlink(missing_ok=True)
        tail = done.stderr.decode(errors="replace").strip().splitlines()
        raise EncodeError(f"ffmpeg failed burning in the subtitles: {tail[-1] if tail else done.returncode}")

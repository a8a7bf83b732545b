"""Subtitles: the reel's dialogue as SubRip (.srt) beside the reel, timed to where each line is heard.

Written with the `srt` library; a subtitle shows from the moment its line starts to the moment it
ends (held at least `MIN_SECONDS` so short words can be read), never past the next line's start.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import srt

from tools.edit.audio import RATE
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

"""Subtitles beside the reel (`cut/storyreel.srt`), timed from the shot list, written with `srt`.

Used when the reel's own assembly has not written them: each shot's lines share its time in
proportion to their length, as the animatic's burned-in captions do, offset by the title card.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import srt

from story import Project

CAPTION_WEIGHT = 12  # characters added to every line's length, so a short line still gets time on screen


def caption_frames(project: Project) -> list[tuple[int, int, str]]:
    """Every dialogue line as (first frame, end frame exclusive, text) in reel frames."""
    names = {c.id: c.name for c in project.characters}
    at = project.style.title_card_frames if project.style.title_card else 0
    made: list[tuple[int, int, str]] = []
    for shot in project.shots:
        weights = [len(line.text) + CAPTION_WEIGHT for line in shot.dialogue]
        total, done = sum(weights), 0
        for weight, line in zip(weights, shot.dialogue, strict=True):
            start = at + round(shot.duration_frames * done / total)
            done += weight
            end = at + round(shot.duration_frames * done / total)
            made.append((start, end, f"{names.get(line.speaker, line.speaker).upper()}: {line.text}"))
        at += shot.duration_frames
    return made


def write_srt(project: Project, output: Path) -> int:
    """Write the subtitles of `project` to `output` (atomically); returns how many there are."""
    fps = project.fps
    subtitles = [
        srt.Subtitle(index, timedelta(seconds=start / fps), timedelta(seconds=end / fps), text)
        for index, (start, end, text) in enumerate(caption_frames(project), 1)
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_text(srt.compose(subtitles), encoding="utf-8")
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return len(subtitles)

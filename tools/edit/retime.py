"""Cut to the music: move every shot boundary to the nearest beat, within bounds the person sees.

The music starts with the reel (under the title card, when there is one). Shot by shot, each
boundary goes to the beat nearest where it was, as long as the shot stays within `reach` of its
length (±25 % by default) and within the model's frame limits; a shot with no beat in reach keeps
its length, and says so. The result is typed edits (`UpdateShot` with `duration_frames`) for
one revision. Pure: no files, no librosa; the beats come from `story.Music.beats`.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from story import Project, ShotChanges, UpdateShot
from story.model import MAX_SHOT_FRAMES, MIN_SHOT_FRAMES

REACH = 0.25


class NoBeats(ValueError):
    """The project has no music, or its beats were never tracked."""


@dataclass(frozen=True)
class ShotRetime:
    """What happened to one shot, in frames."""

    number: int  # its place in the list
    before: int
    after: int
    low: int  # shortest it was allowed to become
    high: int  # longest it was allowed to become
    on_beat: bool
    label: str = ""  # the shot's name as the person sees it ('2A')


@dataclass
class Retime:
    """The edits that cut the reel to the beats, and a line per shot for the person."""

    edits: list[UpdateShot] = field(default_factory=list)
    shots: list[ShotRetime] = field(default_factory=list)
    tempo: float | None = None
    reach: float = REACH

    def report(self, fps: int) -> list[str]:
        """One line per shot: old and new length and the bounds it was kept within."""
        lines = []
        for shot in self.shots:
            bounds = f"kept within {shot.low / fps:.2f}-{shot.high / fps:.2f}s"
            if shot.on_beat:
                what = f"{shot.before / fps:.2f}s -> {shot.after / fps:.2f}s" if shot.after != shot.before else (
                    f"{shot.after / fps:.2f}s, already on the beat")  # fmt: skip
                lines.append(f"shot {shot.label or shot.number}: {what} ({bounds})")
            else:
                lines.append(
                    f"shot {shot.label or shot.number}: stays {shot.before / fps:.2f}s, no beat within {bounds[12:]}"
                )
        return lines


def bounds(frames: int, reach: float = REACH) -> tuple[int, int]:
    """The shortest and longest a shot of `frames` may become: ±reach, within the model's limits."""
    low = max(MIN_SHOT_FRAMES, math.ceil(frames * (1 - reach)))
    high = min(MAX_SHOT_FRAMES, math.floor(frames * (1 + reach)))
    return min(low, frames), max(high, frames)


def retime_to_beats(project: Project, *, reach: float = REACH) -> Retime:
    """Edits that put every shot boundary on the nearest beat in reach; raises `NoBeats` without beats."""
    music = project.music
    if music is None:
        raise NoBeats("there is no music yet: import a file with `storyreel music FOLDER FILE`")
    if not music.beats:
        raise NoBeats(
            "the music's beats were never tracked: install the beats extra (pip install 'storyreel[beats]') "
            "and import the music again"
        )
    fps = project.fps
    beats = sorted({round(t * fps) for t in music.beats})
    start = project.style.title_card_frames if project.style.title_card else 0
    planned_end = start
    result = Retime(tempo=music.tempo, reach=reach)
    for number, shot in enumerate(project.shots, 1):
        planned_end += shot.duration_frames
        low, high = bounds(shot.duration_frames, reach)
        first, last = bisect.bisect_left(beats, start + low), bisect.bisect_right(beats, start + high)
        reachable = beats[first:last]
        if reachable:
            end = min(reachable, key=lambda beat: (abs(beat - planned_end), beat))
            length = end - start
        else:
            length = shot.duration_frames
        result.shots.append(ShotRetime(number, shot.duration_frames, length, low, high, bool(reachable), shot.label))
        if length != shot.duration_frames:
            result.edits.append(UpdateShot(shot_id=shot.id, changes=ShotChanges(duration_frames=length)))
        start += length
    return result

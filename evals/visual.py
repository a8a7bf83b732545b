"""Visual checks of a rendered reel, with no model weights: flicker, cuts, and each character's colour.

- **Temporal flicker**: the mean absolute difference between consecutive frames (0-255, on frames
  scaled to 320 pixels wide), inside shots only; a cut is not flicker.
- **Cuts**: PySceneDetect's AdaptiveDetector (or ContentDetector) on the reel, against the frames
  where the timeline says each shot starts. Precision: detections within +/-1 frame of a hard cut,
  or inside a dissolve or fade; recall: hard cuts (shots that join with a plain cut) found within
  +/-1 frame.
- **Colour consistency**: the animatic draws each character's clothes in the colours of its look
  (tools/render/figures.look_for, the same colours as its reference sheet). In the middle frame of
  every shot a character is drawn in, the pixels in a band around its place in the frame are
  searched for that colour; a shot where the colour is missing, or drifts, is reported. A renderer
  that recolours a character, or swaps one for another, fails here.
"""

from __future__ import annotations

import statistics
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from story import Angle, Project, ProjectFolder, ShotSize, Transition

SMALL_WIDTH = 320
COLOUR_TOLERANCE = 48.0  # RGB distance within which a pixel counts as the expected colour (x264 shifts it)
MIN_COLOUR_SHARE = 0.002  # share of the band's pixels that must carry the colour
BAND = 0.12  # half-width of the band searched around a figure, as a share of the frame width
CUT_TOLERANCE = 1  # frames


class VisualError(RuntimeError):
    """The reel cannot be checked (no reel yet, unreadable video)."""


@dataclass
class Flicker:
    """Frame-to-frame change inside shots (mean absolute difference, 0-255)."""

    mean: float
    p95: float
    worst_shot: int
    worst_shot_mean: float


@dataclass
class Cuts:
    """Cuts found by PySceneDetect against the timeline's shot boundaries."""

    detector: str
    expected_hard: list[int]
    boundaries: list[int]
    found: list[int]
    precision: float
    recall: float
    missed: list[int] = field(default_factory=list)
    spurious: list[int] = field(default_factory=list)


@dataclass
class CharacterColour:
    """One character's colour across the shots it is drawn in."""

    character: str
    expected: tuple[int, int, int]
    shots_checked: int
    shots_found: int
    drift: float
    """Mean RGB distance between the colour seen and the expected one, over the shots where it was found."""
    missing: list[int] = field(default_factory=list)


@dataclass
class VisualReport:
    """Every visual check of one reel."""

    reel: str
    frames: int
    fps: int
    flicker: Flicker
    cuts: Cuts
    colours: list[CharacterColour]

    @property
    def colour_consistency(self) -> float:
        """Share of (character, shot) pairs where the character's colour was found."""
        checked = sum(c.shots_checked for c in self.colours)
        return sum(c.shots_found for c in self.colours) / checked if checked else 1.0

    def problems(self) -> list[str]:
        """Each colour miss and cut miss, one line each."""
        lines = [
            f"shot {n}: {c.character}'s colour {c.expected} not found where they stand"
            for c in self.colours
            for n in c.missing
        ]
        lines += [f"cut at frame {f} not found (±{CUT_TOLERANCE})" for f in self.cuts.missed]
        lines += [f"a cut was detected at frame {f}, where the timeline has none" for f in self.cuts.spurious]
        return lines

    def as_json(self) -> dict[str, Any]:
        """The report as plain data."""
        return {**asdict(self), "colour_consistency": self.colour_consistency, "problems": self.problems()}


def shot_starts(project: Project) -> list[int]:
    """The reel frame where each shot starts (after the title card, when there is one)."""
    start = project.style.title_card_frames if project.style.title_card else 0
    starts = []
    for shot in project.shots:
        starts.append(start)
        start += shot.duration_frames
    return starts


def read_frames(path: Path, width: int = SMALL_WIDTH) -> np.ndarray:
    """Every frame of a video as RGB, scaled to `width` (frames x height x width x 3)."""
    from tools.media.codec import ffmpeg_exe

    probe = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-vf", f"scale={width}:-2:flags=area", "-f", "rawvideo",
         "-pix_fmt", "rgb24", "pipe:1"],
        capture_output=True,
    )  # fmt: skip
    if probe.returncode != 0:
        raise VisualError(f"cannot read {path}: {probe.stderr.decode(errors='replace')[-300:]}")
    height = _height_for(path, width)
    size = width * height * 3
    count = len(probe.stdout) // size
    return np.frombuffer(probe.stdout[: count * size], np.uint8).reshape(count, height, width, 3)


def read_frame(path: Path, index: int, fps: int) -> np.ndarray:
    """One frame at full size, by its index (an accurate seek: decoded from the keyframe before it)."""
    from tools.media.codec import ffmpeg_exe

    at = (index + 0.25) / fps  # a quarter frame in, so rounding never lands on the frame before
    result = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-ss", f"{at:.4f}", "-i", str(path), "-frames:v", "1", "-f", "rawvideo",
         "-pix_fmt", "rgb24", "pipe:1"],
        capture_output=True,
    )  # fmt: skip
    width, height = _size_of(path)
    if result.returncode != 0 or len(result.stdout) < width * height * 3:
        raise VisualError(f"cannot read frame {index} of {path}")
    return np.frombuffer(result.stdout[: width * height * 3], np.uint8).reshape(height, width, 3)


def _size_of(path: Path) -> tuple[int, int]:
    import re

    from tools.media.codec import ffmpeg_exe

    info = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    match = re.search(r"Video:.*?(\d{2,5})x(\d{2,5})", info)
    if not match:
        raise VisualError(f"{path} has no video stream")
    return int(match[1]), int(match[2])


def _height_for(path: Path, width: int) -> int:
    w, h = _size_of(path)
    return int(round(h * width / w / 2) * 2)


def flicker(frames: np.ndarray, starts: list[int]) -> Flicker:
    """Mean absolute frame difference inside shots, and the shot that moves most."""
    if len(frames) < 2:
        return Flicker(0.0, 0.0, 0, 0.0)
    diffs = np.abs(frames[1:].astype(np.int16) - frames[:-1].astype(np.int16)).mean(axis=(1, 2, 3))
    boundaries = set(starts)
    inside = [float(d) for n, d in enumerate(diffs, 1) if n not in boundaries and n >= (starts[0] if starts else 0)]
    per_shot = []
    ends = [*starts[1:], len(frames)]
    for number, (a, b) in enumerate(zip(starts, ends, strict=True), 1):
        values = diffs[a : max(a, b - 1)]
        per_shot.append((float(values.mean()) if len(values) else 0.0, number))
    worst = max(per_shot, default=(0.0, 0))
    ordered = sorted(inside) or [0.0]
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Flicker(statistics.fmean(ordered), p95, worst[1], worst[0])


def detect_cuts(reel: Path, detector: Literal["content", "adaptive"] = "content") -> list[int]:
    """Frames where PySceneDetect finds a new scene starting (the first scene's start left out)."""
    try:
        from scenedetect import AdaptiveDetector, ContentDetector, detect
    except ImportError as exc:
        raise VisualError("cut detection needs PySceneDetect: pip install 'storyreel[bench]'") from exc
    chosen = ContentDetector(min_scene_len=2) if detector == "content" else AdaptiveDetector(min_scene_len=2)
    scenes = detect(str(reel), chosen)
    return [start.frame_num for start, _ in scenes[1:]]


def score_cuts(project: Project, found: list[int], detector: str) -> Cuts:
    """Precision and recall of detected cuts against the timeline, at ±CUT_TOLERANCE frames of a hard cut,
    or anywhere inside a dissolve or fade (which a detector may find at its start, middle or end)."""
    from tools.media.codec import transition_frames

    half, fade = transition_frames(project.fps)
    starts = shot_starts(project)
    windows: list[tuple[int, int]] = []  # (boundary frame, how far a detection may be from it)
    hard = []
    for index, (start, shot) in enumerate(zip(starts, project.shots, strict=True)):
        if start <= 0:
            continue
        faded = index > 0 and project.shots[index - 1].transition == Transition.FADE_OUT
        if shot.transition == Transition.CUT and not faded:
            hard.append(start)
            windows.append((start, CUT_TOLERANCE))
        else:
            windows.append((start, max(half, fade) + CUT_TOLERANCE))
    boundaries = [start for start, _ in windows]
    spurious = [f for f in found if not any(abs(f - start) <= reach for start, reach in windows)]
    missed = [h for h in hard if not any(abs(h - f) <= CUT_TOLERANCE for f in found)]
    precision = (len(found) - len(spurious)) / len(found) if found else 1.0
    recall = (len(hard) - len(missed)) / len(hard) if hard else 1.0
    return Cuts(detector, hard, boundaries, found, precision, recall, missed, spurious)


def colour_of(frame: np.ndarray, centre: float, expected: tuple[int, int, int]) -> tuple[bool, float]:
    """Is the expected colour in the band around `centre` (share of the width), and how far off is it."""
    width = frame.shape[1]
    left, right = max(0, int((centre - BAND) * width)), min(width, int((centre + BAND) * width) + 1)
    band = frame[:, left:right].reshape(-1, 3).astype(np.float32)
    distance = np.sqrt(((band - np.array(expected, np.float32)) ** 2).sum(axis=1))
    near = distance <= COLOUR_TOLERANCE
    if near.mean() < MIN_COLOUR_SHARE:
        return False, float(np.median(distance))
    seen = np.median(band[near], axis=0)
    return True, float(np.sqrt(((seen - np.array(expected, np.float32)) ** 2).sum()))


def character_colours(project: Project, reel: Path, starts: list[int]) -> list[CharacterColour]:
    """Each character's clothing colour in the middle frame of every shot it is drawn standing in."""
    from tools.draw import creatures, icons
    from tools.draw.figures import look_for
    from tools.draw.panel import figure_positions

    results: dict[str, CharacterColour] = {}
    drifts: dict[str, list[float]] = {}
    for number, (shot, start) in enumerate(zip(project.shots, starts, strict=True), 1):
        if shot.size == ShotSize.ECU or shot.angle in (Angle.OVERHEAD, Angle.DUTCH):
            continue  # only a head, seen from above, or turned: the clothes are not where we look
        placed = figure_positions(shot)
        if not placed:
            continue
        frame = read_frame(reel, start + shot.duration_frames // 2, project.fps)
        for character_id, share in placed:
            character = project.character(character_id)
            if icons.enabled(project.style.look) and creatures.species(character) is not None:
                continue  # an animal drawn as its glyph wears no clothes; one glyph a character keeps it the same
            expected = look_for(character).top
            entry = results.setdefault(character_id, CharacterColour(character.name, expected, 0, 0, 0.0))
            found, distance = colour_of(frame, share, expected)
            entry.shots_checked += 1
            if found:
                entry.shots_found += 1
                drifts.setdefault(character_id, []).append(distance)
            else:
                entry.missing.append(number)
    for character_id, entry in results.items():
        entry.drift = statistics.fmean(drifts.get(character_id, [0.0]))
    return list(results.values())


def check_reel(root: Path, detector: Literal["content", "adaptive"] = "adaptive") -> VisualReport:
    """Every visual check of a project folder's current reel."""
    folder = ProjectFolder.open(Path(root))
    project = folder.load()
    reel = folder.root / (project.cut.path if project.cut else "cut/storyreel.mp4")
    if not reel.is_file():
        raise VisualError(f"{folder.root} has no reel yet; run `storyreel render {folder.root}` first")
    starts = shot_starts(project)
    frames = read_frames(reel)
    return VisualReport(
        reel=str(reel),
        frames=len(frames),
        fps=project.fps,
        flicker=flicker(frames, starts),
        cuts=score_cuts(project, detect_cuts(reel, detector), detector),
        colours=character_colours(project, reel, starts),
    )


def table(report: VisualReport) -> str:
    """The visual checks as a Markdown table."""
    cuts, flick = report.cuts, report.flicker
    rows = [
        "| visual check | value | detail |",
        "|---|---:|---|",
        f"| flicker, mean abs frame diff (0-255) | {flick.mean:.2f} | p95 {flick.p95:.2f}; "
        f"most motion in shot {flick.worst_shot} ({flick.worst_shot_mean:.2f}) |",
        f"| cut precision (±{CUT_TOLERANCE} frame) | {cuts.precision:.3f} | {len(cuts.found)} detected by "
        f"{cuts.detector}, {len(cuts.boundaries)} shot boundaries |",
        f"| cut recall (±{CUT_TOLERANCE} frame) | {cuts.recall:.3f} | {len(cuts.expected_hard)} hard cuts |",
        f"| character colour consistency | {report.colour_consistency:.3f} | "
        + "; ".join(f"{c.character} {c.shots_found}/{c.shots_checked} (drift {c.drift:.0f})" for c in report.colours)
        + " |",
    ]
    return "\n".join(rows)

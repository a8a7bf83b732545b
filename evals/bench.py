"""Speed benchmark of the spine: brief -> reel, and a one-shot edit -> updated reel.

Each figure is a ratio to a baseline measured in the same run, because these machines are
shared and noisy:

  (a) brief -> reel wall time, divided by the time the same ffmpeg, with the same settings,
      takes to encode the reel's frames when they are already in memory (the encode ceiling);
      also the reel's length over the wall time (how much faster than real time).
  (b) one-shot edit -> updated reel wall time, divided by the full brief -> reel time.

Run: `python -m evals.bench [--repeat 3] [--brief FILE]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tools.media.codec import FrameEncoder, Profile, ffmpeg_exe

EXAMPLE = Path(__file__).resolve().parent.parent / "agent" / "examples" / "keeper.txt"
TARGET_ENCODE_RATIO = 1.3
TARGET_REALTIME = 5.0
TARGET_EDIT_RATIO = 0.15


@dataclass
class Round:
    """One measured round."""

    full: float
    edit: float
    ceiling: float
    reel_seconds: float
    frames: int
    shots: int


def decode_frames(path: Path, width: int, height: int, pix_fmt: str = "rgb24") -> list[bytes]:
    """Every frame of a take as raw bytes, RGB or yuv420p (the baseline's input, held in memory)."""
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", pix_fmt, "pipe:1"],
        capture_output=True,
        check=True,
    ).stdout
    size = width * height * 3 // (2 if pix_fmt == "yuv420p" else 1)
    return [raw[i : i + size] for i in range(0, len(raw), size)]


def encode_ceiling(paths: list[Path], profile: Profile, scratch: Path) -> float:
    """Seconds for ffmpeg to encode every take's frames, already in memory, in the shared profile."""
    total = 0.0
    for index, path in enumerate(paths):
        frames = decode_frames(path, profile.width, profile.height)
        started = time.perf_counter()
        with FrameEncoder(scratch / f"ceiling-{index}.mp4", profile) as encoder:
            for frame in frames:
                encoder.write(frame)
        total += time.perf_counter() - started
    return total


def one_round(brief: bytes, workdir: Path) -> Round:
    """Plan, render and assemble the brief; edit one shot; measure the encode ceiling."""
    from agent.graph import say
    from agent.production import Production
    from tools.edit.assemble import plan_cut

    started = time.perf_counter()
    production, result = Production.new(workdir / "film", brief)
    full = time.perf_counter() - started

    started = time.perf_counter()
    edited = say(production, "make shot 2 a close-up")  # one turn through the graph, as `storyreel say`
    edit = time.perf_counter() - started
    if edited.rendered != [2]:
        raise SystemExit(f"the edit rendered shots {edited.rendered}, expected [2]: the benchmark is not valid")
    production.undo()

    project = production.project
    plan = plan_cut(production.folder, project)
    profile = Profile(project.style.width, project.style.height, project.style.fps)
    scratch = workdir / "ceiling"
    scratch.mkdir()
    ceiling = encode_ceiling(plan.paths, profile, scratch)
    return Round(full, edit, ceiling, result.frames / project.fps, result.frames, len(project.shots))


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the ratios beside their targets."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="rounds to run; medians are reported")
    parser.add_argument("--brief", type=Path, default=EXAMPLE, help="brief to plan (default: the bundled example)")
    args = parser.parse_args(argv)
    brief = args.brief.read_bytes()
    rounds = []
    for number in range(1, args.repeat + 1):
        with tempfile.TemporaryDirectory(prefix="storyreel-bench-") as scratch:
            measured = one_round(brief, Path(scratch))
        rounds.append(measured)
        print(
            f"round {number}: brief->reel {measured.full:.2f}s, edit->reel {measured.edit:.2f}s, "
            f"encode ceiling {measured.ceiling:.2f}s ({measured.shots} shots, {measured.frames} frames)",
            flush=True,
        )
    full = statistics.median(r.full for r in rounds)
    edit = statistics.median(r.edit for r in rounds)
    ceiling = statistics.median(r.ceiling for r in rounds)
    reel = rounds[0].reel_seconds
    encode_ratio = statistics.median(r.full / r.ceiling for r in rounds)
    edit_ratio = statistics.median(r.edit / r.full for r in rounds)
    realtime = reel / full
    print()
    print(f"{'measure':<44} {'value':>8}  {'target':>8}  ok")
    rows = [
        ("(a) brief->reel / ffmpeg encode ceiling", encode_ratio, TARGET_ENCODE_RATIO, "<="),
        ("(a) times faster than real time", realtime, TARGET_REALTIME, ">="),
        ("(b) one-shot edit->reel / full render", edit_ratio, TARGET_EDIT_RATIO, "<="),
    ]
    for name, value, target, sense in rows:
        ok = value <= target if sense == "<=" else value >= target
        print(f"{name:<44} {value:>8.3f}  {sense + ' ' + str(target):>8}  {'yes' if ok else 'NO'}")
    print(f"\nmedians of {len(rounds)} rounds: brief->reel {full:.2f}s, edit {edit:.2f}s, ceiling {ceiling:.2f}s, "
          f"reel {reel:.1f}s; ffmpeg {ffmpeg_exe()}")  # fmt: skip


if __name__ == "__main__":
    main()

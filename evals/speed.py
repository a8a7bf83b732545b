"""The speed suite: every benchmark of the product in one run and one table (`storyreel bench`).

Each row is a ratio to a baseline measured in the same run, on the same machine, because these
machines are shared and noisy; the target stands beside it. The pieces are the benchmarks of the
other parts (evals/bench.py, bench_memory.py, bench_director.py), gathered:

  brief -> reel      / ffmpeg encoding the same frames already in memory (the encode ceiling)
  brief -> reel      / one ffmpeg encoding the reel's frames from a raw file on disk (the stricter ceiling:
                       no Python pipe; the raw file is written once, only the encode is timed)
  brief -> reel      / the same from a raw yuv420p file: the takes' own pixel format, which the animatic
                       hands ffmpeg, so the encode has no RGB conversion to do (the floor; no target)
  edit -> reel       / the full brief -> reel
  brief -> first picture, -> first playable second  / the full brief -> reel (the reel playing while it renders)
  memory recall p95  / embedding the query plus a bare chromadb query (p50 shown beside)
  director turn      / the same two model requests with the bare openai SDK (overhead in ms)
  storyreel --help   / `python -c pass`
  assembly           / moviepy 2 concatenating the same takes (`pip install 'storyreel[bench]'`)

`--quick` uses a four-sentence brief, 1,000 memories and 10 turns: about a minute.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_RAW_RATIO = 1.5  # brief -> reel against one ffmpeg reading the frames from disk
QUICK_BRIEF = b"""Title: Quick Keeper

At dusk Mara climbs the lighthouse stairs with a lantern.
Tomas waits on the quay in the rain.
"Someone is out there," Mara whispers.
At night Mara lights the great lamp.
"""


@dataclass
class Row:
    """One measured figure beside its baseline and target."""

    measure: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    ratio: float
    target: str
    ok: bool | None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        """The row as plain data."""
        return asdict(self)


Progress = Callable[[str], None]


def _median_time(call: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def reel_rows(work: Path, quick: bool, say: Progress) -> tuple[list[Row], Path]:
    """Brief -> reel against the encode ceiling, and a one-shot edit against the full render."""
    from evals.bench import EXAMPLE, TARGET_EDIT_RATIO, TARGET_ENCODE_RATIO, one_round

    brief = QUICK_BRIEF if quick else EXAMPLE.read_bytes()
    repeat = 1 if quick else 3  # medians of three rounds, as `python -m evals.bench` reports them
    say(f"brief -> reel, a one-shot edit, and the encode ceiling ({repeat} round{'s' if repeat > 1 else ''})")
    rounds = []
    for number in range(repeat):
        place = work if number == repeat - 1 else work / f"round-{number}"  # the last round's film is kept
        place.mkdir(parents=True, exist_ok=True)
        rounds.append(one_round(brief, place))
    measured = rounds[-1]
    encode = statistics.median(r.full / r.ceiling for r in rounds)
    edit = statistics.median(r.edit / r.full for r in rounds)
    measured = replace(
        measured,
        full=statistics.median(r.full for r in rounds),
        edit=statistics.median(r.edit for r in rounds),
        ceiling=statistics.median(r.ceiling for r in rounds),
    )
    raw = raw_file_ceiling(work / "film", work / "raw-ceiling", repeat)
    floor = raw_file_ceiling(work / "film", work / "raw-floor", repeat, pix_fmt="yuv420p")
    rows = [
        Row("brief -> reel", measured.full, "s", "ffmpeg encode ceiling", measured.ceiling, encode,
            f"<= {TARGET_ENCODE_RATIO}", encode <= TARGET_ENCODE_RATIO,
            f"{measured.shots} shots, {measured.frames} frames, "
            f"{measured.reel_seconds / measured.full:.1f}x real time"),
        Row("brief -> reel", measured.full, "s", "ffmpeg from a raw file", raw, measured.full / raw,
            f"<= {TARGET_RAW_RATIO}", measured.full / raw <= TARGET_RAW_RATIO,
            f"the same {measured.frames} frames, one ffmpeg, no pipe"),
        Row("brief -> reel", measured.full, "s", "ffmpeg from a raw yuv420p file", floor, measured.full / floor,
            "", None, "the takes' pixel format, as the animatic pipes it: no RGB conversion"),
        Row("one-shot edit -> reel", measured.edit, "s", "full brief -> reel", measured.full, edit,
            f"<= {TARGET_EDIT_RATIO}", edit <= TARGET_EDIT_RATIO),
    ]  # fmt: skip
    return rows, work / "film"


TARGET_FIRST_PICTURE_S = 0.5  # the first panel's still on disk, after the brief
TARGET_FIRST_PLAYABLE_S = 2.0  # the live playlist holds a second of the reel


def live_rows(work: Path, quick: bool, say: Progress) -> list[Row]:
    """Seconds from a brief to its first panel still and to the first playable second of the live playlist
    (tools/render/live.py), against the whole brief -> reel of the same run. The planner is warmed first, as
    in a running studio: its model loads once per process."""
    import threading

    from agent.brief import read_brief
    from agent.offline import OfflineDirector
    from agent.production import Production
    from evals.bench import EXAMPLE
    from tools.render.live import LIVE_DIR, PLAYLIST, playable_seconds

    brief = QUICK_BRIEF if quick else EXAMPLE.read_bytes()
    say("brief -> first picture and first playable second")
    director = OfflineDirector()
    director.plan(read_brief(brief))  # load the planner's model, untimed
    film = work / "live-film"
    seen: dict[str, float] = {}
    over = threading.Event()

    def watch() -> None:  # what a player polling the folder would see, every 5 ms
        live, playlist = film / LIVE_DIR, film / PLAYLIST
        while not over.is_set() and len(seen) < 2:
            now = time.perf_counter()
            if "picture" not in seen and live.is_dir() and any(p.suffix == ".jpg" for p in live.iterdir()):
                seen["picture"] = now
            if "second" not in seen and playable_seconds(playlist) >= 1.0:
                seen["second"] = now
            over.wait(0.005)

    watcher = threading.Thread(target=watch, name="bench-live", daemon=True)
    started = time.perf_counter()
    watcher.start()
    try:
        production, result = Production.new(film, brief, director=director)
        full = time.perf_counter() - started
        production.close()
    finally:
        over.set()
        watcher.join()
    nan = float("nan")
    picture, second = seen.get("picture", nan) - started, seen.get("second", nan) - started
    shots = f"{len(result.rendered)} shots, the first {production.project.shots[0].duration_frames} frames"
    return [
        Row("brief -> first picture", picture, "s", "full brief -> reel", full, picture / full,
            f"<= {TARGET_FIRST_PICTURE_S} s", picture <= TARGET_FIRST_PICTURE_S, "the first panel's still written"),
        Row("brief -> first playable second", second, "s", "full brief -> reel", full, second / full,
            f"<= {TARGET_FIRST_PLAYABLE_S:.0f} s", second <= TARGET_FIRST_PLAYABLE_S,
            f"cut/live.m3u8 holds >= 1 s; {shots}"),
    ]  # fmt: skip


def raw_file_ceiling(film: Path, scratch: Path, repeat: int, pix_fmt: str = "rgb24") -> float:
    """Seconds for one ffmpeg, with the takes' settings, to encode every frame of the reel's takes from one raw
    file on disk in `pix_fmt` (rgb24 or yuv420p): the median of `repeat` encodes; writing the raw file is not
    timed."""
    from evals.bench import decode_frames
    from story import ProjectFolder
    from tools.edit.assemble import plan_cut
    from tools.media.codec import Profile, ffmpeg_exe

    folder = ProjectFolder.open(film)
    project = folder.load()
    profile = Profile(project.style.width, project.style.height, project.style.fps)
    scratch.mkdir(parents=True, exist_ok=True)
    raw = scratch / f"frames.{pix_fmt}"
    frames = 0
    with raw.open("wb") as sink:
        for path in plan_cut(folder, project).paths:
            for frame in decode_frames(path, profile.width, profile.height, pix_fmt):
                sink.write(frame)
                frames += 1
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", pix_fmt, "-s", f"{profile.width}x{profile.height}", "-r", str(profile.fps),
        "-i", str(raw), *profile.video_args(frames), "-f", "mp4", str(scratch / "encoded.mp4"),
    ]  # fmt: skip
    seconds = _median_time(lambda: subprocess.run(command, check=True), repeat)
    raw.unlink()
    return seconds


def assembly_row(film: Path, say: Progress) -> Row:
    """Our assembly (stream copy) against a plain moviepy 2 concatenation of the same takes."""
    from story import ProjectFolder
    from tools.edit.assemble import assemble_cut, plan_cut

    folder = ProjectFolder.open(film)
    project = folder.load()
    say("assembly against moviepy")
    ours = _median_time(lambda: assemble_cut(folder, project), 3)
    try:
        from moviepy import VideoFileClip, concatenate_videoclips
    except ImportError:
        return Row("assembly (assemble_cut)", ours, "s", "moviepy concatenation", float("nan"), float("nan"),
                   "<= 0.1", None, "moviepy is not installed: pip install 'storyreel[bench]'")  # fmt: skip
    paths = plan_cut(folder, project).paths
    output = film.parent / "moviepy-cut.mp4"

    def concatenate() -> None:
        import warnings

        warnings.filterwarnings("ignore", module="moviepy")  # its reader warns at each take's last frame
        clips = [VideoFileClip(str(p), audio=False) for p in paths]
        try:
            joined = concatenate_videoclips(clips)
            joined.write_videofile(
                str(output), codec="libx264", preset="ultrafast", audio=False, threads=os.cpu_count(), logger=None
            )
        finally:
            for clip in clips:
                clip.close()

    theirs = _median_time(concatenate, 1)
    ratio = ours / theirs
    return Row("assembly (assemble_cut)", ours, "s", "moviepy 2 concatenate, x264 ultrafast", theirs, ratio,
               "<= 0.1", ratio <= 0.1, f"{len(paths)} takes")  # fmt: skip


def memory_rows(quick: bool, say: Progress) -> list[Row]:
    """Recall latency (query embedding included) against embedding plus a bare chromadb query."""
    from evals.bench_memory import TARGET_P95_MS, decision_text, percentiles, query_text, synthetic_project, timed
    from memory import DATA_DIR_ENV, ProjectMemory
    from memory.embedding import embed, load_model

    memories, queries_n = (1_000, 60) if quick else (10_000, 200)
    say(f"memory recall at {memories:,} memories")
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="storyreel-bench-memory-") as scratch:
        root = Path(scratch) / "film"
        root.mkdir()
        previous = os.environ.get(DATA_DIR_ENV)
        os.environ[DATA_DIR_ENV] = str(Path(scratch) / "data")
        try:
            load_model()
            memory = ProjectMemory(root)
            project = synthetic_project(rng, characters=20, places=20, shots=100) if quick else synthetic_project(rng)
            derived = memory.sync(project).embedded
            notes = [decision_text(rng, i) for i in range(max(0, memories - derived))]
            collection = memory.store.collection("decision")
            for at in range(0, len(notes), 500):
                batch = notes[at : at + 500]
                collection.add(
                    ids=[f"decision:bench{at + i}" for i in range(len(batch))],
                    documents=batch,
                    metadatas=[{"kind": "decision"} for _ in batch],
                )
            queries = [query_text(rng) for _ in range(queries_n)]
            for query in queries[:10]:
                memory.recall(query)
            vectors = embed(queries)
            embed_only = timed([lambda q=q: embed([q]) for q in queries])
            bare = timed([lambda v=v: collection.query(query_embeddings=[v], n_results=5) for v in vectors])
            floor = [e + b for e, b in zip(embed_only, bare, strict=True)]
            recall = timed([lambda q=q: memory.recall(q) for q in queries])
            total = memory.count()
            memory.close()
        finally:
            if previous is None:
                os.environ.pop(DATA_DIR_ENV, None)
            else:
                os.environ[DATA_DIR_ENV] = previous
    p50, p95 = percentiles(recall)
    floor_p50, floor_p95 = percentiles(floor)
    return [
        Row(f"memory recall p95 ({total:,} memories)", p95, "ms", "embed + bare chromadb p95", floor_p95,
            p95 / floor_p95, f"<= {TARGET_P95_MS:.0f} ms", p95 <= TARGET_P95_MS, f"p50 {p50:.1f} ms"),
        Row("memory recall p50", p50, "ms", "embed + bare chromadb p50", floor_p50, p50 / floor_p50, "", None),
    ]  # fmt: skip


def director_row(quick: bool, say: Progress) -> Row:
    """One director turn through the graph against the same two requests with the bare SDK."""
    from evals.bench_director import TARGET_MS, measure

    turns = 10 if quick else 30
    say(f"director overhead over {turns} turns")
    previous = os.environ.get("STORYREEL_MEMORY")
    os.environ["STORYREEL_MEMORY"] = "off"  # memory has its own row
    try:
        base, full = measure(turns, QUICK_BRIEF.decode())
    finally:
        if previous is None:
            os.environ.pop("STORYREEL_MEMORY", None)
        else:
            os.environ["STORYREEL_MEMORY"] = previous
    overhead = full - base
    return Row("director turn (graph, checkpoint, tools)", full, "ms", "bare SDK, same 2 requests", base,
               full / base, f"overhead <= {TARGET_MS:.0f} ms", overhead <= TARGET_MS,
               f"overhead {overhead:.1f} ms")  # fmt: skip


def startup_row(quick: bool, say: Progress) -> Row:
    """`storyreel --help` against `python -c pass`, each a fresh process."""
    say("storyreel --help start-up")
    python = sys.executable
    repeat = 3 if quick else 7
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def run(args: list[str]) -> None:
        subprocess.run(args, check=True, capture_output=True, env=env, cwd=ROOT)

    run([python, "-m", "ui.cli", "--help"])  # warm the file cache
    help_s = _median_time(
        lambda: run([python, "-c", "from ui.cli import main; import sys; sys.argv=['storyreel', '--help']; main()"]),
        repeat,
    )  # noqa: E501
    bare = _median_time(lambda: run([python, "-c", "pass"]), repeat)
    ratio = help_s / bare
    return Row("storyreel --help", help_s * 1e3, "ms", "python -c pass", bare * 1e3, ratio, "<= 0.5 s",
               help_s <= 0.5, "heavy imports stay inside the commands")  # fmt: skip


PIECES = ("reel", "live", "assembly", "visual", "memory", "director", "prompt", "startup")


def visual_rows(film: Path, say: Progress) -> list[Row]:
    """The visual checks of the reel just made (evals/visual.py), as rows beside their targets."""
    from evals.visual import check_reel

    say("visual checks of the reel")
    report = check_reel(film)
    cuts = report.cuts
    return [
        Row("cut recall, PySceneDetect (±1 frame)", cuts.recall, "", "timeline hard cuts", len(cuts.expected_hard),
            cuts.recall, ">= 0.9", cuts.recall >= 0.9,
            f"{len(cuts.found)} detected, {len(cuts.boundaries)} boundaries"),
        Row("cut precision (±1 frame)", cuts.precision, "", "detections", len(cuts.found), cuts.precision,
            ">= 0.9", cuts.precision >= 0.9),
        Row("character colour consistency", report.colour_consistency, "", "(character, shot) pairs",
            sum(c.shots_checked for c in report.colours), report.colour_consistency, "== 1.0",
            report.colour_consistency >= 1.0, "; ".join(p for p in report.problems() if p.startswith("shot "))[:160]),
        Row("flicker inside shots (mean abs diff)", report.flicker.mean, "", "p95", report.flicker.p95,
            report.flicker.mean / max(report.flicker.p95, 1e-9), "", None,
            f"most motion: shot {report.flicker.worst_shot}"),
    ]  # fmt: skip


def prompt_rows() -> list[Row]:
    """The director's request sizes in tokens against their targets (evals/prompt_size.py)."""
    from evals.prompt_size import measure

    return [
        Row(f"prompt tokens: {size.request}", size.tokens, "tokens", "target", size.target,
            size.tokens / size.target, f"<= {size.target:,}", size.tokens <= size.target)
        for size in measure()
    ]  # fmt: skip


def run_all(*, quick: bool = False, only: set[str] | None = None, progress: Progress | None = None) -> list[Row]:
    """Every benchmark (or those in `only`, from PIECES), in one run; a piece that fails becomes a row saying why."""
    say = progress or (lambda line: None)
    chosen = set(PIECES) if not only else set(only)
    unknown = chosen - set(PIECES)
    if unknown:
        raise ValueError(f"unknown benchmark {sorted(unknown)[0]!r}; known: {', '.join(PIECES)}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="storyreel-bench-") as scratch:
        work = Path(scratch)
        film: Path | None = None

        def reel() -> list[Row]:
            nonlocal film
            found, film = reel_rows(work, quick, say)
            return found

        def needs_film(piece: Callable[[Path], list[Row]]) -> Callable[[], list[Row]]:
            def run() -> list[Row]:
                if film is None:
                    raise RuntimeError("needs the reel benchmark's film (add 'reel')")
                return piece(film)

            return run

        pieces: dict[str, Callable[[], list[Row]]] = {
            "reel": reel,
            "live": lambda: live_rows(work, quick, say),
            "assembly": needs_film(lambda f: [assembly_row(f, say)]),
            "visual": needs_film(lambda f: visual_rows(f, say)),
            "memory": lambda: memory_rows(quick, say),
            "director": lambda: [director_row(quick, say)],
            "prompt": prompt_rows,
            "startup": lambda: [startup_row(quick, say)],
        }
        for name in PIECES:
            if name not in chosen:
                continue
            try:
                rows += pieces[name]()
            except (Exception, SystemExit) as exc:  # noqa: BLE001 - one broken piece must not hide the others
                nan = float("nan")
                rows.append(Row(name, nan, "", "", nan, nan, "", False, f"failed: {type(exc).__name__}: {exc}"[:200]))
    return rows


def markdown(rows: list[Row]) -> str:
    """The table: value, baseline, ratio, target, whether it is met."""
    lines = [
        "| measure | value | baseline | baseline value | ratio | target | ok | note |",
        "|---|---:|---|---:|---:|---|:-:|---|",
    ]
    for r in rows:
        ok = "–" if r.ok is None else ("yes" if r.ok else "NO")
        lines.append(
            f"| {r.measure} | {_number(r.value)} {r.unit} | {r.baseline} | {_number(r.baseline_value)} {r.unit} | "
            f"{r.ratio:.3f} | {r.target} | {ok} | {r.note} |"
        )
    return "\n".join(lines)


def _number(value: float) -> str:
    """A measured value as people read it: 1,000 and up whole with thousands separators, else 3 figures."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def main() -> None:
    """`python -m evals.speed [--quick]`."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help=f"comma-separated, from: {', '.join(PIECES)}")
    args = parser.parse_args()
    only = {p.strip() for p in args.only.split(",") if p.strip()} or None
    rows = run_all(quick=args.quick, only=only, progress=lambda line: print(f"… {line}", file=sys.stderr, flush=True))
    print(markdown(rows))


if __name__ == "__main__":
    main()

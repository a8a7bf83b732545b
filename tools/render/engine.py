"""Render what changed: find shots whose render key has no take, render them, record the takes.

A take is written under media/shots/<shot id>/<render key>.mp4, atomically, so a killed run
resumes with the shots already done: a file that exists for a key is a finished take, once it is
read back whole (a video stream with every frame, the first decodable). A take that is not (emptied,
cut short, overwritten) is rendered again, and the report says so. A backend that fails on one
shot leaves a marked placeholder for it and the rest go on.

Shots run on an executor (`LocalExecutor`, a thread pool here, by default). Each render has its
own `Stop`: Ctrl-C, a stop asked for by whoever started the render, or an exception in a shot
sets it, and only that render's shots stop.

While a pass renders shots of the reel, `LiveReel` (tools/render/live.py) writes every panel's
still first and grows cut/live.m3u8 as shots finish, so the reel plays before it is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from story import Project, ProjectFolder, RecordTake, Take
from tools.media.codec import EncodeError
from tools.render.base import RenderError, RenderRequest, RenderResult, RenderStopped, Stop
from tools.render.executors import Executor, LocalExecutor
from tools.render.jobs import SHOTS_DIR, ShotJob, reference_sheets, stale_jobs, take_problem
from tools.render.live import LiveReel

Progress = Callable[[str, int, int], None]
"""Called with a label ("shot 3"), the count of frames newly done, and the frames in that shot."""


@dataclass(frozen=True)
class RenderReport:
    """What a render pass did."""

    rendered: list[int]  # shot numbers rendered now
    reused: list[int]  # shot numbers whose take was already on disk
    failed: dict[int, str]  # shot number -> why
    seconds: float
    edits: list[RecordTake]
    damaged: dict[int, str] = field(default_factory=dict)  # shot number -> what was wrong with its take on disk


def render_shots(
    folder: ProjectFolder,
    project: Project,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    stop: Stop | None = None,
) -> RenderReport:
    """Render every stale shot of `project`; return the takes to record and what happened.

    Raises `BudgetExceeded` before the first shot when the render would pass the project's budget,
    and `RenderStopped` when `stop` is set from elsewhere (Ctrl-C raises `KeyboardInterrupt`).
    `workers` sizes the default local executor.
    """
    from tools.render.budget import check_budget, cost_of, record_spend

    started = time.perf_counter()
    jobs = stale_jobs(folder, project)
    check_budget(folder, project, jobs)
    damaged = {
        job.number: why
        for job in jobs
        if not job.variation and (folder.root / job.path).exists() and (why := take_problem(folder, job, project.fps))
    }
    stop = stop if stop is not None else Stop()
    runner = executor if executor is not None else LocalExecutor(workers)
    live = _live_reel(folder, project, jobs)  # stills now, and the reel playing as its shots finish
    rendered: list[int] = []
    reused: list[int] = []
    failed: dict[int, str] = {}

    def run(job: ShotJob) -> RecordTake:
        stop.check()  # a stopped render starts no more shots
        output = folder.root / job.path
        if output.is_file() and take_problem(folder, job, project.fps) is None:  # left by an interrupted run
            reused.append(job.number)
            if progress:
                progress(job.label, job.shot.duration_frames, job.shot.duration_frames)
            return _record(job, job.path, frames=job.shot.duration_frames, cost=cost_of(folder, job.path))
        request = RenderRequest(
            project=project,
            shot=job.shot,
            number=job.number,
            output=output,
            references=reference_sheets(folder, project, job.shot),
            seed=job.shot.seed,
            on_frame=_delta(progress, job.label, job.shot.duration_frames) if progress else None,
            stop=stop,
        )
        began = time.perf_counter()
        try:
            outcome = runner.backend(job.backend).render(request)
        except (RenderError, EncodeError, OSError) as exc:
            if stop.is_set():  # a shot given up because the render stopped did not fail: no placeholder
                raise RenderStopped from exc
            return _placeholder(folder, job, request, str(exc), failed, progress)
        result = outcome if isinstance(outcome, RenderResult) else RenderResult(frames=int(outcome))
        cost = job.backend.estimate_cost(job.shot, project.fps) if result.cost is None else result.cost
        record_spend(folder, shot_id=job.shot.id, path=job.path, backend=job.backend.name, cost=cost)
        if result.frames != job.shot.duration_frames:
            output.unlink(missing_ok=True)
            reason = f"{job.backend.name} wrote {result.frames} frames, expected {job.shot.duration_frames}"
            return _placeholder(folder, job, request, reason, failed, progress)
        if not job.variation:
            rendered.append(job.number)
        return _record(
            job,
            job.path,
            frames=result.frames,
            prompt=result.prompt,
            details=result.details,
            references=[_relative(folder, path) for path in request.references.values()],
            cost=cost,
            seconds=time.perf_counter() - began,
        )

    def run_live(job: ShotJob) -> RecordTake:
        edit = run(job)
        if live is not None and not job.variation:  # the reel plays up to the first shot not done
            live.finished(job.number, edit.take.path, failed=edit.take.failed)
        return edit

    try:
        edits = runner.map(run_live, jobs, stop)  # where shots render: tools/render/executors.py
    finally:
        if live is not None:
            live.close()
    return RenderReport(
        sorted(rendered), sorted(reused), dict(sorted(failed.items())), time.perf_counter() - started, edits, damaged
    )


def _live_reel(folder: ProjectFolder, project: Project, jobs: list[ShotJob]) -> LiveReel | None:
    """The live reel of a pass that renders shots of the reel (tools/render/live.py), started; else None."""
    pending = {job.number for job in jobs if not job.variation}
    if not pending:
        return None
    live = LiveReel(folder, project, pending)
    live.start()
    return live


def _delta(progress: Progress, label: str, total: int) -> Callable[[int], None]:
    """Turn a backend's running frame count into the increments progress bars want."""
    done = 0

    def on_frame(count: int) -> None:
        nonlocal done
        if count > done:
            progress(label, count - done, total)
            done = count

    return on_frame


def _record(
    job: ShotJob,
    path: str,
    *,
    frames: int,
    failed: bool = False,
    error: str = "",
    prompt: str = "",
    references: list[str] | None = None,
    cost: float = 0.0,
    seconds: float = 0.0,
    details: dict[str, Any] | None = None,
) -> RecordTake:
    take = Take(
        render_key=job.key,
        path=path,
        backend=job.backend.name,
        seed=job.shot.seed,
        frames=frames,
        failed=failed,
        error=error[:2000],
        options=job.backend.options.model_dump(mode="json"),
        prompt=prompt[:8000],
        references=references or [],
        cost=round(max(0.0, cost), 6),
        seconds=round(seconds, 3),
        metadata=dict(details or {}),  # what the backend says of the take, e.g. the animatic's draw log
    )
    return RecordTake(shot_id=job.shot.id, take=take)


def _relative(folder: ProjectFolder, path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(folder.root.resolve()))
    except ValueError:
        return str(path)


def _placeholder(
    folder: ProjectFolder,
    job: ShotJob,
    request: RenderRequest,
    reason: str,
    failed: dict[int, str],
    progress: Progress | None,
) -> RecordTake:
    """Draw the animatic panel marked "render failed" so the reel still assembles."""
    from tools.render.animatic import render_placeholder

    path = f"{SHOTS_DIR}/{job.shot.id}/{job.key}.failed.mp4"
    failed[job.number] = reason
    placeholder = RenderRequest(
        project=request.project,
        shot=request.shot,
        number=request.number,
        output=folder.root / path,
        references=request.references,
        seed=request.seed,
        on_frame=None,
    )
    frames = render_placeholder(placeholder, reason)
    if progress:
        progress(job.label, job.shot.duration_frames, job.shot.duration_frames)
    return _record(job, path, frames=frames, failed=True, error=reason)

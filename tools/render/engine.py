"""Render what changed: find shots whose render key has no take, render them, record the takes.

A take is written under media/shots/<shot id>/<render key>.mp4, atomically, so a killed run
resumes with the shots already done: a file that exists for a key is a finished take, once it is
read back whole (a video stream with every frame, the first decodable). A take that is not (emptied,
cut short, overwritten) is rendered again, and the report says so. A backend that fails on one
shot leaves a marked placeholder for it and the rest go on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from story import Project, ProjectFolder, RecordTake, Shot, Take
from tools.edit.encode import EncodeError, video_problem
from tools.render.base import STOP, Renderer, RenderError, RenderRequest, RenderResult, get_renderer
from tools.render.executors import Executor
from tools.render.key import render_key

SHOTS_DIR = "media/shots"
REFS_DIR = "media/refs"

Progress = Callable[[str, int, int], None]
"""Called with a label ("shot 3"), the count of frames newly done, and the frames in that shot."""


@dataclass(frozen=True)
class ShotJob:
    """One shot as the renderer sees it: where it stands and what its take is called."""

    number: int
    shot: Shot
    backend: Renderer
    key: str
    path: str  # the take, relative to the project folder
    variation: bool = False  # an extra take asked for ('three takes of shot 5'), not the one in the reel

    @property
    def label(self) -> str:
        """How progress names this job."""
        return f"shot {self.number} seed {self.shot.seed}" if self.variation else f"shot {self.number}"


@dataclass(frozen=True)
class RenderReport:
    """What a render pass did."""

    rendered: list[int]  # shot numbers rendered now
    reused: list[int]  # shot numbers whose take was already on disk
    failed: dict[int, str]  # shot number -> why
    seconds: float
    edits: list[RecordTake]
    damaged: dict[int, str] = field(default_factory=dict)  # shot number -> what was wrong with its take on disk


def backend_for(project: Project, shot: Shot, cache: dict[str, Renderer]) -> Renderer:
    """The backend a shot renders with: its own choice, else the project's."""
    name = shot.backend or project.backend
    if name not in cache:
        cache[name] = get_renderer(name, project.renderer_options.get(name))
    return cache[name]


def plan_jobs(project: Project, backends: dict[str, Renderer] | None = None) -> list[ShotJob]:
    """Every shot with its backend and render key, in order."""
    cache = backends if backends is not None else {}
    jobs = []
    for number, shot in enumerate(project.shots, 1):
        backend = backend_for(project, shot, cache)
        options = backend.options.model_dump(mode="json")
        key = render_key(project, shot, backend.name, backend.version, options)
        jobs.append(ShotJob(number, shot, backend, key, f"{SHOTS_DIR}/{shot.id}/{key}.mp4"))
    return jobs


def variation_jobs(project: Project, backends: dict[str, Renderer] | None = None) -> list[ShotJob]:
    """A job for every extra take asked for and not rendered yet: the shot under each waiting seed."""
    cache = backends if backends is not None else {}
    jobs = []
    for number, shot in enumerate(project.shots, 1):
        for seed in shot.variations:
            varied = shot.model_copy(update={"seed": seed})
            backend = backend_for(project, varied, cache)
            options = backend.options.model_dump(mode="json")
            key = render_key(project, varied, backend.name, backend.version, options)
            jobs.append(ShotJob(number, varied, backend, key, f"{SHOTS_DIR}/{shot.id}/{key}.mp4", variation=True))
    return jobs


def stale_jobs(folder: ProjectFolder, project: Project) -> list[ShotJob]:
    """Jobs whose shot has no good take for its current key (none, failed, or its file gone or
    damaged), then the variations asked for."""
    stale = []
    cache: dict[str, Renderer] = {}
    for job in plan_jobs(project, cache):
        take = job.shot.take_for(job.key)
        if take is None or take.failed or video_problem(folder.root / take.path, take.frames, project.fps):
            stale.append(job)
    return stale + variation_jobs(project, cache)


def take_problem(folder: ProjectFolder, job: ShotJob, fps: int) -> str | None:
    """What is wrong with the file of a job's take (missing, empty, no video, short, undecodable,
    another rate), or None."""
    return video_problem(folder.root / job.path, job.shot.duration_frames, fps)


def reference_sheets(folder: ProjectFolder, project: Project, shot: Shot) -> dict[str, Path]:
    """Reference sheets of the characters in a shot, and the style's under `STYLE_REFERENCE`; made once each."""
    from tools.consistency import STYLE_REFERENCE, reference_sheet, style_sheet

    refs_dir = folder.root / REFS_DIR
    sheets = {cid: reference_sheet(project.character(cid), project.style, refs_dir) for cid in shot.characters}
    sheets[STYLE_REFERENCE] = style_sheet(project.style, refs_dir)
    return sheets


def render_shots(
    folder: ProjectFolder,
    project: Project,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
) -> RenderReport:
    """Render every stale shot of `project`; return the takes to record and what happened.

    Raises `BudgetExceeded` before the first shot when the render would pass the project's budget.
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
    STOP.clear()
    rendered: list[int] = []
    reused: list[int] = []
    failed: dict[int, str] = {}
    edits: list[RecordTake] = []

    def run(job: ShotJob) -> RecordTake:
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
        )
        began = time.perf_counter()
        try:
            outcome = (executor.backend(job.backend) if executor else job.backend).render(request)
        except (RenderError, EncodeError, OSError) as exc:
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
            references=[_relative(folder, path) for path in request.references.values()],
            cost=cost,
            seconds=time.perf_counter() - began,
        )

    count = workers or _default_workers(jobs)
    if executor is not None:  # where shots render: tools/render/executors.py
        edits = executor.map(run, jobs)
    elif count <= 1 or len(jobs) <= 1:
        edits = [run(job) for job in jobs]
    else:
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="render") as pool:
            try:
                edits = list(pool.map(run, jobs))
            except BaseException:  # Ctrl-C: backends waiting on remote work cancel it instead of waiting on
                STOP.set()
                raise
    return RenderReport(
        sorted(rendered), sorted(reused), dict(sorted(failed.items())), time.perf_counter() - started, edits, damaged
    )


def _delta(progress: Progress, label: str, total: int) -> Callable[[int], None]:
    """Turn a backend's running frame count into the increments progress bars want."""
    done = 0

    def on_frame(count: int) -> None:
        nonlocal done
        if count > done:
            progress(label, count - done, total)
            done = count

    return on_frame


def _default_workers(jobs: list[ShotJob]) -> int:
    # Frame drawing and the encoder overlap best with two shots in flight on a small machine.
    return max(1, min(2, os.cpu_count() or 1, len(jobs)))


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

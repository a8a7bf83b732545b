"""Job planning: every shot with its backend, render key and take path, and which are stale.

Assembly and export plan from the same jobs as the render engine, without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from story import Project, ProjectFolder, Shot
from tools.media.codec import video_problem
from tools.render.base import Renderer, get_renderer
from tools.render.key import render_key

SHOTS_DIR = "media/shots"
REFS_DIR = "media/refs"


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
        """How progress names this job: by the shot's label, the name the person sees."""
        name = f"shot {self.shot.label or self.number}"
        return f"{name} seed {self.shot.seed}" if self.variation else name


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
    return jobs + offered_jobs(project, cache)


def offered_jobs(project: Project, backends: dict[str, Renderer] | None = None) -> list[ShotJob]:
    """A job for every variation offered side by side ('three versions of shot 4') that has no take yet,
    while its shot is still the one it was offered for (story/variations.py)."""
    from story.variations import standing, varied

    cache = backends if backends is not None else {}
    jobs = []
    for number, shot in enumerate(project.shots, 1):
        offer = standing(shot)
        for variant in offer.variants if offer else []:
            other = varied(project, shot.id, variant)
            job = plan_one(other, number, cache)
            if shot.take_for(job.key) is None:  # a failed take is kept too: a variation is tried once
                jobs.append(ShotJob(number, job.shot, job.backend, job.key, job.path, variation=True))
    return jobs


def plan_one(project: Project, number: int, backends: dict[str, Renderer] | None = None) -> ShotJob:
    """The job of shot `number` (1-based) alone."""
    shot = project.shots[number - 1]
    backend = backend_for(project, shot, backends if backends is not None else {})
    key = render_key(project, shot, backend.name, backend.version, backend.options.model_dump(mode="json"))
    return ShotJob(number, shot, backend, key, f"{SHOTS_DIR}/{shot.id}/{key}.mp4")


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

"""What renders cost: estimates before, a ledger after, and the project's cap between them.

Every backend estimates a take's cost before anything is spent (`Renderer.estimate_cost`). What
was actually spent goes into an append-only ledger, `spending.jsonl`, the moment a paid take
lands, before the take is recorded in story.json: undo steps back through revisions, but money
spent stays spent, and a killed render still counts what it paid for. A render that would take
the project past its budget stops before its first shot, with the figures.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.render.base import RenderError

if TYPE_CHECKING:
    from story import AnyEdit, Project, ProjectFolder
    from tools.render.jobs import ShotJob

LEDGER_FILE = "spending.jsonl"
_lock = threading.Lock()


class BudgetExceeded(RenderError):
    """A render would spend past the project's budget; nothing was rendered."""


@dataclass(frozen=True)
class Spend:
    """One paid take in the ledger."""

    shot_id: str
    path: str
    backend: str
    cost: float


def job_cost(job: ShotJob, fps: int) -> float:
    """The estimate for one job (its backend's, for that shot's length)."""
    return max(0.0, float(job.backend.estimate_cost(job.shot, fps)))


def estimate(folder: ProjectFolder, project: Project, jobs: Iterable[ShotJob]) -> float:
    """US dollars the jobs are expected to cost; a take already on disk (a resumed run) costs nothing."""
    return sum(job_cost(job, project.fps) for job in jobs if not (folder.root / job.path).is_file())


def ledger(folder: ProjectFolder) -> list[Spend]:
    """Every paid take, oldest first; an unreadable line (a torn write) is skipped."""
    path = folder.root / LEDGER_FILE
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            row = json.loads(line)
            entries.append(Spend(str(row["shot"]), str(row["path"]), str(row["backend"]), float(row["cost"])))
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def spent(folder: ProjectFolder) -> float:
    """US dollars spent on this project's renders so far."""
    return sum(entry.cost for entry in ledger(folder))


def cost_of(folder: ProjectFolder, path: str) -> float:
    """What the take at `path` cost, from the ledger (0 when it was free or is not there)."""
    return sum(entry.cost for entry in ledger(folder) if entry.path == path)


def record_spend(folder: ProjectFolder, *, shot_id: str, path: str, backend: str, cost: float) -> None:
    """Append a paid take to the ledger and flush it to disk (free takes are not written)."""
    if cost <= 0:
        return
    row = {"time": round(time.time(), 3), "shot": shot_id, "path": path, "backend": backend, "cost": round(cost, 6)}
    line = json.dumps(row, separators=(",", ":")) + "\n"
    with _lock, open(folder.root / LEDGER_FILE, "a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def check_budget(folder: ProjectFolder, project: Project, jobs: list[ShotJob]) -> float:
    """The estimate for `jobs`; raises `BudgetExceeded` when it would take the project past its budget."""
    cost = estimate(folder, project, jobs)
    if project.budget is None or cost <= 0:
        return cost
    paid = spent(folder)
    if paid + cost > project.budget + 1e-9:
        left = max(0.0, project.budget - paid)
        shots = sorted({job.number for job in jobs})
        names = ", ".join(sorted({job.backend.name for job in jobs if job_cost(job, project.fps) > 0}))
        raise BudgetExceeded(
            f"rendering {len(jobs)} take{'s' if len(jobs) != 1 else ''} (shot{'s' if len(shots) != 1 else ''} "
            f"{', '.join(map(str, shots))}) with {names} would cost about ${cost:,.2f}, but the budget is "
            f"${project.budget:,.2f} with ${paid:,.2f} spent (${left:,.2f} left); nothing was rendered. "
            "Raise it with `storyreel budget DIR AMOUNT`, or choose a cheaper backend."
        )
    return cost


def refusal(folder: ProjectFolder, project: Project, edits: list[AnyEdit]) -> str | None:
    """Why these edits may not be made (their render would pass the budget), or None when they may."""
    from story import EditError, apply
    from tools.render.jobs import stale_jobs

    try:
        after = apply(project, edits)
        check_budget(folder, after, stale_jobs(folder, after))
    except BudgetExceeded as exc:
        return str(exc)
    except (EditError, RenderError):
        return None  # not this check's business: the commit reports a bad edit, the render a bad backend
    return None

"""The executor door: where shot renders run.

`LocalExecutor` (the default) renders shots on a thread pool in this process. `RayExecutor`
(in `tools.render.ray_executor`, imported only when asked for) sends each shot to a Ray
cluster as a task and lands the take it returns in the project folder. The engine hands an
executor its shot jobs, its `run(job)` function and the render's `Stop`; an executor may also
swap a job's backend for a stand-in whose `render` happens elsewhere (`backend`). The engine has
no pool of its own: a local render runs on `LocalExecutor`'s.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol, TypeVar

from tools.render.base import ExecutorError

if TYPE_CHECKING:
    from tools.render.base import Renderer, Stop

EXECUTORS = ("local", "ray")
RAY_ADDRESS_ENV = "STORYREEL_RAY_ADDRESS"

J = TypeVar("J")
R = TypeVar("R")


class Executor(Protocol):
    """Runs shot jobs; `map` returns results in job order."""

    name: str

    def backend(self, backend: Renderer) -> Renderer:
        """The renderer that actually renders a job for `backend` under this executor."""
        ...

    def map(self, run: Callable[[J], R], jobs: Sequence[J], stop: Stop) -> list[R]:
        """Run `run` on every job; Ctrl-C or a job's exception sets `stop`: what runs stops, the rest never starts."""
        ...


class LocalExecutor:
    """Shots render in this process, `workers` at a time (two on a small machine)."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers

    def backend(self, backend: Renderer) -> Renderer:
        return backend

    def map(self, run: Callable[[J], R], jobs: Sequence[J], stop: Stop) -> list[R]:
        # Frame drawing and the encoder overlap best with two shots in flight on a small machine.
        count = self.workers or max(1, min(2, os.cpu_count() or 1, len(jobs)))
        if count <= 1 or len(jobs) <= 1:
            with stop.on_failure():
                return [run(job) for job in jobs]
        # The stop is set before the pool waits on the shots in flight, so they stop instead of finishing.
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="render") as pool, stop.on_failure():
            return list(pool.map(run, jobs))


def get_executor(name: str | None = None, *, address: str | None = None, workers: int | None = None) -> Executor:
    """An executor by name; with no name, Ray when `STORYREEL_RAY_ADDRESS` (or `address`) is set, else local."""
    address = address or os.environ.get(RAY_ADDRESS_ENV) or None
    chosen = name or ("ray" if address else "local")
    if chosen == "local":
        return LocalExecutor(workers)
    if chosen == "ray":
        from tools.render.ray_executor import RayExecutor

        return RayExecutor(address=address)
    raise ExecutorError(f"unknown executor {chosen!r}; known: {', '.join(EXECUTORS)}")

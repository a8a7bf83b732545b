"""Shot renders as Ray tasks: one task per shot, with the backend's resource needs.

What crosses the network per shot: the project as story.json bytes, the shot id, the backend's
name and options, and the reference sheets' bytes; back comes the take's bytes and its frame
count. The driver (this process) writes the take into the project folder atomically, so a
worker never needs the project folder. A task whose worker or node dies is retried by Ray
(`max_retries`); a shot that still fails comes back to the engine as a `RenderError` and
becomes the marked placeholder, exactly as locally. A stopped render (its `Stop` set by Ctrl-C
or a failure) cancels its own tasks on the cluster, and no other render's.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from story.files import write_atomic
from tools.render.base import ExecutorError, Renderer, RenderError, RenderRequest, RenderStopped, Stop

J = TypeVar("J")
R = TypeVar("R")

MAX_IN_FLIGHT = 64  # shots submitted at once; the rest wait on the driver, not in Ray's queue


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _ray(address: str | None) -> Any:  # noqa: ANN401 - the ray module
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if address is None or address.rpartition(":")[0].strip("[]") in LOOPBACK:
        # A cluster on this host stays on the loopback: Ray would otherwise swap 127.0.0.1 for the
        # machine's network address, on which nothing listens when the cluster was started on 127.0.0.1.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        import ray
    except ImportError:
        raise ExecutorError("the Ray executor needs Ray: pip install 'storyreel[ray]'") from None
    return ray


def render_on_worker(
    story: bytes,
    shot_id: str,
    number: int,
    backend: str,
    options: dict[str, object],
    seed: int,
    references: dict[str, tuple[str, bytes]],
) -> dict[str, object]:
    """The body of one Ray task: render a shot in a scratch folder and return the take's bytes."""
    from story import parse_project
    from tools.media.codec import EncodeError
    from tools.render.base import get_renderer

    project = parse_project(story)
    shot = next(s for s in project.shots if s.id == shot_id)
    with tempfile.TemporaryDirectory(prefix="storyreel-shot-") as scratch:
        root = Path(scratch)
        refs: dict[str, Path] = {}
        for key, (name, data) in references.items():
            path = root / "refs" / key / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            refs[key] = path
        output = root / "take.mp4"
        request = RenderRequest(project=project, shot=shot, number=number, output=output, references=refs, seed=seed)
        try:
            outcome = get_renderer(backend, options).render(request)
        except (RenderError, EncodeError, OSError) as exc:
            return {"error": str(exc) or type(exc).__name__}
        frames = getattr(outcome, "frames", outcome)  # a RenderResult or a bare frame count
        return {"frames": frames, "data": output.read_bytes(), "node": _node_id()}


def _node_id() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()


class RemoteRenderer:
    """Stands in for a backend: `render` runs the backend on the cluster and lands the take here."""

    def __init__(self, executor: RayExecutor, backend: Renderer) -> None:
        self.executor = executor
        self.inner = backend
        self.name = backend.name

    def render(self, request: RenderRequest) -> int:
        result = self.executor.submit(self.inner, request)
        if "error" in result:
            raise RenderError(str(result["error"]))
        write_atomic(request.output, result["data"])  # type: ignore[arg-type]
        frames = int(result["frames"])  # type: ignore[call-overload]
        if request.on_frame:
            request.on_frame(frames)
        return frames


class RayExecutor:
    """Each shot is a Ray task (`num_gpus` from the backend's `gpus`); results come home to the driver."""

    name = "ray"

    def __init__(self, address: str | None = None, *, max_retries: int = 3) -> None:
        ray = _ray(address)
        self.ray = ray
        self.max_retries = max_retries
        self.nodes: dict[int, str] = {}  # shot number -> the node that rendered it
        if not ray.is_initialized():
            try:
                if address:
                    ray.init(address=address, log_to_driver=False)
                else:  # a private single-machine cluster, reachable only from this host
                    ray.init(_node_ip_address="127.0.0.1", include_dashboard=False, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ExecutorError(
                    f"cannot reach the Ray cluster at {address or 'a new local instance'}: {exc}"
                ) from exc
        self._task = ray.remote(render_on_worker)

    def backend(self, backend: Renderer) -> Renderer:
        return RemoteRenderer(self, backend)  # type: ignore[return-value]

    def submit(self, backend: Renderer, request: RenderRequest) -> dict[str, object]:
        """Send one shot to the cluster and wait for its result; a stopped render cancels the task."""
        from story import dump_project

        request.stop.check()
        references = {key: (path.name, path.read_bytes()) for key, path in request.references.items()}
        options = backend.options.model_dump(mode="json")
        task = self._task.options(
            num_cpus=backend.cpus, num_gpus=backend.gpus, max_retries=self.max_retries, retry_exceptions=False
        )
        ref = task.remote(
            dump_project(request.project),
            request.shot.id,
            request.number,
            backend.name,
            options,
            request.seed,
            references,
        )
        forget = request.stop.on_set(lambda: self.ray.cancel(ref, force=True))
        try:
            result = self.ray.get(ref)
        except self.ray.exceptions.TaskCancelledError:
            raise RenderStopped from None
        except self.ray.exceptions.RayError as exc:
            if request.stop.is_set():
                raise RenderStopped from None
            raise RenderError(f"lost on the cluster after {self.max_retries + 1} tries: {type(exc).__name__}") from None
        finally:
            forget()
        if "node" in result:
            self.nodes[request.number] = str(result["node"])
        return result

    def map(self, run: Callable[[J], R], jobs: Sequence[J], stop: Stop) -> list[R]:
        if not jobs:
            return []
        # Threads here only wait on the cluster, one per shot in flight; the rendering happens on the workers.
        pool = ThreadPoolExecutor(max_workers=min(len(jobs), MAX_IN_FLIGHT), thread_name_prefix="ray-render")
        futures = [pool.submit(run, job) for job in jobs]
        try:
            return [future.result() for future in futures]
        except BaseException:
            stop.set()  # shots not yet sent stay unsent; this render's shots on the cluster are cancelled
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            pool.shutdown(wait=True)

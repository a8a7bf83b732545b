"""The renderer door: render one shot, with its references, into one take.

A backend is a `Renderer` subclass with one abstract method. Capabilities are class attributes;
options are a nested pydantic model. Backends register through `register_renderers(register)`
functions found in the `storyreel.renderers` entry-point group; ours use the same door.
"""

from __future__ import annotations

import contextlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from story import Project, Shot


class RenderError(Exception):
    """A backend could not render a shot; the message is shown to the person as it is."""


class ExecutorError(RenderError):
    """An executor could not be set up (unknown name, Ray missing, cluster unreachable)."""


class RenderStopped(BaseException):  # noqa: N818 - like KeyboardInterrupt: no `except Exception` may absorb it
    """The render was stopped (Ctrl-C, a stop asked for, another shot's failure) before this shot finished."""


class Stop:
    """One render's stop signal, shared by its shots and by nothing else: two renders at once stop apart.

    The engine makes one per render (or is handed one, e.g. by a studio session's stop button) and
    the executor sets it on Ctrl-C or a failure. Backends read it from their request: waits on
    remote work use `wait`, loops over frames call `check`, and work that is cancelled elsewhere
    (a task on a cluster) registers `on_set`.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    def set(self) -> None:
        """Stop the render: its waits return, its loops raise `RenderStopped`, its callbacks run once."""
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            with contextlib.suppress(Exception):  # remote work may be gone already; stopping must not fail louder
                callback()

    def is_set(self) -> bool:
        """Whether the render was stopped."""
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True (at once) when the render is stopped meanwhile."""
        return self._event.wait(seconds)

    def check(self) -> None:
        """Raise `RenderStopped` when the render was stopped (called between frames)."""
        if self._event.is_set():
            raise RenderStopped

    def on_set(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run `callback` once when the render stops (now, if it has); returns a function that forgets it."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)

                def forget() -> None:
                    with self._lock:
                        if callback in self._callbacks:
                            self._callbacks.remove(callback)

                return forget
        with contextlib.suppress(Exception):
            callback()
        return lambda: None

    @contextlib.contextmanager
    def on_failure(self) -> Iterator[None]:
        """Set the stop when the block raises (Ctrl-C, a shot's exception), then let it through."""
        try:
            yield
        except BaseException:
            self.set()
            raise


@dataclass(frozen=True, kw_only=True)
class RenderRequest:
    """Everything a backend needs to render one shot."""

    project: Project
    shot: Shot
    number: int  # 1-based position in the shot list, shown in the caption
    output: Path  # where the take goes (.mp4); write it atomically
    references: dict[str, Path] = field(default_factory=dict)  # character id -> reference sheet
    seed: int = 0
    on_frame: Callable[[int], None] | None = None  # called with the count of frames done
    stop: Stop = field(default_factory=Stop)  # this render's stop signal; a fresh one is never set


@dataclass(frozen=True, kw_only=True)
class RenderResult:
    """What a backend tells about a take beyond its frame count (`render` may return just the count)."""

    frames: int
    cost: float | None = None  # US dollars actually charged; None leaves the estimate standing
    prompt: str = ""  # the words the backend was given
    details: dict[str, Any] = field(default_factory=dict)  # e.g. the hosted task ids


class Renderer(ABC):
    """A rendering backend. Subclasses set `name`, `version` and capabilities, and implement `render`."""

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    supports_references: ClassVar[bool] = False
    image_to_video: ClassVar[bool] = False
    max_seconds: ClassVar[float | None] = None
    cost_per_second: ClassVar[float] = 0.0
    gpus: ClassVar[float] = 0  # GPUs one shot needs on a cluster (Ray `num_gpus`)
    cpus: ClassVar[float] = 1  # CPUs one shot needs on a cluster (Ray `num_cpus`)

    class Options(BaseModel):
        """Backend options; subclasses extend this."""

        model_config = ConfigDict(extra="forbid")

    def __init__(self, options: BaseModel | None = None) -> None:
        self.options = options if options is not None else self.Options()

    @abstractmethod
    def render(self, request: RenderRequest) -> int | RenderResult:
        """Render the shot into `request.output`; return the number of frames written (or a `RenderResult`)."""

    def estimate_cost(self, shot: Shot, fps: int) -> float:
        """US dollars one take of `shot` is expected to cost, before anything is spent."""
        return self.cost_per_second * shot.duration_frames / fps


RendererFactory = type[Renderer]
BUILT_IN = {
    "animatic": "tools.render.animatic",
    "diffusers": "tools.render.diffusers_backend",
    "runway": "tools.render.hosted.runway",
    "openai": "tools.render.hosted.openai_images",
}
_registry: dict[str, RendererFactory] = {}
_loaded = False


def register(renderer: RendererFactory) -> None:
    """Register a backend under its `name` (the hook passed to `register_renderers`)."""
    _registry[renderer.name] = renderer


def _load_entry_points() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from importlib.metadata import entry_points

    for point in entry_points(group="storyreel.renderers"):
        hook = point.load()
        hook(register)
    import importlib

    for name, module in BUILT_IN.items():  # a source tree never installed, or installed before this backend
        if name not in _registry:
            importlib.import_module(module).register_renderers(register)


def known_renderers() -> list[str]:
    """Names of every registered backend."""
    _load_entry_points()
    return sorted(_registry)


def get_renderer(name: str, options: dict[str, object] | None = None) -> Renderer:
    """A backend by name; an unknown name raises `RenderError` listing the known ones."""
    _load_entry_points()
    try:
        factory = _registry[name]
    except KeyError:
        raise RenderError(f"unknown renderer {name!r}; known: {', '.join(known_renderers())}") from None
    try:
        chosen = factory.Options.model_validate(options or {})
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem.get("loc", ())) or "options"
        raise RenderError(f"{name} option `{where}`: {problem.get('msg')} (given {problem.get('input')!r})") from None
    return factory(chosen)

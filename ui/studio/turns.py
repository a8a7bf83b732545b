"""A turn as a stream of events, so the chat shows the director's steps and the render as they happen.

The work runs on a thread against `agent.production.Production` (the service the CLI uses);
its `announce` and `progress` callbacks feed a queue that the studio's generator handlers read.
One turn at a time per project folder: a second person on the same folder waits for the first.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from agent.production import Production, TurnResult

log = logging.getLogger(__name__)

EventKind = Literal["text", "tool", "announce", "progress", "question", "done", "error"]
PROGRESS_EVERY = 0.25  # seconds between progress lines: enough to watch, not a flood of updates


@dataclass
class StudioEvent:
    """One thing that happened during a turn, for the chat."""

    kind: EventKind
    text: str = ""
    result: TurnResult | None = None


@dataclass
class FrameCount:
    """Frames done and due across the shots rendering in this turn."""

    shots: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, label: str, frames: int, total: int) -> None:
        """Count `frames` more done for `label`."""
        done, _ = self.shots.get(label, (0, total))
        self.shots[label] = (min(done + frames, total), total)

    def line(self) -> str:
        """E.g. '2 of 3 shots done · 180/288 frames'."""
        done = sum(d for d, _ in self.shots.values())
        total = sum(t for _, t in self.shots.values())
        finished = sum(1 for d, t in self.shots.values() if d >= t)
        return f"{finished} of {len(self.shots)} shots done · {done}/{total} frames"


_locks_guard = threading.Lock()
_project_locks: dict[Path, threading.Lock] = {}


def project_lock(root: Path) -> threading.Lock:
    """The lock that lets one turn at a time change a project folder (shared by every session)."""
    key = Path(root).resolve()
    with _locks_guard:
        return _project_locks.setdefault(key, threading.Lock())


Emit = Callable[[StudioEvent], None]


@dataclass(frozen=True)
class Hooks:
    """What a piece of work reports through: render progress, step announcements, other events."""

    progress: Callable[[str, int, int], None]
    announce: Callable[[str], None]
    emit: Emit


@contextmanager
def opened(root: Path, hooks: Hooks) -> Iterator[Production]:
    """The project folder opened as a Production that reports through `hooks`, closed afterwards."""
    from agent.production import Production

    production = Production.open(root, progress=hooks.progress, announce=hooks.announce, memory_follows=True)
    try:
        yield production
    finally:
        production.close()


def person_mistakes() -> tuple[type[BaseException], ...]:
    """Errors that are the person's to fix: shown as they are, with no traceback."""
    from ui.door import mistakes
    from ui.studio.safety import StudioError

    return (*mistakes(), StudioError)


def stream_work(root: Path, work: Callable[[Hooks], TurnResult]) -> Iterator[StudioEvent]:
    """Run `work(hooks)` on a thread, holding the project's lock, and yield what it reports as it comes.

    The last event is "done" (with the result) or "error" (with one line for the person).
    """
    events: queue.Queue[StudioEvent] = queue.Queue()
    frames = FrameCount()
    last = [0.0]

    def progress(label: str, done: int, total: int) -> None:
        frames.add(label, done, total)
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or frames.shots[label][0] >= total:
            last[0] = now
            events.put(StudioEvent("progress", frames.line()))

    hooks = Hooks(progress=progress, announce=lambda line: events.put(StudioEvent("announce", line)), emit=events.put)

    def run() -> None:
        try:
            with project_lock(root):
                result = work(hooks)
            events.put(StudioEvent("done", result.reply, result))
        except person_mistakes() as exc:
            events.put(StudioEvent("error", str(exc)))
        except Exception as exc:  # noqa: BLE001 - the person gets one line; the log gets the traceback
            log.exception("studio turn failed")
            events.put(StudioEvent("error", f"failed: {exc}"))

    worker = threading.Thread(target=run, name="studio-turn", daemon=True)
    worker.start()
    while True:
        event = events.get()
        yield event
        if event.kind in ("done", "error"):
            break
    worker.join()


def say_work(root: Path, message: str, *, resume: str | None = None) -> Callable[[Hooks], TurnResult]:
    """One chat turn through the director graph (`agent.graph.stream_turn`): the model's words,
    tool calls and questions become studio events; render progress comes from the Production's
    callbacks."""

    def work(hooks: Hooks) -> TurnResult:
        from agent.graph import stream_turn
        from agent.production import TurnResult

        with opened(root, hooks) as production:
            for item in stream_turn(production, message, resume=resume):
                if item.kind == "done" and item.result is not None:
                    return item.result
                if item.kind in ("progress", "announce"):  # the Production's hooks report these already
                    continue
                hooks.emit(StudioEvent(item.kind, item.text))
                if item.kind == "question":  # the turn waits for a yes or no, which the next message gives
                    return TurnResult(reply="")
        raise RuntimeError("the director stopped without an answer")

    return work

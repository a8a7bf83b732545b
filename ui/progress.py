"""Progress on the terminal: one bar for the whole render and one for each shot in flight."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


@dataclass
class RenderBars:
    """Callbacks for `Production`: `announce(line)` and `progress(label, frames, total)`."""

    bars: Progress

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._shots: dict[str, TaskID] = {}
        self._left: dict[str, int] = {}
        self._overall = self.bars.add_task("starting", total=None)

    def announce(self, line: str) -> None:
        """Show the step that is starting."""
        self.bars.update(self._overall, description=line)

    def progress(self, label: str, frames: int, total: int) -> None:
        """Count frames done for a shot; its bar goes away when it is finished."""
        with self._lock:
            if label not in self._shots:
                self._shots[label] = self.bars.add_task(f"  {label}", total=total)
                self._left[label] = total
                overall = self.bars.tasks[self._overall].total or 0
                self.bars.update(self._overall, total=overall + total)
            self.bars.advance(self._shots[label], frames)
            self.bars.advance(self._overall, frames)
            self._left[label] -= frames
            if self._left[label] <= 0:
                self.bars.remove_task(self._shots.pop(label))


@contextmanager
def render_bars(console: Console) -> Iterator[RenderBars]:
    """Live progress bars on `console` for the length of the block (silent when not a terminal)."""
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("frames"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with bars:
        yield RenderBars(bars)

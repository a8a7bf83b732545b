"""One writer at a time per project folder, across processes.

A change (read the project, direct, save a revision, render, assemble) holds the project's lock
from its start to its end. The lock is an OS file lock (the `filelock` library) on
`.storyreel.lock` in the project folder; beside it, `.storyreel.lock.owner` names the holder (pid
and command line) while it holds it, so a second writer can say whom it waited for. A writer that
cannot get the lock within `STORYREEL_LOCK_WAIT` seconds (default 10) raises `ProjectBusy`.
Readers take no lock: every write is atomic, so they see one revision or the next, never a mix.

The lock is reentrant per `ProjectLock` object, whichever thread asks, so a door can hold it for a
whole command while the turn it runs on a worker thread goes through. Two objects on one folder
exclude each other, in one process as across processes. A process that dies lets go of it (the
OS releases the lock with the file); its owner file is overwritten by the next holder.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from story.files import LOCK_FILE, ProjectError, write_atomic

OWNER_FILE = f"{LOCK_FILE}.owner"
WAIT_ENV = "STORYREEL_LOCK_WAIT"
DEFAULT_WAIT_S = 10.0
POLL_S = 0.05
COMMAND_CHARS = 300  # an owner line long enough to recognise the command, short enough to print


class ProjectBusy(ProjectError):
    """Another process is changing the project; the message names it (pid and command)."""


def lock_wait() -> float:
    """Seconds a writer waits for a busy project: `STORYREEL_LOCK_WAIT`, else 10."""
    raw = os.environ.get(WAIT_ENV, "").strip()
    if not raw:
        return DEFAULT_WAIT_S
    try:
        seconds = float(raw)
    except ValueError:
        raise ProjectError(f"{WAIT_ENV} must be a number of seconds, not {raw!r}") from None
    if seconds != seconds or seconds < 0:  # NaN or negative
        raise ProjectError(f"{WAIT_ENV} must be a number of seconds, 0 or more, not {raw!r}")
    return seconds


def command_line() -> str:
    """This process's command line as a person would type it, for the owner file."""
    words = [Path(sys.argv[0]).name or "python", *sys.argv[1:]] if sys.argv else ["python"]
    line = "".join(ch if ch.isprintable() else " " for ch in shlex.join(words))
    return line if len(line) <= COMMAND_CHARS else line[: COMMAND_CHARS - 1] + "…"


class ProjectLock:
    """The lock a project folder's writers share; `hold()` it for the whole of a change."""

    def __init__(self, root: Path, *, wait: float | None = None) -> None:
        self.root = Path(root)
        self.wait = wait
        """Seconds to wait for another writer; None reads `STORYREEL_LOCK_WAIT` at each acquire."""
        self._file = FileLock(str(self.root / LOCK_FILE), thread_local=False)
        self._depth = 0
        self._guard = threading.Lock()

    @property
    def path(self) -> Path:
        """The lock file."""
        return self.root / LOCK_FILE

    @property
    def owner_path(self) -> Path:
        """The sidecar naming the holder."""
        return self.root / OWNER_FILE

    @property
    def held(self) -> bool:
        """Whether this object holds the lock now."""
        return self._depth > 0

    @contextmanager
    def hold(self, command: str | None = None) -> Iterator[None]:
        """Hold the lock for the block; waits, then raises `ProjectBusy` naming the holder."""
        self.acquire(command)
        try:
            yield
        finally:
            self.release()

    def acquire(self, command: str | None = None) -> None:
        """Take the lock (or count one more hold of it); `command` goes in the owner file."""
        with self._guard:
            if self._depth:
                self._depth += 1
                return
            wait = lock_wait() if self.wait is None else self.wait
            if self.root.exists() and not self.root.is_dir():
                raise ProjectError(f"{self.root} is a file, not a folder")
            self.root.mkdir(parents=True, exist_ok=True)
            try:
                self._file.acquire(timeout=wait, poll_interval=POLL_S)
            except Timeout:
                raise ProjectBusy(self._busy(wait)) from None
            try:
                owner = {"pid": os.getpid(), "command": command or command_line(), "since": time.time()}
                write_atomic(self.owner_path, (json.dumps(owner) + "\n").encode())
            except BaseException:
                self._file.release()
                raise
            self._depth = 1

    def release(self) -> None:
        """Let go of one hold; the last one removes the owner file, then unlocks."""
        with self._guard:
            if not self._depth:
                return
            self._depth -= 1
            if self._depth:
                return
            try:
                self.owner_path.unlink(missing_ok=True)  # before unlocking: the next holder writes its own
            finally:
                self._file.release()

    def owner(self) -> dict[str, object] | None:
        """Who holds the lock, as the owner file says (None when it says nothing readable)."""
        try:
            found = json.loads(self.owner_path.read_bytes())
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def _busy(self, wait: float) -> str:
        owner = self.owner()
        who = f"pid {owner.get('pid')}, {owner.get('command')}" if owner is not None else "another storyreel process"
        waited = f"waited {wait:g}s; " if wait else ""
        return f"the project is busy ({who}); {waited}try again when it is done (or set {WAIT_ENV} to wait longer)"

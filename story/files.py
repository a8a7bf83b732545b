"""The project folder's file primitives, below `folder` and `lock`: atomic writes and the error
type a person sees for a problem with a project folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o644
LOCK_FILE = ".storyreel.lock"
"""The project's lock across processes (story/lock.py); every write holds it."""


class ProjectError(Exception):
    """A problem with a project folder, worded for the person."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes the file private (0600); a project file reads like any other file.
            os.fchmod(handle.fileno(), path.stat().st_mode & 0o777 if path.exists() else FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno and not exc.filename:
            # A full disk's error names no file; say which one could not be written.
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)

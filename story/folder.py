"""The project folder on disk: story.json, history/ of revisions, atomic writes, undo and redo.

story.json is the current project. history/ holds one file per revision, each with the whole
project, its parent revision and a summary. Revisions form a tree: undo steps to the parent,
redo to the newest child, and an edit after an undo starts a new branch without deleting the
old one. Every write goes to a temp file in the same folder, is fsynced, then renamed, so a
crash at any moment leaves the last good revision readable.
"""

from __future__ import annotations

import json
import math
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from story.edits import AnyEdit, apply, describe_changes, edit_name
from story.files import LOCK_FILE, ProjectError, write_atomic
from story.model import MAX_SHOT_FRAMES, MIN_SHOT_FRAMES, SCHEMA_NAME, SCHEMA_VERSION, Project

if TYPE_CHECKING:
    from story.lock import ProjectLock

STORY_FILE = "story.json"
HISTORY_DIR = "history"
REVISION_SCHEMA = "storyreel.Revision.1"


class NotAProject(ProjectError):
    """The folder holds no storyreel project."""


class NothingToUndo(ProjectError):
    """Undo or redo has nowhere to go."""


LEFTOVER_AFTER_S = 60.0
"""A temp file untouched this long belongs to a writer that died: live writers (an atomic write, an
encoder) keep writing theirs, or finish within milliseconds."""
LEFTOVER_FOLDERS = (HISTORY_DIR, "media", "cut")
"""Where writers leave temp files, besides the project folder itself; memory/ is chromadb's own."""
HEAD_FILE = "HEAD"
"""In history/: the number of the revision story.json holds, so recovery knows where undo left it."""


def dump_project(project: Project) -> bytes:
    """The exact bytes of story.json for a project (deterministic)."""
    return (project.model_dump_json(by_alias=True, indent=2) + "\n").encode()


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored project dict up to the current schema version, one step at a time."""
    if "schema" not in data and not data.keys() & set(Project.model_fields):
        # An unversioned draft still names a project's parts; `{}` or someone else's JSON names none.
        raise ProjectError("story.json holds no project: no schema and none of a project's fields")
    schema = str(data.get("schema", f"{SCHEMA_NAME}.0"))
    name, _, version = schema.rpartition(".")
    if name != SCHEMA_NAME or not version.isdigit():
        raise ProjectError(f"story.json has schema {schema!r}, expected {SCHEMA_NAME}.N")
    number = int(version)
    if number > SCHEMA_VERSION:
        raise ProjectError(
            f"story.json is schema version {number}, newer than this storyreel ({SCHEMA_VERSION}); upgrade storyreel"
        )
    while number < SCHEMA_VERSION:
        data = _UPGRADES[number](data)
        number += 1
    data["schema"] = f"{SCHEMA_NAME}.{SCHEMA_VERSION}"
    return data


def _from_v0(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (unversioned drafts) kept a shot's length in seconds as `duration`.

    Anything of an unexpected shape is left as it is for validation to name, rather than crashing here.
    """
    style = data.get("style")
    fps = style.get("fps", 24) if isinstance(style, dict) else 24
    shots = data.get("shots")
    for shot in shots if isinstance(shots, list) else []:
        if not isinstance(shot, dict) or "duration" not in shot or "duration_frames" in shot:
            continue
        seconds, rate = shot["duration"], fps
        if isinstance(seconds, int | float) and isinstance(rate, int | float) and not isinstance(seconds, bool):
            # Old drafts allowed any length; keep what fits the frame limits rather than refuse to open.
            frames = round(float(seconds) * rate) if math.isfinite(seconds * rate) else MAX_SHOT_FRAMES
            shot["duration_frames"] = max(MIN_SHOT_FRAMES, min(MAX_SHOT_FRAMES, frames))
            del shot["duration"]
    return data


def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 shots said nothing of what else is in frame: they get no props, a clear sky and
    neutral, standing characters (the new fields' defaults), so an old project draws as it did."""
    return data


def _from_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 shots had no label; the number a person saw was the shot's place in the list, so that is
    its label now (and its render key, which hashed that number, stays the same)."""
    shots = data.get("shots")
    for number, shot in enumerate(shots if isinstance(shots, list) else [], 1):
        if isinstance(shot, dict) and not shot.get("label"):
            shot["label"] = str(number)
    return data


_UPGRADES = {0: _from_v0, 1: _from_v1, 2: _from_v2}


def parse_project(raw: bytes | str) -> Project:
    """Parse story.json bytes into a project, upgrading old schema versions."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ProjectError("story.json is nested too deeply to be a project") from None
    if not isinstance(data, dict):
        raise ProjectError("story.json does not hold a JSON object")
    return Project.model_validate(upgrade(data))


class Revision(BaseModel):
    """One entry of history/: a whole project state and how it came to be."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    schema_: str = Field(REVISION_SCHEMA, alias="schema")
    number: int
    parent: int | None
    summary: list[str]
    message: str = ""
    created: float
    edits: list[dict[str, Any]] = []
    project: dict[str, Any]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(method: Callable[Concatenate[ProjectFolder, _P], _R]) -> Callable[Concatenate[ProjectFolder, _P], _R]:
    """Run a method that writes the project under the project's lock, so revisions cannot collide."""

    @wraps(method)
    def holding(self: ProjectFolder, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self.lock.hold():
            return method(self, *args, **kwargs)

    return holding


@dataclass
class ProjectFolder:
    """A project folder: loads, commits revisions, steps through history."""

    root: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def story_path(self) -> Path:
        """Where story.json lives."""
        return self.root / STORY_FILE

    @property
    def history_dir(self) -> Path:
        """Where revisions live."""
        return self.root / HISTORY_DIR

    def path(self, relative: str) -> Path:
        """A path inside the project folder; refuses anything that would leave it."""
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root.resolve()):
            raise ProjectError(f"path {relative!r} leaves the project folder")
        return candidate

    @cached_property
    def lock(self) -> ProjectLock:
        """The project's lock across processes: every write holds it; hold it for a whole change."""
        from story.lock import ProjectLock  # story.lock builds on this module

        return ProjectLock(self.root)

    # Creating and opening -----------------------------------------------------------------

    @classmethod
    def create(cls, root: Path, project: Project, message: str = "new project") -> ProjectFolder:
        """Start a project folder; refuses a folder that already holds files."""
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise ProjectError(f"{root} is a file, not a folder")
        if root.exists() and any(not p.name.startswith(LOCK_FILE) for p in root.iterdir()):
            what = "a storyreel project" if (root / STORY_FILE).exists() else "other files"
            raise ProjectError(f"{root} already holds {what}; choose an empty or new folder")
        root.mkdir(parents=True, exist_ok=True)
        folder = cls(root)
        with folder.lock.hold():  # a second `new` into the same folder waits, then finds it taken
            if folder.story_path.exists() or folder.history_dir.exists():
                raise ProjectError(f"{root} already holds a storyreel project; choose an empty or new folder")
            folder._commit(project, parent=None, summary=["new project"], message=message, edits=[])
        return folder

    @classmethod
    def open(cls, root: Path) -> ProjectFolder:
        """Open an existing project folder."""
        root = Path(root)
        if not root.is_dir():
            raise NotAProject(f"{root} is not a folder")
        if not (root / STORY_FILE).exists() and not (root / HISTORY_DIR).is_dir():
            raise NotAProject(f"{root} is not a storyreel project (no {STORY_FILE}); start one with `storyreel new`")
        folder = cls(root)
        folder.clean_leftovers()
        return folder

    def clean_leftovers(self, older_than: float = LEFTOVER_AFTER_S) -> list[Path]:
        """Remove the temp files a killed process left (`.story.json.*.tmp`, `.take.mp4.partial`, ...)
        once nobody has written them for `older_than` seconds; returns what went."""
        places = [(self.root, [p.name for p in self.root.iterdir()])]
        for name in LEFTOVER_FOLDERS:  # os.walk does not follow links, so nothing outside is touched
            places += [(Path(folder), files) for folder, _, files in os.walk(self.root / name)]
        removed, now = [], time.time()
        for folder, names in places:
            for path in (folder / n for n in names if _is_temp_name(n)):
                try:
                    facts = path.lstat()
                    if stat.S_ISREG(facts.st_mode) and now - facts.st_mtime >= older_than:
                        path.unlink()
                        removed.append(path)
                except OSError:  # gone already, or a folder nobody may write: leave it
                    continue
        return removed

    def load(self) -> Project:
        """The current project; a corrupt story.json is set aside and the last good revision loads."""
        try:
            return parse_project(self.story_path.read_bytes())
        except FileNotFoundError:
            problem = f"{STORY_FILE} is missing"
        except (ValueError, ValidationError, ProjectError, UnicodeDecodeError) as exc:
            problem = f"{STORY_FILE} is unreadable ({_reason(exc)})"
        revision = self._last_good_revision()
        if revision is None:
            raise ProjectError(f"{problem} and history/ has no readable revision")
        if self.story_path.exists():
            aside = self._corrupt_path()
            os.replace(self.story_path, aside)
            problem += f"; the damaged file was kept as {aside.name}"
        project = Project.model_validate(upgrade(revision.project))
        write_atomic(self.story_path, dump_project(project))
        self.warnings.append(f"{problem}; loaded revision {revision.number}, the last good one")
        return project

    # Changing -----------------------------------------------------------------------------

    @_locked
    def commit(self, edits: list[AnyEdit], message: str = "") -> tuple[Project, list[str]]:
        """Apply edits to the current project as one new revision; returns it and its summary."""
        before = self.load()
        after = apply(before, edits)
        if after == before:
            return before, []
        # A real change the summary has no words for (a take, metadata) is still kept.
        summary = describe_changes(before, after) or [f"changed with {', '.join(edit_name(e) for e in edits)}"]
        project = self._commit(
            after,
            parent=before.revision,
            summary=summary,
            message=message,
            edits=[e.model_dump(mode="json") for e in edits],
        )
        return project, summary

    @_locked
    def amend(self, edits: list[AnyEdit]) -> Project:
        """Fold edits (takes, the cut) into the current revision instead of making a new one.

        Renders belong to the revision that asked for them, so undo steps over a change and its
        renders together and restores the earlier story.json exactly.
        """
        before = self.load()
        project = apply(before, edits)
        if project == before:  # nothing new: leave the files (and their bytes) as they are
            return project
        revision = self.read_revision(project.revision)
        revision.project = json.loads(dump_project(project))
        write_atomic(self._revision_path(revision.number), revision.model_dump_json(indent=1).encode())
        write_atomic(self.story_path, dump_project(project))
        return project

    @_locked
    def undo(self) -> tuple[Project, Revision]:
        """Step back to the parent revision; returns the project and the revision undone."""
        current = self.load()
        revision = self.read_revision(current.revision)
        if revision.parent is None:
            raise NothingToUndo("nothing to undo: this is the first revision")
        return self._checkout(revision.parent), revision

    @_locked
    def redo(self) -> tuple[Project, Revision]:
        """Step forward to the newest revision made from the current one."""
        current = self.load()
        children = [r for r in self.revisions() if r.parent == current.revision]
        if not children:
            raise NothingToUndo("nothing to redo")
        child = max(children, key=lambda r: r.number)  # numbers only grow; the wall clock may go back
        return self._checkout(child.number), child

    @_locked
    def checkout(self, number: int) -> Project:
        """Make revision `number` current (a branch's tip, story/branches.py); nothing is deleted."""
        return self._checkout(number)

    # History ------------------------------------------------------------------------------

    def revisions(self) -> list[Revision]:
        """Every readable revision, oldest first."""
        found = []
        for path in sorted(self.history_dir.glob("r*.json")):
            try:
                found.append(Revision.model_validate_json(path.read_bytes()))
            except (ValueError, ValidationError):
                continue
        return found

    def lineage(self) -> list[Revision]:
        """The revisions leading to the current one, oldest first."""
        by_number = {r.number: r for r in self.revisions()}
        chain: list[Revision] = []
        number: int | None = self.load().revision
        while number is not None and number in by_number:
            chain.append(by_number[number])
            number = by_number[number].parent
        return chain[::-1]

    def read_revision(self, number: int) -> Revision:
        """One revision by number."""
        path = self._revision_path(number)
        try:
            return Revision.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            raise ProjectError(f"revision {number} is missing from history/") from None
        except (ValueError, ValidationError) as exc:
            raise ProjectError(f"revision {number} is unreadable ({_reason(exc)})") from None

    # Internals ----------------------------------------------------------------------------

    def _corrupt_path(self) -> Path:
        """A fresh name to keep a damaged story.json under; never one already used."""
        stem = f"{STORY_FILE}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
        aside, n = self.root / stem, 1
        while aside.exists():
            n += 1
            aside = self.root / f"{stem}-{n}"
        return aside

    def _revision_path(self, number: int) -> Path:
        return self.history_dir / f"r{number:06d}.json"

    def _next_number(self) -> int:
        numbers = [int(p.stem[1:]) for p in self.history_dir.glob("r*.json") if p.stem[1:].isdigit()]
        return max(numbers, default=0) + 1

    def _commit(
        self, project: Project, *, parent: int | None, summary: list[str], message: str, edits: list[dict[str, Any]]
    ) -> Project:
        number = self._next_number()
        project = project.model_copy(update={"revision": number})
        revision = Revision(
            number=number,
            parent=parent,
            summary=summary,
            message=message,
            created=time.time(),
            edits=edits,
            project=json.loads(dump_project(project)),
        )
        # The revision lands before story.json points at it: a crash between the two leaves
        # story.json on the previous good revision.
        path = self._revision_path(number)
        write_atomic(path, revision.model_dump_json(indent=1).encode())
        try:
            write_atomic(self.story_path, dump_project(project))
        except BaseException:
            # story.json still holds the parent (a full disk, a read-only folder): a revision left
            # behind would come back as a "redo" of a change the person was told failed.
            path.unlink(missing_ok=True)
            raise
        write_atomic(self.history_dir / HEAD_FILE, f"{project.revision}\n".encode())
        return project

    def _checkout(self, number: int) -> Project:
        revision = self.read_revision(number)
        project = Project.model_validate(upgrade(revision.project))
        self._point_at(project)
        return project

    def _point_at(self, project: Project) -> None:
        """Make `project` current: story.json first, then history/HEAD names its revision."""
        write_atomic(self.story_path, dump_project(project))
        write_atomic(self.history_dir / HEAD_FILE, f"{project.revision}\n".encode())

    def _head(self) -> int | None:
        try:
            return int((self.history_dir / HEAD_FILE).read_text().strip())
        except (OSError, ValueError):
            return None

    def _last_good_revision(self) -> Revision | None:
        """The revision story.json last held (by HEAD), else the newest readable one."""
        paths = sorted(self.history_dir.glob("r*.json"), reverse=True)
        head = self._head()
        if head is not None:
            paths.insert(0, self._revision_path(head))
        for path in paths:
            try:
                revision = Revision.model_validate_json(path.read_bytes())
                Project.model_validate(upgrade(dict(revision.project)))
                return revision
            except (OSError, ValueError, ValidationError, ProjectError):
                continue
        return None


def _is_temp_name(name: str) -> bool:
    """The names our writers give files on their way in: hidden, with a temp suffix."""
    return name.startswith(".") and (
        name.endswith((".tmp", ".partial")) or ".partial." in name or name.startswith(".srt-")
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        return f"{'.'.join(str(p) for p in error['loc'])}: {message}" if error["loc"] else message
    return str(exc).splitlines()[0][:200]

"""One project open for work: the application service the CLI and the studio share.

A turn goes: the director reads the message and proposes typed edits; the edits become one
revision; the shots whose render key changed render again; the reel is re-joined; the takes and
the cut are folded into that same revision, so undo steps over a change and its renders at once.
The whole turn holds the project's lock (story/lock.py), so a second process waits for it
instead of interleaving its own revision, renders or reel with this one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from agent.brief import read_brief
from agent.commands import Command, CommandError, expand
from agent.director import Director, DirectorError
from agent.state import Announce, Reporting, TurnResult
from story import AnyEdit, EditError, Project, ProjectFolder, SetStyle, apply
from tools.edit.assemble import assemble_cut
from tools.render.engine import Progress, RenderReport, render_shots
from tools.render.executors import Executor
from tools.render.jobs import stale_jobs
from tools.voice.casting import voice_edits

if TYPE_CHECKING:
    from memory import ProjectMemory

MEMORY_ENV = "STORYREEL_MEMORY"


class MemoryUnavailable(RuntimeError):
    """Memory cannot be used on this install."""


def memory_enabled() -> bool:
    """Memory follows every revision unless `STORYREEL_MEMORY=off` (for scripted batch work)."""
    return os.environ.get(MEMORY_ENV, "on").strip().lower() not in {"off", "0", "false", "no"}


class Production:
    """A project folder with a director, a renderer and an assembler behind it."""

    def __init__(
        self,
        folder: ProjectFolder,
        *,
        director: Director | None = None,
        progress: Progress | None = None,
        announce: Announce | None = None,
        memory_follows: bool = False,
    ) -> None:
        self.folder = folder
        self.memory_follows = memory_follows
        """Keep memory current after every render (long-lived doors: the studio, a chat)."""
        self._director = director
        self.progress = progress
        self.announce = announce or (lambda line: None)
        self._memory: ProjectMemory | None = None
        self._memory_lock = threading.Lock()
        self._synced: tuple[int, int] | None = None
        if director is not None:
            self._attach(director)

    @property
    def director(self) -> Director:
        """The director given, else the one the settings choose (`agent.directors.choose_director`),
        chosen when first asked for, so opening a project reads no model settings."""
        if self._director is None:
            from agent.directors import choose_director

            self._director = self._attach(choose_director(announce=self.announce))
        return self._director

    def _attach(self, director: Director) -> Director:
        attach = getattr(director, "attach_memory", None)
        if attach is not None and memory_enabled():
            attach(self._resolve_character)
        return director

    # Opening ------------------------------------------------------------------------------

    @classmethod
    def new(
        cls,
        root: Path,
        brief: str | bytes,
        *,
        title_card: bool = True,
        director: Director | None = None,
        progress: Progress | None = None,
        announce: Announce | None = None,
        memory_follows: bool = False,
    ) -> tuple[Production, TurnResult]:
        """Plan a brief into a new project folder, render it and assemble the reel."""
        from agent.directors import choose_director

        text = read_brief(brief)
        chosen = director or choose_director(announce=announce)  # hears how long a model thinks
        fallback: str | None = None
        try:
            edits = chosen.plan(text)
            fallback = "; ".join(getattr(chosen, "notes", [])) or None  # what a model's plan was completed with
        except DirectorError as exc:
            from agent.offline import OfflineDirector

            if isinstance(chosen, OfflineDirector):
                raise
            # A model that cannot plan never loses the person's brief: the offline planner plans it.
            edits = OfflineDirector().plan(text)
            fallback = f"{exc}; the offline director planned it instead"
        if not title_card:
            edits = [*edits, SetStyle(changes={"title_card": False})]
        planned = apply(Project(), edits)  # validate before anything touches the disk
        folder = ProjectFolder.create(Path(root), planned, message="planned from the brief")
        production = cls(folder, director=chosen, progress=progress, announce=announce, memory_follows=memory_follows)
        result = production.render()  # holds the lock: a `say` that came in meanwhile is in the reel too
        count = len(planned.shots)
        result.reply = f"Planned {count} shot{'s' if count != 1 else ''} from the brief."
        result.changes = [f"new project: {planned.bible.title}"]
        if fallback:
            result.warnings.insert(0, fallback)
        return production, result

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        director: Director | None = None,
        progress: Progress | None = None,
        announce: Announce | None = None,
        memory_follows: bool = False,
    ) -> Production:
        """Open an existing project folder."""
        folder = ProjectFolder.open(Path(root))
        return cls(folder, director=director, progress=progress, announce=announce, memory_follows=memory_follows)

    @property
    def project(self) -> Project:
        """The current project as stored."""
        return self.folder.load()

    # Turns --------------------------------------------------------------------------------

    @contextmanager
    def changing(self, command: str | None = None) -> Iterator[None]:
        """Hold the project's lock for a whole change: read, direct, save, render, assemble.

        Reentrant for this production, from any thread (a door holds it for its command while the
        turn runs on a worker thread); another process waits, then gets `ProjectBusy`.
        """
        with self.folder.lock.hold(command):
            yield

    def apply(
        self, edits: list[AnyEdit], *, message: str, reply: str = "", reporting: Reporting | None = None
    ) -> TurnResult:
        """Apply typed edits as one revision (all or nothing), render what changed, assemble.

        `reporting` is where this call's progress goes (a turn's own), else this production's."""
        with self.changing():
            return self._apply(edits, message=message, reply=reply, reporting=reporting)

    def _apply(
        self, edits: list[AnyEdit], *, message: str, reply: str, reporting: Reporting | None = None
    ) -> TurnResult:
        return self._run(list(edits), message=message, reply=reply, reporting=reporting)

    def run(
        self,
        commands: Sequence[Command | AnyEdit],
        *,
        message: str | None = None,
        reply: str = "",
        executor: Executor | None = None,
        reporting: Reporting | None = None,
    ) -> TurnResult:
        """Apply a batch of commands and plain edits as one revision (all or nothing), render, assemble.

        The one door for every change: each command expands (agent/commands.py) against the project
        as the batch has left it, importing its file into the project when it brings one, all under
        the project's lock. A command that cannot be done changes nothing and comes back refused with
        its reason as the reply; `message` (for the history) defaults to the commands' summaries.
        """
        with self.changing():
            return self._run(list(commands), message=message, reply=reply, executor=executor, reporting=reporting)

    def _run(
        self,
        batch: list[Command | AnyEdit],
        *,
        message: str | None,
        reply: str,
        executor: Executor | None = None,
        reporting: Reporting | None = None,
    ) -> TurnResult:
        from tools.render.budget import refusal

        project = working = self.project
        edits: list[AnyEdit] = []
        summaries: list[str] = []
        notes: list[str] = []
        renders = False
        try:
            for item in batch:
                if isinstance(item, Command):
                    expansion = expand(working, item, folder=self.folder, announce=self._reporting(reporting).announce)
                    step, renders = expansion.edits, renders or item.renders
                    summaries.append(expansion.summary)
                    notes += expansion.notes
                else:
                    step, renders = [item], True
                working = apply(working, step)
                edits += step
        except CommandError as exc:
            return TurnResult(reply=str(exc), refused=True, warnings=self._warnings())
        except EditError as exc:
            return TurnResult(reply=f"Nothing changed: {exc}", refused=True, warnings=self._warnings())
        over_budget = renders and refusal(self.folder, project, edits)  # refuse before the change, not after
        if over_budget:
            return TurnResult(reply=f"Nothing changed: {over_budget}", refused=True, warnings=self._warnings())
        try:
            _, changes = self.folder.commit(edits, message=message or "; ".join(summaries))
        except EditError as exc:
            return TurnResult(reply=f"Nothing changed: {exc}", refused=True, warnings=self._warnings())
        if not changes:
            return TurnResult(reply="That is already how it is; nothing changed.", warnings=self._warnings())
        if renders:
            result = self.render(executor, reporting=reporting)
        else:
            result = TurnResult(reply="", fps=project.fps, warnings=self._warnings())
        result.reply, result.changes = "\n".join([*notes, reply or "Done."]), changes  # the changes are listed below
        return result

    def undo(self, reporting: Reporting | None = None) -> TurnResult:
        """Step back one revision and bring the reel in line with it."""
        with self.changing():
            _, revision = self.folder.undo()
            result = self.render(sound_warnings=False, reporting=reporting)
        result.reply = f"Undid: {'; '.join(revision.summary) or revision.message}"
        result.changes = [f"undone: {line}" for line in revision.summary]
        return result

    def redo(self, reporting: Reporting | None = None) -> TurnResult:
        """Step forward again to the revision last undone."""
        with self.changing():
            _, revision = self.folder.redo()
            result = self.render(sound_warnings=False, reporting=reporting)
        result.reply = f"Redid: {'; '.join(revision.summary) or revision.message}"
        result.changes = [f"redone: {line}" for line in revision.summary]
        return result

    def render(
        self, executor: Executor | None = None, *, sound_warnings: bool = True, reporting: Reporting | None = None
    ) -> TurnResult:
        """Render every shot whose take is missing or stale, then assemble the reel.

        `sound_warnings=False` leaves out what assembling says about the sound (silent lines, a
        missing music file): undo and redo bring back a reel the person was told about when it was made.

        When memory follows this production (the studio, a chat) or is already open (a turn that
        asked it who someone is), it catches up with the new revision here; otherwise it catches up
        when it is next read, so a one-off command never waits for the embedding model to load.
        """
        with self.changing():
            result = self._render(self.project, executor, sound_warnings=sound_warnings, reporting=reporting)
            if self.memory_follows or self._memory is not None:
                self._sync_memory()
        result.warnings += self._warnings()
        return result

    def _render(
        self,
        project: Project,
        executor: Executor | None = None,
        *,
        sound_warnings: bool = True,
        reporting: Reporting | None = None,
    ) -> TurnResult:
        hooks = self._reporting(reporting)
        stale = stale_jobs(self.folder, project)
        if stale:
            total = len(project.shots)
            hooks.announce(f"rendering {len(stale)} of {total} shot{'s' if total != 1 else ''}")
        report: RenderReport = render_shots(self.folder, project, progress=hooks.progress, executor=executor)
        labels = [shot.label for shot in project.shots]
        for number, why in report.damaged.items():
            self.folder.warnings.append(f"shot {labels[number - 1]}'s take was damaged ({why}); rendered it again")
        if report.edits:
            project = self.folder.amend(list(report.edits))
        hooks.announce("assembling the reel")
        said = len(self.folder.warnings)
        reel, cut = assemble_cut(self.folder, project)
        if not sound_warnings:
            del self.folder.warnings[said:]
        self.folder.amend([*voice_edits(project), cut])  # voices cast now are kept, like the takes
        failed = "; ".join(f"shot {labels[n - 1]} failed: {why}" for n, why in report.failed.items())
        return TurnResult(
            reply=failed or ("" if report.rendered else "Reel is up to date."),  # what rendered is listed apart
            rendered=report.rendered,
            failed=report.failed,
            labels=labels,
            reel=reel,
            frames=cut.frames,
            fps=project.fps,
            warnings=self._warnings(),
            render_seconds=report.seconds,
        )

    def _reporting(self, given: Reporting | None) -> Reporting:
        """Where a call reports: what it was given, else what this production was opened with."""
        return given or Reporting(progress=self.progress, announce=self.announce)

    # Memory -------------------------------------------------------------------------------

    def memory(self) -> ProjectMemory:
        """The project's vector memory, brought up to date with story.json before it is read.

        Every revision (an edit, an undo, a redo, memory turned back on) is in memory the moment
        anything reads it: a sync is idempotent and embeds only what changed. A corrupt store is
        rebuilt from story.json and the decisions journal, and the person is told; a missing
        memory install raises `MemoryUnavailable` with the install line.
        """
        with self._memory_lock:
            if self._memory is None:
                try:
                    from memory import MemoryCorrupt, ProjectMemory
                except ImportError as exc:  # pragma: no cover - memory is a core dependency
                    raise MemoryUnavailable(f"memory is not installed ({exc}); pip install storyreel") from exc
                try:
                    self._memory = ProjectMemory(self.folder.root)
                except MemoryCorrupt as exc:
                    self.folder.warnings.append(f"{exc}; rebuilt it from story.json")
                    self._memory = ProjectMemory.recover(self.folder.root, self.project)
            stamp = self._story_stamp()
            if stamp != self._synced:
                self._memory.sync(self.project)
                self._synced = stamp
            return self._memory

    def _story_stamp(self) -> tuple[int, int]:
        """Changes whenever story.json is written (every revision, undo, redo and amend)."""
        facts = self.folder.story_path.stat()
        return facts.st_mtime_ns, facts.st_size

    def _sync_memory(self) -> None:
        if not memory_enabled():
            return
        try:
            self.memory()
        except Exception as exc:  # noqa: BLE001 - memory must never cost the person their turn
            self.folder.warnings.append(f"memory did not update ({exc}); `storyreel memory-rebuild` repairs it")

    def _resolve_character(self, phrase: str, project: Project) -> str | None:
        try:
            return self.memory().resolve_character(phrase, project)
        except Exception as exc:  # noqa: BLE001 - without memory, only names and roles resolve
            self.folder.warnings.append(f"memory could not be asked who {phrase!r} is ({exc})")
            return None

    def close(self) -> None:
        """Let go of the memory store's files."""
        with self._memory_lock:
            if self._memory is not None:
                self._memory.close()
                self._memory = None
                self._synced = None

    def _warnings(self) -> list[str]:
        found, self.folder.warnings = self.folder.warnings, []
        return found

"""The studio's handlers: thin calls into `agent.production.Production` and `agent.graph`.

Every value that belongs to one person (the open project, the selected shot, the chat, whether
the director waits for an answer) comes in as an argument from a `gr.State` and goes back out as
a return value; a `Studio` holds only the projects folder it serves.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ui.studio.safety import disable_analytics

disable_analytics()

import gradio as gr  # noqa: E402 - analytics must be off before gradio is imported

from story import (  # noqa: E402
    Angle,
    AnyEdit,
    ChooseTake,
    Movement,
    Project,
    RequestTakes,
    ShotChanges,
    ShotSize,
    UpdateShot,
)
from ui.studio import views  # noqa: E402
from ui.studio.safety import (  # noqa: E402
    BRIEF,
    IMAGE,
    MUSIC,
    RECORDING,
    StudioError,
    check_contained,
    check_upload,
    keep_upload,
    safe_name,
)
from ui.studio.turns import Hooks, StudioEvent, opened, say_work, stream_work  # noqa: E402
from ui.text import html_text  # noqa: E402

UPLOADS_DIR = "media/uploads"
YES = {"yes", "y", "ok", "go", "go ahead", "approve", "sure"}

Chat = list[dict[str, Any]]


def _skip(count: int) -> tuple[Any, ...]:
    return tuple(gr.skip() for _ in range(count))


class Studio:
    """The handlers, bound to one projects folder; every per-person value comes in as an argument."""

    VIEW_COUNT = 12  # title, storyboard, player, downloads, shot picker, summary, size, angle, move, secs, cast, takes

    def __init__(self, projects_root: Path, start: Path | None = None) -> None:
        self.root = Path(projects_root).resolve()
        self.start = start.resolve() if start is not None else None

    # Projects ---------------------------------------------------------------------------------

    def project_names(self) -> list[str]:
        """The projects in the projects folder, by folder name."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and (p / "story.json").is_file())

    def _project_dir(self, name: str) -> Path:
        """The folder of project `name`, only ever a direct child of the projects folder."""
        if not name or safe_name(name) != name:
            raise StudioError(f"{name!r} is not a project name; choose one from the list")
        folder = (self.root / name).resolve()
        if folder.parent != self.root or not (folder / "story.json").is_file():
            raise StudioError(f"there is no project {name!r} in {self.root}")
        check_contained(folder)
        return folder

    def list_projects(self) -> Any:
        """Refresh the picker's choices."""
        return gr.update(choices=self.project_names())

    def start_session(self) -> tuple[Any, ...]:
        """On page load: fill the picker, and open the start project when the studio was given one."""
        names = gr.update(choices=self.project_names(), value=self.start.name if self.start else None)
        if self.start is None:
            return (names, None, None, [], [], False, gr.update(open=True), *self.views(None, None))
        return (names, *self._opened(self.start))

    def open_project(self, name: str) -> tuple[Any, ...]:
        """Open an existing project for this session."""
        try:
            folder = self._project_dir(name)
        except StudioError as exc:
            raise gr.Error(str(exc)) from None
        return self._opened(folder)

    def _opened(self, folder: Path) -> tuple[Any, ...]:
        from story import ProjectFolder

        chat = views.conversation(ProjectFolder.open(folder))
        chat.append({"role": "assistant", "content": f"Opened **{folder.name}**. Tell me what to change."})
        return (str(folder), None, chat, chat, False, gr.update(open=False), *self.views(str(folder), None))

    def new_project(self, name: str, brief: str, brief_file: str | None) -> Iterator[tuple[Any, ...]]:
        """Plan a brief (typed, or an uploaded .txt/.fountain/.md) into a new project and render it."""
        from agent.brief import BriefError, read_brief_file
        from agent.production import Production

        try:
            if brief_file:
                raw: str | bytes = read_brief_file(check_upload(brief_file, BRIEF))  # .fountain is Fountain
                default = Path(brief_file).stem
            else:
                raw, default = brief or "", "film"
            folder = self._new_dir(name or default)
        except (StudioError, BriefError) as exc:
            raise gr.Error(str(exc)) from None
        opening: Chat = [{"role": "user", "content": f"New project **{folder.name}** from the brief."}]
        chat, made = opening, []

        def work(hooks: Hooks) -> Any:
            production, result = Production.new(
                folder, raw, progress=hooks.progress, announce=hooks.announce, memory_follows=True
            )
            production.close()
            made.append(folder)
            return result

        head = (str(folder), None)
        for chat, done, _ in self._chat_turn(stream_work(folder, work), opening):
            if not done:
                yield (*head, chat, chat, False, gr.skip(), gr.skip(), *_skip(self.VIEW_COUNT))
        if not made:  # the brief was refused: nothing was made, and the reserved folder goes
            with contextlib.suppress(OSError):
                folder.rmdir()
            yield (None, None, chat, chat, False, gr.skip(), gr.update(), *self.views(None, None))
            return
        yield (*head, chat, chat, False, gr.update(open=False), self.list_projects(), *self.views(str(folder), None))

    def _new_dir(self, name: str) -> Path:
        """A new, empty folder for a project, reserved at once so two people never get the same one."""
        base = safe_name(name, "film").lower()
        self.root.mkdir(parents=True, exist_ok=True)
        for counter in range(1, 10_000):
            folder = self.root / (base if counter == 1 else f"{base}-{counter}")
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            return folder
        raise StudioError(f"too many projects named {base!r}; choose another name")

    # Talking ----------------------------------------------------------------------------------

    def say(self, message: str, project: str | None, selected: str | None, chat: Chat, waiting: bool) -> Iterator[Any]:
        """One chat turn with the director; its steps and the render stream into the chat."""
        text = (message or "").strip()
        if not text:
            yield (gr.skip(), gr.skip(), gr.skip(), gr.skip(), *_skip(self.VIEW_COUNT))
            return
        history: Chat = [*chat, {"role": "user", "content": text}]
        if project is None:
            history.append({"role": "assistant", "content": "Open a project or start one from a brief first."})
            yield ("", history, history, False, *_skip(self.VIEW_COUNT))
            return
        root = Path(project)
        resume = ("yes" if text.lower().strip(".!") in YES else "no") if waiting else None
        events = stream_work(root, say_work(root, text, resume=resume))
        for shown, done, asked in self._chat_turn(events, history):
            yield ("", shown, shown, asked, *(self.views(project, selected) if done else _skip(self.VIEW_COUNT)))

    def undo(self, project: str | None, selected: str | None, chat: Chat) -> Iterator[Any]:
        """Step back one revision (the same as saying "undo")."""
        yield from self._production_turn(project, selected, chat, "undo", lambda p: p.undo())

    def redo(self, project: str | None, selected: str | None, chat: Chat) -> Iterator[Any]:
        """Step forward to the revision last undone."""
        yield from self._production_turn(project, selected, chat, "redo", lambda p: p.redo())

    def _production_turn(
        self, project: str | None, selected: str | None, chat: Chat, label: str, call: Any
    ) -> Iterator[Any]:
        if project is None:
            raise gr.Error("open a project first")
        root = Path(project)
        history: Chat = [*chat, {"role": "user", "content": f"({label})"}]

        def work(hooks: Hooks) -> Any:
            with opened(root, hooks) as production:
                return call(production)

        for shown, done, _ in self._chat_turn(stream_work(root, work), history):
            yield (shown, shown, *(self.views(project, selected) if done else _skip(self.VIEW_COUNT)))

    def _chat_turn(self, events: Iterator[StudioEvent], chat: Chat) -> Iterator[tuple[Chat, bool, bool]]:
        """Fold a turn's events into chat messages: each step a titled message, then the reply.

        Yields (chat, finished, asked): `asked` is True when the director waits for a yes or no.
        """
        chat = [dict(m) for m in chat]
        step: dict[str, Any] | None = None
        rendering: dict[str, Any] | None = None
        started = time.monotonic()
        streamed: dict[str, Any] | None = None
        asked = False

        def close_step() -> None:
            if step is not None:
                step["metadata"] = {
                    **step["metadata"],
                    "status": "done",
                    "duration": round(time.monotonic() - started, 1),
                }

        for event in events:
            if event.kind == "tool":  # reported once the call is made: a finished step, with its outcome
                name, _, outcome = event.text.partition(" -> ")
                title, log = html_text(views.clip(name, 90)), html_text(views.clip(outcome, 120))
                metadata = {"title": f"🛠 {title}", "status": "done", "log": log}
                chat.append({"role": "assistant", "content": "", "metadata": metadata})
            elif event.kind == "announce":
                close_step()
                started = time.monotonic()
                step = {"role": "assistant", "content": "", "metadata": {"title": event.text, "status": "pending"}}
                chat.append(step)
                if event.text.startswith("rendering"):
                    rendering = step
            elif event.kind == "progress":  # frames belong to the rendering step, even once a later one began
                if rendering is None:
                    close_step()
                    started = time.monotonic()
                    step = {"role": "assistant", "content": "", "metadata": {"title": "rendering", "status": "pending"}}
                    chat.append(step)
                    rendering = step
                rendering["metadata"] = {**rendering["metadata"], "log": event.text}
            elif event.kind == "text":
                if streamed is None:
                    streamed = {"role": "assistant", "content": ""}
                    chat.append(streamed)
                streamed["content"] = str(streamed["content"]) + html_text(event.text)  # the model's words are data
            elif event.kind == "question":
                asked = True
                chat.append({"role": "assistant", "content": f"{html_text(event.text)}\n\nAnswer **yes** or **no**."})
            elif event.kind == "error":
                close_step()
                chat.append({"role": "assistant", "content": f"⚠️ {html_text(event.text)}"})
                yield chat, True, False
                return
            elif event.kind == "done":
                close_step()
                answer, said = reply_text(event.result), html_text(event.result.reply or "")
                if streamed is not None and str(streamed["content"]).strip() == said.strip():
                    answer = answer.removeprefix(said).lstrip("\n")
                if answer:
                    chat.append({"role": "assistant", "content": answer})
                yield chat, True, asked
                return
            yield chat, False, asked

    # Shots ------------------------------------------------------------------------------------

    def select_panel(self, project: str | None, evt: gr.SelectData) -> tuple[Any, ...]:
        """A storyboard panel was clicked: select its shot."""
        return self.select_shot(int(evt.index) + 1, project)

    def select_shot(self, number: float | None, project: str | None) -> tuple[Any, ...]:
        """Select shot `number` (1-based) and show its controls."""
        if project is None or number is None:
            return (None, *self.views(project, None)[4:])
        from story import ProjectFolder

        current = ProjectFolder.open(Path(project)).load()
        index = int(number) - 1
        if not 0 <= index < len(current.shots):
            raise gr.Error(f"there is no shot {int(number)}; the project has {len(current.shots)} shots")
        return (current.shots[index].id, *self.controls(current, current.shots[index].id))

    def edit_shot(
        self,
        size: str,
        angle: str,
        movement: str,
        seconds: float | None,
        characters: list[str] | None,
        project: str | None,
        selected: str | None,
        chat: Chat,
    ) -> Iterator[Any]:
        """The controls' values as one typed edit of the selected shot: the same edit as saying it."""
        from story import ProjectFolder

        if project is None or selected is None:
            raise gr.Error("select a shot on the storyboard first")
        current = ProjectFolder.open(Path(project)).load()
        try:
            shot = current.shot(selected)
        except KeyError:
            raise gr.Error("that shot is no longer in the project; select another") from None
        changes: dict[str, Any] = {}
        if size and size != shot.size.value:
            changes["size"] = ShotSize(size)
        if angle and angle != shot.angle.value:
            changes["angle"] = Angle(angle)
        if movement and movement != shot.movement.value:
            changes["movement"] = Movement(movement)
        if seconds is not None and current.frames(float(seconds)) != shot.duration_frames:
            changes["duration_frames"] = current.frames(float(seconds))
        cast = list(characters or [])
        if characters is not None and set(cast) != set(shot.characters):
            changes["characters"] = [c for c in shot.characters if c in cast] + [
                c for c in cast if c not in shot.characters
            ]
            if any(c not in cast for c in shot.positions):  # nobody may keep a place in a shot they left
                changes["positions"] = {c: x for c, x in shot.positions.items() if c in cast}
        number = current.shot(selected).label
        if not changes:
            history = [
                *chat,
                {"role": "assistant", "content": f"Shot {number} already looks like that; nothing changed."},
            ]
            yield (history, history, *_skip(self.VIEW_COUNT))
            return
        edit = UpdateShot(shot_id=selected, changes=ShotChanges(**changes))
        yield from self._edit_turn(project, selected, chat, edit, f"shot {number}: set with the controls")

    def new_take(self, project: str | None, selected: str | None, chat: Chat) -> Iterator[Any]:
        """Render one more take of the selected shot under a new seed; the reel keeps the take it has."""
        label = self._selected_label(project, selected)
        edit = RequestTakes(shot_id=str(selected), count=1)
        yield from self._edit_turn(str(project), selected, chat, edit, f"another take of shot {label}")

    def use_take(self, take: float | None, project: str | None, selected: str | None, chat: Chat) -> Iterator[Any]:
        """Put the chosen take of the selected shot in the reel (the same edit as "use take 2 of shot 3")."""
        label = self._selected_label(project, selected)
        if take is None:
            raise gr.Error("choose a take in the list first")
        edit = ChooseTake(shot_id=str(selected), take=int(take))
        yield from self._edit_turn(str(project), selected, chat, edit, f"use take {int(take)} of shot {label}")

    def _selected_number(self, project: str | None, selected: str | None) -> int:
        from story import ProjectFolder

        if project is None or selected is None:
            raise gr.Error("select a shot on the storyboard first")
        try:
            return ProjectFolder.open(Path(project)).load().shot_number(selected)
        except KeyError:
            raise gr.Error("that shot is no longer in the project; select another") from None

    def _selected_label(self, project: str | None, selected: str | None) -> str:
        """The selected shot's label ('2A'), the name the person sees."""
        from story import ProjectFolder

        number = self._selected_number(project, selected)
        return ProjectFolder.open(Path(str(project))).load().shots[number - 1].label

    def _edit_turn(self, project: str, selected: str | None, chat: Chat, edit: AnyEdit, message: str) -> Iterator[Any]:
        root = Path(project)
        history: Chat = [*chat, {"role": "user", "content": f"({message})"}]

        def work(hooks: Hooks) -> Any:
            with opened(root, hooks) as production:
                return production.apply([edit], message=message)

        for shown, done, _ in self._chat_turn(stream_work(root, work), history):
            yield (shown, shown, *(self.views(project, selected) if done else _skip(self.VIEW_COUNT)))

    # Media ------------------------------------------------------------------------------------

    def add_image(self, upload: str | None, project: str | None, chat: Chat) -> tuple[Any, ...]:
        """Keep a checked reference image (png/jpg up to 20 MB) in the project's media/uploads/image/."""
        if project is None:
            raise gr.Error("open a project first")
        try:
            kept = keep_upload(check_upload(upload, IMAGE), Path(project), f"{UPLOADS_DIR}/image")
        except StudioError as exc:
            raise gr.Error(str(exc)) from None
        note = f"Kept the reference image as `{kept.relative_to(Path(project).resolve())}`."
        history = [*chat, {"role": "assistant", "content": note}]
        return history, history, None

    def add_music(self, upload: str | None, project: str | None, selected: str | None, chat: Chat) -> Iterator[Any]:
        """Lay uploaded music (wav/mp3/ogg/flac up to 100 MB) under the reel, as `storyreel music` does."""
        from agent.commands import ImportMusic

        if project is None:
            raise gr.Error("open a project first")
        try:
            source = check_upload(upload, MUSIC)
        except StudioError as exc:
            raise gr.Error(str(exc)) from None
        history: Chat = [*chat, {"role": "user", "content": f"(music: {source.name})"}]
        for shown, done in self._command_turn(project, history, ImportMusic(path=str(source))):
            yield (shown, shown, None, *(self.views(project, selected) if done else _skip(self.VIEW_COUNT)))

    def record_line(
        self, upload: str | None, line: float | None, project: str | None, selected: str | None, chat: Chat
    ) -> Iterator[Any]:
        """Use an uploaded recording for a line of the selected shot, as `storyreel voice` does; without a
        recording, the line goes back to its scratch voice."""
        from agent.commands import RecordLine

        number = self._selected_number(project, selected)
        if line is None or line != int(line) or not 1 <= line <= 40:
            raise gr.Error("give the line's number within the shot (1 for its first line)")
        try:
            path = None if not upload else str(check_upload(upload, RECORDING))
        except StudioError as exc:
            raise gr.Error(str(exc)) from None
        command = RecordLine(shot=number, line=int(line), path=path)
        what = "the scratch voice" if path is None else f"recording {Path(path).name}"
        label = self._selected_label(project, selected)
        history: Chat = [*chat, {"role": "user", "content": f"(shot {label} line {int(line)}: {what})"}]
        for shown, done in self._command_turn(str(project), history, command):
            yield (shown, shown, None, *(self.views(project, selected) if done else _skip(self.VIEW_COUNT)))

    def _command_turn(self, project: str, history: Chat, command: Any) -> Iterator[tuple[Chat, bool]]:
        """Hand one command to the production service; its steps and result stream into the chat."""
        root = Path(project)

        def work(hooks: Hooks) -> Any:
            with opened(root, hooks) as production:
                return production.run([command])

        for shown, done, _ in self._chat_turn(stream_work(root, work), history):
            yield shown, done

    # What the widgets show --------------------------------------------------------------------

    def views(self, project: str | None, selected: str | None) -> tuple[Any, ...]:
        """Title, storyboard, player, downloads and the selected shot's controls, for one project."""
        if project is None:
            empty = gr.update(value=None, choices=[])
            return ("### No project open", [], None, [], empty, "", None, None, None, None, empty, empty)
        from story import ProjectError, ProjectFolder

        try:
            folder = ProjectFolder.open(Path(project))
            current = folder.load()
            panels = views.storyboard(folder, current)
            reel, downloads = views.reel(folder, current), views.exports(folder)
        except (ProjectError, StudioError) as exc:  # the folder went away or broke under us: say so
            raise gr.Error(f"cannot show {Path(project).name}: {exc}") from None
        seconds = current.total_frames() / current.fps
        title = (
            f"### {current.bible.title} · {len(current.shots)} shots · {seconds:.1f}s"
            f" · revision {current.revision} · `{Path(project).name}`"
        )
        return (
            title,
            [(p.image, p.caption) for p in panels],
            reel,
            downloads,
            *self.controls(current, selected),
        )

    def controls(self, current: Project, selected: str | None) -> tuple[Any, ...]:
        """The shot picker, summary and controls for the selected shot (empty when none is)."""
        # The picker shows each shot's label ('2A') and hands back its place in the list.
        numbers = [(shot.label, str(n)) for n, shot in enumerate(current.shots, 1)]
        form = None
        if selected is not None:
            try:
                form = views.shot_form(current, current.shot_number(selected))
            except KeyError:
                form = None
        if form is None:
            return (
                gr.update(choices=numbers, value=None),
                "Click a panel on the storyboard to select its shot.",
                None,
                None,
                None,
                None,
                gr.update(choices=[(c.name, c.id) for c in current.characters], value=[]),
                gr.update(choices=[], value=None),
            )
        else:
            return (
                gr.update(choices=numbers, value=str(form.number)),
                form.summary,
                form.size,
                form.angle,
                form.movement,
                form.seconds,
                gr.update(
                    choices=[(c.name, c.id) for c in current.characters], value=list(current.shot(selected).characters)
                ),
                gr.update(choices=form.takes, value=form.current_take),
            )


def reply_text(result: Any) -> str:
    """The director's answer for the chat: the reply, what changed, what rendered, what went wrong.

    Words from the model or a file are escaped: the chat renders Markdown and HTML, and they are data.
    """
    lines = [html_text(result.reply)] if result.reply else []
    lines += [f"• {html_text(change)}" for change in result.changes if change not in (result.reply or "")]
    if result.rendered:
        shots = ", ".join(result.label(n) for n in result.rendered)
        lines.append(f"Rendered shot{'s' if len(result.rendered) > 1 else ''} {shots} in {result.render_seconds:.1f}s.")
    lines += [
        f"⚠️ shot {result.label(n)} failed: {html_text(why)} (a marked placeholder stands in)"
        for n, why in result.failed.items()
    ]
    lines += [f"⚠️ {html_text(warning)}" for warning in result.warnings]
    return "\n".join(lines)

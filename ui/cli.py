"""The `storyreel` command: a thin door onto `agent.production.Production`. What commands share
(the app, consoles, exit codes, reporting a turn) is in `ui.door`.

Exit codes: 0 on success, 2 with one line for a person's mistake (bad brief, unknown shot, words
not understood, not a project: `TurnResult.refused`), 1 with one line when the machine fails
(ffmpeg missing). Never a traceback for either. Heavy modules are imported inside the commands so
`storyreel --help` is instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from ui.door import (
    PersonError,
    ProjectDir,
    app,
    counted,
    door,
    err,
    open_project,
    out,
    playing_as_it_renders,
    report_turn,
    warn,
)
from ui.text import plain, print_plain

EXAMPLE_BRIEF = Path(__file__).resolve().parent.parent / "agent" / "examples" / "keeper.txt"

if TYPE_CHECKING:
    pass


@app.command()
def new(
    directory: ProjectDir,
    brief: Annotated[str | None, typer.Option("--brief", help="The story brief as text.")] = None,
    brief_file: Annotated[
        Path | None,
        typer.Option("--brief-file", metavar="FILE", help="A file with the brief (prose or a Fountain screenplay)."),
    ] = None,
    brief_audio: Annotated[
        Path | None,
        typer.Option(
            "--brief-audio",
            metavar="FILE",
            help="A recording of the brief (a voice memo: wav, mp3, m4a, ogg, webm...), heard through the"
            " endpoint's transcription API (OPENAI_BASE_URL, STORYREEL_TRANSCRIBE_MODEL).",
        ),
    ] = None,
    example: Annotated[bool, typer.Option("--example", help="Use the bundled example brief.")] = False,
    title_card: Annotated[bool, typer.Option("--title-card/--no-title-card", help="Open with a title card.")] = True,
) -> None:
    """Plan a brief into a new project, render every shot and assemble the reel."""
    with door():
        given = {
            "--brief": brief is not None,
            "--brief-file": brief_file is not None,
            "--brief-audio": brief_audio is not None,
            "--example": example,
        }
        chosen = [name for name, present in given.items() if present]
        if len(chosen) != 1:
            raise PersonError("give exactly one of --brief TEXT, --brief-file FILE, --brief-audio FILE or --example")
        raw: str | bytes
        if brief is not None:
            raw = brief
        elif brief_audio is not None:
            raw = heard_brief(brief_audio)
        else:
            source = EXAMPLE_BRIEF if example else Path(brief_file or "")
            if not source.is_file():
                raise PersonError(f"brief file {source} does not exist")
            from agent.brief import read_brief_file

            raw = read_brief_file(source)  # a .fountain file is Fountain, heading or not
    from ui.progress import render_bars

    with door(), render_bars(err) as bars:
        from agent.production import Production

        progress, announce = playing_as_it_renders(directory, bars.progress, bars.announce)
        _, result = Production.new(  # plans through the director the settings choose
            directory, raw, title_card=title_card, progress=progress, announce=announce
        )
    report_turn(result)


def heard_brief(recording: Path) -> str:
    """The brief spoken in `recording`, shown as heard; one line and exit 2 (1 when the server failed)
    when it cannot be heard."""
    from agent.speech import SpeechError, transcribe

    if not recording.is_file():
        raise PersonError(f"recording {recording} does not exist")
    try:
        heard = transcribe(recording)
    except SpeechError as exc:
        if exc.machine:
            print_plain(err, ("failed", "red"), ": ", str(exc), soft_wrap=True)
            raise typer.Exit(1) from None
        raise PersonError(str(exc)) from None
    print_plain(out, f"Heard in {heard.source}: {heard.text}", soft_wrap=True)
    return heard.text


@app.command()
def say(
    directory: ProjectDir,
    instruction: Annotated[str, typer.Argument(help='What to change, e.g. "make shot 3 a close-up".')],
) -> None:
    """Tell the director what to change; re-renders only what changed."""
    with open_project(directory) as production:
        from agent.graph import say as say_turn
        from ui.branch_cli import newest_offer, show_new_versions

        offered = newest_offer(production)
        result = say_turn(production, instruction)
        shown = show_new_versions(production, offered)  # versions asked for: their contact sheet and video
    report_turn(result)
    for line in shown:
        print_plain(out, line, soft_wrap=True)


@app.command()
def chat(
    directory: Annotated[Path, typer.Argument(help="The project folder (a new folder starts from a brief).")],
) -> None:
    """Talk with the director: replies stream, tool calls and render progress show as they happen."""
    from ui.chat import ask_line, converse, start

    with door():
        warned: set[str] = set()  # each warning once a conversation
        production = start(directory, ask_line, out, warned)
        if production is None:
            raise PersonError("no brief given; nothing was created")
        try:
            converse(production, ask_line, out, err, warned)
        finally:
            production.close()


@app.command()
def approve(
    directory: ProjectDir,
    answer: Annotated[str, typer.Argument(help="yes or no: the answer to the director's waiting question.")],
) -> None:
    """Answer a turn that waits for approval (e.g. before a costly render); works after a restart."""
    with open_project(directory) as production:
        from agent.graph import say as say_turn

        result = say_turn(production, "", resume=answer.strip().lower())
    report_turn(result)


@app.command()
def undo(directory: ProjectDir) -> None:
    """Step back one revision."""
    with open_project(directory) as production:
        result = production.undo()
    report_turn(result)


@app.command()
def redo(directory: ProjectDir) -> None:
    """Step forward to the revision last undone."""
    with open_project(directory) as production:
        result = production.redo()
    report_turn(result)


@app.command()
def render(
    directory: ProjectDir,
    executor: Annotated[
        str | None, typer.Option(help="Where shots render: local or ray (ray if STORYREEL_RAY_ADDRESS is set).")
    ] = None,
    ray_address: Annotated[
        str | None, typer.Option(help="Ray cluster to join, e.g. 10.0.0.5:6379 (implies --executor ray).")
    ] = None,
    backend: Annotated[
        str | None, typer.Option(help="Renderer to use from now on: animatic, diffusers, runway, openai...")
    ] = None,
    shot: Annotated[
        str | None, typer.Option(help="With --backend: use it for this shot only (its label: 3, 2A).")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="The renderer's model (diffusers: a local folder; hosted: the image model).")
    ] = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", metavar="KEY=VALUE", help="A renderer option (repeatable).")
    ] = None,
) -> None:
    """Render shots that are missing, stale or failed, and assemble the reel."""
    with open_project(directory) as production:
        from tools.render.executors import get_executor
        from ui.takes_cli import choose_backend

        chosen = get_executor(executor, address=ray_address)
        result = choose_backend(production, backend, shot=shot, model=model, options=option or [], executor=chosen)
        if result is None or not (result.refused or result.reel):  # no renderer named, or it was already the one
            result = production.render(chosen)
    report_turn(result, quiet_reply=result.reel is not None and bool(result.changes))


@app.command()
def show(
    directory: ProjectDir,
    as_json: Annotated[bool, typer.Option("--json", help="Print the project as stored in story.json.")] = False,
) -> None:
    """Show the shot list."""
    with door():
        from story import ProjectFolder
        from ui.shot_list import shot_table, totals

        folder = ProjectFolder.open(directory)
        project = folder.load()
        warn(folder.warnings)
        if as_json:
            sys.stdout.write(folder.story_path.read_text())
            return
        out.print(shot_table(project))
        out.print(totals(project), highlight=False)


@app.command()
def history(directory: ProjectDir) -> None:
    """List the revisions that led here, newest last."""
    with door():
        from story import ProjectFolder

        folder = ProjectFolder.open(directory)
        current = folder.load().revision
        for revision in folder.lineage():
            mark = "*" if revision.number == current else " "
            said = f' "{revision.message}"' if revision.message else ""
            print_plain(out, f"{mark} r{revision.number}{said}")
            for line in revision.summary[:12]:
                print_plain(out, f"      {line}")
            if len(revision.summary) > 12:
                out.print(f"      … and {len(revision.summary) - 12} more", highlight=False)


@app.command("memory")
def memory_recall(
    directory: ProjectDir,
    query: Annotated[str, typer.Argument(help='What to look for, e.g. "the woman in crimson".')],
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Only this kind (character, location, style, decision, shot, preference)."),
    ] = None,
    k: Annotated[int, typer.Option("-k", help="How many memories to show.", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON, best first.")] = False,
) -> None:
    """Show what the project remembers that is closest in meaning to a query, with scores.

    Without --kind, the characters, places, style, decisions and preferences come first, and
    the shots where the answer shows after them: a shot's memory repeats what it shows, so it
    would otherwise crowd out the thing itself.
    """
    from memory.store import RECALL_KINDS

    with open_project(directory) as production:
        memory = production.memory()
        things = [name for name in RECALL_KINDS if name != "shot"]
        try:
            if kind:
                groups = {"": memory.recall(query, kinds=kind, k=k)}
            else:
                groups = {
                    "": memory.recall(query, kinds=things, k=k),
                    "In shots": memory.recall(query, kinds=["shot"], k=min(k, 3)),
                }
        except ValueError as exc:
            raise PersonError(str(exc)) from None
        finally:
            warn(production.folder.warnings)
        if as_json:
            import json

            rows = [
                {"score": round(hit.score, 4), "kind": hit.kind, "id": hit.id, "ref": hit.ref, "text": hit.text}
                for hits in groups.values()
                for hit in hits
            ]
            sys.stdout.write(json.dumps(rows, indent=2) + "\n")
            return
        if not any(groups.values()):
            out.print("Nothing remembered yet.")
            return
        for title, hits in groups.items():
            if not hits:
                continue
            table = Table(title=title or None, title_justify="left", show_edge=False)
            for column in ("score", "kind", "id", "memory"):
                table.add_column(column, overflow="fold")
            for hit in hits:
                table.add_row(f"{hit.score:.2f}", hit.kind, Text(plain(hit.ref)), Text(plain(hit.text[:160])))
            out.print(table)


@app.command()
def remember(
    directory: ProjectDir,
    note: Annotated[str, typer.Argument(help='A decision, e.g. "the ending is at dawn".')],
    preference: Annotated[
        bool, typer.Option("--preference", help='A taste kept across all your projects ("I like handheld").')
    ] = False,
) -> None:
    """Add a decision to the project's memory, or a preference to yours."""
    with open_project(directory) as production:
        memory = production.memory()
        try:
            if preference:
                hit = memory.preferences.remember(note)
            else:
                hit = memory.remember(note, revision=production.project.revision)
        except ValueError as exc:
            raise PersonError(str(exc)) from None
        print_plain(out, f"Remembered ({hit.kind}): {hit.text}")


@app.command()
def check(directory: ProjectDir) -> None:
    """List continuity problems by shot label; exit code 3 when there are any."""
    with open_project(directory) as production:
        from story.continuity import check as continuity

        project = production.project
        problems = continuity(project, production.memory())
        warn(production.folder.warnings)
        if not problems:
            out.print(f"No continuity problems in {counted(len(project.shots), 'shot')}.")
            return
        for problem in problems:
            print_plain(out, f"  • {problem}")
        out.print(f"{len(problems)} problem{'s' if len(problems) > 1 else ''}")
    raise typer.Exit(3)


@app.command("memory-rebuild")
def memory_rebuild(directory: ProjectDir) -> None:
    """Rebuild the project's memory from story.json and its decisions (after loss or corruption)."""
    with door():
        from memory import ProjectMemory
        from story import ProjectFolder

        folder = ProjectFolder.open(directory)
        project = folder.load()
        memory = ProjectMemory.recover(folder.root, project)
        try:
            count = memory.count()
        finally:
            memory.close()
        out.print(f"Memory rebuilt from revision {project.revision}: {count} memories.")


# Commands that live in their own modules register themselves on `ui.door.app` when imported. Each
# module imports only typer and ui.door at the top, so `storyreel --help` stays instant.
COMMAND_MODULES: tuple[str, ...] = (
    "ui.studio_cli",
    "ui.export_cli",
    "ui.takes_cli",
    "ui.evals_cli",
    "ui.sound_cli",
    "ui.branch_cli",
)


def _register_commands() -> None:
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(module)


def main() -> None:
    """Entry point of the console script."""
    _register_commands()
    app()


if __name__ == "__main__":
    main()

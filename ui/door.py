"""What every command of the `storyreel` door shares: the typer app that command modules register
on, the consoles, and the one way a command turns failures into a line and an exit code.

Exit codes: 0 on success, 2 with one line for a person's mistake (bad brief, unknown shot, words
not understood, not a project: `TurnResult.refused`), 1 with one line when the machine fails
(ffmpeg missing). Never a traceback for either. Command modules import only typer and this module
at the top, so `storyreel --help` stays instant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from ui.text import plain, print_plain
from ui.usage import ReadableTyper

if TYPE_CHECKING:
    from agent.production import Production, TurnResult
    from story import Project

app = ReadableTyper(
    name="storyreel",
    help="Direct a story reel by talking: a brief becomes a shot list and an animatic you refine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

Progress = Callable[[str, int, int], None]
"""Hears a render's progress: label, frames done since the last call, frames in all."""
Announce = Callable[[str], None]
"""Hears the line that names a step as it begins ("rendering 2 of 5 shots")."""

ProjectDir = Annotated[Path, typer.Argument(help="The project folder.", show_default=False)]
SHOT_HELP = "The shot's label, as `show` lists it (3, 2A)."


class PersonError(Exception):
    """A mistake in what the person asked for; exit code 2."""


def mistakes() -> tuple[type[BaseException], ...]:
    from agent.brief import BriefError
    from agent.llm import SettingsError
    from story import EditError, MissingTake, ProjectError
    from tools.render.base import RenderError

    return (PersonError, BriefError, EditError, ProjectError, MissingTake, RenderError, SettingsError)


@contextmanager
def door() -> Iterator[None]:
    """Turn known failures into one line and an exit code."""
    try:
        yield
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        err.print("[yellow]stopped[/]: finished takes are kept; run the same command to resume")
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - sorted into the person's mistakes and the machine's
        from tools.media.codec import EncodeError

        if isinstance(exc, mistakes()):
            print_plain(err, ("error", "red"), ": ", str(exc), soft_wrap=True)
            raise typer.Exit(2) from None
        from agent.director import DirectorError

        if isinstance(exc, EncodeError | OSError | DirectorError):
            print_plain(err, ("failed", "red"), ": ", str(exc), soft_wrap=True)
            raise typer.Exit(1) from None
        raise


def playing_line(console: Console) -> Callable[[Path], None]:
    """Prints "Playing as it renders: <playlist>", the live reel a player can open while shots render."""

    def playing(playlist: Path) -> None:
        print_plain(console, f"Playing as it renders: {playlist}", soft_wrap=True)

    return playing


def playing_as_it_renders(
    directory: Path, progress: Progress, announce: Announce, console: Console | None = None
) -> tuple[Progress, Announce]:
    """`progress` and `announce` that also print, once, "Playing as it renders: <playlist>" as soon as a
    render pass begun from now on has a shot playable in the live reel (tools/render/live.py): while
    later shots render, or, when the shots rendered are the last to become playable, as the pass ends."""
    from tools.render.live import first_playable_check

    check = first_playable_check(directory, playing_line(console or out))

    def progressed(label: str, frames: int, total: int) -> None:
        progress(label, frames, total)
        check()

    def announced(line: str) -> None:
        check()  # a step that follows the render ("assembling the reel"): the pass is over
        announce(line)

    return progressed, announced


@contextmanager
def open_project(directory: Path) -> Iterator[Production]:
    """The project folder opened for work, with progress bars on stderr; a command that renders shots
    says where the reel plays while it renders."""
    from ui.progress import render_bars

    with door(), render_bars(err) as bars:
        from agent.production import Production

        progress, announce = playing_as_it_renders(directory, bars.progress, bars.announce)
        production = Production.open(directory, progress=progress, announce=announce)
        try:
            with production.changing():  # one writer at a time: a second waits, then exits 2 naming this one
                yield production
        finally:
            production.close()


def shot_place(project: Project, typed: str) -> int:
    """The 1-based place of the shot a person typed by its label, as `show` lists it ('2A', '2a', '#3', '03'):
    a bare number is the shot labelled that number, not the shot at that place. `PersonError` names the
    labels there are."""
    wanted = typed.strip().lstrip("#").upper()
    wanted = wanted.lstrip("0") or "0" if wanted.isdigit() else wanted
    labels = [shot.label for shot in project.shots]
    if wanted in labels:
        return labels.index(wanted) + 1
    has = f"the project has {counted(len(labels), 'shot')}"  # in the commands' words (agent/commands.py)
    if labels != [str(n) for n in range(1, len(labels) + 1)]:  # labels kept through changes: say which there are
        has = f"the shots are {', '.join(labels[:20])}{', ...' if len(labels) > 20 else ''}"
    raise PersonError(f"there is no shot {typed.strip()}; {has}")


def counted(number: int, noun: str) -> str:
    """`1 shot`, `3 shots`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def warn(warnings: list[str], console: Console = err, *, said: set[str] | None = None) -> None:
    """Each warning once, on a line of its own (wrapped at words in a terminal, whole when piped);
    `said` holds those already given."""
    said = set() if said is None else said
    for warning in warnings:
        if warning not in said:
            said.add(warning)
            print_plain(console, ("warning", "yellow"), ": ", warning, soft_wrap=not console.is_terminal)


def refuse(reply: str) -> NoReturn:
    """A turn that applied nothing because the request was a mistake: its reason in one line, exit 2."""
    print_plain(err, ("error", "red"), ": ", " ".join(plain(reply).split()), soft_wrap=not err.is_terminal)
    raise typer.Exit(2)


def show_turn(
    result: TurnResult,
    *,
    to: Console | None = None,
    errors: Console | None = None,
    quiet_reply: bool = False,
    reply_as: str = "",
    said: set[str] | None = None,
) -> None:
    """What a turn did, as the terminal shows it (the one formatter for `say`, `chat` and the
    other commands): each warning once, the reply (unless it streamed), the changes, failed shots,
    what rendered and the reel."""
    to, errors = to or out, errors or err
    warn(result.warnings, errors, said=said)
    if not quiet_reply and result.reply:
        print_plain(to, f"{reply_as}{result.reply}")
    for line in result.changes:
        print_plain(to, f"  • {line}")
    for number, why in result.failed.items():
        why = f": {why} (a marked placeholder stands in; `render` retries it)"
        print_plain(errors, (f"shot {result.label(number)} failed", "red"), why)
    if result.rendered:
        shots = ", ".join(result.label(n) for n in result.rendered)
        to.print(f"Rendered shot{'s' if len(result.rendered) > 1 else ''} {shots} in {result.render_seconds:.1f}s")
    if result.reel is not None:
        seconds = result.frames / result.fps
        print_plain(to, f"Reel: {result.reel} ({result.frames} frames, {seconds:.1f}s)", soft_wrap=True)


def report_turn(result: TurnResult, *, quiet_reply: bool = False) -> None:
    """A one-off command's turn: a refusal is one line and exit 2, a model that gave no usable
    answer one line and exit 1, anything else `show_turn`."""
    if result.unanswered:
        warn(result.warnings)
        print_plain(err, ("failed", "red"), ": ", " ".join(plain(result.reply).split()), soft_wrap=not err.is_terminal)
        raise typer.Exit(1)
    if result.refused:
        warn(result.warnings)
        refuse(result.reply)
    show_turn(result, quiet_reply=quiet_reply)

"""`storyreel chat`: a conversation with the director in the terminal.

The model's words are printed as they stream, each tool call shows as a line while the turn
runs, and render progress shows as bars. A turn that waits for approval asks inline. The turn
itself is `agent.graph.stream_turn`, the same graph `storyreel say` and the studio use.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from ui.text import plain, print_plain

if TYPE_CHECKING:
    from agent.production import Production, TurnResult

Ask = Callable[[str], str | None]
"""Reads one line from the person after showing a prompt; None at the end of input."""

GOODBYE = {"quit", "exit", "bye", ":q"}


def ask_line(prompt: str) -> str | None:
    """A line from standard input; None at end of input (Ctrl-D) or Ctrl-C at the prompt."""
    try:
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        return None


def start(directory: Path, ask: Ask, out: Console, warned: set[str] | None = None) -> Production | None:
    """Open the project, or plan a new one from the person's first message (a brief).

    `warned` collects the warnings given, so the conversation gives each only once."""
    from agent.production import Production

    if (directory / "story.json").is_file():
        return Production.open(directory, memory_follows=True)
    print_plain(out, f"{directory} is a new project. Tell me the story (one paragraph is plenty).")
    brief = ask("brief> ")
    if brief is None or not brief.strip():
        return None
    from ui.door import playing_as_it_renders
    from ui.progress import render_bars

    with render_bars(out) as bars:  # the model's thinking and the first render show while they last
        progress, announce = playing_as_it_renders(directory, bars.progress, bars.announce, out)
        production, result = Production.new(directory, brief, memory_follows=True, progress=progress, announce=announce)
    report(result, out, streamed=False, warned=warned)
    return production


def converse(production: Production, ask: Ask, out: Console, err: Console, warned: set[str] | None = None) -> int:
    """Turns until the person says quit or input ends; returns how many turns ran. A warning is
    given once a conversation (`warned` holds those given), not again after every turn."""
    warned = set() if warned is None else warned
    turns = 0
    out.print('Say what to change ("make shot 3 a close-up"), ask a question, or type quit.', highlight=False)
    while True:
        message = ask("you> ")
        if message is None or message.strip().lower() in GOODBYE:
            return turns
        if not message.strip():
            continue
        try:
            turn(production, message, ask, out, err, warned=warned)
        except Exception as exc:  # noqa: BLE001 - a failed turn is one line; the conversation goes on
            print_plain(err, ("failed", "red"), f": {' '.join(plain(str(exc)).split()) or type(exc).__name__}")
        turns += 1


def turn(
    production: Production,
    message: str,
    ask: Ask,
    out: Console,
    err: Console,
    resume: str | None = None,
    warned: set[str] | None = None,
) -> None:
    """One turn with its events shown as they happen."""
    from agent.graph import stream_turn
    from tools.render.live import first_playable_check
    from ui.door import playing_line
    from ui.progress import render_bars

    streamed = False
    shown = False  # the words streamed before the playing line: the reply is not printed again
    line = playing_line(out)

    def playing(playlist: Path) -> None:
        nonlocal streamed, shown
        if streamed:  # the director's words end their line first
            out.file.write("\n")
            streamed, shown = False, True
        line(playlist)

    playable = first_playable_check(production.folder.root, playing)  # once, if this turn renders
    with ExitStack() as stack:
        bars = None
        for event in stream_turn(production, message, resume=resume):
            if event.kind == "text":
                if not streamed:
                    out.file.write("director> ")
                out.file.write(plain(event.text))  # the model's words are data: no escape codes reach the terminal
                out.file.flush()
                streamed = True
            elif event.kind == "tool":
                if streamed:
                    out.file.write("\n")
                    streamed = False
                print_plain(err, "  ", ("tool", "dim"), f" {event.text}", soft_wrap=True)
            elif event.kind in ("announce", "progress"):
                if bars is None:
                    bars = stack.enter_context(render_bars(err))
                if event.kind == "announce" and "waiting" in event.data:
                    bars.announce(event.text)  # the model thinking: a line that ticks, not one a second
                elif event.kind == "announce":
                    print_plain(err, "  ", (event.text, "dim"))
                    bars.announce(event.text)
                else:
                    bars.progress(event.data["label"], event.data["frames"], event.data["total"])
                playable()
            elif event.kind == "question":
                stack.close()
                if streamed:
                    out.file.write("\n")
                answer = ask(f"{plain(event.text)} [y/N] ") or "no"
                said = "yes" if answer.strip().lower() in ("y", "yes") else "no"
                turn(production, "", ask, out, err, resume=said, warned=warned)
                return
            elif event.result is not None:
                playable()
                stack.close()
                if streamed:
                    out.file.write("\n")
                report(event.result, out, streamed=streamed or shown, err=err, warned=warned)


def report(
    result: TurnResult, out: Console, *, streamed: bool, err: Console | None = None, warned: set[str] | None = None
) -> None:
    """What the turn did, through the terminal's one formatter (`ui.door.show_turn`); warnings
    already given in this conversation (`warned`) are not repeated."""
    from ui.door import show_turn

    show_turn(result, to=out, errors=err or out, quiet_reply=streamed, reply_as="director> ", said=warned)

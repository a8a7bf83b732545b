"""`storyreel takes` and `storyreel budget`, and the renderer choice behind `storyreel render --backend`.

Imports only typer and ui.door at the top, so `storyreel --help` stays instant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ui.door import (
    SHOT_HELP,
    PersonError,
    ProjectDir,
    app,
    counted,
    door,
    open_project,
    out,
    report_turn,
    shot_place,
    warn,
)

if TYPE_CHECKING:
    from agent.production import Production
    from agent.state import TurnResult
    from tools.render.executors import Executor


def parse_options(pairs: list[str]) -> dict[str, Any]:
    """KEY=VALUE pairs as options; a value that reads as JSON (8, 0.5, true, null) is taken as such."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise PersonError(f"--option wants KEY=VALUE but got {pair!r}")
        try:
            options[key.strip()] = json.loads(value)
        except ValueError:
            options[key.strip()] = value
    return options


def choose_backend(
    production: Production,
    backend: str | None,
    *,
    shot: str | None,
    model: str | None,
    options: list[str],
    executor: Executor | None = None,
) -> TurnResult | None:
    """Record the renderer (the project's default, or one shot's) and its options as one revision, and render
    with it; None when no renderer was named."""
    from agent.commands import ChooseRenderer

    if backend is None and (shot is not None or model is not None or options):
        raise PersonError("--shot, --model and --option go with --backend NAME")
    if backend is None:
        return None
    if model is not None and Path(model).expanduser().exists():
        model = str(Path(model).expanduser().resolve())  # weights on this machine: kept by their full path
    place = None if shot is None else shot_place(production.project, shot)
    command = ChooseRenderer(backend=backend, options=parse_options(options), model=model, shot=place)
    return production.run([command], message=f"render with {backend}", executor=executor)


@app.command()
def takes(
    directory: ProjectDir,
    shot: Annotated[str, typer.Argument(help=SHOT_HELP, show_default=False)],
    use: Annotated[int | None, typer.Option("--use", help="Put this take in the reel.", min=1)] = None,
    more: Annotated[int | None, typer.Option("--more", help="Render this many new variations.", min=1, max=10)] = None,
) -> None:
    """List a shot's takes (backend, seed, cost, time); --use N puts take N in the reel, --more N renders more."""
    from story import ChooseTake, RequestTakes

    with open_project(directory) as production:
        project = production.project
        shot_id = project.shots[shot_place(project, shot) - 1].id
        label = project.shot(shot_id).label
        if use is not None or more is not None:
            edits: list[Any] = []
            if more is not None:
                edits.append(RequestTakes(shot_id=shot_id, count=more))
            if use is not None:
                edits.append(ChooseTake(shot_id=shot_id, take=use))
            words = f"take {use} for shot {label}" if use is not None else f"{more} more takes of shot {label}"
            report_turn(production.apply(edits, message=f"use {words}" if use is not None else f"give me {words}"))
            project = production.project
        print_takes(production, shot_id)


def print_takes(production: Production, shot_id: str) -> None:
    """The takes table for one shot, with the take in the reel marked."""
    from rich.table import Table

    from tools.render.jobs import plan_jobs

    project = production.project
    number = project.shot_number(shot_id)
    shot = project.shot(shot_id)
    current = plan_jobs(project)[number - 1].key if project.shots else ""
    table = Table(title=f"Shot {shot.label} — {counted(len(shot.takes), 'take')}", title_justify="left")
    for column in ("take", "", "backend", "seed", "cost", "secs", "file", "note"):
        table.add_column(column, overflow="fold")
    chosen = shot.take_for(current)
    for n, take in enumerate(shot.takes, 1):
        table.add_row(
            str(n),
            "▶" if take is chosen else "",
            take.backend,
            str(take.seed),
            f"${take.cost:,.2f}" if take.cost else "free",
            f"{take.seconds:.1f}",
            take.path,
            f"failed: {take.error[:60]}" if take.failed else "",
        )
    out.print(table)
    if shot.variations:
        one = len(shot.variations) == 1
        waiting = f"{counted(len(shot.variations), 'more take')} {'waits' if one else 'wait'} to render"
        out.print(f"{waiting}; `storyreel render DIR` renders {'it' if one else 'them'}.")


@app.command()
def budget(
    directory: ProjectDir,
    amount: Annotated[
        float | None, typer.Argument(help="The most the project may spend on renders, in US dollars.", min=0)
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Take the cap away.")] = False,
) -> None:
    """Show what renders have cost and the budget; with AMOUNT, set the most renders may spend."""
    with door():
        from story import ProjectFolder
        from tools.render.budget import estimate, spent
        from tools.render.jobs import stale_jobs

        if amount is not None and remove:
            raise PersonError("give an AMOUNT or --remove, not both")
        if amount is not None or remove:
            from agent.commands import SetBudget

            with open_project(directory) as production:
                report_turn(production.run([SetBudget(dollars=None if remove else amount)]), quiet_reply=True)
        folder = ProjectFolder.open(directory)
        project = folder.load()
        paid = spent(folder)
        waiting = estimate(folder, project, stale_jobs(folder, project))
        cap = "no budget set" if project.budget is None else f"budget ${project.budget:,.2f}"
        left = "" if project.budget is None else f", ${max(0.0, project.budget - paid):,.2f} left"
        out.print(f"Spent ${paid:,.2f} on renders ({cap}{left}).", highlight=False)
        if waiting:
            out.print(f"Rendering what is stale now would cost about ${waiting:,.2f}.", highlight=False)
        warn(folder.warnings)

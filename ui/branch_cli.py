"""`storyreel vary`, `keep`, `surprise`, `branch`, `branches`, `switch` and `compare`: trying things out.

Versions of a shot (or ways to cover a scene) render side by side as extra takes and land on a contact
sheet; keeping one is one undoable revision. A surprise is applied on a branch of its own; branches are
named places in the revision tree (story/branches.py) that the reel can be switched between.

Imports only typer and ui.door at the top, so `storyreel --help` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ui.door import SHOT_HELP, PersonError, ProjectDir, app, door, open_project, out, report_turn, shot_place
from ui.text import print_plain

if TYPE_CHECKING:
    from agent.production import Production

SeedOption = Annotated[
    int | None,
    typer.Option("--seed", help="Draw the same proposals again (else STORYREEL_SEED, else new ones).", min=0),
]


@app.command()
def vary(
    directory: ProjectDir,
    shot: Annotated[str | None, typer.Argument(help=SHOT_HELP, show_default=False)] = None,
    count: Annotated[int | None, typer.Option("--count", help="How many versions (shot: 3, scene: 2).", min=1)] = None,
    scene: Annotated[int | None, typer.Option("--scene", help="Vary how a whole scene is covered.", min=1)] = None,
    seed: SeedOption = None,
) -> None:
    """Render versions of a shot (or ways to cover a scene) side by side and write their contact sheet."""
    from agent.commands import VaryScene, VaryShot

    with door():
        if (shot is None) == (scene is None):
            raise PersonError("give a SHOT label or --scene N, not both")
    with open_project(directory) as production:
        try:
            if scene is not None:
                command: VaryShot | VaryScene = VaryScene(scene=scene, count=count or 2, seed=seed)
            else:
                command = VaryShot(shot=shot_place(production.project, shot or "1"), count=count or 3, seed=seed)
            result = production.run([command])
        except ValueError as exc:  # a count out of bounds, named by the command's model
            raise PersonError(str(exc).splitlines()[0]) from None
        report_turn(result, quiet_reply=True)
        for line in show_new_versions(production, 0):
            print_plain(out, line, soft_wrap=True)


def newest_offer(production: Production) -> int:
    """The number of the newest offer of versions in the project (0 for none)."""
    from story.variations import latest_offer

    offers = latest_offer(production.project)
    return offers[0].offer if offers else 0


def show_new_versions(production: Production, before: int) -> list[str]:
    """When versions newer than offer `before` are on offer: write their contact sheet and side-by-side video,
    and return the lines that say where they are (none otherwise)."""
    from tools.export.variations_sheet import NoOffer, write_variations_sheet, write_versions_reel

    if newest_offer(production) <= before:
        return []
    try:
        sheet = write_variations_sheet(production.folder, production.project)
        side_by_side = write_versions_reel(production.folder, production.project)
    except NoOffer as exc:
        return [f"No contact sheet: {exc}"]
    return [
        f"Contact sheet: {sheet}",
        f"Side by side, in sync: {side_by_side}",
        "Keep one with `storyreel keep DIR LETTER` (or say “keep B”).",
    ]


@app.command()
def keep(
    directory: ProjectDir,
    what: Annotated[
        list[str],
        typer.Argument(
            help="A version's letter (B), after its shot's label (4 B, 2A B); `it` (a surprise) or a branch."
        ),
    ],
) -> None:
    """Keep a version on offer (`keep DIR 4 B`, `keep DIR B`), a surprise (`keep DIR it`) or a branch (`noir`)."""
    from agent.commands import KeepVariation

    words = [w.strip() for w in what if w.strip()]
    if len(words) == 1 and (words[0].lower() in ("it", "this", "surprise") or len(words[0]) > 1):
        name = None if words[0].lower() in ("it", "this", "surprise") else words[0]
        _branch_turn(directory, {"op": "keep", "name": name})
        return
    with door():
        if not 1 <= len(words) <= 2 or words[-1].upper() not in "ABCDEFGHIJ" or len(words[-1]) != 1:
            raise PersonError("give the version's letter, after the shot's label if you like: `keep DIR 4 B`")
    with open_project(directory) as production:
        shot = shot_place(production.project, words[0]) if len(words) == 2 else None
        result = production.run([KeepVariation(label=words[-1].upper(), shot=shot)])
    report_turn(result, quiet_reply=bool(result.changes))


def _branch_turn(directory: Path, asked: dict[str, object]) -> None:
    from agent.branching import branch_turn

    with open_project(directory) as production:
        result = branch_turn(production, asked)
    report_turn(result)


@app.command()
def surprise(
    directory: ProjectDir,
    shot: Annotated[str | None, typer.Option("--shot", help="Surprise me with this shot (its label: 3, 2A).")] = None,
    scene: Annotated[int | None, typer.Option("--scene", help="Surprise me with this scene.", min=1)] = None,
    seed: SeedOption = None,
) -> None:
    """Try something you did not ask for, on a branch of its own, and say why; then `keep DIR it` or `drop DIR`."""
    from agent.branching import surprise as surprise_turn

    with door():
        if shot is not None and scene is not None:
            raise PersonError("give --shot or --scene (or neither, for the whole film), not both")
    with open_project(directory) as production:
        place = None if shot is None else shot_place(production.project, shot)
        result = surprise_turn(production, shot=place, scene=scene, seed=seed)
    report_turn(result)


@app.command()
def drop(
    directory: ProjectDir,
    name: Annotated[str | None, typer.Argument(help="The branch to drop; the current one if left out.")] = None,
) -> None:
    """Drop a branch (a surprise, by default the one you are on) and go back to where it grew from."""
    _branch_turn(directory, {"op": "drop", "name": name})


@app.command()
def branch(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="A name for this version, e.g. noir.", show_default=False)],
) -> None:
    """Name this version as a branch: changes from here go on it, and the branch you were on stays as it was."""
    _branch_turn(directory, {"op": "name", "name": name})


@app.command()
def switch(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="The branch to switch to (main is the first).", show_default=False)],
) -> None:
    """Switch to another branch: the story and the reel become that version."""
    _branch_turn(directory, {"op": "switch", "name": name})


@app.command()
def branches(directory: ProjectDir) -> None:
    """List the branches: each one's newest revision and what made it; the current one starred."""
    with door():
        from agent.branching import branch_listing
        from agent.production import Production

        production = Production.open(directory)
        try:
            print_plain(out, branch_listing(production))
        finally:
            production.close()


@app.command()
def compare(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="A branch.", show_default=False)],
    against: Annotated[str, typer.Argument(help="The branch to compare it with.")] = "main",
) -> None:
    """Say what a branch does differently from another (main by default), shot by shot."""
    with door():
        from story import ProjectFolder
        from story.branches import BranchError, compare_branches

        try:
            lines = compare_branches(ProjectFolder.open(directory), against, name)
        except BranchError as exc:
            raise PersonError(str(exc)) from None
        if not lines:
            out.print(f"{name} and {against} are the same.", highlight=False)
            return
        print_plain(out, f"{name} against {against}:")
        for line in lines:
            print_plain(out, f"  • {line}")

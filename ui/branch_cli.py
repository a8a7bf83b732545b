"""`storyreel vary`, `keep`, `surprise`, `branch`, `branches`, `switch` and `compare`: trying things out.

Versions of a shot (or ways to cover a scene) render side by side as extra takes and land on a contact
sheet; keeping one is one undoable revision. A surprise is applied on a branch of its own; branches are
named places in the revision tree (story/branches.py) that the reel can be switched between.

Imports only typer and ui.door at the top, so `storyreel --help` stays instant.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ui.door import PersonError, ProjectDir, app, door, open_project, out, report_turn
from ui.text import print_plain

SeedOption = Annotated[
    int | None,
    typer.Option("--seed", help="Draw the same proposals again (else STORYREEL_SEED, else new ones).", min=0),
]


@app.command()
def vary(
    directory: ProjectDir,
    shot: Annotated[int | None, typer.Argument(help="The shot's number.", min=1, show_default=False)] = None,
    count: Annotated[int | None, typer.Option("--count", help="How many versions (shot: 3, scene: 2).", min=1)] = None,
    scene: Annotated[int | None, typer.Option("--scene", help="Vary how a whole scene is covered.", min=1)] = None,
    seed: SeedOption = None,
) -> None:
    """Render versions of a shot (or ways to cover a scene) side by side and write their contact sheet."""
    from agent.commands import VaryScene, VaryShot

    with door():
        if (shot is None) == (scene is None):
            raise PersonError("give a SHOT number or --scene N, not both")
    if scene is not None:
        command: VaryShot | VaryScene = VaryScene(scene=scene, count=count or 2, seed=seed)
    else:
        command = VaryShot(shot=shot or 1, count=count or 3, seed=seed)
    with open_project(directory) as production:
        try:
            result = production.run([command])
        except ValueError as exc:  # a count out of bounds, named by the command's model
            raise PersonError(str(exc).splitlines()[0]) from None
        report_turn(result, quiet_reply=True)
        from tools.export.variations_sheet import write_variations_sheet

        sheet = write_variations_sheet(production.folder, production.project)
        print_plain(out, f"Contact sheet: {sheet}", soft_wrap=True)
        out.print("Keep one with `storyreel keep DIR LETTER` (or say “keep B”).", highlight=False)


@app.command()
def keep(
    directory: ProjectDir,
    what: Annotated[
        list[str],
        typer.Argument(help="The version's letter (B), after a shot number (4 B); or `it` to keep a surprise."),
    ],
) -> None:
    """Keep a version on offer (`keep DIR 4 B`, `keep DIR B`), or the branch a surprise made (`keep DIR it`)."""
    from agent.commands import KeepVariation

    words = [w.strip() for w in what if w.strip()]
    if words and words[-1].lower() in ("it", "this", "surprise"):
        from story.branches import keep_branch

        with open_project(directory) as production:
            kept = keep_branch(production.folder)
            result = production.render()
        result.reply = kept
        report_turn(result)
        return
    with door():
        if not 1 <= len(words) <= 2 or words[-1].upper() not in "ABCDEFGHIJ" or len(words[-1]) != 1:
            raise PersonError("give the version's letter, after the shot's number if you like: `keep DIR 4 B`")
        if len(words) == 2 and not words[0].isdigit():
            raise PersonError(f"{words[0]!r} is not a shot number")
    shot = int(words[0]) if len(words) == 2 else None
    with open_project(directory) as production:
        result = production.run([KeepVariation(label=words[-1].upper(), shot=shot)])
    report_turn(result, quiet_reply=bool(result.changes))

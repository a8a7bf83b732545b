"""`storyreel export`: the reel, the timeline for an editor, the boards for a crew, the subtitles."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from ui.door import PersonError, ProjectDir, app, door, err, open_project, out, report_turn


@app.command()
def export(
    directory: ProjectDir,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="reel, otio, xml (FCP 7), edl (CMX 3600), pdf (storyboard), contact, srt, or all; "
            "repeat or separate with commas.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written and dropped as JSON.")] = False,
) -> None:
    """Write the reel, its timeline, storyboard PDF, contact sheet and subtitles into the project's cut/ folder.

    The reel is rendered and assembled first when it is missing or out of date.

    Whatever a format cannot hold (an EDL dissolve with no handle frames, metadata it has no place for) is listed.
    """
    with door():
        from tools.export.bundle import ExportError, parse_formats

        try:
            chosen = parse_formats(formats or ["all"])
        except ExportError as exc:
            raise PersonError(str(exc)) from None
    with open_project(directory) as production:
        from tools.export.bundle import cut_is_current, export_project

        if not cut_is_current(production.folder, production.project):
            report_turn(production.render(), quiet_reply=True)
        report = export_project(production.folder, production.project, chosen)
    if as_json:
        data = {
            "written": {name: str(path) for name, path in report.written.items()},
            "dropped": report.dropped,
            "notes": report.notes,
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    for name, path in report.written.items():
        out.print(f"  {name:8} {path}", highlight=False, soft_wrap=True)
    for line in report.notes:
        out.print(f"  {line}", highlight=False, soft_wrap=True)
    for line in report.dropped:
        err.print(f"[yellow]dropped[/]: {line}", highlight=False, soft_wrap=True)

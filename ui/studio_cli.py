"""`storyreel studio`: the web studio, from the command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ui.door import PersonError, app, door, err


@app.command()
def studio(
    directory: Annotated[
        Path,
        typer.Argument(help="A projects folder (or one project folder, opened first).", show_default="."),
    ] = Path("."),
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but 127.0.0.1 needs STORYREEL_STUDIO_AUTH.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 7860,
    auth: Annotated[
        str | None,
        typer.Option(help="user:password[,user:password] to log in with (better: STORYREEL_STUDIO_AUTH)."),
    ] = None,
) -> None:
    """Open the studio in the browser: chat with the director, see the storyboard, play the reel."""
    with door():
        from ui.studio import AUTH_ENV, StudioError, check_binding, launch_studio, parse_auth, studio_folders, url_host

        try:
            accounts = parse_auth(auth if auth is not None else os.environ.get(AUTH_ENV))
            check_binding(host, accounts)
            studio_folders(directory)  # a project that links outside itself is refused before anything starts
            err.print(f"storyreel studio on http://{url_host(host)}:{port}", highlight=False)
            launch_studio(directory, host=host, port=port, auth=accounts)
        except StudioError as exc:
            raise PersonError(str(exc)) from None

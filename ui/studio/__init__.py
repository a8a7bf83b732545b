"""The studio: storyreel's Gradio web app (`storyreel studio`).

Importing this package is cheap; gradio is imported when the app is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ui.studio.safety import (
    AUTH_ENV,
    MAX_UPLOAD_BYTES,
    StudioError,
    check_binding,
    check_contained,
    disable_analytics,
    is_loopback,
    parse_auth,
    url_host,
)


def studio_folders(directory: Path) -> tuple[Path, Path | None]:
    """The projects folder and the project to open first: a project folder opens itself among its siblings."""
    directory = Path(directory).expanduser().resolve()
    if (directory / "story.json").is_file():
        check_contained(directory)
        return directory.parent, directory
    if directory.exists() and not directory.is_dir():
        raise StudioError(f"{directory} is a file; give a projects folder or a project folder")
    return directory, None


def launch_studio(
    directory: Path,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    auth: list[tuple[str, str]] | None = None,
    block: bool = True,
) -> Any:
    """Serve the studio on host:port; refuses a non-loopback host without accounts. Returns the Blocks."""
    accounts = auth or []
    check_binding(host, accounts)
    root, start = studio_folders(directory)
    root.mkdir(parents=True, exist_ok=True)
    disable_analytics()
    from ui.studio.app import CSS, build_studio

    demo = build_studio(root, start=start)
    demo.queue(default_concurrency_limit=4)
    demo.launch(
        server_name=url_host(host),  # gradio binds "[::1]" as ::1 and builds its own URLs from it
        server_port=port,
        share=False,
        auth=accounts or None,
        auth_message="storyreel studio: log in with an account from STORYREEL_STUDIO_AUTH",
        allowed_paths=[],  # nothing is served by path: files go out only as checked copies (ui/studio/safety.py)
        max_file_size=MAX_UPLOAD_BYTES,
        prevent_thread_lock=not block,
        quiet=True,  # our own line says where it listens; gradio would suggest a share link
        footer_links=["api"],
        css=CSS,
        ssr_mode=False,
        enable_monitoring=False,
    )
    return demo


__all__ = [
    "AUTH_ENV",
    "StudioError",
    "check_binding",
    "is_loopback",
    "launch_studio",
    "parse_auth",
    "studio_folders",
    "url_host",
]

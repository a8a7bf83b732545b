"""The studio as the tests run it: in this process on 127.0.0.1 on a free port, over an empty
projects folder; shared by the API tests (test_studio.py) and the browser tests."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("STORYREEL_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
LIGHTHOUSE = (
    "Title: The Keeper's Light\n\n"
    "At dusk the storm rolls in over the lighthouse on the point.\n"
    "Mara, the old keeper, lights the great lamp.\n"
    "Far out, a small boat tosses between the rocks."
)
ORCHARD = "Title: The Orchard Thief\n\nIn the morning Pip climbs the orchard wall.\nPip runs through the grass."
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright's own download is not reachable here


def skip_without_chromium() -> None:
    """Skip the calling browser-test module with one line where Debian's Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: apt-get install chromium to run the studio's browser tests",
            allow_module_level=True,
        )


@contextmanager
def offline_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`running_studio` with no model configured: the offline director answers."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("OPENAI_BASE_URL", raising=False)
        with running_studio(tmp_path_factory) as running:
            yield running


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def story(root: Path) -> dict:
    """story.json of a project folder."""
    return json.loads((root / "story.json").read_text())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The studio on a free port over an empty projects folder: (url, projects folder)."""
    root = tmp_path_factory.mktemp("projects")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADIO_TEMP_DIR", str(tmp_path_factory.mktemp("gradio-cache")))
        patch.setenv("STORYREEL_MEMORY", "off")
        from ui.studio import launch_studio

        port = free_port()
        demo = launch_studio(root, port=port, block=False)
        try:
            yield f"http://127.0.0.1:{port}/", root
        finally:
            demo.close()

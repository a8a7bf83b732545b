"""The live reel in the studio: each panel's still as soon as its shot is planned, and the takes played
one after another from the first finished shot while later shots render.

The render pass writes cut/live/live.json beside the HLS playlist (tools/render/live.py). Chromium plays
no HLS by itself, and the studio fetches nothing from elsewhere at run time, so no HLS library can be
loaded; Media Source Extensions would need every take as fragmented MP4. The takes are already
MP4 files Chromium plays, so the player (live_player.js, shipped here) plays them in order, moving to
the next on 'ended', and polls the manifest through a server function for takes and stills that
are new. The cost is a blink between shots, which the assembled reel does not have.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ui.studio.safety import StudioError, inside, secret_digest, studio_cache

SCRIPT = Path(__file__).with_name("live_player.js")
TEMPLATE = """
<div class="live-reel">
  <div class="live-head"><span class="live-title">Playing as it renders</span>
    <span class="live-status">The reel plays here while it renders.</span></div>
  <video class="live-video" muted playsinline controls preload="auto"></video>
  <div class="live-stills"></div>
</div>
"""
STYLE = """
.live-reel { display: flex; flex-direction: column; gap: 6px; }
.live-head { display: flex; gap: 12px; align-items: baseline; font-size: 0.85rem; }
.live-title { font-weight: 600; }
.live-video { width: 100%; max-height: 240px; background: #111; display: none; }
.live-reel.live-on .live-video { display: block; }
.live-stills { display: flex; flex-wrap: wrap; gap: 4px; }
.live-stills img { width: 96px; aspect-ratio: 16 / 9; object-fit: cover; opacity: 0.45; border: 2px solid transparent; }
.live-stills img.rendered { opacity: 1; }
.live-stills img.playing { border-color: var(--color-accent, #f97316); }
"""


def player_script() -> str:
    """The player's JavaScript, run once when the component loads."""
    return SCRIPT.read_text()


def project_name(project: str | None) -> str | None:
    """What the player is told of the open project: its name, which the server function checks."""
    return Path(project).name if project else None


def live_reel_function(project_dir: Callable[[str], Path]) -> Callable[[str], dict[str, Any] | None]:
    """The server function the player polls: the live reel of the project named, its files published."""

    def live_reel(name: str) -> dict[str, Any] | None:
        """The live manifest of project `name` with each still and take as a served copy; None when none."""
        from tools.render.live import live_state

        try:
            root = project_dir(str(name))
        except StudioError:
            return None
        state = live_state(root)
        if state is None:
            return None
        shots = []
        for shot in state.get("shots", []):
            shots.append(
                {
                    "label": str(shot.get("label", "")),
                    "seconds": float(shot.get("seconds", 0)),
                    "still": _served(root, shot.get("still")),
                    "take": _served(root, shot.get("take")),
                }
            )
        return {"started": state.get("started"), "complete": bool(state.get("complete")), "shots": shots}

    return live_reel


def _served(root: Path, relative: object) -> str | None:
    """A copy of a project file in the studio's cache, made once per file version; None when there is none."""
    if not isinstance(relative, str) or not relative:
        return None
    try:
        source = inside(root, root / relative)
        facts = source.stat()
    except (StudioError, OSError):
        return None
    name = secret_digest(str(source), str(facts.st_size), str(facts.st_mtime_ns))
    target = studio_cache("live") / f"{name}{source.suffix}"
    if not target.is_file():
        partial = target.with_name(f"{target.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            os.link(source, partial)  # a take is never changed in place: a link is as good as a copy
        except OSError:
            shutil.copyfile(source, partial)
        partial.replace(target)
    return str(target)

"""The studio's versions and branches: the newest versions side by side (their contact sheet and one video
where they play in sync), a letter to keep, a surprise, and the branches to name, switch and compare.

Every button says the words a person would type ("keep B", "surprise me", "switch to branch noir"), so a
click makes the same change as saying it, through the same turn, and is undone the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.studio.safety import disable_analytics

disable_analytics()

import gradio as gr  # noqa: E402 - analytics must be off before gradio is imported

if TYPE_CHECKING:
    from ui.studio.handlers import Chat, Studio


def versions_and_branches(project: str | None) -> tuple[Any, ...]:
    """What the versions panel shows for the open project: sheet, side-by-side video, letters, branches,
    and what the branch you are on does differently from main."""
    from story import ProjectFolder
    from story.branches import branches_of, compare_branches, current_branch
    from story.variations import latest_offer
    from tools.export.variations_sheet import (
        NoOffer,
        reel_path,
        sheet_path,
        write_variations_sheet,
        write_versions_reel,
    )

    if project is None:
        return None, None, gr.update(choices=[], value=None), gr.update(choices=[], value=None), ""
    folder = ProjectFolder.open(Path(project))
    current = folder.load()
    offers = latest_offer(current)
    sheet = video = None
    letters: list[tuple[str, str]] = []
    if offers:
        letters = [(f"{v.label}: {v.differs}", v.label) for v in offers[0].variants]
        number = offers[0].offer
        try:  # drawn once an offer: its versions' takes do not change
            made = folder.root / sheet_path(number)
            sheet = str(made if made.is_file() else write_variations_sheet(folder, current))
            joined = folder.root / reel_path(number)
            video = str(joined if joined.is_file() else write_versions_reel(folder, current))
        except NoOffer:
            pass
    names = [b.name for b in branches_of(folder)]
    here = current_branch(folder)
    differs = ""
    if here != "main":
        lines = compare_branches(folder, "main", here)
        differs = f"**{here}** against main: " + ("; ".join(lines) if lines else "the same")
    return sheet, video, gr.update(choices=letters, value=None), gr.update(choices=names, value=here), differs


def saying(studio: Studio, words: str, missing: str = "") -> Any:
    """A handler that says `words` (the control's value in place of `{}`) as a chat turn; `missing` is the
    message when the control is empty."""

    def handler(value: Any, project: str | None, selected: str | None, chat: Chat, waiting: bool) -> Iterator[Any]:
        text = " ".join(str(value or "").split())
        if "{}" in words and not text:
            raise gr.Error(missing or "choose one first")
        yield from studio.say(words.format(text), project, selected, chat, waiting)

    return handler

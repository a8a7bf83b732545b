"""Two branches side by side in the studio: a picker for each, their reels in two players that play in
sync (play, pause, seek and speed on one move the other), what the second does differently, and a
button under each to keep it.

A branch's reel is its tip's takes joined (tools/export/branch_reels.py), so comparing switches
nothing. Keeping says the words a person would ("keep branch noir"; keeping main against another
branch is "drop branch <other>"), so a click is the same turn as saying it, undone the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.studio.safety import disable_analytics

disable_analytics()

import gradio as gr  # noqa: E402 - analytics must be off before gradio is imported

if TYPE_CHECKING:
    from ui.studio.handlers import Chat, Studio

# Runs once a page: whatever <video> gradio draws inside #branch-a or #branch-b (it draws them
# again when their value changes), an event on one is mirrored on the other. Media events do not
# bubble, so the listeners capture on the document. Mirroring converges: a twin already in the same
# state, or within 0.1 s, is left alone. Each reel has its branch's sound, and one is heard at a time:
# the second starts muted, and unmuting either mutes the other. While both play, the one heard leads:
# a twin more than 0.1 s behind or ahead (a slow start, a busy machine) is moved to it.
SYNC_SCRIPT = """
if (!window.storyreelBranchSync) {
  window.storyreelBranchSync = true;
  const twinOf = (video) => {
    const box = video.closest("#branch-a, #branch-b");
    if (!box) return null;
    return document.querySelector(box.id === "branch-a" ? "#branch-b video" : "#branch-a video");
  };
  const mirror = (event) => {
    const video = event.target;
    if (!(video instanceof HTMLVideoElement)) return;
    const twin = twinOf(video);
    if (!twin || !twin.src) return;
    const apart = Math.abs(twin.currentTime - video.currentTime) > 0.1;
    if (event.type === "play" && twin.paused) {
      if (apart) twin.currentTime = video.currentTime;
      twin.play().catch(() => {});
    } else if (event.type === "pause" && !twin.paused) {
      twin.pause();
    } else if (event.type === "seeked" && apart) {
      twin.currentTime = video.currentTime;
    } else if (event.type === "ratechange" && twin.playbackRate !== video.playbackRate) {
      twin.playbackRate = video.playbackRate;
    } else if (event.type === "volumechange" && !video.muted && !twin.muted) {
      twin.muted = true;
    } else if (event.type === "timeupdate" && !video.muted && !video.paused && !twin.paused && apart) {
      twin.currentTime = video.currentTime; // the one heard leads: a twin that fell behind catches up
    }
  };
  const types = ["play", "pause", "seeked", "ratechange", "volumechange", "timeupdate"];
  for (const type of types) document.addEventListener(type, mirror, true);
  document.addEventListener("loadeddata", (event) => {
    const video = event.target;
    if (video instanceof HTMLVideoElement && video.closest("#branch-b")) video.muted = true;
  }, true);
}
"""


@dataclass
class ComparePanel:
    """The components of the side-by-side comparison."""

    first: gr.Dropdown
    second: gr.Dropdown
    compare: gr.Button
    first_reel: gr.Video
    second_reel: gr.Video
    keep_first: gr.Button
    keep_second: gr.Button
    said: gr.Markdown


def compare_panel() -> ComparePanel:
    """The layout: two pickers and a button, two players, a keep button under each, what differs."""
    with gr.Group(elem_id="compare-branches"):
        with gr.Row():
            first = gr.Dropdown(label="Compare branch", choices=[], elem_id="compare-a", allow_custom_value=True)
            second = gr.Dropdown(label="with branch", choices=[], elem_id="compare-b", allow_custom_value=True)
            compare = gr.Button("Compare side by side", elem_id="compare")
        with gr.Row():
            with gr.Column():
                first_reel = gr.Video(label="First branch", interactive=False, elem_id="branch-a", height=240)
                keep_first = gr.Button("Keep this one", elem_id="keep-a")
            with gr.Column():
                second_reel = gr.Video(label="Second branch", interactive=False, elem_id="branch-b", height=240)
                keep_second = gr.Button("Keep this one", elem_id="keep-b")
        said = gr.Markdown(elem_id="compare-said")
        gr.HTML("", js_on_load=SYNC_SCRIPT, padding=False)
    return ComparePanel(first, second, compare, first_reel, second_reel, keep_first, keep_second, said)


# Handlers -------------------------------------------------------------------------------------------


def pickers(project: str | None) -> tuple[Any, Any]:
    """Both pickers' choices: the first on main, the second on the branch you are on (else another)."""
    from story import ProjectFolder
    from story.branches import MAIN, branches_of, current_branch

    if project is None:
        return gr.update(choices=[], value=None), gr.update(choices=[], value=None)
    folder = ProjectFolder.open(Path(project))
    names = [branch.name for branch in branches_of(folder)]
    here = current_branch(folder)
    other = here if here != MAIN else next((name for name in names if name != MAIN), None)
    return gr.update(choices=names, value=MAIN), gr.update(choices=names, value=other)


def compare(project: str | None, first: str | None, second: str | None) -> tuple[Any, Any, str]:
    """The two branches' reels and what the second does differently; `gr.Error` with one line when it cannot."""
    from story import MissingTake, ProjectError, ProjectFolder
    from story.branches import compare_branches
    from tools.export.branch_reels import write_branch_reel
    from ui.studio.safety import publish

    if project is None:
        raise gr.Error("open a project first")
    if not first or not second:
        raise gr.Error("choose two branches to compare")
    if first == second:
        raise gr.Error(f"choose two different branches; both pickers say {first!r}")
    folder = ProjectFolder.open(Path(project))
    try:
        reels = [publish(folder.root, write_branch_reel(folder, name)) for name in (first, second)]
        lines = compare_branches(folder, first, second)
    except (MissingTake, ProjectError) as exc:  # BranchError is a ProjectError
        raise gr.Error(str(exc)) from None
    said = f"**{second}** against **{first}**: " + ("; ".join(lines) if lines else "the same")
    said += f"\n\nYou hear {first}; unmute {second} to hear it instead."
    return gr.update(value=reels[0], label=f"Branch {first}"), gr.update(value=reels[1], label=f"Branch {second}"), said


def keeping(studio: Studio, which: int) -> Any:
    """A handler that keeps the first (`which` 0) or second (1) branch compared, by saying so."""
    from story.branches import MAIN

    def handler(
        first: str | None, second: str | None, project: str | None, selected: str | None, chat: Chat, waiting: bool
    ) -> Iterator[Any]:
        kept, other = (first, second) if which == 0 else (second, first)
        if not kept:
            raise gr.Error("choose two branches and compare them first")
        words = f"drop branch {other}" if kept == MAIN and other else f"keep branch {kept}"
        yield from studio.say(words, project, selected, chat, waiting)

    return handler


def wire_compare(
    studio: Studio,
    shown: ComparePanel,
    *,
    project: Any,
    turn_inputs: list[Any],
    turn_outputs: list[Any],
    refreshed: list[Any],
    limit: dict[str, Any],
) -> None:
    """The events: pickers fill when a project opens or the branches change; compare; keep one."""
    for change in (project.change, *(component.change for component in refreshed)):
        change(pickers, inputs=project, outputs=[shown.first, shown.second], api_visibility="private")
    shown.compare.click(
        compare,
        inputs=[project, shown.first, shown.second],
        outputs=[shown.first_reel, shown.second_reel, shown.said],
        api_name="compare_branches",
    )
    for which, button in enumerate((shown.keep_first, shown.keep_second)):
        button.click(
            keeping(studio, which),
            inputs=[shown.first, shown.second, *turn_inputs],
            outputs=turn_outputs,
            api_name=f"keep_branch_{'ab'[which]}",
            **limit,
        ).then(pickers, inputs=project, outputs=[shown.first, shown.second], api_visibility="private").then(
            lambda: (None, None, ""),
            outputs=[shown.first_reel, shown.second_reel, shown.said],
            api_visibility="private",
        )

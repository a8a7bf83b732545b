"""The studio's controls made for the task: beside the fixed shot controls, 3-6 controls proposed for what
the person is doing now (`agent.controls.propose_controls`: the model's, checked, or the documented rules').

Every option of a control is the words a person would type ("make scene 2 faster"); moving a control says
them as a chat turn (`Studio.say`), so it makes the same edit as typing them, shows in the chat and the
history, and is undone the same way. docs/controls.md has the rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.studio.safety import disable_analytics

disable_analytics()

import gradio as gr  # noqa: E402 - analytics must be off before gradio is imported

from agent.offline.controls import MAX_CONTROLS  # noqa: E402

if TYPE_CHECKING:
    from ui.studio.handlers import Chat, Studio

NO_PROJECT = "Open a project to get controls made for what you are doing."


@dataclass(frozen=True)
class Panel:
    """The components of the panel: a line on the task, the control slots, and this person's proposal."""

    note: Any
    slots: list[Any]
    proposal: Any  # gr.State: {"key", "source", "note", "controls"} of the controls shown now


def panel() -> Panel:
    """The panel's layout, placed where it is called inside the studio's Blocks."""
    proposal = gr.State(None)
    with gr.Group(elem_id="task-controls"):
        note = gr.Markdown(NO_PROJECT, elem_id="task-controls-note")
        slots = []
        for row in range(0, MAX_CONTROLS, 3):
            with gr.Row():
                slots += [
                    gr.Radio(label="", choices=[], visible=False, elem_id=f"task-control-{n + 1}", interactive=True)
                    for n in range(row, row + 3)
                ]
    return Panel(note=note, slots=slots, proposal=proposal)


def task_controls(project: str | None, selected: str | None, kept: dict[str, Any] | None) -> tuple[Any, ...]:
    """The proposal, the line on the task and each slot's control for the open project and selected shot.

    With a model, its proposal is kept while the task stays the same, so it is asked once per task, not per edit.
    """
    hidden = [gr.update(visible=False, choices=[], value=None) for _ in range(MAX_CONTROLS)]
    if project is None:
        return (None, NO_PROJECT, *hidden)
    from agent.controls import propose_controls
    from agent.llm import ModelSettings
    from agent.offline.controls import ControlSet, check_command, current_options, describe_task
    from story import ProjectError, ProjectFolder

    try:
        current = ProjectFolder.open(Path(project)).load()
    except ProjectError:  # the folder went away or broke: the views say so; the panel shows nothing
        return (None, NO_PROJECT, *hidden)
    shot = selected if any(s.id == selected for s in current.shots) else None
    key = f"{project}|{shot}|{describe_task(current, shot)}|{current.style.look}"
    settings = ModelSettings.from_env()
    reuse = settings.configured and kept is not None and kept.get("key") == key
    controls = ControlSet.model_validate(kept["controls"]) if reuse and kept is not None else None
    if controls is not None and any(
        check_command(current, o.command).error for c in controls.controls for o in c.options
    ):
        controls = None  # the story moved under the model's proposal: ask again
    if controls is None or kept is None:
        proposed = propose_controls(current, shot, settings=settings)
        kept = {
            "key": key,
            "source": proposed.source,
            "note": proposed.note,
            "controls": proposed.controls.model_dump(),
        }
        controls = proposed.controls
    head = f"**Controls for {controls.task}**" + (" · proposed by the model" if kept["source"] == "model" else "")
    line = head + (f"\n\n⚠️ {kept['note']}" if kept["note"] else "")
    shown = []
    for control, now in zip(controls.controls, current_options(current, controls), strict=True):
        choices = [(o.label, o.command) for o in control.options]
        shown.append(gr.update(visible=True, label=control.name, info=control.why, choices=choices, value=now))
    return (kept, line, *shown, *hidden[len(shown) :])


def moving(studio: Studio, slot: int) -> Any:
    """The handler of control `slot`: says the words of the option moved to, as a chat turn."""

    def handler(
        value: str | None,
        kept: dict[str, Any] | None,
        project: str | None,
        selected: str | None,
        chat: Chat,
        waiting: bool,
    ) -> Iterator[Any]:
        controls = (kept or {}).get("controls", {}).get("controls", [])
        said = [o["command"] for o in controls[slot]["options"]] if slot < len(controls) else []
        if not value:
            yield from studio.say("", project, selected, chat, waiting)  # nothing to say: nothing changes
            return
        if value not in said:
            raise gr.Error("that control is out of date; choose again")
        yield from studio.say(value, project, selected, chat, waiting)

    return handler


def wire(
    studio: Studio,
    made: Panel,
    *,
    project: Any,
    selected: Any,
    chat: Any,
    waiting: Any,
    changed: list[Any],
    turn_outputs: list[Any],
    limit: dict[str, Any],
) -> None:
    """The panel's events: shown again when any of `changed` changes (the project's title line, which carries
    its revision, and the selected shot), and each control says its words when moved."""
    shown = [made.proposal, made.note, *made.slots]
    inputs = [project, selected, made.proposal]
    for trigger in changed:
        trigger.change(task_controls, inputs=inputs, outputs=shown, api_visibility="private")
    for slot, control in enumerate(made.slots):
        control.input(
            moving(studio, slot),
            inputs=[control, made.proposal, project, selected, chat, waiting],
            outputs=turn_outputs,
            api_name=f"task_control_{slot + 1}",
            **limit,
        ).then(task_controls, inputs=inputs, outputs=shown, api_visibility="private")

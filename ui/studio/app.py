"""The studio: a Gradio app where a person directs the reel by talking, clicking and watching.

Three blocks, as in Gradio's own demos: the handlers (`ui/studio/handlers.py`, thin: they call
`agent.production.Production` and `agent.graph`, the same service as the CLI), the layout, then
the events with `api_name`s. What belongs to one person (the open project, the selected shot,
the chat) lives in `gr.State`; the module keeps nothing of anyone's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ui.studio.safety import disable_analytics

disable_analytics()

import gradio as gr  # noqa: E402 - analytics must be off before gradio is imported

from story import Angle, Movement, ShotSize  # noqa: E402
from ui.studio import live as live_view  # noqa: E402
from ui.studio import task_controls  # noqa: E402
from ui.studio.comparing import compare_panel, wire_compare  # noqa: E402
from ui.studio.handlers import Studio  # noqa: E402
from ui.studio.safety import BRIEF, IMAGE, MUSIC, RECORDING  # noqa: E402
from ui.studio.speaking import brief_mic, instruction_mic, wire_voice  # noqa: E402
from ui.studio.trying import saying, versions_and_branches  # noqa: E402

SIZE_NAMES = {
    "ECU": "extreme close-up",
    "CU": "close-up",
    "MCU": "medium close-up",
    "MS": "medium",
    "MWS": "medium wide",
    "WS": "wide",
    "EWS": "extreme wide",
}
SIZES = [(f"{s.value} · {SIZE_NAMES[s.value]}", s.value) for s in ShotSize]
ANGLES = [a.value for a in Angle]
MOVEMENTS = [m.value for m in Movement]

# Layout ---------------------------------------------------------------------------------------------

CSS = """
#storyboard .grid-container { grid-auto-rows: auto; grid-template-rows: none; }
#storyboard .thumbnail-item { aspect-ratio: auto; height: auto; display: flex; flex-direction: column; }
#storyboard .thumbnail-item > img { aspect-ratio: 16 / 9; height: auto; flex: none; }
#storyboard .caption-label {
  position: static; max-width: none; white-space: normal; border: none; border-radius: 0;
  font-size: 0.72rem; line-height: 1.2; opacity: 1;
}
#title h3 { margin: 0; }
"""


def build_studio(projects_root: Path, *, start: Path | None = None) -> gr.Blocks:
    """The studio's Blocks for the projects in `projects_root` (opening `start` first, when given)."""
    studio = Studio(projects_root, start)
    with gr.Blocks(title="storyreel studio", delete_cache=(3600, 86400)) as demo:
        project = gr.State(None)  # this person's open project folder
        selected = gr.State(None)  # the id of the shot they selected
        chat = gr.State([])  # their conversation as shown
        waiting = gr.State(False)  # True while the director waits for a yes or no

        title = gr.Markdown("### No project open", elem_id="title")
        with gr.Accordion("Project", open=True) as picker, gr.Row():
            with gr.Column(scale=3):
                brief = gr.Textbox(label="New project from a brief", lines=4, placeholder="Write the story…")
                with gr.Row():
                    brief_file = gr.File(
                        label="…or a .txt / .fountain / .md file", file_types=list(BRIEF.suffixes), height=90
                    )
                    brief_voice = brief_mic()  # heard into the brief box above
                    name = gr.Textbox(label="Project name", placeholder="my-film")
                create = gr.Button("Create project", variant="primary")
            with gr.Column(scale=2):
                existing = gr.Dropdown(label="Open a project", choices=[], allow_custom_value=True)
                with gr.Row():
                    open_button = gr.Button("Open")
                    refresh = gr.Button("Refresh list")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=360):
                chatbot = gr.Chatbot(label="Director", height=560, buttons=["copy"], elem_id="chat")
                with gr.Row():
                    message = gr.Textbox(
                        show_label=False, placeholder="Tell the director what to change…", scale=5, elem_id="message"
                    )
                    send = gr.Button("Send", variant="primary", scale=1, min_width=80)
                with gr.Row():
                    undo = gr.Button("↶ Undo", size="sm")
                    redo = gr.Button("↷ Redo", size="sm")
                speak, _ = instruction_mic()  # heard, then said as if typed
            with gr.Column(scale=6, min_width=480):
                player = gr.Video(label="Reel", interactive=False, height=330, elem_id="player")
                live = gr.HTML(  # the takes playing while later shots render, and every panel's still
                    None,
                    html_template=live_view.TEMPLATE,
                    css_template=live_view.STYLE,
                    js_on_load=live_view.player_script(),
                    server_functions=[live_view.live_reel_function(studio._project_dir)],
                    elem_id="live",
                )
                storyboard = gr.Gallery(
                    label="Storyboard",
                    columns=4,
                    height=300,
                    allow_preview=False,
                    fit_columns=False,
                    object_fit="contain",
                    elem_id="storyboard",
                )
        with gr.Row(equal_height=False):
            with gr.Column(scale=6):
                with gr.Group():
                    with gr.Row():
                        shot_pick = gr.Dropdown(label="Shot", choices=[], scale=1, min_width=90)
                        summary = gr.Markdown("Click a panel on the storyboard to select its shot.")
                    with gr.Row():
                        size = gr.Dropdown(label="Size", choices=SIZES)
                        angle = gr.Dropdown(label="Angle", choices=ANGLES)
                        movement = gr.Dropdown(label="Movement", choices=MOVEMENTS)
                        duration = gr.Number(label="Duration (s)", minimum=0.25, maximum=120, step=0.5)
                    characters = gr.CheckboxGroup(label="Characters in frame", choices=[])
                with gr.Row():
                    apply_shot = gr.Button("Apply to shot", variant="primary", elem_id="apply-shot")
                    use_take = gr.Button("Use chosen take")
                    take = gr.Button("New take")
                takes = gr.Radio(label="Takes", choices=[], elem_id="takes")
                made_for_task = task_controls.panel()  # controls made for what the person is doing
            with gr.Column(scale=4):
                downloads = gr.File(label="Downloads (cut/)", file_count="multiple", interactive=False, height=140)
                with gr.Accordion("Add media", open=False):
                    image = gr.File(label=f"Reference image ({IMAGE.describe()})", file_types=list(IMAGE.suffixes))
                    music = gr.File(label=f"Music ({MUSIC.describe()})", file_types=list(MUSIC.suffixes))
                    with gr.Row():
                        line = gr.Number(label="Line of the selected shot", value=1, minimum=1, maximum=40, precision=0)
                        recording = gr.File(
                            label=f"Your recording of that line ({RECORDING.describe()})",
                            file_types=list(RECORDING.suffixes),
                        )
        with gr.Accordion("Versions and branches", open=False, elem_id="versions"):
            with gr.Row():
                versions_sheet = gr.Image(
                    label="Versions: the shot now, then each",
                    type="filepath",
                    interactive=False,
                    elem_id="versions-sheet",
                )
                versions_video = gr.Video(label="Side by side, in sync", interactive=False, elem_id="versions-video")
            with gr.Row():
                version = gr.Radio(label="Version", choices=[], elem_id="version", scale=3)
                keep_version = gr.Button("Keep this version", variant="primary")
                surprise = gr.Button("Surprise me")
            with gr.Row():
                branch = gr.Dropdown(label="Branch", choices=[], elem_id="branch")
                switch = gr.Button("Switch to it")
                branch_name = gr.Textbox(label="Name this version", placeholder="noir")
                name_branch = gr.Button("Name it")
            differences = gr.Markdown(elem_id="differences")
            show_versions = gr.Button("Refresh", size="sm")
            compared = compare_panel()  # two branches' reels side by side, in sync; keep one

        view = [
            title,
            storyboard,
            player,
            downloads,
            shot_pick,
            summary,
            size,
            angle,
            movement,
            duration,
            characters,
            takes,
        ]
        controls = view[4:]
        opened_outputs = [project, selected, chat, chatbot, waiting, picker, *view]

        # Events -----------------------------------------------------------------------------------
        limit = {"concurrency_limit": 4, "concurrency_id": "turns"}
        trying_outputs = [versions_sheet, versions_video, version, branch, differences]
        demo.load(studio.start_session, outputs=[existing, *opened_outputs], api_name="start_session")
        project.change(live_view.project_name, inputs=project, outputs=live, api_name=False)
        refresh.click(studio.list_projects, outputs=existing, api_name="list_projects")
        open_button.click(studio.open_project, inputs=existing, outputs=opened_outputs, api_name="open_project").then(
            versions_and_branches, inputs=project, outputs=trying_outputs, api_visibility="private"
        )
        create.click(
            studio.new_project,
            inputs=[name, brief, brief_file],
            outputs=[*opened_outputs[:6], existing, *view],
            api_name="new_project",
            **limit,
        )
        turn_outputs = [message, chatbot, chat, waiting, *view]
        for trigger in (send.click, message.submit):
            trigger(
                studio.say,
                inputs=[message, project, selected, chat, waiting],
                outputs=turn_outputs,
                api_name="say" if trigger == send.click else "say_submit",
                api_visibility="public" if trigger == send.click else "private",
                **limit,
            ).then(versions_and_branches, inputs=project, outputs=trying_outputs, api_visibility="private")
        show_versions.click(versions_and_branches, inputs=project, outputs=trying_outputs, api_name="versions")
        for button, value, words, missing, api in (
            (keep_version, version, "keep {}", "choose a version first", "keep_version"),
            (surprise, version, "surprise me", "", "surprise"),
            (switch, branch, "switch to branch {}", "choose a branch first", "switch_branch"),
            (name_branch, branch_name, "call this version {}", "write a name first", "name_branch"),
        ):
            button.click(
                saying(studio, words, missing),
                inputs=[value, project, selected, chat, waiting],
                outputs=turn_outputs,
                api_name=api,
                **limit,
            ).then(versions_and_branches, inputs=project, outputs=trying_outputs, api_visibility="private")
        wire_compare(
            studio,
            compared,
            project=project,
            turn_inputs=[project, selected, chat, waiting],
            turn_outputs=turn_outputs,
            refreshed=[branch],
            limit=limit,
        )
        wire_voice(
            studio,
            speak,
            brief_voice,
            brief=brief,
            turn_inputs=[project, selected, chat, waiting],
            turn_outputs=turn_outputs,
            then=(versions_and_branches, [project], trying_outputs),
            limit=limit,
        )
        task_controls.wire(
            studio,
            made_for_task,
            project=project,
            selected=selected,
            chat=chat,
            waiting=waiting,
            changed=[title, selected],
            turn_outputs=turn_outputs,
            limit=limit,
        )
        history_outputs = [chatbot, chat, *view]
        undo.click(studio.undo, inputs=[project, selected, chat], outputs=history_outputs, api_name="undo", **limit)
        redo.click(studio.redo, inputs=[project, selected, chat], outputs=history_outputs, api_name="redo", **limit)
        storyboard.select(
            studio.select_panel,
            inputs=project,
            outputs=[selected, *controls],
            api_name="select_panel",
            api_visibility="private",
        )
        shot_pick.input(
            studio.select_shot, inputs=[shot_pick, project], outputs=[selected, *controls], api_name="select_shot"
        )
        apply_shot.click(
            studio.edit_shot,
            inputs=[size, angle, movement, duration, characters, project, selected, chat],
            outputs=history_outputs,
            api_name="edit_shot",
            **limit,
        )
        take.click(
            studio.new_take, inputs=[project, selected, chat], outputs=history_outputs, api_name="new_take", **limit
        )
        use_take.click(
            studio.use_take,
            inputs=[takes, project, selected, chat],
            outputs=history_outputs,
            api_name="use_take",
            **limit,
        )
        image.upload(
            studio.add_image, inputs=[image, project, chat], outputs=[chatbot, chat, image], api_name="add_image"
        )
        music.upload(
            studio.add_music,
            inputs=[music, project, selected, chat],
            outputs=[chatbot, chat, music, *view],
            api_name="add_music",
            **limit,
        )
        recording.upload(
            studio.record_line,
            inputs=[recording, line, project, selected, chat],
            outputs=[chatbot, chat, recording, *view],
            api_name="record_line",
            **limit,
        )
    return demo


def __getattr__(name: str) -> Any:
    """`demo` for `gradio ui/studio/app.py`: the studio on the current folder, built when first asked for."""
    if name == "demo":
        return build_studio(Path.cwd())
    raise AttributeError(name)

"""The studio's voice: a microphone (or a recording uploaded) for an instruction, and one for a brief.

What is said becomes text through the configured endpoint's transcription API (agent/speech.py). An
instruction is then said as a chat turn, exactly as if it had been typed (the chat shows the words
heard as the person's message); a brief's words go into the brief box, to read and create from. When
it cannot be heard (no endpoint, the server down or refusing, silence) one line says why, and nothing
is lost: the recording stays in its box and the typed words stay in theirs.
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

SOURCES = ["microphone", "upload"]


def voice_note() -> str:
    """Under the microphone: what speaking needs when no endpoint is set (read again on every page load)."""
    from agent.llm import ModelSettings, SettingsError
    from agent.speech import NEEDS_ENDPOINT

    try:
        configured = ModelSettings.from_env().configured
    except SettingsError as exc:
        return str(exc)
    return "" if configured else f"{NEEDS_ENDPOINT[0].upper()}{NEEDS_ENDPOINT[1:]}."


def instruction_mic() -> tuple[gr.Audio, gr.Markdown]:
    """The microphone for an instruction, and the line that says what it needs."""
    mic = gr.Audio(sources=SOURCES, type="filepath", label="…or say it", elem_id="speak")
    return mic, gr.Markdown(voice_note, elem_id="voice-note")


def brief_mic() -> gr.Audio:
    """The microphone (or a voice memo) for a new project's brief."""
    return gr.Audio(sources=SOURCES, type="filepath", label="…or speak it, or a voice memo", elem_id="brief-voice")


def heard(recording: str | None) -> str:
    """The words in a recording; `gr.Error` with one line when there are none to be had."""
    from agent.speech import SpeechError, transcribe

    if not recording:
        raise gr.Error("record or upload something to hear first")
    try:
        return transcribe(Path(recording)).text
    except SpeechError as exc:
        raise gr.Error(str(exc)) from None


def hear_brief(recording: str | None) -> str:
    """A spoken brief's words, for the brief box."""
    return heard(recording)


def hear_instruction(studio: Studio) -> Any:
    """A handler that hears an instruction and says it as a chat turn (`Studio.say`, as typed)."""

    def handler(
        recording: str | None, project: str | None, selected: str | None, chat: Chat, waiting: bool
    ) -> Iterator[Any]:
        yield from studio.say(heard(recording), project, selected, chat, waiting)

    return handler


def wire_voice(
    studio: Studio,
    mic: gr.Audio,
    brief_voice: gr.Audio,
    *,
    brief: gr.Textbox,
    turn_inputs: list[Any],
    turn_outputs: list[Any],
    then: tuple[Any, list[Any], list[Any]],
    limit: dict[str, Any],
) -> None:
    """The events: a recording finished or uploaded is heard; an instruction heard clears its recording."""
    refresh, refresh_inputs, refresh_outputs = then
    for trigger, api in ((mic.stop_recording, "say_aloud"), (mic.upload, "say_aloud_upload")):
        trigger(
            hear_instruction(studio),
            inputs=[mic, *turn_inputs],
            outputs=turn_outputs,
            api_name=api,
            api_visibility="public" if api == "say_aloud" else "private",
            **limit,
        ).success(lambda: None, outputs=mic, api_visibility="private").then(
            refresh, inputs=refresh_inputs, outputs=refresh_outputs, api_visibility="private"
        )
    for trigger, api in ((brief_voice.stop_recording, "hear_brief"), (brief_voice.upload, "hear_brief_upload")):
        trigger(
            hear_brief,
            inputs=brief_voice,
            outputs=brief,
            api_name=api,
            api_visibility="public" if api == "hear_brief" else "private",
        )

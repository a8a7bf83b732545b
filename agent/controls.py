"""Controls made for the task, proposed by the model when one is configured, else by the documented rules.

The model is asked once, through one tool (`propose_controls`) whose arguments are a `ControlSet`:
3 to 6 controls of 2 to 6 options, each option the words a person would type. Its answer is untrusted:
the schema and its bounds are checked, then every option's words are read by the offline grammar on the
project as it is (`agent.offline.controls.check_command`). A proposal that fails anywhere, or a model
that does not answer, gives way whole to the offline rules (`offline_controls`), and one line says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from agent.llm import ModelSettings
from agent.offline.controls import ControlSet, check_command, describe_task, offline_controls, scope_of
from story import Project

TOOL_NAME = "propose_controls"
TOOL_DESCRIPTION = (
    "Propose 3 to 6 controls for what the person is doing now, each option one plain instruction. "
    "The studio shows them beside its fixed ones (a dialogue scene: pace, voices, who is favoured; a chase: "
    "cut rate, camera energy, handheld; a look: light, weather, palette), fitted to the film's style. Each "
    "control has 2 to 6 options; each option's command names its shot or scene, in the words the person would type."
)
PROMPT = """You design the controls a storyteller moves in the studio of a story reel (an animatic).
Call {tool} once. Fit the controls to the task below and to the film's style (a cartoon plays big:
expressions, extreme framing; noir: shadows, night, low and tilted angles, rain).
Every option's command is an instruction the director understands, one of these shapes:
make scene 2 faster · make scene 2 slower · make scene 2 night (dawn, day, dusk) · add rain to scene 2 (fog, snow)
· clear sky in scene 2 · make scene 2 stormy · make scene 2 calmer · make scene 2 more dramatic
· make scene 2 handheld (tracking, static) · make shot 4 a medium close-up of Mara · make shot 4 closer (wider,
longer, shorter) · low angle on shot 4 (high, dutch, eye level) · make Mara happy in shot 4 (sad, afraid, angry,
surprised, crying, laughing, neutral) · give Mara a deeper voice (higher, slower, faster) · style: noir
(watercolour, comic, anime, flat, pastel, sepia, ink, oil painting, storybook, claymation, neon).
Name shots by their label and scenes by number, exactly as listed; use the characters' names."""


@dataclass(frozen=True)
class Proposed:
    """The controls to show, who proposed them, and the one line said when the model's were refused."""

    controls: ControlSet
    source: Literal["model", "rules"]
    note: str = ""


class ProposalRefused(ValueError):
    """The model's controls cannot be used; the message says why in one line."""


def controls_tool() -> dict[str, Any]:
    """The tool the model answers through, its schema made from `ControlSet` (validated against the same),
    each part written where it is used, so the schema holds no `$ref` for a small model to follow."""
    from agent.tools import inline_refs

    schema = ControlSet.model_json_schema()
    parts: dict[str, Any] = schema.pop("$defs", {})
    parameters = inline_refs(schema, parts.get)
    return {
        "type": "function",
        "function": {"name": TOOL_NAME, "description": TOOL_DESCRIPTION, "parameters": parameters},
    }


def propose_controls(
    project: Project, shot_id: str | None, *, settings: ModelSettings | None = None, client: Any = None
) -> Proposed:
    """The controls for the selected shot's scene (the whole film when none is selected): the model's when
    one is configured and its proposal holds, else the rules' (with a line saying why, when refused)."""
    chosen = settings or ModelSettings.from_env()
    if not chosen.configured:
        return Proposed(offline_controls(project, shot_id), "rules")
    try:
        proposal = ask_model(project, shot_id, chosen, client)
    except ProposalRefused as exc:
        line = f"The model's controls were refused ({exc}); these come from the studio's own rules."
        return Proposed(offline_controls(project, shot_id), "rules", note=line)
    return Proposed(proposal, "model")


def ask_model(project: Project, shot_id: str | None, settings: ModelSettings, client: Any = None) -> ControlSet:
    """One request to the model, forced to call `propose_controls`; its answer checked whole."""
    import httpx
    import openai

    from agent.directors import sent_schema
    from agent.llm import ModelTimeout, chat, make_client

    request = {
        "model": settings.model,
        "messages": [
            {"role": "system", "content": PROMPT.format(tool=TOOL_NAME)},
            {"role": "user", "content": task_message(project, shot_id)},
        ],
        "max_tokens": settings.max_tokens,
        "tools": sent_schema([controls_tool()]),
        "tool_choice": {"type": "function", "function": {"name": TOOL_NAME}},
    }
    try:
        _, calls = chat(client or make_client(settings), request, settings, stream=False)
    except (openai.APIError, httpx.HTTPError, ModelTimeout) as exc:
        raise ProposalRefused(f"the model did not answer: {_one_line(str(exc))}") from None
    answers = [c for c in calls if c.get("function", {}).get("name") == TOOL_NAME]
    if not answers:
        raise ProposalRefused(f"the model did not call {TOOL_NAME}")
    return validated(project, answers[0]["function"].get("arguments"))


def validated(project: Project, arguments: Any) -> ControlSet:
    """The model's arguments as a `ControlSet` whose every command the offline grammar reads on `project`."""
    from pydantic import ValidationError

    try:
        raw = json.loads(arguments) if isinstance(arguments, str) else arguments
        proposal = ControlSet.model_validate(raw)
    except ValueError as exc:  # JSONDecodeError and ValidationError both are
        if isinstance(exc, ValidationError) and exc.errors():
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "the arguments"
            raise ProposalRefused(f"{where}: {_one_line(first['msg'])}") from None
        raise ProposalRefused(f"not JSON arguments: {_one_line(str(exc))}") from None
    for control in proposal.controls:
        for option in control.options:
            reading = check_command(project, option.command)
            if reading.error is not None:
                said = f"control {control.name!r}, option {option.label!r} ({option.command!r})"
                raise ProposalRefused(f"{said}: {_one_line(reading.error)}")
    return proposal


def task_message(project: Project, shot_id: str | None) -> str:
    """What the model is told: the task, the style, the cast, and the shots it concerns."""
    from agent.prompt import shot_list

    scope = scope_of(project, shot_id)
    chosen = f"The person has selected shot {scope.shot.label}." if scope.shot is not None else "No shot is selected."
    cast = ", ".join(c.name for c in project.characters) or "no one"
    scenes = sorted({s.scene for s in project.shots})
    return (
        f"Task: {describe_task(project, shot_id)}. {chosen}\n"
        f"Style: {', '.join(project.style.look)}.\nCharacters: {cast}.\n"
        f"Scenes: {', '.join(map(str, scenes))}.\nShots:\n{shot_list(project)}"
    )


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

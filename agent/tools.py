"""The tools the model sees: pydantic arguments, JSON schemas, and their translation into typed edits."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from story import Project
from story.edits import MoveShot, RemoveShot, ShotChanges, UpdateShot


class ToolError(ValueError):
    """A tool call the model must correct; the message goes back to the model."""


class ShotRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shot: int | str = Field(description="The shot: its 1-based position in the shot list, or its id.")


class UpdateShotArgs(ShotChanges):
    """Change fields of one shot; give only the fields to change, by their story.json names."""

    model_config = ConfigDict(extra="forbid")
    shot: int | str = Field(description="The shot: its 1-based position in the shot list, or its id.")


class MoveShotArgs(ShotRef):
    position: int = Field(ge=1, le=10_000, description="The 1-based position it should take.")


class NoArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


TOOLS: dict[str, tuple[type[BaseModel], str]] = {
    "update_shot": (
        UpdateShotArgs,
        ("Change one shot (size, angle, movement, action, duration...). Use for 'make shot 3 a close-up'."),
    ),
    "remove_shot": (ShotRef, "Remove one shot from the shot list (its takes stay on disk)."),
    "move_shot": (MoveShotArgs, "Move one shot to another position in the shot list."),
    "undo": (NoArgs, "Undo the last change, when the person asks to take it back."),
}


def tool_specs() -> list[dict[str, Any]]:
    """The tools in the chat-completions function format, schemas generated from the pydantic models."""
    return [
        {"type": "function", "function": {"name": name, "description": text, "parameters": model.model_json_schema()}}
        for name, (model, text) in TOOLS.items()
    ]


def resolve_shot(project: Project, ref: int | str) -> str:
    """A shot's id from a 1-based position or an id; a clear error otherwise."""
    ids = [shot.id for shot in project.shots]
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        n = int(ref)
        if not 1 <= n <= len(ids):
            raise ToolError(f"`shot` must be between 1 and {len(ids)} but is {n}")
        return ids[n - 1]
    if ref not in ids:
        raise ToolError(f"`shot` {ref!r} is not a shot id; known: {', '.join(ids[:40])}")
    return ref


def to_edits(project: Project, name: str, arguments: str) -> list[Any] | str:
    """Typed edits for one tool call, or "undo"; raises ToolError on anything invalid."""
    if name not in TOOLS:
        raise ToolError(f"unknown tool {name!r}; known: {', '.join(TOOLS)}")
    if len(arguments) > 50_000:
        raise ToolError("arguments are too long")
    model = TOOLS[name][0]
    try:
        args = model.model_validate_json(arguments or "{}")
    except ValidationError as exc:
        raise ToolError(f"invalid arguments for {name}: {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}") from exc
    if name == "undo":
        return "undo"
    shot_id = resolve_shot(project, args.shot)  # type: ignore[attr-defined]
    if name == "remove_shot":
        return [RemoveShot(shot_id=shot_id)]
    if name == "move_shot":
        return [MoveShot(shot_id=shot_id, position=args.position)]  # type: ignore[attr-defined]
    changes = ShotChanges(**args.model_dump(exclude={"shot"}, exclude_unset=True))
    return [UpdateShot(shot_id=shot_id, changes=changes)]

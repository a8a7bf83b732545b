"""What one turn carries: the events a door shows while it runs, a director's plan, and the
graph's checkpointed state (with the conversation so far)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypedDict

if TYPE_CHECKING:
    from agent.production import TurnResult

MAX_HISTORY = 200
"""Messages the checkpoint keeps of the conversation (older ones fall off)."""

Action = Literal["edit", "undo", "redo", "render", "none"]
Route = Literal["new", "revise", "question", "render"]


# Events -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnEvent:
    """Something that happened during a turn, for a door to show as it happens.

    kind: "text" (words of the reply, streamed), "tool" (a tool call and its outcome), "announce"
    (a step starting), "progress" (frames rendered: data has label, frames, total), "question"
    (the turn waits for an answer: data has cost and limit), "done" (`result` holds the TurnResult).
    """

    kind: Literal["text", "tool", "announce", "progress", "question", "done"]
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    result: TurnResult | None = None


Emit = Callable[[TurnEvent], None]


def quiet(event: TurnEvent) -> None:
    """An `Emit` that shows nothing."""


@dataclass(kw_only=True)
class TurnPlan:
    """What a director decided for one message."""

    edits: list[Any]
    reply: str
    action: Action = "edit"
    refused: bool = False
    """True when nothing applies because the message was a mistake (an unknown shot, words not understood)."""


def _recent(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, str]]:
    return (old + new)[-MAX_HISTORY:]


class TurnState(TypedDict, total=False):
    """The graph's checkpointed state: this turn's message and decisions, and the conversation."""

    message: str
    route: str
    action: str
    edits: list[dict[str, Any]]
    reply: str
    refused: bool
    changes: list[str]
    history: Annotated[list[dict[str, str]], _recent]

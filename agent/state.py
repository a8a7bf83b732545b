"""What one turn carries: the events a door shows while it runs, where render progress goes, a
director's plan, what the turn did, and the graph's checkpointed state (with the conversation
so far)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypedDict

MAX_HISTORY = 200
"""Messages the checkpoint keeps of the conversation (older ones fall off)."""

Action = Literal["edit", "undo", "redo", "render", "branch", "none"]
Route = Literal["new", "revise", "question", "render"]


# What a turn did ------------------------------------------------------------------------------


@dataclass
class TurnResult:
    """What one turn did, for the person."""

    reply: str
    changes: list[str] = field(default_factory=list)
    rendered: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    """Each shot's label ('2A') in the order of the list, as the project stood after the render: the door
    names the shots in `rendered` and `failed` (1-based places) by the labels the person sees."""
    reel: Path | None = None
    frames: int = 0
    fps: int = 24
    warnings: list[str] = field(default_factory=list)
    render_seconds: float = 0.0
    waiting: bool = False
    """True when the turn waits for the person's answer (an approval) before it goes on."""
    refused: bool = False
    """True when nothing was applied because the request was a mistake (an unknown shot, words not
    understood, an edit the story refuses, a render over the budget); a terminal exits 2."""
    unanswered: bool = False
    """True when the model gave no usable answer (it failed, timed out or said nothing); nothing
    was applied and a terminal exits 1: the machine failed, not the person."""

    def label(self, number: int) -> str:
        """The label of the shot at 1-based place `number` (the number itself when the place is not known)."""
        return self.labels[number - 1] if 1 <= number <= len(self.labels) else str(number)


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
Progress = Callable[[str, int, int], None]
"""Called with a shot's label, frames just rendered, and the shot's total frames."""
Announce = Callable[[str], None]
"""Called with a short line about a step starting ("rendering 3 shots")."""


def quiet(event: TurnEvent) -> None:
    """An `Emit` that shows nothing."""


def silent(line: str) -> None:
    """An `Announce` that says nothing."""


@dataclass(frozen=True, kw_only=True)
class Reporting:
    """Where one piece of work reports while it runs, given per call (never swapped on a shared object)."""

    progress: Progress | None = None
    """Frames rendered, as they are."""
    announce: Announce = silent
    """A step starting."""


# A director's plan ----------------------------------------------------------------------------


@dataclass(kw_only=True)
class TurnPlan:
    """What a director decided for one message; nothing of it is applied yet."""

    edits: list[Any]
    """Typed story edits, applied together as one revision (may be empty)."""
    reply: str
    """What to tell the person."""
    action: Action = "edit"
    """`undo`/`redo` step through history instead of applying edits; `render` renders again."""
    refused: bool = False
    """True when nothing applies because the message was a mistake (an unknown shot, words not understood)."""
    unanswered: bool = False
    """True when the model gave no usable answer (an error, a timeout, nothing said); nothing applies."""
    branch: dict[str, Any] | None = None
    """With action `branch`: a surprise, or a branch to name, switch to, keep, drop, list or compare
    (agent/branching.py)."""


# The graph ------------------------------------------------------------------------------------


def _recent(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, str]]:
    return (old + new)[-MAX_HISTORY:]


class TurnState(TypedDict, total=False):
    """The graph's checkpointed state: this turn's message and decisions, and the conversation.
    What the turn did comes back beside it, never checkpointed (agent/graph.py, `TurnOutput`)."""

    message: str
    route: str
    action: str
    edits: list[dict[str, Any]]
    branch: dict[str, Any]
    reply: str
    refused: bool
    unanswered: bool
    approved: bool
    history: Annotated[list[dict[str, str]], _recent]

"""The director's door: what every director (offline or model-backed) answers.

The graph and the production service code against `Director` only; which director sits behind
it (the offline grammar or a language model) is a setting (`agent.directors.choose_director`),
not a code path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from agent.state import Emit, Route, TurnPlan, quiet
from story import AnyEdit, Project

if TYPE_CHECKING:
    from agent.tools import Toolbox


class DirectorError(RuntimeError):
    """The director could not answer (a model that failed or never planned); nothing changed."""


class Director(Protocol):
    """Turns a brief into a story, and a person's message into a plan for one turn."""

    def plan(self, brief: str) -> list[AnyEdit]:
        """Edits that make a story from a brief (prose or Fountain): a ReplaceStory first."""
        ...

    def turn(
        self,
        project: Project,
        message: str,
        *,
        route_as: Route | None = None,
        history: list[dict[str, str]] | None = None,
        toolbox: Toolbox | None = None,
        emit: Emit = quiet,
    ) -> TurnPlan:
        """What to change in `project` for `message`; nothing is applied here.

        `route_as` is what kind of message the graph found it to be, `history` the conversation
        so far (oldest first), `toolbox` the turn's tools with memory and the continuity checker
        behind them, and `emit` where the director's words and tool calls go as they happen.
        A director may use as much of this as it can and ignore the rest.
        """
        ...

"""The director's door: what every director (offline or model-backed) answers.

The graph and the production service code against `Director` only; which director sits behind
it (the offline grammar or a language model) is a setting, not a code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from story import AnyEdit, Project


class DirectorError(RuntimeError):
    """The director could not answer (a model that failed or never planned); nothing changed."""


@dataclass(frozen=True, kw_only=True)
class Direction:
    """A director's answer to one message: edits to apply as one revision, and a reply."""

    edits: list[AnyEdit]
    """Typed story edits, applied together as one revision (may be empty)."""
    reply: str
    """What to tell the person."""
    action: Literal["edit", "undo", "redo", "none"] = "edit"
    """`undo`/`redo` ask the caller to step through history instead of applying edits."""
    understood: bool = True
    """False when the message was not understood; then `edits` is empty."""
    refused: bool = False
    """True when nothing applies because the message was a mistake: an unknown shot, something
    that cannot be done, words not understood (then `edits` is empty)."""


class Director(Protocol):
    """Turns a brief into a story, and a person's message into edits."""

    def plan(self, brief: str) -> list[AnyEdit]:
        """Edits that make a story from a brief (prose or Fountain): a ReplaceStory first."""
        ...

    def direct(self, project: Project, message: str) -> Direction:
        """What to change in `project` for `message`."""
        ...

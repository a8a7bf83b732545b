"""A scripted director for tests: queued plans, every request recorded (the model boundary); and a
small film it plans, and the CLI run in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.state import Emit, TurnEvent, TurnPlan, quiet
from story import AnyEdit, Bible, Character, DialogueLine, Location, Project, ReplaceStory, Shot, Style

if TYPE_CHECKING:
    from agent.production import Production


@dataclass
class ScriptedDirector:
    """A `Director` that plans a fixed story and answers each turn from a queue."""

    story: list[AnyEdit]
    queue: list[TurnPlan] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)

    def enqueue(self, *plans: TurnPlan) -> None:
        """Queue plans for the next turns."""
        self.queue.extend(plans)

    def plan(self, brief: str) -> list[AnyEdit]:
        """Record the brief and return the fixed story."""
        self.history.append(("plan", brief))
        return list(self.story)

    def turn(self, project: Project, message: str, *, emit: Emit = quiet, **_: Any) -> TurnPlan:
        """Record the message and return the next queued plan."""
        self.history.append(("turn", message))
        plan = self.queue.pop(0) if self.queue else TurnPlan(edits=[], reply="(nothing queued)", action="none")
        emit(TurnEvent("text", plan.reply))
        return plan


def small_story(*, width: int = 320, height: int = 180, shots: int = 3, title_card: bool = True) -> ReplaceStory:
    """A tiny valid story for fast rendering tests."""
    cast = [
        Character(id="mara", name="Mara", description="a young woman in a red coat", traits={"coat": "red"}),
        Character(id="tomas", name="Tomas", description="an old fisherman with a grey beard", traits={"beard": "grey"}),
    ]
    places = [Location(id="harbour", name="the harbour"), Location(id="kitchen", name="the kitchen", interior=True)]
    sizes = ["WS", "MS", "CU", "MCU", "EWS", "MWS"]
    moves = ["static", "push-in", "pan-left", "static", "tilt-up", "handheld"]
    shot_list = [
        Shot(
            id=f"s{n}",
            action=f"beat {n}: Mara looks out to sea",
            characters=["mara"] if n % 2 else ["mara", "tomas"],
            location="harbour" if n < 3 else "kitchen",
            size=sizes[(n - 1) % len(sizes)],
            movement=moves[(n - 1) % len(moves)],
            duration_frames=12 + 2 * n,
            dialogue=[DialogueLine(speaker="tomas", text="Come home.")] if n == 2 else [],
            seed=n,
        )
        for n in range(1, shots + 1)
    ]
    style = Style(width=width, height=height, title_card=title_card, title_card_frames=10)
    return ReplaceStory(
        bible=Bible(title="Harbour Light", logline="A keeper waits."),
        style=style,
        characters=cast,
        locations=places,
        shots=shot_list,
    )


REPO = Path(__file__).resolve().parent.parent


def small_film(root: Path, shots: int = 3) -> Production:
    """A rendered film of `shots` small shots (160x90) planned by the scripted director, opened again
    with the offline director, as `storyreel say` finds it."""
    from agent.production import Production

    plan = [small_story(width=160, height=90, shots=shots)]
    Production.new(root, "a brief", director=ScriptedDirector(story=plan))  # type: ignore[arg-type]
    return Production.open(root)


def storyreel(*args: object, seed: str | None = None) -> subprocess.CompletedProcess[str]:
    """`storyreel ARGS` in a process of its own, 200 columns wide, without memory, seeded by `seed` or
    by nothing (a STORYREEL_SEED of the caller's is left out)."""
    env = os.environ | {"COLUMNS": "200", "STORYREEL_MEMORY": "off"}
    env.pop("STORYREEL_SEED", None)
    if seed is not None:
        env["STORYREEL_SEED"] = seed
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)], capture_output=True, text=True, cwd=REPO, env=env
    )

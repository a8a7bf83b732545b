"""The director graph: one conversational turn as LangGraph nodes, checkpointed in agent.sqlite.

direct (ask the model for tool calls, or the offline director for a Direction) -> apply (one revision).
The graph sees only `TurnPlan`s: whether a model or the offline grammar produced them is not its business.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypedDict

from agent.llm import ModelSettings, make_client
from agent.prompt import system_prompt
from agent.tools import ToolError, to_edits, tool_specs

MAX_ATTEMPTS = 3
MAX_STEPS = 8


@dataclass(kw_only=True)
class TurnPlan:
    """What a director decided for one message."""

    edits: list[Any]
    reply: str
    action: Literal["edit", "undo", "redo", "none"] = "edit"


class TurnState(TypedDict, total=False):
    message: str
    action: str
    edits: list[dict[str, Any]]
    reply: str
    changes: list[str]


class ModelDirector:
    """Asks an OpenAI-compatible model for tool calls in a loop; invalid calls go back to the model."""

    def __init__(self, settings: ModelSettings, client: Any = None) -> None:
        self.settings = settings
        self.client = client or make_client(settings)

    def turn(self, project: Any, message: str) -> TurnPlan:
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system_prompt(project)},
            {"role": "user", "content": message},
        ]
        edits: list[Any] = []
        action: Literal["edit", "undo", "redo", "none"] = "edit"
        failures = 0
        for _ in range(MAX_STEPS):
            import openai

            try:
                response = self.client.chat.completions.create(
                    model=self.settings.model, messages=messages, tools=tool_specs()
                )
            except openai.APIError as exc:
                return TurnPlan(
                    edits=[], reply=f"The model did not answer ({exc}); nothing was changed.", action="none"
                )
            choice = response.choices[0].message
            calls = choice.tool_calls or []
            if not calls:
                return TurnPlan(
                    edits=edits, reply=choice.content or "", action=action if edits or action == "undo" else "none"
                )
            messages.append(choice.model_dump(exclude_none=True))
            ok = True
            for call in calls:
                try:
                    result = to_edits(project, call.function.name, call.function.arguments)
                    content = "done"
                    if result == "undo":
                        action = "undo"
                    else:
                        edits.extend(result)
                except ToolError as exc:
                    ok, content = False, f"error: {exc}"
                messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
            if not ok:
                failures += 1
                if failures >= MAX_ATTEMPTS:
                    return TurnPlan(edits=[], reply="I could not make that change; nothing was changed.", action="none")
        return TurnPlan(edits=edits, reply="Done.", action=action)


class OfflineAdapter:
    """The offline director behind the same `turn` door."""

    def __init__(self, director: Any) -> None:
        self.director = director

    def turn(self, project: Any, message: str) -> TurnPlan:
        d = self.director.direct(project, message)
        return TurnPlan(edits=list(d.edits), reply=d.reply, action=d.action)


def estimate_cost(production: Any, edits: list[Any]) -> float:
    """What rendering after these edits would cost: each stale shot's seconds times its backend's rate."""
    from story import apply
    from tools.render.engine import stale_jobs

    after = apply(production.project, edits)
    fps = getattr(after.style, "fps", 24) or 24
    return sum(
        job.backend.cost_per_second * job.shot.duration_frames / fps for job in stale_jobs(production.folder, after)
    )


def approval_threshold(production: Any) -> float | None:
    """STORYREEL_APPROVE_ABOVE, else the project's `approve_above` metadata; None means never ask."""
    raw = os.environ.get("STORYREEL_APPROVE_ABOVE") or production.project.metadata.get("approve_above")
    return float(raw) if raw not in (None, "") else None


def build_graph(production: Any, director: Any, checkpointer: Any = None, results: list[Any] | None = None) -> Any:
    """Compile the turn graph (direct -> approve -> apply) around a Production and a director."""
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import interrupt

    from agent.production import TurnResult
    from story.edits import EDITS

    def direct(state: TurnState) -> TurnState:
        plan = director.turn(production.project, state["message"])
        return {
            "action": plan.action,
            "reply": plan.reply,
            "edits": EDITS.dump_python(plan.edits, mode="json", exclude_none=True),
        }

    def approve(state: TurnState) -> TurnState:
        limit = approval_threshold(production)
        if state["action"] != "edit" or not state["edits"] or limit is None:
            return {}
        cost = estimate_cost(production, EDITS.validate_python(state["edits"]))
        if cost <= limit:
            return {}
        answer = interrupt(
            {"cost": cost, "limit": limit, "question": f"Rendering costs {cost:.2f} (over {limit:.2f}). Go ahead?"}
        )
        if answer in (True, "yes", "y"):
            return {}
        return {"action": "none", "edits": [], "reply": "Not approved; nothing changed."}

    def apply_turn(state: TurnState) -> TurnState:
        if state["action"] == "undo":
            result = production.undo()
        elif state["action"] == "redo":
            result = production.redo()
        elif not state["edits"]:
            result = TurnResult(reply=state["reply"])
        else:
            edits = EDITS.validate_python(state["edits"])
            result = production.apply(edits, message=state["message"], reply=state["reply"])
        if results is not None:
            results.append(result)
        return {"reply": result.reply, "changes": list(result.changes or [])}

    graph = StateGraph(TurnState)
    graph.add_node("direct", direct)
    graph.add_node("approve", approve)
    graph.add_node("apply", apply_turn)
    graph.add_edge(START, "direct")
    graph.add_edge("direct", "approve")
    graph.add_edge("approve", "apply")
    graph.add_edge("apply", END)
    return graph.compile(checkpointer=checkpointer)


def choose_director(production: Any) -> Any:
    """The model director when an endpoint is configured, else the offline one."""
    settings = ModelSettings.from_env()
    if settings.configured:
        return ModelDirector(settings)
    return OfflineAdapter(production.director)


def say(production: Any, message: str, *, resume: Any = None) -> Any:
    """Run one turn (or resume one waiting for approval) through the graph, checkpointed in agent.sqlite."""
    from langgraph.checkpoint.sqlite import SqliteSaver
    from langgraph.types import Command

    from agent.production import TurnResult

    root = Path(production.folder.root)
    with SqliteSaver.from_conn_string(str(root / "agent.sqlite")) as saver:
        results: list[Any] = []
        graph = build_graph(production, choose_director(production), checkpointer=saver, results=results)
        payload: Any = Command(resume=resume) if resume is not None else {"message": message}
        out = graph.invoke(payload, {"configurable": {"thread_id": "project"}})
        if "__interrupt__" in out:
            question = out["__interrupt__"][0].value["question"]
            return TurnResult(reply=f"{question} Answer with `storyreel approve DIR yes` (or no).")
        return results[-1]


__all__ = ["build_graph", "say", "ModelDirector", "OfflineAdapter", "TurnPlan", "estimate_cost"]

"""The director graph: one conversational turn as LangGraph nodes, checkpointed in agent.sqlite.

route (what kind of message) -> direct (the model's tool loop, or the offline director) ->
approve (interrupt when the render would cost more than allowed) -> apply (one revision, render
what changed, assemble). The graph sees only `TurnPlan`s: whether a model or the offline grammar
produced them is not its business. The conversation lives in the checkpoint, one thread per
project, so a turn after a restart sees the turns before it.

`stream_turn` runs a turn and yields what happens as it happens (the model's words, tool calls,
render progress); `say` runs one and returns its result. The CLI and the studio use both.
"""

from __future__ import annotations

import os
import queue
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypedDict

from agent.director import Direction, DirectorError
from agent.llm import ModelSettings, make_client
from agent.prompt import system_prompt
from agent.tools import READ_ONLY, Toolbox, ToolError
from story import AnyEdit, Project

if TYPE_CHECKING:
    from agent.production import Production, TurnResult

MAX_ATTEMPTS = 3
"""Tool calls the model may get wrong in one turn before the person is told and nothing applies."""
MAX_STEPS = 8
"""Model round trips in one turn."""
MAX_HISTORY = 200
"""Messages the checkpoint keeps of the conversation (older ones fall off)."""
THREAD = {"configurable": {"thread_id": "project"}}

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


def _quiet(event: TurnEvent) -> None:
    pass


# What a director decided ----------------------------------------------------------------------


@dataclass(kw_only=True)
class TurnPlan:
    """What a director decided for one message."""

    edits: list[Any]
    reply: str
    action: Action = "edit"


_QUESTION = re.compile(
    r"^(who|what|where|when|why|which|how|is|are|was|were|does|do|did|has|have|list|show me|tell me)\b(?! about)"
)
_REQUEST = re.compile(r"\b(can you|could you|would you|will you|please|let'?s|make|change|add|remove|move|cut)\b")
_RENDER = re.compile(r"\b(re-?render|render|redraw|export|regenerate)\b")


def route(project: Project, message: str) -> Route:
    """What kind of message this is: a new story, a revision, a question, or a render request.

    A question gets only the read-only tools, so asking never changes the film.
    """
    said = message.strip().lower()
    if not project.shots:
        return "new"
    if _QUESTION.match(said) and not _REQUEST.search(said):
        return "question"
    if _RENDER.search(said):
        return "render"
    return "revise"


ROUTE_TOOLS: dict[Route, frozenset[str] | None] = {
    "new": frozenset({"create_story"}),
    "question": READ_ONLY,
    "render": None,
    "revise": None,
}


def conversation(history: list[dict[str, str]], keep: int = 12, chars: int = 1_500) -> list[dict[str, str]]:
    """The earlier turns as chat messages: the last `keep` as said (each capped at `chars`), the
    ones before them summarised in one line, so a long conversation stays within the budget."""
    recent, older = history[-keep:], history[:-keep]
    messages = [{"role": m["role"], "content": m["content"][:chars]} for m in recent]
    asked = [m["content"][:80] for m in older if m["role"] == "user"]
    if asked:
        summary = f"Earlier in this conversation ({len(asked)} requests, oldest first): " + " | ".join(asked[-30:])
        messages.insert(0, {"role": "system", "content": summary})
    return messages


class ModelDirector:
    """Asks an OpenAI-compatible model for tool calls in a loop; invalid calls go back to the model.

    Also a `Director` (plan a brief, direct a message), so `Production` can hold it directly.
    """

    def __init__(self, settings: ModelSettings, client: Any = None) -> None:
        self.settings = settings
        self.client = client or make_client(settings)

    # The Director door --------------------------------------------------------------------

    def plan(self, brief: str) -> list[AnyEdit]:
        """Plan a brief into a story by asking the model for `create_story`."""
        message = f"Plan this brief as a story reel: call create_story once.\n\n{brief}"
        plan = self.turn(Project(), message, route_as="new")
        if not plan.edits:
            raise DirectorError(f"the model did not plan a story ({plan.reply.strip() or 'no answer'})")
        return plan.edits

    def direct(self, project: Project, message: str) -> Direction:
        plan = self.turn(project, message)
        action = "none" if plan.action == "render" and not plan.edits else plan.action
        return Direction(edits=plan.edits, reply=plan.reply, action=action)  # type: ignore[arg-type]

    # One turn -----------------------------------------------------------------------------

    def turn(
        self,
        project: Project,
        message: str,
        *,
        route_as: Route | None = None,
        history: list[dict[str, str]] | None = None,
        toolbox: Toolbox | None = None,
        emit: Emit = _quiet,
    ) -> TurnPlan:
        """Run the tool loop for one message; no change is applied here."""
        import httpx
        import openai

        chosen = route_as or route(project, message)
        box = toolbox or Toolbox(project)
        box.allowed = ROUTE_TOOLS[chosen]
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system_prompt(project, chosen)},
            *conversation(history or []),
            {"role": "user", "content": message},
        ]
        failures = 0
        for _ in range(MAX_STEPS):
            try:
                content, calls = self._ask(messages, box.specs(), emit)
            except (openai.APIError, httpx.HTTPError) as exc:
                return TurnPlan(
                    edits=[], reply=f"The model did not answer ({exc}); nothing was changed.", action="none"
                )
            if not calls:
                return TurnPlan(edits=box.edits, reply=content, action=box.action or "none")
            messages.append({"role": "assistant", "content": content or None, "tool_calls": calls})
            wrong = False
            for call in calls:
                name, arguments = call["function"]["name"], call["function"]["arguments"]
                try:
                    answer, ok = box.call(name, arguments).content, True
                except ToolError as exc:
                    answer, ok, wrong = f"error: {exc}", False, True
                emit(TurnEvent("tool", f"{name}({_brief(arguments)}) -> {answer[:160]}", {"name": name, "ok": ok}))
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": answer})
            if wrong:
                failures += 1
                if failures >= MAX_ATTEMPTS:
                    return TurnPlan(
                        edits=[],
                        reply=f"I could not make that change ({answer.removeprefix('error: ')}); nothing was changed.",
                        action="none",
                    )
        return TurnPlan(edits=box.edits, reply="Done.", action=box.action or "none")

    def _ask(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], emit: Emit
    ) -> tuple[str, list[dict[str, Any]]]:
        """One request; the words stream to `emit` as they come. Returns the text and the tool calls."""
        request: dict[str, Any] = {"model": self.settings.model, "messages": messages}
        if tools:
            request["tools"] = tools
        if not self.settings.stream:
            reply = self.client.chat.completions.create(**request).choices[0].message
            calls = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.function.name, "arguments": c.function.arguments},
                }
                for c in reply.tool_calls or []
            ]
            if reply.content:
                emit(TurnEvent("text", reply.content))
            return reply.content or "", calls
        words: list[str] = []
        slots: dict[int, dict[str, Any]] = {}
        for chunk in self.client.chat.completions.create(**request, stream=True):
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            if delta.content:
                words.append(delta.content)
                emit(TurnEvent("text", delta.content))
            for part in delta.tool_calls or []:
                slot = slots.setdefault(part.index, {"id": "", "name": "", "arguments": ""})
                slot["id"] = part.id or slot["id"]
                if part.function is not None:
                    slot["name"] += part.function.name or ""
                    slot["arguments"] += part.function.arguments or ""
        calls = [
            {
                "id": slot["id"] or f"call_{n}",
                "type": "function",
                "function": {"name": slot["name"], "arguments": slot["arguments"]},
            }
            for n, slot in sorted(slots.items())
        ]
        return "".join(words), calls


def _brief(arguments: str, limit: int = 120) -> str:
    flat = " ".join((arguments or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class OfflineAdapter:
    """The offline director behind the same `turn` door."""

    def __init__(self, director: Any) -> None:
        self.director = director

    def turn(self, project: Project, message: str, *, emit: Emit = _quiet, **_: Any) -> TurnPlan:
        d = self.director.direct(project, message)
        if d.reply:
            emit(TurnEvent("text", d.reply))
        return TurnPlan(edits=list(d.edits), reply=d.reply, action=d.action)


# Cost and approval ----------------------------------------------------------------------------


def estimate_cost(production: Production, edits: list[Any]) -> float:
    """What rendering after these edits would cost, as each backend prices its shots (keyframes,
    clip lengths rounded up, takes already on disk free)."""
    from story import apply
    from tools.render.budget import estimate
    from tools.render.engine import stale_jobs

    after = apply(production.project, edits)
    return estimate(production.folder, after, stale_jobs(production.folder, after))


def approval_threshold(production: Production) -> float | None:
    """STORYREEL_APPROVE_ABOVE, else the project's `approve_above` metadata; None means never ask."""
    raw = os.environ.get("STORYREEL_APPROVE_ABOVE") or production.project.metadata.get("approve_above")
    return float(raw) if raw not in (None, "") else None


# The graph ------------------------------------------------------------------------------------


def _recent(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, str]]:
    return (old + new)[-MAX_HISTORY:]


class TurnState(TypedDict, total=False):
    message: str
    route: str
    action: str
    edits: list[dict[str, Any]]
    reply: str
    changes: list[str]
    history: Annotated[list[dict[str, str]], _recent]


def build_graph(
    production: Production,
    director: Any,
    checkpointer: Any = None,
    results: list[Any] | None = None,
    emit: Emit = _quiet,
) -> Any:
    """Compile the turn graph (route -> direct -> approve -> apply) around a Production and a director."""
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import interrupt

    from agent.production import TurnResult
    from story.edits import EDITS

    def route_node(state: TurnState) -> TurnState:
        return {"route": route(production.project, state["message"])}

    def direct(state: TurnState) -> TurnState:
        project = production.project
        box = _toolbox(production, project)
        plan = director.turn(
            project,
            state["message"],
            route_as=state.get("route"),
            history=state.get("history", []),
            toolbox=box,
            emit=emit,
        )
        return {
            "action": plan.action,
            "reply": plan.reply,
            "edits": EDITS.dump_python(plan.edits, mode="json", exclude_none=True),
        }

    def approve(state: TurnState) -> TurnState:
        limit = approval_threshold(production)
        if state["action"] not in ("edit", "render") or limit is None:
            return {}
        cost = estimate_cost(production, EDITS.validate_python(state["edits"]))
        if cost <= limit:
            return {}
        answer = interrupt(
            {"cost": cost, "limit": limit, "question": f"Rendering costs {cost:.2f} (over {limit:.2f}). Go ahead?"}
        )
        if str(answer).strip().lower() in ("true", "yes", "y"):
            return {}
        return {"action": "none", "edits": [], "reply": "Not approved; nothing changed."}

    def apply_turn(state: TurnState) -> TurnState:
        action = state["action"]
        if action == "undo":
            result = production.undo()
        elif action == "redo":
            result = production.redo()
        elif state["edits"]:
            edits = EDITS.validate_python(state["edits"])
            result = production.apply(edits, message=state["message"], reply=state["reply"])
        elif action == "render":
            result = production.render()
            result.reply = state["reply"] or result.reply
        else:
            result = TurnResult(reply=state["reply"])
        if results is not None:
            results.append(result)
        said = [{"role": "user", "content": state["message"]}, {"role": "assistant", "content": result.reply}]
        return {"reply": result.reply, "changes": list(result.changes or []), "history": said}

    graph = StateGraph(TurnState)
    graph.add_node("route", route_node)
    graph.add_node("direct", direct)
    graph.add_node("approve", approve)
    graph.add_node("apply", apply_turn)
    graph.add_edge(START, "route")
    graph.add_edge("route", "direct")
    graph.add_edge("direct", "approve")
    graph.add_edge("approve", "apply")
    graph.add_edge("apply", END)
    return graph.compile(checkpointer=checkpointer)


def _toolbox(production: Production, project: Project) -> Toolbox:
    """The turn's tools, with memory behind `recall` and the checker behind `check_continuity`."""
    from agent.production import memory_enabled

    def recall(query: str, kinds: list[str] | None, k: int) -> list[Any]:
        return production.memory().recall(query, kinds=kinds, k=k)

    def check(current: Project) -> list[Any]:
        from memory.continuity import check as continuity

        return continuity(current, production.memory() if memory_enabled() else None)

    return Toolbox(project, recall=recall if memory_enabled() else None, check=check)


def choose_director(production: Production) -> Any:
    """The model director when an endpoint is configured, else the offline one."""
    settings = ModelSettings.from_env()
    if settings.configured:
        return ModelDirector(settings)
    return OfflineAdapter(production.director)


def choose_planner() -> ModelDirector | None:
    """The director that plans a new brief: the model when one is configured, else None (offline)."""
    settings = ModelSettings.from_env()
    return ModelDirector(settings) if settings.configured else None


def stream_turn(production: Production, message: str, *, resume: Any = None) -> Iterator[TurnEvent]:
    """Run one turn (or resume one waiting for approval) and yield its events as they happen;
    the last event is "question" (waiting for an answer) or "done" (with the TurnResult)."""
    events: queue.Queue[TurnEvent | BaseException | None] = queue.Queue()
    worker = threading.Thread(target=_run_turn, args=(production, message, resume, events.put), daemon=True)
    worker.start()
    while True:
        item = events.get()
        if item is None:
            break
        if isinstance(item, BaseException):
            worker.join()
            raise item
        yield item
    worker.join()


def _run_turn(production: Production, message: str, resume: Any, put: Callable[[Any], None]) -> None:
    from langgraph.checkpoint.sqlite import SqliteSaver
    from langgraph.types import Command

    from agent.production import TurnResult

    def emit(event: TurnEvent) -> None:
        put(event)

    progress, announce = production.progress, production.announce

    def on_progress(label: str, frames: int, total: int) -> None:
        if progress is not None:
            progress(label, frames, total)
        put(TurnEvent("progress", label, {"label": label, "frames": frames, "total": total}))

    def on_announce(line: str) -> None:
        announce(line)
        put(TurnEvent("announce", line))

    production.progress, production.announce = on_progress, on_announce
    try:
        root = Path(production.folder.root)
        with SqliteSaver.from_conn_string(str(root / "agent.sqlite")) as saver:
            results: list[Any] = []
            graph = build_graph(production, choose_director(production), saver, results, emit)
            payload: Any = Command(resume=resume) if resume is not None else {"message": message}
            if resume is not None and not graph.get_state(THREAD).next:
                put(TurnEvent("done", result=TurnResult(reply="No turn is waiting for an answer.")))
                return
            out = graph.invoke(payload, THREAD)
            if "__interrupt__" in out:
                asked = out["__interrupt__"][0].value
                put(TurnEvent("question", asked["question"], {"cost": asked["cost"], "limit": asked["limit"]}))
            else:
                put(TurnEvent("done", result=results[-1]))
    except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
        put(exc)
    finally:
        production.progress, production.announce = progress, announce
        put(None)


def say(production: Production, message: str, *, resume: Any = None) -> TurnResult:
    """Run one turn (or resume one waiting for approval) and return what it did."""
    from agent.production import TurnResult

    for event in stream_turn(production, message, resume=resume):
        if event.kind == "question":
            return TurnResult(reply=f"{event.text} Answer with `storyreel approve DIR yes` (or no).", waiting=True)
        if event.kind == "done" and event.result is not None:
            return event.result
    raise DirectorError("the turn ended without a result")  # pragma: no cover - _run_turn always ends with one


__all__ = [
    "ModelDirector",
    "OfflineAdapter",
    "TurnEvent",
    "TurnPlan",
    "build_graph",
    "choose_director",
    "choose_planner",
    "estimate_cost",
    "route",
    "say",
    "stream_turn",
]

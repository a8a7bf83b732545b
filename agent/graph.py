"""The director graph: one conversational turn as LangGraph nodes, checkpointed in agent.sqlite.

route (what kind of message) -> direct (the director's plan: the model's tool loop or the offline
grammar) -> approve (interrupt when the render would cost more than allowed) -> apply (one
revision, render what changed, assemble); a turn that changes nothing goes from direct (or a
refused approval) to answer. The graph sees only a `Director` and its `TurnPlan`s: whether a
model or the offline grammar made them is not its business (agent/directors.py).

The graph is built once per process (`turn_graph`); each run gets its parts explicitly as a
`TurnContext` (the production, the director, where events and render progress go) and the
project's checkpointer, and hands back what it did as `TurnOutput.result`. The conversation lives
in the checkpoint, one thread per project, so a turn after a restart sees the turns before it.

`stream_turn` runs a turn and yields what happens as it happens (the model's words, tool calls,
render progress); `say` runs one and returns its result. The CLI and the studio use both.
"""

from __future__ import annotations

import functools
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypedDict

from langgraph.channels.untracked_value import UntrackedValue
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.director import Director, DirectorError
from agent.directors import route
from agent.llm import number_setting
from agent.state import Emit, Reporting, TurnEvent, TurnResult, TurnState, quiet
from agent.tools import Toolbox
from story import Project
from story.edits import EDITS

if TYPE_CHECKING:
    from langgraph.graph.state import CompiledStateGraph

    from agent.production import Production

THREAD = {"configurable": {"thread_id": "project"}}


# Cost and approval ----------------------------------------------------------------------------


def estimate_cost(production: Production, edits: list[Any]) -> float:
    """What rendering after these edits would cost, as each backend prices its shots (keyframes,
    clip lengths rounded up, takes already on disk free)."""
    from story import apply
    from tools.render.budget import estimate
    from tools.render.jobs import stale_jobs

    after = apply(production.project, edits)
    return estimate(production.folder, after, stale_jobs(production.folder, after))


def approval_threshold(production: Production) -> float | None:
    """STORYREEL_APPROVE_ABOVE, else the project's `approve_above` metadata; None means never ask."""
    name, raw = "STORYREEL_APPROVE_ABOVE", os.environ.get("STORYREEL_APPROVE_ABOVE")
    if not raw:
        name, raw = "approve_above in the project's metadata", production.project.metadata.get("approve_above")
    if raw in (None, ""):
        return None
    return number_setting(name, raw, "an amount in US dollars")


# The graph ------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class TurnContext:
    """The parts a turn's nodes work with, handed to each run (`invoke(..., context=...)`)."""

    production: Production
    """The project open for work: reads the story, commits, renders and assembles."""
    director: Director
    """Who decides what the message changes: the model or the offline director."""
    emit: Emit = quiet
    """Where the director's words and tool calls go as they happen."""
    reporting: Reporting = field(default_factory=Reporting)
    """Where this turn's render progress and steps go."""


class TurnOutput(TypedDict, total=False):
    """What a run hands back: what the turn did, never checkpointed (a new turn starts without it)."""

    result: Annotated[TurnResult, UntrackedValue(TurnResult)]


class Finished(TurnOutput, total=False):
    """A last node's update: what the turn did, and the exchange added to the conversation."""

    history: list[dict[str, str]]


def route_message(state: TurnState, runtime: Runtime[TurnContext]) -> TurnState:
    """Sort the message: a new story, a question, a render request or a revision."""
    return {"route": route(runtime.context.production.project, state["message"])}


def direct(state: TurnState, runtime: Runtime[TurnContext]) -> TurnState:
    """Ask the director what the message changes; nothing is applied yet."""
    parts = runtime.context
    project = parts.production.project
    plan = parts.director.turn(
        project,
        state["message"],
        route_as=state.get("route"),  # type: ignore[arg-type]
        history=state.get("history", []),
        toolbox=_toolbox(parts.production, project),
        emit=parts.emit,
    )
    return {
        "action": plan.action,
        "reply": plan.reply,
        "refused": plan.refused,
        "unanswered": plan.unanswered,
        "edits": EDITS.dump_python(plan.edits, mode="json", exclude_none=True),
        "branch": plan.branch or {},
    }


def approve(state: TurnState, runtime: Runtime[TurnContext]) -> TurnState:
    """Stop and ask when rendering after these edits would cost more than allowed."""
    production = runtime.context.production
    limit = approval_threshold(production)
    if limit is None:
        return {"approved": True}
    cost = estimate_cost(production, EDITS.validate_python(state["edits"]))
    if cost <= limit:
        return {"approved": True}
    answer = interrupt(
        {"cost": cost, "limit": limit, "question": f"Rendering costs {cost:.2f} (over {limit:.2f}). Go ahead?"}
    )
    if str(answer).strip().lower() in ("true", "yes", "y"):
        return {"approved": True}
    return {"approved": False, "action": "none", "edits": [], "reply": "Not approved; nothing changed."}


def apply_changes(state: TurnState, runtime: Runtime[TurnContext]) -> Finished:
    """Step through history, or commit the edits as one revision; render what changed, assemble."""
    production, reporting = runtime.context.production, runtime.context.reporting
    action = state["action"]
    if action == "undo":
        result = production.undo(reporting)
    elif action == "redo":
        result = production.redo(reporting)
    elif action == "branch" or (state.get("branch") or {}).get("op") == "try":
        from agent.branching import branch_turn

        edits = EDITS.validate_python(state["edits"])
        result = branch_turn(production, state.get("branch") or {}, reporting, edits=edits)
    elif state["edits"]:
        edits = EDITS.validate_python(state["edits"])
        result = production.apply(edits, message=state["message"], reply=state["reply"], reporting=reporting)
    else:
        result = production.render(reporting=reporting)
        result.reply = state["reply"] or result.reply
    return {"result": result, "history": _exchange(state, result)}


def answer(state: TurnState) -> Finished:
    """A turn that changes nothing: the director's reply (an answer, a refusal, a plain message)."""
    result = TurnResult(
        reply=state["reply"], refused=bool(state.get("refused")), unanswered=bool(state.get("unanswered"))
    )
    return {"result": result, "history": _exchange(state, result)}


def after_direct(state: TurnState) -> Literal["approve", "apply", "answer"]:
    """Edits and renders may need approval; undo and redo apply at once; anything else is an answer."""
    if state["action"] in ("undo", "redo", "branch"):
        return "apply"
    if state["edits"] or state["action"] == "render":
        return "approve"
    return "answer"


def after_approval(state: TurnState) -> Literal["apply", "answer"]:
    """Apply what was approved (or needed no approval); a refusal is only an answer."""
    return "apply" if state["approved"] else "answer"


def _exchange(state: TurnState, result: TurnResult) -> list[dict[str, str]]:
    return [{"role": "user", "content": state["message"]}, {"role": "assistant", "content": result.reply}]


def build_graph(checkpointer: Any = None) -> CompiledStateGraph:
    """Compile the turn graph; its parts come with each run as a `TurnContext`, so tests compile it
    with a fresh checkpointer and run it with any production and director."""
    graph = StateGraph(TurnState, context_schema=TurnContext, output_schema=TurnOutput)
    graph.add_node("route", route_message)
    graph.add_node("direct", direct)
    graph.add_node("approve", approve)
    graph.add_node("apply", apply_changes)
    graph.add_node("answer", answer)
    graph.add_edge(START, "route")
    graph.add_edge("route", "direct")
    graph.add_conditional_edges("direct", after_direct)
    graph.add_conditional_edges("approve", after_approval)
    graph.add_edge("apply", END)
    graph.add_edge("answer", END)
    return graph.compile(checkpointer=checkpointer)


@functools.cache
def turn_graph() -> CompiledStateGraph:
    """The turn graph, compiled once for this process; a run binds its project's checkpointer."""
    return build_graph()


def _toolbox(production: Production, project: Project) -> Toolbox:
    """The turn's tools, with memory behind `recall` and the checker behind `check_continuity`."""
    from agent.production import memory_enabled

    def recall(query: str, kinds: list[str] | None, k: int) -> list[Any]:
        return production.memory().recall(query, kinds=kinds, k=k)

    def check(current: Project) -> list[Any]:
        from story.continuity import check as continuity

        return continuity(current, production.memory() if memory_enabled() else None)

    return Toolbox(project, recall=recall if memory_enabled() else None, check=check, folder=production.folder)


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


CONVERSATION_FILE = "agent.sqlite"
DAMAGED = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}
"""What sqlite says of a file that is not (or no longer) a database; anything else is the machine."""


class ConversationUnavailable(OSError):
    """agent.sqlite cannot be opened or written (a read-only folder, a full disk)."""


@contextmanager
def open_conversation(production: Production) -> Iterator[Any]:
    """The project's checkpointer. A damaged agent.sqlite is set aside (kept, renamed) and a new
    conversation starts, with a warning; one the machine cannot open raises ConversationUnavailable."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = Path(production.folder.root) / CONVERSATION_FILE
    try:
        connection = _connect(path)
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorname not in DAMAGED:
            raise ConversationUnavailable(_unavailable(path, exc)) from None
        aside = _set_aside(path)
        production.folder.warnings.append(
            f"the conversation in {CONVERSATION_FILE} was unreadable ({exc}); kept it as {aside.name} and "
            "started a new one"
        )
        try:
            connection = _connect(path)
        except sqlite3.DatabaseError as again:
            raise ConversationUnavailable(_unavailable(path, again)) from None
    with closing(connection):
        saver = SqliteSaver(connection)
        saver.is_setup = True  # _connect made the tables
        yield saver


def _connect(path: Path) -> sqlite3.Connection:
    """Open agent.sqlite, check it is whole and make its tables; sqlite's own errors pass through."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    connection = sqlite3.connect(str(path), check_same_thread=False)  # the turn runs on a worker thread
    try:
        (verdict,) = connection.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            damage = sqlite3.DatabaseError(f"quick_check: {verdict}")
            damage.sqlite_errorname = "SQLITE_CORRUPT"
            raise damage
        SqliteSaver(connection).setup()
    except BaseException:
        connection.close()
        raise
    return connection


def _set_aside(path: Path) -> Path:
    """Rename a damaged agent.sqlite (and its journal files) to a fresh agent.sqlite.corrupt-<stamp>."""
    stem = f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
    aside, n = path.with_name(stem), 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{stem}-{n}")
    for suffix in ("-wal", "-shm", "-journal"):  # stale journals must not be replayed into the new file
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    os.replace(path, aside)
    return aside


def _unavailable(path: Path, exc: sqlite3.Error) -> str:
    return f"cannot open the conversation in {path} ({exc}); is the folder writable and the disk not full?"


def _run_turn(production: Production, message: str, resume: Any, put: Callable[[Any], None]) -> None:
    def on_progress(label: str, frames: int, total: int) -> None:
        if production.progress is not None:
            production.progress(label, frames, total)
        put(TurnEvent("progress", label, {"label": label, "frames": frames, "total": total}))

    def on_announce(line: str) -> None:
        production.announce(line)
        put(TurnEvent("announce", line))

    try:
        parts = TurnContext(
            production=production,
            director=production.director,  # a bad model setting stops the turn here
            emit=put,
            reporting=Reporting(progress=on_progress, announce=on_announce),
        )
        approval_threshold(production)  # a bad setting stops the turn before the model is asked anything
        # The whole turn (read, direct, save, render, assemble) holds the project's lock.
        with production.changing(), open_conversation(production) as saver:
            graph = turn_graph().copy(update={"checkpointer": saver})  # the same compiled graph, this project's store
            if resume is not None and not graph.get_state(THREAD).next:
                nothing = TurnResult(reply="No turn is waiting for an answer.", refused=True)
                put(TurnEvent("done", result=nothing))
                return
            payload: Any = Command(resume=resume) if resume is not None else {"message": message}
            out = graph.invoke(payload, THREAD, context=parts)
            if "__interrupt__" in out:
                asked = out["__interrupt__"][0].value
                put(TurnEvent("question", asked["question"], {"cost": asked["cost"], "limit": asked["limit"]}))
            else:
                put(TurnEvent("done", result=out["result"]))
    except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
        put(exc)
    finally:
        put(None)


def say(production: Production, message: str, *, resume: Any = None) -> TurnResult:
    """Run one turn (or resume one waiting for approval) and return what it did."""
    for event in stream_turn(production, message, resume=resume):
        if event.kind == "question":
            return TurnResult(reply=f"{event.text} Answer with `storyreel approve DIR yes` (or no).", waiting=True)
        if event.kind == "done" and event.result is not None:
            return event.result
    raise DirectorError("the turn ended without a result")  # pragma: no cover - _run_turn always ends with one


__all__ = [
    "TurnContext",
    "TurnOutput",
    "approval_threshold",
    "build_graph",
    "estimate_cost",
    "say",
    "stream_turn",
    "turn_graph",
]

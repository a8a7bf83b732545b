"""The director graph: one conversational turn as LangGraph nodes, checkpointed in agent.sqlite.

route (what kind of message) -> direct (the model's tool loop, or the offline director) ->
approve (interrupt when the render would cost more than allowed) -> apply (one revision, render
what changed, assemble). The graph sees only `TurnPlan`s: whether a model or the offline grammar
produced them is not its business (agent/directors.py). The conversation lives in the
checkpoint, one thread per project, so a turn after a restart sees the turns before it.

`stream_turn` runs a turn and yields what happens as it happens (the model's words, tool calls,
render progress); `say` runs one and returns its result. The CLI and the studio use both.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.director import DirectorError
from agent.directors import ModelDirector, OfflineAdapter, route
from agent.llm import ModelSettings, number_setting
from agent.state import Emit, TurnEvent, TurnState, quiet
from agent.tools import Toolbox
from story import Project

if TYPE_CHECKING:
    from agent.production import Production, TurnResult

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


def build_graph(
    production: Production,
    director: Any,
    checkpointer: Any = None,
    results: list[Any] | None = None,
    emit: Emit = quiet,
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
            "refused": plan.refused,
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
            result = TurnResult(reply=state["reply"], refused=bool(state.get("refused")))
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
        from story.continuity import check as continuity

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
        director = choose_director(production)
        approval_threshold(production)  # a bad setting stops the turn before the model is asked anything
        # The whole turn (read, direct, save, render, assemble) holds the project's lock.
        with production.changing(), open_conversation(production) as saver:
            results: list[Any] = []
            graph = build_graph(production, director, saver, results, emit)
            payload: Any = Command(resume=resume) if resume is not None else {"message": message}
            if resume is not None and not graph.get_state(THREAD).next:
                nothing = TurnResult(reply="No turn is waiting for an answer.", refused=True)
                put(TurnEvent("done", result=nothing))
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
    "approval_threshold",
    "build_graph",
    "choose_director",
    "choose_planner",
    "estimate_cost",
    "say",
    "stream_turn",
]

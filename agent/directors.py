"""The directors behind the graph's `direct` node: a language model's tool loop over any
OpenAI-compatible endpoint (`ModelDirector`), beside the offline director (agent/offline), both
`Director`s; `choose_director`, the one place that picks between them from the settings; and the
router that sorts a message into a new story, a question, a render request or a revision."""

from __future__ import annotations

import json
import re
from typing import Any

from agent.director import Director, DirectorError
from agent.llm import ModelSettings, make_client
from agent.prompt import system_prompt
from agent.state import Emit, Route, TurnEvent, TurnPlan, quiet
from agent.tools import READ_ONLY, Toolbox
from story import AnyEdit, Project

MAX_ATTEMPTS = 3
"""Replies with a bad tool call the model may send in one turn before the person is told and nothing applies."""
MAX_STEPS = 8
"""Model round trips in one turn."""

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


def choose_director(settings: ModelSettings | None = None) -> Director:
    """The director the settings ask for: the model when an endpoint is configured
    (`ModelSettings.from_env`), else the offline one. Every door gets its director here."""
    chosen = settings or ModelSettings.from_env()
    if chosen.configured:
        return ModelDirector(chosen)
    from agent.offline import OfflineDirector

    return OfflineDirector()


class ModelDirector:
    """A `Director` that asks an OpenAI-compatible model for tool calls in a loop; invalid calls
    go back to the model."""

    def __init__(self, settings: ModelSettings, client: Any = None) -> None:
        self.settings = settings
        self._client = client

    @property
    def client(self) -> Any:
        """The `openai` client, made on first use (opening a project never imports the SDK)."""
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    # The Director door --------------------------------------------------------------------

    def plan(self, brief: str) -> list[AnyEdit]:
        """Plan a brief into a story by asking the model for `create_story`."""
        message = f"Plan this brief as a story reel: call create_story once.\n\n{brief}"
        plan = self.turn(Project(), message, route_as="new")
        if not plan.edits:
            raise DirectorError(f"the model did not plan a story ({plan.reply.strip() or 'no answer'})")
        return plan.edits

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
        """Run the tool loop for one message; no change is applied here.

        A reply's calls hold all together or not at all (`Toolbox.run_reply`). A turn whose last
        reply with changes was refused ends with nothing changed, whatever earlier replies did.
        """
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
        refused: str | None = None  # the error of the last refused reply, until a reply with changes holds
        for _ in range(MAX_STEPS):
            try:
                content, calls = self._ask(messages, box.specs(), emit)
            except (openai.APIError, httpx.HTTPError) as exc:
                return TurnPlan(
                    edits=[], reply=f"The model did not answer ({exc}); nothing was changed.", action="none"
                )
            if not calls:
                if refused is not None:
                    return _nothing_changed(refused)
                return TurnPlan(edits=box.edits, reply=content, action=box.action or "none")
            outcome = box.run_reply([(call["function"]["name"], call["function"]["arguments"]) for call in calls])
            said = [_as_sent(call) for call in calls]  # the transcript holds strings, whatever the server sent
            messages.append({"role": "assistant", "content": content or None, "tool_calls": said})
            for call, answer in zip(said, outcome.answers, strict=True):
                name, arguments = call["function"]["name"], call["function"]["arguments"]
                line = f"{_brief(name, 60)}({_brief(arguments)}) -> {answer[:160]}"
                emit(TurnEvent("tool", line, {"name": name, "ok": outcome.error is None}))
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": answer})
            if outcome.error is None:
                refused = None if outcome.changes else refused
                continue
            refused, failures = outcome.error, failures + 1
            if failures >= MAX_ATTEMPTS:
                return _nothing_changed(refused)
        if refused is not None:
            return _nothing_changed(refused)
        # Out of steps before the model said it was done: the work may be half made, so none of it applies.
        return TurnPlan(edits=[], reply=f"I did not finish in {MAX_STEPS} steps; nothing was changed.", action="none")

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
                    "id": c.id or f"call_{n}",
                    "type": "function",
                    "function": {"name": c.function.name, "arguments": c.function.arguments},
                }
                for n, c in enumerate(reply.tool_calls or [])
            ]
            content = _words(reply.content)
            if content:
                emit(TurnEvent("text", content))
            return content, calls
        words: list[str] = []
        slots: dict[int, dict[str, Any]] = {}
        for chunk in self.client.chat.completions.create(**request, stream=True):
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            said = _words(delta.content)
            if said:
                words.append(said)
                emit(TurnEvent("text", said))
            for part in delta.tool_calls or []:
                slot = slots.setdefault(part.index, {"id": "", "name": [], "arguments": []})
                slot["id"] = part.id or slot["id"]
                if part.function is not None:
                    slot["name"].append(part.function.name or "")
                    slot["arguments"].append(part.function.arguments or "")
        calls = [
            {
                "id": slot["id"] or f"call_{n}",
                "type": "function",
                "function": {"name": _joined(slot["name"]), "arguments": _joined(slot["arguments"])},
            }
            for n, slot in enumerate(slots.values())  # in the order they began
        ]
        return "".join(words), calls


def _as_sent(call: dict[str, Any]) -> dict[str, Any]:
    """A call as the transcript keeps it: id, name and arguments as strings."""
    function = call["function"]
    return {
        "id": _words(call["id"]),
        "type": "function",
        "function": {"name": _words(function["name"]), "arguments": _words(function["arguments"])},
    }


def _nothing_changed(error: str) -> TurnPlan:
    reply = f"I could not make that change ({error}); nothing was changed."
    return TurnPlan(edits=[], reply=reply, action="none", refused=True)


def _words(content: Any) -> str:
    """A reply's text; a server that sends something else than a string gets it shown as JSON."""
    if content is None or isinstance(content, str):
        return content or ""
    return json.dumps(content, ensure_ascii=False, default=repr)


def _joined(pieces: list[Any]) -> Any:
    """A streamed call's name or arguments, joined; a piece that is not a string is passed on as it
    came, so the toolbox refuses it as malformed instead of the loop failing on it."""
    odd = [piece for piece in pieces if not isinstance(piece, str)]
    return odd[0] if odd else "".join(pieces)


def _brief(arguments: Any, limit: int = 120) -> str:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False, default=repr)
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

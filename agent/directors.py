"""The directors behind the graph's `direct` node: a language model's tool loop over any
OpenAI-compatible endpoint (`ModelDirector`), beside the offline director (agent/offline), both
`Director`s; `choose_director`, the one place that picks between them from the settings; and the
router that sorts a message into a new story, a question, a render request or a revision."""

from __future__ import annotations

import json
import re
from typing import Any

from agent.director import Director, DirectorError
from agent.llm import ModelSettings, ModelTimeout, chat, make_client, words_of
from agent.offline.questions import answer as answer_from_story
from agent.prompt import system_prompt
from agent.state import Announce, Emit, Route, TurnEvent, TurnPlan, quiet
from agent.tools import READ_ONLY, Toolbox, inline_refs
from story import AnyEdit, Project, ReplaceStory

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


def conversation(history: list[dict[str, str]], keep: int = 12, chars: int = 1_500) -> tuple[str, list[dict[str, str]]]:
    """The earlier turns: a one-line summary of the older requests (for the one system message;
    strict chat templates take no second one) and the last `keep` turns as said, each capped at
    `chars`, so a long conversation stays within the budget."""
    recent, older = history[-keep:], history[:-keep]
    messages = [{"role": m["role"], "content": m["content"][:chars]} for m in recent]
    asked = [m["content"][:80] for m in older if m["role"] == "user"]
    summary = ""
    if asked:
        summary = f"Earlier in this conversation ({len(asked)} requests, oldest first): " + " | ".join(asked[-30:])
    return summary, messages


def fit_to_context(
    system: dict[str, Any],
    earlier: list[dict[str, Any]],
    message: dict[str, Any],
    tools: list[dict[str, Any]],
    *,
    context: int | None,
    max_tokens: int,
) -> tuple[list[dict[str, Any]], int]:
    """The messages and the answer's token budget that fit the model's context: the oldest turns go
    first, then the answer's budget shrinks (not below 256); `ContextTooSmall` when even that fails."""
    kept = list(earlier)
    while True:
        messages = [system, *kept, message]
        used = prompt_tokens(messages, tools)
        if context is None or used + max_tokens <= context:
            return messages, max_tokens
        if kept:
            kept = kept[2:] if len(kept) > 1 else []  # a request and its answer go together
            continue
        if context - used >= 256:
            return messages, context - used
        raise ContextTooSmall(
            f"the prompt needs about {used + 256} tokens but the model's context is {context}; start the "
            "server with a larger context (llama.cpp: --ctx-size; Ollama: num_ctx) or set STORYREEL_CONTEXT"
        )


def prompt_tokens(messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> int:
    """The prompt's size in tokens, estimated at 3.5 characters a token (a little over, on purpose)."""
    return int(len(json.dumps(messages) + json.dumps(tools)) / 3.5) + 8 * len(messages)


class ContextTooSmall(DirectorError):
    """The smallest prompt a turn needs does not fit the model's context."""


_DROPPED_KEYS = {"maxLength", "maxItems", "maxProperties", "pattern", "propertyNames", "title", "default", "examples"}
_RARE_FIELDS = {"metadata", "positions", "seed", "recording", "notes", "beat"}
"""Fields the model is not shown (still accepted and validated): rarely right for a model to set."""


def sent_schema(node: Any) -> Any:
    """A tool schema as the model is sent it, compact: no length, count or pattern bounds (large
    bounds become grammars that grammar-constrained servers reject), no titles or defaults, optional
    values without their `null` branch, rarely used fields left out, descriptions cut to their first
    sentence. The arguments are still validated against the full models, every bound included."""
    if isinstance(node, list):
        return [sent_schema(value) for value in node]
    if not isinstance(node, dict):
        return node
    branches = node.get("anyOf")
    if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
        kept = next(b for b in branches if b != {"type": "null"})
        merged = {**{k: v for k, v in node.items() if k != "anyOf"}, **kept}
        return sent_schema(merged)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED_KEYS or (key == "additionalProperties" and value is False):
            continue
        if key == "description" and isinstance(value, str):
            out[key] = _first_sentence(value)
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: sent_schema(field) for name, field in value.items() if name not in _RARE_FIELDS}
        else:
            out[key] = sent_schema(value)
    return out


def _first_sentence(description: str, limit: int = 110) -> str:
    first = re.split(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s", description.strip(), maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


_REVISE_TOOLS: tuple[tuple[str, str], ...] = (
    ("add_shot", r"\b(add|insert|new shot|another shot|extra shot|cutaway|insert shot)\b"),
    ("remove_shot", r"\b(delete|remove|drop|lose|get rid|cut (?:shot|the))\b"),
    ("move_shot", r"\b(move|swap|switch|reorder|order|before|after|earlier|later|first|last)\b"),
    ("renumber_shots", r"\b(re-?number\w*|re-?label\w*)\b"),
    ("update_character", r"\b(wears?|wearing|dress|coat|hat|hair|beard|eyes|looks? like|rename|called|named|voice)\b"),
    ("add_character", r"\b(new character|introduce|joins?|character|dog|cat|someone|somebody|stranger)\b"),
    ("add_location", r"\b(new (?:place|location|setting|scene)|location|place|set it (?:in|at))\b"),
    ("set_bible", r"\b(title|call (?:it|the film)|name (?:it|the film)|logline|genre|tone)\b"),
    (
        "set_style",
        r"\b(style|look|noir|palette|colou?rs?|grade|mood|film|cartoon|watercolou?r|title card|end card|credits|"
        r"the end|subtitles?|fps|frame rate)\b",
    ),
    ("set_music", r"\b(music|song|track|soundtrack|score|\w+\.(?:mp3|wav|m4a|ogg|flac|aiff?))\b"),
    ("remove_music", r"\b(no music|(?:remove|drop|lose|mute|turn off|take away) the (?:music|song|soundtrack))\b"),
    ("cut_to_beats", r"\b(beats?|rhythm|tempo|cut (?:it |the film |the reel )?to the (?:music|song|track))\b"),
    (
        "record_line",
        r"\b(recording|recorded|record|my voice|my own voice|scratch voice|voice ?over|\w+\.(?:wav|mp3|m4a))\b",
    ),
    ("choose_renderer", r"\b(renderer|backend|runway|openai|diffusers|animatic|with (?:runway|openai|diffusers))\b"),
    ("set_budget", r"\b(budget|spend|spending|costs?|dollars?)\b|\$\s?\d"),
    ("request_takes", r"\b(takes?|versions?|variations?|options)\b"),
    ("choose_take", r"\b(takes?|versions?|use the (?:first|second|third|other))\b"),
    ("render", r"\b(render|redraw|regenerate|with (?:runway|openai|diffusers|animatic))\b"),
    ("redo", r"\bredo\b"),
    ("vary_shot", r"\b(versions?|variations?|alternatives?|options|ways)\b"),
    ("vary_scene", r"\b(ways|cover|coverage|versions?)\b"),
    ("keep_variation", r"\b(keep|the (?:first|second|third|other) one|version [a-j])\b"),
    ("surprise", r"\b(surprise|unexpected|something different|bold|wild)\b"),
    ("try_on_branch", r"\b(surprise|unexpected|something different|alternative|bold|wild|try)\b"),
    ("branch", r"\b(branch\w*|keep it|drop it|switch|go back to|main version|compare)\b"),
    ("recall", r"\b(who|which|the one|the shot where|remember|earlier)\b"),
    ("check_continuity", r"\b(continuity|check)\b"),
)
"""Tools a revision is offered beyond `update_shot` and `undo`, by the words that call for them,
so a small model's prompt holds the few tools the message needs."""


PLANNED_FIELDS: dict[str, tuple[str, ...]] = {
    "BibleSpec": ("title", "logline"),
    "CharacterSpec": ("id", "name", "description"),
    "LocationSpec": ("id", "name", "interior"),
    "DialogueLine": ("speaker", "text"),
    "ShotSpec": (
        "action", "characters", "location", "scene", "time_of_day", "size", "angle", "movement", "duration_frames",
        "dialogue",
    ),
}  # fmt: skip
"""The fields a planning turn shows the model (`create_story`): the story's bones. The rest (genre,
tone, traits, props, weather, acting, lens, transitions, renderer) are still accepted; a plan is
completed from its own words (`agent.completion`), and a revision offers them all."""
PLANNING = "Plan the whole story from a brief: title, cast, places and every shot in order."


def offered_tools(specs: list[dict[str, Any]], names: frozenset[str] | None) -> list[dict[str, Any]]:
    """The tool schemas a request shows the model, compact (`sent_schema`): those in `names`, or all.
    A planning turn (only `create_story`) is shown the story's bones (`PLANNED_FIELDS`)."""
    chosen = sent_schema([spec for spec in specs if names is None or spec["function"]["name"] in names])
    if [spec["function"]["name"] for spec in chosen] != ["create_story"]:
        return chosen
    return [_planning_view(spec) for spec in chosen]


def _planning_view(spec: dict[str, Any]) -> dict[str, Any]:
    """`create_story` with only the fields a plan needs, each part defined where it is used."""
    parameters = spec["function"]["parameters"]
    defs: dict[str, Any] = parameters.get("$defs", {})

    def part_of(name: str) -> dict[str, Any] | None:
        if name not in defs:
            return None
        kept, part = PLANNED_FIELDS.get(name), dict(defs[name])
        if kept is not None:
            part["properties"] = {k: v for k, v in part.get("properties", {}).items() if k in kept}
            part["required"] = [k for k in part.get("required", []) if k in kept]
            if not part["required"]:
                del part["required"]
        return part

    def pruned(node: Any) -> Any:
        return inline_refs(node, part_of, lambda node: {k: v for k, v in node.items() if k != "$defs"})

    function = {**spec["function"], "description": PLANNING, "parameters": pruned(parameters)}
    return {**spec, "function": function}


def revise_tools(project: Project, message: str) -> frozenset[str]:
    """The tools offered for a revision: always `update_shot` and `undo`, and those its words call
    for (a character's name calls `update_character`)."""
    said = message.lower()
    chosen = {"update_shot", "undo"}
    chosen |= {name for name, words in _REVISE_TOOLS if re.search(words, said)}
    if any(re.search(rf"\b{re.escape(c.name.lower())}\b", said) for c in project.characters if c.name):
        chosen.add("update_character")
    return frozenset(chosen)


_UNDO_WORDS = r"\b(undo|take (?:that|it) back|put it back|revert|go back)\b"


def likely_tool(project: Project, message: str, offered: list[dict[str, Any]]) -> str:
    """The one offered tool a revision's words call for most: `undo` for undoing words, else the
    first tool of `_REVISE_TOOLS` they name, else `update_character` for a character's name, else
    `update_shot`."""
    names = {tool["function"]["name"] for tool in offered}
    said = message.lower()
    called = [name for name, words in _REVISE_TOOLS if re.search(words, said)]
    if re.search(_UNDO_WORDS, said):
        called.insert(0, "undo")
    if any(re.search(rf"\b{re.escape(c.name.lower())}\b", said) for c in project.characters if c.name):
        called.append("update_character")
    return next((name for name in called if name in names), "update_shot")


def server_context(base_url: str | None, timeout: float = 3.0) -> int | None:
    """The context length the server says it has (llama.cpp's `/props`, or a `/v1/models` entry's
    `meta.n_ctx_train` / `context_length`), or None when it says nothing."""
    if not base_url:
        return None
    import httpx

    root = base_url.rstrip("/")
    bare = root[: -len("/v1")] if root.endswith("/v1") else root
    for url, read in ((f"{bare}/props", _props_context), (f"{root}/models", _models_context)):
        try:
            answer = httpx.get(url, timeout=timeout)
            if answer.status_code == 200:
                found = read(answer.json())
                if found:
                    return found
        except (httpx.HTTPError, ValueError):
            continue
    return None


def _props_context(body: Any) -> int | None:
    settings = body.get("default_generation_settings", {}) if isinstance(body, dict) else {}
    value = settings.get("n_ctx") if isinstance(settings, dict) else None
    return int(value) if isinstance(value, int) and value > 0 else None


def _models_context(body: Any) -> int | None:
    models = body.get("data", []) if isinstance(body, dict) else []
    for model in models if isinstance(models, list) else []:
        if not isinstance(model, dict):
            continue
        meta = model.get("meta") if isinstance(model.get("meta"), dict) else {}
        for value in (
            model.get("context_length"),
            model.get("max_model_len"),
            meta.get("n_ctx"),
            meta.get("n_ctx_train"),
        ):
            if isinstance(value, int) and value > 0:
                return value
    return None


def choose_director(settings: ModelSettings | None = None, *, announce: Announce | None = None) -> Director:
    """The director the settings ask for: the model when an endpoint is configured
    (`ModelSettings.from_env`), else the offline one. Every door gets its director here; `announce`
    hears how long a model has been thinking."""
    chosen = settings or ModelSettings.from_env()
    if chosen.configured:
        return ModelDirector(chosen, announce=announce)
    from agent.offline import OfflineDirector

    return OfflineDirector()


class ModelDirector:
    """A `Director` that asks an OpenAI-compatible model for tool calls in a loop; invalid calls
    go back to the model."""

    def __init__(self, settings: ModelSettings, client: Any = None, *, announce: Announce | None = None) -> None:
        self.settings = settings
        self._client = client
        self.announce = announce
        """Also hears, once a second, how long the model has been thinking (a door's status line)."""
        self.notes: list[str] = []
        """What the last plan left out and was completed with, one line each (for the person)."""
        self._context: int | None | bool = settings.context or False  # False: not asked yet
        self._stream_tools = settings.stream  # off once a server sends nothing for a streamed tool turn

    @property
    def context(self) -> int | None:
        """The model's context in tokens: STORYREEL_CONTEXT, else what the server says, else unknown."""
        if self._context is False:
            self._context = server_context(self.settings.base_url)
        return self._context or None

    @property
    def client(self) -> Any:
        """The `openai` client, made on first use (opening a project never imports the SDK)."""
        if self._client is None:
            self._client = make_client(self.settings, retries=0)  # `chat` retries, never behind a timeout
        return self._client

    # The Director door --------------------------------------------------------------------

    def plan(self, brief: str) -> list[AnyEdit]:
        """Plan a brief into a story by asking the model for `create_story`; the plan is held against
        the brief (`agent.completion`): what it left out is added and said in `notes`, and a plan
        with no one in it is refused (`DirectorError`)."""
        from agent.completion import complete_plan
        from agent.offline import OfflineDirector

        self.notes = []
        message = f"Plan this brief as a story reel: call create_story once.\n\n{brief}"
        plan = self.turn(Project(), message, route_as="new")
        if not plan.edits or not isinstance(plan.edits[0], ReplaceStory):
            raise DirectorError(f"the model did not plan a story ({plan.reply.strip() or 'no answer'})")
        reading = OfflineDirector().plan(brief)[0]
        if not isinstance(reading, ReplaceStory):  # pragma: no cover - the offline plan opens with one
            return plan.edits
        completed = complete_plan(plan.edits[0], brief, reading)
        self.notes = completed.notes
        return [completed.story, *plan.edits[1:]]

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
        # A revision is shown the few tools its words call for (a small model's prompt stays small);
        # any other tool it knows of still works.
        offered = offered_tools(box.specs(), revise_tools(project, message) if chosen == "revise" else None)
        summary, earlier = conversation(history or [])
        system = {"role": "system", "content": system_prompt(project, chosen) + (f"\n\n{summary}" if summary else "")}
        try:
            messages, answer_tokens = fit_to_context(
                system,
                earlier,
                {"role": "user", "content": message},
                offered,
                context=self.context,
                max_tokens=self.settings.max_tokens,
            )
        except ContextTooSmall as exc:
            return TurnPlan(
                edits=[], reply=f"The model cannot take this turn: {exc}. Nothing was changed.", action="none"
            )
        forced = "create_story" if chosen == "new" else None  # a planning turn must call it
        named_again = False  # a revision answered with nothing is asked once more, naming its likeliest tool
        failures = 0
        refused: str | None = None  # the error of the last refused reply, until a reply with changes holds
        for _ in range(MAX_STEPS):
            try:
                content, calls = self._ask(messages, offered, emit, max_tokens=answer_tokens, forced=forced)
            except (openai.APIError, httpx.HTTPError, ModelTimeout) as exc:
                return TurnPlan(
                    edits=[],
                    reply=f"The model did not answer: {_reason(exc)}; nothing was changed.",
                    action="none",
                    unanswered=True,
                )
            if not calls:
                if refused is not None:
                    return _nothing_changed(message, refused, failures)
                if not content.strip() and not box.edits and not box.action and chosen == "revise" and not named_again:
                    # Some servers give a model's words back empty (llama-cpp-python's automatic tool
                    # choice): name the tool the words call for, once, so the turn reaches a tool.
                    named_again, forced = True, likely_tool(project, message, offered)
                    continue
                if not content.strip() and not box.edits and not box.action:
                    known = answer_from_story(project, message)  # a question the story itself answers
                    if known is not None:
                        reply = f"{known} (The model gave no answer; this is from the story.)"
                        return TurnPlan(edits=[], reply=reply, action="none")
                    return TurnPlan(
                        edits=[], reply="The model gave no answer; nothing was changed.", action="none", unanswered=True
                    )
                if not box.edits and not box.action and chosen in ("revise", "render"):
                    # words and no change: say so, or the person may think it was done
                    content = f"{content.strip()}\n{_asked(message)} The model called no tool; nothing was changed."
                return TurnPlan(edits=box.edits, reply=content, action=box.action or "none", branch=box.branch)
            outcome = box.run_reply([(call["function"]["name"], call["function"]["arguments"]) for call in calls])
            said = [_as_sent(call) for call in calls]  # the transcript holds strings, whatever the server sent
            # "" rather than null beside tool calls: strict servers answer null content with a 500
            messages.append({"role": "assistant", "content": content or "", "tool_calls": said})
            for call, answer in zip(said, outcome.answers, strict=True):
                name, arguments = call["function"]["name"], call["function"]["arguments"]
                line = f"{_brief(name, 60)}({_brief(arguments)}) -> {answer[:160]}"
                emit(TurnEvent("tool", line, {"name": name, "ok": outcome.error is None}))
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": answer})
            if outcome.error is None:
                refused = None if outcome.changes else refused
                if forced and chosen == "revise" and outcome.changes:
                    # The named call holds: asking again would force the same tool once more.
                    return TurnPlan(edits=box.edits, reply=content, action=box.action or "none", branch=box.branch)
                if chosen == "new" and outcome.changes:
                    # The plan holds: asking the model again only buys a sentence, minutes on a CPU.
                    count = len(box.project.shots)
                    return TurnPlan(edits=box.edits, reply=content or f"Planned {count} shots.", action="edit")
                continue
            refused, failures = outcome.error, failures + 1
            if failures >= MAX_ATTEMPTS:
                return _nothing_changed(message, refused, failures)
        if refused is not None:
            return _nothing_changed(message, refused, failures)
        # Out of steps before the model said it was done: the work may be half made, so none of it applies.
        made = ", ".join(dict.fromkeys(type(edit).__name__ for edit in box.edits)) or "none"
        reply = (
            f"{_asked(message)} The model did not finish in {MAX_STEPS} steps (its changes so far: {made}); "
            "nothing was changed."
        )
        return TurnPlan(edits=[], reply=reply, action="none")

    def _ask(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        emit: Emit,
        *,
        max_tokens: int,
        forced: str | None = None,
    ) -> tuple[str, list[dict[str, Any]]]:
        """One request; the words stream to `emit` as they come. Returns the text and the tool calls.

        Sends what strict servers need: `max_tokens`, `tool_choice` (the one tool a planning turn
        must call, else "auto"), schemas without grammar-breaking bounds. A streamed tool turn that
        comes back empty is asked again once without streaming, and later turns do not stream tools.
        """
        request: dict[str, Any] = {
            "model": self.settings.model,
            "messages": messages,
            "max_tokens": max_tokens,
        }
        if tools:
            request["tools"] = sent_schema(tools)
            named = forced and any(t["function"]["name"] == forced for t in tools)
            request["tool_choice"] = {"type": "function", "function": {"name": forced}} if named else "auto"

        def said(words: str) -> None:
            emit(TurnEvent("text", words))

        announced: set[str] = set()

        def waiting(elapsed: float, what: str) -> None:
            emit(TurnEvent("announce", f"waiting for {what}: {elapsed:.0f} s", {"waiting": elapsed}))
            if self.announce is not None and what not in announced:  # a step, once: the door times it
                announced.add(what)
                self.announce(f"waiting for {what}")

        if self._stream_tools if tools else self.settings.stream:
            content, calls = chat(self.client, request, self.settings, stream=True, said=said, waiting=waiting)
            if content or calls or not tools:
                return content, calls
            self._stream_tools = False  # an empty 200: this server cannot stream a tool turn
        return chat(self.client, request, self.settings, stream=False, said=said, waiting=waiting)


def _as_sent(call: dict[str, Any]) -> dict[str, Any]:
    """A call as the transcript keeps it: id, name and arguments as strings."""
    function = call["function"]
    return {
        "id": words_of(call["id"]),
        "type": "function",
        "function": {"name": words_of(function["name"]), "arguments": words_of(function["arguments"])},
    }


def _nothing_changed(message: str, error: str, tries: int) -> TurnPlan:
    """A turn whose last reply with changes was refused: what was asked, that nothing applied, and why."""
    times = f" ({tries} replies refused)" if tries > 1 else ""
    reply = f"{_asked(message)} The model's change was refused{times}: {_reason_of(error)}; nothing was changed."
    return TurnPlan(edits=[], reply=reply, action="none", refused=True)


def _asked(message: str, limit: int = 80) -> str:
    """What the person asked, quoted (cut short), to open a message about what came of it."""
    said = " ".join(message.split())
    return f'You asked: "{said if len(said) <= limit else said[: limit - 1] + "…"}".'


def _brief(arguments: Any, limit: int = 120) -> str:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False, default=repr)
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


CONTEXT_WORDS = ("context", "n_ctx", "too many tokens")  # how servers say a prompt did not fit


def _reason(exc: BaseException) -> str:
    """Why a request failed, in one line without a trailing full stop; a prompt the server's context
    could not hold also says what to change."""
    import openai  # noqa: PLC0415 - the SDK loads on the model's first call, not at start

    said = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
    if isinstance(exc, openai.BadRequestError) and any(word in said.lower() for word in CONTEXT_WORDS):
        said += (
            " (the prompt did not fit the model's context: start the server with a larger one, for example"
            " llama-cpp-python's --n_ctx 8192 or Ollama's num_ctx, or set STORYREEL_CONTEXT to the context"
            " it has so storyreel fits the prompt to it)"
        )
    return said


def _reason_of(reply: str) -> str:
    """A reply as a reason inside a sentence: one line, no trailing full stop."""
    return " ".join(reply.split()).rstrip(".")

"""A chat-completions server as strict as the small local ones (llama-cpp-python's
`chatml-function-calling`, llama.cpp with grammars, strict chat templates), for the director's
conformance tests. It answers from the same script as `ChatServer`, but:

- tools sent without `tool_choice` are dropped from the prompt: the model answers in empty words;
- `tool_choice: "auto"` with `stream: true` gets an empty 200 stream (no streamed auto tool choice);
- an assistant turn with `"content": null` is a 500;
- a second system message, or one that is not first, is a 400 (strict templates);
- a string bound (`maxLength`) above `max_string` in a tool schema is a 400 (the grammar is too big);
- a request larger than the context (about 4 characters a token) is a 400 naming the token count;
- `max_tokens` missing is a 400 here, so a test sees it at once (a real server runs on and on);
- `GET /props` says the context length, as llama.cpp's server does;
- a streamed tool call repeats its whole name in every piece, as llama-cpp-python's does.
"""

from __future__ import annotations

import json
from typing import Any

from llm_server import ChatServer


def _bounds(node: Any) -> list[int]:
    """Every maxLength in a JSON schema."""
    if isinstance(node, dict):
        own = [node["maxLength"]] if isinstance(node.get("maxLength"), int) else []
        return own + [b for value in node.values() for b in _bounds(value)]
    if isinstance(node, list):
        return [b for value in node for b in _bounds(value)]
    return []


def tokens(body: dict[str, Any]) -> int:
    """The prompt's size in tokens, as this server counts it: messages and tools, 4 characters a token."""
    return len(json.dumps(body.get("messages", [])) + json.dumps(body.get("tools", []))) // 4


class StrictServer(ChatServer):
    """`ChatServer` with the rules of a strict local server; `refusals` records why each request failed."""

    def __init__(self, *, context: int = 4096, max_string: int = 256, words_vanish: bool = False) -> None:
        super().__init__()
        self.words_vanish = words_vanish  # words under automatic tool choice come back empty, as llama-cpp-python's do
        self.context = context
        self.max_string = max_string
        self.refusals: list[str] = []

    def get(self, path: str) -> dict[str, Any] | None:
        if path.rstrip("/").endswith("/props"):
            return {"default_generation_settings": {"n_ctx": self.context}}
        return None

    def screen(self, body: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
        why = self._refusal(body)
        if why is not None:
            self.refusals.append(why)
            return {"status": 400 if "null" not in why else 500, "message": why}
        tools, choice = body.get("tools"), body.get("tool_choice")
        if tools and choice is None:
            return {"content": ""}  # the tools never reached the model
        if tools and choice == "auto" and body.get("stream"):
            self.refusals.append("Automatic streaming tool choice is not supported")
            return {"empty_stream": True}
        if tools and choice == "auto" and self.words_vanish and not reply.get("tool_calls"):
            return {"content": ""}
        return reply | {"repeat_name": True}

    def _refusal(self, body: dict[str, Any]) -> str | None:
        messages = body.get("messages", [])
        systems = [n for n, m in enumerate(messages) if m.get("role") == "system"]
        if len(systems) > 1 or (systems and systems[0] != 0):
            return "the chat template takes one system message, first"
        if any(m.get("role") == "assistant" and m.get("content") is None for m in messages):
            return "assistant content is null"
        too_big = [b for b in _bounds(body.get("tools", [])) if b > self.max_string]
        if too_big:
            return f"failed to parse grammar: maxLength {max(too_big)} is too large"
        if not body.get("max_tokens") and not body.get("max_completion_tokens"):
            return "max_tokens is not set"
        asked = tokens(body) + int(body.get("max_tokens") or body.get("max_completion_tokens") or 0)
        if asked > self.context:
            return f"you requested {asked} tokens, but the context is {self.context}"
        return None

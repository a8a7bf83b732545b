"""Model access: the `openai` SDK against any OpenAI-compatible endpoint, set by the environment."""

from __future__ import annotations

import json
import math
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OFF = {"off", "0", "false", "no"}


class SettingsError(ValueError):
    """A setting (environment, config file or project) holds a value storyreel cannot use."""


def config_file() -> Path:
    """The director's config file: STORYREEL_CONFIG, else ~/.config/storyreel/director.json."""
    return Path(os.environ.get("STORYREEL_CONFIG") or Path.home() / ".config" / "storyreel" / "director.json")


def read_config(path: Path) -> dict[str, Any]:
    """The config file's settings ({} when there is none); refuses a file that is not a JSON object."""
    if not path.is_file():
        return {}
    named = f"STORYREEL_CONFIG={path}" if os.environ.get("STORYREEL_CONFIG") else f"the config file {path}"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise SettingsError(f"{named}: expected JSON, not nested this deep") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both are
        raise SettingsError(f"{named}: expected JSON ({str(exc)[:120]})") from None
    except OSError as exc:
        raise SettingsError(f"{named}: cannot be read ({exc.strerror})") from None
    if not isinstance(saved, dict):
        raise SettingsError(f"{named}: expected a JSON object of settings")
    return saved


def number_setting(name: str, raw: object, expected: str, fits: Callable[[float], bool] = math.isfinite) -> float:
    """A number from a setting's raw value, or a SettingsError naming the setting, the value and what
    was expected ("STORYREEL_TIMEOUT=abc: expected a number of seconds above 0")."""
    try:
        value = float(raw) if isinstance(raw, str | int | float) and not isinstance(raw, bool) else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and fits(value)):
        shown = raw if isinstance(raw, str) else json.dumps(raw)
        raise SettingsError(f"{name}={shown}: expected {expected}")
    return value


def _pick(saved: dict[str, Any], variable: str, key: str, path: Path) -> tuple[str, Any]:
    """A setting's name as the person wrote it and its raw value: the environment first, then the file."""
    if os.environ.get(variable):
        return variable, os.environ[variable]
    return f"{key} in {path}", saved.get(key)


@dataclass(kw_only=True)
class ModelSettings:
    """Where the director's model lives; environment first, then the config file."""

    base_url: str | None = field(default=None, metadata={"description": "OPENAI_BASE_URL"})
    api_key: str = field(default="not-needed", metadata={"description": "OPENAI_API_KEY (never written)"})
    model: str = field(default="gpt-4o-mini", metadata={"description": "STORYREEL_MODEL"})
    timeout_s: float = field(
        default=600.0, metadata={"description": "STORYREEL_TIMEOUT: the most seconds one request may take, whole"}
    )
    first_token_s: float = field(
        default=120.0,
        metadata={
            "description": "STORYREEL_FIRST_TOKEN_TIMEOUT: the most seconds to wait for the model's first words "
            "(and, streaming, between any two pieces of its answer)"
        },
    )
    max_retries: int = field(default=2, metadata={"description": "STORYREEL_RETRIES: on 429/5xx/connection"})
    stream: bool = field(default=True, metadata={"description": "STORYREEL_STREAM=off for servers that cannot"})
    max_tokens: int = field(
        default=2048, metadata={"description": "STORYREEL_MAX_TOKENS: the longest answer asked for"}
    )
    context: int | None = field(
        default=None,
        metadata={"description": "STORYREEL_CONTEXT: the model's context in tokens (else asked of the server)"},
    )

    @classmethod
    def from_env(cls) -> ModelSettings:
        """Settings from the environment, falling back to the config file (which holds no key)."""
        path = config_file()
        saved = read_config(path)
        name, raw = _pick(saved, "STORYREEL_TIMEOUT", "timeout_s", path)
        timeout = 600.0 if raw is None else number_setting(name, raw, "a number of seconds above 0", lambda v: v > 0)
        name, raw = _pick(saved, "STORYREEL_FIRST_TOKEN_TIMEOUT", "first_token_s", path)
        first = 120.0 if raw is None else number_setting(name, raw, "a number of seconds above 0", lambda v: v > 0)
        name, raw = _pick(saved, "STORYREEL_RETRIES", "max_retries", path)
        retries = 2.0 if raw is None else number_setting(name, raw, "a whole number from 0 to 20", _retries)
        name, raw = _pick(saved, "STORYREEL_MAX_TOKENS", "max_tokens", path)
        most = 2048.0 if raw is None else number_setting(name, raw, "a whole number of tokens, 16 or more", _tokens)
        name, raw = _pick(saved, "STORYREEL_CONTEXT", "context", path)
        context = None if raw is None else number_setting(name, raw, "a whole number of tokens, 512 or more", _context)
        for variable, key in (("OPENAI_BASE_URL", "base_url"), ("STORYREEL_MODEL", "model")):
            name, raw = _pick(saved, variable, key, path)
            if raw is not None and not isinstance(raw, str):
                raise SettingsError(f"{name}={json.dumps(raw)}: expected text")
        env = os.environ
        return cls(
            base_url=env.get("OPENAI_BASE_URL") or saved.get("base_url"),
            api_key=env.get("OPENAI_API_KEY") or "not-needed",
            model=env.get("STORYREEL_MODEL") or saved.get("model") or "gpt-4o-mini",
            timeout_s=timeout,
            first_token_s=min(first, timeout),
            max_retries=int(retries),
            stream=(env.get("STORYREEL_STREAM") or str(saved.get("stream", "on"))).lower() not in OFF,
            max_tokens=int(most),
            context=None if context is None else int(context),
        )

    @property
    def configured(self) -> bool:
        """True when an endpoint is set; otherwise the offline director answers."""
        return bool(self.base_url)


def _retries(value: float) -> bool:
    return value == int(value) and 0 <= value <= 20


def _tokens(value: float) -> bool:
    return value == int(value) and 16 <= value <= 1_000_000


def _context(value: float) -> bool:
    return value == int(value) and 512 <= value <= 10_000_000


def make_client(settings: ModelSettings, *, retries: int | None = None) -> Any:
    """An `openai.OpenAI` client with explicit timeout and retries (`retries`, else the setting's;
    the director passes 0 and retries itself, see `chat`)."""
    import openai

    return openai.OpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries if retries is None else retries,
    )


# One request, with timeouts that fit a model on a CPU ------------------------------------------

TICK_S = 1.0
"""How often `waiting` hears that the model is still thinking."""


class ModelTimeout(RuntimeError):
    """The model took longer than a timeout allows; its request was closed, and is not sent again."""


Said = Callable[[str], None]
"""Hears the model's words as they stream."""
Waiting = Callable[[float, str], None]
"""Hears, about once a second while a request is open, the seconds since it was sent and what it waits for."""


def _no_words(words: str) -> None:
    """A `Said` that hears nothing."""


def _no_wait(elapsed: float, what: str) -> None:
    """A `Waiting` that hears nothing."""


def chat(
    client: Any,
    request: dict[str, Any],
    settings: ModelSettings,
    *,
    stream: bool,
    said: Said = _no_words,
    waiting: Waiting = _no_wait,
) -> tuple[str, list[dict[str, Any]]]:
    """One chat completion: the words and the tool calls (`{"id", "type", "function": {"name",
    "arguments"}}`, arguments as the server sent them).

    Timeouts fit a model on a CPU: the first words must come within `first_token_s` (streaming: and
    no piece of the answer may be more than that after the last), the whole answer within
    `timeout_s`; past either, the request is closed (the server sees the client leave) and
    `ModelTimeout` names the setting. A 429, a 5xx or a broken connection is sent again up to
    `max_retries` times, each after the last request has ended; a timeout is not: the server may
    still be working on it, and a second request would only queue behind the first.
    """
    import openai

    attempt = 0
    while True:
        try:
            return (
                _streamed(client, request, settings, said, waiting)
                if stream
                else _whole(client, request, settings, said, waiting)
            )
        except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as exc:
            if isinstance(exc, openai.APITimeoutError) or attempt >= settings.max_retries:
                raise
            attempt += 1
            time.sleep(min(0.5 * 2 ** (attempt - 1), 8.0))


class _Ticker:
    """Tells `waiting` every `TICK_S` seconds how long the request has been open, on a thread of its
    own, until the block ends; `what` says what it waits for now.

    Once `cancel` is set (a streamed answer is open), it also keeps the timeouts itself, whatever
    arrives on the socket: a server that sends keep-alive comments while it thinks (llama-cpp-python's
    server pings every 15 s) never lets a read time out. Past a deadline it calls `cancel` once and
    says which ran out in `expired` ("first", "stall" or "whole")."""

    def __init__(self, waiting: Waiting, what: str, settings: ModelSettings) -> None:
        self.waiting, self.what, self.settings = waiting, what, settings
        self.started = time.monotonic()
        self.last_piece: float | None = None
        """When the last piece of the answer came (None before the first)."""
        self.cancel: Callable[[], None] | None = None
        self.expired: str | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def piece(self) -> None:
        """A piece of the answer came."""
        self.last_piece = time.monotonic()

    def _run(self) -> None:
        told = 0
        while not self._done.wait(0.05):
            now = time.monotonic()
            elapsed = now - self.started
            cancel = self.cancel  # read once: the request's thread clears it when the answer ends
            if cancel is not None and self.expired is None:
                self.expired = self._ran_out(now, elapsed)
                if self.expired is not None:
                    cancel()
            if elapsed >= (told + 1) * TICK_S:
                told += 1
                self.waiting(elapsed, self.what)

    def _ran_out(self, now: float, elapsed: float) -> str | None:
        if elapsed > self.settings.timeout_s:
            return "whole"
        if self.last_piece is None and elapsed > self.settings.first_token_s:
            return "first"
        if self.last_piece is not None and now - self.last_piece > self.settings.first_token_s:
            return "stall"
        return None

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def __enter__(self) -> _Ticker:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def _hang_up(answer: Any) -> None:
    """End a streamed answer from another thread: shut its socket down, which wakes a read blocked on
    it (closing the response alone may not), and the server sees the client leave."""
    response = getattr(answer, "response", None)
    network = response.extensions.get("network_stream") if response is not None else None
    sock = network.get_extra_info("socket") if network is not None else None
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
        elif response is not None:
            response.close()
    except OSError:  # already closed
        pass


def _timeouts(settings: ModelSettings, read: float) -> Any:
    import httpx

    return httpx.Timeout(read, connect=min(10.0, read), write=30.0, pool=10.0)


def _waited_too_long(settings: ModelSettings, waited: str) -> ModelTimeout:
    """What ran out, naming its setting: the first words, a stall mid-answer, or the whole answer."""
    if waited == "first":
        said = f"the model sent nothing for {settings.first_token_s:g} s (STORYREEL_FIRST_TOKEN_TIMEOUT)"
    elif waited == "stall":
        said = f"the model stopped sending for {settings.first_token_s:g} s (STORYREEL_FIRST_TOKEN_TIMEOUT)"
    else:
        said = f"the model's answer took over {settings.timeout_s:g} s (STORYREEL_TIMEOUT)"
    return ModelTimeout(f"{said}; the request was closed")


def _whole(
    client: Any, request: dict[str, Any], settings: ModelSettings, said: Said, waiting: Waiting
) -> tuple[str, list[dict[str, Any]]]:
    """One request answered in one piece: the first words are the whole answer, so `timeout_s` bounds it."""
    import openai

    with _Ticker(waiting, "the model's answer", settings):  # the read timeout bounds it: no pings without a stream
        try:
            reply = client.chat.completions.create(**request, timeout=_timeouts(settings, settings.timeout_s))
        except openai.APITimeoutError:
            raise _waited_too_long(settings, "whole") from None
    if not getattr(reply, "choices", None):  # a 200 with no choice in it: no answer, not a crash
        return "", []
    message = reply.choices[0].message
    calls = [
        {
            "id": c.id or f"call_{n}",
            "type": "function",
            "function": {"name": c.function.name, "arguments": c.function.arguments},
        }
        for n, c in enumerate(message.tool_calls or [])
    ]
    content = words_of(message.content)
    if content:
        said(content)
    return content, calls


def _streamed(
    client: Any, request: dict[str, Any], settings: ModelSettings, said: Said, waiting: Waiting
) -> tuple[str, list[dict[str, Any]]]:
    """One request answered as server-sent events; the words go to `said` as they come."""
    import httpx
    import openai

    words: list[str] = []
    slots: dict[int, dict[str, Any]] = {}
    with _Ticker(waiting, "the model's first words", settings) as ticker:
        try:
            answer = client.chat.completions.create(
                **request, stream=True, timeout=_timeouts(settings, settings.first_token_s)
            )
        except openai.APITimeoutError:
            raise _waited_too_long(settings, "first") from None
        ticker.cancel = lambda: _hang_up(answer)
        try:
            for chunk in answer:
                ticker.piece()
                if ticker.elapsed > settings.timeout_s:
                    raise _waited_too_long(settings, "whole")
                if not chunk.choices:
                    continue
                delta = chunk.choices[0].delta
                piece = words_of(delta.content)
                if piece:
                    words.append(piece)
                    said(piece)
                for part in delta.tool_calls or []:
                    ticker.what = "the model's tool calls"
                    slot = slots.setdefault(part.index, {"id": "", "name": [], "arguments": []})
                    slot["id"] = part.id or slot["id"]
                    if part.function is not None:
                        name = part.function.name or ""
                        if not (slot["name"] and name == _joined(slot["name"])):  # a name sent again in every piece
                            slot["name"].append(name)
                        slot["arguments"].append(part.function.arguments or "")
        except (httpx.TimeoutException, openai.APITimeoutError):
            raise _waited_too_long(settings, "stall" if words or slots else "first") from None
        except (httpx.HTTPError, openai.APIError, OSError):
            if ticker.expired is None:
                raise
        finally:
            ticker.cancel = None
            answer.close()  # the server sees the client leave and can stop generating
        if ticker.expired is not None:  # the ticker hung up: a deadline passed while pings kept the socket busy
            raise _waited_too_long(settings, ticker.expired)
    calls = [
        {
            "id": slot["id"] or f"call_{n}",
            "type": "function",
            "function": {"name": _joined(slot["name"]), "arguments": _joined(slot["arguments"])},
        }
        for n, slot in enumerate(slots.values())  # in the order they began
    ]
    return "".join(words), calls


def words_of(content: Any) -> str:
    """A reply's text; a server that sends something else than a string gets it shown as JSON."""
    if content is None or isinstance(content, str):
        return content or ""
    return json.dumps(content, ensure_ascii=False, default=repr)


def _joined(pieces: list[Any]) -> Any:
    """A streamed call's name or arguments, joined; a piece that is not a string is passed on as it
    came, so the toolbox refuses it as malformed instead of the loop failing on it."""
    odd = [piece for piece in pieces if not isinstance(piece, str)]
    return odd[0] if odd else "".join(pieces)

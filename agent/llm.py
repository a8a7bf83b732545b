"""Model access: the `openai` SDK against any OpenAI-compatible endpoint, set by the environment."""

from __future__ import annotations

import json
import math
import os
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
    timeout_s: float = field(default=60.0, metadata={"description": "STORYREEL_TIMEOUT: per request"})
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
        timeout = 60.0 if raw is None else number_setting(name, raw, "a number of seconds above 0", lambda v: v > 0)
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


def make_client(settings: ModelSettings) -> Any:
    """An `openai.OpenAI` client with explicit timeout and retries."""
    import openai

    return openai.OpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
    )

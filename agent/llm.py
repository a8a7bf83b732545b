"""Model access: the `openai` SDK against any OpenAI-compatible endpoint, set by the environment."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILE = Path(os.environ.get("STORYREEL_CONFIG", Path.home() / ".config" / "storyreel" / "director.json"))


OFF = {"off", "0", "false", "no"}


@dataclass(kw_only=True)
class ModelSettings:
    """Where the director's model lives; environment first, then the config file."""

    base_url: str | None = field(default=None, metadata={"description": "OPENAI_BASE_URL"})
    api_key: str = field(default="not-needed", metadata={"description": "OPENAI_API_KEY (never written)"})
    model: str = field(default="gpt-4o-mini", metadata={"description": "STORYREEL_MODEL"})
    timeout_s: float = field(default=60.0, metadata={"description": "STORYREEL_TIMEOUT: per request"})
    max_retries: int = field(default=2, metadata={"description": "STORYREEL_RETRIES: on 429/5xx/connection"})
    stream: bool = field(default=True, metadata={"description": "STORYREEL_STREAM=off for servers that cannot"})

    @classmethod
    def from_env(cls) -> ModelSettings:
        """Settings from the environment, falling back to the config file (which holds no key)."""
        saved: dict[str, Any] = {}
        if CONFIG_FILE.is_file():
            saved = json.loads(CONFIG_FILE.read_text())
        env = os.environ
        return cls(
            base_url=env.get("OPENAI_BASE_URL") or saved.get("base_url"),
            api_key=env.get("OPENAI_API_KEY") or "not-needed",
            model=env.get("STORYREEL_MODEL") or saved.get("model", "gpt-4o-mini"),
            timeout_s=float(env.get("STORYREEL_TIMEOUT") or saved.get("timeout_s", 60.0)),
            max_retries=int(env.get("STORYREEL_RETRIES") or saved.get("max_retries", 2)),
            stream=(env.get("STORYREEL_STREAM") or str(saved.get("stream", "on"))).lower() not in OFF,
        )

    @property
    def configured(self) -> bool:
        """True when an endpoint is set; otherwise the offline director answers."""
        return bool(self.base_url)


def make_client(settings: ModelSettings) -> Any:
    """An `openai.OpenAI` client with explicit timeout and retries."""
    import openai

    return openai.OpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
    )

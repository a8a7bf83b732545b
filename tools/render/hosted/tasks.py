"""What every hosted backend needs around its SDK: keys, waiting, cancelling, downloading.

Keys come from the environment only: they are passed to the SDK client and never put in
options, story.json, takes, errors or logs. Waiting on a remote task polls with exponential
backoff under a deadline; a deadline passed or the render stopped (the request's `stop`) cancels the task
on the vendor's side before giving up, so nothing keeps running (and billing) unseen.
"""

from __future__ import annotations

import base64
import contextlib
import mimetypes
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, Field

from story.files import write_atomic
from tools.render.base import RenderError, Stop

T = TypeVar("T")


class HostedOptions(BaseModel):
    """Options every hosted backend has (no key among them: keys live in the environment)."""

    base_url: str | None = Field(None, description="The API's address; None uses the vendor's (or its env var).")
    timeout: float = Field(60.0, gt=0, le=600, description="Seconds one HTTP request may take.")
    retries: int = Field(2, ge=0, le=10, description="Retries of a request that failed to connect or got 429/5xx.")
    deadline: float = Field(900.0, gt=0, le=7200, description="Seconds a generation may take before it is cancelled.")
    poll_first: float = Field(2.0, gt=0, le=60, description="Seconds before the first status check.")
    poll_most: float = Field(20.0, gt=0, le=300, description="Most seconds between status checks (backoff cap).")


def api_key(variable: str, backend: str) -> str:
    """The key from the environment; a clear error when it is not set."""
    key = os.environ.get(variable, "").strip()
    if not key:
        raise RenderError(f"the {backend} backend needs {variable} set in the environment (keys are never stored)")
    return key


def scrub(text: str, *secrets: str) -> str:
    """The text with any secret blanked out (an SDK error may echo a request)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def wait_for(
    fetch: Callable[[], T],
    finished: Callable[[T], bool],
    *,
    what: str,
    options: HostedOptions,
    cancel: Callable[[], None],
    stop: Stop,
) -> T:
    """Poll `fetch` until `finished`, doubling the wait each time up to `poll_most`; `cancel` on deadline or `stop`."""
    deadline = time.monotonic() + options.deadline
    delay = options.poll_first
    try:
        while True:
            state = fetch()
            if finished(state):
                return state
            if time.monotonic() + delay > deadline:
                _quietly(cancel)
                raise RenderError(f"{what} did not finish within {options.deadline:g}s; it was cancelled")
            if stop.wait(delay):
                _quietly(cancel)
                raise RenderError(f"{what} was cancelled: the render was stopped")
            delay = min(options.poll_most, delay * 2)
    except KeyboardInterrupt:  # Ctrl-C in this very thread (a render of one shot at a time)
        _quietly(cancel)
        raise


def _quietly(cancel: Callable[[], None]) -> None:
    with contextlib.suppress(Exception):  # the task may already be gone; giving up must not fail louder
        cancel()


def land(data: bytes, output: Path) -> Path:
    """Write bytes into the project under their final name atomically; returns the path."""
    write_atomic(output, data)
    return output


def download(url: str, output: Path, options: HostedOptions, stop: Stop) -> Path:
    """Fetch a result URL into the project atomically, retrying connection failures and 5xx (until `stop`)."""
    import httpx

    delay = 0.5
    for attempt in range(options.retries + 1):
        try:
            with httpx.Client(timeout=options.timeout, follow_redirects=True) as client:
                response = client.get(url)
            if response.status_code >= 500 and attempt < options.retries:
                raise httpx.TransportError(f"HTTP {response.status_code}")
            if response.status_code != 200:
                raise RenderError(f"downloading the result failed: HTTP {response.status_code}")
            return land(response.content, output)
        except httpx.HTTPError as exc:
            if attempt >= options.retries:
                raise RenderError(f"downloading the result failed: {type(exc).__name__}: {exc}") from None
            if stop.wait(delay):
                raise RenderError("downloading the result was cancelled: the render was stopped") from None
            delay = min(8.0, delay * 2)
    raise RenderError("downloading the result failed")  # pragma: no cover - the loop always returns or raises


def data_uri(path: Path) -> str:
    """An image file as a base64 data URI (how hosted APIs take a reference without an upload)."""
    kind = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(Path(path).read_bytes()).decode()}"

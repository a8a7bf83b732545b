"""Speech to text: a spoken instruction or brief (a recording, a voice memo) becomes the words a person
would have typed, through the configured OpenAI-compatible endpoint's transcription API
(`POST /audio/transcriptions`, the `openai` SDK's `client.audio.transcriptions.create`).

Settings are the director's (agent/llm.py: OPENAI_BASE_URL, OPENAI_API_KEY, STORYREEL_TIMEOUT,
STORYREEL_RETRIES) plus the transcription model, STORYREEL_TRANSCRIBE_MODEL (else `transcribe_model` in
the config file, else `whisper-1`). With no endpoint there is nothing to hear with, and the message says
which setting is missing: storyreel has no speech recogniser of its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from agent.llm import ModelSettings, config_file, make_client, read_config

MODEL_ENV = "STORYREEL_TRANSCRIBE_MODEL"
DEFAULT_MODEL = "whisper-1"
SUFFIXES = (".wav", ".mp3", ".m4a", ".mp4", ".mpeg", ".mpga", ".ogg", ".oga", ".webm", ".flac")
"""What the transcription API takes (OpenAI's list); the recording is sent as it is, never converted."""
MAX_BYTES = 25 * 1024 * 1024  # the OpenAI API's limit for one file
NEEDS_ENDPOINT = (
    "speaking needs a transcription endpoint: set OPENAI_BASE_URL to an OpenAI-compatible server"
    " that offers /audio/transcriptions (and OPENAI_API_KEY if it wants one)"
)


class SpeechError(Exception):
    """A recording that could not become text; the message is one line for the person. `machine` is True
    when the server failed (down, too slow, an error of its own), False when the person can fix it."""

    def __init__(self, message: str, *, machine: bool = False) -> None:
        super().__init__(message)
        self.machine = machine


@dataclass(frozen=True)
class Heard:
    """What a recording said, and who heard it."""

    text: str
    model: str
    source: str  # the recording's file name


def transcription_model() -> str:
    """STORYREEL_TRANSCRIBE_MODEL, else `transcribe_model` in the config file, else whisper-1."""
    chosen = os.environ.get(MODEL_ENV) or read_config(config_file()).get("transcribe_model")
    return chosen if isinstance(chosen, str) and chosen.strip() else DEFAULT_MODEL


def can_hear(settings: ModelSettings | None = None) -> bool:
    """True when an endpoint is configured to send recordings to."""
    return (settings or ModelSettings.from_env()).configured


def check_recording(path: Path) -> Path:
    """The recording if the API can take it (a known audio suffix, not empty, within 25 MB); else SpeechError."""
    name = path.name
    if path.suffix.lower() not in SUFFIXES:
        raise SpeechError(f"{name!r} is not a recording the transcription API takes; expected {', '.join(SUFFIXES)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpeechError(f"recording {name!r} cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise SpeechError(f"recording {name!r} is empty")
    if size > MAX_BYTES:
        raise SpeechError(f"recording {name!r} is {size / 2**20:.1f} MB; the transcription API takes at most 25 MB")
    return path


def transcribe(path: Path, settings: ModelSettings | None = None) -> Heard:
    """The words spoken in the recording at `path`, as text; `SpeechError` with one line when there are none.

    1. the endpoint and the recording are checked; 2. one request, with the director's timeout and retries;
    3. an answer with no words is refused, so nothing is applied on silence."""
    import openai

    settings = settings or ModelSettings.from_env()
    if not settings.configured:
        raise SpeechError(NEEDS_ENDPOINT)
    path = check_recording(Path(path))
    model = transcription_model()
    where = f"the transcription server at {settings.base_url}"
    client = make_client(settings)
    try:
        with path.open("rb") as recording:
            answer = client.audio.transcriptions.create(model=model, file=(path.name, recording))
    except openai.APITimeoutError:
        raise SpeechError(f"{where} took over {settings.timeout_s:g} s (STORYREEL_TIMEOUT)", machine=True) from None
    except openai.APIConnectionError as exc:
        raise SpeechError(f"{where} cannot be reached ({_cause(exc)})", machine=True) from None
    except openai.APIStatusError as exc:
        why = _said(exc)
        if exc.status_code == 404:
            why += f"; does it offer /audio/transcriptions and the model {model!r} ({MODEL_ENV})?"
        raise SpeechError(f"{where} answered {exc.status_code}: {why}", machine=exc.status_code >= 500) from None
    except OSError as exc:
        raise SpeechError(f"recording {path.name!r} cannot be read ({exc.strerror or exc})") from None
    text = getattr(answer, "text", answer if isinstance(answer, str) else "")
    words = " ".join(str(text or "").split())
    if not words:
        raise SpeechError(f"no words were heard in {path.name!r}; speak again, closer, or type it")
    return Heard(text=str(text).strip(), model=model, source=path.name)


def _cause(exc: BaseException) -> str:
    """The root of a connection failure, in a few words ("Connection refused")."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def _said(exc: object) -> str:
    """The server's own message from an error answer, in one line."""
    body = getattr(exc, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
    return " ".join(str(message or getattr(exc, "message", "") or "no reason given").split())[:200]

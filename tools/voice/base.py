"""The voice door: speak one line of dialogue into one audio file.

A backend is a `Voice` subclass with one abstract method. Backends register through
`register_voices(register)` functions found in the `storyreel.voices` entry-point group; the
built-in espeak-ng voice uses the same door, so a better local or hosted voice is a new
package, not an edit of ours.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from story import VoiceChoice

ENTRY_POINT_GROUP = "storyreel.voices"


class VoiceError(Exception):
    """A backend could not speak a line; the message is shown to the person as it is."""


@dataclass(frozen=True, kw_only=True)
class SpeechRequest:
    """Everything a backend needs to speak one line."""

    text: str  # what is said
    voice: VoiceChoice  # the character's voice: backend, name, pitch, speed
    output: Path  # where the audio goes (.wav); write it atomically
    parenthetical: str = ""  # how it is said, e.g. "whispering"
    speaker: str = ""  # the character's name, for backends that cast by name


class Voice(ABC):
    """A voice backend. Subclasses set `name` and `version`, and implement `speak`."""

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    hosted: ClassVar[bool] = False  # True when lines leave this machine
    voices: ClassVar[tuple[str, ...]] = ()  # voice names this backend can cast from

    class Options(BaseModel):
        """Backend options; subclasses extend this."""

        model_config = ConfigDict(extra="forbid")

    def __init__(self, options: BaseModel | None = None) -> None:
        self.options = options if options is not None else self.Options()

    def check_inputs(self, request: SpeechRequest) -> None:
        """Refuse what no backend can speak: an empty line."""
        if not request.text.strip():
            raise VoiceError("`text` must have words to speak but is empty")

    @abstractmethod
    def speak(self, request: SpeechRequest) -> None:
        """Speak the line into `request.output` (a WAV file)."""


VoiceFactory = type[Voice]
_registry: dict[str, VoiceFactory] = {}
_loaded = False


def register(voice: VoiceFactory) -> None:
    """Register a backend under its `name` (the hook passed to `register_voices`)."""
    _registry[voice.name] = voice


BUILT_IN = {"espeak": "tools.voice.espeak"}  # name -> module with register_voices


def _load_entry_points() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from importlib.metadata import entry_points

    for point in entry_points(group=ENTRY_POINT_GROUP):
        point.load()(register)
    import importlib

    for name, module in BUILT_IN.items():  # a source tree never installed, or installed before this voice
        if name not in _registry:
            importlib.import_module(module).register_voices(register)


def known_voices() -> list[str]:
    """Names of every registered voice backend."""
    _load_entry_points()
    return sorted(_registry)


def get_voice(name: str, options: dict[str, object] | None = None) -> Voice:
    """A voice backend by name; an unknown name raises `VoiceError` listing the known ones."""
    _load_entry_points()
    try:
        factory = _registry[name]
    except KeyError:
        raise VoiceError(f"unknown voice backend {name!r}; known: {', '.join(known_voices())}") from None
    return factory(factory.Options.model_validate(options or {}))

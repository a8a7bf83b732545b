"""libespeak-ng in this process, through ctypes, from the `espeakng-loader` wheel: no system package.

The wheel ships the library and its data (voices, dictionaries). The library keeps synthesis
state between utterances that no call resets (the pitch flutter's phase is a static inside its
wave generator), so one loaded copy says the same line a little differently every time. To keep
a line's sound a function of its text and voice only, every line is spoken by a freshly loaded
library: load, initialise, speak, terminate, unload, a few milliseconds in all. The library is
process-global and not thread-safe, so one lock serialises the whole of it.
"""

from __future__ import annotations

import _ctypes
import ctypes
import os
import sys
import threading
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

from tools.voice.base import VoiceError

# speak_lib.h: the parts of the C API used here
_AUDIO_OUTPUT_SYNCHRONOUS = 2  # speak into the callback, return when done; no thread is started
_INITIALIZE_DONT_EXIT = 0x8000  # report a failure instead of ending the process
_POS_CHARACTER = 1
_CHARS_UTF8, _PHONEMES, _ENDPAUSE = 0x1, 0x100, 0x1000  # the espeak-ng program's flags, text as UTF-8
_RATE, _VOLUME, _PITCH, _WORDGAP = 1, 2, 3, 7  # espeak_PARAMETER
_ERRORS = {-1: "internal error", 1: "buffer full", 2: "not found"}

_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_lock = threading.Lock()
_chunks: list[bytes] = []  # the line being spoken, filled by the callback while `_lock` is held


def _collect(wav: ctypes._Pointer, count: int, events: int | None) -> int:
    if wav and count > 0:
        _chunks.append(ctypes.string_at(wav, count * ctypes.sizeof(ctypes.c_short)))
    return 0  # 0: go on speaking


_collector = _Callback(_collect)  # kept alive here: the library calls it


@dataclass(frozen=True)
class Speech:
    """One spoken line: 16-bit mono samples in the machine's byte order, at `rate`."""

    samples: bytes
    rate: int

    @property
    def seconds(self) -> float:
        """Its length in seconds."""
        return len(self.samples) / 2 / self.rate


def wheel_paths() -> tuple[str, str] | None:
    """The library and its data folder from the espeakng-loader wheel; None when it is not installed."""
    try:
        import espeakng_loader
    except ImportError:
        return None
    library = espeakng_loader.get_library_path()
    try:
        data = espeakng_loader.get_data_path()
    except RuntimeError:
        return None
    return (library, data) if os.path.isfile(library) else None


def synthesize(text: str, *, voice: str, rate: int, volume: int, pitch: int, word_gap: int) -> Speech:
    """Speak `text` with espeak-ng's `voice` (e.g. "en+f3"); the arguments are the espeak-ng
    program's -s, -a, -p and -g. Raises `VoiceError` when the wheel, the voice or the line fails."""
    paths = wheel_paths()
    if paths is None:
        raise VoiceError("the espeakng-loader package is not installed: pip install espeakng-loader")
    library, data = paths
    encoded = text.replace("\0", " ").encode("utf-8")
    with _lock:
        _chunks.clear()
        try:
            lib = ctypes.CDLL(library, mode=os.RTLD_LOCAL)
        except OSError as exc:
            raise VoiceError(f"libespeak-ng from espeakng-loader could not be loaded: {exc}") from None
        try:
            sample_rate = _speak(lib, data.encode(), encoded, voice, (rate, volume, pitch, word_gap))
            samples = b"".join(_chunks)
        finally:
            _chunks.clear()
            _unload(lib)
    if not samples:
        raise VoiceError(f"espeak-ng said nothing for {text[:40]!r} with voice {voice!r}")
    return Speech(samples, sample_rate)


def _speak(lib: ctypes.CDLL, data: bytes, text: bytes, voice: str, values: tuple[int, int, int, int]) -> int:
    """Initialise, choose the voice, set the parameters and speak into `_chunks`; the sample rate."""
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetSynthCallback.argtypes = [_Callback]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                 ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]  # fmt: skip
    sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, _INITIALIZE_DONT_EXIT)
    if sample_rate <= 0:
        raise VoiceError(f"libespeak-ng could not start with its data in {data.decode()}")
    try:
        lib.espeak_SetSynthCallback(_collector)
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise VoiceError(f"espeak-ng has no voice {voice!r} (voices look like 'en+m3' or 'en+f2')")
        for parameter, value in zip((_RATE, _VOLUME, _PITCH, _WORDGAP), values, strict=True):
            if (status := lib.espeak_SetParameter(parameter, value, 0)) != 0:
                raise VoiceError(f"espeak-ng refused parameter {parameter} = {value}: {_ERRORS.get(status, status)}")
        flags = _CHARS_UTF8 | _PHONEMES | _ENDPAUSE
        if (status := lib.espeak_Synth(text, len(text) + 1, 0, _POS_CHARACTER, 0, flags, None, None)) != 0:
            raise VoiceError(f"espeak-ng could not speak {text[:40]!r}: {_ERRORS.get(status, status)}")
        return int(sample_rate)
    finally:
        lib.espeak_Terminate()


def _unload(lib: ctypes.CDLL) -> None:
    """Unload the library, so the next line starts from its pristine state."""
    close = getattr(_ctypes, "dlclose", None) or getattr(_ctypes, "FreeLibrary")  # noqa: B009
    close(lib._handle)


def write_wav(speech: Speech, output: Path) -> Path:
    """Write the speech as a 16-bit mono WAV at its own rate, atomically (a .partial beside, then renamed)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    samples = array("h", speech.samples)
    if sys.byteorder == "big":  # WAV is little-endian
        samples.byteswap()
    try:
        with wave.open(str(partial), "wb") as stream:
            stream.setnchannels(1)
            stream.setsampwidth(2)
            stream.setframerate(speech.rate)
            stream.writeframes(samples.tobytes())
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return output

"""The built-in scratch voice: espeak-ng, offline, a line in a few milliseconds.

One self-contained backend: `check_inputs` first, then the one call, in numbered steps. A
character's voice is espeak-ng's English with a variant (`en+f3`), a pitch and a speed; how a line
is said (`whispering`, `shouting`) shifts it for that line only. By default the library shipped in
the `espeakng-loader` wheel speaks in this process (`tools.voice.libespeak`); an espeak-ng program
(`STORYREEL_ESPEAK`, or espeak-ng on PATH when the wheel is missing) is run instead when given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from tools.voice import libespeak
from tools.voice.base import SpeechRequest, Voice, VoiceError

ESPEAK_ENV = "STORYREEL_ESPEAK"
MALE_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7")
FEMALE_VARIANTS = ("f1", "f2", "f3", "f4", "f5")
WHISPERED = ("whisper", "murmur", "under (?:her|his|their) breath", "quietly", "softly")
RAISED = ("shout", "yell", "scream", "cry", "calling", "loud")


def espeak_program() -> str | None:
    """The espeak-ng program to run: `STORYREEL_ESPEAK` when set; else None, meaning the library
    from the espeakng-loader wheel speaks; else espeak-ng (or espeak) on PATH."""
    given = os.environ.get(ESPEAK_ENV)
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            raise VoiceError(f"{ESPEAK_ENV}={given} is not an espeak-ng program that can be run")
        return given
    if libespeak.wheel_paths() is not None:
        return None
    chosen = shutil.which("espeak-ng") or shutil.which("espeak")
    if not chosen:
        raise VoiceError(
            "espeak-ng was not found: install the espeakng-loader package (pip install espeakng-loader) "
            f"or set {ESPEAK_ENV} to an espeak-ng program"
        )
    return chosen


class EspeakVoice(Voice):
    """espeak-ng: robotic but clear, offline and instant; good enough to time a reel by."""

    name = "espeak"
    version = "1"
    voices: ClassVar[tuple[str, ...]] = tuple(f"en+{v}" for v in (*MALE_VARIANTS, *FEMALE_VARIANTS))

    class Options(Voice.Options):
        """espeak-ng settings shared by every line."""

        amplitude: int = Field(120, ge=0, le=200, description="Loudness, espeak-ng's -a (100 is its default).")
        gap_ms: int = Field(0, ge=0, le=500, description="Pause between words in milliseconds (-g, in 10 ms).")

    def speak(self, request: SpeechRequest) -> None:
        """Speak the line into `request.output` as a WAV file (22050 Hz mono 16-bit, as espeak-ng gives)."""
        # 1. check the inputs
        self.check_inputs(request)
        voice, options = request.voice, self.options
        assert isinstance(options, EspeakVoice.Options)
        # 2. how this line is said shifts the character's voice for this line only
        how = request.parenthetical.lower()
        name, pitch, speed, amplitude = voice.name, voice.pitch, voice.speed, options.amplitude
        if any(word.split(" ")[0] in how for word in WHISPERED):
            name = f"{name.split('+')[0]}+whisper"
            amplitude = min(200, amplitude + 60)  # a whisper is quiet; keep it audible in the mix
        elif any(word in how for word in RAISED):
            pitch, speed, amplitude = min(99, pitch + 12), min(400, speed + 20), min(200, amplitude + 40)
        # 3. the one call: the wheel's library in this process, or the program when one is given
        output = Path(request.output)
        program = espeak_program()
        if program is None:
            speech = libespeak.synthesize(
                request.text, voice=name, rate=speed, volume=amplitude, pitch=pitch, word_gap=options.gap_ms // 10
            )
            libespeak.write_wav(speech, output)
        else:
            _run_program(program, request.text, [name, pitch, speed, amplitude, options.gap_ms // 10], output)


def _run_program(program: str, text: str, settings: list[object], output: Path) -> None:
    """Speak with an espeak-ng program: text on stdin (never parsed as options), WAV written beside
    the output, then renamed."""
    name, pitch, speed, amplitude, gap = map(str, settings)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    command = [program, "-v", name, "-p", pitch, "-s", speed, "-a", amplitude, "-g", gap, "-w", str(partial), "--stdin"]
    try:
        done = subprocess.run(command, input=text.encode(), capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        partial.unlink(missing_ok=True)
        raise VoiceError(f"espeak-ng could not speak {text[:40]!r}: {exc}") from None
    if done.returncode != 0 or not partial.is_file() or partial.stat().st_size <= 44:
        partial.unlink(missing_ok=True)
        why = done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
        raise VoiceError(f"espeak-ng failed on voice {name!r}: {why}")
    partial.replace(output)


def register_voices(register: object) -> None:
    """Entry-point hook: register the built-in voices."""
    register(EspeakVoice)  # type: ignore[operator]

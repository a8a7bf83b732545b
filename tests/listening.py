"""Hearing the reel in tests: small projects with dialogue, audio read back with ffmpeg, energy and pitch."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from scripted import ScriptedDirector

from agent.production import Production
from story import Bible, Character, DialogueLine, Location, ReplaceStory, Shot, Style, Transition
from tools.media.audio import RATE, decode_audio


def talking_story(*, title_card: bool = False, short_shot: bool = False) -> ReplaceStory:
    """Three shots at 24 fps, 320x180: silence, one line, then two lines by two people."""
    cast = [
        Character(id="mara", name="Mara", description="a young woman in a red coat", traits={"coat": "red"}),
        Character(id="tomas", name="Tomas", description="an old man, a fisherman", traits={"age": "old"}),
    ]
    shots = [
        Shot(id="s1", action="The sea at dawn.", location="harbour", duration_frames=24, seed=1),
        Shot(
            id="s2",
            action="Mara calls out.",
            characters=["mara"],
            location="harbour",
            duration_frames=72,
            dialogue=[DialogueLine(speaker="mara", text="Is anyone out there?")],
            seed=2,
        ),
        Shot(
            id="s3",
            action="Tomas answers her.",
            characters=["mara", "tomas"],
            location="harbour",
            duration_frames=120,
            dialogue=[
                DialogueLine(speaker="tomas", text="Only the gulls."),
                DialogueLine(speaker="mara", text="Then we wait."),
            ],
            seed=3,
        ),
    ]
    if short_shot:
        shots.append(
            Shot(
                id="s4",
                action="Tomas shrugs.",
                characters=["tomas"],
                location="harbour",
                duration_frames=12,
                dialogue=[DialogueLine(speaker="tomas", text="The storm will pass before the morning comes.")],
                seed=4,
                transition=Transition.CUT,
            )
        )
    style = Style(width=320, height=180, title_card=title_card, title_card_frames=12)
    return ReplaceStory(
        bible=Bible(title="Gulls"),
        style=style,
        characters=cast,
        locations=[Location(id="harbour", name="the harbour")],
        shots=shots,
    )


def new_film(root: Path, story: ReplaceStory) -> Production:
    """A rendered and assembled project from a fixed story."""
    production, _ = Production.new(root, "a brief", director=ScriptedDirector(story=[story]))
    return production


def reel_audio(path: Path) -> np.ndarray:
    """The reel's sound, mono, at the mixing rate."""
    return decode_audio(path, channels=1)[:, 0]


def rms(samples: np.ndarray, start: float, end: float) -> float:
    """Root-mean-square level between two times in seconds."""
    piece = samples[int(start * RATE) : int(end * RATE)]
    return float(np.sqrt(np.mean(np.square(piece, dtype=np.float64)))) if len(piece) else 0.0


def band_level(samples: np.ndarray, start: float, end: float, hz: float, width: float = 200.0) -> float:
    """Spectral magnitude around `hz` between two times (how loud one tone is there)."""
    piece = samples[int(start * RATE) : int(end * RATE)].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(piece * np.hanning(len(piece)))) / len(piece)
    freqs = np.fft.rfftfreq(len(piece), 1 / RATE)
    return float(spectrum[(freqs > hz - width) & (freqs < hz + width)].sum())


def dominant_hz(samples: np.ndarray, start: float, end: float) -> float:
    """The strongest frequency between two times."""
    piece = samples[int(start * RATE) : int(end * RATE)].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(piece * np.hanning(len(piece))))
    return float(np.fft.rfftfreq(len(piece), 1 / RATE)[int(np.argmax(spectrum[1:])) + 1])


def write_wav(path: Path, samples: np.ndarray, rate: int = 44_100) -> Path:
    """Mono 16-bit WAV from float samples in -1..1."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def tone(hz: float, seconds: float, rate: int = 44_100, level: float = 0.5) -> np.ndarray:
    """A sine tone."""
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def click_track(bpm: float, seconds: float, *, first: float = 0.5, rate: int = 44_100) -> tuple[np.ndarray, list]:
    """Short 1 kHz clicks on every beat from `first`; returns the samples and the beat times."""
    samples = np.zeros(int(seconds * rate), dtype=np.float32)
    beats = [first + k * 60 / bpm for k in range(int((seconds - first) * bpm / 60))]
    click = tone(1000, 0.03, rate, 0.8) * np.exp(-np.arange(int(0.03 * rate)) / rate * 120).astype(np.float32)
    for beat in beats:
        at = int(beat * rate)
        samples[at : at + len(click)] += click[: len(samples) - at]
    return samples, beats

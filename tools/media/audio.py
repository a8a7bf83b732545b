"""The reel's sound: decode any audio file, mix the voices over the music bed with ducking, and
encode the mix as one AAC track of the reel's exact length.

Mixing is plain numpy at 48 kHz stereo: every line is laid at its sample, the bed's gain dips by
`Music.duck_db` while anyone speaks (with short ramps, so it breathes rather than clicks), and
the encoded track is cached by a hash of everything in it, so a reel whose sound did not change
is re-joined without encoding audio again.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from story import Project, ProjectFolder
from tools.media.codec import EncodeError, ffmpeg_exe

RATE = 48_000  # samples a second; a whole number of samples per frame at 12, 24, 25 and 30 fps
CHANNELS = 2
AUDIO_DIR = "media/audio"
AAC_BITRATE = "160k"
DUCK_PAD = 0.10  # seconds the bed starts dipping before a line and stays down after it
DUCK_RAMP = 0.15  # seconds the dip takes to go down and to come back
VOICE_PEAK = 0.9  # lines are normalised to this peak, so every voice sits at the same level


class AudioError(ValueError):
    """An audio file that cannot be used (not audio, unreadable, empty); nothing was changed."""


def decode_audio(path: Path, *, rate: int = RATE, channels: int = 1, seconds: float | None = None) -> np.ndarray:
    """The audio of `path` as float32 samples shaped (n, channels), resampled by ffmpeg.

    Raises `AudioError` naming the file when it has no audio stream or ffmpeg cannot read it.
    """
    limit = ["-t", f"{seconds:.6f}"] if seconds is not None else []
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path), *limit,
        "-map", "0:a:0", "-vn", "-ac", str(channels), "-ar", str(rate), "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AudioError(f"could not read audio from {Path(path).name}: {exc}") from None
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()
        why = tail[-1] if tail else f"exit {done.returncode}"
        if "matches no streams" in why:
            why = "it has no audio stream"
        raise AudioError(f"{Path(path).name} is not an audio file ffmpeg can read: {why}")
    samples = np.frombuffer(done.stdout, dtype=np.float32).reshape(-1, channels)
    if not len(samples):
        raise AudioError(f"{Path(path).name} holds no audio samples")
    return samples


def read_mix_wav(path: Path) -> np.ndarray | None:
    """A mono 16-bit WAV already at `RATE`, read without starting ffmpeg; None for any other file."""
    try:
        with wave.open(str(path), "rb") as stream:
            if (stream.getframerate(), stream.getnchannels(), stream.getsampwidth()) != (RATE, 1, 2):
                return None
            data = stream.readframes(stream.getnframes())
    except (wave.Error, EOFError, OSError):
        return None
    return (np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0).reshape(-1, 1)


def write_mix_wav(samples: np.ndarray, output: Path) -> Path:
    """Write mono float samples as a 16-bit WAV at `RATE`, atomically (what `read_mix_wav` reads fast)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    with wave.open(str(partial), "wb") as stream:
        stream.setnchannels(1)
        stream.setsampwidth(2)
        stream.setframerate(RATE)
        stream.writeframes((np.clip(samples.reshape(-1), -1, 1) * 32767).astype("<i2").tobytes())
    os.replace(partial, output)
    return output


def reel_samples(project: Project) -> int:
    """Samples in the reel's sound track: exactly the reel's length."""
    return project.total_frames() * RATE // project.fps


@dataclass(frozen=True)
class Cue:
    """One sound laid on the reel: mono samples starting at a sample."""

    start: int
    samples: np.ndarray  # float32, mono

    @property
    def end(self) -> int:
        """The sample after the last."""
        return self.start + len(self.samples)


def duck_envelope(length: int, spans: list[tuple[int, int]], duck_db: float) -> np.ndarray:
    """Gain (0..1) for the bed: 1 in the clear, `duck_db` down inside each span, ramped at the edges."""
    gain = np.ones(length, dtype=np.float32)
    if duck_db <= 0 or not spans:
        return gain
    low = np.float32(10 ** (-duck_db / 20))
    pad, ramp = int(DUCK_PAD * RATE), max(1, int(DUCK_RAMP * RATE))
    down = np.zeros(length, dtype=np.float32)  # 1 where the bed is fully down
    for start, end in spans:
        down[max(0, start - pad) : min(length, end + pad)] = 1.0
    if down.any():
        kernel = np.ones(ramp, dtype=np.float32) / ramp  # a moving average turns the steps into ramps
        down = np.minimum(1.0, np.convolve(down, kernel, mode="same") * 1.0)
        # keep the bed fully down over the whole of each span after smoothing
        for start, end in spans:
            down[max(0, start) : min(length, end)] = 1.0
    gain -= down * (1 - low)
    return gain


def mix_reel(length: int, voices: list[Cue], music: np.ndarray | None, *, gain_db: float, duck_db: float) -> np.ndarray:
    """The reel's mix, (length, 2) float32: voices in the centre over the ducked bed, peaks kept under 1."""
    mix = np.zeros((length, CHANNELS), dtype=np.float32)
    if music is not None and len(music):
        bed = music[:length]
        spans = [(c.start, min(length, c.end)) for c in voices if c.start < length]
        gain = duck_envelope(len(bed), spans, duck_db) * np.float32(10 ** (gain_db / 20))
        mix[: len(bed)] += bed * gain[:, None]
    for cue in voices:
        if cue.start >= length:
            continue
        piece = cue.samples[: length - cue.start]
        mix[cue.start : cue.start + len(piece)] += piece[:, None]
    peak = float(np.abs(mix).max()) if len(mix) else 0.0
    if peak > 0.99:  # overlapping lines over a loud bed: scale down rather than clip
        mix *= np.float32(0.99 / peak)
    return mix


def normalised(samples: np.ndarray) -> np.ndarray:
    """A mono line scaled to `VOICE_PEAK`, so quiet recordings and loud ones sit alike."""
    peak = float(np.abs(samples).max()) if len(samples) else 0.0
    return samples if peak <= 0 else (samples * np.float32(VOICE_PEAK / peak)).astype(np.float32)


def encode_track(mix: np.ndarray, output: Path) -> Path:
    """Encode a (n, 2) float32 mix as AAC in an .m4a, atomically."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "f32le", "-ar", str(RATE), "-ac", str(CHANNELS), "-i", "pipe:0",
        "-c:a", "aac", "-b:a", AAC_BITRATE, "-f", "mp4", str(partial),
    ]  # fmt: skip
    done = subprocess.run(command, input=np.ascontiguousarray(mix, dtype=np.float32).tobytes(), capture_output=True)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        tail = done.stderr.decode(errors="replace").strip().splitlines()
        raise EncodeError(f"ffmpeg failed encoding the reel's sound: {tail[-1] if tail else done.returncode}")
    partial.replace(output)
    return output


def sound_key(parts: list[object]) -> str:
    """A short hash naming a cached sound track."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def music_samples(folder: ProjectFolder, project: Project, length: int) -> np.ndarray | None:
    """The project's music bed as (n, 2) samples, at most `length` long; None without music."""
    if project.music is None:
        return None
    path = folder.path(project.music.path)
    if not path.is_file():
        folder.warnings.append(f"the music file {project.music.path} is missing; the reel has no music bed")
        return None
    try:
        return decode_audio(path, channels=CHANNELS, seconds=length / RATE)
    except AudioError as exc:
        folder.warnings.append(f"the music bed was left out: {exc}")
        return None

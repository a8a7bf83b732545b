"""Music for the reel: import a file into the project, and find its beats.

Importing checks the file before anything is written (a known audio type, a sane size, audio
ffmpeg can decode), copies it into media/music/ under a name made from its contents, and tracks
its beats with librosa when the optional `beats` extra is installed. Without librosa the music
is still imported as a bed; only cutting to the beat needs the beats.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from story import Music, ProjectFolder
from tools.media.audio import AudioError, decode_audio

MUSIC_DIR = "media/music"
MUSIC_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".aif", ".aiff")
MAX_MUSIC_BYTES = 300 * 1024 * 1024
MAX_MUSIC_SECONDS = 3 * 3600
ANALYSIS_RATE = 22_050
HOP = 256  # analysis step: about 12 ms at ANALYSIS_RATE, well under a frame
SNAP_SECONDS = 0.06  # a beat moves to an onset start at most this far away
BEATS_EXTRA = "pip install 'storyreel[beats]'"


class BeatsUnavailable(RuntimeError):
    """Beat tracking needs librosa, which is an optional extra."""


@dataclass(frozen=True)
class ImportedMusic:
    """A music file checked and copied into the project, ready to record with `SetMusic`."""

    music: Music
    notes: list[str]  # what the person should know (e.g. beats not tracked, and why)


def check_audio_file(source: Path, *, suffixes: tuple[str, ...], max_bytes: int, what: str) -> None:
    """Refuse a file that is missing, of an unknown type, or too large; raises `AudioError`."""
    if not source.is_file():
        raise AudioError(f"{what} {source} does not exist")
    if source.suffix.lower() not in suffixes:
        kind = source.suffix or "(none)"
        raise AudioError(f"{what} {source.name} has type {kind!r}; use one of {', '.join(suffixes)}")
    size = source.stat().st_size
    if size == 0 or size > max_bytes:
        limit = max_bytes // 2**20
        raise AudioError(f"{what} {source.name} is {size} bytes; it must hold audio and be under {limit} MiB")


def track_beats(path: Path) -> tuple[float, list[float]]:
    """(tempo in BPM, beat times in seconds) of a music file, by librosa's beat tracker."""
    try:
        import librosa
    except ImportError:
        raise BeatsUnavailable(f"beat tracking needs librosa: {BEATS_EXTRA}") from None
    import numpy as np

    samples = decode_audio(path, rate=ANALYSIS_RATE)[:, 0]
    envelope = librosa.onset.onset_strength(y=samples, sr=ANALYSIS_RATE, hop_length=HOP)
    tempo, frames = librosa.beat.beat_track(onset_envelope=envelope, sr=ANALYSIS_RATE, hop_length=HOP)
    times = librosa.frames_to_time(frames, sr=ANALYSIS_RATE, hop_length=HOP)
    # The tracker marks the peak of the onset envelope, a little after the hit; move each beat back to
    # the start of its onset (when one is that close), so a cut lands on the hit itself.
    onsets = librosa.onset.onset_detect(
        onset_envelope=envelope, sr=ANALYSIS_RATE, hop_length=HOP, backtrack=True, units="time"
    )
    if len(onsets):
        nearest = onsets[np.abs(onsets[None, :] - times[:, None]).argmin(axis=1)]
        times = np.where(np.abs(nearest - times) <= SNAP_SECONDS, nearest, times)
    value = float(tempo.reshape(-1)[0]) if hasattr(tempo, "reshape") else float(tempo)
    return round(value, 2), [round(float(t), 4) for t in times]


def import_music(
    folder: ProjectFolder, source: Path, *, gain_db: float = -8.0, duck_db: float = 12.0, track: bool = True
) -> ImportedMusic:
    """Check `source`, copy it into media/music/ and track its beats (unless `track` is False);
    raises `AudioError` (nothing written) when it is not usable music."""
    source = Path(source)
    check_audio_file(source, suffixes=MUSIC_SUFFIXES, max_bytes=MAX_MUSIC_BYTES, what="music file")
    samples = decode_audio(source, rate=ANALYSIS_RATE)  # raises AudioError for a file that is not audio
    seconds = len(samples) / ANALYSIS_RATE
    if seconds < 1.0:
        raise AudioError(f"music file {source.name} is {seconds:.2f}s long; a music bed needs at least 1 second")
    if seconds > MAX_MUSIC_SECONDS:
        raise AudioError(f"music file {source.name} is {seconds / 60:.0f} minutes long; the limit is 3 hours")
    digest = _sha256(source)
    relative = f"{MUSIC_DIR}/{digest[:16]}{source.suffix.lower()}"
    target = folder.path(relative)
    if not target.is_file():
        copy_into(source, target)
    notes: list[str] = []
    tempo: float | None = None
    beats: list[float] | None = None
    try:
        if track:
            tempo, beats = track_beats(target)
            notes.append(f"tracked {len(beats)} beats at {tempo:.0f} BPM")
    except BeatsUnavailable as exc:
        notes.append(f"imported as a bed; {exc} and import it again to cut to the music")
    music = Music(
        path=relative, source=source.name[:500], seconds=round(seconds, 3), gain_db=gain_db, duck_db=duck_db,
        tempo=tempo, beats=beats,
    )  # fmt: skip
    return ImportedMusic(music, notes)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_into(source: Path, target: Path) -> None:
    """Copy a file into the project atomically (temp file in the same folder, fsync, rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

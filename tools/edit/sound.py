"""The reel's sound track: dialogue placed and spoken, the music bed ducked under it, one AAC
track of the reel's exact length (cached by what is in it), and the subtitles beside the reel."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from story import Project, ProjectFolder
from tools.edit.subtitles import SRT_PATH, write_srt
from tools.media.audio import AUDIO_DIR, RATE, encode_track, mix_reel, music_samples, reel_samples, sound_key
from tools.voice.lines import PlacedLine, place_lines

SOUND_VERSION = 1


@dataclass(frozen=True)
class ReelSound:
    """The sound track made for a reel, and the lines on it."""

    track: Path  # the AAC track (.m4a)
    subtitles: Path  # the .srt beside the reel
    lines: list[PlacedLine]  # every line of dialogue, the silent ones too (`PlacedLine.voiced`)
    samples: int  # its exact length in samples at RATE
    encoded: bool  # True when the track was encoded now, False when the cached one served

    @property
    def seconds(self) -> float:
        """Its length in seconds."""
        return self.samples / RATE


def build_sound(folder: ProjectFolder, project: Project, subtitles: Path | None = None) -> ReelSound:
    """Speak and place every line, mix them over the ducked music bed, encode (unless cached), and
    write the subtitles (cut/storyreel.srt unless `subtitles` names another file) with every line,
    voiced or not. Problems (a shot too short for its lines, a missing recording, a line no voice
    could speak) are added to `folder.warnings`; the reel is never lost over its sound."""
    length = reel_samples(project)
    lines = place_lines(folder, project)
    heard = [line for line in lines if line.voiced]  # a silent line is subtitled, not mixed or ducked under
    music = project.music.model_dump(mode="json") if project.music else None
    cues = [(line.start, hashlib.sha256(line.samples.tobytes()).hexdigest()[:16]) for line in heard]
    track = folder.root / AUDIO_DIR / f"{sound_key([SOUND_VERSION, RATE, length, cues, music])}.m4a"
    encoded = not track.is_file()
    if encoded:
        bed = music_samples(folder, project, length)
        gain, duck = (project.music.gain_db, project.music.duck_db) if project.music else (0.0, 0.0)
        encode_track(mix_reel(length, [line.cue for line in heard], bed, gain_db=gain, duck_db=duck), track)
    written = write_srt(lines, length, subtitles or folder.root / SRT_PATH)
    return ReelSound(track, written, lines, length, encoded)

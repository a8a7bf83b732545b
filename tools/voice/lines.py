"""Dialogue placed in time: every line spoken by its character's voice (or the person's own
recording) and laid at its moment in its shot.

Within a shot, lines follow one another in order: the first starts `LEAD_IN` seconds into the
shot, each next one `GAP` seconds after the one before ends. A shot whose lines run past its end
is reported with the seconds it needs; its lines still play (they spill into the next shot), so
the person hears the problem rather than losing words.

A line no voice could speak keeps its place and its time: it is laid as silence as long as its
voice would read it (`reading_seconds`), so its subtitle still shows and the lines after it keep
their moments.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from story import DialogueLine, Project, ProjectFolder, VoiceChoice
from tools.media.audio import RATE, AudioError, Cue, decode_audio, normalised, read_mix_wav, write_mix_wav
from tools.voice.base import SpeechRequest, Voice, VoiceError, get_voice
from tools.voice.casting import cast_voices

SCRATCH_DIR = "media/voice/scratch"
LEAD_IN = 0.25  # seconds into a shot before its first line
GAP = 0.30  # seconds between two lines of one shot
TAIL = 0.15  # seconds a shot should run on after its last line
SILENT = "silent"  # the source of a line no voice could speak
CHARACTERS_PER_WORD = 7.5  # a spoken word with its space and punctuation, as espeak-ng's words a minute count it
END_PAUSE = 0.4  # seconds espeak-ng leaves after a line


@dataclass(frozen=True)
class PlacedLine:
    """One line of dialogue at its place on the reel."""

    shot_number: int
    shot_id: str
    index: int  # 0-based position among the shot's lines
    speaker: str  # the character's name
    text: str
    start: int  # first sample on the reel
    samples: np.ndarray  # float32 mono at RATE (silence as long as the line when it is not voiced)
    source: str  # "recording", the voice backend's name, or SILENT when no voice could speak it

    @property
    def voiced(self) -> bool:
        """True when the line is heard (a recording or a voice spoke it)."""
        return self.source != SILENT

    @property
    def end(self) -> int:
        """The sample after the line's last."""
        return self.start + len(self.samples)

    @property
    def cue(self) -> Cue:
        """The line as a cue for the mix."""
        return Cue(self.start, self.samples)


def scratch_path(voice: Voice, choice: VoiceChoice, line: DialogueLine) -> str:
    """Where a generated line is cached: named by everything that changes its sound."""
    payload = [voice.name, voice.version, voice.options.model_dump(mode="json"), choice.model_dump(mode="json"),
               line.text, line.parenthetical]  # fmt: skip
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]
    return f"{SCRATCH_DIR}/{digest}.wav"


def shot_starts(project: Project) -> dict[str, int]:
    """The first frame of every shot on the reel (after the title card, when there is one)."""
    frame = project.style.title_card_frames if project.style.title_card else 0
    starts = {}
    for shot in project.shots:
        starts[shot.id] = frame
        frame += shot.duration_frames
    return starts


def line_audio(folder: ProjectFolder, project: Project, line: DialogueLine, choice: VoiceChoice,
               backends: dict[str, Voice]) -> tuple[np.ndarray, str]:  # fmt: skip
    """The samples of one line: its recording when it has one on disk, else its scratch voice."""
    if line.recording:
        path = folder.path(line.recording)
        if path.is_file():
            try:
                return normalised(decode_audio(path)[:, 0]), "recording"
            except AudioError as exc:
                folder.warnings.append(
                    f"the recording {line.recording} could not be used ({exc}); a scratch voice reads the line"
                )
        else:
            folder.warnings.append(f"the recording {line.recording} is missing; a scratch voice reads the line")
    if choice.backend not in backends:
        backends[choice.backend] = get_voice(choice.backend)
    voice = backends[choice.backend]
    return scratch_samples(voice, choice, line, folder.path(scratch_path(voice, choice, line))), voice.name


def scratch_samples(voice: Voice, choice: VoiceChoice, line: DialogueLine, path: Path) -> np.ndarray:
    """A line in its scratch voice, spoken into `path` unless it is there already; normalised mono samples."""
    cached = read_mix_wav(path) if path.is_file() else None
    if cached is None:
        spoken = path.with_name(f".{path.stem}.spoken.wav")
        try:
            voice.speak(SpeechRequest(text=line.text, voice=choice, output=spoken, parenthetical=line.parenthetical))
            # kept at the mixing rate, so the next assembly reads it without starting ffmpeg
            cached = read_mix_wav(write_mix_wav(decode_audio(spoken), path))
            assert cached is not None, "write_mix_wav writes what read_mix_wav reads"
        finally:
            spoken.unlink(missing_ok=True)
    return normalised(cached[:, 0])


def reading_seconds(text: str, choice: VoiceChoice) -> float:
    """How long the voice would take to say `text`: its words a minute, plus the pause after a line."""
    return END_PAUSE + len(text.strip()) * 60 / (CHARACTERS_PER_WORD * max(1, choice.speed))


_LETTER = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[A-Za-z']+")
_BREAK = re.compile(r"[,;:\u2014-]+")
_STOP = re.compile(r"[.!?]+(?=\s|$)")
_DIGIT = re.compile(r"\d")


def longest_reading_seconds(text: str) -> float:
    """At most how long any scratch voice takes to say `text`, for planning before voices are cast:
    measured on espeak-ng at the slowest speed casting gives (135 words a minute, whispered), from its
    letters, words, pauses (a comma, a full stop) and digits (read out as words), with a margin."""
    spoken = (
        0.07
        + 0.066 * len(_LETTER.findall(text))
        + 0.06 * len(_WORD.findall(text))
        + 0.33 * len(_BREAK.findall(text))
        + 0.55 * len(_STOP.findall(text))
        + 0.37 * len(_DIGIT.findall(text))
    )
    return 1.12 * spoken + 0.3


def room_for_lines(texts: list[str]) -> float:
    """Seconds a shot needs so that these lines, one after another, fit in it in any scratch voice."""
    if not texts:
        return 0.0
    return LEAD_IN + TAIL + GAP * (len(texts) - 1) + sum(longest_reading_seconds(text) for text in texts)


def place_lines(folder: ProjectFolder, project: Project) -> list[PlacedLine]:
    """Every line of the reel, placed, and spoken where a voice can; a line no voice could speak is
    placed silent (`PlacedLine.voiced` is False) for as long as its voice would read it, and the
    reasons are added to `folder.warnings`, once each. A shot too short for its lines adds a
    warning with its number and the seconds it needs."""
    voices = cast_voices(project)
    names = {c.id: c.name for c in project.characters}
    starts = shot_starts(project)
    backends: dict[str, Voice] = {}
    placed: list[PlacedLine] = []
    silent: dict[str, list[str]] = {}  # why -> the lines (shot.line) it silenced, reported once a reason
    for number, shot in enumerate(project.shots, 1):
        if not shot.dialogue:
            continue
        shot_start = starts[shot.id] * RATE // project.fps
        cursor = shot_start + int(LEAD_IN * RATE)
        for index, line in enumerate(shot.dialogue):
            try:
                samples, source = line_audio(folder, project, line, voices[line.speaker], backends)
            except (VoiceError, AudioError) as exc:
                silent.setdefault(str(exc), []).append(f"{shot.label}.{index + 1}")  # shot 2A line 1: 2A.1
                length = round(reading_seconds(line.text, voices[line.speaker]) * RATE)
                samples, source = np.zeros(length, dtype=np.float32), SILENT
            placed.append(
                PlacedLine(
                    number, shot.id, index, names.get(line.speaker, line.speaker), line.text, cursor, samples, source
                )  # fmt: skip
            )
            cursor += len(samples) + int(GAP * RATE)
        needed = (cursor - int(GAP * RATE) - shot_start) / RATE + TAIL
        have = shot.duration_frames / project.fps
        if needed > have + 1e-9:
            folder.warnings.append(
                f"shot {shot.label} is too short for its lines: they need {needed:.1f}s, the shot is {have:.1f}s"
            )
    for why, lines in silent.items():
        folder.warnings.append(f"{len(lines)} line{'s' if len(lines) > 1 else ''} ({', '.join(lines)}) silent: {why}")
    return placed


def needed_seconds(project: Project, scratch_dir: Path) -> dict[str, float]:
    """Seconds each shot with dialogue needs for its lines in their scratch voices, by shot id: what
    the too-short warning measures. Lines not spoken yet are spoken into `scratch_dir`."""
    voices = cast_voices(project)
    backends: dict[str, Voice] = {}
    needs: dict[str, float] = {}
    for shot in project.shots:
        if not shot.dialogue:
            continue
        total = LEAD_IN + TAIL + GAP * (len(shot.dialogue) - 1)
        for line in shot.dialogue:
            choice = voices[line.speaker]
            if choice.backend not in backends:
                backends[choice.backend] = get_voice(choice.backend)
            voice = backends[choice.backend]
            path = Path(scratch_dir) / Path(scratch_path(voice, choice, line)).name
            total += len(scratch_samples(voice, choice, line, path)) / RATE
        needs[shot.id] = total
    return needs


def recorded_name(shot_id: str, index: int, suffix: str, data: bytes) -> str:
    """The file name a person's recording of a line is kept under in media/voice/."""
    return f"{shot_id}-line{index + 1}-{hashlib.sha256(data).hexdigest()[:12]}{suffix.lower()}"


def recording_path(name: str) -> Path:
    """A recording's path relative to the project folder."""
    return Path("media/voice") / name

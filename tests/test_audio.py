"""The reel's sound: an AAC track of the reel's exact length, the music bed ducked under speech,
subtitles where the lines are heard, music import that refuses bad files, and cutting to the beat."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import srt
from listening import band_level, click_track, new_film, reel_audio, rms, talking_story, tone, write_wav
from probing import streams

from agent.offline import OfflineDirector
from story import Music, Project, ReplaceStory, SetMusic, Shot, Style
from tools.edit.music import BeatsUnavailable, import_music, track_beats
from tools.edit.retime import NoBeats, bounds, retime_to_beats
from tools.media.audio import RATE, duck_envelope
from tools.voice.lines import LEAD_IN, place_lines

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")


def silent(story: ReplaceStory) -> ReplaceStory:
    return story.model_copy(update={"shots": [s.model_copy(update={"dialogue": []}) for s in story.shots]})


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"COLUMNS": "200", "STORYREEL_MEMORY": "off"}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)], capture_output=True, text=True, cwd=REPO, env=env
    )


def test_a_reel_without_dialogue_or_music_still_has_an_aac_track_of_its_exact_length(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", silent(talking_story(title_card=True)))
    project, reel = production.project, production.folder.root / "cut" / "storyreel.mp4"
    found = streams(reel)
    assert found["audio"].codec == "aac" and found["video"].codec == "h264"
    seconds = project.total_frames() / project.fps
    assert float(found["video"].seconds) == pytest.approx(seconds, abs=1e-6)
    assert float(found["audio"].seconds) == pytest.approx(seconds, abs=1 / project.fps)
    assert rms(reel_audio(reel), 0, seconds) < 1e-4
    assert (production.folder.root / "cut" / "storyreel.srt").read_text() == ""


def test_music_is_ducked_under_speech_and_subtitles_match_the_lines(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", talking_story())
    # a 12 kHz bed: above everything espeak-ng says (it speaks at 22 kHz), so the bed can be measured under speech
    bed = write_wav(tmp_path / "bed.wav", tone(12_000, 8.0, rate=44_100, level=0.5))
    imported = import_music(production.folder, bed, gain_db=0.0, duck_db=12.0, track=False)
    result = production.apply([SetMusic(music=imported.music)], message="music")
    assert "music: none -> bed.wav (8.0s)" in result.changes
    root = production.folder.root
    sound = reel_audio(root / "cut" / "storyreel.mp4")
    spoken = 1.0 + LEAD_IN  # shot 2's line
    clear = band_level(sound, 0.1, 0.7, 12_000)
    under = band_level(sound, spoken + 0.2, spoken + 0.6, 12_000)
    assert clear > 0.05 and 0.15 * clear < under < 0.4 * clear  # 12 dB down is a quarter
    speech = band_level(sound, spoken, spoken + 0.4, 1_000, width=800)
    assert speech > 10 * band_level(sound, 0.1, 0.5, 1_000, width=800)  # and the voice is there

    subtitles = list(srt.parse((root / "cut" / "storyreel.srt").read_text()))
    placed = place_lines(production.folder, production.project)
    assert [s.content for s in subtitles] == [f"{p.speaker.upper()}: {p.text}" for p in placed]
    for subtitle, line in zip(subtitles, placed, strict=True):
        assert subtitle.start.total_seconds() == pytest.approx(line.start / RATE, abs=1e-3)
        assert subtitle.end.total_seconds() >= line.end / RATE - 1e-3
        assert rms(sound, line.start / RATE, line.start / RATE + 0.3) > 0.05
    assert subtitles[0].start.total_seconds() == pytest.approx(spoken, abs=1e-3)


def test_the_duck_envelope_dips_by_the_asked_decibels_inside_speech_only() -> None:
    gain = duck_envelope(RATE * 4, [(RATE, 2 * RATE)], 12.0)
    assert gain[: RATE // 2].min() == 1.0 and gain[3 * RATE :].min() == 1.0
    assert gain[RATE : 2 * RATE] == pytest.approx(10 ** (-12 / 20))
    assert np.all(np.diff(gain[RATE // 2 : RATE]) <= 0)  # a ramp down, not a click


def test_a_bad_music_file_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", silent(talking_story()))
    root = production.folder.root
    production.close()
    before = (root / "story.json").read_bytes()
    history = sorted(p.name for p in (root / "history").iterdir())
    fake = tmp_path / "song.mp3"
    fake.write_bytes(b"ID3 but not really an mp3" * 40)
    done = run_cli("music", root, fake)
    assert done.returncode == 2 and "song.mp3 is not an audio file ffmpeg can read" in done.stderr
    text = tmp_path / "notes.txt"
    text.write_text("la la la")
    done = run_cli("music", root, text)
    assert done.returncode == 2 and "has type '.txt'" in done.stderr
    done = run_cli("music", root, tmp_path / "missing.wav")
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert (root / "story.json").read_bytes() == before
    assert sorted(p.name for p in (root / "history").iterdir()) == history
    assert not (root / "media" / "music").exists()


def test_without_librosa_music_imports_as_a_bed_and_cutting_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "librosa", None)  # as if the beats extra were not installed
    clicks, _ = click_track(120, 4.0)
    path = write_wav(tmp_path / "clicks.wav", clicks)
    with pytest.raises(BeatsUnavailable, match=r"pip install 'storyreel\[beats\]'"):
        track_beats(path)
    production = new_film(tmp_path / "film", silent(talking_story()))
    imported = import_music(production.folder, path)
    assert imported.music.beats is None and "storyreel[beats]" in imported.notes[0]
    production.apply([SetMusic(music=imported.music)], message="music")
    reply = OfflineDirector().turn(production.project, "cut to the music").reply
    assert "beats were never tracked" in reply and "storyreel[beats]" in reply and "Nothing changed" in reply
    with pytest.raises(NoBeats, match="no music yet"):
        retime_to_beats(Project())


def beat_project(beats: list[float]) -> Project:
    durations = [46, 50, 70, 33, 61]
    shots = [Shot(id=f"s{n}", duration_frames=d) for n, d in enumerate(durations, 1)]
    music = Music(path="media/music/a.wav", seconds=30.0, tempo=120.0, beats=beats)
    style = Style(title_card=True, title_card_frames=12)
    return Project(style=style, shots=shots, music=music)


def test_the_director_cuts_to_given_beats_within_bounds() -> None:
    beats = [0.5 + k * 0.5 for k in range(50)]  # 120 BPM: a beat every 12 frames from frame 12
    project = beat_project(beats)
    direction = OfflineDirector().turn(project, "cut it to the music")
    assert direction.action == "edit" and "each shot within ±25%" in direction.reply
    from story import apply

    after = apply(project, direction.edits)
    start = 12
    for old, new in zip(project.shots, after.shots, strict=True):
        low, high = bounds(old.duration_frames)
        assert low <= new.duration_frames <= high
        start += new.duration_frames
        assert start % 12 == 0  # on a beat
    assert "shot 1: 1.92s -> 2.00s (kept within 1.46-2.38s)" in direction.reply


@pytest.mark.slow
def test_cut_to_the_music_lands_every_boundary_within_a_frame_of_a_beat(tmp_path: Path) -> None:
    pytest.importorskip("librosa")
    production = new_film(tmp_path / "film", silent(talking_story(title_card=True)))
    root = production.folder.root
    production.close()
    revisions = len(list((root / "history").glob("*.json")))
    before = Project.model_validate_json((root / "story.json").read_text())
    clicks, beats = click_track(120, 12.0, first=0.5)
    done = run_cli("music", root, write_wav(tmp_path / "clicks.wav", clicks), "--cut")
    assert done.returncode == 0, done.stderr
    assert "Cut to the music" in done.stdout and "kept within" in done.stdout
    after = Project.model_validate_json((root / "story.json").read_text())
    assert after.music is not None and len(after.music.beats or []) >= 20
    assert len(list((root / "history").glob("*.json"))) == revisions + 1  # music and retiming: one revision
    fps, boundary = after.fps, after.style.title_card_frames
    for old, new in zip(before.shots, after.shots, strict=True):
        low, high = bounds(old.duration_frames)
        assert low <= new.duration_frames <= high, (old.id, new.duration_frames)
        boundary += new.duration_frames
        nearest = min(beats, key=lambda b: abs(b - boundary / fps))
        assert abs(nearest - boundary / fps) <= 1 / fps + 1e-9, (old.id, boundary)
    reel = reel_audio(root / "cut" / "storyreel.mp4")
    assert len(reel) == pytest.approx(after.total_frames() * RATE / fps, abs=RATE / fps)


def test_undo_takes_the_music_away_again(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", silent(talking_story()))
    bed = write_wav(tmp_path / "bed.wav", tone(12_000, 8.0, level=0.5))
    production.apply([SetMusic(music=import_music(production.folder, bed, track=False).music)], message="music")
    reel = production.folder.root / "cut" / "storyreel.mp4"
    assert band_level(reel_audio(reel), 0.5, 1.5, 12_000) > 0.01
    result = production.undo()
    assert result.changes == ["undone: music: none -> bed.wav (8.0s)"]
    assert production.project.music is None and band_level(reel_audio(reel), 0.5, 1.5, 12_000) < 1e-4

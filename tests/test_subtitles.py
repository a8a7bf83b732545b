"""Subtitles always: cut/storyreel.srt and the burned-in subtitles come from the dialogue in the
story, whether or not a voice could speak each line; a silent line keeps its place and its time."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import srt
from listening import new_film, reel_audio, rms, talking_story
from probing import frames_rgb

from story import SetStyle
from tools.voice.lines import GAP, LEAD_IN, reading_seconds

LINES = ["MARA: Is anyone out there?", "TOMAS: Only the gulls.", "MARA: Then we wait."]


@pytest.fixture(autouse=True)
def _no_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")


@pytest.fixture
def no_voices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Voices made unavailable: the espeak-ng program asked for cannot be run."""
    program = tmp_path / "espeak-ng"
    program.write_text("not a program")
    os.chmod(program, 0o644)
    monkeypatch.setenv("STORYREEL_ESPEAK", str(program))


def subtitles_of(root: Path) -> list[srt.Subtitle]:
    return list(srt.parse((root / "cut" / "storyreel.srt").read_text()))


def test_without_voices_the_srt_has_every_line_at_its_time(tmp_path: Path, no_voices: None) -> None:
    production = new_film(tmp_path / "film", talking_story())
    root = production.folder.root
    found = subtitles_of(root)
    assert [s.content for s in found] == LINES
    tomas = production.project.character("tomas").voice
    assert tomas is not None
    # shot 2 starts at 1 s, shot 3 at 4 s; Mara's second line follows Tomas's as long as he would take
    expected = [1.0 + LEAD_IN, 4.0 + LEAD_IN, 4.0 + LEAD_IN + reading_seconds("Only the gulls.", tomas) + GAP]
    assert [s.start.total_seconds() for s in found] == pytest.approx(expected, abs=1e-3)
    assert all(s.end > s.start for s in found) and found[1].end <= found[2].start
    assert rms(reel_audio(root / "cut" / "storyreel.mp4"), 0, 9) < 1e-4  # silent, as it says


def test_silent_lines_keep_the_times_their_voices_give_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    voiced = subtitles_of(new_film(tmp_path / "voiced", talking_story()).folder.root)
    monkeypatch.setenv("STORYREEL_ESPEAK", str(tmp_path / "no-espeak-here"))
    silent = subtitles_of(new_film(tmp_path / "silent", talking_story()).folder.root)
    assert [s.content for s in silent] == [s.content for s in voiced] == LINES
    for quiet, heard in zip(silent, voiced, strict=True):
        assert quiet.start.total_seconds() == pytest.approx(heard.start.total_seconds(), abs=0.25)
        assert quiet.end.total_seconds() == pytest.approx(heard.end.total_seconds(), abs=0.5)


def test_without_voices_burned_in_subtitles_still_show(tmp_path: Path, no_voices: None) -> None:
    production = new_film(tmp_path / "film", talking_story())
    reel = production.folder.root / "cut" / "storyreel.mp4"
    plain = frames_rgb(reel)
    production.apply([SetStyle(changes={"burn_subtitles": True})], message="burn them in")
    burned = frames_rgb(reel)
    assert len(burned) == len(plain) == production.project.total_frames()

    def change(frame: int) -> float:
        return float(
            np.abs(np.frombuffer(burned[frame], np.uint8).astype(int) - np.frombuffer(plain[frame], np.uint8)).mean()
        )

    assert change(24 + 12) > 1  # half a second into shot 2, while Mara's line shows
    assert change(5) < 1  # shot 1 has no lines

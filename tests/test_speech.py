"""A voice: recordings become words through an OpenAI-compatible transcription API (agent/speech.py).

The server is real HTTP on 127.0.0.1 (tests/llm_server.py) and the client the real `openai` SDK: the
recording's bytes are read back on the server. The studio's microphone is in test_studio_voice.py."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from llm_server import ChatServer, error, tool_call

from agent.speech import DEFAULT_MODEL, NEEDS_ENDPOINT, SpeechError, transcribe

REPO = Path(__file__).resolve().parent.parent
PLAN = {
    "bible": {"title": "Night Ferry", "logline": "A boy crosses the bay alone to find his sister.", "genre": "drama"},
    "characters": [{"id": "ivo", "name": "Ivo", "description": "a boy of ten in a green raincoat"}],
    "locations": [{"id": "ferry", "name": "the ferry deck", "description": "a rusty deck at night"}],
    "shots": [
        {"size": "EWS", "action": "The ferry leaves the quay.", "location": "ferry", "duration_frames": 24},
        {"size": "MCU", "action": "Ivo grips the rail.", "characters": ["ivo"], "location": "ferry",
         "duration_frames": 24},
    ],
}  # fmt: skip


def recording(path: Path, seconds: float = 0.5) -> Path:
    """A short mono 16 kHz WAV: a falling tone, as a stand-in for a voice."""
    rate = 16_000
    t = np.arange(int(rate * seconds)) / rate
    samples = (0.3 * np.sin(2 * np.pi * (220 - 80 * t) * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with ChatServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.delenv("STORYREEL_TRANSCRIBE_MODEL", raising=False)
        yield server


def test_a_recording_becomes_the_words_spoken_through_the_endpoint(endpoint: ChatServer, tmp_path: Path) -> None:
    memo = recording(tmp_path / "memo.wav")
    endpoint.transcripts.append("  Make shot two a close-up.\n")
    heard = transcribe(memo)
    assert heard.text == "Make shot two a close-up." and heard.source == "memo.wav"
    (sent,) = endpoint.recordings
    assert sent["bytes"] == memo.read_bytes(), "the recording goes as it is, unconverted"
    assert sent["filename"] == "memo.wav" and sent["model"] == DEFAULT_MODEL == heard.model


def test_the_transcription_model_is_a_setting(
    endpoint: ChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "director.json"
    config.write_text(json.dumps({"transcribe_model": "whisper-large-v3"}))
    monkeypatch.setenv("STORYREEL_CONFIG", str(config))
    endpoint.transcripts += ["one", "two"]
    transcribe(recording(tmp_path / "a.wav"))
    monkeypatch.setenv("STORYREEL_TRANSCRIBE_MODEL", "tiny.en")
    transcribe(recording(tmp_path / "a.wav"))
    assert [r["model"] for r in endpoint.recordings] == ["whisper-large-v3", "tiny.en"]


def test_without_an_endpoint_the_message_names_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(SpeechError) as caught:
        transcribe(recording(tmp_path / "a.wav"))
    assert str(caught.value) == NEEDS_ENDPOINT and "OPENAI_BASE_URL" in NEEDS_ENDPOINT
    assert not caught.value.machine


def test_a_server_down_a_refusal_and_silence_are_each_one_line(
    endpoint: ChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memo = recording(tmp_path / "memo.wav")
    endpoint.transcripts += [error(400), "   \n", error(404)]
    with pytest.raises(SpeechError, match=r"answered 400: scripted$") as refused:
        transcribe(memo)
    assert not refused.value.machine
    with pytest.raises(SpeechError, match="no words were heard in 'memo.wav'"):
        transcribe(memo)
    with pytest.raises(SpeechError, match=r"answered 404: scripted; does it offer /audio/transcriptions"):
        transcribe(memo)

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed}/v1")
    monkeypatch.setenv("STORYREEL_RETRIES", "0")
    with pytest.raises(SpeechError, match=f"127.0.0.1:{closed}/v1 cannot be reached") as down:
        transcribe(memo)
    assert down.value.machine and "\n" not in str(down.value)


def test_a_file_the_api_cannot_take_is_refused_before_sending(endpoint: ChatServer, tmp_path: Path) -> None:
    notes = tmp_path / "brief.txt"
    notes.write_text("words")
    with pytest.raises(SpeechError, match="not a recording"):
        transcribe(notes)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(SpeechError, match="is empty"):
        transcribe(empty)
    assert endpoint.recordings == []


def _storyreel(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "STORYREEL_"))}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=base | {"STORYREEL_MEMORY": "off", "COLUMNS": "80"} | env,
        timeout=300,
        check=False,
    )


def test_storyreel_new_takes_a_voice_memo_as_the_brief(tmp_path: Path) -> None:
    memo = recording(tmp_path / "memo.wav")
    spoken = "Ivo, ten, crosses the bay alone on the night ferry to find his sister."
    with ChatServer() as server:
        server.transcripts.append(spoken)
        server.queue += [tool_call("create_story", PLAN)]
        done = _storyreel("new", tmp_path / "ferry", "--brief-audio", memo, env={"OPENAI_BASE_URL": server.url})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"Heard in memo.wav: {spoken}"
    assert server.recordings[0]["bytes"] == memo.read_bytes()
    assert spoken in server.requests[0]["messages"][-1]["content"], "the words heard are the brief planned"
    assert json.loads((tmp_path / "ferry" / "story.json").read_text())["bible"]["title"] == "Night Ferry"


def test_storyreel_new_from_a_memo_it_cannot_hear_says_so_in_one_line_and_makes_nothing(tmp_path: Path) -> None:
    memo = recording(tmp_path / "memo.wav")
    done = _storyreel("new", tmp_path / "a", "--brief-audio", memo, env={})
    assert (done.returncode, done.stderr.strip()) == (2, f"error: {NEEDS_ENDPOINT}")
    with ChatServer() as server:
        server.transcripts += [error(503)] * 3  # the first and both retries
        done = _storyreel("new", tmp_path / "b", "--brief-audio", memo, env={"OPENAI_BASE_URL": server.url})
    assert done.returncode == 1 and done.stderr.strip().startswith("failed: the transcription server at ")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    done = _storyreel("new", tmp_path / "c", "--brief", "x", "--brief-audio", memo, env={})
    assert done.returncode == 2 and "--brief-audio FILE" in done.stderr

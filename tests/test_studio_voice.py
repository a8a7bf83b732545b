"""The studio's voice over real HTTP on 127.0.0.1 (gradio_client): an instruction spoken into the
microphone is heard through the local transcription server (tests/llm_server.py, the real openai SDK)
and said as if typed; a spoken brief fills the brief box; without an endpoint, or when the server
fails, one line says why and nothing changes. What a person sees in Chromium is in
test_studio_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from llm_server import ChatServer, error, text, tool_call
from studio_app import running_studio, story
from test_speech import recording

from agent.speech import NEEDS_ENDPOINT

BRIEF = "Title: Dock\n\nAt dawn Mara walks to the dock.\nMara looks out to sea.\nA boat drifts in."


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("OPENAI_BASE_URL", raising=False)
        with running_studio(tmp_path_factory) as running:
            yield running


def test_without_an_endpoint_the_studio_says_which_setting_speaking_needs(
    studio: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gradio_client import Client, handle_file

    from ui.studio.speaking import voice_note

    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    url, _ = studio
    client = Client(url, verbose=False)
    memo = recording(tmp_path / "memo.wav")
    for api in ("/say_aloud", "/hear_brief"):
        with pytest.raises(Exception, match="OPENAI_BASE_URL") as caught:
            client.predict(handle_file(str(memo)), api_name=api)
        assert NEEDS_ENDPOINT in str(caught.value)
    assert "OPENAI_BASE_URL" in voice_note() and "\n" not in voice_note()
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert voice_note() == ""


def test_a_spoken_instruction_is_heard_and_said_as_if_typed(
    studio: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gradio_client import Client, handle_file

    url, root = studio
    client = Client(url, verbose=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    client.predict("dock", BRIEF, None, api_name="/new_project")  # planned offline
    film = root / "dock"
    before = story(film)
    memo = recording(tmp_path / "memo.wav")
    spoken = "Make shot 2 a close-up."
    with ChatServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("STORYREEL_MODEL", "m")
        server.transcripts.append(spoken)
        server.queue += [tool_call("update_shot", {"shot": 2, "size": "CU"}), text("Shot 2 is a close-up now.")]
        shown = client.predict(handle_file(str(memo)), api_name="/say_aloud")
    assert server.recordings[0]["bytes"] == memo.read_bytes()
    asked = [m["content"] for m in server.requests[0]["messages"] if m["role"] == "user"]
    assert spoken in asked[-1], "the model hears the words as if they were typed"
    chat = shown[1]
    user = [m for m in chat if m["role"] == "user"]
    assert user[-1]["content"] == [{"text": spoken, "type": "text"}], "the words heard show as the person's message"
    after = story(film)
    assert after["shots"][1]["size"] == "CU" and after["revision"] == before["revision"] + 1


def test_a_failed_hearing_is_one_line_and_changes_nothing(
    studio: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gradio_client import Client, handle_file

    url, root = studio
    client = Client(url, verbose=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    client.predict("quay", BRIEF, None, api_name="/new_project")
    film = root / "quay"
    before = story(film)["revision"]
    memo = recording(tmp_path / "memo.wav")
    with ChatServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("STORYREEL_RETRIES", "0")
        server.transcripts += [error(500), "  ", "A lighthouse keeper who is afraid of the dark."]
        with pytest.raises(Exception, match="answered 500") as failed:
            client.predict(handle_file(str(memo)), api_name="/say_aloud")
        assert "\n" not in str(failed.value).strip()
        with pytest.raises(Exception, match="no words were heard"):
            client.predict(handle_file(str(memo)), api_name="/say_aloud")
        assert server.requests == [], "nothing reached the director"
        assert story(film)["revision"] == before
        assert client.predict(handle_file(str(memo)), api_name="/hear_brief") == (
            "A lighthouse keeper who is afraid of the dark."
        )

"""A recorded instruction in real Chromium: the fake microphone plays a WAV file, the studio's
microphone records it, the local transcription server (tests/llm_server.py) hears it through the real
openai SDK, and the words are said as if typed. Without Chromium the module is skipped with one line;
CI, which has Debian's Chromium, runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_server import ChatServer, text, tool_call
from studio_app import ARTIFACTS, BROWSER_ARGS, CHROMIUM, offline_studio, skip_without_chromium, story
from test_speech import recording

skip_without_chromium()

BRIEF = "Title: Dock\n\nAt dawn Mara walks to the dock.\nMara looks out to sea.\nA boat drifts in."


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with offline_studio(tmp_path_factory) as running:
        yield running


@pytest.mark.slow
def test_a_recorded_instruction_is_transcribed_through_the_local_server_and_applied(
    studio: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gradio_client import Client
    from playwright.sync_api import sync_playwright

    url, root = studio
    Client(url, verbose=False).predict("dock", BRIEF, None, api_name="/new_project")  # planned offline
    film = root / "dock"
    before = story(film)
    voice = recording(tmp_path / "voice.wav", seconds=4.0)
    spoken = "Make shot 2 a close-up."
    artifacts = ARTIFACTS / "studio"
    artifacts.mkdir(parents=True, exist_ok=True)
    fake_microphone = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={voice}",
    ]
    with ChatServer() as server, sync_playwright() as playwright:
        page_before = None
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS + fake_microphone
        )
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, permissions=["microphone"])
        page = context.new_page()
        page.goto(url)
        page_before = page.locator("#voice-note").inner_text()
        page.get_by_label("Open a project").click()  # its choices come with the page's first event
        page.get_by_role("option", name="dock", exact=True).click()
        page.get_by_role("button", name="Open", exact=True).click()
        page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Opened')", timeout=90_000)
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)  # the endpoint comes now: the project opened offline
        monkeypatch.setenv("STORYREEL_MODEL", "m")
        server.transcripts.append(spoken)
        server.queue += [tool_call("update_shot", {"shot": 2, "size": "CU"}), text("Shot 2 is a close-up now.")]
        page.locator("#speak").get_by_role("button", name="Record", exact=True).click()
        page.wait_for_timeout(2_000)
        page.locator("#speak").locator(".stop-button:visible").first.click()
        page.wait_for_function(
            "t => document.querySelector('#chat').innerText.includes(t)", arg="Rendered shot", timeout=120_000
        )
        page.screenshot(path=str(artifacts / "voice-instruction.png"), full_page=True)
        chat = page.locator("#chat").inner_text()
        browser.close()
    assert "OPENAI_BASE_URL" in page_before, "without an endpoint the studio says which setting speaking needs"
    (sent,) = server.recordings
    assert len(sent["bytes"]) > 44 and sent["bytes"][:4] in (b"RIFF", b"\x1aE\xdf\xa3", b"OggS")
    assert spoken in chat, "the words heard show in the chat as the person's message"
    said = [[m["content"] for m in r["messages"] if m["role"] == "user"][-1] for r in server.requests]
    assert spoken in said[0], "the model hears the words as if they were typed"
    after = story(film)
    assert after["shots"][1]["size"] == "CU" and after["revision"] == before["revision"] + 1

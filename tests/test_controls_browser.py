"""Controls made for the task, as a person sees them: Debian's Chromium driven by Playwright against the
studio in this process. A proposed control is moved and the story changes as its words would have changed
it. Screenshots go to test-artifacts/controls/ (or $STORYREEL_TEST_ARTIFACTS); without Chromium the module
is skipped with one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from studio_app import ARTIFACTS, BROWSER_ARGS, CHROMIUM, running_studio, skip_without_chromium

skip_without_chromium()

KITCHEN = (
    "Title: Kitchen Light\n\nAt night Mara sits with Tom in the kitchen.\n"
    '"You came back," Tom says.\n"Only for tonight," Mara says.\nTom pours the tea.\n'
)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with running_studio(tmp_path_factory) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.slow
def test_a_proposed_control_moved_changes_the_story_as_its_words_would(
    browser: object, studio: tuple[str, Path]
) -> None:
    from agent.offline import OfflineDirector
    from agent.offline.controls import offline_controls
    from story import ProjectFolder, apply

    url, root = studio
    artifacts = ARTIFACTS / "controls"
    artifacts.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport={"width": 1440, "height": 1100}).new_page()
    page.goto(url)
    page.get_by_label("New project from a brief").fill(KITCHEN)
    page.get_by_label("Project name").fill("kitchen")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Planned')", timeout=90_000)
    page.wait_for_function("() => document.querySelectorAll('#storyboard img').length === 4", timeout=60_000)
    # No shot selected: the controls are for the film's look.
    page.wait_for_function(
        "() => document.querySelector('#task-controls-note').innerText.includes('the look of the whole film')",
        timeout=30_000,
    )

    # Select shot 2, a line of the dialogue: the controls are made for a dialogue scene.
    page.locator("#storyboard img").nth(1).click()
    page.wait_for_function(
        "() => document.querySelector('#task-controls-note').innerText.includes('a dialogue scene')", timeout=30_000
    )
    favoured = page.locator("#task-control-2")
    assert "Who is favoured in shot 2" in favoured.inner_text()
    assert "Pace of scene 1" in page.locator("#task-control-1").inner_text()
    page.locator("#task-controls").first.screenshot(path=str(artifacts / "controls-dialogue.png"))
    page.screenshot(path=str(artifacts / "controls-page.png"), full_page=True)

    folder = ProjectFolder.open(root / "kitchen")
    before = folder.load()
    control = next(c for c in offline_controls(before, "s2").controls if c.name == "Who is favoured in shot 2")
    words = next(o.command for o in control.options if o.label == "Mara")
    expected = apply(before, OfflineDirector().turn(before, words).edits)
    assert expected.shot("s2") != before.shot("s2")

    favoured.get_by_text("Mara", exact=True).click()  # moving the control says its words in the chat
    page.wait_for_function("t => document.querySelector('#chat').innerText.includes(t)", arg=words, timeout=30_000)
    page.wait_for_function("() => document.querySelector('#storyboard').innerText.includes('#2 · MCU')", timeout=60_000)
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Done')", timeout=60_000)
    after = ProjectFolder.open(root / "kitchen").load()
    assert after.revision == before.revision + 1
    assert [s.model_copy(update={"takes": []}) for s in after.shots] == [
        s.model_copy(update={"takes": []}) for s in expected.shots
    ]
    assert folder.revisions()[-1].message == words  # in the history as the words said
    page.locator("#task-controls").first.screenshot(path=str(artifacts / "controls-moved.png"))

    page.get_by_role("button", name="↶ Undo").click()  # and undone like them
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Undid')", timeout=60_000)
    assert ProjectFolder.open(root / "kitchen").load().shot("s2").characters == before.shot("s2").characters

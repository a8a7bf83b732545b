"""What a person sees in the studio: Debian's Chromium driven by Playwright against the studio
running in this process. Screenshots go to test-artifacts/studio/ (or $STORYREEL_TEST_ARTIFACTS)
and the folder is printed. Without Chromium the module is skipped with one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from studio_app import (
    ARTIFACTS,
    BROWSER_ARGS,
    CHROMIUM,
    LIGHTHOUSE,
    ORCHARD,
    running_studio,
    skip_without_chromium,
    story,
)

skip_without_chromium()


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The studio on a free port over an empty projects folder: (url, projects folder)."""
    with running_studio(tmp_path_factory) as running:
        yield running


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = ARTIFACTS / "studio"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nstudio screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium to run the studio's browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


def create_project(page: object, url: str, name: str, brief: str) -> None:
    page.goto(url)
    page.get_by_label("New project from a brief").fill(brief)
    page.get_by_label("Project name").fill(name)
    page.get_by_role("button", name="Create project").click()


def wait_for_reel(page: object, shots: int) -> None:
    """The storyboard has a panel per shot and the player holds a reel that loads and has a length."""
    page.wait_for_function("n => document.querySelectorAll('#storyboard img').length === n", arg=shots, timeout=60_000)
    page.wait_for_function(
        "() => { const v = document.querySelector('#player video');"
        " return v && v.src && v.readyState >= 1 && v.duration > 0; }",
        timeout=30_000,
    )


def chat_text(page: object) -> str:
    return page.locator("#chat").inner_text()


def wait_chat(page: object, text: str) -> None:
    page.wait_for_function("t => document.querySelector('#chat').innerText.includes(t)", arg=text, timeout=60_000)


@pytest.mark.slow
def test_a_person_directs_a_reel_in_the_browser(browser: object, studio: tuple[str, Path], artifacts: Path) -> None:
    url, root = studio
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    create_project(page, url, "lighthouse", LIGHTHOUSE)
    project = root / "lighthouse"
    page.wait_for_function(  # the render shows in the chat while it happens, before the reply
        "() => { const t = document.querySelector('#chat').innerText;"
        " return /rendering \\d+ of \\d+ shots/.test(t) && !t.includes('Planned'); }",
        timeout=30_000,
    )
    wait_chat(page, "Planned")
    shots = story(project)["shots"]
    wait_for_reel(page, len(shots))
    duration = page.evaluate("() => document.querySelector('#player video').duration")
    assert abs(duration - story(project)["cut"]["frames"] / 24) < 0.2
    page.screenshot(path=str(artifacts / "1-new-project.png"), full_page=True)

    # Select shot 2 on the storyboard and make it a close-up with the controls.
    page.locator("#storyboard img").nth(1).click()
    page.wait_for_function("() => document.body.innerText.includes('Shot 2')", timeout=10_000)
    size = page.get_by_label("Size")
    size.click()
    page.get_by_role("option", name="CU · close-up", exact=True).click()
    page.get_by_role("button", name="Apply to shot").click()
    wait_chat(page, "shot 2: size")
    assert story(project)["shots"][1]["size"] == "CU"
    page.wait_for_function("() => document.querySelector('#storyboard').innerText.includes('#2 · CU')")
    page.screenshot(path=str(artifacts / "2-shot-2-close-up.png"), full_page=True)

    # Say it.
    before = story(project)["shots"][-1]["duration_frames"]
    page.locator("#message textarea").fill("make the last shot longer")
    page.locator("#message textarea").press("Enter")
    wait_chat(page, "duration")
    assert story(project)["shots"][-1]["duration_frames"] > before
    wait_for_reel(page, len(shots))
    page.screenshot(path=str(artifacts / "3-last-shot-longer.png"), full_page=True)

    # Undo it.
    page.get_by_role("button", name="↶ Undo").click()
    wait_chat(page, "Undid")
    assert story(project)["shots"][-1]["duration_frames"] == before
    assert story(project)["shots"][1]["size"] == "CU"
    page.screenshot(path=str(artifacts / "4-undone.png"), full_page=True)
    page.screenshot(path=str(artifacts / "studio-viewport.png"))
    context.close()


@pytest.mark.slow
def test_two_people_on_two_projects_stay_apart(browser: object, studio: tuple[str, Path], artifacts: Path) -> None:
    url, root = studio
    first = browser.new_context(viewport={"width": 1280, "height": 900})
    second = browser.new_context(viewport={"width": 1280, "height": 900})
    ana, ben = first.new_page(), second.new_page()
    create_project(ana, url, "ana-film", LIGHTHOUSE)
    create_project(ben, url, "ben-film", ORCHARD)  # both render at once
    wait_chat(ana, "Planned")
    wait_chat(ben, "Planned")
    ana_shots, ben_shots = story(root / "ana-film")["shots"], story(root / "ben-film")["shots"]
    wait_for_reel(ana, len(ana_shots))
    wait_for_reel(ben, len(ben_shots))

    # Each edits their own project at the same time, one by the controls and one by words.
    ana.locator("#storyboard img").nth(0).click()
    ana.wait_for_function("() => document.body.innerText.includes('Shot 1')")
    ana.get_by_label("Size").click()
    ana.get_by_role("option", name="ECU · extreme close-up", exact=True).click()
    ana.get_by_role("button", name="Apply to shot").click()
    ben.locator("#message textarea").fill("make shot 1 a wide shot")
    ben.locator("#message textarea").press("Enter")
    wait_chat(ana, "shot 1: size")
    wait_chat(ben, "shot 1: size")

    assert story(root / "ana-film")["shots"][0]["size"] == "ECU"
    assert story(root / "ben-film")["shots"][0]["size"] == "WS"
    ana_page, ben_page = ana.locator("body").inner_text(), ben.locator("body").inner_text()
    assert "The Keeper's Light" in ana_page and "Orchard" not in ana_page and "wide shot" not in chat_text(ana)
    assert "The Orchard Thief" in ben_page and "Keeper" not in ben_page and "ana-film" not in chat_text(ben)
    ana_reel = ana.evaluate("() => document.querySelector('#player video').src")
    ben_reel = ben.evaluate("() => document.querySelector('#player video').src")
    assert ana_reel != ben_reel
    ana.screenshot(path=str(artifacts / "isolation-ana.png"))
    ben.screenshot(path=str(artifacts / "isolation-ben.png"))

    # A reloaded page is a new session: nothing of anyone's is open in it.
    ana.reload()
    ana.wait_for_function("() => document.body.innerText.includes('No project open')")
    first.close()
    second.close()


HARBOUR = (
    "Title: Low Water\n\n"
    "At dawn Ines rows out of the harbour.\n"
    "Her brother Tomas runs along the sea wall.\n"
    "The fog rolls over the fishing boats.\n"
    '"Come back," Tomas shouts.\n'
    "Ines pulls the nets from the water.\n"
    "A gull lands on the bow.\n"
    "At noon Ines rows home through the rain.\n"
)


@pytest.mark.slow
def test_the_first_shot_plays_while_later_ones_render(
    browser: object, studio: tuple[str, Path], artifacts: Path
) -> None:
    url, root = studio
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    create_project(page, url, "harbour-live", HARBOUR)
    # every panel's still shows before the first shot is rendered
    page.wait_for_function(
        "() => { const imgs = [...document.querySelectorAll('#live .live-stills img')];"
        " return imgs.length > 3 && imgs.every(i => i.complete && i.naturalWidth > 0); }",
        timeout=60_000,
    )
    stills = page.locator("#live .live-stills img").count()
    # the first take plays while the status says later shots are still rendering
    page.wait_for_function(
        "() => { const v = document.querySelector('#live video');"
        " const m = /Playing shot \\S+ · (\\d+) of (\\d+) shots rendered/.exec("
        "document.querySelector('#live .live-status').textContent);"
        " return v && v.offsetHeight > 0 && !v.paused && v.currentTime > 0 && m && +m[1] < +m[2]; }",
        timeout=60_000,
    )
    status = page.locator("#live .live-status").inner_text()
    playing = page.evaluate("() => document.querySelector('#live video').src")
    page.screenshot(path=str(artifacts / "live-playing-while-rendering.png"), full_page=True)
    wait_chat(page, "Planned")
    shots = story(root / "harbour-live")["shots"]
    assert stills == len(shots)
    first = shots[0]["takes"][-1]["path"]
    assert status.startswith("Playing shot 1 ·"), status
    assert playing.endswith(".mp4") and "gradio_api/file=" in playing
    assert Path(first).suffix == ".mp4"
    # the player moves on through the takes and finishes with all of them
    page.wait_for_function(
        "n => document.querySelector('#live .live-status').textContent.includes(`Played all ${n} shots`)",
        arg=len(shots),
        timeout=120_000,
    )
    context.close()

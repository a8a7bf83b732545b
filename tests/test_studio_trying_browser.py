"""Trying things in the studio, as a person sees them in Debian's Chromium through Playwright: three versions
of a shot side by side and the second kept (then undone), a surprise on a branch and dropped in one word, a
branch named, compared with main, switched to and back. One studio, one page and one small project serve the
three, in order. Screenshots go to test-artifacts/trying/ (or $STORYREEL_TEST_ARTIFACTS); without Chromium
the module is skipped with one line."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from studio_app import ARTIFACTS, BROWSER_ARGS, CHROMIUM, offline_studio, skip_without_chromium, story

skip_without_chromium()

BRIEF = "Title: Pier\n\nAt dawn Ines walks to the end of the pier.\nInes watches a gull.\nA ferry passes."
CHAT = "() => document.querySelector('#chat').innerText"


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with offline_studio(tmp_path_factory) as running:
        yield running


@pytest.fixture(scope="module")
def page(studio: tuple[str, Path]) -> Iterator[object]:
    """The studio in Chromium with the project open and its versions panel unfolded."""
    from gradio_client import Client
    from playwright.sync_api import sync_playwright

    url, _ = studio
    Client(url, verbose=False).predict("pier", BRIEF, None, api_name="/new_project")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        shown = browser.new_context(viewport={"width": 1440, "height": 1100}).new_page()
        shown.goto(url)
        shown.get_by_label("Open a project").click()  # its choices come with the page's first event
        shown.get_by_role("option", name="pier", exact=True).click()
        shown.get_by_role("button", name="Open", exact=True).click()
        shown.wait_for_function(f"() => ({CHAT})().includes('Opened')", timeout=90_000)
        shown.get_by_text("Versions and branches").click()
        yield shown
        browser.close()


def artifacts() -> Path:
    folder = ARTIFACTS / "trying"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def say(page: object, words: str, answer: str) -> None:
    """Type `words` to the director and wait until the chat shows `answer` once more than before."""
    before = page.evaluate(f"() => ({CHAT})().split({json.dumps(answer)}).length")
    page.locator("#message textarea").fill(words)
    page.locator("#message textarea").press("Enter")
    page.wait_for_function(
        f"() => ({CHAT})().split({json.dumps(answer)}).length > {before}",
        timeout=90_000,
    )


def revised(film: Path, than: int) -> dict:
    """story.json once its revision is no longer `than` (the chat may show a step before the revision lands)."""
    deadline = time.monotonic() + 30
    while (now := story(film))["revision"] == than and time.monotonic() < deadline:
        time.sleep(0.1)
    return now


def content(project: dict) -> dict:
    """A project as story.json holds it, less its revision number."""
    return {key: value for key, value in project.items() if key != "revision"}


def branches(film: Path) -> dict:
    return json.loads((film / "history" / "branches.json").read_text())


@pytest.mark.slow
def test_three_versions_side_by_side_and_the_second_kept_then_undone(page: object, studio: tuple[str, Path]) -> None:
    film = studio[1] / "pier"
    say(page, "give me three versions of shot 2", "3 versions of shot 2")
    page.wait_for_function("() => document.querySelectorAll('#version input[type=radio]').length === 3")
    labels = page.locator("#version label").all_inner_texts()
    assert [label[:3] for label in labels] == ["A: ", "B: ", "C: "], labels
    differs = [label[3:].strip() for label in labels]
    assert all(differs) and len(set(differs)) == 3, differs  # each says what differs, and they differ
    # the shot now and the three versions, side by side in one video and on one sheet
    page.wait_for_function(
        "() => { const v = document.querySelector('#versions-video video');"
        " return v && v.readyState >= 2 && v.videoWidth === 4 * 320; }",
        timeout=60_000,
    )
    page.wait_for_function(
        "() => { const i = document.querySelector('#versions-sheet img'); return i && i.naturalWidth > 4 * 288; }",
        timeout=30_000,
    )
    page.locator("#versions").scroll_into_view_if_needed()
    top, bottom = page.locator("#versions").bounding_box(), page.locator("#version").bounding_box()
    view = {
        "x": top["x"],
        "y": top["y"],
        "width": top["width"],
        "height": bottom["y"] + bottom["height"] - top["y"] + 8,
    }
    page.screenshot(path=str(artifacts() / "variations-side-by-side.png"), clip=view)

    before = story(film)
    offered = before["shots"][1]["metadata"]["offered"]["variants"]
    assert [v["label"] for v in offered] == ["A", "B", "C"]
    changes = offered[1]["changes"]
    assert any(before["shots"][1][field] != value for field, value in changes.items())
    page.locator("#version label").nth(1).click()
    page.get_by_role("button", name="Keep this version").click()
    page.wait_for_function(f"() => ({CHAT})().includes('kept B of')", timeout=90_000)
    # the versions panel is drawn again once the turn has ended, with nothing chosen
    page.wait_for_function("() => !document.querySelector('#version input:checked')", timeout=90_000)
    kept = revised(film, before["revision"])
    assert kept["revision"] == before["revision"] + 1
    assert {field: kept["shots"][1][field] for field in changes} == changes

    page.get_by_role("button", name="↶ Undo").click()
    page.wait_for_function(f"() => ({CHAT})().includes('Undid')", timeout=90_000)
    undone = revised(film, kept["revision"])["shots"][1]
    assert {field: undone[field] for field in changes} == {field: before["shots"][1][field] for field in changes}


@pytest.mark.slow
def test_a_surprise_lands_on_a_branch_with_its_reason_and_is_dropped_in_one_word(
    page: object, studio: tuple[str, Path]
) -> None:
    from story import ProjectFolder
    from story.branches import project_at

    film = studio[1] / "pier"
    before = story(film)
    page.get_by_role("button", name="Surprise me").click()
    page.wait_for_function(f"() => ({CHAT})().includes('Surprise, on branch')", timeout=90_000)
    said = page.locator("#chat").inner_text()
    reason = said[said.rindex("Surprise, on branch") :].split("\n")[0]
    name = reason.split("'")[1]
    assert len(reason) > len(f"Surprise, on branch '{name}': ") + 10, reason  # a line saying why
    state = branches(film)
    assert state["current"] == name and state["notes"][name]
    main = project_at(ProjectFolder.open(film), state["tips"]["main"])
    assert content(main.model_dump(mode="json", by_alias=True)) == content(before)  # main is as it was
    assert content(story(film)) != content(before)  # the branch has the change
    page.wait_for_function(
        f"() => document.querySelector('#differences').innerText.includes({json.dumps(name + ' against main')})"
    )

    say(page, "drop it", "Dropped")
    page.wait_for_function("() => document.querySelector('#differences').innerText.trim() === ''", timeout=90_000)
    assert content(story(film)) == content(before)
    state = branches(film)
    assert state["current"] == "main" and name not in state["tips"]


@pytest.mark.slow
def test_a_branch_named_compared_switched_to_and_back_shows_its_version(page: object, studio: tuple[str, Path]) -> None:
    film = studio[1] / "pier"
    dawn = story(film)["shots"][0]["time_of_day"]
    page.get_by_label("Name this version").fill("night")
    page.get_by_role("button", name="Name it").click()
    page.wait_for_function(f"() => ({CHAT})().includes(\"now branch 'night'\")", timeout=90_000)
    differs = "() => document.querySelector('#differences').innerText"
    page.wait_for_function(f"() => ({differs})().includes('night against main: the same')", timeout=90_000)
    page.locator("#message textarea").fill("make shot 1 night")
    page.locator("#message textarea").press("Enter")
    page.wait_for_function(f"() => /night against main: .*shot 1: time_of_day/.test(({differs})())", timeout=90_000)
    assert story(film)["shots"][0]["time_of_day"] == "night"
    page.get_by_role("button", name="Compare side by side").click()  # main against the branch you are on
    page.wait_for_function(
        "() => [...document.querySelectorAll('#branch-a video, #branch-b video')].filter(v => v.readyState >= 2)"
        ".length === 2 && document.querySelector('#compare-said').innerText.includes('night against main')",
        timeout=60_000,
    )

    def switch(name: str) -> None:
        answer = f"Switched to {name!r}."
        before = page.evaluate(f"() => ({CHAT})().split({json.dumps(answer)}).length")
        page.get_by_label("Branch", exact=True).click()
        page.get_by_role("option", name=name, exact=True).click()
        page.get_by_role("button", name="Switch to it").click()
        page.wait_for_function(f"() => ({CHAT})().split({json.dumps(answer)}).length > {before}", timeout=90_000)
        on_main = "=== ''" if name == "main" else f".includes('{name} against main')"
        page.wait_for_function(f"() => ({differs})().trim(){on_main}", timeout=90_000)  # the turn has ended

    first_panel = "() => document.querySelector('#storyboard img').getAttribute('src')"
    night_panel = page.evaluate(first_panel)
    switch("main")
    assert story(film)["shots"][0]["time_of_day"] == dawn and branches(film)["current"] == "main"
    page.wait_for_function(f"() => ({first_panel})() !== {json.dumps(night_panel)}", timeout=30_000)
    switch("night")
    assert story(film)["shots"][0]["time_of_day"] == "night" and branches(film)["current"] == "night"
    page.wait_for_function(f"() => ({differs})().includes('night against main')", timeout=30_000)
    page.wait_for_function(f"() => ({first_panel})() === {json.dumps(night_panel)}", timeout=30_000)
    switch("main")
    assert story(film)["shots"][0]["time_of_day"] == dawn

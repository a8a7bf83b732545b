"""Shared fixtures: every test runs in its own temporary home, and can build a small valid project."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from story import Bible, Character, DialogueLine, Location, Project, Shot, ShotSize, Style, Transition


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give the test its own HOME and XDG folders and run it from tmp_path, so nothing leaks between tests.

    The home sits beside tmp_path, not in it, so tests that expect an empty tmp_path still get one.
    """
    home = tmp_path_factory.mktemp("home")
    for name, folder in (("HOME", home), ("XDG_DATA_HOME", home / ".local/share"), ("XDG_CACHE_HOME", home / ".cache")):
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    monkeypatch.chdir(tmp_path)
    return home


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker per core, at most 4. Each worker holds a torch, a chromadb and a browser
    of its own, and many tests start ffmpeg, so more workers than that only queue on the cores."""
    return max(1, min(len(os.sched_getaffinity(0)), 4))


_OURS = ("STORYREEL_", "OPENAI_")  # the settings the product reads from the environment
_SESSION_ENV = {k: v for k, v in os.environ.items() if k.startswith(_OURS)}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    """When a test file's last test is torn down (its module fixtures with it), the product's settings
    in the environment must be as the session found them: a fixture that set one (say
    STORYREEL_MEMORY=off) and left it would change how every later file's tests run."""
    yield
    if nextitem is not None and nextitem.module is item.module:
        return
    now = {k: v for k, v in os.environ.items() if k.startswith(_OURS)}
    if now != _SESSION_ENV:
        changed = sorted(k for k in now.keys() | _SESSION_ENV.keys() if now.get(k) != _SESSION_ENV.get(k))
        for key in changed:  # put them back, so one leak fails one file, not every later one
            if key in _SESSION_ENV:
                os.environ[key] = _SESSION_ENV[key]
            else:
                os.environ.pop(key, None)
        pytest.fail(f"{item.module.__name__} left {', '.join(changed)} changed in the environment; use monkeypatch")


def small_project(**overrides: object) -> Project:
    """A small valid project: 2 characters, 2 locations, 5 shots (title card on, 24 fps)."""
    characters = [
        Character(id="mara", name="Mara", description="a tall woman in a red coat", traits={"coat": "red"}),
        Character(id="tom", name="Tom", description="an old fisherman with a grey beard"),
    ]
    locations = [
        Location(id="harbour", name="the harbour", description="a fishing harbour at low tide"),
        Location(id="kitchen", name="the kitchen", interior=True, description="a narrow kitchen"),
    ]
    shots = [
        Shot(id="s1", action="Boats rock in the harbour.", location="harbour", size=ShotSize.EWS, duration_frames=72),
        Shot(
            id="s2",
            action="Mara walks along the quay.",
            characters=["mara"],
            positions={"mara": 0.3},
            location="harbour",
            size=ShotSize.WS,
            duration_frames=96,
        ),
        Shot(
            id="s3",
            action="Tom looks up from his nets.",
            characters=["tom"],
            location="harbour",
            size=ShotSize.MCU,
            dialogue=[DialogueLine(speaker="tom", text="You came back.", parenthetical="quietly")],
            duration_frames=48,
        ),
        Shot(
            id="s4",
            action="Mara and Tom sit at the table.",
            characters=["mara", "tom"],
            positions={"mara": 0.25, "tom": 0.75},
            location="kitchen",
            size=ShotSize.MS,
            transition=Transition.DISSOLVE,
            duration_frames=120,
        ),
        Shot(id="s5", action="The kettle boils.", location="kitchen", size=ShotSize.ECU, duration_frames=30),
    ]
    fields: dict[str, object] = {
        "bible": Bible(title="Low Tide", logline="A daughter comes home to a father who never left."),
        "style": Style(width=640, height=360),
        "characters": characters,
        "locations": locations,
        "shots": shots,
        "next_shot": 6,
    }
    return Project.model_validate(fields | overrides)


@pytest.fixture
def make_project() -> Callable[..., Project]:
    """Factory for `small_project`; keyword arguments replace top-level project fields."""
    return small_project

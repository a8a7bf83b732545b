"""Stopping a render stops that render only, and a local render runs on one pool.

Two projects render at once in two threads (as two studio sessions do); hosted shots wait on a
local server that speaks Runway's protocol (tests/hosted_servers.py), driven by the real SDK.
"""

from __future__ import annotations

import concurrent.futures
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hosted_servers import RunwayAPI
from scripted import small_story

from story import Project, ProjectFolder, SetBackend, apply
from tools.render.base import RenderStopped, Stop
from tools.render.engine import RenderReport, render_shots
from tools.render.executors import LocalExecutor

pytest.importorskip("runwayml")
RUNWAY_KEY = "key_" + "5c1e08" * 8
FAST = {"poll_first": 0.01, "poll_most": 0.04, "timeout": 10}


@pytest.fixture
def runway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunwayAPI]:
    monkeypatch.setenv("RUNWAYML_API_SECRET", RUNWAY_KEY)
    server = RunwayAPI(folder=tmp_path).start()
    yield server
    server.stop()


def film(root: Path, word: str, backend: str = "animatic", options: dict[str, object] | None = None) -> ProjectFolder:
    """A two-shot project whose every action says `word` (the server stalls prompts by word)."""
    story = small_story(width=128, height=72, shots=2)
    project = apply(Project(), [story, SetBackend(backend=backend, options=options or {})])
    shots = [shot.model_copy(update={"action": f"{shot.action}, {word}"}) for shot in project.shots]
    return ProjectFolder.create(root, project.model_copy(update={"shots": shots}))


class Render(threading.Thread):
    """`render_shots` in its own thread, keeping what it returned or raised."""

    def __init__(self, folder: ProjectFolder, **options: object) -> None:
        super().__init__(daemon=True)
        self.folder, self.options = folder, options
        self.report: RenderReport | None = None
        self.raised: BaseException | None = None

    def run(self) -> None:
        try:
            self.report = render_shots(self.folder, self.folder.load(), **self.options)  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - Ctrl-C and a stop are what these tests look at
            self.raised = exc


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def polled(runway: RunwayAPI, word: str) -> list[str]:
    """Ids of the tasks whose prompt says `word` and that were asked about at least once."""
    with runway.lock:
        return [task_id for task_id, task in runway.tasks.items() if word in task["prompt"] and task["polls"]]


def test_ctrl_c_in_one_render_leaves_another_render_finishing_every_take(tmp_path: Path, runway: RunwayAPI) -> None:
    hosted = film(tmp_path / "hosted", "anchor", "runway", {"base_url": runway.url, **FAST})
    drawn = film(tmp_path / "drawn", "lantern")
    runway.stall_words = {"anchor"}
    other = Render(hosted, workers=2)
    other.start()
    wait_until(lambda: len(polled(runway, "anchor")) == 2)  # both its shots wait on the server

    def ctrl_c(label: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    interrupted = Render(drawn, workers=2, progress=ctrl_c)
    interrupted.start()
    interrupted.join(60)
    assert isinstance(interrupted.raised, KeyboardInterrupt)
    time.sleep(0.5)  # many polls of the other render's tasks: a shared stop would be seen by now
    runway.stall_words = set()
    other.join(60)
    assert other.raised is None and other.report is not None
    assert other.report.rendered == [1, 2] and other.report.failed == {}
    assert runway.cancelled == []


def test_a_stopped_render_cancels_its_own_tasks_and_no_one_elses(tmp_path: Path, runway: RunwayAPI) -> None:
    options = {"base_url": runway.url, **FAST}
    stopped_film = film(tmp_path / "a", "lantern", "runway", options)
    other_film = film(tmp_path / "b", "anchor", "runway", options)
    runway.stall_words = {"lantern", "anchor"}
    stop = Stop()
    stopped, other = Render(stopped_film, workers=2, stop=stop), Render(other_film, workers=2)
    stopped.start()
    other.start()
    wait_until(lambda: len(polled(runway, "lantern")) == 2 and len(polled(runway, "anchor")) == 2)
    stop.set()  # the studio's stop for one session
    stopped.join(30)
    assert isinstance(stopped.raised, RenderStopped)
    assert sorted(runway.cancelled) == sorted(polled(runway, "lantern")), "its tasks cancelled at the vendor"
    assert list(stopped_film.root.glob("media/shots/*/*.mp4")) == [], "a stopped shot is not a failed one"
    runway.stall_words = set()
    other.join(60)
    assert other.raised is None and other.report is not None
    assert other.report.rendered == [1, 2] and other.report.failed == {}
    assert not set(runway.cancelled) & set(polled(runway, "anchor"))


def test_a_stop_set_before_the_render_starts_no_shot(tmp_path: Path) -> None:
    folder = film(tmp_path / "film", "lantern")
    stop = Stop()
    stop.set()
    with pytest.raises(RenderStopped):
        render_shots(folder, folder.load(), stop=stop)
    assert list(folder.root.glob("media/shots/*/*.mp4")) == []


@pytest.mark.parametrize("executor", [None, LocalExecutor(2)], ids=["default", "LocalExecutor given"])
def test_a_local_render_builds_one_thread_pool_the_executors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, executor: LocalExecutor | None
) -> None:
    built: list[str] = []
    build = concurrent.futures.ThreadPoolExecutor.__init__

    def counted(pool: concurrent.futures.ThreadPoolExecutor, *args: object, **kwargs: object) -> None:
        built.append(Path(sys._getframe(1).f_code.co_filename).name)  # who built it
        build(pool, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures.ThreadPoolExecutor, "__init__", counted)
    folder = film(tmp_path / "film", "lantern")
    report = render_shots(folder, folder.load(), workers=2, executor=executor)
    assert report.rendered == [1, 2]
    assert built == ["executors.py"]

"""Hosted backends driven through the real `runwayml` and `openai` SDKs against local servers on 127.0.0.1
that speak the same protocols: references, polling, retries, deadlines, cancellation, downloads, keys,
failures that stay local, and the budget."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hosted_servers import OpenAIAPI, RunwayAPI, image_parts
from probing import frames_rgb, probe
from scripted import ScriptedDirector, small_story

from agent.production import Production
from story import Project, ProjectFolder, SetBackend, SetBudget, ShotChanges, UpdateShot, apply
from tools.consistency import STYLE_REFERENCE
from tools.render.base import RenderError, RenderRequest, Stop, get_renderer
from tools.render.budget import BudgetExceeded, spent

pytest.importorskip("runwayml")
REPO = Path(__file__).resolve().parent.parent
RUNWAY_KEY = "key_" + "7f3a9c" * 8
OPENAI_KEY = "sk-test-" + "b41d2e" * 8
FAST = {"poll_first": 0.01, "poll_most": 0.04, "timeout": 10}


@pytest.fixture
def runway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunwayAPI]:
    monkeypatch.setenv("RUNWAYML_API_SECRET", RUNWAY_KEY)
    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    server = RunwayAPI(folder=tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def openai_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIAPI]:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    server = OpenAIAPI(folder=tmp_path).start()
    yield server
    server.stop()


def runway_options(server: RunwayAPI, **more: object) -> dict[str, object]:
    return {"base_url": server.url, **FAST, **more}


def film(root: Path, backend: str, options: dict[str, object], *extra: object) -> tuple[Production, object]:
    plan = [small_story(width=128, height=72, shots=3), SetBackend(backend=backend, options=options), *extra]
    return Production.new(root, "a brief", director=ScriptedDirector(story=plan))  # type: ignore[arg-type]


def files_holding(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def request_for(project: Project, output: Path, shot: int = 1, stop: Stop | None = None) -> RenderRequest:
    chosen = project.shots[shot - 1]
    return RenderRequest(
        project=project, shot=chosen, number=shot, output=output, seed=chosen.seed, stop=stop or Stop()
    )


def test_runway_renders_the_reel_with_reference_images_and_polling(
    tmp_path: Path, runway: RunwayAPI, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    production, result = film(tmp_path / "film", "runway", runway_options(runway))
    assert result.failed == {}, result.failed  # type: ignore[attr-defined]
    project = production.project
    root = production.folder.root
    assert probe(root / "cut" / "storyreel.mp4").frames == project.total_frames()

    images = runway.paths("POST", r"^/v1/text_to_image$")
    assert len(images) == 3
    first = next(r.json() for r in images if "beat 1" in r.json()["promptText"])  # shots render two at a time
    assert first["model"] == "gen4_image" and first["seed"] == project.shots[0].seed
    tags = [ref["tag"] for ref in first["referenceImages"]]
    assert tags == ["Mara", "style"], "the shot's character sheet, then the style's"
    assert all(ref["uri"].startswith("data:image/png;base64,") for ref in first["referenceImages"])
    assert "@Mara" in first["promptText"]
    videos = runway.paths("POST", r"^/v1/image_to_video$")
    assert len(videos) == 3 and videos[0].json()["promptImage"].startswith("data:image/png;base64,")
    assert videos[0].json()["duration"] == 2, "a 0.6 s shot asks for Runway's shortest clip"
    assert len(runway.paths("GET", r"^/v1/tasks/")) >= 6 * 2, "each task polled until it finished"
    assert images[0].headers["authorization"] == f"Bearer {RUNWAY_KEY}"

    for shot in project.shots:
        take = shot.takes[-1]
        assert take.backend == "runway" and take.cost == pytest.approx((8 + 10) * 0.01)
        assert (root / take.path).is_file() and probe(root / take.path).frames == shot.duration_frames
        assert (root / take.path).with_name(Path(take.path).stem + ".source.mp4").is_file(), "the download is kept"
    assert spent(production.folder) == pytest.approx(3 * 0.18)

    assert files_holding(root, RUNWAY_KEY) == [], "the key is never written into the project"
    assert RUNWAY_KEY not in caplog.text
    out, err = capfd.readouterr()
    assert RUNWAY_KEY not in out + err


def test_a_failing_shot_leaves_its_placeholder_and_a_retry_renders_only_it(tmp_path: Path, runway: RunwayAPI) -> None:
    runway.fail_words = {"beat 2"}
    production, result = film(tmp_path / "film", "runway", runway_options(runway))
    assert list(result.failed) == [2]  # type: ignore[attr-defined]
    assert "the prompt was refused" in result.failed[2]  # type: ignore[attr-defined]
    project = production.project
    failed = project.shots[1].takes[-1]
    assert failed.failed and failed.path.endswith(".failed.mp4")
    assert probe(production.folder.root / "cut" / "storyreel.mp4").frames == project.total_frames()

    runway.fail_words.clear()
    before = len(runway.paths("POST", r"^/v1/"))
    retry = production.render()
    assert retry.rendered == [2] and retry.failed == {}
    assert len(runway.paths("POST", r"^/v1/")) - before == 2, "one keyframe and one clip, for shot 2 only"
    assert not production.project.shots[1].takes[-1].failed


def test_runway_retries_a_500_and_cancels_a_task_past_its_deadline(tmp_path: Path, runway: RunwayAPI) -> None:
    project = apply(Project(), small_story(width=128, height=72, shots=2))
    runway.errors_first = 1
    backend = get_renderer("runway", runway_options(runway, video_model=None))
    result = backend.render(request_for(project, tmp_path / "one.mp4"))
    assert result.frames == project.shots[0].duration_frames
    assert len(runway.paths("POST", r"^/v1/text_to_image$")) == 2, "the SDK retried the 500"

    runway.stall_words = {"beat 2"}
    slow = get_renderer("runway", runway_options(runway, deadline=0.3))
    started = time.monotonic()
    with pytest.raises(RenderError, match="did not finish within 0.3s; it was cancelled"):
        slow.render(request_for(project, tmp_path / "two.mp4", shot=2))
    assert time.monotonic() - started < 5
    assert len(runway.cancelled) == 1 and runway.paths("DELETE", r"^/v1/tasks/")
    assert not (tmp_path / "two.mp4").exists()


def test_a_request_that_times_out_is_retried_then_reported(tmp_path: Path, runway: RunwayAPI) -> None:
    project = apply(Project(), small_story(width=128, height=72, shots=1))
    runway.slow_first, runway.slowness = 1, 1.5
    patient = get_renderer("runway", runway_options(runway, timeout=0.5, retries=1, video_model=None))
    assert patient.render(request_for(project, tmp_path / "one.mp4")).frames == project.shots[0].duration_frames
    assert len(runway.paths("POST", r"^/v1/text_to_image$")) == 2, "the timed-out request was sent again"

    runway.slow_first = 5
    hasty = get_renderer("runway", runway_options(runway, timeout=0.5, retries=0))
    with pytest.raises(RenderError, match=r"^Runway: APITimeoutError"):
        hasty.render(request_for(project, tmp_path / "two.mp4"))


def test_a_stopped_render_cancels_the_remote_task(tmp_path: Path, runway: RunwayAPI) -> None:
    project = apply(Project(), small_story(width=128, height=72, shots=1))
    runway.stall_words = {"beat 1"}
    backend = get_renderer("runway", runway_options(runway))
    errors: list[BaseException] = []
    stop = Stop()

    def render() -> None:
        try:
            backend.render(request_for(project, tmp_path / "take.mp4", stop=stop))
        except RenderError as exc:
            errors.append(exc)

    worker = threading.Thread(target=render)
    worker.start()
    deadline = time.monotonic() + 10
    while not runway.paths("GET", r"^/v1/tasks/") and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    worker.join(10)
    assert not worker.is_alive()
    assert errors and "the render was stopped" in str(errors[0])
    assert runway.cancelled == ["task-1"]


def test_without_a_key_the_shot_fails_with_a_clear_message(
    tmp_path: Path, runway: RunwayAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUNWAYML_API_SECRET")
    production, result = film(tmp_path / "film", "runway", runway_options(runway))
    assert set(result.failed) == {1, 2, 3}  # type: ignore[attr-defined]
    assert "needs RUNWAYML_API_SECRET set in the environment" in result.failed[1]  # type: ignore[attr-defined]
    assert runway.seen == []
    assert probe(production.folder.root / "cut" / "storyreel.mp4").frames == production.project.total_frames()


def test_one_shot_renders_with_runway_while_the_rest_stay_animatic(tmp_path: Path, runway: RunwayAPI) -> None:
    plan = [small_story(width=128, height=72, shots=3), SetBackend(backend="runway", options=runway_options(runway))]
    plan.append(SetBackend(backend="animatic"))
    plan.append(UpdateShot(shot_id="s2", changes=ShotChanges(backend="runway")))
    production, result = Production.new(tmp_path / "film", "brief", director=ScriptedDirector(story=plan))  # type: ignore[arg-type]
    assert [s.takes[-1].backend for s in production.project.shots] == ["animatic", "runway", "animatic"]
    assert len(runway.paths("POST", r"^/v1/text_to_image$")) == 1


def test_openai_keyframes_from_the_reference_sheets_then_its_video_api(
    tmp_path: Path, openai_api: OpenAIAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    options = {"base_url": f"{openai_api.url}/v1", **FAST}
    project = apply(Project(), small_story(width=128, height=72, shots=2))
    refs = tmp_path / "refs"
    refs.mkdir()
    sheets = {"mara": refs / "mara.png", "tomas": refs / "tomas.png", STYLE_REFERENCE: refs / "style.png"}
    from hosted_servers import png_bytes

    for path in sheets.values():
        path.write_bytes(png_bytes())
    shot = project.shots[1]  # Mara and Tomas
    request = RenderRequest(
        project=project, shot=shot, number=2, output=tmp_path / "still.mp4", references=sheets, seed=shot.seed
    )
    still = get_renderer("openai", options).render(request)
    assert still.frames == shot.duration_frames and still.cost == pytest.approx(0.06)
    edits = openai_api.paths("POST", r"^/v1/images/edits$")
    assert len(edits) == 1 and image_parts(edits[0].body) == 3, "both characters' sheets and the style's"
    assert edits[0].headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert len(set(frames_rgb(tmp_path / "still.mp4"))) > 1, "the camera moves over the keyframe"

    moving = get_renderer("openai", options | {"video_model": "sora-2", "use_references": False})
    clip = moving.render(RenderRequest(project=project, shot=shot, number=2, output=tmp_path / "clip.mp4", seed=1))
    assert clip.frames == shot.duration_frames and clip.cost == pytest.approx(0.06 + 0.10 * 4)
    assert openai_api.paths("POST", r"^/v1/images/generations$"), "no references: plain generation"
    assert len(openai_api.paths("GET", r"^/v1/videos/task-1$")) >= 2, "the video job is polled"
    assert openai_api.paths("GET", r"^/v1/videos/task-1/content$")
    assert probe(tmp_path / "clip.mp4").frames == shot.duration_frames
    assert OPENAI_KEY not in caplog.text and files_holding(tmp_path, OPENAI_KEY) == []


def test_openai_refusal_is_one_line_and_leaves_a_placeholder(tmp_path: Path, openai_api: OpenAIAPI) -> None:
    openai_api.fail_words = {"beat 3"}
    options = {"base_url": f"{openai_api.url}/v1", **FAST}
    production, result = film(tmp_path / "film", "openai", options)
    assert list(result.failed) == [3]  # type: ignore[attr-defined]
    assert result.failed[3].startswith("OpenAI: HTTP 400")  # type: ignore[attr-defined]
    assert "\n" not in result.failed[3]  # type: ignore[attr-defined]
    assert probe(production.folder.root / "cut" / "storyreel.mp4").frames == production.project.total_frames()


def test_a_render_over_budget_stops_before_spending(tmp_path: Path, runway: RunwayAPI) -> None:
    root = tmp_path / "film"
    plan = [small_story(width=128, height=72, shots=3), SetBudget(budget=0.30)]
    production, _ = Production.new(root, "brief", director=ScriptedDirector(story=plan))  # type: ignore[arg-type]
    before = production.project

    turn = production.apply([SetBackend(backend="runway", options=runway_options(runway))], message="use runway")
    assert turn.reply.startswith("Nothing changed:") and "would cost about $0.54" in turn.reply
    assert "$0.30" in turn.reply and runway.seen == []
    assert production.project.revision == before.revision

    folder = ProjectFolder.open(root)
    folder.commit([SetBackend(backend="runway", options=runway_options(runway))], message="by hand")
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "render", str(root)],
        capture_output=True, text=True, cwd=REPO, env=os.environ | {"COLUMNS": "300"},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "would cost about $0.54" in done.stderr and "Traceback" not in done.stderr
    assert runway.seen == [] and spent(folder) == 0
    with pytest.raises(BudgetExceeded):
        production.render()

    folder.commit([SetBudget(budget=1.0)], message="more money")
    assert production.render().failed == {}
    assert spent(folder) == pytest.approx(0.54)
    shown = subprocess.run(
        [sys.executable, "-m", "ui.cli", "budget", str(root)], capture_output=True, text=True, cwd=REPO
    )  # fmt: skip
    assert "Spent $0.54 on renders (budget $1.00, $0.46 left)." in shown.stdout


def test_polling_backs_off_to_its_cap() -> None:
    from tools.render.hosted import tasks

    class Clock(Stop):  # a stop that is never set and records how long each poll waited
        waits: list[float] = []

        def wait(self, delay: float) -> bool:
            self.waits.append(delay)
            return False

    clock = Clock()
    answers = iter(["RUNNING"] * 6 + ["SUCCEEDED"])
    options = tasks.HostedOptions(poll_first=1, poll_most=5)
    state = tasks.wait_for(
        lambda: next(answers), lambda s: s == "SUCCEEDED", what="t", options=options, cancel=list, stop=clock
    )
    assert state == "SUCCEEDED" and clock.waits == [1, 2, 4, 5, 5, 5]


@pytest.mark.slow
@pytest.mark.parametrize("shots", [1, 2], ids=["one shot in the main thread", "two shots on the pool"])
def test_ctrl_c_on_the_cli_cancels_the_tasks_on_the_vendor_side(tmp_path: Path, runway: RunwayAPI, shots: int) -> None:
    import signal

    runway.stall_words = {"beat"}
    root = tmp_path / "film"
    project = apply(Project(), [small_story(width=128, height=72, shots=shots), SetBackend(backend="runway",
                                options=runway_options(runway, poll_most=0.1))])  # fmt: skip
    ProjectFolder.create(root, project)
    # A person's shell delivers Ctrl-C; a test run started in the background has SIGINT ignored,
    # which the child would inherit, so it gets the default disposition back.
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "render", str(root)],
        cwd=REPO, env=os.environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len({s.path for s in runway.paths("GET", r"^/v1/tasks/")}) < shots and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "stopped" in err and "Traceback" not in err
    assert sorted(runway.cancelled) == [f"task-{n}" for n in range(1, shots + 1)], "cancelled at Runway"
    assert spent(ProjectFolder.open(root)) == 0

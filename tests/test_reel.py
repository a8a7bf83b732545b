"""Rendering what changed and assembling the reel, with real ffmpeg (checked by ffprobe)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from probing import frames_rgb, probe
from scripted import ScriptedDirector, small_story

from agent.graph import say
from agent.production import Production
from agent.state import TurnPlan
from story import ProjectFolder, ShotChanges, UpdateShot, dump_project
from tools.render.base import Renderer, RenderError, RenderRequest, get_renderer, known_renderers, register


def open_production(root: Path, **story_options: object) -> tuple[Production, ScriptedDirector]:
    director = ScriptedDirector(story=[small_story(**story_options)])  # type: ignore[arg-type]
    production, _ = Production.new(root, "a brief", director=director)
    return production, director


def test_reel_frames_are_the_title_card_plus_every_shot(tmp_path: Path) -> None:
    production, _ = open_production(tmp_path / "film")
    project = production.project
    facts = probe(production.folder.root / "cut" / "storyreel.mp4")
    assert (facts.codec, facts.pix_fmt, facts.width, facts.height, facts.fps) == ("h264", "yuv420p", 320, 180, 24)
    assert facts.frames == 10 + sum(s.duration_frames for s in project.shots) == project.total_frames()
    assert project.cut is not None and project.cut.frames == facts.frames


def test_reel_is_faststart(tmp_path: Path) -> None:
    production, _ = open_production(tmp_path / "film")
    head = (production.folder.root / "cut" / "storyreel.mp4").read_bytes()
    assert 0 <= head.find(b"moov") < head.find(b"mdat"), "the moov atom must come first for streaming"


def test_title_card_can_be_turned_off(tmp_path: Path) -> None:
    production, _ = open_production(tmp_path / "film", title_card=False)
    project = production.project
    assert probe(production.folder.root / "cut" / "storyreel.mp4").frames == sum(
        s.duration_frames for s in project.shots
    )


def test_an_edit_renders_only_its_shot_and_keeps_old_takes(tmp_path: Path) -> None:
    production, director = open_production(tmp_path / "film")
    before = production.project
    old_take = production.folder.root / before.shots[1].takes[-1].path
    director.enqueue(TurnPlan(edits=[UpdateShot(shot_id="s2", changes=ShotChanges(size="CU"))], reply="ok"))
    result = say(production, "make shot 2 a close-up")
    assert result.rendered == [2]
    assert result.changes == ["shot 2: size MS -> CU"]
    after = production.project
    assert [s.takes for s in after.shots][0] == before.shots[0].takes
    assert old_take.is_file(), "an edit never deletes a take"
    assert probe(result.reel).frames == after.total_frames()  # type: ignore[arg-type]
    assert production.render().rendered == [], "nothing is stale after an edit's render"


def test_undo_restores_story_json_exactly_without_rendering(tmp_path: Path) -> None:
    production, director = open_production(tmp_path / "film")
    saved = production.folder.story_path.read_bytes()
    director.enqueue(TurnPlan(edits=[UpdateShot(shot_id="s1", changes=ShotChanges(angle="low"))], reply="ok"))
    say(production, "low angle on shot 1")
    assert production.folder.story_path.read_bytes() != saved
    undone = production.undo()
    assert undone.rendered == []
    assert production.folder.story_path.read_bytes() == saved
    redone = production.redo()
    assert redone.rendered == [] and production.project.shots[0].angle == "low"


def test_reel_pictures_follow_the_edit(tmp_path: Path) -> None:
    production, director = open_production(tmp_path / "film", title_card=False)
    first = frames_rgb(production.folder.root / "cut" / "storyreel.mp4")
    director.enqueue(TurnPlan(edits=[UpdateShot(shot_id="s1", changes=ShotChanges(size="ECU"))], reply="ok"))
    say(production, "extreme close-up on shot 1")
    second = frames_rgb(production.folder.root / "cut" / "storyreel.mp4")
    n1 = production.project.shots[0].duration_frames
    assert first[:n1] != second[:n1]
    assert first[n1:] == second[n1:], "shots that did not change keep their exact pictures"


class Flaky(Renderer):
    """Fails on shots whose action mentions 'storm'; otherwise draws like the animatic."""

    name = "flaky-test"
    calls: list[str] = []

    def render(self, request: RenderRequest) -> int:
        Flaky.calls.append(request.shot.id)
        if "storm" in request.shot.action:
            raise RenderError(f"backend refused shot {request.number}: out of credits")
        return get_renderer("animatic").render(request)


def test_a_failed_shot_becomes_a_placeholder_and_only_it_retries(tmp_path: Path) -> None:
    register(Flaky)
    production, director = open_production(tmp_path / "film")
    director.enqueue(
        TurnPlan(
            edits=[
                UpdateShot(shot_id="s2", changes=ShotChanges(action="the storm hits", backend="flaky-test")),
                UpdateShot(shot_id="s3", changes=ShotChanges(backend="flaky-test")),
            ],
            reply="ok",
        )
    )
    Flaky.calls.clear()
    result = say(production, "use the flaky backend")
    assert sorted(Flaky.calls) == ["s2", "s3"]
    assert list(result.failed) == [2] and "out of credits" in result.failed[2]
    take = production.project.shots[1].takes[-1]
    assert take.failed and "out of credits" in take.error and take.path.endswith(".failed.mp4")
    assert probe(result.reel).frames == production.project.total_frames()  # type: ignore[arg-type]
    Flaky.calls.clear()
    retry = production.render()
    assert Flaky.calls == ["s2"], "a later render retries only the failed shot"
    assert list(retry.failed) == [2]


def test_unknown_renderer_lists_the_known_ones() -> None:
    with pytest.raises(RenderError, match="unknown renderer 'nope'; known: .*animatic"):
        get_renderer("nope")
    assert "animatic" in known_renderers()


def test_a_killed_render_resumes_with_the_shots_already_done(tmp_path: Path) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, _planned(tmp_path))
    script = textwrap.dedent(
        f"""
        import sys; sys.path[:0] = {[str(Path(__file__).parent), str(Path.cwd())]!r}
        from agent.production import Production
        Production.open({str(root)!r}).render()
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).resolve().parent.parent)
    shots = root / "media" / "shots"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(shots.glob("*/*.mp4"))) < 2:
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    done = {p.parent.name for p in shots.glob("*/*.mp4")}
    assert done, "the child should have finished at least one take before it was killed"
    assert not list(shots.glob("*/*.tmp")), "no half-written take is left under a take's name"
    project = folder.load()
    result = Production.open(root).render()
    rendered_ids = {project.shots[n - 1].id for n in result.rendered}
    assert rendered_ids.isdisjoint(done), "shots finished before the kill are not rendered again"
    assert probe(result.reel).frames == project.total_frames()  # type: ignore[arg-type]


def _planned(tmp_path: Path):  # noqa: ANN202
    from story import Project, apply

    return apply(Project(), [small_story(shots=6, width=640, height=360)])


def test_story_json_is_the_dump_of_the_loaded_project(tmp_path: Path) -> None:
    production, _ = open_production(tmp_path / "film")
    assert production.folder.story_path.read_bytes() == dump_project(production.project)

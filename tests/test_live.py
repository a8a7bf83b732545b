"""The reel while it renders (tools/render/live.py): real renders, the playlist and its segments read
back with PyAV while the render runs and after it."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

from conftest import small_project
from PIL import Image
from probing import probe

from story import Project, ProjectFolder, Shot, ShotChanges, ShotSize, UpdateShot
from tools.render.engine import render_shots
from tools.render.jobs import plan_jobs
from tools.render.live import MANIFEST, PLAYLIST, live_state, playable_seconds


def playlist_entries(root: Path) -> tuple[list[tuple[float, Path]], bool]:
    """(seconds, segment path) of each entry of the live playlist, and whether it has ended."""
    lines = (root / PLAYLIST).read_text().splitlines()
    assert lines[0] == "#EXTM3U" and "#EXT-X-PLAYLIST-TYPE:EVENT" in lines
    entries = [
        (float(line[8:].split(",")[0]), (root / PLAYLIST).parent / lines[at + 1])
        for at, line in enumerate(lines)
        if line.startswith("#EXTINF:")
    ]
    return entries, lines[-1] == "#EXT-X-ENDLIST"


def decoded_times(segment: Path) -> list[Fraction]:
    """The presentation time of every frame of a segment, decoded."""
    import av

    with av.open(str(segment)) as container:
        stream = container.streams.video[0]
        return [Fraction(frame.pts) * stream.time_base for frame in container.decode(stream)]


def test_the_playlist_grows_shot_by_shot_and_ends(tmp_path: Path) -> None:
    project = small_project()
    folder = ProjectFolder.create(tmp_path / "film", project)
    seen: dict[str, tuple[int, bool, list[str]]] = {}

    def progress(label: str, frames: int, total: int) -> None:
        # one worker: when a shot reports its first frames, every shot before it is done and listed
        if label not in seen:
            entries, ended = playlist_entries(folder.root)
            stills = [s["still"] for s in (live_state(folder.root) or {"shots": []})["shots"]]
            seen[label] = (len(entries), ended, stills)

    report = render_shots(folder, project, progress=progress, workers=1)
    assert report.rendered == [1, 2, 3, 4, 5]
    assert [seen[f"shot {n}"][:2] for n in range(1, 6)] == [(n - 1, False) for n in range(1, 6)]
    assert all(seen["shot 1"][2]), "every panel's still is there before the first shot renders"

    entries, ended = playlist_entries(folder.root)
    assert ended and len(entries) == 5
    fps = project.fps
    assert sum(seconds for seconds, _ in entries) == sum(s.duration_frames for s in project.shots) / fps
    start = Fraction(0)
    first: Fraction | None = None
    for (seconds, segment), shot in zip(entries, project.shots, strict=True):
        assert abs(seconds - shot.duration_frames / fps) < 1e-4
        facts = probe(segment)
        assert (facts.codec, facts.width, facts.height, facts.frames) == ("h264", 640, 360, shot.duration_frames)
        times = decoded_times(segment)
        first = times[0] if first is None else first
        assert times[0] - first == start, f"{segment.name} starts where the shot before it ends"
        start += Fraction(shot.duration_frames, fps)

    import av

    with av.open(str(folder.root / PLAYLIST)) as whole:  # the playlist itself, as an HLS player reads it
        stream = whole.streams.video[0]
        assert sum(1 for _ in whole.decode(stream)) == sum(s.duration_frames for s in project.shots)

    state = live_state(folder.root)
    assert state is not None and state["complete"] is True
    assert [entry["take"] for entry in state["shots"]] == [edit.take.path for edit in report.edits]
    for entry in state["shots"]:
        still = Image.open(folder.root / entry["still"])
        assert still.size == (384, 216)
        still.load()


def test_an_edit_remakes_only_what_changed(tmp_path: Path) -> None:
    project = small_project()
    folder = ProjectFolder.create(tmp_path / "film", project)
    project = folder.amend(render_shots(folder, project).edits)
    live = folder.root / "cut" / "live"
    before = {p.name: p.stat().st_mtime_ns for p in live.iterdir() if p.suffix in {".ts", ".jpg"}}

    project, _ = folder.commit([UpdateShot(shot_id="s3", changes=ShotChanges(size=ShotSize.CU))])
    report = render_shots(folder, project)
    project = folder.amend(report.edits)
    assert report.rendered == [3]
    after = {p.name: p.stat().st_mtime_ns for p in live.iterdir() if p.suffix in {".ts", ".jpg"}}
    assert len(after) == 10, "a still and a segment per shot; the old shot 3's are gone"
    kept = set(before) & set(after)
    assert len(kept) == 8 and all(before[name] == after[name] for name in kept)

    entries, ended = playlist_entries(folder.root)
    assert ended and len(entries) == 5
    state = live_state(folder.root)
    assert state is not None
    assert [s["take"] for s in state["shots"]] == [shot.take_for(key).path for shot, key in _keys(project)]
    assert probe(entries[2][1]).frames == project.shots[2].duration_frames


def _keys(project: Project) -> list[tuple[Shot, str]]:
    """Each shot of the reel with its current render key."""
    return [(job.shot, job.key) for job in plan_jobs(project)]


def test_a_pass_with_nothing_to_render_leaves_the_live_reel_alone(tmp_path: Path) -> None:
    project = small_project()
    folder = ProjectFolder.create(tmp_path / "film", project)
    project = folder.amend(render_shots(folder, project).edits)
    written = (folder.root / MANIFEST).stat().st_mtime_ns
    assert render_shots(folder, project).rendered == []
    assert (folder.root / MANIFEST).stat().st_mtime_ns == written


def test_a_take_that_cannot_be_copied_stops_the_live_reel_not_the_render(tmp_path: Path) -> None:
    project = small_project()
    folder = ProjectFolder.create(tmp_path / "film", project)
    project = folder.amend(render_shots(folder, project).edits)
    live = folder.root / "cut" / "live"
    (first,) = live.glob("*-0.ts")
    first.unlink()
    first.mkdir()  # shot 1's segment cannot be written where it goes
    project, _ = folder.commit([UpdateShot(shot_id="s2", changes=ShotChanges(size=ShotSize.CU))])
    report = render_shots(folder, project)
    assert report.rendered == [2] and not report.failed
    entries, ended = playlist_entries(folder.root)
    assert ended and entries == [], "the playlist ends where it could go no further"
    assert first.is_dir()


def test_storyreel_new_says_where_the_reel_plays_while_it_renders(tmp_path: Path) -> None:
    brief = tmp_path / "brief.txt"
    brief.write_text(
        "Title: Two Lamps\n\nAt dusk Mara climbs the lighthouse stairs.\n"
        "Tomas waits on the quay in the rain.\nAt night Mara lights the great lamp.\n"
    )
    film = tmp_path / "film"
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "new", str(film), "--brief-file", str(brief)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "STORYREEL_MEMORY": "off", "COLUMNS": "80"},
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    playing = [line for line in lines if line.startswith("Playing as it renders: ")]
    assert playing == [f"Playing as it renders: {film / PLAYLIST}"]
    assert lines.index(playing[0]) < next(i for i, line in enumerate(lines) if line.startswith("Reel: "))
    assert playable_seconds(film / PLAYLIST) > 0


def test_the_first_playable_line_comes_while_the_pass_renders_and_never_from_an_old_playlist(tmp_path: Path) -> None:
    from tools.render.live import first_playable_check

    project = small_project()
    folder = ProjectFolder.create(tmp_path / "film", project)
    project = folder.amend(render_shots(folder, project).edits)
    assert playable_seconds(folder.root / PLAYLIST) > 0, "the last pass's playlist is still there"
    heard: list[tuple[Path, bool]] = []

    def playing(playlist: Path) -> None:
        heard.append((playlist, bool((live_state(folder.root) or {}).get("complete"))))

    check = first_playable_check(folder.root, playing)
    check()  # before this command's pass began: the old playlist says nothing
    assert heard == []
    project, _ = folder.commit([UpdateShot(shot_id="s4", changes=ShotChanges(size=ShotSize.CU))])
    render_shots(folder, project, progress=lambda *_: check(), workers=1)
    assert heard == [(folder.root / PLAYLIST, False)], "once, while the pass still renders"


def _storyreel(*args: str | Path, stdin: str = "") -> list[str]:
    """The lines `storyreel ARGS` prints on stdout (offline, memory off); it must succeed."""
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.cwd()), "STORYREEL_MEMORY": "off", "COLUMNS": "80"},
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _playing_before_rendered(lines: list[str], film: Path) -> None:
    playing = [n for n, line in enumerate(lines) if line.startswith("Playing as it renders: ")]
    assert [lines[n] for n in playing] == [f"Playing as it renders: {film / PLAYLIST}"], lines
    assert playing[0] < next(n for n, line in enumerate(lines) if line.startswith("Rendered shot")), lines


def test_say_render_and_chat_say_where_the_reel_plays_when_they_render_shots(tmp_path: Path) -> None:
    film = tmp_path / "film"
    brief = "Title: Quay\n\nAt dawn Mara walks the quay.\nTomas mends a net.\nAt night Mara lights the lamp."
    _storyreel("new", film, "--brief", brief)

    _playing_before_rendered(_storyreel("say", film, "make shot 2 a close-up"), film)

    nothing = _storyreel("render", film)
    assert not any(line.startswith("Playing as it renders") for line in nothing), "nothing rendered: no line"
    taken = json.loads((film / "story.json").read_text())["shots"][0]["takes"]
    for take in taken:
        (film / take["path"]).unlink(missing_ok=True)
    _playing_before_rendered(_storyreel("render", film), film)

    talked = _storyreel("chat", film, stdin="make shot 3 a wide shot\nmake shot 1 longer\nquit\n")
    playing = [line for line in talked if line.startswith("Playing as it renders: ")]
    assert playing == [f"Playing as it renders: {film / PLAYLIST}"] * 2, "once for each turn that renders"

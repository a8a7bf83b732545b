"""The project lock across processes: one writer at a time, a named wait, no lost edit.

Real processes (the `storyreel` command and plain Python writers) on one project folder; the
takes and the reel are read back through PyAV.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from probing import probe

from story import Bible, Project, ProjectError, ProjectFolder, Shot, Style
from story.folder import LOCK_FILE
from story.lock import OWNER_FILE, WAIT_ENV, ProjectBusy, ProjectLock

REPO = Path(__file__).resolve().parent.parent
STORYREEL = [sys.executable, "-m", "ui.cli"]
TRIALS = 20


def tiny_project() -> Project:
    """Three short shots at 256x144 and 12 fps with the title card: a reel that renders in a blink."""
    shots = [Shot(id=f"s{n}", action=f"A boat rocks at its mooring, {n}.", duration_frames=24) for n in (1, 2, 3)]
    style = Style(width=256, height=144, fps=12)
    return Project.model_validate({"bible": Bible(title="Moorings"), "style": style, "shots": shots, "next_shot": 4})


def environment(**extra: str) -> dict[str, str]:
    return os.environ | {"COLUMNS": "200", "STORYREEL_MEMORY": "off"} | extra


def storyreel(*args: str | Path, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*STORYREEL, *map(str, args)],
        cwd=REPO,
        env=environment(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


# The lock itself --------------------------------------------------------------------------------


def test_a_second_lock_on_the_folder_waits_then_names_the_holder(tmp_path: Path) -> None:
    first, second = ProjectLock(tmp_path, wait=0), ProjectLock(tmp_path, wait=0.2)
    command = "storyreel say film 'make shot 2 a close-up'"
    with first.hold(command=command):
        owner = json.loads((tmp_path / OWNER_FILE).read_text())
        assert owner["pid"] == os.getpid() and owner["command"] == command
        began = time.monotonic()
        with pytest.raises(ProjectBusy) as busy:
            second.acquire()
        assert time.monotonic() - began >= 0.2, "it waited before giving up"
        assert f"the project is busy (pid {os.getpid()}, {command})" in str(busy.value)
        assert isinstance(busy.value, ProjectError), "a busy project is the person's to retry: exit 2"
    assert not (tmp_path / OWNER_FILE).exists(), "the owner file goes with the lock"
    with second.hold():  # free again
        assert second.held
    assert not second.held


def test_the_lock_is_reentrant_for_its_holder_from_any_thread(tmp_path: Path) -> None:
    lock = ProjectLock(tmp_path, wait=0)
    inner: list[bool] = []
    with lock.hold():
        with lock.hold():
            assert lock.held
        # A turn run on a worker thread goes through the lock its door holds.
        worker = threading.Thread(target=lambda: inner.append(_holds(lock)))
        worker.start()
        worker.join()
        assert lock.held, "an inner release leaves the outer hold in place"
    assert inner == [True]
    assert not lock.held and not (tmp_path / OWNER_FILE).exists()


def _holds(lock: ProjectLock) -> bool:
    with lock.hold():
        return lock.held


def test_the_wait_comes_from_the_environment_and_a_bad_value_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = ProjectLock(tmp_path, wait=0)
    monkeypatch.setenv(WAIT_ENV, "0")
    with holder.hold(), pytest.raises(ProjectBusy, match="the project is busy"):
        ProjectLock(tmp_path).acquire()
    monkeypatch.setenv(WAIT_ENV, "soon")
    with pytest.raises(ProjectError, match=f"{WAIT_ENV} must be a number of seconds, not 'soon'"):
        ProjectLock(tmp_path).acquire()


def test_a_new_project_may_start_in_a_folder_holding_only_its_lock(tmp_path: Path) -> None:
    root = tmp_path / "film"
    with ProjectLock(root, wait=0).hold():
        pass
    assert (root / LOCK_FILE).exists()
    folder = ProjectFolder.create(root, tiny_project())
    assert folder.load().revision == 1
    with pytest.raises(ProjectError, match="already holds a storyreel project"):
        ProjectFolder.create(root, tiny_project())


# Revisions from two processes ---------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from story import ProjectFolder, ShotChanges, UpdateShot

folder = ProjectFolder.open(Path(sys.argv[1]))
shot, first = sys.argv[2], int(sys.argv[3])
for frames in range(first, first + 15):
    folder.commit([UpdateShot(shot_id=shot, changes=ShotChanges(duration_frames=frames))], message=f"{shot} {frames}")
"""


def test_two_processes_committing_at_once_make_one_linear_history(tmp_path: Path) -> None:
    root = tmp_path / "film"
    ProjectFolder.create(root, tiny_project())
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(root), shot, start], cwd=REPO, stderr=subprocess.PIPE)
        for shot, start in (("s1", "30"), ("s3", "60"))
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    folder = ProjectFolder.open(root)
    assert_linear(folder, 1 + 2 * 15)
    project = folder.load()
    assert (project.shots[0].duration_frames, project.shots[2].duration_frames) == (44, 74), "no commit was lost"
    messages = [r.message for r in folder.revisions()[1:]]
    assert sorted(messages) == sorted([f"s1 {n}" for n in range(30, 45)] + [f"s3 {n}" for n in range(60, 75)])


def assert_linear(folder: ProjectFolder, count: int) -> None:
    """Revisions 1..count, each the child of the one before, and story.json on the last."""
    revisions = folder.revisions()
    assert [r.number for r in revisions] == list(range(1, count + 1)), "revision numbers unique and consecutive"
    assert [r.parent for r in revisions] == [None, *range(1, count)], "each revision's parent is the one before"
    assert folder.load().revision == count
    assert [r.number for r in folder.lineage()] == list(range(1, count + 1))


# The command ------------------------------------------------------------------------------------

HOLDER = """
import sys
from pathlib import Path
from story.lock import ProjectLock

with ProjectLock(Path(sys.argv[1])).hold(command="storyreel render film"):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_second_writer_exits_2_naming_the_pid_and_command_that_holds_the_project(tmp_path: Path) -> None:
    root = tmp_path / "film"
    ProjectFolder.create(root, tiny_project())
    before = (root / "story.json").read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code, out, err = finish(storyreel("say", root, "make shot 2 a close-up", **{WAIT_ENV: "0"}))
        assert code == 2, (out, err)
        assert f"the project is busy (pid {holder.pid}, storyreel render film)" in err
        assert len(err.strip().splitlines()) == 1, "one line, no traceback"
        assert (root / "story.json").read_bytes() == before and len(ProjectFolder.open(root).revisions()) == 1
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    code, out, err = finish(storyreel("say", root, "make shot 2 a close-up", **{WAIT_ENV: "0"}))
    assert code == 0, (out, err)
    assert ProjectFolder.open(root).load().shots[1].size.value == "CU"


@pytest.mark.slow
def test_twenty_pairs_of_concurrent_says_lose_nothing(tmp_path: Path) -> None:
    """Issue 14's measure: two `say` commands on one project at once, 20 times over."""
    root = tmp_path / "film"
    ProjectFolder.create(root, tiny_project())
    code, out, err = finish(storyreel("render", root))
    assert code == 0, (out, err)
    for trial in range(TRIALS):
        first, third = 30 + trial, 60 + trial  # each pair edits different shots, to lengths no pair used before
        pair = [
            storyreel("say", root, f"make shot 1 {first} frames", **{WAIT_ENV: "120"}),
            storyreel("say", root, f"make shot 3 {third} frames", **{WAIT_ENV: "120"}),
        ]
        for code, out, err in map(finish, pair):
            assert code == 0, f"trial {trial}: exit {code}\n{out}\n{err}"
        project = ProjectFolder.open(root).load()
        assert (project.shots[0].duration_frames, project.shots[2].duration_frames) == (first, third), (
            f"trial {trial}: an edit was lost"
        )
    folder = ProjectFolder.open(root)
    assert_linear(folder, 1 + 2 * TRIALS)
    project = folder.load()
    for shot in project.shots:
        paths = [take.path for take in shot.takes]
        assert len(paths) == len(set(paths)), f"{shot.id}: a take recorded twice"
        for take in shot.takes:
            assert not take.failed, take.error
            assert probe(root / take.path).frames == take.frames, f"{take.path} decodes whole"
    reel = root / "cut" / "storyreel.mp4"
    assert project.cut is not None and project.cut.frames == project.total_frames()
    assert probe(reel).frames == project.total_frames(), "the reel holds the shot list and the title card"

"""The project folder: revisions, undo and redo, crash safety with a real killed process, corrupt-file recovery."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import small_project
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from story import (
    AnyEdit,
    NotAProject,
    NothingToUndo,
    Project,
    ProjectError,
    ProjectFolder,
    RecordCut,
    RecordTake,
    SetBible,
    SetStyle,
    ShotChanges,
    ShotSize,
    Take,
    UpdateShot,
    apply,
    dump_project,
    parse_project,
)

REPO = Path(__file__).resolve().parent.parent
MakeProject = Callable[..., Project]


def size_to(shot_id: str, size: ShotSize) -> UpdateShot:
    return UpdateShot(shot_id=shot_id, changes=ShotChanges(size=size))


def take_for(shot_id: str, number: int) -> RecordTake:
    key = f"{number:016x}"
    return RecordTake(
        shot_id=shot_id,
        take=Take(render_key=key, path=f"media/shots/{shot_id}/{key}.mp4", backend="animatic", frames=9),
    )


def history_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "history").glob("r*.json"))


# Creating and opening ----------------------------------------------------------------------------


def test_create_then_open_loads_the_same_project(tmp_path: Path, make_project: MakeProject) -> None:
    folder = ProjectFolder.create(tmp_path / "film", make_project())
    assert folder.load().revision == 1
    again = ProjectFolder.open(tmp_path / "film")
    assert again.load() == folder.load()
    assert (tmp_path / "film" / "story.json").read_bytes() == dump_project(again.load())
    assert [r.summary for r in again.revisions()] == [["new project"]]
    assert again.warnings == []


def test_open_of_a_folder_without_story_json_is_not_a_project(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NotAProject, match=r"is not a storyreel project \(no story.json\); start one with"):
        ProjectFolder.open(tmp_path / "empty")
    with pytest.raises(NotAProject, match="is not a folder"):
        ProjectFolder.open(tmp_path / "missing")


def test_create_refuses_a_folder_that_holds_files(tmp_path: Path, make_project: MakeProject) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ProjectError, match="already holds other files; choose an empty or new folder"):
        ProjectFolder.create(tmp_path / "busy", make_project())
    assert sorted(os.listdir(tmp_path / "busy")) == ["notes.txt"]
    ProjectFolder.create(tmp_path / "film", make_project())
    with pytest.raises(ProjectError, match="already holds a storyreel project"):
        ProjectFolder.create(tmp_path / "film", make_project())
    (tmp_path / "empty").mkdir()
    ProjectFolder.create(tmp_path / "empty", make_project())


@pytest.mark.parametrize("outside", ["../x", "media/../../x", "/etc/passwd"])
def test_path_refuses_anything_outside_the_folder(tmp_path: Path, make_project: MakeProject, outside: str) -> None:
    folder = ProjectFolder.create(tmp_path / "film", make_project())
    with pytest.raises(ProjectError, match="leaves the project folder"):
        folder.path(outside)
    assert folder.path("media/shots/s1/a.mp4") == (tmp_path / "film" / "media/shots/s1/a.mp4").resolve()


def test_path_refuses_a_link_that_leads_outside(tmp_path: Path, make_project: MakeProject) -> None:
    folder = ProjectFolder.create(tmp_path / "film", make_project())
    (tmp_path / "film" / "media").symlink_to(tmp_path)
    with pytest.raises(ProjectError, match="leaves the project folder"):
        folder.path("media/secret")


# Undo, redo, amend ----------------------------------------------------------------------------------


def test_nothing_to_undo_or_redo_at_the_start(tmp_path: Path, make_project: MakeProject) -> None:
    folder = ProjectFolder.create(tmp_path / "film", make_project())
    with pytest.raises(NothingToUndo, match="nothing to undo: this is the first revision"):
        folder.undo()
    with pytest.raises(NothingToUndo, match="nothing to redo"):
        folder.redo()


def test_undo_restores_the_exact_bytes_and_redo_the_undone_state(tmp_path: Path, make_project: MakeProject) -> None:
    folder = ProjectFolder.create(tmp_path / "film", make_project())
    story = tmp_path / "film" / "story.json"
    first = story.read_bytes()
    project, summary = folder.commit([size_to("s3", ShotSize.CU)], "closer")
    assert summary == ["shot 3: size MCU -> CU"]
    second = story.read_bytes()
    undone_to, undone = folder.undo()
    assert story.read_bytes() == first
    assert undone.number == project.revision and undone.summary == summary and undone.message == "closer"
    redone, revision = folder.redo()
    assert story.read_bytes() == second
    assert redone == project and revision.number == project.revision


def test_a_commit_after_undo_branches_and_keeps_the_old_revision(tmp_path: Path, make_project: MakeProject) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, make_project())
    folder.commit([size_to("s1", ShotSize.CU)])
    abandoned = (root / "history" / "r000002.json").read_bytes()
    folder.undo()
    branch, _ = folder.commit([size_to("s1", ShotSize.WS)])
    assert branch.revision == 3
    assert history_files(root) == ["r000001.json", "r000002.json", "r000003.json"]
    assert (root / "history" / "r000002.json").read_bytes() == abandoned
    assert [r.number for r in folder.lineage()] == [1, 3]
    folder.undo()
    assert folder.redo()[1].number == 3, "redo follows the newest branch"


def test_amend_folds_into_the_current_revision(tmp_path: Path, make_project: MakeProject) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, make_project())
    before_change = (root / "story.json").read_bytes()
    changed, _ = folder.commit([size_to("s2", ShotSize.CU)])
    amended = folder.amend([take_for("s2", 1), RecordCut(path="cut/storyreel.mp4", frames=9, shot_keys=["a"])])
    assert amended.revision == changed.revision
    assert amended.shot("s2").takes and amended.cut is not None
    assert history_files(root) == ["r000001.json", "r000002.json"]
    assert folder.read_revision(2).project == json.loads(dump_project(amended))
    assert folder.amend([]) == amended
    folder.undo()
    assert (root / "story.json").read_bytes() == before_change, "undo steps over the change and its renders"
    assert folder.redo()[0] == amended


def test_a_commit_that_changes_nothing_makes_no_revision(tmp_path: Path, make_project: MakeProject) -> None:
    folder = ProjectFolder.create(tmp_path / "film", make_project())
    project, summary = folder.commit([size_to("s1", ShotSize.EWS)])
    assert summary == [] and project.revision == 1
    assert history_files(tmp_path / "film") == ["r000001.json"]


@pytest.mark.parametrize(
    "edit",
    [SetBible(changes={"brief": "A harbour story, told at low tide."}), take_for("s1", 5)],
    ids=["brief", "take"],
)
def test_a_commit_keeps_a_change_the_summary_has_no_words_for(
    tmp_path: Path, make_project: MakeProject, edit: AnyEdit
) -> None:
    folder = ProjectFolder.create(tmp_path / "film", make_project())
    project, summary = folder.commit([edit])
    assert project.revision == 2 and summary
    assert folder.load() == project == apply(make_project(), edit).model_copy(update={"revision": 2})


def test_redo_follows_the_newest_revision_even_when_the_clock_went_back(
    tmp_path: Path, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = ProjectFolder.create(tmp_path / "film", make_project())
    folder.commit([size_to("s1", ShotSize.CU)])
    folder.undo()
    clock = time.time()
    monkeypatch.setattr(time, "time", lambda: clock - 3600)  # the system clock was set back an hour
    newest, _ = folder.commit([size_to("s1", ShotSize.WS)])
    folder.undo()
    assert folder.redo()[0] == newest


class FolderModel(RuleBasedStateMachine):
    """Random commits, amends, undos, redos and reopens, checked against a plain model of the revision tree."""

    def __init__(self) -> None:
        super().__init__()
        self.scratch = tempfile.TemporaryDirectory()
        self.root = Path(self.scratch.name) / "film"
        self.bytes_of: dict[int, bytes] = {}
        self.parent_of: dict[int, int | None] = {}
        self.current = 0

    @initialize()
    def create(self) -> None:
        self.folder = ProjectFolder.create(self.root, small_project())
        self.current = 1
        self.bytes_of[1] = self.story_bytes()
        self.parent_of[1] = None

    def story_bytes(self) -> bytes:
        return (self.root / "story.json").read_bytes()

    @rule(data=st.data(), size=st.sampled_from(ShotSize), fps=st.sampled_from([12, 24, 25, 30]))
    def commit(self, data: st.DataObject, size: ShotSize, fps: int) -> None:
        project = self.folder.load()
        shot_id = data.draw(st.sampled_from([s.id for s in project.shots]))
        edit: AnyEdit = data.draw(st.sampled_from([size_to(shot_id, size), SetStyle(changes={"fps": fps})]))
        before = self.story_bytes()
        after, summary = self.folder.commit([edit])
        if apply(project, edit) == project:
            assert summary == [] and self.story_bytes() == before
            return
        number = max(self.bytes_of) + 1
        assert after.revision == number and summary
        self.parent_of[number], self.current = self.current, number
        self.bytes_of[number] = self.story_bytes()

    @rule(number=st.integers(1, 10**6))
    def amend(self, number: int) -> None:
        project = self.folder.amend([take_for(self.folder.load().shots[0].id, number)])
        assert project.revision == self.current
        self.bytes_of[self.current] = self.story_bytes()

    @rule()
    def undo(self) -> None:
        parent = self.parent_of[self.current]
        if parent is None:
            with pytest.raises(NothingToUndo):
                self.folder.undo()
            return
        _, undone = self.folder.undo()
        assert undone.number == self.current
        self.current = parent

    @rule()
    def redo(self) -> None:
        children = [n for n, p in self.parent_of.items() if p == self.current]
        if not children:
            with pytest.raises(NothingToUndo):
                self.folder.redo()
            return
        _, done = self.folder.redo()
        assert done.number == max(children)
        self.current = done.number

    @precondition(lambda self: self.current > 0)
    @rule()
    def reopen(self) -> None:
        self.folder = ProjectFolder.open(self.root)

    @invariant()
    def story_json_is_the_current_revision_byte_for_byte(self) -> None:
        if self.current:
            assert self.story_bytes() == self.bytes_of[self.current]
            assert self.folder.load().revision == self.current
            assert len(list((self.root / "history").glob("r*.json"))) == len(self.bytes_of), "no revision deleted"
            assert self.folder.warnings == []

    def teardown(self) -> None:
        self.scratch.cleanup()


FolderModel.TestCase.settings = settings(
    max_examples=50, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_folder_against_a_model_of_its_history = FolderModel.TestCase


# Crash safety -----------------------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import itertools, sys
    from story import ProjectFolder, ShotChanges, ShotSize, UpdateShot

    folder = ProjectFolder.open(sys.argv[1])
    sizes = list(ShotSize)
    print("ready", flush=True)
    for n in itertools.count():
        project = folder.load()
        shot = project.shots[n % len(project.shots)]
        text = f"take {n}: " + "the tide goes out and the boats settle on the mud " * 28
        folder.commit([UpdateShot(shot_id=shot.id, changes=ShotChanges(action=text[:1990], size=sizes[n % 7]))])
        print("committed", flush=True)
    """
)


def big_project(make_project: MakeProject) -> Project:
    """400 shots with long text: story.json of about a megabyte, so a write takes a while."""
    base = make_project()
    long = "Mara walks the length of the quay, past the nets and the crates, not looking back. " * 20
    shots = [
        base.shots[n % 5].model_copy(update={"id": f"s{n + 1}", "action": long[:1990], "notes": long[:1500]})
        for n in range(400)
    ]
    return Project.model_validate(base.model_dump(by_alias=True) | {"shots": shots, "next_shot": 401})


@pytest.mark.slow
def test_a_writer_killed_at_random_moments_never_leaves_a_broken_project(
    tmp_path: Path, make_project: MakeProject
) -> None:
    root = tmp_path / "film"
    ProjectFolder.create(root, big_project(make_project))
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    chance = random.Random(20240611)
    env = os.environ | {"PYTHONPATH": str(REPO)}
    for attempt in range(6):
        child = subprocess.Popen(
            [sys.executable, str(script), str(root)], stdout=subprocess.PIPE, env=env, cwd=tmp_path, text=True
        )
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        if attempt == 5:  # on a slow machine the random moments may all fall before a first commit
            assert child.stdout.readline() == "committed\n"
        time.sleep(chance.uniform(0.05, 1.2))
        assert child.poll() is None, "the writer stopped by itself"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()

        story = (root / "story.json").read_bytes()
        on_disk = parse_project(story)  # the old or the new revision, whole: never a mix, never recovered
        folder = ProjectFolder.open(root)
        assert folder.load() == on_disk and folder.warnings == []
        assert story == dump_project(on_disk)
        assert json.loads(story) == folder.read_revision(on_disk.revision).project
        for revision in folder.revisions():  # every revision file is whole, too
            parse_project(json.dumps(revision.project))
        names = {p.name for p in (root / "history").iterdir()} | {p.name for p in root.iterdir()}
        assert all(n.startswith(".") for n in names if n.endswith(".tmp")), "temp files stay hidden"
    final = ProjectFolder.open(root)
    current = final.load()
    assert current.revision > 1, "the writer got some commits in"
    back, undone = final.undo()
    assert undone.number == current.revision and back.revision == undone.parent


# Corrupt story.json ---------------------------------------------------------------------------------------


def damaged(good: bytes, how: str) -> bytes:
    if how == "truncated":
        return good[: len(good) // 2]
    if how == "garbage":
        return bytes(random.Random(7).randrange(256) for _ in range(3000))
    if how == "an empty object":  # valid JSON, but no project
        return b"{}"
    if how == "nested 100,000 deep":  # valid JSON that Python's parser cannot recurse into
        return b"[" * 100_000 + b"]" * 100_000
    stored = json.loads(good)
    if how == "invalid field":
        stored["shots"][1]["size"] = "HUGE"
    elif how == "wrong shapes":  # no schema, so the old-draft upgrade sees it first
        stored = {"shots": 5, "style": ["fps"]}
    return json.dumps(stored).encode()


@pytest.mark.parametrize(
    "how", ["truncated", "garbage", "invalid field", "wrong shapes", "an empty object", "nested 100,000 deep"]
)
def test_a_corrupt_story_json_falls_back_to_the_last_good_revision(
    tmp_path: Path, make_project: MakeProject, how: str
) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, make_project())
    good, _ = folder.commit([size_to("s2", ShotSize.CU)])
    good_bytes = (root / "story.json").read_bytes()
    bad = damaged(good_bytes, how)
    (root / "story.json").write_bytes(bad)

    reopened = ProjectFolder.open(root)
    assert reopened.load() == good
    (warning,) = reopened.warnings
    assert warning.startswith("story.json is unreadable (")
    assert "loaded revision 2, the last good one" in warning
    (aside,) = root.glob("story.json.corrupt-*")
    assert aside.name in warning and aside.read_bytes() == bad
    assert (root / "story.json").read_bytes() == good_bytes
    assert ProjectFolder.open(root).load() == good


def test_the_invalid_field_is_named_in_the_warning(tmp_path: Path, make_project: MakeProject) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, make_project())
    (root / "story.json").write_bytes(damaged((root / "story.json").read_bytes(), "invalid field"))
    folder.load()
    assert "shots.1.size" in folder.warnings[0]


def test_every_damaged_file_is_kept_even_within_one_second(tmp_path: Path, make_project: MakeProject) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, make_project())
    for n in range(3):
        (root / "story.json").write_bytes(b"{broken %d" % n)
        folder.load()
    kept = sorted(p.read_bytes() for p in root.glob("story.json.corrupt-*"))
    assert kept == [b"{broken 0", b"{broken 1", b"{broken 2"]
    assert len(folder.warnings) == 3


def test_a_missing_story_json_comes_back_from_history(tmp_path: Path, make_project: MakeProject) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, make_project())
    good, _ = folder.commit([size_to("s4", ShotSize.ECU)])
    (root / "story.json").unlink()
    reopened = ProjectFolder.open(root)
    assert reopened.load() == good
    assert reopened.warnings == ["story.json is missing; loaded revision 2, the last good one"]


def test_a_damaged_newest_revision_falls_back_to_an_older_one(tmp_path: Path, make_project: MakeProject) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, make_project())
    folder.commit([size_to("s4", ShotSize.ECU)])
    (root / "history" / "r000002.json").write_bytes(b'{"schema": "storyreel.Revision.1", "number": 2, "proj')
    (root / "story.json").write_bytes(b"\x00\x01")
    assert folder.load() == make_project().model_copy(update={"revision": 1})
    assert "loaded revision 1" in folder.warnings[0]


@pytest.mark.parametrize("history", ["deleted", "damaged"])
def test_corrupt_story_json_with_history_gone_is_a_clear_error(
    tmp_path: Path, make_project: MakeProject, history: str
) -> None:
    root = tmp_path / "film"
    ProjectFolder.create(root, make_project())
    (root / "story.json").write_bytes(b'{"schema": "storyreel.Project.1", "shots": [')
    for revision in (root / "history").glob("r*.json"):
        if history == "deleted":
            revision.unlink()
        else:
            revision.write_bytes(b"\xff" * 40)
    with pytest.raises(ProjectError, match=r"^story.json is unreadable \(.+\) and history/ has no readable revision$"):
        ProjectFolder.open(root).load()


def test_after_an_undo_a_corrupt_story_json_falls_back_to_the_undone_to_revision(
    tmp_path: Path, make_project: MakeProject
) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, make_project())
    folder.commit([size_to("s2", ShotSize.CU)])
    back, _ = folder.undo()
    (root / "story.json").write_bytes(b"{")
    assert folder.load() == back


def test_project_files_are_readable_like_any_other_file(tmp_path: Path, make_project: MakeProject) -> None:
    folder = ProjectFolder.create(tmp_path / "film", make_project())
    folder.commit([size_to("s2", ShotSize.CU)])
    assert (folder.story_path.stat().st_mode & 0o777) == 0o644
    assert all((p.stat().st_mode & 0o777) == 0o644 for p in folder.history_dir.iterdir())


def test_an_empty_object_is_no_project_but_an_empty_versioned_project_is(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="holds no project"):
        parse_project(b"{}")
    assert parse_project(b'{"schema": "storyreel.Project.1"}') == Project()


# Leftovers and failed writes ------------------------------------------------------------------------


def test_temp_files_a_killed_writer_left_are_cleaned_when_the_project_opens(
    tmp_path: Path, make_project: MakeProject
) -> None:
    root = tmp_path / "film"
    ProjectFolder.create(root, make_project())
    (root / "media" / "shots" / "s1").mkdir(parents=True)
    (root / "cut").mkdir()
    left = [
        root / ".story.json.k2j4h1_x.tmp",
        root / "history" / ".HEAD.a8d9c0qz.tmp",
        root / "history" / ".r000002.json.0b3n5m7p.tmp",
        root / "media" / "shots" / "s1" / ".0123456789abcdef.mp4.partial",
        root / "cut" / ".storyreel.partial.mp4",
        root / "cut" / ".srt-3kd9s0a1",
    ]
    a_while_ago = time.time() - 120
    for path in left:
        path.write_bytes(b"half written")
        os.utime(path, (a_while_ago, a_while_ago))
    in_flight = root / "history" / ".HEAD.live0000.tmp"  # another process writing it right now
    in_flight.write_bytes(b"2")
    kept = [root / ".gitignore", root / "notes.tmp", root / "media" / "shots" / "s1" / "take.partial.txt"]
    for path in kept:
        path.write_bytes(b"the person's")
        os.utime(path, (a_while_ago, a_while_ago))
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / ".x.tmp").write_bytes(b"not ours")
    os.utime(outside / ".x.tmp", (a_while_ago, a_while_ago))
    (root / "media" / "linked").symlink_to(outside)

    ProjectFolder.open(root)
    assert [p for p in left if p.exists()] == []
    assert in_flight.exists() and all(p.exists() for p in kept)
    assert (outside / ".x.tmp").exists(), "a link out of the folder is not followed"


def test_a_killed_writers_temp_file_is_gone_after_the_next_open(tmp_path: Path, make_project: MakeProject) -> None:
    root = tmp_path / "film"
    ProjectFolder.create(root, make_project())
    script = textwrap.dedent(
        """
        import os, sys, tempfile
        fd, name = tempfile.mkstemp(prefix=".HEAD.", suffix=".tmp", dir=sys.argv[1])
        os.write(fd, b"7")
        os.utime(name, (0, 0))  # as if it had been killed a while ago
        os.kill(os.getpid(), 9)
        """
    )
    done = subprocess.run([sys.executable, "-c", script, str(root / "history")], check=False)
    assert done.returncode == -signal.SIGKILL
    (leftover,) = (root / "history").glob(".HEAD.*.tmp")
    ProjectFolder.open(root)
    assert not leftover.exists()


def test_a_full_disk_during_a_commit_loses_nothing_and_leaves_no_redo(
    tmp_path: Path, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    root = tmp_path / "film"
    folder = ProjectFolder.create(root, make_project())
    folder.commit([size_to("s2", ShotSize.CU)])
    story, history = (root / "story.json").read_bytes(), history_files(root)
    real_replace = os.replace

    def full_disk(source: str, target: str) -> None:
        if Path(target).name == "story.json":  # the revision fitted, story.json did not
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), source)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        folder.commit([size_to("s3", ShotSize.ECU)])
    monkeypatch.setattr(os, "replace", real_replace)
    assert (root / "story.json").read_bytes() == story and history_files(root) == history
    with pytest.raises(NothingToUndo):
        ProjectFolder.open(root).redo()
    assert [p.name for p in root.rglob("*.tmp")] == []

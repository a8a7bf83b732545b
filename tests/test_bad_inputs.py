"""Bad files and settings: recovered with one line, or refused with the setting, the value and an exit code.

The read-only folder and the full disk are real: a read-only bind mount and a small tmpfs, each in a
mount namespace of its own (`unshare -m`), so nothing outside the test sees them.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import small_project

from story import ProjectFolder

STORYREEL = [sys.executable, "-m", "ui.cli"]
REPO = Path(__file__).resolve().parent.parent
QUIET = {"COLUMNS": "200", "STORYREEL_MEMORY": "off"}


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*STORYREEL, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=os.environ | QUIET | (env or {}),
        timeout=300,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """story.json and every revision, byte for byte."""
    files = [root / "story.json", *sorted((root / "history").iterdir())]
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


@pytest.fixture
def film(tmp_path: Path) -> Path:
    root = tmp_path / "film"
    ProjectFolder.create(root, small_project())
    return root


# Settings --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"STORYREEL_TIMEOUT": "abc"}, "STORYREEL_TIMEOUT=abc: expected a number of seconds above 0"),
        ({"STORYREEL_TIMEOUT": "0"}, "STORYREEL_TIMEOUT=0: expected a number of seconds above 0"),
        ({"STORYREEL_RETRIES": "-1"}, "STORYREEL_RETRIES=-1: expected a whole number from 0 to 20"),
        ({"STORYREEL_RETRIES": "2.5"}, "STORYREEL_RETRIES=2.5: expected a whole number from 0 to 20"),
        ({"STORYREEL_APPROVE_ABOVE": "abc"}, "STORYREEL_APPROVE_ABOVE=abc: expected an amount in US dollars"),
        ({"STORYREEL_APPROVE_ABOVE": "nan"}, "STORYREEL_APPROVE_ABOVE=nan: expected an amount in US dollars"),
    ],
)
def test_a_bad_setting_in_the_environment_exits_2_naming_it(film: Path, env: dict[str, str], words: str) -> None:
    before = snapshot(film)
    done = run("say", film, "make shot 2 a close-up", env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: {words}"
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert snapshot(film) == before


def test_a_bad_approval_limit_in_the_project_exits_2_naming_it(tmp_path: Path) -> None:
    root = tmp_path / "film"
    ProjectFolder.create(root, small_project(metadata={"approve_above": "abc"}))
    done = run("say", root, "make shot 2 a close-up", env={"STORYREEL_APPROVE_ABOVE": ""})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "error: approve_above in the project's metadata=abc: expected an amount in US dollars"
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("base_url: http://127.0.0.1:1", "expected JSON (Expecting value: line 1 column 1 (char 0))"),
        ('["http://127.0.0.1:1"]', "expected a JSON object of settings"),
        ("[" * 100_000, "expected JSON, not nested this deep"),
    ],
)
def test_a_config_file_that_is_not_json_exits_2_naming_it(film: Path, tmp_path: Path, content: str, words: str) -> None:
    config = tmp_path / "director.json"
    config.write_text(content)
    for command in (["say", film, "make shot 2 a close-up"], ["new", tmp_path / "other", "--example"]):
        done = run(*command, env={"STORYREEL_CONFIG": str(config)})
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip() == f"error: STORYREEL_CONFIG={config}: {words}"
    assert not (tmp_path / "other").exists()


def test_a_bad_value_in_the_config_file_is_named_with_the_file(film: Path, tmp_path: Path) -> None:
    config = tmp_path / "director.json"
    config.write_text('{"timeout_s": "soon", "max_retries": 1}')
    done = run("say", film, "make shot 2 a close-up", env={"STORYREEL_CONFIG": str(config)})
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: timeout_s in {config}=soon: expected a number of seconds above 0"


def test_good_settings_still_read_from_the_environment_and_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.llm import ModelSettings

    config = tmp_path / "director.json"
    config.write_text('{"base_url": "http://127.0.0.1:9/v1", "timeout_s": 12.5, "max_retries": 0}')
    monkeypatch.setenv("STORYREEL_CONFIG", str(config))
    monkeypatch.setenv("STORYREEL_RETRIES", "3")
    settings = ModelSettings.from_env()
    assert (settings.base_url, settings.timeout_s, settings.max_retries) == ("http://127.0.0.1:9/v1", 12.5, 3)


# The conversation store ---------------------------------------------------------------------------------


def test_a_garbage_conversation_store_is_set_aside_and_the_turn_runs(film: Path) -> None:
    garbage = bytes(random.Random(13).randrange(256) for _ in range(8192))
    (film / "agent.sqlite").write_bytes(garbage)
    done = run("say", film, "make shot 2 a close-up")
    assert done.returncode == 0, done.stderr
    assert "shot 2: size WS -> CU" in done.stdout
    (aside,) = film.glob("agent.sqlite.corrupt-*")
    assert aside.read_bytes() == garbage, "the damaged store is kept as it was"
    (warning,) = [line for line in done.stderr.splitlines() if line.strip()]
    assert warning.startswith("warning: the conversation in agent.sqlite was unreadable (file is not a database)")
    assert warning.endswith(f"kept it as {aside.name} and started a new one")
    again = run("say", film, "undo")  # the new store works and keeps the conversation from here on
    assert again.returncode == 0 and "Undid" in again.stdout and again.stderr.strip() == ""
    assert len(list(film.glob("agent.sqlite.corrupt-*"))) == 1


# A read-only folder and a full disk ---------------------------------------------------------------------


def namespaced(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a mount namespace of its own, so its mounts vanish with it."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to mount a read-only folder or a full disk for this test alone")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace here ({probe.stderr.strip()}); needs root or CAP_SYS_ADMIN")
    env = os.environ | QUIET | {"PYTHON": sys.executable}
    return subprocess.run(["unshare", "-m", "sh", "-euc", script], capture_output=True, text=True, env=env, cwd=REPO)


def test_a_read_only_project_folder_exits_1_with_one_line_and_changes_nothing(film: Path) -> None:
    assert run("say", film, "make shot 3 a close-up").returncode == 0  # a conversation and a reel to lose
    before = snapshot(film)
    done = namespaced(
        f"""
        mount --bind {film} {film} && mount -o remount,ro,bind {film}
        "$PYTHON" -m ui.cli say {film} "make shot 2 a close-up" && exit 99 || echo "exit $?"
        """
    )
    assert done.stdout.strip() == "exit 1", done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("failed: ") and ("Read-only file system" in line or "is the folder writable" in line)
    assert "memory-rebuild" not in line
    assert snapshot(film) == before


@pytest.mark.parametrize("free_kib", [4, 40, 400])
def test_a_full_disk_exits_1_with_one_line_and_loses_nothing(film: Path, tmp_path: Path, free_kib: int) -> None:
    """A disk filled to leave a few KiB: the conversation, the revision or the render runs out of room."""
    assert run("say", film, "make shot 3 a close-up").returncode == 0
    before = snapshot(film)
    disk, copy = tmp_path / "disk", tmp_path / "disk" / "film"
    kept = tmp_path / "kept"
    disk.mkdir()
    done = namespaced(
        f"""
        mount -t tmpfs -o size=64m tmpfs {disk}
        cp -a {film} {copy}
        dd if=/dev/zero of={disk}/filler bs=1M 2>/dev/null || true
        truncate -s -{free_kib}K {disk}/filler
        "$PYTHON" -m ui.cli say {copy} "make shot 4 a close-up" && exit 99 || echo "exit $?"
        rm {disk}/filler
        "$PYTHON" -m ui.cli show {copy} > /dev/null
        cp -a {copy} {kept}
        """
    )
    printed = [line for line in done.stdout.splitlines() if not line.startswith("Playing as it renders: ")]
    assert printed == ["exit 1"], done.stdout + done.stderr  # the live reel's path may come first
    said = done.stderr.strip().splitlines()
    assert len(said) == 1 and said[0].startswith("failed: "), said
    assert "No space left" in said[0] or "disk not full" in said[0] or "disk I/O error" in said[0]
    assert "memory-rebuild" not in said[0]
    after = snapshot(kept)
    # The edit either never happened, or it is whole: story.json holds a revision in history.
    for name, data in before.items():
        if name not in ("story.json", "history/HEAD"):
            assert after[name] == data, f"{name} changed"
    current = ProjectFolder.open(kept).load()
    assert current.revision in {r.number for r in ProjectFolder.open(kept).revisions()}
    assert [p.name for p in kept.rglob("*.tmp")] == [], "no temp files are left"

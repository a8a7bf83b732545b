"""Takes are read back before they are trusted, and so is the reel.

A take on disk that is emptied, cut short, holds no video stream, will not decode or runs at another
rate is rendered again, and the person is told; the reel's own frame count is read back after
every assembly, and a reel that is not the one planned is an error, never a printed success.
Real files, real ffmpeg, read back through PyAV.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from probing import probe
from scripted import ScriptedDirector, small_story

from agent.production import Production
from story import MissingTake, ProjectFolder
from tools.edit.assemble import assemble_cut
from tools.media.codec import EncodeError, FrameEncoder, Profile, ffmpeg_exe, video_problem

REPO = Path(__file__).resolve().parent.parent


def new_production(root: Path) -> Production:
    production, _ = Production.new(root, "a brief", director=ScriptedDirector(story=[small_story()]))
    return production


def take_of(production: Production, number: int) -> Path:
    shot = production.project.shots[number - 1]
    return production.folder.root / shot.takes[-1].path


def emptied(path: Path) -> None:
    path.write_bytes(b"")


def cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def sound_only(path: Path) -> None:
    ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-f", "mp4", str(path)])


def scrambled_head(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(bytes(255 - b for b in data[:4096]) + data[4096:])


def half_speed(path: Path) -> None:
    """Every frame there, each held twice as long: the take runs at half the project's rate."""
    slow = path.with_name("slow.mp4")
    ffmpeg(["-itsscale", "2", "-i", str(path), "-c", "copy", "-f", "mp4", str(slow)])
    slow.replace(path)


def ffmpeg(args: list[str]) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


DAMAGES: dict[str, Callable[[Path], None]] = {
    "emptied": emptied,
    "cut in half": cut_in_half,
    "no video stream": sound_only,
    "undecodable": scrambled_head,
    "another rate": half_speed,
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_take_is_rendered_again_and_said_so(tmp_path: Path, damage: str) -> None:
    production = new_production(tmp_path / "film")
    take = take_of(production, 2)
    frames = production.project.shots[1].duration_frames
    DAMAGES[damage](take)
    assert video_problem(take, frames, production.project.fps) is not None, "the damage is seen"

    result = production.render()

    assert result.rendered == [2], "only the damaged shot renders again"
    assert any(w.startswith("shot 2's take was damaged (") and "rendered it again" in w for w in result.warnings), (
        result.warnings
    )
    assert probe(take).frames == frames
    project = production.project
    paths = [t.path for t in project.shots[1].takes]
    assert len(paths) == len(set(paths)), "the take rendered again replaces its record, not a second copy of it"
    assert probe(result.reel).frames == result.frames == project.total_frames()  # type: ignore[arg-type]
    assert production.render().rendered == [], "the new take is trusted"


def test_render_prints_the_frames_the_reel_holds_after_a_take_was_emptied(tmp_path: Path) -> None:
    """Issue 14: emptying a take file, `render` printed "389 frames" and wrote 245."""
    root = tmp_path / "film"
    production = new_production(root)
    emptied(take_of(production, 1))
    production.close()
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "render", str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=os.environ | {"COLUMNS": "200", "STORYREEL_MEMORY": "off"},
    )
    assert done.returncode == 0, done.stderr
    assert "shot 1's take was damaged" in done.stderr and "rendered it again" in done.stderr
    printed = re.search(r"\((\d+) frames", done.stdout)
    assert printed is not None, done.stdout
    reel = probe(root / "cut" / "storyreel.mp4").frames
    assert int(printed.group(1)) == reel == ProjectFolder.open(root).load().total_frames()


def test_assembly_refuses_a_damaged_take_it_is_handed(tmp_path: Path) -> None:
    production = new_production(tmp_path / "film")
    cut_in_half(take_of(production, 3))
    with pytest.raises(MissingTake, match=r"shot 3's take is damaged \(.*holds \d+ frames, not 18\); render again"):
        assemble_cut(production.folder, production.project)


def test_a_reel_that_comes_out_short_is_an_error_and_the_last_reel_stays(tmp_path: Path) -> None:
    """A take swapped after it was read (same file, size and time: nothing tells it apart from the
    take read before) gets past the take check; the reel's own frame count still catches it."""
    production = new_production(tmp_path / "film")
    reel = production.folder.root / "cut" / "storyreel.mp4"
    kept = reel.read_bytes()
    take = take_of(production, 2)
    facts = take.stat()
    style = production.project.style
    short = tmp_path / "short.mp4"
    with FrameEncoder(short, Profile(style.width, style.height, style.fps)) as encoder:
        for _ in range(4):
            encoder.write(np.zeros((style.height, style.width, 3), np.uint8))
    data = short.read_bytes()
    padding = facts.st_size - len(data)
    assert padding >= 8, "the short take is smaller than the real one"
    with take.open("r+b") as handle:  # in place: the same inode
        handle.write(data + padding.to_bytes(4, "big") + b"free" + bytes(padding - 8))  # an mp4 `free` box
    os.utime(take, ns=(facts.st_atime_ns, facts.st_mtime_ns))
    assert take.stat().st_size == facts.st_size and take.stat().st_ino == facts.st_ino

    with pytest.raises(EncodeError, match=r"the joined reel has \d+ frames, not the \d+ planned"):
        production.render()
    assert reel.read_bytes() == kept, "the last good reel is not replaced by a short one"

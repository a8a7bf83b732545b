"""Visual checks without weights: a consistent reel passes, a recoloured take and a lost cut are caught."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from evals.visual import check_reel, flicker, read_frames, score_cuts, shot_starts, table
from story import Project, ProjectFolder, SetStyle, apply

BRIEF = """Mara, a keeper in a red coat, climbs the lighthouse stairs.
Tomas, a fisherman in a blue jacket, waits on the quay.
Mara waves at Tomas from the top.
Tomas waves back and smiles.
At night Mara lights the lamp."""
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small rendered reel (320x180): planned by the offline director, drawn by the animatic."""
    from agent.offline import OfflineDirector
    from agent.production import Production

    root = tmp_path_factory.mktemp("visual") / "film"
    project = apply(Project(), [*OfflineDirector().plan(BRIEF), SetStyle(changes={"width": 320, "height": 180})])
    with pytest.MonkeyPatch.context() as env:
        env.setenv("STORYREEL_MEMORY", "off")
        production = Production(ProjectFolder.create(root, project, message="planned"))
        production.render()
        production.close()
    return root


@pytest.mark.slow
def test_a_consistent_reel_passes_every_check(film: Path) -> None:
    report = check_reel(film)
    assert report.cuts.recall == 1.0 and report.cuts.precision == 1.0, report.cuts
    assert report.colour_consistency == 1.0, report.problems()
    assert {c.character for c in report.colours} >= {"Mara"}
    assert 0.0 < report.flicker.mean < 5.0
    assert "character colour consistency | 1.000" in table(report)


@pytest.mark.slow
def test_a_renderer_that_recolours_a_character_is_caught(film: Path, tmp_path: Path) -> None:
    from tools.edit.assemble import assemble_cut
    from tools.media.codec import FrameEncoder, Profile

    broken = tmp_path / "film"
    shutil.copytree(film, broken)
    folder = ProjectFolder.open(broken)
    project = folder.load()
    number = next(n for n, s in enumerate(project.shots, 1) if s.characters == ["mara"] and n > 1)
    take = folder.path(project.shots[number - 1].takes[-1].path)
    frames = read_frames(take, width=project.style.width)
    with FrameEncoder(take.with_suffix(".tmp.mp4"), Profile(320, 180, project.fps)) as encoder:
        for frame in frames:
            encoder.write(np.ascontiguousarray(frame[:, :, ::-1]))  # red coat -> blue: channels swapped
    take.with_suffix(".tmp.mp4").replace(take)
    assemble_cut(folder, project)

    report = check_reel(broken)
    assert report.colour_consistency < 1.0
    mara = next(c for c in report.colours if c.character == "Mara")
    assert mara.missing == [number]
    assert f"shot {number}: Mara's colour" in "\n".join(report.problems())


def test_cut_scores_count_misses_and_strays() -> None:
    from conftest import small_project

    project = small_project()
    boundaries = [start for start in shot_starts(project) if start > 0]
    perfect = score_cuts(project, boundaries, "test")
    assert (perfect.precision, perfect.recall) == (1.0, 1.0) and perfect.expected_hard
    assert score_cuts(project, [b + 1 for b in boundaries], "test").recall == 1.0  # within one frame
    hard = perfect.expected_hard[-1]
    stray = hard + 10
    lost = score_cuts(project, [*(b for b in boundaries if b != hard), stray], "test")
    assert lost.missed == [hard] and lost.recall < 1.0
    assert lost.spurious == [stray] and lost.precision == (len(boundaries) - 1) / len(boundaries)
    # A dissolve may be found where it starts, a few frames before the boundary: not a stray cut.
    from story import UpdateShot
    from story.edits import ShotChanges

    dissolved = apply(project, UpdateShot(shot_id=project.shots[2].id, changes=ShotChanges(transition="dissolve")))
    soft = shot_starts(dissolved)[2]
    early = score_cuts(dissolved, [soft - 5], "test")
    assert early.spurious == [] and soft not in early.expected_hard
    assert score_cuts(project, [shot_starts(project)[2] - 5], "test").spurious  # on a hard cut it would be


def test_flicker_is_change_inside_shots_not_at_cuts() -> None:
    still = np.zeros((10, 4, 4, 3), np.uint8)
    assert flicker(still, [0]).mean == 0.0
    cut = still.copy()
    cut[5:] = 255  # a hard cut at frame 5: not flicker
    assert flicker(cut, [0, 5]).mean == 0.0
    strobe = still.copy()
    strobe[1::2] = 255
    assert flicker(strobe, [0]).mean == 255.0


@pytest.mark.slow
def test_storyreel_eval_runs_the_visual_checks_on_a_folder(film: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "eval", "--cases", "keeper-storm", "--out", str(tmp_path), "--visual",
         str(film)],
        capture_output=True, text=True, cwd=REPO, env=os.environ | {"COLUMNS": "200"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "brief_coverage" in done.stdout and "cut recall" in done.stdout
    assert (tmp_path / "report.md").is_file() and (tmp_path / "report.json").is_file()

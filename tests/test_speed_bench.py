"""`storyreel bench`: the cheap pieces run and land in one table, each beside its baseline and target."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.speed import PIECES, markdown, run_all

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_pieces_measure_against_baselines_from_the_same_run() -> None:
    rows = run_all(quick=True, only={"director", "startup"})
    assert [r.measure for r in rows] == ["director turn (graph, checkpoint, tools)", "storyreel --help"]
    for row in rows:
        assert not row.note.startswith("failed"), row.note
        assert row.value > 0 and row.baseline_value > 0 and math.isfinite(row.ratio)
        assert row.ratio == pytest.approx(row.value / row.baseline_value)
        assert row.target
    table = markdown(rows)
    assert table.splitlines()[0].startswith("| measure | value | baseline")
    assert "storyreel --help" in table and "python -c pass" in table


def test_an_unknown_piece_is_a_clear_mistake() -> None:
    with pytest.raises(ValueError, match="unknown benchmark 'speedy'; known: " + ", ".join(PIECES)):
        run_all(only={"speedy"})
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "bench", "--only", "speedy"],
        capture_output=True, text=True, cwd=REPO, env=os.environ | {"COLUMNS": "200"},
    )  # fmt: skip
    assert done.returncode == 2 and "unknown benchmark 'speedy'" in done.stderr


def test_a_piece_that_needs_the_reel_says_so_in_its_row() -> None:
    rows = run_all(only={"assembly"})
    assert len(rows) == 1 and rows[0].ok is False and "needs the reel" in rows[0].note

"""`storyreel bench`: the cheap pieces run and land in one table, each beside its baseline and target."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.speed import PIECES, Row, markdown, run_all

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


def test_the_table_prints_counts_as_people_read_them() -> None:
    rows = [
        Row("prompt tokens: new", 1344, "tokens", "target", 1500, 0.896, "<= 1,500", True),
        Row("memory recall p95", 0.0123, "s", "bare query", 0.0101, 1.22, "<= 1.5", True),
    ]
    table = markdown(rows)
    assert "| 1,344 tokens | target | 1,500 tokens |" in table and "e+" not in table
    assert "| 0.0123 s | bare query | 0.0101 s |" in table

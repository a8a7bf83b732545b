"""The quality suite: briefs and conversations with expected outcomes, scored on any director.

`python -m evals.quality` or `storyreel eval` runs it; see docs/evals.md.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from evals.quality.cases import Case, CaseError, load_cases
from evals.quality.report import below_floor, load_floors, metrics, write_reports
from evals.quality.suite import CaseScore, OfflineUnderTest, run_suite


def run(
    cases: list[Case] | None = None, *, director: str = "offline", settings: Any = None, judge: bool = False
) -> tuple[list[CaseScore], str, float]:
    """Score the cases on the named director; returns the scores, the director's name and the seconds taken."""
    chosen = cases if cases is not None else load_cases()
    started = time.perf_counter()
    if director == "offline":
        scores = run_suite(chosen, OfflineUnderTest)
        name = "offline"
    else:
        from evals.quality.judge import make_judge
        from evals.quality.suite import ModelUnderTest

        if settings is None or not settings.configured:
            raise CaseError("no model is configured: set OPENAI_BASE_URL and STORYREEL_MODEL (see docs/director.md)")
        scores = run_suite(chosen, lambda: ModelUnderTest(settings), make_judge(settings) if judge else None)
        name = f"model {settings.model}"
    return scores, name, time.perf_counter() - started


__all__ = ["CaseError", "below_floor", "load_cases", "load_floors", "metrics", "run", "write_reports", "Path"]

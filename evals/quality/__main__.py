"""`python -m evals.quality [--cases GLOB] [--out DIR]`: the quality suite on the offline director."""

from __future__ import annotations

import argparse
from pathlib import Path

from evals.quality import load_cases, load_floors, run, write_reports
from evals.quality.report import metrics, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default=None)
    parser.add_argument("--out", type=Path, default=Path("eval-report"))
    args = parser.parse_args()
    scores, name, seconds = run(load_cases(args.cases))
    floors = load_floors()
    md, _ = write_reports(args.out, scores, name, floors, seconds)
    print(table(metrics(scores), floors))
    print(f"report: {md}")


if __name__ == "__main__":
    main()

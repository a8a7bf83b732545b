"""The quality suite's metrics, floors, and its report as Markdown and JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

from evals.quality.suite import CaseScore, as_json

FLOORS_FILE = Path(__file__).resolve().parent / "floors.json"

METRICS: dict[str, tuple[str, str]] = {
    # name: (what it measures, "min" when higher is better / "max" when lower is better)
    "brief_coverage": ("named characters and beats of the brief that have a shot", "min"),
    "plan_checks": ("other expectations of the planned story met", "min"),
    "speaker_attribution": ("lines of the briefs said by the one a careful reader names", "min"),
    "edit_precision": ("of what a turn changed, the share that was asked for", "min"),
    "edit_recall": ("parts of the instructions done (every check of every turn)", "min"),
    "duration_adherence": ("length checks met ('about a minute' -> 50-70 s)", "min"),
    "continuity_violations": ("continuity problems in the final stories (fewer is better)", "max"),
    "valid_vocabulary": ("shots in the story vocabulary and grammar", "min"),
    "partial_done": ("turns that applied a change (said Done) while a check of the turn failed", "max"),
}


@dataclass(frozen=True)
class Metric:
    """One metric's value over the suite, with what it was counted from."""

    name: str
    value: float
    count: str


def _ratio(passed: int, total: int) -> float:
    return passed / total if total else 1.0


def metrics(scores: list[CaseScore]) -> dict[str, Metric]:
    """Every metric over all cases (pooled: each check counts once)."""
    coverage = [o for s in scores for o in s.coverage]
    plans = [o for s in scores for o in s.plan_checks]
    spoken = [o for s in scores for o in s.speakers]
    turns = [t for s in scores for t in s.turns]
    turn_checks = [o for t in turns for o in t.checks]
    precisions = [t.precision for t in turns if t.precision is not None]
    duration = [o for s in scores for o in s.duration] + [o for o in turn_checks if o.check.startswith("total seconds")]
    problems = sum(len(s.problems) for s in scores)
    shots = sum(s.shots_checked for s in scores)
    invalid = sum(len(s.invalid_shots) for s in scores)
    errors = sum(1 for s in scores if s.error)
    partial = sum(1 for t in turns if t.action == "edit" and t.changed and any(not o.passed for o in t.checks))
    passed = sum
    values = {
        "brief_coverage": (
            _ratio(passed(o.passed for o in coverage), len(coverage) + errors),
            f"{passed(o.passed for o in coverage)}/{len(coverage) + errors} items",
        ),
        "plan_checks": (
            _ratio(passed(o.passed for o in plans), len(plans)),
            f"{passed(o.passed for o in plans)}/{len(plans)} checks",
        ),
        "speaker_attribution": (
            _ratio(passed(o.passed for o in spoken), len(spoken)),
            f"{passed(o.passed for o in spoken)}/{len(spoken)} lines",
        ),
        "edit_precision": (mean(precisions) if precisions else 1.0, f"mean of {len(precisions)} turns"),
        "edit_recall": (
            _ratio(passed(o.passed for o in turn_checks), len(turn_checks)),
            f"{passed(o.passed for o in turn_checks)}/{len(turn_checks)} checks in {len(turns)} turns",
        ),
        "duration_adherence": (
            _ratio(passed(o.passed for o in duration), len(duration)),
            f"{passed(o.passed for o in duration)}/{len(duration)} length checks",
        ),
        "continuity_violations": (float(problems), f"in {len(scores)} final stories"),
        "valid_vocabulary": (1.0 - invalid / shots if shots else 1.0, f"{shots - invalid}/{shots} shots"),
        "partial_done": (float(partial), f"of {len(turns)} turns"),
    }
    return {name: Metric(name, value, count) for name, (value, count) in values.items()}


def load_floors(path: Path = FLOORS_FILE) -> dict[str, float]:
    """The floors recorded in the repo, metric -> bound."""
    data = json.loads(path.read_text())
    return {k: float(v) for k, v in data.get("offline", data).items() if k in METRICS}


def below_floor(found: dict[str, Metric], floors: dict[str, float]) -> list[str]:
    """Metrics on the wrong side of their floor, each said in a line."""
    lines = []
    for name, bound in floors.items():
        value = found[name].value
        sense = METRICS[name][1]
        if (sense == "min" and value < bound - 1e-9) or (sense == "max" and value > bound + 1e-9):
            lines.append(f"{name} is {value:.3f}, {'below' if sense == 'min' else 'above'} its floor {bound:g}")
    return lines


def judge_summary(scores: list[CaseScore]) -> dict[str, Any] | None:
    """Mean judge scores (0-4), apart from the deterministic metrics; None when no judge ran."""
    judged = [s.judge for s in scores if s.judge and "camera" in s.judge]
    if not any(s.judge for s in scores):
        return None
    return {
        "cases judged": len(judged),
        "camera choices (0-4)": round(mean(j["camera"] for j in judged), 2) if judged else None,
        "faithfulness (0-4)": round(mean(j["faithfulness"] for j in judged), 2) if judged else None,
        "judge errors": sum(1 for s in scores if s.judge and "camera" not in s.judge),
    }


def table(found: dict[str, Metric], floors: dict[str, float] | None = None) -> str:
    """The metrics as a Markdown table (plain enough for a terminal)."""
    rows = ["| metric | value | counted over | floor | ok |", "|---|---:|---|---:|:-:|"]
    floors = floors or {}
    for name, metric in found.items():
        bound = floors.get(name)
        sense = METRICS[name][1]
        value = f"{metric.value:.0f}" if sense == "max" else f"{metric.value:.3f}"
        if bound is None:
            rows.append(f"| {name} | {value} | {metric.count} | – | |")
            continue
        ok = metric.value >= bound - 1e-9 if sense == "min" else metric.value <= bound + 1e-9
        shown = f"{'≤' if sense == 'max' else '≥'} {bound:g}"
        rows.append(f"| {name} | {value} | {metric.count} | {shown} | {'yes' if ok else 'NO'} |")
    return "\n".join(rows)


def markdown(scores: list[CaseScore], director: str, floors: dict[str, float] | None, seconds: float) -> str:
    """The whole report: the metrics, the judge apart, one row a case, then every failure explained."""
    found = metrics(scores)
    lines = [
        f"# storyreel quality suite — {director} director",
        "",
        f"{len(scores)} cases, {sum(len(s.turns) for s in scores)} turns, {seconds:.1f} s.",
        "",
        table(found, floors),
        "",
    ]
    judged = judge_summary(scores)
    if judged:
        lines += ["## Judge (a second model call, apart from the metrics above)", ""]
        lines += [f"- {k}: {v}" for k, v in judged.items()] + [""]
    lines += [*by_tag(scores), ""]
    lines += [
        "## Cases",
        "",
        "| case | genre | form | shots | seconds | coverage | recall | precision | problems | failures |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        cov = f"{sum(o.passed for o in s.coverage)}/{len(s.coverage)}"
        checks = [o for t in s.turns for o in t.checks]
        rec = f"{sum(o.passed for o in checks)}/{len(checks)}"
        precisions = [t.precision for t in s.turns if t.precision is not None]
        prec = f"{mean(precisions):.2f}" if precisions else "–"
        lines.append(
            f"| {s.id} | {s.genre} | {s.form} | {s.shots} | {s.seconds:.1f} | {cov} | {rec} | {prec} | "
            f"{len(s.problems)} | {len(s.failures())} |"
        )
    failing = [s for s in scores if s.failures()]
    lines += ["", "## Failures, explained", ""]
    if not failing:
        lines.append("None.")
    for s in failing:
        lines += [f"### {s.id} — {s.title}", ""]
        lines += [f"- {line}" for line in s.failures()]
        if s.judge and s.judge.get("why"):
            lines.append(f"- judge: {s.judge['why']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def by_tag(scores: list[CaseScore]) -> list[str]:
    """Coverage and recall for each kind of case (its form and tags), to see where a director is weak."""
    groups: dict[str, list[CaseScore]] = {}
    for score in scores:
        for label in [score.form, *score.tags]:
            groups.setdefault(label, []).append(score)
    lines = [
        "## By kind of case",
        "",
        "| kind | cases | coverage | recall | cases failing |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, group in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        if len(group) < 2:
            continue
        found = metrics(group)
        failing = sum(1 for s in group if s.failures())
        lines.append(
            f"| {label} | {len(group)} | {found['brief_coverage'].value:.3f} | {found['edit_recall'].value:.3f} | "
            f"{failing} |"
        )
    return lines


def as_report_json(
    scores: list[CaseScore], director: str, floors: dict[str, float] | None, seconds: float
) -> dict[str, Any]:
    """The report as data."""
    found = metrics(scores)
    return {
        "director": director,
        "cases": len(scores),
        "seconds": round(seconds, 3),
        "metrics": {
            name: {"value": m.value, "counted": m.count, "floor": (floors or {}).get(name)} for name, m in found.items()
        },
        "below_floor": below_floor(found, floors or {}),
        "judge": judge_summary(scores),
        "results": [as_json(s) for s in scores],
    }


def write_reports(
    out: Path, scores: list[CaseScore], director: str, floors: dict[str, float] | None, seconds: float
) -> tuple[Path, Path]:
    """Write report.md and report.json into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "report.md", out / "report.json"
    md.write_text(markdown(scores, director, floors, seconds), encoding="utf-8")
    js.write_text(json.dumps(as_report_json(scores, director, floors, seconds), indent=2, default=str) + "\n")
    return md, js

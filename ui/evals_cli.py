"""`storyreel eval` (the director's quality) and `storyreel bench` (the product's speed).

Registered through `COMMAND_MODULES` in ui.cli, on `ui.door.app`; everything heavy is imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from ui.door import PersonError, app, door, err, out

EVAL_FAILED = 3  # a metric below its floor: the suite ran, the director regressed


@app.command("eval")
def eval_command(
    director: Annotated[
        str, typer.Option("--director", help="offline (default; no model) or model (OPENAI_BASE_URL, STORYREEL_MODEL).")
    ] = "offline",
    cases: Annotated[
        str | None, typer.Option("--cases", help="A glob of case files, or of case names ('noir-*').")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Where report.md and report.json go.")] = Path("eval-report"),
    judge: Annotated[
        bool, typer.Option("--judge", help="With a model: a second call scores each shot list 0-4.")
    ] = False,
    visual: Annotated[
        Path | None, typer.Option("--visual", help="Also run the visual checks on this project folder's reel.")
    ] = None,
    floors: Annotated[
        bool, typer.Option("--floors/--no-floors", help="Fail (exit 3) below the recorded floors.")
    ] = True,
    depicted: Annotated[
        bool,
        typer.Option(
            "--depicted", help="Also measure what the panels draw of what each shot names (evals/depicted.py)."
        ),
    ] = False,
    model: Annotated[
        bool,
        typer.Option(
            "--model",
            help="Run the configured model (OPENAI_BASE_URL, STORYREEL_MODEL: the director's settings) and the "
            "offline director on the same cases; one table, side by side.",
        ),
    ] = False,
) -> None:
    """Score the director on the quality suite (evals/quality/cases) and write a Markdown and JSON report."""
    if model:
        _beside(cases, out_dir, judge, floors)
        return
    with door():
        from evals.quality import CaseError, load_cases, load_floors, run, write_reports
        from evals.quality.report import below_floor, judge_summary, metrics, table

        if director not in ("offline", "model"):
            raise PersonError(f"--director must be offline or model but is {director!r}")
        if judge and director != "model":
            raise PersonError("--judge needs --director model (the judge is a second model call)")
        settings = None
        if director == "model":
            from agent.llm import ModelSettings

            settings = ModelSettings.from_env()
        try:
            chosen = load_cases(cases)
            scores, name, seconds = run(chosen, director=director, settings=settings, judge=judge)
        except CaseError as exc:
            raise PersonError(str(exc)) from None
        recorded = load_floors() if director == "offline" and cases is None else {}
        md, js = write_reports(out_dir, scores, name, recorded, seconds)
        found = metrics(scores)
        out.print(f"[bold]Quality suite[/] — {name} director: {len(scores)} cases in {seconds:.1f}s", highlight=False)
        out.print(table(found, recorded), highlight=False, markup=False, soft_wrap=True)
        judged = judge_summary(scores)
        if judged:
            out.print("Judge (apart from the metrics): " + ", ".join(f"{k} {v}" for k, v in judged.items()))
        failing = [s for s in scores if s.failures()]
        out.print(f"{len(failing)} of {len(scores)} cases have failures, each explained in {md}", highlight=False)
        out.print(f"JSON: {js}", highlight=False)
        if visual is not None:
            _visual(visual)
        low = below_floor(found, recorded) if floors else []
        if depicted:
            from evals.depicted import FLOOR, report, score_sets

            for scored in score_sets():
                out.print(report(scored), highlight=False, markup=False)
                if floors and scored.mean < FLOOR:
                    low.append(f"depicted on the {scored.name} {scored.mean:.2f} < {FLOOR}")
        for line in low:
            err.print(f"[red]below floor[/]: {line}", highlight=False)
    if low:
        raise typer.Exit(EVAL_FAILED)


def _beside(cases: str | None, out_dir: Path, judge: bool, floors: bool) -> None:
    """`eval --model`: the offline director and the configured model on the same cases, one table;
    the model's report in `out_dir`, the offline one in `out_dir/offline`."""
    with door():
        from agent.llm import ModelSettings
        from evals.quality import CaseError, load_cases, load_floors, run, write_reports
        from evals.quality.report import below_floor, metrics

        settings = ModelSettings.from_env()
        try:
            chosen = load_cases(cases)
            if not settings.configured:
                raise CaseError(
                    "no model is configured: set OPENAI_BASE_URL and STORYREEL_MODEL (see docs/director.md)"
                )
            offline, _, offline_s = run(chosen, director="offline")
            err.print(
                f"[dim]offline: {len(offline)} cases in {offline_s:.1f}s; now {settings.model}…[/]", highlight=False
            )
            scored, name, model_s = run(chosen, director="model", settings=settings, judge=judge)
        except CaseError as exc:
            raise PersonError(str(exc)) from None
        recorded = load_floors() if cases is None else {}
        write_reports(out_dir / "offline", offline, "offline", recorded, offline_s)
        md, js = write_reports(out_dir, scored, name, {}, model_s)
        found = metrics(offline)
        heading = f"Quality suite — offline ({offline_s:.1f}s) and {name} ({model_s:.1f}s): {len(scored)} cases"
        out.print(heading, highlight=False, markup=False)
        out.print(side_by_side(found, metrics(scored), recorded, name), highlight=False, markup=False, soft_wrap=True)
        failing = [s for s in scored if s.failures()]
        out.print(f"{len(failing)} of {len(scored)} cases have failures with the model, each explained in {md}")
        out.print(f"JSON: {js}", highlight=False)
        low = below_floor(found, recorded) if floors else []
        for line in low:
            err.print(f"[red]below floor[/] (offline): {line}", highlight=False)
    if low:
        raise typer.Exit(EVAL_FAILED)


def side_by_side(offline: dict[str, Any], model: dict[str, Any], floors: dict[str, float], name: str) -> str:
    """Two directors' metrics as one Markdown table: each metric, the offline value, the model's, the floor."""
    from evals.quality.report import METRICS

    def shown(metric: Any) -> str:
        return f"{metric.value:.0f}" if METRICS[metric.name][1] == "max" else f"{metric.value:.3f}"

    rows = [f"| metric | offline | {name} | floor |", "|---|---:|---:|---:|"]
    for key, mine in offline.items():
        theirs = model.get(key)
        bound = floors.get(key)
        limit = "–" if bound is None else f"{'≤' if METRICS[key][1] == 'max' else '≥'} {bound:g}"
        rows.append(f"| {key} | {shown(mine)} | {shown(theirs) if theirs else '–'} | {limit} |")
    return "\n".join(rows)


def _visual(root: Path, detector: Literal["content", "adaptive"] = "adaptive") -> None:
    from evals.visual import VisualError, check_reel, table

    try:
        report = check_reel(root, detector)
    except VisualError as exc:
        raise PersonError(str(exc)) from None
    out.print(f"[bold]Visual checks[/] — {report.reel}", highlight=False)
    out.print(table(report), highlight=False, markup=False, soft_wrap=True)
    for line in report.problems()[:20]:
        out.print(f"  • {line}", highlight=False)


@app.command("bench")
def bench_command(
    quick: Annotated[bool, typer.Option("--quick", help="Smaller sizes and one round: a minute, not several.")] = False,
    out_file: Annotated[Path | None, typer.Option("--out", help="Also write the table as JSON here.")] = None,
    only: Annotated[
        str | None,
        typer.Option("--only", help="Comma-separated: reel, assembly, visual, memory, director, startup."),
    ] = None,
) -> None:
    """Measure the product's speed in one run: every figure a ratio to a baseline measured beside it."""
    with door():
        import json

        from evals.speed import markdown, run_all

        chosen = {p.strip() for p in (only or "").split(",") if p.strip()} or None
        try:
            rows = run_all(
                quick=quick, only=chosen, progress=lambda line: err.print(f"[dim]{line}[/]", highlight=False)
            )
        except ValueError as exc:
            raise PersonError(str(exc)) from None
        out.print(markdown(rows), highlight=False, markup=False, soft_wrap=True)
        if out_file is not None:
            out_file.write_text(json.dumps([row.as_json() for row in rows], indent=2) + "\n")
            out.print(f"JSON: {out_file}", highlight=False)

"""The quality suite on the offline director: scores in the test log, and a failure below any floor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import small_project

from evals.quality import load_cases, load_floors, run, write_reports
from evals.quality.cases import CaseError, load_case
from evals.quality.checks import CheckError, diff_paths, run_check
from evals.quality.report import METRICS, below_floor, metrics, table
from evals.quality.suite import Answer, score_case
from story import Project, UpdateShot, apply
from story.edits import ShotChanges


@pytest.fixture(scope="module")
def suite() -> tuple[list, str, float]:
    return run(load_cases())


def test_the_suite_meets_its_floors(suite: tuple[list, str, float], capsys: pytest.CaptureFixture[str]) -> None:
    scores, name, seconds = suite
    floors = load_floors()
    found = metrics(scores)
    with capsys.disabled():  # the scores belong in the CI log, with or without -s
        print(f"\n\nquality suite, {name} director: {len(scores)} cases in {seconds:.2f}s")
        print(table(found, floors))
        failing = [s.id for s in scores if s.failures()]
        print(f"cases with failures (explained in the report): {', '.join(failing) or 'none'}\n")
    assert len(scores) >= 40
    assert set(floors) == set(METRICS)
    assert below_floor(found, floors) == []


def test_the_report_explains_each_failure(suite: tuple[list, str, float], tmp_path: Path) -> None:
    scores, name, seconds = suite
    md, js = write_reports(tmp_path, scores, name, load_floors(), seconds)
    data = json.loads(js.read_text())
    assert data["cases"] == len(scores) and data["below_floor"] == []
    for score in scores:
        found = next(r for r in data["results"] if r["id"] == score.id)
        assert found["failures"] == score.failures()
    # a turn no director part reads is explained in both reports (the suite's own cases may all pass)
    from evals.quality.cases import Case, Turn
    from evals.quality.suite import OfflineUnderTest

    unread = Case(id="unread", title="unread", brief="A man waits at the station in the rain.",
                  turns=[Turn(say="florp the kettle", checks=["changed shots >= 1"], allow=["shot *"])])  # fmt: skip
    score = score_case(unread, OfflineUnderTest())
    md, js = write_reports(tmp_path / "unread", [score], name, load_floors(), seconds)
    failures = json.loads(js.read_text())["results"][0]["failures"]
    assert any("florp the kettle" in line and "did not understand" in line for line in failures)
    text = md.read_text()
    assert "## Failures, explained" in text and "### unread" in text


def test_a_director_that_changes_too_much_loses_precision_and_one_that_does_nothing_loses_recall() -> None:
    case = load_case(Path(__file__).parent.parent / "evals/quality/cases/keeper-storm.yaml")

    class Clumsy:
        """Plans like the offline director; answers every turn by changing shot 1's lens too."""

        name = "clumsy"

        def __init__(self, lazy: bool = False) -> None:
            from agent.offline import OfflineDirector

            self.inner, self.lazy = OfflineDirector(), lazy

        def plan(self, brief: str) -> list:
            return self.inner.plan(brief)

        def turn(self, project: Project, message: str) -> Answer:
            if self.lazy:
                return Answer(edits=[], reply="no", action="none")
            direction = self.inner.turn(project, message)
            extra = UpdateShot(shot_id=project.shots[0].id, changes=ShotChanges(lens_mm=18))
            edits = [*direction.edits, extra] if direction.action == "edit" else direction.edits
            return Answer(edits=edits, reply=direction.reply, action=direction.action)

    clumsy = score_case(case, Clumsy())
    assert clumsy.turns[0].precision is not None and clumsy.turns[0].precision < 1.0
    assert any("also changed shot s1.lens_mm" in line for line in clumsy.failures())
    lazy = score_case(case, Clumsy(lazy=True))
    assert not any(o.passed for o in lazy.turns[0].checks)
    assert metrics([lazy])["edit_recall"].value < 0.5


def test_checks_read_the_story() -> None:
    project = small_project()
    assert run_check("shots == 5", project).passed
    assert run_check("shot 2 size == WS", project).passed
    assert not run_check("shot 2 size == CU", project).passed
    assert run_check("character Mara shots >= 1", project).passed
    assert run_check("shot 3 speakers contains Tom", project).passed
    missing = run_check("shot 17 size == CU", project)
    assert not missing.passed and "there is no shot 17" in missing.found
    with pytest.raises(CheckError, match="unknown subject"):
        run_check("shoot 3 size == CU", project)
    after = apply(project, UpdateShot(shot_id="s2", changes=ShotChanges(size="CU")))
    assert run_check("changed shots == 1", after, project).passed
    assert diff_paths(project, after) == ["shot s2.size"]


def test_a_broken_case_file_says_which_and_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nbrief: a brief\nturns:\n  - checks: [shots == 1]\n")
    with pytest.raises(CaseError, match=r"bad.yaml: turns.0.say"):
        load_case(bad)
    with pytest.raises(CaseError, match="no case files match"):
        load_cases("no-such-case-*")


def test_every_case_plans(suite: tuple[list, str, float]) -> None:
    scores, _, _ = suite
    assert not [s.id for s in scores if s.error]
    assert {s.form for s in scores} == {"prose", "fountain"}


def test_a_configured_model_runs_through_the_product_door_and_the_judge_scores_apart(tmp_path: Path) -> None:
    from llm_server import ChatServer, text, tool_call

    from agent.llm import ModelSettings
    from evals.quality.report import judge_summary

    case_file = tmp_path / "lamp.yaml"
    case_file.write_text(
        "title: Lamp\nbrief: Ines lights the lamp. A boat hits the reef.\n"
        "plan: {characters: [Ines], beats: [[lamp], [reef]]}\n"
        "turns:\n  - say: make shot 2 a close-up\n    checks: [shot 2 size == CU]\n    allow: [shot 2.size]\n"
    )
    story = {
        "bible": {"title": "Lamp"},
        "characters": [{"id": "ines", "name": "Ines"}],
        "locations": [],
        "shots": [{"action": "Ines lights the lamp.", "characters": ["ines"]}, {"action": "A boat hits the reef."}],
    }
    with ChatServer() as server:
        server.queue += [
            tool_call("create_story", story),  # a plan that holds ends the planning turn
            tool_call("update_shot", {"shot": 2, "size": "CU", "lens_mm": 85}),  # one change too many
            text("Done."),
            text('{"camera": 3, "faithfulness": 4, "why": "clear coverage"}'),
        ]
        settings = ModelSettings(base_url=server.url, api_key="x", model="m", timeout_s=10, max_retries=0)
        scores, name, _ = run([load_case(case_file)], director="model", settings=settings, judge=True)
    [score] = scores
    assert name == "model m" and not score.error, score.failures()
    assert all(o.passed for o in score.coverage)
    turn = score.turns[0]
    assert [o.passed for o in turn.checks] == [True]
    assert turn.unexpected == ["shot s2.lens_mm"] and turn.precision == 0.5
    assert score.judge == {"camera": 3.0, "faithfulness": 4.0, "why": "clear coverage"}
    assert judge_summary(scores)["camera choices (0-4)"] == 3.0
    assert "Ines lights the lamp" in server.requests[-1]["messages"][1]["content"]  # the judge saw the shot list


def test_storyreel_eval_on_a_model_that_is_not_configured_is_a_clear_mistake(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "STORYREEL_CONFIG")}
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "eval", "--director", "model", "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=Path(__file__).parent.parent, env=env | {"HOME": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 2 and "no model is configured" in done.stderr


def test_a_check_with_a_typo_names_its_case(tmp_path: Path) -> None:
    case_file = tmp_path / "typo.yaml"
    case_file.write_text("title: t\nbrief: Ines lights the lamp.\nplan: {checks: [shots >== 1]}\n")
    with pytest.raises(CaseError, match=r"case typo: check 'shots >== 1' needs"):
        run([load_case(case_file)])

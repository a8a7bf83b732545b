"""Run the quality suite: each case's brief through a director, then its conversation, scored.

The director is reached through the door the product uses: `plan(brief)` for the story and
`turn` for each message, the same for the offline and the model director (agent/director.py).
Edits go through `story.apply` in memory: nothing is rendered and no folder is written, so the
whole suite runs in seconds. Undo and redo step through the case's own history.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from evals.quality.cases import Case, CaseError, Turn
from evals.quality.checks import (
    CanonFromProject,
    CheckError,
    Outcome,
    allowed,
    diff_paths,
    find_character,
    resolve_allowed,
    run_check,
    speaker_outcomes,
    total_seconds,
)
from story import Angle, AnyEdit, EditError, Project, apply


@dataclass(kw_only=True)
class Answer:
    """A director's answer to one message, whichever director gave it."""

    edits: list[Any]
    reply: str
    action: Literal["edit", "undo", "redo", "none"] = "edit"


class SuiteDirector(Protocol):
    """What the suite needs of a director: a plan from a brief, and an answer to a message."""

    name: str

    def plan(self, brief: str) -> list[AnyEdit]: ...

    def turn(self, project: Project, message: str) -> Answer: ...


class OfflineUnderTest:
    """The offline director, a fresh one per case (it remembers the last shot talked about)."""

    name = "offline"

    def __init__(self) -> None:
        from agent.offline import OfflineDirector

        self.director = OfflineDirector()

    def plan(self, brief: str) -> list[AnyEdit]:
        return self.director.plan(brief)

    def turn(self, project: Project, message: str) -> Answer:
        plan = self.director.turn(project, message)
        return Answer(edits=list(plan.edits), reply=plan.reply, action=plan.action)  # type: ignore[arg-type]


class ModelUnderTest:
    """A configured model through `agent.directors.ModelDirector`, by the product's door: `plan` for the brief
    and `turn` for each message."""

    name = "model"

    def __init__(self, settings: Any, client: Any = None) -> None:
        from agent.directors import ModelDirector

        self.model = ModelDirector(settings, client=client)
        self.name = f"model {settings.model}"

    def plan(self, brief: str) -> list[AnyEdit]:
        return self.model.plan(brief)

    def turn(self, project: Project, message: str) -> Answer:
        plan = self.model.turn(project, message)
        edits, reply, action = plan.edits, plan.reply, plan.action
        if action not in ("edit", "undo", "redo", "none"):
            action = "edit" if edits else "none"  # e.g. a render request: the suite renders nothing
        return Answer(edits=list(edits), reply=reply, action=action)


@dataclass
class TurnScore:
    """How one turn went."""

    say: str
    reply: str
    action: str
    checks: list[Outcome]
    changed: list[str]
    unexpected: list[str]
    precision: float | None
    error: str = ""


@dataclass
class CaseScore:
    """How one case went, with every failure explained."""

    id: str
    title: str
    genre: str
    form: str
    tags: list[str]
    shots: int = 0
    seconds: float = 0.0
    coverage: list[Outcome] = field(default_factory=list)
    plan_checks: list[Outcome] = field(default_factory=list)
    speakers: list[Outcome] = field(default_factory=list)
    """One outcome per line the case expects: said by the one the case names."""
    duration: list[Outcome] = field(default_factory=list)
    """The planned story's length check; turns' length checks stay with their turns."""
    turns: list[TurnScore] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    invalid_shots: list[str] = field(default_factory=list)
    shots_checked: int = 0
    judge: dict[str, Any] | None = None
    error: str = ""
    wall_s: float = 0.0

    def failures(self) -> list[str]:
        """Every failure of the case, one line each, for the report."""
        lines = [f"plan: {self.error}"] if self.error else []
        lines += [f"coverage: {o.check} — {o.found}" for o in self.coverage if not o.passed]
        lines += [f"plan: {o.check} — found {o.found}" for o in self.plan_checks if not o.passed]
        lines += [f"speakers: {o.check} — found {o.found}" for o in self.speakers if not o.passed]
        lines += [f"duration: {o.check} — found {o.found}" for o in self.duration if not o.passed]
        for number, turn in enumerate(self.turns, 1):
            said = f"turn {number} “{turn.say}”"
            if turn.error:
                lines.append(f"{said}: {turn.error}")
            lines += [f"{said}: {o.check} — found {o.found}" for o in turn.checks if not o.passed]
            if turn.unexpected:
                lines.append(f"{said}: also changed {', '.join(turn.unexpected[:6])}")
            if any(not o.passed for o in turn.checks) and turn.action == "none" and turn.reply:
                lines.append(f"{said}: the director said: {turn.reply[:160]}")
        lines += [f"continuity: {p}" for p in self.problems]
        lines += [f"vocabulary: {v}" for v in self.invalid_shots]
        return lines


def score_case(case: Case, director: SuiteDirector, judge: Any = None) -> CaseScore:
    """Plan the brief, say each turn, and score everything the case expects."""
    started = time.perf_counter()
    score = CaseScore(case.id, case.title, case.genre, case.form, case.tags)
    try:
        from agent.brief import FountainText

        brief = FountainText(case.brief) if case.form == "fountain" else case.brief  # as a .fountain file is read
        project = apply(Project(), director.plan(brief))
    except Exception as exc:  # noqa: BLE001 - a director that cannot plan fails the case, not the suite
        score.error = f"the brief could not be planned: {exc}"
        score.wall_s = time.perf_counter() - started
        return score
    score.coverage = coverage(case, project)
    score.plan_checks = [run_check(c, project) for c in case.plan.checks]
    score.speakers = speaker_outcomes(case.plan.speakers, project)
    if case.plan.seconds is not None:
        low, high = case.plan.seconds
        score.duration.append(run_check(f"total seconds in [{low:g}, {high:g}]", project))
    score.shots = len(project.shots)
    _vocabulary(project, score, "plan")
    history, undone = [project], []
    for turn in case.turns:
        before = history[-1]
        project, result = _say(director, before, turn, history, undone)
        score.turns.append(result)
        _vocabulary(project, score, f"after “{turn.say}”")
    from story.continuity import check as continuity

    score.problems = [str(p) for p in continuity(history[-1], CanonFromProject())]
    score.seconds = total_seconds(history[-1])
    if judge is not None:
        score.judge = judge(case, history[-1])
    score.wall_s = time.perf_counter() - started
    return score


def _say(
    director: SuiteDirector, before: Project, turn: Turn, history: list[Project], undone: list[Project]
) -> tuple[Project, TurnScore]:
    error = ""
    try:
        answer = director.turn(before, turn.say)
    except Exception as exc:  # noqa: BLE001 - a director that raises fails the turn, not the suite
        answer, error = Answer(edits=[], reply="", action="none"), f"the director raised {type(exc).__name__}: {exc}"
    after = before
    if answer.action == "undo":
        if len(history) > 1:
            undone.append(history.pop())
        after = history[-1]
    elif answer.action == "redo":
        if undone:
            history.append(undone.pop())
        after = history[-1]
    elif answer.edits:
        try:
            after = apply(before, answer.edits)
            history.append(after)
            undone.clear()
        except EditError as exc:
            error = f"the director's edits do not apply: {exc}"
    checks = [run_check(c, after, before) for c in turn.checks]
    changed = diff_paths(before, after)
    patterns = resolve_allowed(turn.allow, before)
    unexpected = [p for p in changed if not allowed(p, patterns)]
    if changed:
        precision: float | None = (len(changed) - len(unexpected)) / len(changed)
    else:
        precision = 1.0 if not turn.allow else None  # nothing asked, nothing done; else recall tells
    result = TurnScore(turn.say, answer.reply, answer.action, checks, changed, unexpected, precision, error)
    return after, result


def coverage(case: Case, project: Project) -> list[Outcome]:
    """One outcome per named character and per beat of the brief: is it on screen?"""
    found = []
    for name in case.plan.characters:
        check = f"character {name} on screen"
        try:
            character = find_character(project, name)
        except LookupError as exc:
            found.append(Outcome(check, False, str(exc).strip("'\"")))
            continue
        count = sum(1 for shot in project.shots if character.id in shot.characters)
        found.append(Outcome(check, count > 0, f"in {count} shots" if count else f"{character.name} is in no shot"))
    for words in case.plan.beats:
        check = f"beat [{', '.join(words)}]"
        shots = [n for n, shot in enumerate(project.shots, 1) if all(w.lower() in shot_text(shot) for w in words)]
        found.append(Outcome(check, bool(shots), f"shot {shots[0]}" if shots else "no shot holds every word"))
    return found


def shot_text(shot: Any) -> str:
    """What a shot says it shows, lower-cased: beat, action, lines and notes."""
    lines = " ".join(line.text for line in shot.dialogue)
    return f"{shot.beat} {shot.action} {lines} {shot.notes}".lower()


def _vocabulary(project: Project, score: CaseScore, when: str) -> None:
    """Every shot in the story vocabulary and its grammar: the schema's closed sets and bounds
    (re-validated from JSON, as a saved story.json would be), an over-the-shoulder shot over a
    second person, dialogue by someone in the cast."""
    try:
        Project.model_validate_json(project.model_dump_json(by_alias=True))
    except ValueError as exc:
        score.invalid_shots.append(f"{when}: the story does not validate: {exc}")
    cast = {c.id for c in project.characters}
    for number, shot in enumerate(project.shots, 1):
        score.shots_checked += 1
        if shot.angle == Angle.OVER_THE_SHOULDER and len(shot.characters) < 2:
            score.invalid_shots.append(f"{when}: shot {number} is over-the-shoulder with {len(shot.characters)} in it")
        elif any(line.speaker not in cast for line in shot.dialogue):
            score.invalid_shots.append(f"{when}: shot {number} has a line by someone not in the cast")


def run_suite(cases: list[Case], director_factory: Any, judge: Any = None) -> list[CaseScore]:
    """Score every case with a fresh director each; the judge (if any) scores each final story."""
    scores = []
    for case in cases:
        try:
            scores.append(score_case(case, director_factory(), judge))
        except CheckError as exc:  # a typo in a case file: say which case, do not score around it
            raise CaseError(f"case {case.id}: {exc}") from None
    return scores


def as_json(score: CaseScore) -> dict[str, Any]:
    """A case's score as plain data."""
    data = asdict(score)
    data["failures"] = score.failures()
    return data

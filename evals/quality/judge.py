"""An optional judge: a second model call scores each final shot list 0-4, apart from the metrics.

Only when a model is configured. The rubric asks for two scores: camera choices (do sizes, angles,
moves and lengths serve each beat, with film grammar) and faithfulness (does the shot list tell the
brief, and did the revisions do what was asked). A reply that is not the JSON asked for is
reported as a judge error, never guessed into a score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from evals.quality.cases import Case
from story import Project

RUBRIC = """You judge a story reel's shot list. Score two things from 0 to 4:
- camera: do shot sizes, angles, camera moves and lengths serve each beat, with sound film grammar
  (establishing shots, shot/reverse-shot, the 180-degree rule, tighter for emotion)?
  0 = arbitrary or wrong, 2 = serviceable, 4 = what a good storyboard artist would choose.
- faithfulness: does the shot list tell the brief (its people, beats, places, light) and do the
  revisions asked for show in it? 0 = unrelated, 2 = the gist with gaps, 4 = everything.
Answer with JSON only: {"camera": <0-4>, "faithfulness": <0-4>, "why": "<one sentence>"}"""


def shot_list_text(project: Project) -> str:
    """The shot list as the judge reads it, one line a shot."""
    names = {c.id: c.name for c in project.characters}
    lines = []
    for number, shot in enumerate(project.shots, 1):
        who = ", ".join(names.get(c, c) for c in shot.characters) or "nobody"
        said = " ".join(f'{names.get(line.speaker, line.speaker)}: "{line.text}"' for line in shot.dialogue)
        lines.append(
            f"{number}. {shot.size.value} {shot.angle.value} {shot.movement.value} {shot.lens_mm}mm "
            f"{shot.duration_frames / project.fps:.1f}s {shot.time_of_day.value} {shot.transition.value}; "
            f"{who}; {shot.action} {said}".strip()
        )
    return "\n".join(lines)


def parse_verdict(text: str) -> dict[str, Any]:
    """The judge's JSON, checked: two whole scores 0-4 and a reason; raises ValueError otherwise."""
    match = re.search(r"\{.*\}", text or "", re.DOTALL)
    if not match:
        raise ValueError(f"the judge did not answer JSON: {text[:120]!r}")
    data = json.loads(match[0])
    verdict = {}
    for key in ("camera", "faithfulness"):
        value = data.get(key)
        if not isinstance(value, int | float) or not 0 <= value <= 4:
            raise ValueError(f"the judge's {key!r} must be 0-4 but is {value!r}")
        verdict[key] = float(value)
    verdict["why"] = str(data.get("why", ""))[:300]
    return verdict


def make_judge(settings: Any, client: Any = None) -> Callable[[Case, Project], dict[str, Any]]:
    """A judge over the configured model (`STORYREEL_JUDGE_MODEL` picks another model on the same endpoint)."""
    import os

    from agent.llm import make_client

    chat = client or make_client(settings)
    model = os.environ.get("STORYREEL_JUDGE_MODEL") or settings.model

    def judge(case: Case, project: Project) -> dict[str, Any]:
        asked = "\n".join(f"- {turn.say}" for turn in case.turns) or "(none)"
        prompt = f"Brief:\n{case.brief}\n\nRevisions asked for:\n{asked}\n\nFinal shot list:\n{shot_list_text(project)}"
        try:
            response = chat.chat.completions.create(
                model=model,
                messages=[{"role": "system", "content": RUBRIC}, {"role": "user", "content": prompt}],
            )
            return parse_verdict(response.choices[0].message.content or "")
        except Exception as exc:  # noqa: BLE001 - a judge failure is reported, not fatal
            return {"error": f"{type(exc).__name__}: {exc}"[:300]}

    return judge

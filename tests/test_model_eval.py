"""The model director on the quality suite's footing: real cases from evals/quality/cases run through
the model director against a local chat-completions server with scripted replies, scored by the
same suite and printed in the same table beside the offline director; `storyreel eval --model` does
it against whatever endpoint the director's settings name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from llm_server import ChatServer, text, tool_call

from agent.llm import ModelSettings
from evals.quality import load_cases, run
from evals.quality.report import metrics
from ui.evals_cli import side_by_side

REPO = Path(__file__).resolve().parent.parent
CASES = "m[io]*-[fr]*"  # minute-ferry and mountain-rescue-dog


def shots(*actions: str, frames: int = 72, **fields: Any) -> list[dict[str, Any]]:
    return [{"action": action, "duration_frames": frames, **fields} for action in actions]


FERRY = {
    "bible": {"title": "The Last Ferry", "logline": "Owen races a departing ferry."},
    "characters": [{"id": "owen", "name": "Owen", "description": "a young man in a coat"},
                   {"id": "sailor", "name": "Sailor", "description": "a sailor in a cap"}],
    "locations": [{"id": "pier", "name": "the pier"}],
    "shots": [
        *shots("At dusk Owen runs down the pier with a suitcase.", frames=288, characters=["owen"]),
        *shots("The last ferry is already pulling away.", frames=288),
        *shots("He throws the suitcase onto the deck.", frames=288, characters=["owen"]),
        *shots("A sailor catches it and laughs.", frames=288, characters=["sailor"]),
        *shots("Owen jumps after it and lands on his knees.", frames=288, characters=["owen"]),
    ],
}  # fmt: skip
RESCUE = {
    "bible": {"title": "Juno", "logline": "A rescue dog finds a lost hiker."},
    "characters": [{"id": "juno", "name": "Juno", "description": "a rescue dog"},
                   {"id": "kofi", "name": "Kofi", "description": "her handler"},
                   {"id": "hiker", "name": "Hiker", "description": "a hiker, blue with cold"}],
    "locations": [{"id": "pass", "name": "the mountain pass"}],
    "shots": [
        *shots("Snow buries the mountain pass.", size="EWS"),
        *shots("Juno sniffs at the drift.", characters=["juno"]),
        *shots("Juno barks and digs.", characters=["juno"]),
        *shots("Kofi follows with a shovel.", characters=["kofi"]),
        *shots("Under the snow they find a hiker.", characters=["juno", "kofi", "hiker"]),
        *shots("Kofi wraps the hiker in a foil blanket.", characters=["kofi", "hiker"]),
        *shots("The helicopter lifts off at dusk."),
    ],
}  # fmt: skip
REPLIES = [
    tool_call("create_story", FERRY),
    tool_call("update_shot", {"shot": 1, "movement": "tracking"}),
    text("Shot 1 tracks now."),
    tool_call("create_story", RESCUE),
    tool_call("update_shot", {"shot": 2, "angle": "low", "size": "CU", "lens_mm": 85}),  # the lens: not asked
    text("Low close-up."),
    tool_call("move_shot", {"shot": 7, "position": 6}),
    text("Moved."),
]


def test_quality_cases_score_the_model_director_in_the_offline_director_s_table() -> None:
    chosen = load_cases(CASES)
    assert [case.id for case in chosen] == ["minute-ferry", "mountain-rescue-dog"]
    with ChatServer() as server:
        server.queue += REPLIES
        settings = ModelSettings(base_url=server.url, api_key="x", model="scripted", max_retries=0)
        scored, name, _ = run(chosen, director="model", settings=settings)
    offline, _, _ = run(chosen)
    model = metrics(scored)
    table = side_by_side(metrics(offline), model, {}, name)
    print(table)
    assert [s.error for s in scored] == ["", ""], [s.failures() for s in scored]
    assert name == "model scripted" and table.splitlines()[0] == "| metric | offline | model scripted | floor |"
    assert model["brief_coverage"].value == 1.0 and model["edit_recall"].value == 1.0
    assert abs(model["edit_precision"].value - (1 + 2 / 3 + 1) / 3) < 1e-9  # the lens nobody asked for
    assert model["duration_adherence"].value == 1.0
    row = next(line for line in table.splitlines() if line.startswith("| edit_precision |"))
    assert row.endswith(f"| {(8 / 9):.3f} | – |")
    planning = [r for r in server.requests if r["tool_choice"] != "auto"]  # create_story named: once a case
    assert len(planning) == 2 and "Owen runs down the pier" in planning[0]["messages"][-1]["content"]


def test_storyreel_eval_model_prints_both_directors_side_by_side(tmp_path: Path) -> None:
    with ChatServer() as server:
        server.queue += REPLIES
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "STORYREEL_"))}
        env |= {"OPENAI_BASE_URL": server.url, "STORYREEL_MODEL": "scripted", "STORYREEL_RETRIES": "0"}
        env |= {"COLUMNS": "200", "HOME": str(tmp_path)}
        done = subprocess.run(
            [sys.executable, "-m", "ui.cli", "eval", "--model", "--cases", CASES, "--out", str(tmp_path / "r")],
            capture_output=True, text=True, cwd=REPO, env=env, timeout=300,
        )  # fmt: skip
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Quality suite — offline (") and "model scripted (" in lines[0]
    assert "| metric | offline | model scripted | floor |" in lines
    assert any(line.startswith("| brief_coverage |") and line.endswith("| 1.000 | – |") for line in lines)
    assert (tmp_path / "r" / "report.md").is_file() and (tmp_path / "r" / "offline" / "report.md").is_file()
    assert len(server.requests) >= len(REPLIES)

"""The director graph against a real chat-completions server on 127.0.0.1, driven by the real openai SDK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from llm_server import ChatServer, text, tool_call

REPO = Path(__file__).resolve().parent.parent
STORYREEL = [sys.executable, "-m", "ui.cli"]


def run(*args: str | Path, env: dict[str, str] | None = None, code: int = 0) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"OPENAI_BASE_URL", "STORYREEL_MODEL"}}
    done = subprocess.run(
        [*STORYREEL, *map(str, args)], capture_output=True, text=True, cwd=REPO, env=base | (env or {})
    )
    assert done.returncode == code, f"{done.stdout}\n{done.stderr}"
    return done


def shots(directory: Path) -> list[dict]:
    data = json.loads((directory / "story.json").read_text())
    return [{k: v for k, v in shot.items() if k != "takes"} for shot in data["shots"]]


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("graph") / "film"
    run("new", directory, "--example")
    return directory


@pytest.mark.slow
def test_say_through_a_model_makes_shot_two_a_close_up_and_nothing_else(film: Path) -> None:
    before = shots(film)
    with ChatServer() as server:
        server.queue += [tool_call("update_shot", {"shot": 2, "size": "CU"}), text("Shot 2 is now a close-up.")]
        run("say", film, "tighten shot two", env={"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "test"})
    after = shots(film)
    assert after[1]["size"] == "CU" and before[1]["size"] != "CU"
    assert [s for i, s in enumerate(after) if i != 1] == [s for i, s in enumerate(before) if i != 1]
    assert {k: v for k, v in after[1].items() if k != "size"} == {k: v for k, v in before[1].items() if k != "size"}
    first = server.requests[0]
    offered = {t["function"]["name"]: t["function"] for t in first["tools"]}
    assert offered["update_shot"]["parameters"]["type"] == "object"
    assert "shot" in offered["update_shot"]["parameters"]["properties"]
    assert before[1]["id"] in first["messages"][0]["content"]  # the shot list was in context
    assert len(server.requests) == 2 and server.requests[1]["messages"][-1]["role"] == "tool"
    assert (film / "agent.sqlite").is_file()


@pytest.mark.slow
def test_malformed_call_never_corrected_applies_nothing(film: Path) -> None:
    before = shots(film)
    with ChatServer() as server:
        server.queue += [tool_call("update_shot", {"shot": 99, "size": "CU"})] * 3
        done = run("say", film, "tighten shot ninety-nine", env={"OPENAI_BASE_URL": server.url}, code=2)
    assert shots(film) == before
    assert done.stderr.startswith("error: ") and "nothing was changed" in done.stderr  # a mistake: exit 2
    assert "between 1 and" in server.requests[1]["messages"][-1]["content"]


@pytest.mark.slow
def test_no_endpoint_runs_the_offline_director(film: Path) -> None:
    run("say", film, "make shot 1 a close-up")
    assert shots(film)[0]["size"] == "CU"


@pytest.mark.slow
def test_approval_interrupt_resumes_in_a_new_process(film: Path) -> None:
    before = shots(film)
    env = {"STORYREEL_APPROVE_ABOVE": "-1"}  # every render is "over budget"
    with ChatServer() as server:
        server.queue += [tool_call("update_shot", {"shot": 3, "size": "ECU"}), text("Extreme close-up.")]
        asked = run("say", film, "very tight on 3", env=env | {"OPENAI_BASE_URL": server.url})
        assert "Go ahead?" in asked.stdout
        assert shots(film) == before
        run("approve", film, "yes", env=env | {"OPENAI_BASE_URL": server.url})  # a new process
    after = shots(film)
    assert after[2]["size"] == "ECU" and [s for i, s in enumerate(after) if i != 2] == before[:2] + before[3:]
    assert len(server.requests) == 2  # the resume did not ask the model again

"""Timeouts that fit a model on a CPU, against a real server on 127.0.0.1 that stalls: a first-words
timeout and a whole-answer timeout, each naming its setting; the model's thinking is shown while it
lasts; a request that timed out is closed and never sent again behind itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from llm_server import ChatServer, error, stalled, text, tool_call
from scripted import small_story

from agent.directors import ModelDirector
from agent.llm import ModelSettings, SettingsError
from agent.state import TurnEvent
from agent.tools import Toolbox
from story import Project, UpdateShot, apply

PROJECT = apply(Project(), [small_story()])
CLOSE_UP = tool_call("update_shot", {"shot": 2, "size": "CU"})


def director(server: ChatServer, **options: Any) -> ModelDirector:
    settings = ModelSettings(base_url=server.url, api_key="x", model="m", context=100_000, **options)
    return ModelDirector(settings)


def left(server: ChatServer, count: int, within: float = 10.0) -> bool:
    """True once the server has seen `count` clients leave before their answer was sent."""
    deadline = time.monotonic() + within
    while server.left_early < count and time.monotonic() < deadline:
        server.finished.wait(0.1)
        server.finished.clear()
    return server.left_early >= count


def test_no_first_words_in_time_closes_the_request_and_sends_it_no_second_time() -> None:
    with ChatServer() as server:
        server.queue += [stalled(CLOSE_UP, first=5.0), CLOSE_UP, text("ok")]
        started = time.monotonic()
        plan = director(server, first_token_s=0.5, max_retries=2).turn(PROJECT, "make shot 2 a close-up")
        took = time.monotonic() - started
        assert left(server, 1)  # the stalled request was closed: the server's next write found no one
    assert plan.unanswered and plan.edits == []
    assert "sent nothing for 0.5 s (STORYREEL_FIRST_TOKEN_TIMEOUT)" in plan.reply
    assert len(server.requests) == 1 and server.most_at_once == 1  # no retry queued behind the stalled one
    assert took < 4.0  # not the server's 5 s: it was not waited for


@pytest.mark.parametrize(("first", "after"), [(5.0, 0), (0.0, 3)])
def test_keep_alive_pings_while_the_model_thinks_do_not_keep_it_waiting(first: float, after: int) -> None:
    """llama-cpp-python's server pings every 15 s while it evaluates a long prompt: the socket is never
    quiet, so the first-words timeout (or a stall's) must be kept apart from the reads."""
    with ChatServer() as server:
        server.queue += [
            stalled({"content": "One moment while I think", **CLOSE_UP}, first=first, after=after, stall=5, ping=0.1)
        ]
        started = time.monotonic()
        plan = director(server, first_token_s=0.6, max_retries=2).turn(PROJECT, "make shot 2 a close-up")
        took = time.monotonic() - started
        assert left(server, 1)
    said = "sent nothing" if after == 0 else "stopped sending"
    assert plan.unanswered and f"{said} for 0.6 s (STORYREEL_FIRST_TOKEN_TIMEOUT)" in plan.reply, plan.reply
    assert len(server.requests) == 1 and took < 4.0


def test_a_stall_mid_answer_gives_up_and_closes_the_stream() -> None:
    with ChatServer() as server:
        server.queue += [
            stalled({"content": "Making shot two a close-up now, one moment", **CLOSE_UP}, after=3, stall=5)
        ]
        plan = director(server, first_token_s=0.6, max_retries=2).turn(PROJECT, "make shot 2 a close-up")
        assert left(server, 1)
    assert plan.unanswered and plan.edits == []
    assert "stopped sending for 0.6 s (STORYREEL_FIRST_TOKEN_TIMEOUT)" in plan.reply
    assert len(server.requests) == 1


def test_an_answer_that_trickles_past_the_total_timeout_is_cut_off() -> None:
    slow = {"content": "x" * 480, **CLOSE_UP}  # about 50 pieces, each 0.1 s after the last: 5 s in all
    with ChatServer() as server:
        server.queue += [stalled(slow, pace=0.1)]
        started = time.monotonic()
        plan = director(server, first_token_s=1.0, timeout_s=1.0).turn(PROJECT, "make shot 2 a close-up")
        took = time.monotonic() - started
        assert left(server, 1)
    assert plan.unanswered and "took over 1 s (STORYREEL_TIMEOUT)" in plan.reply
    assert took < 4.0


def test_a_model_that_thinks_long_is_shown_thinking_and_then_heard() -> None:
    events: list[TurnEvent] = []
    heard: list[str] = []
    with ChatServer() as server:
        server.queue += [stalled(CLOSE_UP, first=2.5), text("Shot 2 is a close-up.")]
        chosen = director(server, first_token_s=10)
        chosen.announce = heard.append
        plan = chosen.turn(PROJECT, "make shot 2 a close-up", toolbox=Toolbox(PROJECT), emit=events.append)
    waits = [e for e in events if e.kind == "announce" and "waiting" in e.data]
    assert len(waits) >= 2 and waits[0].text.startswith("waiting for the model's first words: ")
    assert [e.data["waiting"] for e in waits] == sorted(e.data["waiting"] for e in waits)
    assert heard == ["waiting for the model's first words"]  # a door's step, once; the events tick
    assert [type(e) for e in plan.edits] == [UpdateShot] and plan.reply == "Shot 2 is a close-up."


def test_errors_are_retried_one_after_another() -> None:
    with ChatServer() as server:
        server.queue += [error(500), error(503), CLOSE_UP, text("ok")]
        plan = director(server, max_retries=2).turn(PROJECT, "make shot 2 a close-up", toolbox=Toolbox(PROJECT))
    assert [type(e) for e in plan.edits] == [UpdateShot]
    assert len(server.requests) == 4 and server.most_at_once == 1


def test_an_unstreamed_answer_is_bounded_by_the_total_timeout() -> None:
    with ChatServer() as server:
        server.queue += [{"delay": 5.0, **CLOSE_UP}]
        started = time.monotonic()
        plan = director(server, stream=False, timeout_s=0.5, max_retries=2).turn(PROJECT, "make shot 2 a close-up")
        took = time.monotonic() - started
    assert plan.unanswered and "took over 0.5 s (STORYREEL_TIMEOUT)" in plan.reply
    assert len(server.requests) == 1 and took < 4.0


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"STORYREEL_FIRST_TOKEN_TIMEOUT": "soon"}, "STORYREEL_FIRST_TOKEN_TIMEOUT=soon: expected a number of seconds"),
        ({"STORYREEL_FIRST_TOKEN_TIMEOUT": "-3"}, "STORYREEL_FIRST_TOKEN_TIMEOUT=-3: expected a number of seconds"),
    ],
)
def test_a_bad_timeout_setting_names_itself(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=expected.replace("?", r"\?")):
        ModelSettings.from_env()


def test_the_first_words_wait_no_longer_than_the_whole_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYREEL_TIMEOUT", "30")
    monkeypatch.setenv("STORYREEL_FIRST_TOKEN_TIMEOUT", "90")
    settings = ModelSettings.from_env()
    assert (settings.timeout_s, settings.first_token_s) == (30, 30)
    monkeypatch.delenv("STORYREEL_TIMEOUT")
    monkeypatch.delenv("STORYREEL_FIRST_TOKEN_TIMEOUT")
    settings = ModelSettings.from_env()
    assert settings.first_token_s < settings.timeout_s


REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_say_against_a_stalled_model_fails_in_one_line_naming_the_setting(tmp_path: Path) -> None:
    film = tmp_path / "film"
    made = subprocess.run(
        [sys.executable, "-m", "ui.cli", "new", str(film), "--brief", "Mara lights the lamp. Tomas rows home."],
        capture_output=True, text=True, cwd=REPO, env={**os.environ, "STORYREEL_MEMORY": "off"}, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    with ChatServer() as server:
        server.queue += [stalled(CLOSE_UP, first=4.0)] * 3
        env = {k: v for k, v in os.environ.items() if not k.startswith("STORYREEL_")}
        env |= {"OPENAI_BASE_URL": server.url, "STORYREEL_MEMORY": "off", "STORYREEL_FIRST_TOKEN_TIMEOUT": "1"}
        env |= {"STORYREEL_CONTEXT": "100000", "COLUMNS": "200"}
        said = subprocess.run(
            [sys.executable, "-m", "ui.cli", "say", str(film), "make shot 1 a close-up"],
            capture_output=True, text=True, cwd=REPO, env=env, timeout=120,
        )  # fmt: skip
    assert said.returncode == 1, said.stdout + said.stderr
    assert said.stderr.strip() == (
        "failed: The model did not answer: the model sent nothing for 1 s (STORYREEL_FIRST_TOKEN_TIMEOUT); "
        "the request was closed; nothing was changed."
    )
    assert len(server.requests) == 1

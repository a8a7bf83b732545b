"""Director turns in-process: retries, corrections, errors, several turns, a restart, all on a real server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver
from llm_server import ChatServer, error, text, tool_call

from agent.directors import ModelDirector
from agent.graph import build_graph
from agent.llm import ModelSettings
from agent.production import Production

BRIEF = (Path(__file__).resolve().parent.parent / "agent" / "examples" / "keeper.txt").read_text()


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("turns") / "film"
    Production.new(root, BRIEF)[0].close()
    assert len(Production.open(root).project.shots) >= 3
    return root


@pytest.fixture
def film(planned: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(planned, tmp_path / "film"))


def turn(root: Path, server: ChatServer, message: str, *, retries: int = 0, timeout: float = 10) -> object:
    production = Production.open(root)
    settings = ModelSettings(base_url=server.url, api_key="x", model="m", timeout_s=timeout, max_retries=retries)
    results: list[object] = []
    with SqliteSaver.from_conn_string(str(root / "agent.sqlite")) as saver:
        graph = build_graph(production, ModelDirector(settings), checkpointer=saver, results=results)
        graph.invoke({"message": message}, {"configurable": {"thread_id": "project"}})
    production.close()
    return results[-1]


def sizes(root: Path) -> list[str]:
    return [shot.size for shot in Production.open(root).project.shots]


@pytest.mark.slow
def test_malformed_call_is_corrected_on_retry(film: Path) -> None:
    before = sizes(film)
    with ChatServer() as server:
        server.queue += [
            tool_call("update_shot", '{"shot": 1, "size": "GIANT"}'),
            tool_call("update_shot", '{"shot": 1, "size": "ECU"}'),
            text("Shot 1 is an extreme close-up."),
        ]
        turn(film, server, "much tighter on shot 1")
    assert sizes(film) == ["ECU", *before[1:]]
    feedback = server.requests[1]["messages"][-1]
    assert feedback["role"] == "tool" and feedback["content"].startswith("error: invalid arguments for update_shot")


@pytest.mark.slow
def test_three_turn_revision_and_a_restart_between_turns(film: Path) -> None:
    with ChatServer() as server:
        server.queue += [tool_call("update_shot", {"shot": 1, "size": "CU"}), text("ok")]
        turn(film, server, "shot 1 closer")
        server.queue += [tool_call("move_shot", {"shot": 1, "position": 2}), text("ok")]
        turn(film, server, "swap the first two")  # a fresh Production and graph: a restart
        first_id = Production.open(film).project.shots[1].id
        server.queue += [tool_call("update_shot", {"shot": first_id, "angle": "low"}), text("ok")]
        turn(film, server, "shoot it from below")
    shots = Production.open(film).project.shots
    assert shots[1].size == "CU" and shots[1].id == first_id and shots[1].angle == "low"
    assert all(request["tools"] for request in server.requests)


@pytest.mark.slow
def test_429_and_500_are_retried_by_the_client(film: Path) -> None:
    with ChatServer() as server:
        server.queue += [error(429), error(500), tool_call("update_shot", {"shot": 2, "size": "WS"}), text("ok")]
        turn(film, server, "wider on 2", retries=2)
    assert sizes(film)[1] == "WS"
    assert len(server.requests) == 4


@pytest.mark.slow
def test_errors_past_the_retries_and_slow_replies_change_nothing(film: Path) -> None:
    before = sizes(film)
    with ChatServer() as server:
        server.queue += [error(500), error(500)]
        result = turn(film, server, "wider on 2", retries=1)
        assert "nothing was changed" in result.reply  # type: ignore[attr-defined]
        server.queue += [{"delay": 1.5, **tool_call("update_shot", {"shot": 2, "size": "WS"})}]
        result = turn(film, server, "wider on 2", timeout=0.5)
        assert "nothing was changed" in result.reply  # type: ignore[attr-defined]
    assert sizes(film) == before

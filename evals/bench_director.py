"""Speed benchmark of the director's own overhead per turn, against a zero-latency local model server.

One turn = graph invoke with the SQLite checkpointer, system prompt, tool schemas, two model requests
(a tool call, then text), validation, typed edits committed as one revision. Rendering and assembly are
left out (they have their own benchmark) by a Production whose render step does nothing.

Baseline, measured in the same run: the same two requests (messages, tool schemas, streaming) sent
with the bare openai SDK, so the SDK's own cost of sending them is not counted as ours.
Overhead = turn - baseline. Target: <= 50 ms. Run: `python -m evals.bench_director [--turns 30]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from llm_server import ChatServer, text, tool_call  # noqa: E402

TARGET_MS = 50.0
BRIEF = "A lighthouse keeper finds a message in a bottle and sails to answer it."


def measure(turns: int, brief: str = BRIEF) -> tuple[float, float]:
    """Median milliseconds of (the bare SDK's two requests, one director turn) over `turns` turns."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    from agent.directors import ModelDirector
    from agent.graph import THREAD, TurnContext, build_graph
    from agent.llm import ModelSettings
    from agent.offline import OfflineDirector
    from agent.production import Production, TurnResult
    from story import Project, ProjectFolder, apply

    class NoRender(Production):
        def render(self, executor: object = None, **_: object) -> TurnResult:
            return TurnResult(reply="")

    with tempfile.TemporaryDirectory(prefix="storyreel-bench-director-") as tmp, ChatServer() as server:
        root = Path(tmp) / "film"
        ProjectFolder.create(root, apply(Project(), OfflineDirector().plan(brief)), message="planned")
        production = NoRender.open(root)
        settings = ModelSettings(base_url=server.url, api_key="x", model="m", timeout_s=10, max_retries=0)
        director = ModelDirector(settings)
        sizes = ["CU", "WS"]
        sent: list[dict] = []

        def bare() -> float:
            """The same two requests the director sent (messages, tools, streaming), by the bare SDK."""
            server.queue += [tool_call("update_shot", {"shot": 1, "size": "CU"}), text("done")]
            start = time.perf_counter()
            for body in sent:
                for _chunk in director.client.chat.completions.create(**body):
                    pass
            return time.perf_counter() - start

        with SqliteSaver.from_conn_string(str(root / "agent.sqlite")) as saver:
            graph = build_graph(saver)
            parts = TurnContext(production=production, director=director)

            def turn(n: int) -> float:
                server.queue += [tool_call("update_shot", {"shot": 1, "size": sizes[n % 2]}), text("done")]
                start = time.perf_counter()
                graph.invoke({"message": "change shot 1"}, THREAD, context=parts)
                return time.perf_counter() - start

            turn(1)  # warm up, and keep what the director sent
            sent += [dict(body) for body in server.requests[-2:]]
            bare()
            base_t, turn_t = [], []
            for n in range(turns):
                base_t.append(bare())
                turn_t.append(turn(n))
        production.close()
    return statistics.median(base_t) * 1000, statistics.median(turn_t) * 1000


def main() -> None:
    """Print per-turn overhead and its ratio to the bare SDK round trips."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=30)
    turns = parser.parse_args().turns
    base, full = measure(turns)
    overhead = full - base
    print(f"bare SDK, 2 requests (baseline): {base:.1f} ms median over {turns} turns")
    print(f"director turn through the graph: {full:.1f} ms median ({full / base:.2f}x baseline)")
    verdict = "meets" if overhead <= TARGET_MS else "misses"
    print(f"director overhead per turn: {overhead:.1f} ms ({verdict} the {TARGET_MS:.0f} ms target)")


if __name__ == "__main__":
    main()

"""How many tokens the director's requests hold, as a small local model would be sent them.

Counted with the director's own estimate (`agent.directors.prompt_tokens`, 3.5 characters a token,
a little over what Llama- and Gemma-style tokenizers give for this JSON and English), for three
requests: planning the bundled brief, a revision of its 12 shots, and the same revision after 20
earlier turns. Targets: 1,500, 3,000 and 4,000 tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.directors import ROUTE_TOOLS, conversation, fit_to_context, offered_tools, prompt_tokens, revise_tools
from agent.offline import OfflineDirector
from agent.prompt import system_prompt
from agent.tools import Toolbox
from story import Project, apply

EXAMPLE = Path(__file__).resolve().parent.parent / "agent" / "examples" / "keeper.txt"
TARGETS = {"new": 1_500, "revise": 3_000, "revise after 20 turns": 4_000}
REVISION = "make shot 2 a close-up"


@dataclass(frozen=True)
class PromptSize:
    """One request's size in tokens against its target."""

    request: str
    tokens: int
    target: int


def _tokens(project: Project, route: str, message: str, history: list[dict[str, str]]) -> int:
    box = Toolbox(project)
    box.allowed = ROUTE_TOOLS[route]  # type: ignore[index]
    summary, earlier = conversation(history)
    system = {"role": "system", "content": system_prompt(project, route) + (f"\n\n{summary}" if summary else "")}
    tools = offered_tools(box.specs(), revise_tools(project, message) if route == "revise" else None)
    messages, _ = fit_to_context(
        system, earlier, {"role": "user", "content": message}, tools, context=None, max_tokens=0
    )
    return prompt_tokens(messages, tools)


def measure() -> list[PromptSize]:
    """The three requests' sizes."""
    brief = EXAMPLE.read_text()
    project = apply(Project(), OfflineDirector().plan(brief))
    history: list[dict[str, str]] = []
    for n in range(20):
        history += [
            {"role": "user", "content": f"make shot {n % 12 + 1} a little longer and a low angle, please"},
            {"role": "assistant", "content": f"Shot {n % 12 + 1} is now 1 s longer, from a low angle."},
        ]
    plan = f"Plan this brief as a story reel: call create_story once.\n\n{brief}"
    sizes = {
        "new": _tokens(Project(), "new", plan, []),
        "revise": _tokens(project, "revise", REVISION, []),
        "revise after 20 turns": _tokens(project, "revise", REVISION, history),
    }
    return [PromptSize(name, tokens, TARGETS[name]) for name, tokens in sizes.items()]


def main() -> None:
    """Print each request's tokens and its target."""
    for size in measure():
        verdict = "ok" if size.tokens <= size.target else "OVER"
        print(f"{size.request:<24} {size.tokens:>6} tokens  (target <= {size.target:,})  {verdict}")


if __name__ == "__main__":
    main()

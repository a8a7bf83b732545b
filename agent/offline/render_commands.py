"""The offline director's rendering commands: which renderer, more takes, which take, the budget.

"render shot 4 with runway" · "render everything with diffusers" · "give me three takes of shot 5" ·
"another take of shot 2" · "use take 2 for shot 5" · "set the budget to $20" (docs/directing.md).
"""

from __future__ import annotations

import re

from agent.commands import ChooseRenderer, SetBudget, expand
from agent.offline.addressing import find_shots
from agent.offline.grammar import Command, Context, Refusal, Step, target_shots
from agent.offline.vocabulary import NUMBER_WORDS, ORDINALS
from story import AnyEdit, ChooseTake, Project, RequestTakes
from story.edits import MAX_VARIATIONS

_COUNT = "|".join(sorted([*NUMBER_WORDS, "a couple of", "a few", "another", "more", "some"], key=len, reverse=True))
_TAKES = re.compile(
    rf"^(?:(?:please\s+)?(?:give me|make|render|try|shoot|get me|get|i want|i'd like|let me see|show me|"
    rf"can i have|let's have|do)\s+)?(?:the\s+)?(?P<count>\d+|{_COUNT})?\s*(?:more\s+|new\s+|other\s+|different\s+|"
    rf"extra\s+|alternative\s+)*(?P<noun>takes?|versions?|variations?|alternatives?)\b(?P<rest>.*)$"
)
_CHOOSE = re.compile(
    r"\b(?:use|pick|choose|take|go with|keep|select|i like|prefer)\s+(?:the\s+)?"
    r"(?:(?:take|version|variation)\s+(?:number\s+)?#?(?P<n>\d+|[a-z]+)|(?P<nth>[a-z]+|\d+(?:st|nd|rd|th))\s+"
    r"(?:take|version|variation))\b"
)
_BACKEND = re.compile(
    r"^(?P<verb>(?:re-?)?render|draw|generate|make|shoot|do)\b(?P<what>.*?)\b(?P<prep>with|using|on|in|through)\s+"
    r"(?:the\s+)?(?P<name>[a-z][a-z0-9_.-]*)(?:\s+(?:backend|renderer|model))?$"
    r"|^(?:use|switch to|change to|pick)\s+(?:the\s+)?(?P<name2>[a-z][a-z0-9_.-]*)(?:\s+(?:backend|renderer))?"
    r"(?:\s+(?:for|on)\b(?P<what2>.*))?$"
)
_BUDGET = re.compile(
    r"^(?:set\s+)?(?:the\s+)?(?:render(?:ing)?\s+)?budget\s+(?:to|at|of|is|=)?\s*\$?(?P<amount>\d+(?:\.\d+)?)"
    r"\s*(?:dollars|usd|\$)?$|^(?:no|remove the|drop the)\s+budget$"
)


def _number(word: str) -> int | None:
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    if word[:-2].isdigit() and word[-2:] in ("st", "nd", "rd", "th"):
        return int(word[:-2])
    return ORDINALS.get(word) or NUMBER_WORDS.get(word)


def more_takes(project: Project, text: str, context: Context) -> Step | None:
    """'give me three takes of shot 5', 'another take of shot 2', 'two more versions of it'."""
    match = _TAKES.match(text)
    if not match:
        return None
    if match.start("noun") == 0 and re.match(
        r"\s+(?:the|that|this|those|these|it|its|a|an|all|every)\b", match.group("rest")
    ):
        return None  # "take the fade off shot 5": the verb, not a take
    word = (match.group("count") or "").strip()
    if word in ("a few", "some", "more", "a couple of") or (not word and match.group("noun").endswith("s")):
        count = 3 if word in ("a few", "some", "more", "") else 2
    elif word in ("another", "a", "an", ""):
        count = 1
    else:
        count = _number(word) or 0
    if not 1 <= count <= MAX_VARIATIONS:
        raise Refusal(f"I can render 1 to {MAX_VARIATIONS} more takes of a shot at a time, not {word}.")
    refs = target_shots(project, match.group("rest"), context, "get more takes")
    edits: list[AnyEdit] = [RequestTakes(shot_id=ref.id, count=count) for ref in refs]
    shots = ", ".join(project.shot(ref.id).label for ref in refs)
    return Step(edits, f"{count} more take{'s' if count > 1 else ''} of shot {shots}", refs[-1].id)


def choose_take(project: Project, text: str, context: Context) -> Step | None:
    """'use take 2 for shot 5', 'go with the second take of shot 3', 'pick version 3'."""
    match = _CHOOSE.search(text)
    if not match:
        return None
    word = match.group("n") or match.group("nth") or ""
    number = _number(word)
    if number is None:
        return None
    rest = text[: match.start()] + " " + text[match.end() :]
    refs = find_shots(project, rest) or target_shots(project, rest, context, "use that take")
    ref = refs[0]
    takes = project.shot(ref.id).takes
    if not 1 <= number <= len(takes):
        has = f"{len(takes)} take{'s' if len(takes) != 1 else ''}" if takes else "no takes yet"
        label = project.shot(ref.id).label
        raise Refusal(f"Shot {label} has no take {number}; it has {has} (`storyreel takes DIR {label}`).")
    label = project.shot(ref.id).label
    if takes[number - 1].failed:
        raise Refusal(f"Take {number} of shot {label} failed to render; choose another.")
    return Step([ChooseTake(shot_id=ref.id, take=number)], f"shot {label} uses take {number}", ref.id)


def backend(project: Project, text: str, context: Context) -> Step | None:
    """'render shot 4 with runway' (that shot), 'render everything with diffusers' / 'use runway' (the project)."""
    from tools.render.base import known_renderers

    match = _BACKEND.match(text)
    if not match:
        return None
    name = match.group("name") or match.group("name2") or ""
    what = match.group("what") if match.group("name") else (match.group("what2") or "")
    known = known_renderers()
    if name not in known:
        asked = match.group("verb") in ("render", "rerender", "re-render", "generate") and match.group("prep") in (
            "with",
            "using",
        )
        if asked:
            raise Refusal(f"I know no renderer called {name!r}; known: {', '.join(known)}.")
        return None
    refs = find_shots(project, what)
    if refs:
        edits: list[AnyEdit] = []
        for ref in refs:
            edits += expand(project, ChooseRenderer(backend=name, shot=ref.number)).edits
        shots = ", ".join(project.shot(r.id).label for r in refs)
        return Step(edits, f"shot {shots} renders with {name}", refs[-1].id)
    chosen = expand(project, ChooseRenderer(backend=name, every_shot=True))
    return Step(chosen.edits, chosen.summary)


def budget(project: Project, text: str, context: Context) -> Step | None:
    """'set the budget to $20', 'budget 50 dollars', 'no budget'."""
    match = _BUDGET.match(text)
    if not match:
        return None
    amount = match.group("amount")
    cap = expand(project, SetBudget(dollars=None if amount is None else float(amount)))
    return Step(cap.edits, cap.summary)


def commands() -> list[Command]:
    """The rendering commands, tried before the shot commands ('use take 2' is not a lens)."""
    return [choose_take, more_takes, budget, backend]

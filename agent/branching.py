"""Branch turns: a surprise applied on a branch of its own, and naming, switching, keeping, dropping,
listing and comparing branches (story/branches.py), each bringing the reel in line.

The CLI, the chat (the turn graph's `branch` action) and the studio all come here, so a surprise or
a switch does the same thing whichever door asked for it.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any

from agent.state import Reporting, TurnResult
from story import AnyEdit
from story.branches import (
    MAIN,
    BranchError,
    branches_of,
    compare_branches,
    current_branch,
    drop_branch,
    fresh_name,
    keep_branch,
    name_branch,
    switch_branch,
)

if TYPE_CHECKING:
    from agent.production import Production

SEED_ENV = "STORYREEL_SEED"


def surprise_seed(production: Production, given: int | None) -> int:
    """`given`, else STORYREEL_SEED, else one drawn from the history: it grows with every revision (a dropped
    surprise's too), so asking again gives another surprise."""
    if given is not None:
        return given
    env = os.environ.get(SEED_ENV, "").strip()
    if env.isdigit():
        return int(env)
    newest = max((r.number for r in production.folder.revisions()), default=0)
    digest = hashlib.sha256(f"surprise:{newest}:{production.project.revision}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2**31


def surprise(
    production: Production,
    *,
    shot: int | None = None,
    scene: int | None = None,
    seed: int | None = None,
    reporting: Reporting | None = None,
) -> TurnResult:
    """Propose something the person did not ask for, apply it on a new branch and say why it might work."""
    from agent.offline.surprise import NoSurprise, propose

    scope = "shot" if shot is not None else "scene" if scene is not None else "film"
    with production.changing():
        project = production.project
        try:
            proposal = propose(project, scope, surprise_seed(production, seed), shot=shot, scene=scene)  # type: ignore[arg-type]
        except NoSurprise as exc:
            return TurnResult(reply=f"No surprise: {exc}.", refused=True)
        came_from = current_branch(production.folder)
        name = name_branch(production.folder, fresh_name(production.folder, "surprise"), note=proposal.why)
        result = production.run(
            [*proposal.commands, *proposal.edits], message=f"surprise: {proposal.title}", reporting=reporting
        )  # type: ignore[list-item]
        if result.refused or not result.changes:  # nothing applied: no branch left behind for it
            drop_branch(production.folder)  # back to where it came from
            result.refused = True
            result.reply = f"No surprise: {result.reply}"
            return result
    result.reply = (
        f"Surprise, on branch {name!r}: {proposal.title}. {proposal.why} "
        f"Say “keep it” to keep it or “drop it” to go back to {came_from!r}."
    )
    return result


def try_on_branch(
    production: Production, edits: list[AnyEdit], why: str, reporting: Reporting | None = None
) -> TurnResult:
    """Apply a director's own alternative (a model's surprise) on a new branch, with its line on why."""
    with production.changing():
        came_from = current_branch(production.folder)
        name = name_branch(production.folder, fresh_name(production.folder, "surprise"), note=why)
        result = production.apply(edits, message=f"tried on a branch: {why}", reporting=reporting)
        if result.refused or not result.changes:
            drop_branch(production.folder)
            result.refused = True
            return result
    result.reply = f"On branch {name!r}: {why} Say “keep it” to keep it or “drop it” to go back to {came_from!r}."
    return result


def branch_turn(
    production: Production,
    asked: dict[str, Any],
    reporting: Reporting | None = None,
    *,
    edits: list[AnyEdit] | None = None,
) -> TurnResult:
    """Do what a turn asked of branches (`agent.offline.surprise.read_branch_words` says the shapes; "try"
    puts `edits` on a new branch)."""
    op = asked.get("op")
    name = asked.get("name")
    try:
        if op == "try":
            if not edits:
                return TurnResult(reply="Nothing changed: there was no change to try on a branch.", refused=True)
            return try_on_branch(production, edits, str(asked.get("why", "")), reporting)
        if op == "surprise":
            return surprise(production, shot=asked.get("shot"), scene=asked.get("scene"), reporting=reporting)
        if op == "list":
            return TurnResult(reply=branch_listing(production))
        if op == "compare":
            lines = compare_branches(production.folder, str(asked.get("b")), str(asked.get("a")))
            said = f"{asked.get('a')} against {asked.get('b')}: " + ("; ".join(lines) if lines else "nothing differs")
            return TurnResult(reply=said, changes=[])
        with production.changing():
            if op == "name":
                made = name_branch(production.folder, str(name))
                return TurnResult(reply=f"This version is now branch {made!r}; changes from here go on it.")
            if op == "switch":
                switch_branch(production.folder, str(name))
                reply = f"Switched to {name!r}."
            elif op == "keep":
                reply = keep_branch(production.folder, name)
            elif op == "drop":
                dropped = name or current_branch(production.folder)
                if dropped == MAIN and name is None:
                    raise BranchError("there is nothing to drop: you are on main (say “undo” to take back a change)")
                drop_branch(production.folder, name)
                reply = f"Dropped {dropped!r}; back on {current_branch(production.folder)!r}."
            else:
                raise BranchError(f"unknown branch request {op!r}")
            result = production.render(sound_warnings=False, reporting=reporting)
    except BranchError as exc:
        return TurnResult(reply=f"Nothing changed: {exc}.", refused=True)
    result.reply = reply
    return result


def branch_listing(production: Production) -> str:
    """The branches, one a line, the current one starred."""
    lines = []
    for branch in branches_of(production.folder):
        mark = "*" if branch.current else " "
        grew = f" (from {branch.origin})" if branch.origin else ""
        note = f" — {branch.note}" if branch.note else ""
        lines.append(f"{mark} {branch.name}{grew}: r{branch.tip} {branch.summary}{note}")
    return "\n".join(lines)

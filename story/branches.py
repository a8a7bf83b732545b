"""Branches: named places in the revision tree, to try a version of the film and come back.

history/ already holds a tree (every revision names its parent; an edit after an undo starts a new
line without deleting the old one). A branch gives one line of that tree a name. history/branches.json
keeps each branch's tip (its newest revision), the branch it grew from and a note (a surprise's why),
and which branch is current. The current branch's tip is wherever story.json is: every edit, undo or
redo moves it, as on a git branch, so nothing else needs to know about branches.

- naming a branch ("call this version noir") starts it at the current revision and makes it current;
  the branch left keeps its tip there;
- switching ("go back to the main version") records the current branch's tip and checks out the other's;
- keeping a branch moves the branch it grew from to its tip and takes its name away;
- dropping one goes back to the branch it grew from and takes its name away.

Nothing is deleted: a dropped branch's revisions stay in history/. The first branch is `main`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from story.edits import describe_changes
from story.files import ProjectError, write_atomic
from story.folder import HISTORY_DIR, ProjectFolder, upgrade
from story.model import Project

BRANCHES_FILE = "branches.json"
MAIN = "main"
MAX_BRANCHES = 100
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class BranchError(ProjectError):
    """A branch that cannot be named, switched to, kept or dropped; the message says why."""


class Branches(BaseModel):
    """What history/branches.json holds."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    schema_: str = Field("storyreel.Branches.1", alias="schema")
    current: str = MAIN
    tips: dict[str, int] = Field(default_factory=dict, description="Each branch's newest revision but the current's.")
    origins: dict[str, str] = Field(default_factory=dict, description="The branch each one grew from.")
    notes: dict[str, str] = Field(default_factory=dict, description="A line about a branch (why a surprise).")


@dataclass(frozen=True)
class Branch:
    """One branch as a person sees it."""

    name: str
    tip: int
    current: bool
    origin: str | None
    note: str
    summary: str


def branch_name(words: str) -> str:
    """A branch name from words ('Noir Cut' -> 'noir-cut'); `BranchError` when none can be made."""
    name = re.sub(r"[^a-z0-9_-]+", "-", words.strip().lower()).strip("-")[:40]
    if not NAME.match(name):
        raise BranchError(f"{words!r} cannot name a branch; use letters, digits and dashes")
    return name


def read_branches(folder: ProjectFolder) -> Branches:
    """The branches as stored; none stored (or unreadable) means only `main`."""
    try:
        return Branches.model_validate_json((folder.history_dir / BRANCHES_FILE).read_bytes())
    except (OSError, ValueError, ValidationError):
        return Branches()


def _write(folder: ProjectFolder, branches: Branches) -> None:
    data = branches.model_dump_json(indent=1).encode()
    write_atomic(folder.root / HISTORY_DIR / BRANCHES_FILE, data)


def _tip(folder: ProjectFolder, branches: Branches, name: str) -> int:
    if name == branches.current:
        return folder.load().revision
    if name not in branches.tips:
        known = ", ".join(list_names(branches))
        raise BranchError(f"there is no branch {name!r}; the branches are {known}")
    return branches.tips[name]


def list_names(branches: Branches) -> list[str]:
    """Every branch's name, `main` first."""
    return list(dict.fromkeys([MAIN, branches.current, *branches.tips]))


def branches_of(folder: ProjectFolder) -> list[Branch]:
    """Every branch with its tip and what that revision did, `main` first."""
    state = read_branches(folder)
    found = []
    for name in list_names(state):
        tip = _tip(folder, state, name)
        try:
            revision = folder.read_revision(tip)
            summary = revision.message or "; ".join(revision.summary)
        except ProjectError:
            summary = "(its revision is unreadable)"
        origin = state.origins.get(name)
        found.append(Branch(name, tip, name == state.current, origin, state.notes.get(name, ""), summary))
    return found


def name_branch(folder: ProjectFolder, words: str, *, note: str = "") -> str:
    """Start a branch called `words` at the current revision and make it current; returns its name."""
    name = branch_name(words)
    with folder.lock.hold():
        state = read_branches(folder)
        if name in list_names(state):
            raise BranchError(f"there is already a branch {name!r}; switch to it, or choose another name")
        if len(state.tips) >= MAX_BRANCHES:
            raise BranchError(f"a project keeps at most {MAX_BRANCHES} branches; keep or drop some first")
        here = folder.load().revision
        tips = {**state.tips, state.current: here}
        origins = {**state.origins, name: state.current}
        notes = {**state.notes, name: note} if note else dict(state.notes)
        _write(folder, Branches(current=name, tips=tips, origins=origins, notes=notes))
    return name


def fresh_name(folder: ProjectFolder, stem: str) -> str:
    """`stem`, or `stem-2`, `stem-3`... whichever no branch has yet."""
    taken = set(list_names(read_branches(folder)))
    name, n = stem, 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}"
    return name


def switch_branch(folder: ProjectFolder, words: str) -> Project:
    """Make another branch current: story.json becomes its tip. Renders are the caller's."""
    name = branch_name(words)
    with folder.lock.hold():
        state = read_branches(folder)
        tip = _tip(folder, state, name)
        if name == state.current:
            raise BranchError(f"{name!r} is the branch you are on already")
        here = folder.load().revision
        tips = {k: v for k, v in {**state.tips, state.current: here}.items() if k != name}
        project = folder.checkout(tip)
        _write(folder, state.model_copy(update={"current": name, "tips": tips}))
    return project


def keep_branch(folder: ProjectFolder, words: str | None = None) -> str:
    """Keep a branch (the current one by default): the branch it grew from moves to its tip and it loses its
    name. Returns what happened, for the person."""
    with folder.lock.hold():
        state = read_branches(folder)
        name = state.current if words is None else branch_name(words)
        if name == MAIN:
            raise BranchError("main is the version kept already; to keep another, name it (`keep noir`)")
        tip = _tip(folder, state, name)
        into = state.origins.get(name, MAIN)
        into = into if into in list_names(state) else MAIN
        here = folder.load().revision
        state = state.model_copy(update={"tips": {**state.tips, state.current: here}})
        project = folder.checkout(tip) if here != tip else folder.load()
        after = _without(state, name)
        tips = {k: v for k, v in after.tips.items() if k != into}
        _write(folder, after.model_copy(update={"current": into, "tips": tips}))
    return f"Kept {name!r}: {into} is now that version (revision {project.revision})."


def drop_branch(folder: ProjectFolder, words: str | None = None) -> Project:
    """Drop a branch (the current one by default): back to the branch it grew from; its revisions stay."""
    with folder.lock.hold():
        state = read_branches(folder)
        name = state.current if words is None else branch_name(words)
        if name == MAIN:
            raise BranchError("main cannot be dropped; switch to another branch and keep it instead")
        _tip(folder, state, name)  # an unknown name says which there are
        if name != state.current:
            _write(folder, _without(state, name))
            return folder.load()
        into = state.origins.get(name, MAIN)
        into = into if into in state.tips else MAIN
        project = folder.checkout(_tip(folder, state, into))
        tips = {k: v for k, v in state.tips.items() if k != into}
        _write(folder, _without(state, name).model_copy(update={"current": into, "tips": tips}))
    return project


def _without(state: Branches, name: str) -> Branches:
    """The branches with `name` gone; branches that grew from it now grow from where it grew from."""
    origin = state.origins.get(name, MAIN)
    return state.model_copy(
        update={
            "tips": {k: v for k, v in state.tips.items() if k != name},
            "origins": {k: (origin if v == name else v) for k, v in state.origins.items() if k != name},
            "notes": {k: v for k, v in state.notes.items() if k != name},
        }
    )


def project_at(folder: ProjectFolder, number: int) -> Project:
    """The project as revision `number` holds it."""
    return Project.model_validate(upgrade(folder.read_revision(number).project))


def compare_branches(folder: ProjectFolder, base: str, other: str) -> list[str]:
    """What branch `other` does differently from branch `base`, one line a change ("shot 3: size WS -> CU")."""
    state = read_branches(folder)
    before = project_at(folder, _tip(folder, state, branch_name(base)))
    after = project_at(folder, _tip(folder, state, branch_name(other)))
    return describe_changes(before, after)


def current_branch(folder: ProjectFolder) -> str:
    """The name of the branch story.json is on."""
    return read_branches(folder).current

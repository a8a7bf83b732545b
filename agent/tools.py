"""The tools the model sees: argument models made from the story's edits (story/edits.py) and the
commands a person gives (agent/commands.py), the JSON schemas generated from them, and their
translation into those same commands and edits.

A `Toolbox` serves one turn. It holds a working copy of the project: every call that changes
the story builds commands and edits, expands the commands as `Production.run` does
(`agent.commands.expand`) and applies the result to that copy at once, so the next call in the
same turn sees it ("add a shot, then make it a close-up"), and a change that does not fit comes
back to the model as an error to correct. Nothing reaches story.json from here: the graph applies
the turn's edits as one revision, or none of them. A music file or a recording the model names
must already be inside the project folder; it is copied to its place under media/ (named by its
contents) when the call is checked.

The model's arguments are untrusted input. They are validated in pydantic's strict mode (no
boolean from "yes", no shot number from `true`), every string and number is bounded, a field
that names a renderer must name a registered one, a path must stay inside the project folder,
and `run_reply` applies one reply's calls all or nothing, at most `MAX_CALLS` a turn.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, create_model

from agent.commands import (
    ChooseRenderer,
    Command,
    CutToBeats,
    ImportMusic,
    KeepVariation,
    RecordLine,
    RemoveMusic,
    SetBudget,
    VaryScene,
    VaryShot,
    expand,
)
from story import AnyEdit, EditError, Project, ProjectFolder, apply
from story.edits import (
    MAX_VARIATIONS,
    AddCharacter,
    AddLocation,
    AddShot,
    CharacterChanges,
    ChooseTake,
    MoveShot,
    RemoveShot,
    RenumberShots,
    ReplaceStory,
    RequestTakes,
    SetBible,
    SetStyle,
    ShotChanges,
    UpdateCharacter,
    UpdateShot,
)
from story.model import MAX_NAME, MAX_SHOTS, MAX_TEXT, Bible, Character, Location, Shot, Style

MAX_ARGUMENTS = 200_000
"""Characters of JSON one tool call may carry (a whole story plan fits easily)."""
MAX_STORY_SHOTS = 200
"""Shots the director may give a project: in one plan, and by adding shots one at a time."""
MAX_CALLS = 50
"""Tool calls one turn may apply; a reply that would go past it is refused whole."""
MAX_CAST = 40
MAX_PROJECT_PATH = 500
SHOT_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"

STRICT = ConfigDict(extra="forbid", strict=True)


class ToolError(ValueError):
    """A tool call the model must correct; the message goes back to the model."""


def registered_renderer(name: str) -> str:
    """`name` when a renderer is registered under it; otherwise an error listing the known ones."""
    from tools.render.base import known_renderers

    known = known_renderers()
    if name not in known:
        raise ValueError(f"unknown renderer {name[:80]!r}; known: {', '.join(known)}")
    return name


ShotNumber = Annotated[int, Field(ge=1, le=MAX_SHOTS)]
ShotId = Annotated[str, StringConstraints(pattern=SHOT_ID, max_length=64)]
ShotLabel = Annotated[str, StringConstraints(pattern=r"^#?[0-9]{1,4}[A-Za-z]{0,8}$")]
ShotRefType = ShotNumber | ShotId | ShotLabel
RendererName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME), AfterValidator(registered_renderer)]
TraitPart = Annotated[str, StringConstraints(max_length=40)]
TraitValue = Annotated[str, StringConstraints(max_length=MAX_NAME)]
ProjectPath = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PROJECT_PATH)]

ShotRefField = Field(
    description="The shot: its label as a string, the name the person sees ('2A', '3'), its 1-based position in "
    "the shot list as a number (2), or its id ('s7')."
)
BackendField = Field(None, description="A registered renderer for this shot alone, e.g. 'animatic'.")


def described(model: type[BaseModel], name: str, **bounds: Any) -> Any:
    """A field described as `model` (a story model) describes it, with `bounds` of its own."""
    return Field(description=model.model_fields[name].description, **bounds)


class Strict(BaseModel):
    model_config = STRICT


class ShotRef(Strict):
    shot: ShotRefType = ShotRefField


class ShotSpec(ShotChanges):
    """A shot's fields by their story.json names; `backend` must name a registered renderer."""

    model_config = STRICT
    backend: RendererName | None = BackendField


class UpdateShotArgs(ShotSpec):
    """Change fields of one shot; give only the fields to change, by their story.json names."""

    shot: ShotRefType = ShotRefField


class AddShotArgs(ShotSpec):
    """A new shot: any shot fields by their story.json names; unset fields take sensible defaults."""

    position: int | None = Field(None, ge=1, le=MAX_SHOTS, description="1-based position it takes; omit to append.")


class MoveShotArgs(ShotRef):
    position: int = Field(ge=1, le=MAX_SHOTS, description="The 1-based position it should take.")


class CharacterSpec(Strict):
    """A character of the cast."""

    id: str = Field(pattern=SHOT_ID, description="Lowercase id, e.g. 'mara'. Shots use it.")
    name: str = Field(min_length=1, max_length=MAX_NAME, description="Their name, e.g. 'Mara'.")
    description: str = Field("", max_length=MAX_TEXT, description="How they look: age, build, clothes, colours.")
    traits: dict[TraitPart, TraitValue] = Field(
        default_factory=dict, max_length=30, description="Visual traits by part, e.g. {'coat': 'red'}."
    )


class LocationSpec(Strict):
    """A place where scenes happen."""

    id: str = Field(pattern=SHOT_ID, description="Lowercase id, e.g. 'harbour'. Shots use it.")
    name: str = described(Location, "name", min_length=1, max_length=MAX_NAME)
    interior: bool = Field(False, description=Location.model_fields["interior"].description)
    description: str = Field("", max_length=MAX_TEXT, description=Location.model_fields["description"].description)


class BibleSpec(Strict):
    """What the story is."""

    title: str = described(Bible, "title", min_length=1, max_length=MAX_NAME)
    logline: str = Field("", max_length=MAX_TEXT, description=Bible.model_fields["logline"].description)
    genre: str = Field("drama", max_length=MAX_NAME, description=Bible.model_fields["genre"].description)
    tone: str = Field("", max_length=MAX_NAME, description=Bible.model_fields["tone"].description)


class CreateStoryArgs(Strict):
    """A whole story at once: what to call for a new brief. Replaces any story there was."""

    bible: BibleSpec = Field(description="Title, logline, genre and tone.")
    characters: list[CharacterSpec] = Field(default_factory=list, max_length=MAX_CAST, description="The cast.")
    locations: list[LocationSpec] = Field(default_factory=list, max_length=MAX_CAST, description="The places.")
    shots: list[ShotSpec] = Field(min_length=1, max_length=MAX_STORY_SHOTS, description="The shot list, in order.")


class UpdateCharacterArgs(CharacterChanges):
    model_config = STRICT
    character: str = Field(min_length=1, max_length=MAX_NAME, description="The character's id or name.")
    traits: dict[TraitPart, TraitValue] | None = Field(
        None, max_length=30, description="Visual traits by part, e.g. {'coat': 'red'}; the whole mapping."
    )


def _optional_fields(model: type[BaseModel], names: Sequence[str]) -> dict[str, Any]:
    """Fields of a story model as optional arguments that keep the model's own bounds and descriptions."""
    fields: dict[str, Any] = {}
    for name in names:
        info = model.model_fields[name]
        kind: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        fields[name] = (kind | None, Field(None, description=info.description))
    return fields


_STYLE_FIELDS = (
    "look",
    "palette",
    "fps",
    "title_card",
    "title_card_frames",
    "end_card",
    "end_card_frames",
    "end_card_text",
    "burn_subtitles",
)
SetStyleArgs: type[BaseModel] = create_model(  # the style's own fields and bounds, every one optional
    "SetStyleArgs", __config__=STRICT, **_optional_fields(Style, _STYLE_FIELDS)
)
_BIBLE_FIELDS = ("title", "logline", "genre", "tone")
SetBibleArgs: type[BaseModel] = create_model(  # the bible's own fields and bounds, every one optional
    "SetBibleArgs", __config__=STRICT, **_optional_fields(Bible, _BIBLE_FIELDS)
)


def command_args(command: type[Command], *, drop: Sequence[str] = (), **fields: Any) -> type[BaseModel]:
    """A tool's arguments made from a command's own fields, bounds and descriptions, less its tag and
    `drop`; `fields` take the place of some (a shot by position or id, a path inside the project)."""
    kept = {
        name: (info.annotation, info)
        for name, info in command.model_fields.items()
        if name != "command" and name not in drop
    }
    return create_model(f"{command.__name__}Args", __config__=STRICT, __doc__=command.__doc__, **(kept | fields))


SetMusicArgs = command_args(
    ImportMusic,
    path=(
        ProjectPath,
        Field(description="The music file inside the project folder, e.g. 'media/music/song.mp3'."),
    ),
)
RecordLineArgs = command_args(
    RecordLine,
    shot=(ShotRefType, ShotRefField),
    path=(
        ProjectPath | None,
        Field(
            None,
            description="The recording inside the project folder, e.g. 'media/voice/line.wav'; leave it out "
            "for the scratch voice.",
        ),
    ),
)
SetBudgetArgs = command_args(SetBudget)
ChooseRendererArgs = command_args(
    ChooseRenderer,
    drop=("options", "model"),  # option values name files and endpoints: the person sets them, not the model
    backend=(RendererName, Field(description="A registered renderer, e.g. 'animatic' or 'diffusers'.")),
    shot=(
        ShotRefType | None,
        Field(None, description="Only this shot (its position or id) renders with it; omit for the whole film."),
    ),
)


class RecallArgs(Strict):
    query: str = Field(min_length=1, max_length=500, description="What to look for, in plain words.")
    kinds: list[Literal["character", "location", "style", "decision", "shot", "preference"]] | None = Field(
        None, max_length=6, description="Only these kinds of memory; omit for all."
    )
    k: int = Field(5, ge=1, le=20, description="How many memories to return.")


class RenderArgs(Strict):
    shots: list[ShotRefType] = Field(
        default_factory=list, max_length=MAX_SHOTS, description="Shots to render with `backend`; omit for all."
    )
    backend: RendererName | None = Field(
        None, description="A registered renderer to use for those shots, e.g. 'animatic'; omit to keep."
    )


class TakesArgs(ShotRef):
    count: int = Field(ge=1, le=MAX_VARIATIONS, description="How many more takes (variations) to render.")


class ChooseTakeArgs(ShotRef):
    take: int = Field(ge=1, le=1_000, description="The take to use in the reel, 1-based, oldest first.")


VaryShotArgs = command_args(VaryShot, drop=("seed",), shot=(ShotRefType, ShotRefField))
VarySceneArgs = command_args(VaryScene, drop=("seed",))
KeepVariationArgs = command_args(
    KeepVariation,
    shot=(ShotRefType | None, Field(None, description="The shot whose versions these are; null: the newest offer.")),
)


class SurpriseArgs(Strict):
    shot: ShotRefType | None = Field(None, description="Surprise with this shot; null (and no scene): the film.")
    scene: int | None = Field(None, ge=1, le=10_000, description="Surprise with this scene (its number).")


class BranchArgs(Strict):
    op: Literal["name", "switch", "keep", "drop", "list", "compare"] = Field(
        description="name: call the current version `name`; switch: to branch `name` ('main' is the first); keep or "
        "drop: branch `name` (null: the one the person is on); list; compare: branch `name` against `other`."
    )
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = Field(
        None, description="The branch, e.g. 'noir' or 'main'."
    )
    other: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = Field(
        None, description="With compare: the branch to compare with (null: main)."
    )


class TryOnBranchArgs(Strict):
    why: Annotated[str, StringConstraints(min_length=1, max_length=300)] = Field(
        description="One line, for the person, on why this alternative might work."
    )


class NoArgs(Strict):
    pass


@dataclass(frozen=True)
class ToolSpec:
    args: type[BaseModel]
    description: str
    changes_story: bool = True


TOOLS: dict[str, ToolSpec] = {
    "create_story": ToolSpec(
        CreateStoryArgs,
        "Plan a new story from a brief: bible, characters, locations and the whole shot list. Replaces the "
        "current story; use it only for a new brief or when the person asks to start over.",
    ),
    "update_shot": ToolSpec(
        UpdateShotArgs,
        "Change one shot: size, angle, movement, action, duration_frames, dialogue... Give only the fields "
        "to change. Use for 'make shot 3 a close-up'.",
    ),
    "add_shot": ToolSpec(AddShotArgs, "Insert a new shot at a position (or at the end)."),
    "remove_shot": ToolSpec(ShotRef, "Remove one shot from the shot list (its takes stay on disk)."),
    "move_shot": ToolSpec(MoveShotArgs, "Move one shot to another position in the shot list."),
    "renumber_shots": ToolSpec(
        NoArgs,
        "Label the shots 1, 2, 3... in their order again, only when the person asks to renumber. Otherwise labels "
        "stay as they are when shots are added, removed or moved (a shot put in after shot 2 is 2A).",
    ),
    "update_character": ToolSpec(
        UpdateCharacterArgs,
        "Change a character's name, description, visual traits or voice ('she wears the red coat'). Every "
        "shot the character is in renders again with the new look.",
    ),
    "add_character": ToolSpec(
        CharacterSpec,
        "Add someone new to the cast ('a dog follows her'), then put them in shots with update_shot.",
    ),
    "add_location": ToolSpec(
        LocationSpec, "Add a new place to the story, then set shots there with update_shot's `location`."
    ),
    "set_bible": ToolSpec(SetBibleArgs, "Change the film's title, logline, genre or tone ('call it The Keeper')."),
    "set_style": ToolSpec(
        SetStyleArgs, "Change the film's look words, palette, frame rate, title card, end card or subtitles."
    ),
    "set_music": ToolSpec(
        SetMusicArgs,
        "Lay a music file from the project folder under the reel ('put media/music/song.mp3 under it'). "
        "It dips under speech; cut_to_beats also moves every cut onto the beat.",
    ),
    "remove_music": ToolSpec(NoArgs, "Take the music away from the reel ('no music')."),
    "cut_to_beats": ToolSpec(
        NoArgs,
        "Move every cut to the nearest beat of the music already under the reel ('cut it to the music'). "
        "Each shot stays within 25 % of its length.",
    ),
    "record_line": ToolSpec(
        RecordLineArgs,
        "Use a recording from the project folder for one dialogue line, or (no path) its scratch voice again.",
    ),
    "choose_renderer": ToolSpec(
        ChooseRendererArgs,
        "Choose the renderer for the whole film or for one shot ('do shot 4 with runway', 'use diffusers').",
    ),
    "set_budget": ToolSpec(
        SetBudgetArgs,
        "Set the most the project may spend on renders, in US dollars; a render over it is refused before it spends.",
    ),
    "recall": ToolSpec(
        RecallArgs,
        "Ask the project's memory: who 'the girl in the red coat' is, what was decided, what the person likes. "
        "Read-only.",
        changes_story=False,
    ),
    "check_continuity": ToolSpec(
        NoArgs,
        "List continuity problems by shot label (180-degree flips, time-of-day jumps, off-screen speakers). Read-only.",
        changes_story=False,
    ),
    "render": ToolSpec(
        RenderArgs,
        "Render shots again (after a failure), optionally with another renderer for some shots. "
        "Changed shots render by themselves after every turn; call this only when asked.",
    ),
    "request_takes": ToolSpec(
        TakesArgs, "Render more takes of a shot, each a variation under a new seed ('give me three takes of shot 5')."
    ),
    "choose_take": ToolSpec(ChooseTakeArgs, "Use one of a shot's takes in the reel ('use take 2 for shot 5')."),
    "vary_shot": ToolSpec(
        VaryShotArgs,
        "Offer versions of one shot side by side, each differing in size, angle, movement, lens, light or blocking "
        "and labelled A, B, C with what differs ('give me three versions of shot 4'); the reel keeps the shot.",
    ),
    "vary_scene": ToolSpec(
        VarySceneArgs,
        "Offer ways to cover a whole scene side by side, such as a master and inserts against shot / reverse shot "
        "('two ways to cover the kitchen scene'); the reel keeps its shots until one is kept.",
    ),
    "keep_variation": ToolSpec(
        KeepVariationArgs, "Keep one of the versions on offer in the reel ('keep B', 'the second one')."
    ),
    "surprise": ToolSpec(
        SurpriseArgs,
        "Apply, on a branch of its own, an alternative drawn from storyreel's rules (an unusual point of view, a "
        "bold light and weather, a cold open...) with a line on why ('surprise me'). Alone in a turn.",
    ),
    "try_on_branch": ToolSpec(
        TryOnBranchArgs,
        "Put this turn's changes on a new branch instead of the current version, with a line on why: use it for "
        "your own surprise, an alternative the person did not ask for; they keep it or drop it in one word.",
    ),
    "branch": ToolSpec(
        BranchArgs,
        "Name, switch to, keep, drop, list or compare versions of the film ('call this version noir', 'go back to "
        "the main version', 'keep it', 'drop it'). Alone in a turn.",
    ),
    "undo": ToolSpec(NoArgs, "Undo the last change, when the person asks to take it back."),
    "redo": ToolSpec(NoArgs, "Redo the change last undone."),
}

READ_ONLY = frozenset(name for name, spec in TOOLS.items() if not spec.changes_story)
HISTORY_TOOLS = frozenset({"undo", "redo"})
BRANCH_TOOLS = frozenset({"surprise", "try_on_branch", "branch"})


def tool_specs(names: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """The tools in the chat-completions function format, schemas generated from the pydantic models."""
    return copy.deepcopy(_specs(names))


@functools.cache
def _specs(names: frozenset[str] | None) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {"name": name, "description": spec.description, "parameters": model_schema(spec.args)},
        }
        for name, spec in TOOLS.items()
        if names is None or name in names
    ]


def model_schema(args: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of a tool's arguments as the model reads it: `args.model_json_schema()` with each
    vocabulary (an enum) written where its field is, and without the models' docstrings, since the
    tool's description and each field's own say what they mean. Validation uses `args` itself."""
    schema = args.model_json_schema()
    defs: dict[str, Any] = schema.pop("$defs", {})
    vocabularies = {name: sub for name, sub in defs.items() if "enum" in sub}

    def vocabulary(name: str) -> dict[str, Any] | None:
        return (
            {k: v for k, v in vocabularies[name].items() if k not in ("description", "title")}
            if name in vocabularies
            else None
        )

    def undocumented(node: dict[str, Any]) -> dict[str, Any]:
        if "properties" in node:
            node.pop("description", None)  # an argument model's docstring: the field or the tool says it
        return node

    def inline(node: Any) -> Any:
        return inline_refs(node, vocabulary, undocumented)

    kept = {name: inline(sub) for name, sub in defs.items() if name not in vocabularies}
    compact: dict[str, Any] = inline(schema)
    return compact | ({"$defs": kept} if kept else {})


def inline_refs(
    node: Any,
    part_of: Callable[[str], dict[str, Any] | None],
    then: Callable[[dict[str, Any]], dict[str, Any]] = lambda node: node,
) -> Any:
    """A JSON schema with each `$ref` whose definition name `part_of` answers replaced by that part
    (merged over the node's other keys), walked all the way down; `then` finishes every object."""
    if isinstance(node, list):
        return [inline_refs(item, part_of, then) for item in node]
    if not isinstance(node, dict):
        return node
    part = part_of(str(node.get("$ref", "")).rsplit("/", 1)[-1])
    if part is not None:
        node = {**{k: v for k, v in node.items() if k != "$ref"}, **part}
    return then({key: inline_refs(value, part_of, then) for key, value in node.items()})


def resolve_shot(project: Project, ref: int | str) -> str:
    """A shot's id from a label ('2A', '3': a string), a 1-based position (a number) or an id; a clear error
    otherwise."""
    ids = [shot.id for shot in project.shots]
    if isinstance(ref, str) and re.fullmatch(r"#?[0-9]{1,4}[A-Za-z]{0,8}", ref):  # a label, as the person says it
        wanted = ref.lstrip("#").upper()
        for shot in project.shots:
            if shot.label == wanted:
                return shot.id
        known = ", ".join(shot.label for shot in project.shots[:40])
        raise ToolError(f"`shot` {_shown(ref)} is not a shot's label; the labels are {known}")
    if isinstance(ref, int) and not isinstance(ref, bool):
        if not 1 <= ref <= len(ids):
            raise ToolError(f"`shot` must be between 1 and {len(ids)} but is {ref}")
        return ids[ref - 1]
    if ref not in ids:
        raise ToolError(f"`shot` {_shown(ref)} is not a shot id; known: {', '.join(ids[:40])}")
    return str(ref)


def resolve_character(project: Project, ref: str) -> str:
    """A character's id from an id or a name (any case)."""
    wanted = ref.strip().lower()
    for character in project.characters:
        if wanted in (character.id, character.name.lower()):
            return character.id
    known = ", ".join(f"{c.id} ({c.name})" for c in project.characters) or "none yet"
    raise ToolError(f"`character` {ref!r} is not in the cast; known: {known}")


@dataclass
class ToolOutcome:
    """What one call did: the answer for the model, and any edits or history step it asked for."""

    content: str
    edits: list[AnyEdit] = field(default_factory=list)
    action: Literal["edit", "undo", "redo", "render", "branch"] | None = None
    built: list[Command | AnyEdit] = field(default_factory=list)
    """The commands and edits the call built, before its commands were expanded into `edits`."""


@dataclass
class ReplyOutcome:
    """What one reply's calls did, all or nothing: an answer per call, in order, for the model."""

    answers: list[str]
    """One tool message per call; a refused reply answers every call."""
    error: str | None = None
    """The first error when the reply was refused (and nothing of it kept); None when every call held."""
    changes: bool = False
    """True when the reply was kept and asked for a change (an edit, undo, redo or render)."""


Recall = Callable[[str, list[str] | None, int], list[Any]]
Check = Callable[[Project], list[Any]]


class Toolbox:
    """The tools of one turn over a working copy of the project."""

    def __init__(
        self,
        project: Project,
        *,
        recall: Recall | None = None,
        check: Check | None = None,
        allowed: frozenset[str] | None = None,
        folder: ProjectFolder | None = None,
    ) -> None:
        self.project = project
        self.recall = recall
        self.check = check
        self.allowed = allowed
        self.folder = folder
        """The project's folder: a music file or a recording must be inside it (none: those tools refuse)."""
        self.edits: list[AnyEdit] = []
        self.action: Literal["edit", "undo", "redo", "render", "branch"] | None = None
        self.branch: dict[str, Any] | None = None
        """What the turn asks of branches (agent/branching.py), or None."""
        self.calls = 0
        """Calls kept so far this turn (at most `MAX_CALLS`)."""

    def specs(self) -> list[dict[str, Any]]:
        return _specs(self.allowed)  # shared and never changed: sent as it is

    def run_reply(self, calls: Sequence[tuple[Any, Any]]) -> ReplyOutcome:
        """Run one reply's (name, arguments) calls all or nothing.

        Every call runs against the working copy so that later calls see earlier ones; when any
        of them is invalid, the copy goes back to where it was before the reply and every call is
        answered, the bad ones with their error, so the model can send the whole set again.
        """
        if self.calls + len(calls) > MAX_CALLS:
            error = (
                f"too many tool calls: this reply has {len(calls)} and the turn has kept {self.calls}; "
                f"a turn takes at most {MAX_CALLS}. Nothing in this reply was applied"
            )
            return ReplyOutcome(answers=[f"error: {error}"] * len(calls), error=error)
        before = (self.project, self.edits, self.action, self.branch)
        answers: list[str] = []
        errors: list[str] = []
        changes = False
        for name, arguments in calls:
            try:
                outcome = self.call(name, arguments)
            except ToolError as exc:
                errors.append(str(exc))
                answers.append(f"error: {exc}")
                continue
            answers.append(outcome.content)
            changes = changes or outcome.action is not None
        if not errors:
            self.calls += len(calls)
            return ReplyOutcome(answers=answers, changes=changes)
        self.project, self.edits, self.action, self.branch = before
        refused = (
            "not applied: another call in this reply was invalid, so nothing in it was applied; send every call again"
        )
        answers = [answer if answer.startswith("error: ") else refused for answer in answers]
        return ReplyOutcome(answers=answers, error=errors[0])

    def call(self, name: Any, arguments: Any) -> ToolOutcome:
        """Run one call; raises `ToolError` (with a message for the model) and changes nothing on a bad one."""
        offered = [n for n in TOOLS if self.allowed is None or n in self.allowed]
        if not isinstance(name, str) or name not in offered:
            raise ToolError(f"unknown tool {_shown(name)}; available now: {', '.join(offered)}")
        if arguments is None or arguments == "":
            arguments = "{}"
        if not isinstance(arguments, str):
            raise ToolError(
                f"`arguments` of {name} must be a string holding a JSON object, but is a {_json_kind(arguments)}"
            )
        if len(arguments) > MAX_ARGUMENTS:
            raise ToolError(f"arguments are too long ({len(arguments)} characters; at most {MAX_ARGUMENTS})")
        spec = TOOLS[name]
        try:
            args = spec.args.model_validate_json(arguments, strict=True)
        except ValidationError as exc:
            raise ToolError(f"invalid arguments for {name}: {_first_error(exc, self.project)}") from exc
        if name in HISTORY_TOOLS:
            if self.edits:
                raise ToolError(f"{name} cannot be combined with changes in the same turn")
            self.action = name  # type: ignore[assignment]
            return ToolOutcome(f"will {name} once this turn ends", action=self.action)
        if name in BRANCH_TOOLS:
            return self._branch(name, args)
        if not spec.changes_story:
            return ToolOutcome(self._read(name, args))
        if self.action in HISTORY_TOOLS:
            raise ToolError(f"changes cannot be combined with {self.action} in the same turn")
        built = self._build(name, args)
        after, edits, said = self._expand(built)
        if len(after.shots) > max(MAX_STORY_SHOTS, len(self.project.shots)):
            raise ToolError(
                f"a project takes at most {MAX_STORY_SHOTS} shots from the director; it has {len(self.project.shots)}"
            )
        self.project, self.edits = after, [*self.edits, *edits]
        if name == "render":
            self.action = "render"
        elif self.action is None:
            self.action = "edit"
        return ToolOutcome(_done(name, self.project, said), edits=edits, action=self.action, built=built)

    # Changes -----------------------------------------------------------------------------

    def _branch(self, name: str, args: Any) -> ToolOutcome:
        """A surprise or a branch step, done once the turn ends; `try_on_branch` sends the turn's changes to a
        new branch."""
        if name == "try_on_branch":
            if self.action in (*HISTORY_TOOLS, "branch"):
                raise ToolError(f"try_on_branch cannot be combined with {self.action} in the same turn")
            self.branch = {"op": "try", "why": args.why}
            return ToolOutcome("this turn's changes will go on a new branch, with your line on why")
        if self.edits or self.action is not None:
            raise ToolError(f"{name} cannot be combined with other changes in the same turn")
        if name == "surprise":
            shot = None if args.shot is None else self._number(args.shot)
            self.branch = {"op": "surprise", "shot": shot, "scene": args.scene}
        else:
            self.branch = {"op": args.op, "name": args.name, "a": args.name, "b": args.other or "main"}
        self.action = "branch"
        return ToolOutcome(f"will {name.replace('_', ' ')} once this turn ends", action="branch")

    def _expand(self, built: list[Command | AnyEdit]) -> tuple[Project, list[AnyEdit], list[str]]:
        """The working copy after `built`, its edits and what the commands said: each command expands
        against the project as the call has left it, as `Production.run` does; raises `ToolError`."""
        project = self.project
        edits: list[AnyEdit] = []
        said: list[str] = []
        for item in built:
            try:
                if isinstance(item, Command):
                    expansion = expand(project, item, folder=self.folder)
                    step, said = expansion.edits, [*said, expansion.summary, *expansion.notes]
                else:
                    step = [item]
                project = apply(project, step)
            except EditError as exc:  # a CommandError is one too
                raise ToolError(str(exc)) from exc
            edits += step
        return project, edits, said

    def _build(self, name: str, args: Any) -> list[Command | AnyEdit]:  # noqa: C901 - one branch a tool
        """The commands and edits one call asks for."""
        project = self.project
        if name == "create_story":
            return [_story(args)]
        if name == "update_shot":
            changes = ShotChanges(**_given(args, Shot, exclude={"shot"}))
            if not changes.model_fields_set:
                raise ToolError("update_shot needs at least one field to change besides `shot`")
            return [UpdateShot(shot_id=resolve_shot(project, args.shot), changes=changes)]
        if name == "add_shot":
            fields = args.model_dump(exclude={"position"}, exclude_unset=True, exclude_none=True)
            try:
                shot = Shot(id=f"s{project.next_shot}", **fields)
            except ValidationError as exc:
                raise ToolError(f"invalid shot: {_first_error(exc)}") from exc
            return [AddShot(shot=shot, position=args.position)]
        if name == "remove_shot":
            return [RemoveShot(shot_id=resolve_shot(project, args.shot))]
        if name == "move_shot":
            return [MoveShot(shot_id=resolve_shot(project, args.shot), position=args.position)]
        if name == "renumber_shots":
            return [RenumberShots()]
        if name == "update_character":
            character = CharacterChanges(**_given(args, Character, exclude={"character"}))
            if not character.model_fields_set:
                raise ToolError("update_character needs a name, description or traits to change")
            return [UpdateCharacter(character_id=resolve_character(project, args.character), changes=character)]
        if name == "add_character":
            return [AddCharacter(character=Character(**args.model_dump()))]
        if name == "add_location":
            return [AddLocation(location=Location(**args.model_dump()))]
        if name in ("set_style", "set_bible"):
            changes = args.model_dump(exclude_unset=True, exclude_none=True)
            if not changes:
                raise ToolError(f"{name} needs at least one field to change")
            return [SetStyle(changes=changes) if name == "set_style" else SetBible(changes=changes)]
        if name == "set_music":
            path = self._inside(args.path, "the music file")
            return [ImportMusic(path=path, cut_to_beats=args.cut_to_beats, gain_db=args.gain_db, duck_db=args.duck_db)]
        if name == "remove_music":
            return [RemoveMusic()]
        if name == "cut_to_beats":
            return [CutToBeats()]
        if name == "record_line":
            recording = None if args.path is None else self._inside(args.path, "the recording")
            return [RecordLine(shot=self._number(args.shot), line=args.line, path=recording)]
        if name == "set_budget":
            return [SetBudget(dollars=args.dollars)]
        if name == "choose_renderer":
            number = None if args.shot is None else self._number(args.shot)
            return [ChooseRenderer(backend=args.backend, shot=number, every_shot=args.every_shot)]
        if name == "request_takes":
            return [RequestTakes(shot_id=resolve_shot(project, args.shot), count=args.count)]
        if name == "choose_take":
            return [ChooseTake(shot_id=resolve_shot(project, args.shot), take=args.take)]
        if name in ("vary_shot", "vary_scene", "keep_variation"):
            if name == "vary_shot":
                return [VaryShot(shot=self._number(args.shot), count=args.count)]
            if name == "vary_scene":
                return [VaryScene(scene=args.scene, count=args.count)]
            number = None if args.shot is None else self._number(args.shot)
            return [KeepVariation(label=args.label.upper(), shot=number)]
        if name == "render":
            if args.backend is None:  # already a registered renderer: validated with the arguments
                return []
            if not args.shots:
                return [ChooseRenderer(backend=args.backend, every_shot=True)]
            numbers = dict.fromkeys(self._number(ref) for ref in args.shots)
            return [ChooseRenderer(backend=args.backend, shot=number) for number in numbers]
        raise ToolError(f"{name} is not a story change")  # pragma: no cover - TOOLS and this agree

    def _number(self, ref: int | str) -> int:
        """A shot's 1-based number from a position or an id, as the commands take it."""
        return self.project.shot_number(resolve_shot(self.project, ref))

    def _inside(self, given: str, what: str) -> str:
        """The absolute path of the file `given` names, relative to the project folder; a `ToolError` for
        one outside it (absolute, through `..` or a link out), one that is not there, or a turn with no folder."""
        if self.folder is None:
            raise ToolError(f"{what} must be a file in the project folder, and this turn has no project folder")
        if "\x00" in given or not given.strip() or Path(given).is_absolute():
            raise ToolError(
                f"`path` must be relative to the project folder, like 'media/music/song.mp3', not {_shown(given)}"
            )
        root = self.folder.root.resolve()
        try:
            found = (root / given).resolve()
            inside, there = found.is_relative_to(root), found.is_file()
        except (OSError, RuntimeError, ValueError):  # a name too long, a loop of links, a lone surrogate
            inside, there = False, False
        if not inside:
            raise ToolError(f"`path` {_shown(given)} is not inside the project folder; {what} must be")
        if not there:
            raise ToolError(f"`path` {_shown(given)}: there is no such file in the project folder")
        return str(found)

    # Reading -----------------------------------------------------------------------------

    def _read(self, name: str, args: Any) -> str:
        if name == "recall":
            if self.recall is None:
                return "memory is off for this project; nothing to recall"
            try:
                hits = self.recall(args.query, list(args.kinds) if args.kinds else None, args.k)
            except ValueError as exc:
                raise ToolError(str(exc)) from exc
            lines = [f"{hit.score:.2f} {hit.kind} {getattr(hit, 'ref', hit.id)}: {hit.text[:300]}" for hit in hits]
            return "\n".join(lines) or "nothing remembered matches"
        if self.check is None:
            return "the continuity checker is not available"
        problems = self.check(self.project)
        return "\n".join(str(p) for p in problems) or f"no continuity problems in {len(self.project.shots)} shots"


def _given(args: BaseModel, target: type[BaseModel], *, exclude: set[str]) -> dict[str, Any]:
    """The fields the model gave. A null for a field `target` cannot leave empty (a shot's action,
    a character's name) means "leave it as it is", as the schema's null suggests; a null for one
    that may be empty (a shot's location or renderer) clears it."""
    fields = args.model_dump(exclude=exclude, exclude_unset=True)
    return {k: v for k, v in fields.items() if v is not None or target.model_fields[k].default is None}


def _story(args: CreateStoryArgs) -> ReplaceStory:
    """A ReplaceStory from a plan, shot ids counted from s1 and every reference checked."""
    cast = {c.id for c in args.characters}
    places = {loc.id for loc in args.locations}
    shots = []
    for number, spec in enumerate(args.shots, 1):
        fields = spec.model_dump(exclude_unset=True, exclude_none=True)
        missing = [c for c in fields.get("characters", []) if c not in cast]
        if missing:
            raise ToolError(f"shot {number} names character {missing[0]!r}, which is not in `characters`")
        if fields.get("location") and fields["location"] not in places:
            raise ToolError(f"shot {number} is at location {fields['location']!r}, which is not in `locations`")
        try:
            shots.append(Shot(id=f"s{number}", **fields))
        except ValidationError as exc:
            raise ToolError(f"shot {number} is invalid: {_first_error(exc)}") from exc
    try:
        return ReplaceStory(
            bible=Bible(**args.bible.model_dump()),
            characters=[Character(**c.model_dump()) for c in args.characters],
            locations=[Location(**loc.model_dump()) for loc in args.locations],
            shots=shots,
        )
    except ValidationError as exc:
        raise ToolError(f"invalid story: {_first_error(exc)}") from exc


def _done(name: str, project: Project, said: list[str]) -> str:
    if name == "create_story":
        return f"story planned: {len(project.shots)} shots, {len(project.characters)} characters"
    if said:  # what the commands said they did: "music: song.wav", "shot 3 renders with runway"
        return "done: " + "; ".join(said)
    return f"done; the film now has {len(project.shots)} shots"


_UNION_TAG = re.compile(r"^((constrained-)?(int|str|float|bool|none)|[a-z-]+\[.*\])$")


def _first_error(exc: ValidationError, project: Project | None = None) -> str:
    """The error that says most, in words for the model: where, what, and the value it got.

    A union (a shot's position or id) reports a failure per branch; the bound that failed says
    more than the branch whose type did not fit, and pydantic's branch tags are left out.
    """
    errors = exc.errors(include_url=False)
    error = min(errors, key=lambda e: str(e.get("type", "")).endswith("_type"))
    path = [p for p in error.get("loc", ()) if not (isinstance(p, str) and _UNION_TAG.match(p))]
    where = ".".join(str(p) for p in path)
    if path and (path[-1] == "shot" or (len(path) > 1 and path[-2] == "shots" and isinstance(path[-1], int))):
        count = f"between 1 and {len(project.shots)}" if project is not None and project.shots else "from 1"
        return (
            f"{where}: must be a label like '2A', a 1-based position {count} or a shot id like 's7', "
            f"not {_shown(error['input'])}"
        )
    message = re.sub(r"^Value error, ", "", str(error.get("msg", "")))
    return f"{where}: {message}" if where else message


def _shown(value: Any, limit: int = 60) -> str:
    """A value as the model sent it, cut short: errors quote it without echoing a huge one back."""
    shown = json.dumps(value, ensure_ascii=False, default=repr) if not isinstance(value, str) else repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _json_kind(value: Any) -> str:
    kinds = {bool: "boolean", int: "number", float: "number", dict: "JSON object", list: "JSON array"}
    return kinds.get(type(value), type(value).__name__)


def to_edits(project: Project, name: str, arguments: str) -> list[Any] | str:
    """Typed edits for one tool call against `project`, or "undo"/"redo"; raises ToolError."""
    box = Toolbox(project)
    outcome = box.call(name, arguments)
    if outcome.action in HISTORY_TOOLS:
        return str(outcome.action)
    return outcome.edits

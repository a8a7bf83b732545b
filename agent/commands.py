"""The closed set of typed commands: the changes that are more than one plain story edit.

A command is what a person (or a model) asks for in their own terms: lay this music under the
reel and cut to its beats, use my recording for shot 3's first line, render shot 4 with runway,
spend at most $20. `expand` turns one into story edits against the project as it stands, with a
line for the history and what the person should hear about it; importing music or a recording
also copies the file into the project, which only the production service does (under the
project's lock, as part of `Production.run`). Doors (CLI, studio, offline grammar) build commands
and hand them to `Production.run`; none writes to the project folder itself.

Every field carries a one-line description written for a model to read: the model's tools are
generated from these models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

from story import AnyEdit, EditError, Project, ProjectFolder, SetBackend, SetMusic, ShotChanges, UpdateShot
from story import SetBudget as SetBudgetEdit
from story.model import MAX_NAME, MAX_SHOTS

MAX_PATH = 4_096
RECORDING_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".aif", ".aiff")
MAX_RECORDING_BYTES = 50 * 1024 * 1024
MAX_RECORDING_SECONDS = 120.0
MAX_LINES = 40  # a shot's dialogue lines, as story.edits.ShotChanges bounds them

FilePath = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PATH)]
ShotNumber = Annotated[int, Field(ge=1, le=MAX_SHOTS, description="The shot's 1-based number in the shot list.")]


class CommandError(EditError):
    """A command that cannot be done on this project; the message is shown to the person as it is."""


class Command(BaseModel):
    """Base of every command: frozen, strict, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    renders: ClassVar[bool] = True
    """Whether the reel is rendered and assembled after it (a budget changes no picture)."""


class ImportMusic(Command):
    """Lay a music file under the reel as its bed (ducked under speech), and optionally cut the shots to its beats."""

    command: Literal["import_music"] = "import_music"
    path: FilePath = Field(description="The music file to import (wav, mp3, m4a, ogg, flac...); it is copied in.")
    cut_to_beats: bool = Field(False, description="Also move every shot boundary to the nearest beat (±25 %).")
    gain_db: float = Field(-8.0, ge=-40, le=6, description="Level of the music bed in dB (-40 to 6).")
    duck_db: float = Field(12.0, ge=0, le=40, description="How far the bed dips while anyone speaks, in dB (0-40).")


class RemoveMusic(Command):
    """Take the music bed away from the reel."""

    command: Literal["remove_music"] = "remove_music"


class CutToBeats(Command):
    """Retime the shots to the beats of the music already laid under the reel, each within ±25 % of its length."""

    command: Literal["cut_to_beats"] = "cut_to_beats"


class RecordLine(Command):
    """Use a recording of one dialogue line instead of its scratch voice, or go back to the scratch voice."""

    command: Literal["record_line"] = "record_line"
    shot: ShotNumber
    line: int = Field(ge=1, le=MAX_LINES, description="The line's 1-based number within the shot's dialogue.")
    path: FilePath | None = Field(
        None, description="The recording (wav, mp3, m4a, ogg...), copied in; null goes back to the scratch voice."
    )


class ChooseRenderer(Command):
    """Render the project (or one shot) with a named renderer, and keep that renderer's options."""

    command: Literal["choose_renderer"] = "choose_renderer"
    backend: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)] = Field(
        description="A registered renderer's name, e.g. 'animatic' or 'diffusers'."
    )
    options: dict[str, Any] = Field(
        default_factory=dict, max_length=50, description="Renderer options to set, merged over those kept."
    )
    model: Annotated[str, StringConstraints(min_length=1, max_length=MAX_PATH)] | None = Field(
        None, description="The renderer's model (its `model`, or `image_model` for hosted ones); null keeps it."
    )
    shot: ShotNumber | None = Field(None, description="Only this shot renders with it; null makes it the project's.")
    every_shot: bool = Field(
        False, description="With no shot: shots that chose their own renderer follow the project's again."
    )


class SetBudget(Command):
    """Set the most the project may spend on renders; a render over it is refused before it spends."""

    renders: ClassVar[bool] = False

    command: Literal["set_budget"] = "set_budget"
    dollars: float | None = Field(
        None, ge=0, le=1_000_000, description="The cap in US dollars; null or left out removes the cap."
    )


class VaryShot(Command):
    """Offer versions of a shot side by side, each varying what a director would (size, angle, lens, light...)."""

    command: Literal["vary_shot"] = "vary_shot"
    shot: ShotNumber
    count: int = Field(3, ge=1, le=10, description="How many versions (1-10).")
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="Draw the same versions again; null: new ones.")


class VaryScene(Command):
    """Offer ways to cover a scene side by side (a master and inserts, shot / reverse shot, a moving camera...)."""

    command: Literal["vary_scene"] = "vary_scene"
    scene: int = Field(ge=1, le=10_000, description="The scene's number, as the shots' `scene` says.")
    count: int = Field(2, ge=1, le=5, description="How many ways (1-5).")
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="Draw the same ways again; null: new ones.")


class KeepVariation(Command):
    """Keep one of the versions on offer: its shot (or scene) takes that version's fields, its take the reel's."""

    command: Literal["keep_variation"] = "keep_variation"
    label: Annotated[str, StringConstraints(pattern=r"^[A-Ja-j]$")] = Field(description="The version's letter, A-J.")
    shot: ShotNumber | None = Field(None, description="The shot whose offer it is; null: the newest offer.")


AnyCommand = Annotated[
    ImportMusic
    | RemoveMusic
    | CutToBeats
    | RecordLine
    | ChooseRenderer
    | SetBudget
    | VaryShot
    | VaryScene
    | KeepVariation,
    Field(discriminator="command"),
]
COMMANDS: TypeAdapter[list[AnyCommand]] = TypeAdapter(list[AnyCommand])
COMMAND_TYPES: tuple[type[Command], ...] = (
    *(ImportMusic, RemoveMusic, CutToBeats, RecordLine, ChooseRenderer, SetBudget),
    *(VaryShot, VaryScene, KeepVariation),
)


@dataclass(frozen=True)
class Expansion:
    """What one command comes to: story edits, a line for the history, and what the person should hear."""

    edits: list[AnyEdit]
    summary: str
    notes: list[str] = field(default_factory=list)
    """Lines the person reads before the list of changes (beats tracked, the cut's bounds)."""


Announce = Callable[[str], None]


def expand(
    project: Project, command: Command, *, folder: ProjectFolder | None = None, announce: Announce | None = None
) -> Expansion:
    """The edits `command` comes to on `project`; raises `CommandError` (nothing written) when it cannot be done.

    Commands that import a file (music, a recording) need the project `folder` to copy it into:
    only the production service passes one, holding the project's lock.
    """
    if isinstance(command, ImportMusic):
        return _import_music(project, command, _needs(folder, command), announce or (lambda line: None))
    if isinstance(command, RemoveMusic):
        return Expansion([SetMusic(music=None)], "remove the music")
    if isinstance(command, CutToBeats):
        return _cut_to_beats(project)
    if isinstance(command, RecordLine):
        return _record_line(project, command, folder)
    if isinstance(command, ChooseRenderer):
        return _choose_renderer(project, command)
    if isinstance(command, SetBudget):
        said = "no budget" if command.dollars is None else f"budget ${command.dollars:,.2f}"
        return Expansion([SetBudgetEdit(budget=command.dollars)], said)
    if isinstance(command, VaryShot | VaryScene | KeepVariation):
        return _variations(project, command)
    raise TypeError(f"not a command: {command!r}")


def _variations(project: Project, command: VaryShot | VaryScene | KeepVariation) -> Expansion:
    """Offer versions of a shot or ways to cover a scene, or keep one (the rules: agent/variations.py)."""
    from agent.variations import NoVersions, keep_edits, offer_scene, offer_shot

    try:
        if isinstance(command, VaryShot):
            edits, said = offer_shot(project, _shot(project, command.shot) + 1, command.count, command.seed)
        elif isinstance(command, VaryScene):
            edits, said = offer_scene(project, command.scene, command.count, command.seed)
        else:
            shot = None if command.shot is None else _shot(project, command.shot) + 1
            edits, said = keep_edits(project, command.label, shot)
    except NoVersions as exc:
        raise CommandError(str(exc)) from None
    return Expansion(edits, said)


def _needs(folder: ProjectFolder | None, command: Command) -> ProjectFolder:
    if folder is None:
        raise TypeError(f"{type(command).__name__} copies a file into the project; run it through Production.run")
    return folder


def _import_music(project: Project, command: ImportMusic, folder: ProjectFolder, announce: Announce) -> Expansion:
    from story import apply
    from tools.edit.music import import_music
    from tools.edit.retime import NoBeats, retime_to_beats
    from tools.media.audio import AudioError

    source = Path(command.path)
    announce(f"reading the beats of {source.name}")
    try:
        imported = import_music(folder, source, gain_db=command.gain_db, duck_db=command.duck_db)
    except AudioError as exc:
        raise CommandError(str(exc)) from None
    edits: list[AnyEdit] = [SetMusic(music=imported.music)]
    notes = [f"Music: {note}" for note in imported.notes]
    if command.cut_to_beats:
        try:
            retime = retime_to_beats(apply(project, edits))
        except NoBeats as exc:
            raise CommandError(f"the music was not imported: {exc}") from exc
        edits += retime.edits
        notes.append(f"Cut to the music ({retime.tempo or 0:.0f} BPM), each shot within ±{retime.reach:.0%}:")
        notes += [f"  {line}" for line in retime.report(project.fps)]
    summary = f"music: {source.name}" + (", cut to the beat" if command.cut_to_beats else "")
    return Expansion(edits, summary, notes)


def _cut_to_beats(project: Project) -> Expansion:
    from tools.edit.retime import NoBeats, retime_to_beats

    try:
        retime = retime_to_beats(project)
    except NoBeats as exc:
        raise CommandError(f"cannot cut to the music: {exc}") from exc
    tempo = f"{retime.tempo:.0f} BPM, " if retime.tempo else ""
    report = "; ".join(retime.report(project.fps))
    return Expansion(list(retime.edits), f"cut to the music ({tempo}each shot within ±{retime.reach:.0%}): {report}")


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _shot(project: Project, number: int) -> int:
    """The 0-based index of shot `number`; `CommandError` naming the shots there are."""
    if not 1 <= number <= len(project.shots):
        raise CommandError(f"there is no shot {number}; the project has {_counted(len(project.shots), 'shot')}")
    return number - 1


def _record_line(project: Project, command: RecordLine, folder: ProjectFolder | None) -> Expansion:
    from tools.edit.music import check_audio_file, copy_into
    from tools.media.audio import AudioError, decode_audio
    from tools.voice.lines import recorded_name, recording_path

    target = project.shots[_shot(project, command.shot)]
    if command.line > len(target.dialogue):
        said = len(target.dialogue)
        raise CommandError(
            f"shot {target.label} has {said} line{'s' if said != 1 else ''} of dialogue, not {command.line}"
        )
    recording: str | None = None
    what = "the scratch voice"
    if command.path is not None:
        source = Path(command.path)
        try:
            check_audio_file(source, suffixes=RECORDING_SUFFIXES, max_bytes=MAX_RECORDING_BYTES, what="recording")
            seconds = len(decode_audio(source)) / 48_000
        except AudioError as exc:
            raise CommandError(str(exc)) from None
        if seconds > MAX_RECORDING_SECONDS:
            raise CommandError(f"recording {source.name} is {seconds:.0f}s long; a line may be at most 120s")
        destination = _needs(folder, command)
        name = recorded_name(target.id, command.line - 1, source.suffix, source.read_bytes())
        recording = str(recording_path(name))
        copy_into(source, destination.path(recording))
        what = f"recording {source.name}"
    lines = list(target.dialogue)
    lines[command.line - 1] = lines[command.line - 1].model_copy(update={"recording": recording})
    edit = UpdateShot(shot_id=target.id, changes=ShotChanges(dialogue=lines))
    return Expansion([edit], f"shot {target.label} line {command.line}: {what}")


def _choose_renderer(project: Project, command: ChooseRenderer) -> Expansion:
    from tools.render.base import RenderError, get_renderer, known_renderers

    name = command.backend
    given = dict(command.options)
    if command.model is not None:
        fields = get_renderer(name).Options.model_fields if name in known_renderers() else {}
        option = "model" if "model" in fields or "image_model" not in fields else "image_model"  # hosted: image model
        given[option] = command.model
    merged = {**project.renderer_options.get(name, {}), **given}
    try:
        get_renderer(name, merged)  # an unknown name or a bad option stops here, naming what is known
    except RenderError as exc:
        raise CommandError(str(exc)) from None
    options = merged if given else None
    if command.shot is not None:
        index = _shot(project, command.shot)
        edits: list[AnyEdit] = [SetBackend(backend=name, options=options, default=False)] if options else []
        edits.append(UpdateShot(shot_id=project.shots[index].id, changes=ShotChanges(backend=name)))
        return Expansion(edits, f"shot {project.shots[index].label} renders with {name}")
    edits = [SetBackend(backend=name, options=options)]
    if command.every_shot:
        edits += [UpdateShot(shot_id=s.id, changes=ShotChanges(backend=None)) for s in project.shots if s.backend]
        return Expansion(edits, f"every shot renders with {name}")
    return Expansion(edits, f"render with {name}")

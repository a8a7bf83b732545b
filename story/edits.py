"""The closed set of typed edits and the one pure `apply`.

Every change to a project is one of these edits. `apply(project, edits)` returns a new
project and never touches the one it was given; `describe_changes(before, after)` says what
changed in words a person reads ("shot 3: size WS -> CU").
"""

from __future__ import annotations

import difflib
import hashlib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from story.model import (
    MAX_NAME,
    MAX_SHOT_FRAMES,
    MAX_TEXT,
    MAX_TITLE_CARD_FRAMES,
    MIN_SHOT_FRAMES,
    Acting,
    Angle,
    Bible,
    Character,
    DialogueLine,
    Ident,
    Location,
    Movement,
    Music,
    Project,
    Prop,
    Shot,
    ShotSize,
    Style,
    Take,
    TimeOfDay,
    Transition,
    VoiceChoice,
    Weather,
    shot_counter,
)

Text = Annotated[str, StringConstraints(max_length=MAX_TEXT, strip_whitespace=True)]


class EditError(ValueError):
    """An edit that cannot apply to this project (unknown shot, bad value); nothing changed."""


class Edit(BaseModel):
    """Base of every edit: frozen and strict."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ShotChanges(Edit):
    """Fields of a shot to change; a field left out stays as it is."""

    beat: Text | None = Field(None, description="The story beat the shot serves, in a few words.")
    action: Text | None = Field(None, description="What we see happen; the picture is drawn from it.")
    characters: list[Ident] | None = Field(
        None, max_length=20, description="Ids of the characters in frame; the whole list."
    )
    location: Ident | None = Field(None, description="Id of the place the shot is in.")
    scene: int | None = Field(None, ge=1, le=10_000, description="Scene number; the shots of one scene share it.")
    positions: dict[Ident, Annotated[float, Field(ge=0.0, le=1.0)]] | None = Field(
        None, max_length=20, description="Where each character in frame stands, by id: 0 the left edge, 1 the right."
    )
    time_of_day: TimeOfDay | None = Field(None, description="The light the shot plays in.")
    weather: Weather | None = Field(None, description="What the sky does: clear, cloud, rain, storm, snow, fog, wind.")
    props: list[Prop] | None = Field(
        None,
        max_length=20,
        description="The whole list of things, creatures, vehicles and set pieces in frame besides the characters "
        "(each with a name, where: foreground, background or held, and held_by: the holder's id).",
    )
    acting: dict[Ident, Acting] | None = Field(
        None,
        max_length=20,
        description="Per character in frame (by id): expression (neutral, happy, sad, crying, angry, afraid, "
        "surprised, laughing), pose (standing, sitting, lying, walking, running, pointing, holding) and facing "
        "(left, right, camera). Replaces the whole mapping.",
    )
    size: ShotSize | None = Field(None, description="Shot size, from ECU (a detail) to EWS (a vast view).")
    angle: Angle | None = Field(None, description="Where the camera looks from.")
    movement: Movement | None = Field(None, description="How the camera moves during the shot.")
    lens_mm: int | None = Field(
        None, ge=8, le=600, description="Focal length in mm: 24 wide, 35-50 normal, 85 and up tight."
    )
    duration_frames: int | None = Field(
        None,
        ge=MIN_SHOT_FRAMES,
        le=MAX_SHOT_FRAMES,
        description="Length in frames at the film's fps (at 24 fps, 96 is 4 s).",
    )
    dialogue: list[DialogueLine] | None = Field(
        None, max_length=40, description="The lines spoken, in order; the whole list."
    )
    transition: Transition | None = Field(None, description="How the shot joins the one before it.")
    notes: Text | None = Field(None, description="Free notes for the crew; not drawn.")
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="Seed every renderer uses for the shot.")
    backend: Annotated[str, StringConstraints(max_length=MAX_NAME)] | None = Field(
        None, description="A registered renderer for this shot alone; null uses the project's."
    )


class CharacterChanges(Edit):
    """Fields of a character to change."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME, strip_whitespace=True)] | None = Field(
        None, description="The name shown to the person and in captions."
    )
    description: Text | None = Field(
        None, description="How they look, in full: age, build, clothes, colours; every prompt uses it."
    )
    traits: dict[str, str] | None = Field(
        None, max_length=30, description="Visual traits by part, e.g. {'coat': 'red'}; the whole mapping."
    )
    voice: VoiceChoice | None = Field(None, description="How their scratch lines are spoken.")


class ReplaceStory(Edit):
    """Set the whole story at once: what planning a brief produces."""

    op: Literal["replace_story"] = "replace_story"
    bible: Bible
    style: Style | None = None
    characters: list[Character]
    locations: list[Location]
    shots: list[Shot]


class AddShot(Edit):
    """Insert a new shot; its id is assigned from the project's counter when left empty."""

    op: Literal["add_shot"] = "add_shot"
    shot: Shot
    position: int | None = Field(None, ge=1, description="1-based position it takes; None appends.")


class RemoveShot(Edit):
    """Take a shot out of the list (its takes stay on disk)."""

    op: Literal["remove_shot"] = "remove_shot"
    shot_id: Ident


class MoveShot(Edit):
    """Move a shot to a new 1-based position."""

    op: Literal["move_shot"] = "move_shot"
    shot_id: Ident
    position: int = Field(ge=1)


class RenumberShots(Edit):
    """Label every shot by its place in the list again (1, 2, 3...), when the person asks to renumber: the
    only edit that changes a label, so the only one after which shots whose label changed render again."""

    op: Literal["renumber_shots"] = "renumber_shots"


class UpdateShot(Edit):
    """Change some fields of one shot."""

    op: Literal["update_shot"] = "update_shot"
    shot_id: Ident
    changes: ShotChanges


class AddCharacter(Edit):
    """Add a character to the cast."""

    op: Literal["add_character"] = "add_character"
    character: Character


class UpdateCharacter(Edit):
    """Change a character's name, description or traits."""

    op: Literal["update_character"] = "update_character"
    character_id: Ident
    changes: CharacterChanges


class AddLocation(Edit):
    """Add a location."""

    op: Literal["add_location"] = "add_location"
    location: Location


class SetStyle(Edit):
    """Change the style; a new fps rescales every shot to keep its length in seconds."""

    op: Literal["set_style"] = "set_style"
    changes: dict[str, Any]


class SetBible(Edit):
    """Change the bible (title, logline, genre, tone)."""

    op: Literal["set_bible"] = "set_bible"
    changes: dict[str, Any]


class SetBackend(Edit):
    """Choose the project's default renderer, and (when given) that renderer's options."""

    op: Literal["set_backend"] = "set_backend"
    backend: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
    options: dict[str, Any] | None = Field(None, description="Replace the renderer's options; None keeps them.")
    default: bool = Field(True, description="False sets only the options, leaving the default renderer as is.")


class SetBudget(Edit):
    """Set the most the project may spend on renders (US dollars); None removes the cap."""

    op: Literal["set_budget"] = "set_budget"
    budget: float | None = Field(None, ge=0, le=1_000_000)


MAX_VARIATIONS = 10


class RequestTakes(Edit):
    """Ask for more takes of a shot: each a variation under a new seed, rendered once ('three takes of shot 5')."""

    op: Literal["request_takes"] = "request_takes"
    shot_id: Ident
    count: int = Field(ge=1, le=MAX_VARIATIONS)


class ChooseTake(Edit):
    """Use one of a shot's takes in the reel (1-based, as `storyreel takes` lists them): the shot takes its
    seed and renderer, so the reel uses that take while the shot's other inputs stay as they were."""

    op: Literal["choose_take"] = "choose_take"
    shot_id: Ident
    take: int = Field(ge=1)


class Variant(Edit):
    """One way to play a shot, offered beside others: its letter, what differs, and the fields it sets."""

    label: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")] = Field(description="Its letter: A, B, C...")
    differs: Text = Field(description="What differs, in a director's words ('low angle, push in').")
    changes: ShotChanges = Field(description="The shot's fields this way of playing it sets.")


class OfferVariations(Edit):
    """Offer ways to play a shot side by side ('three versions of shot 4'): each renders as an extra take, and
    keeping one is an `UpdateShot` with its changes. Shots varied together (a scene's coverage) share `offer`."""

    op: Literal["offer_variations"] = "offer_variations"
    shot_id: Ident
    offer: int = Field(ge=1, description="Which offer: the newest is the one 'keep B' means.")
    scope: Text = Field("", description="What was varied, e.g. 'shot 4' or 'scene 2'.")
    variants: list[Variant] = Field(min_length=1, max_length=MAX_VARIATIONS)


OFFER_KEY = "offered"
"""Where a shot's metadata keeps the variations offered for it, beside the digest of the shot they vary."""


def offer_base(shot: Shot) -> str:
    """A digest of what a shot is (not its takes, notes or metadata): an offer made for it stands while it holds."""
    data = shot.model_dump(mode="json", exclude={"takes", "metadata", "variations", "notes", "beat"})
    return hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()[:16]


def _describe_offers(before: Project, after: Project) -> list[str]:
    """One line a version newly offered ("shot 4 B: low angle, push in"), once for the shots offered together."""
    old = {s.id: s.metadata.get(OFFER_KEY) for s in before.shots}
    lines: list[str] = []
    said: set[tuple[Any, Any]] = set()
    for shot in after.shots:
        offer = shot.metadata.get(OFFER_KEY)
        if not isinstance(offer, dict) or offer == old.get(shot.id) or (offer.get("offer"), offer.get("scope")) in said:
            continue
        said.add((offer.get("offer"), offer.get("scope")))
        lines += [f"{offer.get('scope')} {v.get('label')}: {v.get('differs')}" for v in offer.get("variants", [])]
    return lines


class SetMusic(Edit):
    """Lay a music bed under the reel (or take it away with None)."""

    op: Literal["set_music"] = "set_music"
    music: Music | None


class RecordTake(Edit):
    """Record a rendered take on its shot."""

    op: Literal["record_take"] = "record_take"
    shot_id: Ident
    take: Take


class RecordCut(Edit):
    """Record the reel last assembled."""

    op: Literal["record_cut"] = "record_cut"
    path: str
    frames: int = Field(ge=0)
    shot_keys: list[str]


AnyEdit = Annotated[
    ReplaceStory
    | AddShot
    | RemoveShot
    | MoveShot
    | RenumberShots
    | UpdateShot
    | AddCharacter
    | UpdateCharacter
    | AddLocation
    | SetStyle
    | SetBible
    | SetBackend
    | SetBudget
    | RequestTakes
    | ChooseTake
    | OfferVariations
    | SetMusic
    | RecordTake
    | RecordCut,
    Field(discriminator="op"),
]
EDITS: TypeAdapter[list[AnyEdit]] = TypeAdapter(list[AnyEdit])


def apply(project: Project, edits: list[AnyEdit] | AnyEdit) -> Project:
    """Return a new project with the edits applied in order; raise `EditError` and change nothing
    if any edit does not fit."""
    batch = edits if isinstance(edits, list) else [edits]
    result = project
    for number, edit in enumerate(batch, 1):
        try:
            result = _apply_one(result, edit)
        except EditError as exc:
            raise EditError(str(exc) if len(batch) == 1 else f"edit {number} ({edit_name(edit)}): {exc}") from exc
        except ValidationError as exc:
            problem = f"leaves an invalid project: {_first_error(exc)}"
            raise EditError(problem if len(batch) == 1 else f"edit {number} ({edit_name(edit)}) {problem}") from exc
    return result


def edit_name(edit: Edit) -> str:
    """The edit's operation name."""
    return str(getattr(edit, "op", type(edit).__name__))


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    error["msg"] = str(error.get("msg", "")).removeprefix("Value error, ")
    where = ".".join(str(p) for p in error.get("loc", ()))
    return f"{where}: {error.get('msg')}" if where else str(error.get("msg"))


def _rebuild(project: Project, **fields: Any) -> Project:
    """A validated copy: `model_copy(update=...)` skips validation, so go through the dict form."""
    data = project.model_dump(by_alias=True)
    for key, value in fields.items():
        data[key] = [_dump(v) for v in value] if isinstance(value, list) else _dump(value)
    return Project.model_validate(data)


def _dump(value: Any) -> Any:
    return value.model_dump(by_alias=True) if isinstance(value, BaseModel) else value


def _index(project: Project, shot_id: str) -> int:
    for index, shot in enumerate(project.shots):
        if shot.id == shot_id:
            return index
    raise EditError(f"there is no shot with id {shot_id!r}")


def _apply_one(project: Project, edit: AnyEdit) -> Project:  # noqa: C901 - one branch per edit kind
    shots = list(project.shots)
    if isinstance(edit, ReplaceStory):
        next_shot = max([project.next_shot, *[shot_counter(s.id) + 1 for s in edit.shots]])
        return _rebuild(
            project,
            bible=edit.bible,
            style=edit.style or project.style,
            characters=edit.characters,
            locations=edit.locations,
            shots=edit.shots,
            next_shot=next_shot,
        )
    if isinstance(edit, AddShot):
        shot, next_shot = edit.shot, project.next_shot
        # A live id, or a counter id handed out before (its shot removed, its takes still on disk
        # under that id), would be a second shot under the same name: give it a fresh one.
        retired = 0 < shot_counter(shot.id) < next_shot
        if not shot.id or retired or any(s.id == shot.id for s in shots):
            shot = shot.model_copy(update={"id": f"s{next_shot}", "takes": []})
            next_shot += 1
        else:
            next_shot = max(next_shot, shot_counter(shot.id) + 1)
        if shot.label in {s.label for s in shots}:  # a copy of a shot takes a label of its own where it lands
            shot = shot.model_copy(update={"label": ""})
        position = len(shots) + 1 if edit.position is None else edit.position
        if position > len(shots) + 1:
            raise EditError(f"position {position} is past the end; the project has {len(shots)} shots")
        shots.insert(position - 1, shot)
        return _rebuild(project, shots=shots, next_shot=next_shot)
    if isinstance(edit, RemoveShot):
        del shots[_index(project, edit.shot_id)]
        return _rebuild(project, shots=shots)
    if isinstance(edit, MoveShot):
        if edit.position > len(shots):
            raise EditError(f"position {edit.position} is past the end; the project has {len(shots)} shots")
        shot = shots.pop(_index(project, edit.shot_id))
        shots.insert(edit.position - 1, shot)
        return _rebuild(project, shots=shots)
    if isinstance(edit, RenumberShots):
        return _rebuild(project, shots=[s.model_copy(update={"label": str(n)}) for n, s in enumerate(shots, 1)])
    if isinstance(edit, UpdateShot):
        index = _index(project, edit.shot_id)
        changes = edit.changes.model_dump(exclude_unset=True)
        data = _leaving_take_their_acting(shots[index].model_dump() | changes, changes)
        shots[index] = Shot.model_validate(data)
        return _rebuild(project, shots=shots)
    if isinstance(edit, AddCharacter):
        if any(c.id == edit.character.id for c in project.characters):
            raise EditError(f"there is already a character with id {edit.character.id!r}")
        return _rebuild(project, characters=[*project.characters, edit.character])
    if isinstance(edit, UpdateCharacter):
        cast = list(project.characters)
        for index, character in enumerate(cast):
            if character.id == edit.character_id:
                cast[index] = Character.model_validate(
                    character.model_dump() | edit.changes.model_dump(exclude_unset=True)
                )
                return _rebuild(project, characters=cast)
        raise EditError(f"there is no character with id {edit.character_id!r}")
    if isinstance(edit, AddLocation):
        if any(loc.id == edit.location.id for loc in project.locations):
            raise EditError(f"there is already a location with id {edit.location.id!r}")
        return _rebuild(project, locations=[*project.locations, edit.location])
    if isinstance(edit, SetStyle):
        unknown = set(edit.changes) - set(Style.model_fields)
        if unknown:
            raise EditError(f"style has no field {sorted(unknown)[0]!r}; known: {', '.join(Style.model_fields)}")
        style = Style.model_validate(project.style.model_dump() | edit.changes)
        if style.fps != project.style.fps:
            shots = [_rescaled(s, project.style.fps, style.fps) for s in shots]
            if "title_card_frames" not in edit.changes:  # the title card keeps its seconds too
                frames = round(style.title_card_frames * style.fps / project.style.fps)
                style = style.model_copy(update={"title_card_frames": max(1, min(MAX_TITLE_CARD_FRAMES, frames))})
        return _rebuild(project, style=style, shots=shots)
    if isinstance(edit, SetBible):
        unknown = set(edit.changes) - set(Bible.model_fields)
        if unknown:
            raise EditError(f"bible has no field {sorted(unknown)[0]!r}; known: {', '.join(Bible.model_fields)}")
        return _rebuild(project, bible=Bible.model_validate(project.bible.model_dump() | edit.changes))
    if isinstance(edit, SetBackend):
        options = dict(project.renderer_options)
        if edit.options is not None:
            options[edit.backend] = edit.options
        return _rebuild(project, backend=edit.backend if edit.default else project.backend, renderer_options=options)
    if isinstance(edit, SetBudget):
        return _rebuild(project, budget=edit.budget)
    if isinstance(edit, RequestTakes):
        index = _index(project, edit.shot_id)
        shot = shots[index]
        if len(shot.variations) + edit.count > MAX_VARIATIONS:
            waiting = len(shot.variations)
            raise EditError(f"shot {shot.label} already waits for {waiting} takes; at most {MAX_VARIATIONS}")
        seeds = _variation_seeds(shot, edit.count)
        shots[index] = shot.model_copy(update={"variations": [*shot.variations, *seeds]})
        return _rebuild(project, shots=shots)
    if isinstance(edit, ChooseTake):
        index = _index(project, edit.shot_id)
        shot = shots[index]
        if edit.take > len(shot.takes):
            has = f"{len(shot.takes)} take{'s' if len(shot.takes) != 1 else ''}" if shot.takes else "no takes yet"
            raise EditError(f"shot {shot.label} has no take {edit.take}; it has {has}")
        take = shot.takes[edit.take - 1]
        if take.failed:
            raise EditError(f"take {edit.take} of shot {shot.label} failed ({take.error[:80]}); choose another")
        backend = shot.backend if take.backend == (shot.backend or project.backend) else take.backend
        shots[index] = shot.model_copy(update={"seed": take.seed, "backend": backend})
        return _rebuild(project, shots=shots)
    if isinstance(edit, OfferVariations):
        index = _index(project, edit.shot_id)
        shot = shots[index]
        offered = {
            "offer": edit.offer,
            "scope": edit.scope,
            "base": offer_base(shot),
            "variants": [
                {
                    "label": v.label,
                    "differs": v.differs,
                    "changes": v.changes.model_dump(mode="json", exclude_unset=True),
                }
                for v in edit.variants
            ],
        }
        shots[index] = shot.model_copy(update={"metadata": {**shot.metadata, OFFER_KEY: offered}})
        return _rebuild(project, shots=shots)
    if isinstance(edit, SetMusic):
        return _rebuild(project, music=edit.music)
    if isinstance(edit, RecordTake):
        index = _index(project, edit.shot_id)
        shot = shots[index]
        # A good take under a seed that was asked for as a variation fulfils that request.
        pending = [s for s in shot.variations if edit.take.failed or s != edit.take.seed]
        # A take rendered again over the same file (it was damaged) replaces the record of the old one.
        takes = [edit.take if t.path == edit.take.path else t for t in shot.takes]
        if not any(t.path == edit.take.path for t in shot.takes):
            takes.append(edit.take)
        shots[index] = shot.model_copy(update={"takes": takes, "variations": pending})
        return _rebuild(project, shots=shots)
    if isinstance(edit, RecordCut):
        return _rebuild(project, cut={"path": edit.path, "frames": edit.frames, "shot_keys": edit.shot_keys})
    raise EditError(f"unknown edit {edit!r}")


def _leaving_take_their_acting(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A character taken out of a shot takes their expression with them and puts down what they held,
    unless the same change says otherwise."""
    cast = set(data.get("characters") or [])
    if "acting" not in changes:
        data["acting"] = {c: a for c, a in (data.get("acting") or {}).items() if c in cast}
    if "props" not in changes:
        data["props"] = [
            p if p.get("held_by") in cast or p.get("held_by") is None else p | {"held_by": None, "where": "foreground"}
            for p in data.get("props") or []
        ]
    return data


def _variation_seeds(shot: Shot, count: int) -> list[int]:
    """New seeds for a shot's variations: fixed by the shot's id and seed, never one used before."""
    used = {shot.seed, *shot.variations, *(t.seed for t in shot.takes)}
    seeds: list[int] = []
    n = 0
    while len(seeds) < count:
        n += 1
        digest = hashlib.sha256(f"{shot.id}:{shot.seed}:take:{n}".encode()).digest()
        seed = int.from_bytes(digest[:4], "big") % 2**31
        if seed not in used:
            used.add(seed)
            seeds.append(seed)
    return seeds


def _rescaled(shot: Shot, old_fps: int, new_fps: int) -> Shot:
    frames = max(MIN_SHOT_FRAMES, min(MAX_SHOT_FRAMES, round(shot.duration_frames * new_fps / old_fps)))
    return shot.model_copy(update={"duration_frames": frames})


# Describing changes ----------------------------------------------------------------------

_SHOT_FIELDS_SHOWN = (
    "size",
    "angle",
    "movement",
    "lens_mm",
    "duration_frames",
    "time_of_day",
    "weather",
    "props",
    "acting",
    "location",
    "scene",
    "positions",
    "characters",
    "transition",
    "action",
    "beat",
    "dialogue",
    "notes",
    "seed",
    "backend",
)


def describe_changes(before: Project, after: Project) -> list[str]:
    """What changed between two projects, one line a change, in the person's words."""
    lines: list[str] = []
    for field in ("title", "logline", "genre", "tone", "brief"):
        old, new = getattr(before.bible, field), getattr(after.bible, field)
        if old != new:
            lines.append(f"{field}: {_short(old)} -> {_short(new)}")
    for field in Style.model_fields:
        old, new = getattr(before.style, field), getattr(after.style, field)
        if old != new and field != "metadata":
            lines.append(f"style {field}: {_short(old)} -> {_short(new)}")
    if before.backend != after.backend:
        lines.append(f"renderer: {before.backend} -> {after.backend}")
    for name in sorted(set(before.renderer_options) | set(after.renderer_options)):
        if before.renderer_options.get(name) != after.renderer_options.get(name):
            lines.append(f"{name} options: {_short(after.renderer_options.get(name) or {})}")
    if before.budget != after.budget:
        lines.append(f"budget: {_money(before.budget)} -> {_money(after.budget)}")
    old_cast = {c.id: c for c in before.characters}
    for character in after.characters:
        old = old_cast.get(character.id)
        if old is None:
            lines.append(f"new character {character.name}")
            continue
        for field in ("name", "description", "traits", "voice"):
            if getattr(old, field) != getattr(character, field):
                lines.append(
                    f"{old.name}: {field} {_short(getattr(old, field))} -> {_short(getattr(character, field))}"
                )
    if before.music != after.music:
        lines.append(f"music: {_music(before)} -> {_music(after)}")
    for location in after.locations:
        if location.id not in {loc.id for loc in before.locations}:
            lines.append(f"new location {location.name}")
    lines.extend(_describe_shots(before, after))
    lines.extend(_describe_offers(before, after))
    return lines


def _describe_shots(before: Project, after: Project) -> list[str]:
    lines: list[str] = []
    # A shot is named by its label, as the person sees it; a move says where in the list it went.
    old_shots = {s.id: (n, s) for n, s in enumerate(before.shots, 1)}
    new_ids = {s.id for s in after.shots}
    moved = _moved(before, after)
    for place, shot in enumerate(after.shots, 1):
        number = shot.label
        if shot.id not in old_shots:
            lines.append(f"shot {number}: new ({shot.size} {_short(shot.action)})")
            continue
        old = old_shots[shot.id][1]
        if old.label != shot.label:
            lines.append(f"shot {old.label} is now shot {shot.label}")
        if shot.id in moved:
            follows = f"after shot {after.shots[place - 2].label}" if place > 1 else "to the start"
            lines.append(f"shot {number} moved {follows}")
        for field in _SHOT_FIELDS_SHOWN:
            was, now = getattr(old, field), getattr(shot, field)
            if was != now:
                if field == "duration_frames":
                    lines.append(f"shot {number}: duration {was / before.fps:.1f}s -> {now / after.fps:.1f}s")
                else:
                    lines.append(f"shot {number}: {field.removesuffix('_mm')} {_short(was)} -> {_short(now)}")
        asked = len(shot.variations) - len(old.variations)
        if asked > 0:
            lines.append(f"shot {number}: {asked} more take{'s' if asked > 1 else ''} asked for")
    for _, shot in sorted(old_shots.values(), key=lambda pair: pair[0]):
        if shot.id not in new_ids:
            lines.append(f"shot {shot.label}: removed ({_short(shot.action)})")
    return lines


def _music(project: Project) -> str:
    music = project.music
    if music is None:
        return "none"
    beats = f", {len(music.beats)} beats" if music.beats else ""
    return f"{music.source or music.path} ({music.seconds:.1f}s{beats})"


def _moved(before: Project, after: Project) -> set[str]:
    """Shots whose order relative to the others changed (not those merely shifted by an insert)."""
    kept_ids = {s.id for s in after.shots}
    old_order = [s.id for s in before.shots if s.id in kept_ids]
    common = set(old_order)
    new_order = [s.id for s in after.shots if s.id in common]
    matcher = difflib.SequenceMatcher(a=old_order, b=new_order, autojunk=False)
    in_place = {old_order[block.a + i] for block in matcher.get_matching_blocks() for i in range(block.size)}
    return common - in_place


def _money(amount: float | None) -> str:
    return "none" if amount is None else f"${amount:,.2f}"


def _short(value: Any, limit: int = 48) -> str:
    if isinstance(value, list):
        text = ", ".join(_short(v, 24) for v in value) if value else "none"
    elif isinstance(value, BaseModel):
        text = " ".join(str(v) for k, v in value.model_dump().items() if k != "metadata" and v)
    elif isinstance(value, dict):
        text = ", ".join(f"{k} {_short(v, 24) if isinstance(v, BaseModel) else v}" for k, v in value.items()) or "none"
    else:
        text = str(getattr(value, "value", value)) if value not in (None, "") else "none"
    return text if len(text) <= limit else text[: limit - 1] + "…"

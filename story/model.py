"""The typed vocabulary of a story reel: project, bible, style, characters, locations, shots,
takes and the cut.

Every model is a frozen pydantic v2 model: changes are made out of place (`model_copy`) by
`story.edits.apply`, never by mutation. Time is exact: a shot's length is a whole number of
frames at the project's fps, so the cut's frame count is the exact sum of its shots'.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SCHEMA_NAME = "storyreel.Project"
SCHEMA_VERSION = 3

MAX_TEXT = 2_000
MAX_NAME = 120
MAX_SHOTS = 500
MAX_SHOT_FRAMES = 24 * 120  # two minutes at 24 fps; enough for any storyboard shot
MIN_SHOT_FRAMES = 6
MAX_TITLE_CARD_FRAMES = 24 * 10
LABEL_PATTERN = r"^(?:[0-9]{1,4}[A-Z]{0,8})?$"
RECORDING_PATTERN = r"^media/voice/[A-Za-z0-9][A-Za-z0-9._-]{0,120}$"
MUSIC_PATTERN = r"^media/music/[A-Za-z0-9][A-Za-z0-9._-]{0,120}$"

Text = Annotated[str, StringConstraints(max_length=MAX_TEXT, strip_whitespace=True)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME, strip_whitespace=True)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Label = Annotated[str, StringConstraints(pattern=LABEL_PATTERN)]


class ShotSize(StrEnum):
    """How much of the subject the frame holds, from a face detail to a vast landscape."""

    ECU = "ECU"
    CU = "CU"
    MCU = "MCU"
    MS = "MS"
    MWS = "MWS"
    WS = "WS"
    EWS = "EWS"


class Angle(StrEnum):
    """Where the camera looks from."""

    EYE_LEVEL = "eye-level"
    HIGH = "high"
    LOW = "low"
    OVERHEAD = "overhead"
    DUTCH = "dutch"
    POV = "pov"
    OVER_THE_SHOULDER = "over-the-shoulder"


class Movement(StrEnum):
    """How the camera moves during the shot."""

    STATIC = "static"
    PAN_LEFT = "pan-left"
    PAN_RIGHT = "pan-right"
    TILT_UP = "tilt-up"
    TILT_DOWN = "tilt-down"
    PUSH_IN = "push-in"
    PULL_OUT = "pull-out"
    DOLLY_LEFT = "dolly-left"
    DOLLY_RIGHT = "dolly-right"
    CRANE_UP = "crane-up"
    CRANE_DOWN = "crane-down"
    HANDHELD = "handheld"
    TRACKING = "tracking"


class Transition(StrEnum):
    """How a shot joins the one before it."""

    CUT = "cut"
    DISSOLVE = "dissolve"
    FADE_IN = "fade-in"
    FADE_OUT = "fade-out"


class TimeOfDay(StrEnum):
    """The light a scene plays in."""

    DAWN = "dawn"
    MORNING = "morning"
    DAY = "day"
    AFTERNOON = "afternoon"
    DUSK = "dusk"
    EVENING = "evening"
    NIGHT = "night"


class Weather(StrEnum):
    """What the sky does in a shot."""

    CLEAR = "clear"
    CLOUD = "cloud"
    RAIN = "rain"
    STORM = "storm"
    SNOW = "snow"
    FOG = "fog"
    WIND = "wind"


class Expression(StrEnum):
    """What a character's face shows."""

    NEUTRAL = "neutral"
    HAPPY = "happy"
    SAD = "sad"
    CRYING = "crying"
    ANGRY = "angry"
    AFRAID = "afraid"
    SURPRISED = "surprised"
    LAUGHING = "laughing"


class Pose(StrEnum):
    """What a character's body is doing."""

    STANDING = "standing"
    SITTING = "sitting"
    LYING = "lying"
    WALKING = "walking"
    RUNNING = "running"
    POINTING = "pointing"
    HOLDING = "holding"


class Facing(StrEnum):
    """Which way a character faces, as seen from the camera."""

    CAMERA = "camera"
    LEFT = "left"
    RIGHT = "right"


class PropPlace(StrEnum):
    """Where a prop sits in the frame."""

    FOREGROUND = "foreground"
    BACKGROUND = "background"
    HELD = "held"


class Record(BaseModel):
    """Base of every stored object: frozen, strict about unknown fields, with free metadata."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    metadata: dict[str, Any] = Field(
        default_factory=dict, description="Anything a tool needs to keep that we did not foresee."
    )


class Bible(Record):
    """What the story is: the facts every shot must agree with."""

    title: Name = Field("Untitled", description="The film's title, shown on the title card.")
    logline: Text = Field("", description="One sentence: who wants what, and what stands in the way.")
    genre: Annotated[str, StringConstraints(max_length=MAX_NAME)] = Field(
        "drama", description="The genre, in a word or two."
    )
    tone: Annotated[str, StringConstraints(max_length=MAX_NAME)] = Field(
        "", description="The mood, in a few words (e.g. 'quiet, hopeful')."
    )
    brief: Annotated[str, StringConstraints(max_length=200_000)] = Field(
        "", description="The brief or screenplay the story was planned from, as given."
    )


class Style(Record):
    """How the film looks: shared by every shot."""

    look: list[Annotated[str, StringConstraints(max_length=MAX_NAME)]] = Field(
        default_factory=lambda: ["storyboard", "pencil", "flat colour"],
        max_length=20,
        description="Look words passed to every renderer.",
    )
    palette: list[Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]] = Field(
        default_factory=lambda: ["#2b2d42", "#8d99ae", "#edf2f4", "#ef233c", "#d9a441"],
        max_length=12,
        description="Hex colours the pictures keep to.",
    )
    aspect: Literal["16:9"] = Field("16:9", description="Frame aspect ratio.")
    width: int = Field(1280, ge=64, le=3840, multiple_of=2, description="Frame width in pixels.")
    height: int = Field(720, ge=64, le=2160, multiple_of=2, description="Frame height in pixels.")
    fps: Literal[12, 24, 25, 30] = Field(24, description="Frames per second of every take and the cut.")
    title_card: bool = Field(True, description="Open the reel with a title card.")
    title_card_frames: int = Field(
        72, ge=1, le=MAX_TITLE_CARD_FRAMES, description="Length of the title card in frames."
    )
    end_card: bool = Field(False, description="Close the reel with an end card.")
    end_card_frames: int = Field(48, ge=1, le=MAX_TITLE_CARD_FRAMES, description="Length of the end card in frames.")
    end_card_text: Annotated[str, StringConstraints(max_length=MAX_NAME, strip_whitespace=True)] = Field(
        "The End", description="The words on the end card."
    )
    burn_subtitles: bool = Field(False, description="Burn the dialogue subtitles into the reel's pictures.")


class VoiceChoice(Record):
    """How one character sounds: a voice backend and its settings, chosen once and kept."""

    backend: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)] = Field(
        "espeak", description="Voice backend name (the `storyreel.voices` entry-point group)."
    )
    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_+.-]{0,63}$")] = Field(
        "en", description="The backend's voice, e.g. espeak-ng 'en+f3'."
    )
    pitch: int = Field(50, ge=0, le=99, description="Base pitch, 0 (low) to 99 (high).")
    speed: int = Field(165, ge=80, le=400, description="Speaking rate in words per minute.")


class Character(Record):
    """A person (or creature) in the story, drawn the same way in every shot."""

    id: Ident = Field(description="Stable id; survives renaming.")
    name: Name = Field(description="The name shown to the person and in captions.")
    description: Text = Field("", description="Canonical description every prompt uses.")
    traits: dict[
        Annotated[str, StringConstraints(max_length=40)], Annotated[str, StringConstraints(max_length=MAX_NAME)]
    ] = Field(
        default_factory=dict,
        max_length=30,
        description="Visual traits by part, e.g. {'coat': 'red', 'hair': 'black', 'build': 'tall'}.",
    )
    voice: VoiceChoice | None = Field(
        None, description="How the character's scratch lines are spoken; None until a voice is first cast."
    )


class Location(Record):
    """A place where scenes happen."""

    id: Ident = Field(description="Stable id; survives renaming.")
    name: Name = Field(description="The place's name, e.g. 'the lighthouse'.")
    interior: bool = Field(False, description="True for INT., False for EXT.")
    description: Text = Field("", description="What the place looks like.")


class DialogueLine(Record):
    """One spoken line."""

    speaker: Ident = Field(description="Id of the character who speaks (need not be in frame for V.O.).")
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT, strip_whitespace=True)] = Field(
        description="What they say."
    )
    parenthetical: Annotated[str, StringConstraints(max_length=MAX_NAME)] = Field(
        "", description="How they say it, e.g. 'whispering'."
    )
    recording: Annotated[str, StringConstraints(pattern=RECORDING_PATTERN)] | None = Field(
        None, description="A person's own recording of the line (under media/voice/), used instead of a scratch voice."
    )


class Prop(Record):
    """A thing the panel must show besides the characters: an object, creature, vehicle or set piece."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME, strip_whitespace=True)] = Field(
        description="What it is, in a word or two as the story says it, e.g. 'boat', 'great lamp', 'heron'."
    )
    where: PropPlace = Field(
        PropPlace.FOREGROUND, description="Where it is: foreground, background, or held by a character."
    )
    held_by: Ident | None = Field(None, description="Id of the character holding it, when `where` is 'held'.")


class Acting(Record):
    """How one character in frame looks and stands in a shot."""

    expression: Expression = Field(Expression.NEUTRAL, description="What their face shows.")
    pose: Pose = Field(Pose.STANDING, description="What their body is doing.")
    facing: Facing = Field(Facing.CAMERA, description="Which way they face, as seen from the camera.")


class Take(Record):
    """One rendered version of a shot, stored under media/shots/<shot id>/."""

    render_key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16,64}$")] = Field(
        description="Hash of everything that affected the pixels."
    )
    path: Annotated[str, StringConstraints(max_length=500)] = Field(
        description="Media file, relative to the project folder."
    )
    backend: Name = Field(description="Renderer that made it.")
    seed: int = Field(0, description="Seed the renderer used.")
    frames: int = Field(ge=1, description="Frames in the file.")
    failed: bool = Field(False, description="True when this is a placeholder for a failed render.")
    error: Annotated[str, StringConstraints(max_length=MAX_TEXT)] = Field(
        "", description="Why the render failed, when it did."
    )
    options: dict[str, Any] = Field(default_factory=dict, description="The backend's options it was made with.")
    prompt: Annotated[str, StringConstraints(max_length=8_000)] = Field(
        "", description="The words a generative backend was given (empty for the animatic)."
    )
    references: list[Annotated[str, StringConstraints(max_length=500)]] = Field(
        default_factory=list, max_length=50, description="Reference sheets it was made against, relative paths."
    )
    cost: float = Field(0.0, ge=0, description="What it cost in US dollars (0 for local backends).")
    seconds: float = Field(0.0, ge=0, description="Wall-clock seconds the render took.")


class MissingTake(LookupError):
    """A shot has no take for its current render key."""


class Shot(Record):
    """One shot of the shot list."""

    id: Ident = Field(description="Stable id; survives reordering.")
    label: Label = Field(
        "",
        description="The shot's name as the person sees it ('3', '2A'): kept when shots around it are removed "
        "or moved, given when the shot joins a project (empty until then), changed only by renumbering.",
    )
    beat: Text = Field("", description="The story beat this shot serves.")
    action: Text = Field("", description="What we see happen.")
    characters: list[Ident] = Field(default_factory=list, max_length=20, description="Ids of characters in frame.")
    location: Ident | None = Field(None, description="Id of the location, if any.")
    scene: int = Field(1, ge=1, le=10_000, description="Scene number; the shots of one scene share it.")
    positions: dict[Ident, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=dict,
        max_length=20,
        description="Where each character stands across the frame (0 left edge, 1 right edge); "
        "renderers place figures there and the continuity checker reads screen direction from it.",
    )
    time_of_day: TimeOfDay = Field(TimeOfDay.DAY, description="The light of the shot.")
    weather: Weather = Field(
        Weather.CLEAR, description="What the sky does: clear, cloud, rain, storm, snow, fog, wind."
    )
    props: list[Prop] = Field(
        default_factory=list,
        max_length=20,
        description="Things, creatures, vehicles and set pieces the panel must show besides the characters.",
    )
    acting: dict[Ident, Acting] = Field(
        default_factory=dict,
        max_length=20,
        description="Per character in frame (by id): expression, pose and facing; one left out is neutral, "
        "standing and facing the camera.",
    )
    size: ShotSize = Field(ShotSize.MS, description="Shot size, ECU to EWS.")
    angle: Angle = Field(Angle.EYE_LEVEL, description="Camera angle.")
    movement: Movement = Field(Movement.STATIC, description="Camera movement.")
    lens_mm: int = Field(35, ge=8, le=600, description="Focal length in mm (full-frame equivalent).")
    duration_frames: int = Field(
        96, ge=MIN_SHOT_FRAMES, le=MAX_SHOT_FRAMES, description="Exact length in frames at the project's fps."
    )
    dialogue: list[DialogueLine] = Field(default_factory=list, max_length=40, description="Lines spoken in the shot.")
    transition: Transition = Field(Transition.CUT, description="How this shot joins the one before it.")
    notes: Text = Field("", description="Free notes for the crew.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Seed for every renderer of this shot.")
    backend: Annotated[str, StringConstraints(max_length=MAX_NAME)] | None = Field(
        None, description="Renderer for this shot; None uses the project's."
    )
    takes: list[Take] = Field(default_factory=list, description="Every take rendered so far, oldest first.")
    variations: list[Annotated[int, Field(ge=0, le=2**31 - 1)]] = Field(
        default_factory=list,
        max_length=20,
        description="Seeds of extra takes asked for and not rendered yet ('three takes of shot 5').",
    )

    def take_for(self, render_key: str) -> Take | None:
        """The newest take made for `render_key`, or None when there is none yet."""
        for take in reversed(self.takes):
            if take.render_key == render_key:
                return take
        return None

    def media_for(self, render_key: str) -> Take:
        """The take for `render_key`; raises `MissingTake` instead of guessing when there is none."""
        take = self.take_for(render_key)
        if take is None:
            raise MissingTake(f"shot {self.id!r} has no take for render key {render_key[:12]}; render it first")
        return take


def label_after(previous: str | None, taken: set[str]) -> str:
    """The label film practice gives a shot put in right after the one labelled `previous` (None: at the start):
    after 2 comes 2A, after 2A comes 2B (2AA when 2B is taken), before the first shot 0A."""
    stem = previous or "0"
    letters = stem.lstrip("0123456789")
    if letters and letters[-1] != "Z":  # 2A -> 2B: the next letter, while it is free
        bumped = stem[:-1] + chr(ord(letters[-1]) + 1)
        if bumped not in taken:
            return bumped
    while True:  # 2 -> 2A, 2B, ...; when every letter is taken, one more letter: 2AA, 2AB, ...
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            if stem + letter not in taken:
                return stem + letter
        stem += "A"


def label_at_end(taken: set[str]) -> str:
    """The label of a shot added after every other: the next whole number after the highest in use."""
    numbers = [int(found.group()) for found in (re.match(r"[0-9]+", label) for label in taken) if found]
    return str(max(numbers, default=0) + 1)


def shot_counter(shot_id: str) -> int:
    """The number of a counter id like 's12'; 0 for an id of any other form."""
    digits = shot_id[1:] if shot_id.startswith("s") else ""
    return int(digits) if digits.isdigit() and digits.isascii() else 0


class Music(Record):
    """The music bed under the reel, imported into media/music/."""

    path: Annotated[str, StringConstraints(pattern=MUSIC_PATTERN)] = Field(
        description="The music file, relative to the project folder."
    )
    source: Annotated[str, StringConstraints(max_length=500)] = Field("", description="The file's name when imported.")
    seconds: float = Field(gt=0, le=3 * 3600, description="Length of the music in seconds.")
    gain_db: float = Field(-8.0, ge=-40, le=6, description="Level of the bed under the reel, in dB.")
    duck_db: float = Field(12.0, ge=0, le=40, description="How far the bed dips while someone speaks, in dB.")
    tempo: float | None = Field(None, ge=0, le=400, description="Beats per minute, once beats are tracked.")
    beats: list[Annotated[float, Field(ge=0)]] | None = Field(
        None, max_length=20_000, description="Beat times in seconds from the music's start; None until tracked."
    )


class Cut(Record):
    """The assembled reel, as last written."""

    path: Annotated[str, StringConstraints(max_length=500)] = Field(
        "cut/storyreel.mp4", description="The reel, relative to the project folder."
    )
    frames: int = Field(0, ge=0, description="Frames in the reel when it was assembled.")
    shot_keys: list[str] = Field(default_factory=list, description="Render keys joined, in order.")


class Project(Record):
    """A whole story reel project: what story.json holds."""

    schema_: Literal["storyreel.Project.3"] = Field(
        "storyreel.Project.3", alias="schema", description="Schema name and version (SCHEMA_NAME.SCHEMA_VERSION)."
    )
    revision: int = Field(0, ge=0, description="Revision number in history/ this state is.")
    bible: Bible = Field(default_factory=Bible, description="The story's facts.")
    style: Style = Field(default_factory=Style, description="The look shared by every shot.")
    backend: Annotated[str, StringConstraints(max_length=MAX_NAME)] = Field("animatic", description="Default renderer.")
    characters: list[Character] = Field(default_factory=list, max_length=200, description="The cast.")
    locations: list[Location] = Field(default_factory=list, max_length=200, description="The places.")
    shots: list[Shot] = Field(default_factory=list, max_length=MAX_SHOTS, description="The shot list, in order.")
    music: Music | None = Field(None, description="The music bed, or None for none.")
    cut: Cut | None = Field(None, description="The last assembled reel, or None before the first.")
    next_shot: int = Field(1, ge=1, description="Counter for new shot ids; never reused.")
    renderer_options: dict[Annotated[str, StringConstraints(max_length=MAX_NAME)], dict[str, Any]] = Field(
        default_factory=dict, max_length=50, description="Options per renderer name (e.g. diffusers' model folder)."
    )
    budget: float | None = Field(None, ge=0, description="Most the project may spend on renders, in US dollars.")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _counter_ahead_of_ids(cls, data: Any) -> Any:
        """Keep `next_shot` past every counter id in use, so a project built by hand never hands out a live
        or earlier id."""
        if not isinstance(data, dict) or not isinstance(data.get("shots"), list):
            return data
        ids = [s.id if isinstance(s, Shot) else s.get("id") if isinstance(s, dict) else None for s in data["shots"]]
        highest = max((shot_counter(i) for i in ids if isinstance(i, str)), default=0)
        given = data.get("next_shot", 1)
        if isinstance(given, int) and not isinstance(given, bool) and given <= highest:
            data = {**data, "next_shot": highest + 1}
        return data

    @model_validator(mode="before")
    @classmethod
    def _every_shot_labelled(cls, data: Any) -> Any:
        """Give each shot without a label one: after the last labelled shot the next whole number (so a new
        story is 1..n), before a labelled one the label after its neighbour's (an insert after 2 is 2A). A label
        already used by an earlier shot (a copied shot) counts as none."""
        if not isinstance(data, dict) or not isinstance(data.get("shots"), list):
            return data
        shots = data["shots"]

        def label_of(shot: Any) -> Any:
            return shot.label if isinstance(shot, Shot) else shot.get("label", "") if isinstance(shot, dict) else None

        labels = [label_of(s) for s in shots]
        if not all(isinstance(s, Shot | dict) for s in shots):
            return data
        seen: set[str] = set()
        for index, label in enumerate(labels):
            if isinstance(label, str):
                labels[index] = "" if label in seen else label
                seen.add(label)
        if all(labels):
            return data
        taken = {label for label in labels if isinstance(label, str) and label}
        last = max((index for index, label in enumerate(labels) if label), default=-1)
        filled = list(shots)
        for index, shot in enumerate(shots):
            if labels[index]:
                continue
            before = labels[index - 1] if index and isinstance(labels[index - 1], str) else None
            labels[index] = label_after(before, taken) if index < last else label_at_end(taken)
            taken.add(labels[index])
            update = {"label": labels[index]}
            filled[index] = shot.model_copy(update=update) if isinstance(shot, Shot) else shot | update
        return {**data, "shots": filled}

    @model_validator(mode="after")
    def _references_resolve(self) -> Project:
        ids = [s.id for s in self.shots]
        if len(set(ids)) != len(ids):
            raise ValueError("shot ids must be unique")
        labels = [s.label for s in self.shots]
        if len(set(labels)) != len(labels):
            twice = sorted({label for label in labels if labels.count(label) > 1})
            raise ValueError(f"shot labels must be unique; given more than once: {', '.join(twice)}")
        cast = {c.id for c in self.characters}
        if len(cast) != len(self.characters):
            raise ValueError("character ids must be unique")
        places = {loc.id for loc in self.locations}
        if len(places) != len(self.locations):
            raise ValueError("location ids must be unique")
        for shot in self.shots:
            number = shot.label
            unknown = [c for c in shot.characters if c not in cast]
            if unknown:
                raise ValueError(f"shot {number} names unknown characters {unknown}")
            if shot.location is not None and shot.location not in places:
                raise ValueError(f"shot {number} names unknown location {shot.location!r}")
            placed = [c for c in shot.positions if c not in shot.characters]
            if placed:
                raise ValueError(f"shot {number} places characters who are not in it: {placed}")
            acted = [c for c in shot.acting if c not in shot.characters]
            if acted:
                raise ValueError(f"shot {number} gives expressions to characters who are not in it: {acted}")
            holders = [p.held_by for p in shot.props if p.held_by is not None and p.held_by not in shot.characters]
            if holders:
                raise ValueError(f"shot {number} has props held by characters who are not in it: {holders}")
            speakers = [line.speaker for line in shot.dialogue if line.speaker not in cast]
            if speakers:
                raise ValueError(f"shot {number} has dialogue by unknown characters {speakers}")
        return self

    # Lookups -----------------------------------------------------------------------------

    def shot_number(self, shot_id: str) -> int:
        """1-based position of a shot in the list."""
        for number, shot in enumerate(self.shots, 1):
            if shot.id == shot_id:
                return number
        raise KeyError(shot_id)

    def place_after(self, shot_id: str) -> int:
        """The 1-based place a shot put in after this one takes: after it and after the shots already put in
        after it that follow it (2A and 2B after 2; 2AA after 2A), so the new one is the next label (2C) and
        the labels keep their order."""
        place = self.shot_number(shot_id)
        inserts = re.compile(re.escape(self.shots[place - 1].label) + "[A-Z]+")
        while place < len(self.shots) and inserts.fullmatch(self.shots[place].label):
            place += 1
        return place + 1

    def labelled(self, label: str) -> Shot:
        """The shot a person names by its label ('2a' or '2A'); KeyError when none has it."""
        wanted = label.strip().upper()
        for shot in self.shots:
            if shot.label == wanted:
                return shot
        raise KeyError(label)

    def shot(self, shot_id: str) -> Shot:
        """The shot with this id."""
        return self.shots[self.shot_number(shot_id) - 1]

    def character(self, character_id: str) -> Character:
        """The character with this id."""
        for character in self.characters:
            if character.id == character_id:
                return character
        raise KeyError(character_id)

    def location(self, location_id: str) -> Location:
        """The location with this id."""
        for location in self.locations:
            if location.id == location_id:
                return location
        raise KeyError(location_id)

    @property
    def fps(self) -> int:
        """Frames per second of the whole project."""
        return self.style.fps

    def total_frames(self) -> int:
        """Frames in the reel: the title card, if on, every shot, and the end card, if on."""
        title = self.style.title_card_frames if self.style.title_card else 0
        end = self.style.end_card_frames if self.style.end_card else 0
        return title + sum(s.duration_frames for s in self.shots) + end

    def seconds(self, frames: int) -> float:
        """Frames as seconds at the project's fps (for display only)."""
        return frames / self.fps

    def frames(self, seconds: float) -> int:
        """Seconds as a whole number of frames at the project's fps."""
        return max(1, round(seconds * self.fps))

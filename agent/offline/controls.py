"""Controls made for the task: the 3-6 controls the studio shows for what the person is doing now.

Each control is a few options, and each option is the words a person would type ("make scene 2 faster",
"give Mara a deeper voice"), so moving a control is saying those words: the same turn, the same edit,
in the history and undone like any instruction. docs/controls.md gives the rules; in short:

1. What is being worked on: the selected shot's scene, or the whole film when no shot is selected.
2. What kind of work it is, first match: a **chase** (fast motion in at least half its shots: runs,
   chases, flees...; a tracking or handheld camera), **dialogue** (two lines or more, or a line
   among two people), a chase again when any shot moves fast, a **look** (no one in the scene, or
   the whole film), else a **moment** (people, no lines).
3. The kind's controls: chase: cut rate, camera energy, handheld; dialogue: pace, who is favoured,
   each speaker's voice (two at most); look: light, weather, palette; moment: framing, the feeling of
   the first person in the shot, pace.
4. The style's own controls after them (noir: shadows, angle, rain; a cartoon: expression, framing;
   painted looks: golden light, palette), leaving out an aspect already there, to six at most, and
   topped up to three with framing, length and light.

Every option is checked against the offline grammar before it is shown (`check_command`); one that the
grammar cannot read, or whose edit adds, removes, moves or replaces shots, is left out, and a control left
with fewer than two options goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from story import EditError, Movement, Project, SetStyle, Shot, UpdateCharacter, UpdateShot, apply

MIN_CONTROLS, MAX_CONTROLS = 3, 6
CONTROL_EDITS = frozenset({UpdateShot, UpdateCharacter, SetStyle})
"""What a control may do: change shots, characters and the style; never add, remove, move or replace shots."""
MIN_OPTIONS, MAX_OPTIONS = 2, 6

Kind = Literal["chase", "dialogue", "look", "moment"]
Family = Literal["noir", "cartoon", "painted", "plain"]


class ControlOption(BaseModel):
    """One position of a control: what it is called and the words it says."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)] = Field(
        description="What the option is called on the control, a word or two ('faster', 'night', 'Mara')."
    )
    command: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)] = Field(
        description="One instruction, as the person would type it ('make scene 2 faster', 'add rain to shot 3'). "
        "It names its shots or scene, and the offline grammar must read it."
    )


class Control(BaseModel):
    """A control made for the task: a name, a line on what it is for, and its options."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = Field(
        description="The control's name as the person reads it ('Pace of scene 2', 'Who is favoured in shot 4')."
    )
    why: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = Field(
        "", description="One short line on what the control is for."
    )
    aspect: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = Field(
        "", description="What it changes ('pace', 'light', 'voice:mara'); two controls never change the same."
    )
    options: list[ControlOption] = Field(
        min_length=MIN_OPTIONS, max_length=MAX_OPTIONS, description="Its positions, in order, 2 to 6."
    )

    @model_validator(mode="after")
    def _options_differ(self) -> Control:
        if len({o.command.lower() for o in self.options}) != len(self.options):
            raise ValueError(f"control {self.name!r} says the same words twice")
        return self


class ControlSet(BaseModel):
    """The controls proposed for what the person is doing now."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    task: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)] = Field(
        description="What the person is doing now, in a few words ('a dialogue scene (scene 2) in noir')."
    )
    controls: list[Control] = Field(
        min_length=MIN_CONTROLS, max_length=MAX_CONTROLS, description="3 to 6 controls for that task."
    )

    @model_validator(mode="after")
    def _names_differ(self) -> ControlSet:
        if len({c.name.lower() for c in self.controls}) != len(self.controls):
            raise ValueError("two controls have the same name")
        return self


# Reading a command -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What the offline grammar makes of one option's words on the project as it is."""

    error: str | None
    """Why the words cannot be a control (not read, refused, not a change of the story); None when they can."""
    current: bool = False
    """True when saying them would change nothing: the project is so already (the control's position now)."""


def check_command(project: Project, words: str) -> Reading:
    """Read `words` as the chat's offline grammar would, on `project`; nothing is applied.

    A control's words are read once per option every time the panel is shown, so this stays cheap on a long
    film: one instruction is read clause by clause (`read_clause`, as the chat does) without applying it to
    the whole project; each edit is checked against a copy holding only the shot it changes, and whether it
    changes anything is read from the fields it sets. Several instructions go through the whole turn.
    """
    from agent.offline import OfflineDirector, clauses, read_clause
    from agent.offline.addressing import NoSuchShot, Refusal
    from agent.offline.grammar import Context
    from agent.offline.surprise import read_branch_words

    text = " ".join(words.split())
    if read_branch_words(project, text.lower().strip(" .!")) is not None:
        return Reading(error=f"{words!r} is not an edit of the story")
    parts = clauses(text)
    if len(parts) != 1:
        plan = OfflineDirector().turn(project, text)
        if plan.refused or plan.action != "edit" or not plan.edits:
            reason = plan.reply.split(" I can do things like")[0].strip()
            return Reading(error=reason if plan.refused else f"{words!r} is not an edit of the story")
        edits = plan.edits
    else:
        try:
            step = read_clause(project, parts[0], Context())
        except (NoSuchShot, Refusal, EditError) as exc:
            return Reading(error=str(exc))
        if step is None or not step.edits:
            return Reading(error=f"I did not understand “{parts[0]}”.")
        edits = step.edits
    kinds = {type(edit) for edit in edits}
    if not kinds <= CONTROL_EDITS:
        others = ", ".join(sorted(k.__name__ for k in kinds - CONTROL_EDITS))
        return Reading(error=f"a control changes how shots look and sound, not which shots there are ({others})")
    try:
        for edit in edits:
            shots = [s for s in project.shots if isinstance(edit, UpdateShot) and s.id == edit.shot_id]
            apply(project.model_copy(update={"shots": shots}), edit)
    except EditError as exc:
        return Reading(error=str(exc))
    return Reading(error=None, current=all(_changes_nothing(project, edit) for edit in edits))


def _changes_nothing(project: Project, edit: object) -> bool:
    """True when every field the edit sets already has that value."""
    if isinstance(edit, UpdateShot):
        now, changes = project.shot(edit.shot_id).model_dump(), edit.changes.model_dump(exclude_unset=True)
    elif isinstance(edit, UpdateCharacter):
        now, changes = project.character(edit.character_id).model_dump(), edit.changes.model_dump(exclude_unset=True)
    elif isinstance(edit, SetStyle):
        now, changes = project.style.model_dump(), edit.changes
    else:
        return False
    return all(key in now and now[key] == value for key, value in changes.items())


# What the person is doing ------------------------------------------------------------------------

_FAST = re.compile(
    r"\b(?:run|runs|running|ran|chase[sd]?|chasing|flee|flees|fled|fleeing|race[sd]?|racing|sprint\w*|dash\w*|"
    r"rush\w*|escape[sd]?|escaping|pursu\w*|gallop\w*|bolt(?:s|ed)?|speed(?:s|ing)?|sped|leap\w*|jump\w*|"
    r"fight\w*|fought|tumble[sd]?|crash\w*|hurtl\w*|scrambl\w*|swerv\w*|careen\w*|charg\w*|tears? away|"
    r"drives? off|gives? chase)\b",
    re.IGNORECASE,
)
_FAMILIES: list[tuple[Family, re.Pattern[str]]] = [
    ("noir", re.compile(r"\b(?:noir|black and white|high contrast|hard shadows|monochrome)\b")),
    (
        "cartoon",
        re.compile(
            r"\b(?:cartoon\w*|comic\w*|anime|manga|cel[- ]shad\w*|claymation|plasticine|stop[- ]motion|2d|"
            r"animated|animation|vector|halftone|bold outlines)\b"
        ),
    ),
    (
        "painted",
        re.compile(r"\b(?:watercolou?r|oil painting|gouache|pastel|ink|brush\w*|chiaroscuro|storybook|painterly)\b"),
    ),
]
PALETTES: dict[Family, list[str]] = {
    "noir": ["noir", "sepia", "ink", "neon"],
    "cartoon": ["comic", "anime", "flat", "claymation"],
    "painted": ["watercolour", "oil painting", "pastel", "storybook"],
    "plain": ["storyboard", "noir", "watercolour", "comic"],
}


def style_family(project: Project) -> Family:
    """The family of the film's look: noir, a cartoon (2D, comic, anime, clay), painted, or plain."""
    look = " ".join(project.style.look).lower()
    return next((family for family, words in _FAMILIES if words.search(look)), "plain")


def _moves_fast(shot: Shot) -> bool:
    return bool(_FAST.search(shot.action)) or shot.movement in (Movement.TRACKING, Movement.HANDHELD)


def scene_kind(shots: list[Shot], whole_film: bool = False) -> Kind:
    """What kind of work the shots are (see the module's rules)."""
    if whole_film or not shots:
        return "look"
    fast = sum(1 for s in shots if _moves_fast(s))
    lines = sum(len(s.dialogue) for s in shots)
    people = {c for s in shots for c in s.characters} | {line.speaker for s in shots for line in s.dialogue}
    if fast * 2 >= len(shots):
        return "chase"
    if lines >= 2 or (lines and len(people) >= 2):
        return "dialogue"
    if fast:
        return "chase"
    return "look" if not people else "moment"


# The controls ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What the controls act on: the selected shot (if any), the shots of its scene, and how to say each."""

    shot: Shot | None
    shots: list[Shot]
    scene: str
    """'scene 2', or '' for the whole film."""

    def on_scene(self, film: str, scene: str) -> str:
        """`scene` with the scene's name in place of {}, or `film` when the scope is the whole film."""
        return scene.format(self.scene) if self.scene else film

    @property
    def shot_name(self) -> str:
        return f"shot {self.shot.label}" if self.shot is not None else ""


def _control(name: str, aspect: str, why: str, options: list[tuple[str, str]]) -> Control:
    return Control(
        name=name[:40],
        aspect=aspect,
        why=why,
        options=[ControlOption(label=label, command=command) for label, command in options][:MAX_OPTIONS],
    )


def _pace(scope: Scope, name: str = "Pace", slow: str = "slower", fast: str = "faster") -> Control:
    where = f" of {scope.scene}" if scope.scene else ""
    return _control(
        f"{name}{where}",
        "pace",
        "Every shot of it longer or shorter, together.",
        [
            (slow, scope.on_scene("make it slower", "make {} slower")),
            (fast, scope.on_scene("make it faster", "make {} faster")),
        ],
    )


def _light(scope: Scope, name: str = "Light", times: tuple[str, ...] = ("dawn", "day", "dusk", "night")) -> Control:
    return _control(
        name,
        "light",
        "The time of day the scene is lit for.",
        [(time, scope.on_scene(f"make it all {time}", f"make {{}} {time}")) for time in times],
    )


def _weather(
    scope: Scope, name: str = "Weather", skies: tuple[str, ...] = ("clear", "rain", "fog", "snow", "storm")
) -> Control:
    said = {
        "clear": ("clear sky in all shots", "clear sky in {}"),
        "storm": ("make every shot stormy", "make {} stormy"),
    }
    options = [
        (sky, scope.on_scene(*said.get(sky, (f"add {sky} to every shot", f"add {sky} to {{}}")))) for sky in skies
    ]
    return _control(name, "weather", "What the sky does.", options)


def _palette(project: Project, family: Family) -> Control:
    styles = PALETTES[family]
    return _control("Palette", "palette", "The film's look and colours.", [(s, f"style: {s}") for s in styles])


def _framing(scope: Scope) -> Control | None:
    if scope.shot is None:
        return None
    return _control(
        f"Framing of {scope.shot_name}",
        "framing",
        "One size tighter or wider.",
        [("closer", f"make {scope.shot_name} closer"), ("wider", f"make {scope.shot_name} wider")],
    )


def _length(scope: Scope) -> Control | None:
    if scope.shot is None:
        return None
    return _control(
        f"Length of {scope.shot_name}",
        "length",
        "A second more or less.",
        [("shorter", f"make {scope.shot_name} shorter"), ("longer", f"make {scope.shot_name} longer")],
    )


def _favour(project: Project, scope: Scope) -> Control | None:
    """Who of the selected shot's people the camera is closest to (a shot of two or more)."""
    if scope.shot is None:
        return None
    known = {c.id for c in project.characters}
    people = [c for c in scope.shot.characters if c in known][:4]
    if len(people) < 2:
        return None
    options = [
        (project.character(c).name, f"make {scope.shot_name} a medium close-up of {_said(project, c)}") for c in people
    ]
    options.append(("both", f"make {scope.shot_name} a medium shot"))
    return _control(f"Who is favoured in {scope.shot_name}", "favour", "Who the camera is closest to.", options)


def _said(project: Project, character_id: str) -> str:
    """How a command names a character: by name, the way the grammar finds them."""
    return project.character(character_id).name


def _voices(project: Project, scope: Scope) -> list[Control]:
    speakers = [c for c in dict.fromkeys(line.speaker for s in scope.shots for line in s.dialogue)]
    known = {c.id for c in project.characters}
    made = []
    for ident in [s for s in speakers if s in known][:2]:
        name = _said(project, ident)
        made.append(
            _control(
                f"{name}'s voice",
                f"voice:{ident}",
                "How the scratch voice reads their lines.",
                [
                    ("deeper", f"give {name} a deeper voice"),
                    ("higher", f"give {name} a higher voice"),
                    ("slower", f"give {name} a slower voice"),
                    ("faster", f"give {name} a faster voice"),
                ],
            )
        )
    return made


def _feeling(project: Project, scope: Scope, name: str = "Feeling", big: bool = False) -> Control | None:
    if scope.shot is None or not scope.shot.characters:
        return None
    ident = scope.shot.characters[0]
    who = _said(project, ident)
    feelings = ("happy", "surprised", "angry", "afraid", "crying") if big else ("neutral", "happy", "sad", "afraid")
    return _control(
        f"{name}: {who} in {scope.shot_name}",
        f"feeling:{ident}",
        "What their face shows.",
        [(f, f"make {who} {f} in {scope.shot_name}") for f in feelings],
    )


def _energy(scope: Scope) -> Control:
    return _control(
        "Camera energy",
        "energy",
        "Calmer: wider and still; intense: tighter, lower, pushing in.",
        [
            ("calmer", scope.on_scene("make it calmer", "make {} calmer")),
            ("intense", scope.on_scene("make it more dramatic", "make {} more dramatic")),
        ],
    )


def _camera(scope: Scope) -> Control:
    moves = (("steady", "static"), ("tracking", "tracking"), ("handheld", "handheld"))
    return _control(
        "Handheld",
        "camera",
        "A steady frame, a camera that follows, or one in the hand.",
        [(label, scope.on_scene(f"make every shot {move}", f"make {{}} {move}")) for label, move in moves],
    )


def _angle(scope: Scope) -> Control | None:
    if scope.shot is None:
        return None
    angles = (("eye level", "eye level"), ("low", "low angle"), ("high", "high angle"), ("dutch", "dutch angle"))
    return _control(
        f"Angle of {scope.shot_name}",
        "angle",
        "Noir leans on low and tilted frames.",
        [(label, f"{words} on {scope.shot_name}") for label, words in angles],
    )


def _size(scope: Scope) -> Control | None:
    if scope.shot is None:
        return None
    sizes = (("wide", "a wide shot"), ("medium", "a medium shot"), ("close", "a close-up"),
             ("extreme", "an extreme close-up"))  # fmt: skip
    return _control(
        f"Framing of {scope.shot_name}",
        "framing",
        "Cartoons play big: from far away to right in the face.",
        [(label, f"make {scope.shot_name} {words}") for label, words in sizes],
    )


def _for_kind(project: Project, scope: Scope, kind: Kind, family: Family) -> list[Control | None]:
    if kind == "chase":
        return [_pace(scope, "Cut rate", "longer shots", "quicker cuts"), _energy(scope), _camera(scope)]
    if kind == "dialogue":
        return [_pace(scope), _favour(project, scope), *_voices(project, scope)]
    if kind == "look":
        return [_light(scope), _weather(scope), _palette(project, family)]
    return [_framing(scope), _feeling(project, scope), _pace(scope)]


def _for_style(project: Project, scope: Scope, family: Family) -> list[Control | None]:
    if family == "noir":
        return [
            _light(scope, "Shadows", ("day", "dusk", "night")),
            _angle(scope),
            _weather(scope, "Rain", ("clear", "rain", "fog")),
        ]
    if family == "cartoon":
        return [_feeling(project, scope, "Expression", big=True), _size(scope)]
    if family == "painted":
        return [_light(scope, "Golden light", ("dawn", "day", "dusk")), _palette(project, family)]
    return []


def scope_of(project: Project, shot_id: str | None) -> Scope:
    """The selected shot and its scene, or the whole film when none is selected (or it is gone)."""
    shot = next((s for s in project.shots if s.id == shot_id), None)
    if shot is None:
        return Scope(shot=None, shots=list(project.shots), scene="")
    return Scope(shot=shot, shots=[s for s in project.shots if s.scene == shot.scene], scene=f"scene {shot.scene}")


def describe_task(project: Project, shot_id: str | None) -> str:
    """'a dialogue scene (scene 2) in noir', 'the look of the whole film in a cartoon style'."""
    scope = scope_of(project, shot_id)
    kind = scene_kind(scope.shots, whole_film=scope.shot is None)
    family = style_family(project)
    style = {"noir": "in noir", "cartoon": "in a cartoon style", "painted": "in a painted style", "plain": ""}[family]
    what = {"chase": "a chase", "dialogue": "a dialogue scene", "look": "the look", "moment": "a moment"}[kind]
    where = f" ({scope.scene})" if scope.scene else " of the whole film" if kind == "look" else ""
    return f"{what}{where} {style}".strip()


def offline_controls(project: Project, shot_id: str | None) -> ControlSet:
    """The controls the documented rules choose for the selected shot's scene (the whole film with none)."""
    scope = scope_of(project, shot_id)
    kind = scene_kind(scope.shots, whole_film=scope.shot is None)
    family = style_family(project)
    chosen: list[Control] = []
    aspects: set[str] = set()
    fillers = [_framing(scope), _length(scope), _light(scope), _pace(scope)]
    for control in [*_for_kind(project, scope, kind, family), *_for_style(project, scope, family), *fillers]:
        if control is None or control.aspect in aspects:
            continue
        if len(chosen) >= MIN_CONTROLS and control in fillers:
            break
        readable = _readable(project, control)
        if readable is None:
            continue
        chosen.append(readable)
        aspects.add(control.aspect)
        if len(chosen) == MAX_CONTROLS:
            break
    return ControlSet(task=describe_task(project, shot_id), controls=chosen)


def _readable(project: Project, control: Control) -> Control | None:
    """The control with only the options the grammar reads on this project; None when under two are left."""
    kept = [o for o in control.options if check_command(project, o.command).error is None]
    if len(kept) < MIN_OPTIONS:
        return None
    return control if len(kept) == len(control.options) else control.model_copy(update={"options": kept})


def current_options(project: Project, controls: ControlSet) -> list[str | None]:
    """Each control's position now: the command of the one option that would change nothing, else None."""
    found: list[str | None] = []
    for control in controls.controls:
        now = [o.command for o in control.options if check_command(project, o.command).current]
        found.append(now[0] if len(now) == 1 else None)
    return found

"""Film grammar for a shot list: what both the prose planner and the Fountain reader emit.

The readers describe the story as it unfolds (a place is reached, something happens, someone
speaks); `ShotList` decides the coverage: an establishing wide shot on each new place, medium
shots for action, close-ups for feeling, over-the-shoulder shot/reverse-shot for dialogue.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field, replace

from agent.offline.in_frame import pose_in, read_in_frame
from story import Angle, DialogueLine, Movement, Shot, ShotSize, TimeOfDay, Transition
from story.model import MAX_NAME, MAX_SHOT_FRAMES, MAX_TEXT, MIN_SHOT_FRAMES, Acting, Pose, Weather
from tools.voice.lines import room_for_lines

MAX_PLANNED_SHOTS = 200
FPS = 24
WORDS_PER_SECOND = 2.5

_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str = "x") -> str:
    """An id from words: lower case, hyphens, at most 64 characters."""
    value = _SLUG_DROP.sub("-", text.lower()).strip("-")[:60].strip("-")
    return value or fallback


def shorten(text: str, limit: int = MAX_TEXT) -> str:
    """The text cut at a word boundary with an ellipsis when it is over `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def seed_for(shot_id: str) -> int:
    """A renderer seed that depends only on the shot's id, so replanning keeps pictures stable."""
    return zlib.crc32(f"storyreel:{shot_id}".encode()) & 0x7FFFFFFF


def frames_for(seconds: float) -> int:
    """Seconds as frames at the planning rate, inside the model's bounds."""
    return max(MIN_SHOT_FRAMES, min(MAX_SHOT_FRAMES, round(seconds * FPS)))


def action_seconds(text: str) -> float:
    """Screen time for an action: 3 s for a glance, up to 6 s for a busy sentence."""
    return min(6.0, max(3.0, 2.5 + 0.2 * len(text.split())))


def speech_seconds(lines: list[DialogueLine]) -> float:
    """Screen time for lines at a natural pace, with room to breathe either side, and never less than
    any scratch voice takes to say them (so a fresh plan has no shot too short for its lines)."""
    texts = [line.text for line in lines]
    words = sum(len(text.split()) for text in texts)
    return max(2.0, words / WORDS_PER_SECOND + 1.2, room_for_lines(texts))


@dataclass
class _Conversation:
    """Who is talking to whom in the current scene, so reverse shots keep screen sides."""

    left: str | None = None
    right: str | None = None

    def side_of(self, speaker: str, listener: str | None) -> str:
        if listener is None:
            return "left"
        if {self.left, self.right} != {speaker, listener}:
            self.left, self.right = speaker, listener
        return "left" if speaker == self.left else "right"


@dataclass
class ShotList:
    """Builds shots in story order with ids s1, s2, ... and bounded values."""

    shots: list[Shot] = field(default_factory=list)
    scene: int = 0
    location: str | None = None
    interior: bool = False
    time: TimeOfDay = TimeOfDay.DAY
    pending: Transition | None = None
    seen: set[str] = field(default_factory=set)
    _talk: _Conversation = field(default_factory=_Conversation)
    _sides: dict[str, float] = field(default_factory=dict)
    _poses: dict[str, Pose] = field(default_factory=dict)
    """How each character last sat or lay in this scene: they still do while they talk."""
    """Where each character last stood across the frame in this scene (the 180-degree line)."""
    _time_changed: bool = False
    weather: Weather = Weather.CLEAR
    """The sky: weather named once holds, across places and hours, until a new day or other weather is named."""
    cast_nouns: dict[str, set[str]] = field(default_factory=dict)
    """Nouns that name someone in the cast, with whom ('dragon': Ember, a small dragon): in a shot that holds
    them, the noun is the character, not a prop."""

    @property
    def full(self) -> bool:
        """True once the list holds as many shots as a plan may have."""
        return len(self.shots) >= MAX_PLANNED_SHOTS

    def set_time(self, time: TimeOfDay | None) -> None:
        """Change the light from the next shot on (a change of light reads as a dissolve)."""
        if time is not None and time != self.time:
            self._time_changed = bool(self.shots)
            self.time = time
            if time in {TimeOfDay.DAWN, TimeOfDay.MORNING}:
                self.weather = Weather.CLEAR  # a new day clears the sky, unless its words say otherwise

    def new_scene(
        self, location: str | None, *, interior: bool, characters: list[str], action: str, beat: str = ""
    ) -> None:
        """Open a scene: an establishing wide shot of the place (wider outside and the first time)."""
        self.scene += 1
        self.location, self.interior = location, interior
        self._talk = _Conversation()
        self._sides = {}
        self._poses = {}
        first_time = location is not None and location not in self.seen
        if location is not None:
            self.seen.add(location)
        size = ShotSize.EWS if first_time and not interior else ShotSize.WS
        movement = Movement.PAN_RIGHT if not interior and first_time else Movement.STATIC
        self._add(
            action=action,
            beat=beat,
            characters=characters,
            size=size,
            movement=movement,
            seconds=max(4.0, min(6.0, action_seconds(action) + 0.5)),
            positions=self._place(characters),
        )

    def action(
        self,
        text: str,
        characters: list[str],
        *,
        emotional: bool = False,
        wide: bool = False,
        movement: Movement = Movement.STATIC,
        angle: Angle = Angle.EYE_LEVEL,
        beat: str = "",
        insert: bool = False,
    ) -> None:
        """Something happens: a medium shot, a close-up when it is felt, a wide one when no one is in it,
        an insert (a close-up of the thing) when the words dwell on a thing. A run of medium shots is
        broken: the third in a row comes closer (a single person) or wider (a group)."""
        if self.scene == 0:
            self.scene = 1
        if emotional and characters:
            size, characters, movement = ShotSize.CU, characters[:1], Movement.PUSH_IN
            seconds = max(3.0, action_seconds(text) - 0.5)
        elif insert and not characters:
            size, seconds = ShotSize.CU, max(2.5, action_seconds(text) - 0.5)
        elif wide or not characters:
            size, seconds = ShotSize.WS, action_seconds(text) + 0.5
        else:
            size, seconds = (ShotSize.MS if len(characters) < 3 else ShotSize.MWS), action_seconds(text)
            recent = [shot.size for shot in self.shots[-2:] if shot.scene == self.scene]
            if size == ShotSize.MS and recent == [ShotSize.MS, ShotSize.MS]:
                size = ShotSize.MCU if len(characters) == 1 else ShotSize.MWS
        self._add(
            action=text,
            beat=beat,
            characters=characters,
            size=size,
            movement=movement,
            angle=angle,
            seconds=seconds,
            positions=self._place(characters),
        )

    def line(
        self,
        speaker: str,
        lines: list[DialogueLine],
        *,
        listener: str | None,
        action: str,
        emotional: bool = False,
        beat: str = "",
    ) -> None:
        """Someone speaks: over the listener's shoulder when two talk, a close-up when alone or moved."""
        if self.scene == 0:
            self.scene = 1
        seconds = speech_seconds(lines)
        side = self._talk.side_of(speaker, listener)
        if listener is not None and speaker in self._sides and listener in self._sides:
            side = "left" if self._sides[speaker] < self._sides[listener] else "right"
        if listener is not None and not emotional:
            # The 180-degree rule: the speaker keeps one side of the frame for the whole exchange.
            characters = [speaker, listener]
            positions = {speaker: 0.38, listener: 0.86} if side == "left" else {speaker: 0.62, listener: 0.14}
            size, angle = ShotSize.MCU, Angle.OVER_THE_SHOULDER
        else:
            characters = [speaker]
            positions = {speaker: 0.42 if side == "left" else 0.58}
            size, angle = ShotSize.CU, Angle.EYE_LEVEL
        self._add(
            action=action,
            beat=beat,
            characters=characters,
            size=size,
            angle=angle,
            seconds=seconds,
            positions=positions,
            dialogue=lines,
        )

    def continue_line(self, lines: list[DialogueLine]) -> None:
        """More words from whoever spoke last, in the same shot."""
        if not self.shots or not self.shots[-1].dialogue:
            return
        last = self.shots[-1]
        spoken = [*last.dialogue, *lines][:40]
        seconds = speech_seconds(spoken)
        self.shots[-1] = last.model_copy(update={"dialogue": spoken, "duration_frames": frames_for(seconds)})

    def two_shot(self, characters: list[str], lines: list[DialogueLine], action: str) -> None:
        """Two people speak at once: one medium shot holding both."""
        self._add(
            action=action,
            characters=characters,
            size=ShotSize.MS,
            seconds=speech_seconds(lines),
            positions=self._place(characters),
            dialogue=lines,
        )

    def end_previous(self, transition: Transition) -> None:
        """Set how the last shot ends (a fade out), when there is one."""
        if self.shots:
            self.shots[-1] = self.shots[-1].model_copy(update={"transition": transition})

    def _place(self, characters: list[str]) -> dict[str, float]:
        """Even places across the frame; people already placed in this scene keep their order."""
        known = sorted((c for c in characters if c in self._sides), key=self._sides.__getitem__)
        rest = iter(c for c in characters if c not in self._sides)
        # Newcomers take the slots of their naming order; the placed keep their left-to-right order.
        ordered = [next(rest) if c not in self._sides else known.pop(0) for c in characters]
        return _spread(ordered)

    def _keep_order(self, left_to_right: list[str]) -> None:
        """Remember the scene's left-to-right order: a newcomer goes just right of whoever stood left of
        it in this shot, so people already placed never swap sides (the 180-degree line)."""
        order = sorted(self._sides, key=self._sides.__getitem__)
        for index, character in enumerate(left_to_right):
            if character in order:
                continue
            left = next((c for c in reversed(left_to_right[:index]) if c in order), None)
            order.insert(order.index(left) + 1 if left is not None else 0, character)
        self._sides = {c: float(i) for i, c in enumerate(order)}

    def _add(
        self,
        *,
        action: str,
        characters: list[str],
        size: ShotSize,
        seconds: float,
        positions: dict[str, float],
        beat: str = "",
        movement: Movement = Movement.STATIC,
        angle: Angle = Angle.EYE_LEVEL,
        dialogue: list[DialogueLine] | None = None,
    ) -> None:
        if self.full:
            return
        shot_id = f"s{len(self.shots) + 1}"
        transition = self.pending or (Transition.DISSOLVE if self._time_changed else Transition.CUT)
        if not self.shots and self.pending is None:
            transition = Transition.FADE_IN
        self.pending, self._time_changed = None, False
        characters = list(dict.fromkeys(characters))[:20]
        placed = {c: p for c, p in positions.items() if c in characters}
        if len(placed) > 1:
            self._keep_order(sorted(placed, key=placed.__getitem__))
        seen = read_in_frame(f"{action} {' '.join(line.parenthetical for line in dialogue or [])}", characters)
        place_words = set((self.location or "").split("-"))  # the lighthouse the scene is at is the set, not a prop
        seen = replace(
            seen,
            props=[
                p
                for p in seen.props
                if p.name not in place_words and not self.cast_nouns.get(p.name, set()) & set(characters)
            ],
        )
        self.weather = seen.weather or self.weather
        seen = replace(seen, acting=self._kept_poses(seen.acting, characters, action, bool(dialogue)))
        self.shots.append(
            Shot(
                id=shot_id,
                beat=shorten(beat, MAX_NAME * 2),
                action=shorten(action),
                characters=characters,
                positions={c: p for c, p in positions.items() if c in characters},
                location=self.location,
                scene=min(self.scene, 10_000),
                time_of_day=self.time,
                weather=self.weather,
                props=seen.props,
                acting=seen.acting,
                size=size,
                angle=angle,
                movement=movement,
                lens_mm=_lens_for(size),
                duration_frames=frames_for(seconds),
                dialogue=(dialogue or [])[:40],
                transition=transition,
                seed=seed_for(shot_id),
            )
        )

    def _kept_poses(
        self, acting: dict[str, Acting], characters: list[str], action: str, talking: bool
    ) -> dict[str, Acting]:
        """Acting with the scene's seated or lying poses kept where the words name no new one: Pavel, sat
        by the sled, still sits as he says his line. Remembers the poses this shot shows."""
        kept = dict(acting)
        if pose_in(action) is None:
            for character in characters:
                pose = self._poses.get(character)
                if pose is None or not (talking or character in kept):
                    continue
                kept[character] = (kept.get(character) or Acting()).model_copy(update={"pose": pose})
        for character, shown in kept.items():
            if shown.pose in (Pose.SITTING, Pose.LYING):
                self._poses[character] = shown.pose
            else:
                self._poses.pop(character, None)
        return kept


def _spread(characters: list[str]) -> dict[str, float]:
    """Even places across the frame, left to right, in the order people were named."""
    count = min(len(characters), 20)
    return {c: round((i + 1) / (count + 1), 3) for i, c in enumerate(characters[:count])}


def _lens_for(size: ShotSize) -> int:
    """Wide lenses for wide shots, longer ones for faces, as a camera operator would choose."""
    return {
        ShotSize.EWS: 24,
        ShotSize.WS: 28,
        ShotSize.MWS: 35,
        ShotSize.MS: 35,
        ShotSize.MCU: 50,
        ShotSize.CU: 85,
        ShotSize.ECU: 100,
    }[size]

"""Planning a Fountain screenplay into a story, through screenplain's parser.

Scene headings give places and light (each scene opens on an establishing shot), action
paragraphs give action shots, character cues with their lines give shot/reverse-shot dialogue,
and transitions set how shots join. The title page's Title becomes the bible's title.
"""

from __future__ import annotations

import re
import string

from screenplain.parsers.fountain import parse_lines
from screenplain.types import Action, Dialog, DualDialog, Slug
from screenplain.types import Transition as FountainTransition

from agent.offline.reading import describe_looks, looks
from agent.offline.shots import ShotList, shorten, slug
from agent.offline.vocabulary import EMOTION_WORDS, MOVEMENT_VERBS, TIME_WORDS
from story import Bible, Character, DialogueLine, Location, Movement, ReplaceStory, TimeOfDay, Transition
from story.model import MAX_NAME

_HEADING = re.compile(r"^\.?(INT\.?/EXT|I/E|INT|EXT|EST)[. ]\s*(.*)$", re.IGNORECASE)
_EXTENSION = re.compile(r"\s*\(([^)]*)\)\s*")
_TRANSITIONS = {
    "FADE IN": ("next", Transition.FADE_IN),
    "FADE OUT": ("previous", Transition.FADE_OUT),
    "FADE TO BLACK": ("previous", Transition.FADE_OUT),
    "FADE TO": ("next", Transition.FADE_IN),
    "DISSOLVE TO": ("next", Transition.DISSOLVE),
    "CROSSFADE TO": ("next", Transition.DISSOLVE),
}
MAX_CAST = 60


def plan_fountain(text: str) -> ReplaceStory:
    """A whole story from a Fountain screenplay."""
    script = parse_lines(text.replace("\r\n", "\n").split("\n"))
    reader = _Reader()
    for paragraph in script.paragraphs:
        dialogs = [paragraph] if isinstance(paragraph, Dialog) else []
        if isinstance(paragraph, DualDialog):
            dialogs = [paragraph.left, paragraph.right]
        reader.cues.update(slug(_cue_name(str(d.character)), "voice") for d in dialogs)
    for paragraph in script.paragraphs:
        if reader.shots.full:
            break
        reader.read(paragraph)
    if not reader.shots.shots:
        reader.shots.action(shorten(" ".join(text.split())) or "An empty stage.", [])
    title_page = {key.lower(): " ".join(value) for key, value in script.title_page.items()}
    used = {c for shot in reader.shots.shots for c in [*shot.characters, *(d.speaker for d in shot.dialogue)]}
    return ReplaceStory(
        bible=Bible(
            title=shorten(_plain(title_page.get("title", "")), MAX_NAME) or reader.title(),
            logline=shorten(title_page.get("logline", "") or reader.first_action, 300),
            genre=shorten(title_page.get("genre", "drama"), MAX_NAME),
            tone=shorten(title_page.get("tone", ""), MAX_NAME),
            brief=text[:200_000],
        ),
        characters=[reader.character(c) for c in reader.cast if c in used],
        locations=list(reader.places.values()),
        shots=reader.shots.shots,
    )


def _plain(value: object) -> str:
    return " ".join(re.sub(r"[*_]", "", str(value)).split())


class _Reader:
    """Walks the screenplay's paragraphs in order, keeping who is in the scene."""

    def __init__(self) -> None:
        self.shots = ShotList()
        self.cast: dict[str, str] = {}  # id -> name as written in cues
        self.descriptions: dict[str, str] = {}
        self.traits: dict[str, dict[str, str]] = {}
        self.places: dict[str, Location] = {}
        self.present: list[str] = []
        self.last_speaker: str | None = None
        self.first_action = ""
        self.opening: Location | None = None
        self.cues: set[str] = set()

    def read(self, paragraph: object) -> None:
        if isinstance(paragraph, Slug):
            self._heading(_plain(paragraph.line))
        elif isinstance(paragraph, Action):
            self._action(paragraph)
        elif isinstance(paragraph, Dialog):
            self._dialogue(paragraph)
        elif isinstance(paragraph, DualDialog):
            lines = self._lines(paragraph.left) + self._lines(paragraph.right)
            speakers = [line.speaker for line in lines]
            self._flush_opening(speakers)
            self.shots.two_shot(speakers, lines, action=" and ".join(self.cast[s] for s in dict.fromkeys(speakers)))
            self._note_extensions(lines)
        elif isinstance(paragraph, FountainTransition):
            self._transition(_plain(paragraph.line))

    # Paragraph kinds ----------------------------------------------------------------------------

    def _heading(self, line: str) -> None:
        self._flush_opening([])
        match = _HEADING.match(line)
        prefix, rest = (match.group(1).upper(), match.group(2)) if match else ("", line)
        place, _, when = rest.rpartition(" - ") if " - " in rest else (rest, "", "")
        place = place.strip(" .") or "somewhere"
        time = _time_of(when or rest)
        if time is not None:
            self.shots.set_time(time)
        place_id = slug(place, "place")
        if place_id not in self.places and len(self.places) < 200:
            self.places[place_id] = Location(
                id=place_id,
                name=shorten(string.capwords(place.lower()), MAX_NAME),
                interior=prefix.startswith("INT") or prefix == "I/E",
                description=shorten(line),
            )
        self.present = []
        self.last_speaker = None
        # The establishing shot waits for the first action, so it can carry it.
        self.opening = self.places.get(place_id)

    def _flush_opening(self, characters: list[str], action: str = "") -> bool:
        if self.opening is None:
            return False
        place, self.opening = self.opening, None
        self.shots.new_scene(place.id, interior=place.interior, characters=characters, action=action or place.name)
        return True

    def _action(self, paragraph: Action) -> None:
        text = " ".join(_plain(line) for line in paragraph.lines).strip()
        upper = text.upper().rstrip(".:")
        if upper in _TRANSITIONS:
            self._transition(upper)
            return
        if paragraph.centered or not text:
            return
        self.first_action = self.first_action or text
        named = self._characters_in(text)
        self.present = list(dict.fromkeys([*self.present, *named]))
        if self._flush_opening(named, text):
            return
        words = set(re.findall(r"[a-z']+", text.lower()))
        movement = next((MOVEMENT_VERBS[w] for w in sorted(words) if w in MOVEMENT_VERBS), Movement.STATIC)
        self.shots.action(shorten(text), named, emotional=bool(words & EMOTION_WORDS), movement=movement)

    def _dialogue(self, dialog: Dialog) -> None:
        lines = self._lines(dialog)
        if not lines:
            return
        speaker = lines[0].speaker
        if speaker not in self.present:
            self.present.append(speaker)
        self._flush_opening(list(self.present))
        listener = self._listener(speaker)
        moved = any(w in EMOTION_WORDS for line in lines for w in re.findall(r"[a-z]+", line.parenthetical.lower()))
        name = self.cast[speaker]
        action = f"{name} speaks to {self.cast[listener]}" if listener else f"{name} speaks"
        self.shots.line(speaker, lines, listener=listener, emotional=moved, action=action)
        self._note_extensions(lines)
        self.last_speaker = speaker

    def _transition(self, line: str) -> None:
        key = line.upper().rstrip(".: ")
        key = key.removesuffix(":").strip()
        where, transition = _TRANSITIONS.get(key, ("next", Transition.CUT))
        if key.endswith("TO") and key not in _TRANSITIONS:
            where, transition = "next", Transition.CUT  # CUT TO, SMASH CUT TO, MATCH CUT TO
        if where == "previous":
            self.shots.end_previous(transition)
        else:
            self.shots.pending = transition

    # People -----------------------------------------------------------------------------------

    def _speaker(self, cue: str) -> str:
        name = _cue_name(cue)
        person_id = slug(name, "voice")
        if person_id not in self.cast and len(self.cast) < MAX_CAST:
            self.cast[person_id] = _display_name(name)
        return person_id if person_id in self.cast else next(iter(self.cast))

    def _lines(self, dialog: Dialog) -> list[DialogueLine]:
        speaker = self._speaker(str(dialog.character))
        # (V.O.), (O.S.), (CONT'D) say how a line is heard, not who speaks: off the name, onto the line.
        extension = ", ".join(_cue_extensions(str(dialog.character)))
        metadata = {"extension": extension} if extension else {}
        lines: list[DialogueLine] = []
        manner = ""
        for is_parenthetical, text in dialog.blocks:
            words = _plain(text)
            if is_parenthetical:
                manner = shorten(words.strip("() "), MAX_NAME)
            elif words:
                lines.append(
                    DialogueLine(speaker=speaker, text=shorten(words), parenthetical=manner, metadata=dict(metadata))
                )
                manner = ""
        return lines[:40]

    def _note_extensions(self, lines: list[DialogueLine]) -> None:
        """The last shot's notes say whose lines are heard how: "Sam (V.O.)"."""
        heard = [f"{self.cast[line.speaker]} ({line.metadata['extension']})" for line in lines if line.metadata]
        if not heard or not self.shots.shots:
            return
        last = self.shots.shots[-1]
        notes = "; ".join(part for part in (last.notes, *dict.fromkeys(heard)) if part)
        self.shots.shots[-1] = last.model_copy(update={"notes": shorten(notes)})

    def _listener(self, speaker: str) -> str | None:
        if self.last_speaker and self.last_speaker != speaker and self.last_speaker in self.present:
            return self.last_speaker
        others = [p for p in self.present if p != speaker]
        return others[-1] if others else None

    def _characters_in(self, text: str) -> list[str]:
        """Characters an action names: introduced in CAPS, or already known by name."""
        found: list[tuple[int, str]] = []
        for match in re.finditer(r"\b([A-Z][A-Z'\-]{1,}(?: [A-Z][A-Z'\-]+)?)\b", text):
            word = match.group(1)
            if slug(word, "voice") not in self.cues:
                continue  # shouted words and sounds are in capitals too; only speakers are people
            person_id = self._speaker(word)
            found.append((match.start(), person_id))
            if person_id not in self.descriptions:
                around = [s for s in re.split(r"(?<=[.!?])\s+", text) if word in s]
                self.descriptions[person_id] = shorten(around[0] if around else text, 300)
        for person_id, name in self.cast.items():
            known = re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE)
            if known and all(p != person_id for _, p in found):
                found.append((known.start(), person_id))
        found.sort()
        for offset, part, value in looks(text):
            owners = [p for o, p in found if o <= offset] or [p for _, p in found[:1]]
            if owners:
                self.traits.setdefault(owners[-1], {}).setdefault(part, value)
        return list(dict.fromkeys(p for _, p in found))

    def character(self, person_id: str) -> Character:
        traits = self.traits.get(person_id, {})
        description = self.descriptions.get(person_id, "") or ", ".join(
            p for p in (self.cast[person_id], describe_looks(traits)) if p
        )
        return Character(
            id=person_id,
            name=shorten(self.cast[person_id], MAX_NAME),
            description=shorten(description),
            traits=dict(list(traits.items())[:30]),
        )

    def title(self) -> str:
        place = next(iter(self.places.values()), None)
        return shorten(f"The {place.name}", MAX_NAME) if place else "Untitled"


def _cue_name(cue: str) -> str:
    """A character cue without its extensions: 'MARA (V.O.)' -> 'MARA'."""
    return _EXTENSION.sub(" ", _plain(cue)).strip(" ^@") or "VOICE"


def _cue_extensions(cue: str) -> list[str]:
    """A cue's extensions as written: "SAM (V.O.) (CONT'D)" -> ["V.O.", "CONT'D"]."""
    return [" ".join(found.split()) for found in _EXTENSION.findall(_plain(cue)) if found.strip()]


def _display_name(cue: str) -> str:
    """How a cue's name is shown: 'NORA' -> 'Nora'; a forced cue keeps the case it was typed in
    apart from its shouting ('@McCLANE' -> 'McClane', not 'Mcclane')."""
    if cue.isupper() or cue.islower():
        return cue.title()
    return re.sub(r"[A-Z]{2,}", lambda caps: caps.group(0).capitalize(), cue)


def _time_of(words: str) -> TimeOfDay | None:
    """The light a heading names ('NIGHT', 'LATER AFTERNOON'); None keeps the light as it was."""
    lowered = words.lower()
    for word in sorted(TIME_WORDS, key=len, reverse=True):
        if re.search(rf"\b{word}\b", lowered):
            return TIME_WORDS[word]
    return None

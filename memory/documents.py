"""What memory holds about a project, as plain text: one `Memo` per character, location, shot
and the style.

Pure: needs only `story`, no chromadb and no model, so renderers and prompts can ask for a
character's canonical text without opening the store. The store embeds exactly these texts,
so a prompt built from `character_text` and a recall hit for `character:<id>` say the same
thing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from memory.lexicon import KINDS, gender_of, kind_of, words
from story import Character, Location, Project, Shot, Style

PROJECT_KINDS = ("character", "location", "style", "decision", "shot")
"""Kinds of project memory. Every kind but `decision` is derived from the project by `sync`."""

DERIVED_KINDS = ("character", "location", "style", "shot")
"""Kinds that `sync` owns: it adds, changes and deletes them to match the project."""

SIZE_WORDS = {
    "ECU": "extreme close-up",
    "CU": "close-up",
    "MCU": "medium close-up",
    "MS": "medium shot",
    "MWS": "medium wide shot",
    "WS": "wide shot",
    "EWS": "extreme wide shot",
}


@dataclass(frozen=True)
class Memo:
    """One thing to remember: a stable id, the text that is embedded, and filterable metadata."""

    id: str
    kind: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Hash of the embedded text: when it is unchanged, the stored embedding is still right."""
        return content_hash(self.text)


def content_hash(text: str) -> str:
    """A short, stable hash of a memo's text."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def character_text(character: Character) -> str:
    """The canonical description of a character: name, description, who they are when the
    description does not say it in so many words ("A woman.", "An animal."), and visual traits.

    The "who" sentence is what lets "the woman in crimson" find a keeper in a red coat, and a
    prompt tell a renderer that "Mother" is a woman: both read this same text."""
    text = character.name
    if character.description:
        text += f": {character.description.rstrip('.')}."
    who = _who(character, text)
    if who:
        text += f" {who}."
    if character.traits:
        text += " Traits: " + ", ".join(_trait(part, value) for part, value in character.traits.items()) + "."
    return text


def character_gender(character: Character) -> str:
    """'female', 'male' or '' (unknown): from the character's metadata when a tool set it, else
    from the first word of its name and description that says so."""
    said = str(character.metadata.get("gender", "")).lower()
    if said in GENDERS:
        return GENDERS[said]
    return gender_of(f"{character.name}: {character.description}")


def character_kind(character: Character) -> str:
    """'person', 'animal', 'creature', 'thing' or '' (unknown), from metadata or the words."""
    said = str(character.metadata.get("kind", "")).lower()
    if said in KINDS:
        return said
    return kind_of(f"{character.name}: {character.description}") or ("person" if character_gender(character) else "")


GENDERS = {"female": "female", "f": "female", "woman": "female", "male": "male", "m": "male", "man": "male"}


def _who(character: Character, text: str) -> str:
    said = set(words(text, possessives=False))
    gender, kind = character_gender(character), character_kind(character)
    if kind in ("", "person"):
        # Said already when any noun of that gender is there ("a young woman", "a mother" is
        # not: a query says "woman", and "A woman." is what a renderer should draw).
        nouns = {"female": {"woman", "girl", "lady"}, "male": {"man", "boy", "gentleman"}}.get(gender, set())
        if not nouns or said & nouns:
            return ""
        child = bool(said & CHILD_WORDS)
        return {"female": "A girl" if child else "A woman", "male": "A boy" if child else "A man"}[gender]
    return "" if kind in said else f"A{'n' if kind[0] in 'aeiou' else ''} {kind}"


CHILD_WORDS = frozenset({"child", "kid", "little", "baby", "toddler", "teenage", "teenager", "teen", "infant"})


def _trait(part: str, value: str) -> str:
    # {'coat': 'red'} reads as "red coat", which is how people (and queries) say it.
    return f"{value} {part}" if len(value.split()) <= 2 else f"{part}: {value}"


def location_text(location: Location) -> str:
    """The canonical description of a place."""
    text = f"{location.name} ({'interior' if location.interior else 'exterior'})"
    return text + (f": {location.description.rstrip('.')}." if location.description else ".")


def style_text(style: Style, project: Project) -> str:
    """The look of the whole film, with the bible's tone and genre, which shape it."""
    parts = [f"Look: {', '.join(style.look)}." if style.look else "Look: unspecified."]
    if project.bible.tone:
        parts.append(f"Tone: {project.bible.tone}.")
    if project.bible.genre:
        parts.append(f"Genre: {project.bible.genre}.")
    return " ".join(parts)


def shot_text(shot: Shot, project: Project) -> str:
    """What a shot shows, in words: size, camera, action, who, where, when, what is said.

    The shot's number is kept in metadata, not in this text: inserting a shot renumbers every
    later one, and re-embedding them all for a changed number would buy nothing (recall by
    number is a metadata lookup). Characters appear by name only; their descriptions live in
    their own memos, referenced by id, so they never go stale inside shot text.
    """
    names = {c.id: c.name for c in project.characters}
    parts = [f"{SIZE_WORDS.get(shot.size.value, shot.size.value)}, {shot.angle.value}, {shot.movement.value}."]
    if shot.action:
        parts.append(shot.action.rstrip(".") + ".")
    if shot.beat:
        parts.append(f"Beat: {shot.beat.rstrip('.')}.")
    if shot.characters:
        parts.append("With " + ", ".join(names.get(c, c) for c in shot.characters) + ".")
    where = project.location(shot.location).name if shot.location else "an unnamed place"
    parts.append(f"At {where}, {shot.time_of_day.value}.")
    for line in shot.dialogue:
        parts.append(f'{names.get(line.speaker, line.speaker)}: "{line.text}"')
    if shot.notes:
        parts.append(f"Notes: {shot.notes.rstrip('.')}.")
    return " ".join(parts)


def project_memos(project: Project) -> list[Memo]:
    """Every memo derived from the project (all kinds but decisions), in a stable order."""
    memos = [
        Memo(f"character:{c.id}", "character", character_text(c), _character_metadata(c)) for c in project.characters
    ]
    memos += [
        Memo(f"location:{loc.id}", "location", location_text(loc), {"ref": loc.id, "name": loc.name})
        for loc in project.locations
    ]
    memos.append(Memo("style:look", "style", style_text(project.style, project), {"ref": "look"}))
    for number, shot in enumerate(project.shots, 1):
        metadata: dict[str, Any] = {
            "ref": shot.id,
            "number": number,
            "scene": shot.scene,
            "location": shot.location or "",
            "time_of_day": shot.time_of_day.value,
            "size": shot.size.value,
        }
        if shot.characters:  # chromadb refuses empty lists; "no characters" is the key's absence
            metadata["characters"] = list(shot.characters)
        memos.append(Memo(f"shot:{shot.id}", "shot", shot_text(shot, project), metadata))
    return memos


def _character_metadata(character: Character) -> dict[str, Any]:
    # Gender and kind ride along so recall can tell "the woman" from a man without reading text;
    # absent when unknown (chromadb has no null, and unknown must not filter anyone out).
    metadata: dict[str, Any] = {"ref": character.id, "name": character.name}
    gender, kind = character_gender(character), character_kind(character)
    if gender:
        metadata["gender"] = gender
    if kind:
        metadata["being"] = kind
    return metadata


def canonical_text(project: Project, character_id: str) -> str:
    """The canonical description of one character, straight from the project."""
    try:
        return character_text(project.character(character_id))
    except KeyError:
        known = ", ".join(c.id for c in project.characters) or "none"
        raise KeyError(f"there is no character with id {character_id!r}; known: {known}") from None

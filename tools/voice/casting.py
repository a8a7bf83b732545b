"""Casting scratch voices: a distinct voice per character, chosen once from its id and kept.

The choice is deterministic (the same id gets the same voice on any machine) and avoids a voice
another character already has, while there are voices left. Once chosen it is recorded on the
character (`Character.voice`) so renaming or re-describing a character never changes how they
sound, and a person can change it by hand.
"""

from __future__ import annotations

import hashlib
import re

from story import Character, CharacterChanges, Project, UpdateCharacter, VoiceChoice
from tools.voice.espeak import FEMALE_VARIANTS, MALE_VARIANTS

_FEMALE = re.compile(r"\b(woman|women|girl|lady|she|her|mother|mum|mom|grandmother|aunt|sister|daughter|wife|queen|"
                     r"princess|widow|nun|maid|bride|actress|waitress|witch)\b")  # fmt: skip
_MALE = re.compile(r"\b(man|men|boy|gentleman|he|his|him|father|dad|grandfather|uncle|brother|son|husband|king|"
                   r"prince|widower|monk|groom|actor|waiter|wizard)\b")  # fmt: skip


def _number(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def voice_pool(character: Character) -> tuple[str, ...]:
    """The espeak-ng variants that fit the character: female, male, or all when the text does not say."""
    words = f"{character.description} {character.name}".lower()
    female, male = bool(_FEMALE.search(words)), bool(_MALE.search(words))
    if female and not male:
        return FEMALE_VARIANTS
    if male and not female:
        return MALE_VARIANTS
    return (*MALE_VARIANTS, *FEMALE_VARIANTS)


def choose_voice(character: Character, taken: set[str]) -> VoiceChoice:
    """The character's voice: from its id, avoiding the variants in `taken` while any are left."""
    number = _number(character.id)
    pool = voice_pool(character)
    start = number % len(pool)
    order = [pool[(start + step) % len(pool)] for step in range(len(pool))]
    variant = next((v for v in order if f"en+{v}" not in taken), order[0])
    age = character.traits.get("age", "").lower()
    pitch = 38 + (number >> 8) % 25  # 38..62
    speed = 150 + (number >> 16) % 31  # 150..180 words a minute
    if age in ("old", "elderly", "aged", "ancient"):
        pitch, speed = pitch - 12, speed - 15
    elif age in ("young", "child", "little", "teenage", "kid"):
        pitch, speed = pitch + 18, speed + 10
    return VoiceChoice(backend="espeak", name=f"en+{variant}", pitch=max(0, min(99, pitch)), speed=speed)


def cast_voices(project: Project) -> dict[str, VoiceChoice]:
    """Every character's voice: the one recorded, else a new choice distinct from the others'."""
    voices = {c.id: c.voice for c in project.characters if c.voice is not None}
    taken = {v.name for v in voices.values()}
    for character in project.characters:
        if character.voice is None:
            choice = choose_voice(character, taken)
            voices[character.id] = choice
            taken.add(choice.name)
    return voices


def voice_edits(project: Project) -> list[UpdateCharacter]:
    """Edits that record a voice on every character who has none yet (so it is remembered)."""
    voices = cast_voices(project)
    return [
        UpdateCharacter(character_id=c.id, changes=CharacterChanges(voice=voices[c.id]))
        for c in project.characters
        if c.voice is None
    ]

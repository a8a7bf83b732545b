"""Characters that are not people: an animal, a creature or a thing drawn as what it is.

A character's kind is its metadata's 'kind' (person, animal, creature or thing; the offline
director fills it from the noun that made the character), or, when nothing says, what the head
word of its description names ('a sly fox' is an animal, 'an old man in a coat' a person).

An animal, a beast (a dragon, a unicorn, a ghost) or a thing is drawn as one OpenMoji glyph,
large, where the person figure would stand: the glyph its words name ('fox' -> 'fox face',
'crow' -> 'bird'), else the animal nearest in meaning ('heron' -> bird). The choice depends only
on the character's own words, so it is made once and kept in every shot and on its sheet. Emoji
animals face screen left (Unicode's convention; `_FACES_RIGHT` lists OpenMoji's exceptions), so a
glyph is mirrored to face where the blocking turns it. A feeling shows as a small face beside it.

A creature shaped like a person (a troll, an ogre, a giant) stays a person figure: its size and
skin come from here (`creature_build`), a troll's green from its own glyph's colour.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from story import Character
from tools.draw import icons

KINDS = ("person", "animal", "creature", "thing")

# Code points of OpenMoji's animals and creatures (the animal blocks, the dove, the spider, and the
# fantasy figures); `_NOT_CREATURES` drops what these blocks hold that is no one.
_RANGES = ((0x1F400, 0x1F43F), (0x1F980, 0x1F9AF), (0x1FAB0, 0x1FACF), (0x1F54A, 0x1F54A), (0x1F577, 0x1F577),
           (0x1F9CC, 0x1F9CC), (0x1F479, 0x1F47F), (0x1F9D9, 0x1F9DF), (0x1F916, 0x1F916),
           (0x2603, 0x2603))  # fmt: skip
_NOT_CREATURES = re.compile(
    r"\b(shell|nose|paw|cane|plant|wood|feather|lotus|coral|nest|heart|lungs|people|pregnant|person|web|"
    r"alien monster)\b"
)
# Creatures with a person's shape: drawn as a person figure, not as their glyph.
_HUMANOID = re.compile(r"\b(troll|ogre|goblin|mage|fairy|vampire|merperson|elf|genie|zombie|angel)\b")
# OpenMoji's animals that face screen right (emoji animals face left).
_FACES_RIGHT = frozenset({
    "dragon", "crocodile", "snake", "bird", "fish", "tropical fish", "shark", "sauropod", "t-rex", "cricket",
    "hippopotamus", "raccoon", "bison",
})  # fmt: skip
# Words the names do not reach and meaning reads poorly.
_ALIASES = {
    "crow": "bird", "raven": "bird", "sparrow": "bird", "blackbird": "bird", "jackdaw": "bird", "magpie": "bird",
    "lark": "bird", "nightingale": "bird", "robin": "bird", "wren": "bird", "cuckoo": "bird", "swallow": "bird",
    "gull": "bird", "seagull": "bird", "finch": "bird", "hawk": "eagle", "falcon": "eagle", "dove": "dove of peace",
    "pigeon": "dove of peace", "stork": "swan", "crane": "swan", "heron": "swan", "goose": "duck", "duckling": "duck",
    "hen": "chicken", "cock": "rooster", "chick": "baby chick", "puppy": "dog", "hound": "dog", "kitten": "cat",
    "pony": "horse", "donkey": "horse", "mare": "horse", "stallion": "horse", "foal": "horse", "bull": "ox",
    "calf": "cow", "lamb": "sheep", "stag": "deer", "fawn": "deer", "hare": "rabbit", "bunny": "rabbit",
    "tortoise": "turtle", "toad": "frog", "grasshopper": "cricket", "bee": "honeybee", "wasp": "honeybee",
    "mole": "hedgehog", "squirrel": "chipmunk", "werewolf": "wolf", "mermaid": "merperson", "merman": "merperson",
    "wizard": "mage", "sorcerer": "mage", "witch": "mage", "sorceress": "mage", "pixie": "fairy", "sprite": "fairy",
    "phantom": "ghost", "spirit": "ghost", "demon": "imp", "android": "robot", "automaton": "robot",
}  # fmt: skip
# How tall a creature of a person's shape stands, against an adult.
CREATURE_HEIGHTS = {"giant": 1.6, "troll": 1.35, "ogre": 1.35, "goblin": 0.72, "dwarf": 0.74, "gnome": 0.6,
                    "elf": 0.95, "fairy": 0.45, "pixie": 0.45, "imp": 0.6}  # fmt: skip
_EMOJI_YELLOW = (252, 234, 43)  # OpenMoji's default skin: a person glyph's, not a creature's own colour
# A feeling as the face glyph drawn beside an animal.
MOODS = {"happy": "\U0001f60a", "laughing": "\U0001f606", "sad": "\U0001f61e", "crying": "\U0001f622",
         "angry": "\U0001f620", "afraid": "\U0001f628", "surprised": "\U0001f62e"}  # fmt: skip
_CUT = re.compile(r",|;|\b(?:with|in|who|that|which|and|wearing|from|of)\b")


# An animal's coat said in words ('a black cat', 'the white horse'): its glyph's body takes the colour.
COAT_COLOURS: dict[str, tuple[int, int, int]] = {
    "black": (52, 50, 56), "white": (244, 242, 236), "grey": (150, 150, 156), "gray": (150, 150, 156),
    "silver": (190, 192, 198), "brown": (130, 84, 48), "golden": (222, 170, 60), "gold": (222, 170, 60),
    "ginger": (214, 112, 44), "red": (200, 84, 40), "tan": (196, 154, 104), "cream": (240, 228, 196),
    "yellow": (240, 204, 60), "orange": (232, 124, 40), "green": (80, 150, 70), "blue": (70, 120, 200),
    "pink": (236, 150, 176), "purple": (130, 80, 170),
}  # fmt: skip


@dataclass(frozen=True)
class Species:
    """The glyph a character is drawn as, which way it faces as drawn (1 screen right, -1 left, 0 the camera),
    and the colour its body takes when the words give its coat one."""

    glyph: icons.Glyph
    faces: int
    coat: tuple[int, int, int] | None = None


def kind_of(character: Character) -> str:
    """'person', 'animal', 'creature' or 'thing': the metadata's word, else what the description's head names."""
    said = str(character.metadata.get("kind", "")).strip().lower()
    if said in KINDS:
        return said
    glyph = _by_name(_head(character.description)) if _head(character.description) else None
    return "animal" if glyph is not None and not _HUMANOID.search(glyph.name) else "person"


def _head(text: str) -> str:
    """The head word of a description's first phrase: 'a sly red fox, ...' -> 'fox'."""
    first = _CUT.split(text.lower(), maxsplit=1)[0]
    words = re.findall(r"[a-z-]+", first)
    return words[-1] if words else ""


@functools.cache
def creature_glyphs() -> tuple[icons.Glyph, ...]:
    """Every animal and creature glyph of the font, faces included."""
    path = icons.font_path()
    if path is None:
        return ()
    from fontTools.ttLib import TTFont

    codes = TTFont(str(path), lazy=True).getBestCmap()
    found = []
    for low, high in _RANGES:
        for code in range(low, high + 1):
            name = unicodedata.name(chr(code), "").lower()
            if code in codes and name and not _NOT_CREATURES.search(name):
                found.append(icons.Glyph(chr(code), name))
    return tuple(found)


def _species_name(name: str) -> str:
    """What a glyph's name calls the animal: 'fox face' -> 'fox', 'japanese ogre' -> 'ogre'."""
    return name.removesuffix(" face").split()[-1] if name.endswith(" face") else name


def _by_name(word: str) -> icons.Glyph | None:
    """The creature glyph `word` names: a body before a face ('dog' before 'dog face'), else a name ending in it."""
    word = _ALIASES.get(word, word)
    table = {g.name: g for g in creature_glyphs()}
    for candidate in (word, icons._singular(word)):
        candidate = _ALIASES.get(candidate, candidate)
        if candidate in table:
            return table[candidate]
        if f"{candidate} face" in table:
            return table[f"{candidate} face"]
        holding = [g for g in creature_glyphs() if _species_name(g.name).endswith(f" {candidate}")]
        if holding:
            return min(holding, key=lambda g: (len(g.name), g.name))
    return None


def _nearest_animal(text: str) -> icons.Glyph | None:
    """The animal glyph nearest `text` in meaning (whatever the distance: the character is an animal)."""
    names = {g.name for g in creature_glyphs()}
    rows = [i for i, g in enumerate(icons.glyphs()) if g.name in names and not _HUMANOID.search(g.name)]
    if not rows or not text.strip():
        return None
    from memory.embedding import embed

    query = np.asarray(embed([text])[0], np.float32)
    scores = icons.glyph_vectors()[rows] @ query
    return icons.glyphs()[rows[int(np.argmax(scores))]]


def _words(character: Character) -> list[str]:
    """The character's words that may name what it is, the description's head first."""
    text = f"{character.description} {character.name}".lower()
    return list(dict.fromkeys([_head(character.description), *re.findall(r"[a-z-]+", text)]))


def _coat(description: str, traits: tuple[tuple[str, str], ...]) -> tuple[int, int, int] | None:
    """The coat colour the words give: a trait's ('fur': 'black'), else a colour before the head word."""
    for _, value in traits:
        for word in re.findall(r"[a-z]+", value.lower()):
            if word in COAT_COLOURS:
                return COAT_COLOURS[word]
    before = re.findall(r"[a-z-]+", _CUT.split(description.lower(), maxsplit=1)[0])[:-1]
    return next((COAT_COLOURS[w] for w in before if w in COAT_COLOURS), None)


@functools.lru_cache(maxsize=512)
def _species(kind: str, name: str, description: str, traits: tuple[tuple[str, str], ...] = ()) -> Species | None:
    character = Character(id="x", name=name or "x", description=description)
    glyph = next((g for w in _words(character) if w and (g := _by_name(w)) is not None), None)
    if kind == "creature" and (glyph is None or _HUMANOID.search(glyph.name)):
        return None  # a troll, a giant, a witch: a person figure (see `creature_build`)
    if glyph is None and kind == "thing":
        glyph = next((g for w in _words(character) if w and (g := icons.match(w)[0]) is not None), None)
    if glyph is None and kind == "animal":
        glyph = _nearest_animal(_CUT.split(description.lower(), maxsplit=1)[0] or name.lower())
    if glyph is None:
        return None
    if glyph.name.endswith(" face") or glyph not in creature_glyphs():
        faces = 0
    else:
        faces = 1 if glyph.name in _FACES_RIGHT else -1
    return Species(glyph, faces, _coat(description, traits))


def species(character: Character) -> Species | None:
    """The glyph an animal, beast or thing is drawn as, chosen from its own words; None for a person figure."""
    kind = kind_of(character)
    if kind == "person" or not icons.glyphs():
        return None
    return _species(kind, character.name, character.description, tuple(sorted(character.traits.items())))


def creature_build(character: Character) -> tuple[float, tuple[int, int, int] | None]:
    """How tall a creature of a person's shape stands (1.0 an adult), and its skin from its glyph, if its own."""
    if kind_of(character) != "creature":
        return 1.0, None
    words = _words(character)
    height = next((CREATURE_HEIGHTS[w] for w in words if w in CREATURE_HEIGHTS), 1.0)
    glyph = next((g for w in words if w and (g := _by_name(w)) is not None), None)
    return height, (_body_colour(glyph.char) if glyph is not None else None)


@functools.cache
def _body_colour(char: str) -> tuple[int, int, int] | None:
    """The glyph's commonest colour that is not ink, white or an emoji person's yellow skin."""
    best = _any_body_colour(char)
    if best is None or max(abs(a - b) for a, b in zip(best, _EMOJI_YELLOW, strict=True)) < 40:
        return None
    return best


@functools.lru_cache(maxsize=512)
def sprite(
    char: str, size: int, mirrored: bool, level: float = 1.0, coat: tuple[int, int, int] | None = None
) -> Image.Image:
    """A glyph's picture `size` pixels tall, mirrored or not, lit at `level`, its body in `coat`'s colour:
    drawn once, then kept."""
    image = icons._sprite(char, size)
    if coat is not None:
        image = _recoated(image, char, coat)
    if mirrored:
        image = ImageOps.mirror(image)
    if level < 0.98:
        r, g, b, a = image.split()
        image = Image.merge("RGBA", (*(band.point(lambda v: round(v * level)) for band in (r, g, b)), a))
    return image


def _recoated(image: Image.Image, char: str, coat: tuple[int, int, int]) -> Image.Image:
    """The glyph with its body's colour, and its shades (the same hue), turned to `coat`, keeping their light."""
    body = _body_colour(char) or _any_body_colour(char)
    if body is None:
        return image
    hsv = np.asarray(image.convert("RGB").convert("HSV")).astype(np.int16)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    body_hsv = np.asarray(Image.new("RGB", (1, 1), body).convert("HSV")).astype(np.int16)[0, 0]
    turn = np.abs(hue - body_hsv[0])
    same = (np.minimum(turn, 256 - turn) < 16) & (sat > 60) & (val > 60)
    pixels = np.asarray(image).astype(np.float32)
    light = val[same, None] / max(1.0, float(body_hsv[2]))
    pixels[:, :, :3][same] = np.clip(np.array(coat, np.float32) * light, 0, 255)
    return Image.fromarray(pixels.astype(np.uint8))


@functools.cache
def _any_body_colour(char: str) -> tuple[int, int, int] | None:
    """The glyph's commonest colour that is not ink or white (yellow included: a chick is yellow)."""
    pixels = np.asarray(icons._sprite(char, 64)).reshape(-1, 4)
    pixels = pixels[pixels[:, 3] > 200, :3].astype(int)
    pixels = pixels[(pixels.max(axis=1) > 70) & (pixels.min(axis=1) < 220)]
    if not len(pixels):
        return None
    colours, counts = np.unique(pixels // 8 * 8, axis=0, return_counts=True)
    return tuple(int(v) + 4 for v in colours[int(np.argmax(counts))])  # type: ignore[return-value]


def draw_species(
    canvas: Image.Image,
    kind: Species,
    cx: float,
    bottom: float,
    size: float,
    *,
    turn: float = 0.0,
    level: float = 1.0,
    expression: str = "neutral",
) -> tuple[float, float, float]:
    """Draw the glyph `size` tall standing on `bottom` at `cx`, facing where `turn` says (-1 left, 1 right),
    with its feeling as a small face at its head; where its mouth (or hand) is: x, y and a head's size."""
    mirrored = kind.faces != 0 and turn != 0 and (turn > 0) != (kind.faces > 0)
    image = sprite(kind.glyph.char, max(8, round(size)), mirrored, round(level, 2), kind.coat)
    left, top = round(cx - image.width / 2), round(bottom - image.height)
    canvas.paste(image, (left, top), image)
    facing = kind.faces * (-1 if mirrored else 1) or (1 if turn >= 0 else -1)
    front = cx + facing * image.width * 0.38
    mood = MOODS.get(expression)
    if mood is not None and icons.font_path() is not None:
        badge = sprite(mood, max(8, round(size * 0.3)), False, round(level, 2))
        bx = front + facing * badge.width * 0.35 - badge.width / 2
        canvas.paste(badge, (round(bx), round(top - badge.height * 0.15)), badge)
    return front, top + image.height * 0.45, size * 0.3

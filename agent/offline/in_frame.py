"""What is in frame, read from a shot's words: the weather, the props, and how each character looks.

"The storm rolls in" gives a storm; "a small boat tosses between the black rocks" gives a boat
and a rock; "clinging to the mast, crying" gives tears; "lights the great lamp" puts a lamp in
someone's hand. Every reader of stories (prose, Fountain) goes through `ShotList`, which asks
`read_in_frame` for each shot it adds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.offline.vocabulary import (
    EXPRESSION_WORDS,
    HOLDING_VERBS,
    MOVEMENT_VERBS,
    POSE_WORDS,
    PROP_NOUNS,
    SPEECH_VERBS,
    WEATHER_WORDS,
)
from story.model import Acting, Expression, Pose, Prop, PropPlace, Weather
from tools.draw import icons


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_PROPS = 6  # more than a panel can show readably
_WORD = re.compile(r"[a-z]+")
_OPENERS = {
    "a", "an", "the", "his", "her", "their", "its", "my", "our", "your", "some", "two", "three", "many", "of",
    "with", "between", "on", "in", "under", "over", "near", "by", "at", "into", "from", "to", "beside", "behind",
    "among", "across", "and", "past", "toward", "towards", "through", "no", "every", "each", "this", "that",
}  # fmt: skip
# Words between an opener and its noun that are not the noun ('a small boat', 'the black rocks').
_MODIFIERS = {
    "old", "young", "little", "small", "big", "large", "great", "huge", "tiny", "tall", "long", "short", "wide",
    "dark", "bright", "pale", "deep", "black", "white", "red", "green", "blue", "yellow", "grey", "gray", "brown",
    "golden", "silver", "orange", "purple", "pink", "wooden", "iron", "broken", "empty", "full", "heavy", "wet",
    "dry", "cold", "warm", "hot", "ancient", "new", "first", "last", "other", "same", "whole", "single", "lonely",
    "strange", "poor", "rich", "beautiful", "fine", "ripe", "dead", "lovely", "ugly", "pretty", "thick", "thin",
    "high", "low", "own", "very", "sunny", "rocky", "sandy", "icy", "shiny", "fair", "pleasant", "bare", "brass",
}  # fmt: skip
# Nouns that are no prop even where the icon set has a picture: the set draws places, ground and sky; the
# figures draw bodies and clothes; the light is the time of day; people are the cast.
_NOT_PROPS = _words(
    "sea ocean water shore beach coast harbour harbor river stream lake pond field meadow forest wood woods garden "
    "channel bay cove road street path way lane town city village country land ground floor earth sky air world "
    "room kitchen hall "
    "house home place side edge top bottom end middle corner distance horizon morning evening night day dusk dawn "
    "noon midnight sunset sunrise twilight time hour minute moment year week month season summer winter spring "
    "autumn light darkness shadow dark head face eye ear nose mouth hand arm leg foot feet finger hair beard body "
    "back shoulder heart lip tongue teeth tooth neck knee skin voice breath man men woman women boy girl child "
    "children people person king queen prince princess lady gentleman mother father son daughter brother sister "
    "wife husband friend baby family crowd word name story thing nothing something way kind part piece lot one "
    "sound noise silence life death love joy hope fear rest sleep dream weather creature animal beast picture "
    "cold heat warmth hunger thirst power might victory mile league spot area line row air suit raincoat uniform "
    "cheek chin forehead granddaughter grandson grandmother grandfather trainer station arena "
    "clothes clothing garment coat scarf hat cap dress shirt boot shoe cloak gown jacket apron glove "
    "ice frost mud dirt dust gravel sand grass turf pavement puddle slush"  # the ground underfoot: no thing to draw
)
_BACKGROUND_GLYPHS = re.compile(
    r"\b(boat|ship|sailboat|canoe|car|automobile|bus|train|locomotive|tram|truck|lorry|tractor|airplane|helicopter|"
    r"rocket|house|building|castle|church|mosque|temple|shrine|tower|tent|bridge|tree|mountain|volcano|hut|"
    r"factory|stadium|station|office|hospital|bank|school|hotel|windmill|fountain|rock|camel|elephant|whale)\b"
)
# Feelings the shared list does not spell out: past tenses and adverbs ('he laughed', 'rising up angrily').
_MORE_FEELINGS = {
    **dict.fromkeys(("cried", "wept", "sobbed", "weepy"), Expression.CRYING),
    **dict.fromkeys(("grief", "grieving", "mourning", "unhappy", "miserable", "sorrowful", "mournful"), Expression.SAD),
    **dict.fromkeys(("scared", "fright", "terror", "afraid", "feared", "fearfully", "fearing"), Expression.AFRAID),
    **dict.fromkeys(("angrily", "furiously", "wrath", "glared", "scowled", "snarled", "enraged"), Expression.ANGRY),
    **dict.fromkeys(("smiled", "happily", "grinned", "joyfully", "gladly", "cheerfully"), Expression.HAPPY),
    **dict.fromkeys(("laughed", "giggled", "chuckled", "laughingly"), Expression.LAUGHING),
    **dict.fromkeys(("gasped", "astonishment", "amazement"), Expression.SURPRISED),
}
_FEELINGS = EXPRESSION_WORDS | _MORE_FEELINGS
MEANING = 0.6  # the director puts a thing in frame when its word is this near a glyph: surer than drawing's


@dataclass(frozen=True)
class InFrame:
    """What a shot's words put in frame besides who is in it."""

    weather: Weather | None = None
    props: list[Prop] = field(default_factory=list)
    acting: dict[str, Acting] = field(default_factory=dict)


def singular(word: str) -> str:
    """'rocks' -> 'rock', 'boxes' -> 'box', 'berries' -> 'berry'; words that are not plurals stay."""
    if word in PROP_NOUNS or len(word) < 4:
        return word
    for ending, stem in (("ies", "y"), ("ves", "f"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("s", "")):
        if word.endswith(ending) and not word.endswith("ss"):
            candidate = word[: -len(ending)] + stem
            if candidate in PROP_NOUNS:
                return candidate
    return word


_ENDING = (
    r"(?:\s+(?:has|had|have|finally|at last|slowly|soon|gradually|then|now|suddenly))*\s+"
    r"(?:stops|stopped|ends|ended|ceases|ceased|passes|passed|lifts|lifted|clears|cleared|dies|died|"
    r"eases|eased|abates|abated|lets up|let up|is over|was over|blows over|blew over|fades|faded|thins|"
    r"thinned|drifts away|drifted away|rolls away|rolled away|moves on|moved on|subsides|subsided|melts|"
    r"melted|parts|parted|breaks up|broke up)\b(?!\s+(?:over|through|across|above|around|into|onto|on)\b)"
)  # 'the storm passes over the farm' is still a storm
_WEATHER_ENDS = re.compile(rf"\b([a-z]+){_ENDING}")
_STOPS_FALLING = re.compile(
    r"\b(?:stops|stopped|ceases|ceased|ceasing|stopping)\s+(snowing|raining|storming|drizzling)\b"
)
_CLEARING = re.compile(
    r"\b(?:the sun (?:comes|came|breaks|broke) (?:out|through)|the sky (?:clears|cleared)|the clouds (?:part|parted))\b"
)


def weather_in(text: str) -> Weather | None:
    """The weather the words name, the strongest when several are named; None when none is. Weather the
    words end ('the rain stops', 'the fog lifts', 'it stops snowing') is not named: the sky clears."""
    lower = text.lower()
    ended = {m.group(1) for m in _WEATHER_ENDS.finditer(lower)} | set(_STOPS_FALLING.findall(lower))
    words = set(_WORD.findall(lower))
    named = {WEATHER_WORDS[w] for w in words - ended if w in WEATHER_WORDS}
    named -= {WEATHER_WORDS[w] for w in ended if w in WEATHER_WORDS}
    if not named and (ended & WEATHER_WORDS.keys() or _CLEARING.search(lower)):
        return Weather.CLEAR
    for weather in (Weather.STORM, Weather.SNOW, Weather.RAIN, Weather.FOG, Weather.WIND, Weather.CLOUD):
        if weather in named:
            return weather
    return Weather.CLEAR if Weather.CLEAR in named else None


def _drawable(word: str) -> PropPlace | None:
    """Where a noun the fixed list does not know stands, when the icon vocabulary draws it; else None."""
    if len(word) < 3 or word in _NOT_PROPS or word in WEATHER_WORDS or word in _FEELINGS:
        return None
    if word.endswith(("ing", "ly", "ed", "ist", "ian", "maker", "man", "men", "er")) and not icons.named(word):
        return None  # a hiker or a postman is cast, not a prop; a ladder or a paper the icon set names
    if not icons.enabled() or not icons.glyphs():
        return None
    glyph, score = icons.match(word)
    if glyph is None or score < MEANING:
        return None
    return PropPlace.BACKGROUND if _BACKGROUND_GLYPHS.search(glyph.name) else PropPlace.FOREGROUND


def props_in(text: str, holder: str | None = None) -> list[Prop]:
    """The things the words name, in order, once each; one right after a holding verb is held by `holder`.

    A noun the fixed list knows counts within three words of an opener; any other noun counts when it is the
    first word past an opener and its modifiers and the icon vocabulary draws it ('a pitcher', 'the grapes').
    """
    words = _WORD.findall(text.lower())
    props: list[Prop] = []
    seen: set[str] = set()
    holding_since = -99
    opened = -1  # the words open on a thing too: "gulls wheel over the rocks" names gulls
    for i, word in enumerate(words):
        if i == 1 and opened == -1:
            opened = -99  # only the first word stands where a determiner would
        if word in HOLDING_VERBS and not (word in PROP_NOUNS and i - opened == 1):  # "the waves" are no verb
            holding_since = opened = i
            continue
        if word in _OPENERS:
            opened = i
            continue
        name = singular(word)
        if name in seen or i - opened > 3 or _verb_after(words, opened, i):
            continue
        place = PROP_NOUNS.get(name)
        if _names_the_next(word, place, words[i + 1] if i + 1 < len(words) else ""):
            continue  # "the salt marsh", "the burnt gate": the word says what kind the next noun is
        if place is None and word not in _MODIFIERS and not word.endswith("ly"):
            between = words[opened + 1 : i]  # only modifiers stand between the opener and this noun
            if all(w in _MODIFIERS or w.endswith(("ly", "ed")) for w in between):
                name = _plain_singular(word)
                place = None if name in seen else _drawable(name)
        if place is None:
            continue
        # a noun is a thing when a determiner or preposition opened it: "a heron watches" has no watch
        seen.add(name)
        opened = -99
        # "lights the great lamp": the thing within three words after the verb is in hand
        held = (
            holder is not None
            and (i - holding_since <= 4 or _in_a_hand(words[i + 1 : i + 4]))
            and place == PropPlace.FOREGROUND  # a hand holds a lamp, not a mast
            and not any(p.where == PropPlace.HELD for p in props)
        )
        where = PropPlace.HELD if held else place
        props.append(Prop(name=name, where=where, held_by=holder if held else None))
        if len(props) >= MAX_PROPS:
            break
    return props


_HOLDING_PARTS = _words("mouth jaws teeth beak bill hand hands paw paws arms arm claws talons fist fists grip")


def _in_a_hand(after: list[str]) -> bool:
    """'a lantern in its mouth', 'a lamp in her hand', 'a book under his arm': the words after a thing that
    put it in someone's grip."""
    return (
        len(after) == 3
        and after[0] in ("in", "between", "under")
        and after[1] in ("his", "her", "its", "their", "my", "our", "your")
        and after[2] in _HOLDING_PARTS
    )


def _names_the_next(word: str, place: PropPlace | None, following: str) -> bool:
    """True when `word`, unknown to the fixed list, modifies a thing the list knows after it ('the burnt
    gate'). A word before a place stays a thing: 'a dance studio' is dressed with a dancer."""
    if not following or following in _VERBS or word in PROP_NOUNS:
        return False
    return place is None and singular(following) in PROP_NOUNS


_CONJUNCTIONS = {"and", "or", "but", "nor"}
_OBJECTS = _words("up down out off away back over the a an his her its their my our your him them it me us")
_VERBS = HOLDING_VERBS | POSE_WORDS.keys() | MOVEMENT_VERBS.keys() | EXPRESSION_WORDS.keys() | SPEECH_VERBS


def _verb_after(words: list[str], opened: int, i: int) -> bool:
    """True when the word right after 'to' or a conjunction is a verb, not a thing: 'drops the ball and
    runs', 'begins to sing'. After a conjunction a plural the icon set names is a thing ('bread and
    apples'); a word it only matches by meaning ('runs' -> runner) is a verb."""
    if opened < 0 or i - opened != 1 or words[opened] not in _CONJUNCTIONS | {"to"}:
        return False
    word = words[i]
    if words[opened] == "to":
        return True
    if singular(word) in PROP_NOUNS:
        return False  # 'the wind and waves'
    if word in _VERBS or i + 1 < len(words) and words[i + 1] in _OBJECTS:
        return True  # 'and curls up', 'and watches the fox'
    return word.endswith(("s", "ed")) and not icons.named(_plain_singular(word))


def _plain_singular(word: str) -> str:
    """'grapes' -> 'grape', 'glasses' -> 'glass', 'berries' -> 'berry': for nouns outside the fixed list."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "as")):
        return word
    for ending, stem in (("sses", "ss"), ("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("s", "")):
        if word.endswith(ending):
            return word[: -len(ending)] + stem
    return word


def expression_in(text: str) -> Expression | None:
    """The feeling the words show on a face, or None."""
    words = _WORD.findall(text.lower())
    for i, word in enumerate(words):
        if word == "tears" and i and words[i - 1] not in _OPENERS:  # "the van tears away" is no feeling
            continue
        if word in _FEELINGS:
            return _FEELINGS[word]
    return None


def feeling_word(text: str) -> str:
    """The first word in `text` that shows a feeling on a face ('crying', 'angrily'), or ''."""
    return next((w for w in _WORD.findall(text.lower()) if w in _FEELINGS and w != "tears"), "")


def pose_in(text: str) -> Pose | None:
    """What the body does, from the words, or None."""
    for word in _WORD.findall(text.lower()):
        if word in POSE_WORDS:
            return POSE_WORDS[word]
    return None


def read_in_frame(text: str, characters: list[str]) -> InFrame:
    """Weather, props and acting that `text` calls for, for a shot holding `characters` (ids).

    The feeling and pose go to the character the words name (an id's words in the text), else the
    first in frame: a sentence is mostly about its subject.
    """
    lower = text.lower()
    words = set(_WORD.findall(lower))
    named = [c for c in characters if set(c.split("-")) & words]
    subject = named[0] if named else characters[0] if characters else None
    cast_words = {w for c in characters for w in c.split("-")}
    props = [p for p in props_in(text, subject) if p.name not in cast_words]  # the dog in frame is not a prop
    expression, pose = expression_in(text), pose_in(text)
    if subject is not None and any(p.held_by == subject for p in props) and pose is None:
        pose = Pose.HOLDING
    acting: dict[str, Acting] = {}
    if subject is not None and (expression is not None or pose is not None):
        acting[subject] = Acting(expression=expression or Expression.NEUTRAL, pose=pose or Pose.STANDING)
    return InFrame(weather=weather_in(text), props=props, acting=acting)

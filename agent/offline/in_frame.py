"""What is in frame, read from a shot's words: the weather, the props, and how each character looks.

"The storm rolls in" gives a storm; "a small boat tosses between the black rocks" gives a boat
and a rock; "clinging to the mast, crying" gives tears; "lights the great lamp" puts a lamp in
someone's hand. Every reader of stories (prose, Fountain) goes through `ShotList`, which asks
`read_in_frame` for each shot it adds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.offline.vocabulary import EXPRESSION_WORDS, HOLDING_VERBS, POSE_WORDS, PROP_NOUNS, WEATHER_WORDS
from story.model import Acting, Expression, Pose, Prop, PropPlace, Weather

MAX_PROPS = 6  # more than a panel can show readably
_WORD = re.compile(r"[a-z]+")
_OPENERS = {
    "a", "an", "the", "his", "her", "their", "its", "my", "our", "your", "some", "two", "three", "many", "of",
    "with", "between", "on", "in", "under", "over", "near", "by", "at", "into", "from", "to", "beside", "behind",
    "among", "across", "and", "past", "toward", "towards", "through", "no", "every", "each", "this", "that",
}  # fmt: skip


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


def weather_in(text: str) -> Weather | None:
    """The weather the words name, the strongest when several are named; None when none is."""
    words = set(_WORD.findall(text.lower()))
    named = {WEATHER_WORDS[w] for w in words if w in WEATHER_WORDS}
    for weather in (Weather.STORM, Weather.SNOW, Weather.RAIN, Weather.FOG, Weather.WIND, Weather.CLOUD):
        if weather in named:
            return weather
    return Weather.CLEAR if Weather.CLEAR in named else None


def props_in(text: str, holder: str | None = None) -> list[Prop]:
    """The things the words name, in order, once each; one right after a holding verb is held by `holder`."""
    words = _WORD.findall(text.lower())
    props: list[Prop] = []
    seen: set[str] = set()
    holding_since = opened = -99
    for i, word in enumerate(words):
        if word in HOLDING_VERBS and not (word in PROP_NOUNS and i - opened == 1):  # "the waves" are no verb
            holding_since = opened = i
            continue
        if word in _OPENERS:
            opened = i
            continue
        name = singular(word)
        # a noun is a thing when a determiner or preposition opened it: "a heron watches" has no watch
        if name not in PROP_NOUNS or name in seen or i - opened > 3:
            continue
        seen.add(name)
        opened = -99
        # "lights the great lamp": the thing within three words after the verb is in hand
        held = (
            holder is not None
            and i - holding_since <= 4
            and PROP_NOUNS[name] == PropPlace.FOREGROUND  # a hand holds a lamp, not a mast
            and not any(p.where == PropPlace.HELD for p in props)
        )
        where = PropPlace.HELD if held else PROP_NOUNS[name]
        props.append(Prop(name=name, where=where, held_by=holder if held else None))
        if len(props) >= MAX_PROPS:
            break
    return props


def expression_in(text: str) -> Expression | None:
    """The feeling the words show on a face, or None."""
    for word in _WORD.findall(text.lower()):
        if word in EXPRESSION_WORDS:
            return EXPRESSION_WORDS[word]
    return None


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

"""Planning a prose brief into a story: bible, cast, places and a shot list with film grammar.

Deterministic: the same brief gives the same story with the same ids and seeds. Each sentence
becomes at most one shot (a new place opens on an establishing shot), so a huge brief stays
bounded at `MAX_PLANNED_SHOTS`.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from agent.offline.cast import CHARACTER_NOUNS, Cast, Mention, Person
from agent.offline.in_frame import feeling_word, props_in, singular, weather_in
from agent.offline.reading import SAY_VERBS, Sentence, describe_looks, headers, normalise, sentences
from agent.offline.shots import ShotList, shorten
from agent.offline.vocabulary import (
    ANGLE_HINTS,
    EMOTION_WORDS,
    GENRES,
    MOVEMENT_VERBS,
    PERSON_NOUNS,
    PROP_NOUNS,
    SPEECH_VERBS,
    STYLE_ALIASES,
    STYLES,
    TIME_WORDS,
    TONES,
)
from story import Angle, Bible, Character, DialogueLine, Location, Movement, ReplaceStory, Shot, Style, TimeOfDay
from story.model import MAX_NAME, MAX_SHOT_FRAMES, MIN_SHOT_FRAMES, PropPlace
from tools.voice.lines import room_for_lines

_TIME = re.compile(r"\b(" + "|".join(sorted(TIME_WORDS, key=len, reverse=True)) + r")\b")
_MANNER = {
    "whispers": "whispering",
    "whispered": "whispering",
    "shouts": "shouting",
    "shouted": "shouting",
    "yells": "shouting",
    "yelled": "shouting",
    "mutters": "muttering",
    "muttered": "muttering",
    "murmurs": "murmuring",
    "murmured": "murmuring",
    "cries": "crying out",
    "screams": "screaming",
    "sobs": "sobbing",
    "laughs": "laughing",
    "sighs": "sighing",
    "snaps": "sharply",
    "begs": "pleading",
    "pleads": "pleading",
    "growls": "growling",
    "growled": "growling",
    "calls": "calling out",
    "called": "calling out",
    "cried": "crying out",
    "breathes": "breathless",
    "whimpers": "whimpering",
    "softly": "softly",
    "quietly": "quietly",
    "gently": "gently",
    "coldly": "coldly",
    "angrily": "angrily",
}


def plan_prose(brief: str) -> ReplaceStory:
    """A whole story from a prose brief."""
    found_headers, body = headers(normalise(brief))
    found = sentences(body)
    cast = Cast.read(found)
    shots = ShotList(cast_nouns=cast.nouns())
    talk = _Talk()
    present: list[str] = []
    subject: str | None = None
    for index, sentence in enumerate(found):
        if shots.full:
            break
        if sentence.attribution_only and index > 0 and found[index - 1].speech:
            continue  # already used as the speaker of the line before
        if _LENGTH_ONLY.match(sentence.text.strip()):
            continue  # "A one-minute film.": how long, not a beat
        last_subject = subject
        mentions = cast.mentions(sentence)
        ids = [m.id for m in mentions]
        subject = ids[0] if ids else None
        if re.search(r"\b(they|them|together|both|we|us)\b", sentence.narration.lower()):
            ids = list(dict.fromkeys([*ids, *present]))
        shots.set_time(_time_in(sentence.narration.lower()))
        place = cast.place_in(sentence, shots.location, nobody=not ids)
        if place is not None and place.id != shots.location:
            present = ids
            talk = _Talk()
            shots.new_scene(place.id, interior=place.interior, characters=ids, action=sentence.text)
            if not sentence.speech:
                continue
        else:
            present = list(dict.fromkeys([*present, *ids]))
        lower_words = set(re.findall(r"[a-z']+", sentence.narration.lower()))
        emotional = bool(lower_words & EMOTION_WORDS)
        if sentence.speech:
            speaker = _speaker(mentions, sentence, found, index, talk, present, cast, last_subject)
            if speaker not in present:
                present.append(speaker)
            listener = _listener(speaker, talk.last, present)
            manner = next((_MANNER[w] for w in re.findall(r"[a-z]+", sentence.narration.lower()) if w in _MANNER), "")
            manner = shorten(
                ", ".join(m for m in dict.fromkeys([manner, _tag_feeling(sentence.narration)]) if m), MAX_NAME
            )
            line = DialogueLine(speaker=speaker, text=shorten(_joined(sentence.speech)), parenthetical=manner)
            if not sentence.narration.strip() and speaker == talk.last and found[index - 1].speech:
                shots.continue_line([line])
                talk.said(speaker)
                continue
            shots.line(
                speaker,
                [line],
                listener=listener,
                emotional=emotional,
                action=_speaking(cast, speaker, listener, sentence),
            )
            talk.said(speaker)
            continue
        movement = next((MOVEMENT_VERBS[w] for w in sorted(lower_words) if w in MOVEMENT_VERBS), Movement.STATIC)
        angle = next((a for phrase, a in ANGLE_HINTS.items() if phrase in sentence.narration.lower()), Angle.EYE_LEVEL)
        insert = not ids and _dwells_on_a_thing(sentence, found[index - 1] if index else None)
        shots.action(sentence.text, ids, emotional=emotional, movement=movement, angle=angle, insert=insert)
    if not shots.shots:
        shots.action(shorten(body) or "An empty stage.", [])
    used = {c for shot in shots.shots for c in [*shot.characters, *(d.speaker for d in shot.dialogue)]}
    places = {shot.location for shot in shots.shots if shot.location}
    target = stated_length(found_headers.get("length", ""), [s.narration for s in found])
    if target is not None:
        shots.shots = fit_length(shots.shots, target)
    return ReplaceStory(
        bible=_bible(found_headers, brief, found, cast),
        style=_style(found_headers.get("style", "")),
        characters=[_character(p) for p in cast.people.values() if p.id in used],
        locations=[
            Location(id=p.id, name=shorten(p.name, MAX_NAME), interior=p.interior, description=shorten(p.description))
            for p in cast.places.values()
            if p.id in places
        ],
        shots=shots.shots,
    )


class _Talk:
    """Who has spoken in the scene, in order: an untagged line on a new line goes to the other one."""

    def __init__(self) -> None:
        self.speakers: list[str] = []

    @property
    def last(self) -> str | None:
        return self.speakers[-1] if self.speakers else None

    def said(self, speaker: str) -> None:
        self.speakers.append(speaker)

    def other(self) -> str | None:
        """The one who spoke before the last speaker: the other half of a two-person exchange."""
        return next((s for s in reversed(self.speakers) if s != self.last), None)


_NIGHT_HINTS = re.compile(r"\b(?:moonlit|starlit|lamplit|moonlight|starlight|under the stars|under the moon)\b")


def _time_in(narration: str) -> TimeOfDay | None:
    """The light a sentence names ('at dusk', 'a stormy night'), or that its words imply ('moonlit')."""
    match = _TIME.search(narration)
    if match:
        return TIME_WORDS[match.group(1)]
    return TimeOfDay.NIGHT if _NIGHT_HINTS.search(narration) else None


def _dwells_on_a_thing(sentence: Sentence, before: Sentence | None) -> bool:
    """A sentence about a thing and no one ('It has stopped at seven.', 'A moth circles the lamp.'): an insert."""
    text = sentence.narration.lower().strip()
    if weather_in(text) is not None:
        return False
    if re.match(r"^(?:it|its)\b", text) and before is not None and not props_in(text):
        text = before.narration.lower()
    words = re.findall(r"[a-z]+", text)
    for index, word in enumerate(words):
        noun = singular(word)
        if noun in PROP_NOUNS:
            following = singular(words[index + 1]) if index + 1 < len(words) else ""
            place = PROP_NOUNS.get(following, PROP_NOUNS[noun])  # "a fishing boat" is a boat
            return place != PropPlace.BACKGROUND  # a boat out at sea is a wide, a moth at the lamp an insert
    return False


_AMOUNT_WORDS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0,
                 "ten": 10.0, "fifteen": 15.0, "twenty": 20.0, "thirty": 30.0, "forty-five": 45.0,
                 "sixty": 60.0, "ninety": 90.0, "half a": 0.5}  # fmt: skip
_AMOUNT = (
    r"(?P<amount>\d+(?:\.\d+)?|half a|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty-five|sixty|ninety)"
)
_UNIT = r"(?P<unit>seconds?|secs?|minutes?|mins?)"
_FILM_WORDS = "film|short|spot|ad|reel|story|video|piece|animatic|advert"
_LENGTH_ONLY = re.compile(
    rf"^(?:(?:an?|about|around|roughly|length)\W+)*{_AMOUNT}[\s-]*{_UNIT}(?:\s+(?:{_FILM_WORDS}|long))*\W*$",
    re.IGNORECASE,
)
# A length the person asks for, said of the film: "Length: about two minutes", "about a minute", "a 30-second
# spot", "a one-minute film", "90 seconds long". Lines of dialogue never count ("Thirty seconds," she says).
_STATED_LENGTH = (
    re.compile(rf"^(?:about|around|roughly|under|some|maybe)?\s*{_AMOUNT}[\s-]*{_UNIT}\b", re.IGNORECASE),
    re.compile(rf"\b(?:about|around|roughly)\s+{_AMOUNT}[\s-]*{_UNIT}\b", re.IGNORECASE),
    re.compile(rf"\b{_AMOUNT}-{_UNIT}\s+(?:{_FILM_WORDS})\b", re.IGNORECASE),
    re.compile(rf"\b{_AMOUNT}[\s-]*{_UNIT}\s+long\b", re.IGNORECASE),
)


def stated_length(header: str, narration: list[str]) -> float | None:
    """The film's length in seconds when the brief asks for one (its `Length:` header first), else None."""
    texts = [header] if header.strip() else []
    texts += [text for text in narration if text.strip()]
    for index, text in enumerate(texts):
        patterns = _STATED_LENGTH if index == 0 and header.strip() else _STATED_LENGTH[1:]
        for pattern in patterns:
            match = pattern.search(text.strip())
            if match:
                amount = match.group("amount").lower()
                value = float(amount) if amount[0].isdigit() else _AMOUNT_WORDS[amount]
                seconds = value * (60 if match.group("unit").lower().startswith("min") else 1)
                return seconds if 5 <= seconds <= 3600 else None
    return None


def fit_length(planned: list[Shot], seconds: float, fps: int = 24) -> list[Shot]:
    """The shots scaled in proportion so that together they last `seconds` (each within the shot bounds;
    a shot with lines never shorter than its voices need)."""
    total = sum(shot.duration_frames for shot in planned)
    if not planned or total == 0:
        return planned
    factor = seconds * fps / total
    return [
        shot.model_copy(
            update={
                "duration_frames": max(
                    MIN_SHOT_FRAMES,
                    min(
                        MAX_SHOT_FRAMES,
                        max(
                            math.ceil(room_for_lines([line.text for line in shot.dialogue]) * fps),
                            round(shot.duration_frames * factor),
                        ),
                    ),
                )
            }
        )
        for shot in planned
    ]


def _speaker(
    mentions: list[Mention],
    sentence: Sentence,
    found: list[Sentence],
    index: int,
    talk: _Talk,
    present: list[str],
    cast: Cast,
    last_subject: str | None,
) -> str:
    """Who says a line: the one its tag names ('said Theo', 'she said'), else whoever acts in its
    sentence, else the tag after it, else the line goes on from the same line of text, else the one
    who just acted, else the other half of the exchange."""
    tagged = _tagged(mentions, sentence.narration)
    if tagged:
        return tagged
    if mentions:
        return mentions[0].id
    if index + 1 < len(found) and found[index + 1].attribution_only:
        following = cast.mentions(found[index + 1])
        if following:
            return _tagged(following, found[index + 1].narration) or following[0].id
    before = found[index - 1] if index > 0 else None
    same_line = before is not None and before.paragraph == sentence.paragraph and not sentence.new_line
    if same_line and before is not None and talk.last and (before.speech or before.attribution_only):
        return talk.last  # '"Come," she says. "Now."': a line continued after its tag
    if before is not None and not before.speech and not before.attribution_only and last_subject:
        return last_subject  # 'Leo raises his glass. "To the farm."'
    if talk.other() and talk.other() in present:
        return talk.other()  # a new line in a two-person exchange: the other one answers
    others = [p for p in present if p != talk.last]
    if others:
        return others[-1]
    if talk.last:
        return talk.last
    if cast.people:
        return next(iter(cast.people))
    cast.people["voice"] = Person(id="voice", name="Voice", description="a voice we hear")
    return "voice"


_SAY = re.compile(r"\b(" + "|".join(sorted(SAY_VERBS, key=len, reverse=True)) + r")\b")
_BETWEEN = re.compile(
    r"^[\s,]*(?:(?:then|quietly|softly|again|finally|at last)\s+)*"
    r"(?:(?:the|a|an)\s+(?:(?!to\b|at\b|with\b|of\b)[a-z-]+\s+){0,3})?$"
)  # '"...," said a very self-possessed young lady'; not 'said to the boy


def _tagged(mentions: list[Mention], narration: str) -> str | None:
    """The one a speech verb names: just before it ('Theo said', 'she quietly says') or just after
    it ('said the old man')."""
    lowered = narration.lower()
    for verb in _SAY.finditer(lowered):
        for mention in sorted(mentions, key=lambda m: -m.offset):
            word_end = mention.offset + len(re.match(r"[\w'-]*", lowered[mention.offset :]).group(0))
            if word_end <= verb.start() and re.fullmatch(
                r"[\s,]*(?:[a-z]+ly\s+|thus\s+|then\s+)?", lowered[word_end : verb.start()]
            ):
                return mention.id
        for mention in sorted(mentions, key=lambda m: m.offset):
            if re.match(r"(?:him|her|them)\b", lowered[mention.offset :]):
                continue  # 'addressed him': the one spoken to
            if mention.offset >= verb.end() and _BETWEEN.match(lowered[verb.end() : mention.offset]):
                return mention.id
    return None


def _tag_feeling(narration: str) -> str:
    """A feeling said in a line's tag ('Pavel says, crying', 'said Ada, laughing'): how the line is said,
    and so what the speaker's face shows in its shot."""
    verb = _SAY.search(narration.lower())
    if verb is None:
        return ""
    return feeling_word(" ".join(narration[verb.end() :].split()[:4]))


def _joined(speech: list[str]) -> str:
    """The pieces of a quote its tag broke ('"Sir," said the Lamb, "the water ..."') as one line, the
    comma the break took put back."""
    text = ""
    for piece in speech:
        if text and text[-1] not in ".!?…-":
            text += ","
        text = f"{text} {piece}".strip()
    return text


def _speaking(cast: Cast, speaker: str, listener: str | None, sentence: Sentence) -> str:
    """What we see while a line is said: the narration around it, or who speaks to whom."""
    rest = " ".join(sentence.narration.split()).strip(" ,.")
    words = [w.strip(",:;.!?") for w in rest.lower().split()]
    if rest and (len(words) > 5 or not any(w in SPEECH_VERBS or w in SAY_VERBS for w in words)):
        return shorten(rest)
    name = cast.people[speaker].name
    return f"{name} speaks to {cast.people[listener].name}" if listener else f"{name} speaks"


def _listener(speaker: str, last_speaker: str | None, present: list[str]) -> str | None:
    if last_speaker and last_speaker != speaker and last_speaker in present:
        return last_speaker
    others = [p for p in present if p != speaker]
    return others[-1] if others else None


def _character(person: Person) -> Character:
    looks_text = describe_looks(person.traits)
    description = ", ".join(part for part in (person.description or person.name, _who(person), looks_text) if part)
    traits = {k[:40]: shorten(v, MAX_NAME) for k, v in list(person.traits.items())[:30]}
    return Character(
        id=person.id,
        name=shorten(person.name, MAX_NAME),
        description=shorten(description),
        traits=traits,
        metadata={"kind": person.kind, "gender": person.gender},
    )


def _who(person: Person) -> str:
    """'a woman' or 'a man' when the brief says so (by pronouns) and the description does not yet:
    "the old keeper" is not recalled by "the woman in crimson" unless memory knows she is one."""
    said = set(re.findall(r"[a-z]+", (person.description or "").lower()))
    if person.kind != "person":
        return "" if said & CHARACTER_NOUNS.keys() else f"a {person.kind}"  # Grum the troll is no woman
    if not person.gender or any(PERSON_NOUNS.get(word) == person.gender for word in said):
        return ""
    age = person.traits.get("age", "")
    if age in {"young", "little", "small", "child"}:
        return {"f": "a girl", "m": "a boy"}.get(person.gender, "")
    if age == "old":  # "old Hanna": the prompt and the picture (grey hair) both keep her age
        return {"f": "an old woman", "m": "an old man"}.get(person.gender, "")
    return {"f": "a woman", "m": "a man"}.get(person.gender, "")


def _bible(found_headers: dict[str, str], brief: str, found: list[Sentence], cast: Cast) -> Bible:
    words = Counter(re.findall(r"[a-z]+", " ".join(s.text.lower() for s in found)))
    genre = found_headers.get("genre") or _best(GENRES, words, "drama")
    tone_scores = sorted(((sum(words[w] for w in ws), t) for t, ws in TONES.items()), key=lambda p: (-p[0], p[1]))
    tone = found_headers.get("tone") or ", ".join(t for score, t in tone_scores[:2] if score > 0)
    first = next((s.text for s in found if not s.speech), found[0].text if found else "")
    logline = found_headers.get("logline") or first
    return Bible(
        title=shorten(found_headers.get("title") or _title(cast, found), MAX_NAME) or "Untitled",
        logline=shorten(logline, 300),
        genre=shorten(genre, MAX_NAME),
        tone=shorten(tone, MAX_NAME),
        brief=brief[:200_000],
    )


def _best(table: dict[str, set[str]], words: Counter[str], default: str) -> str:
    scores = sorted(((sum(words[w] for w in ws), name) for name, ws in table.items()), key=lambda p: (-p[0], p[1]))
    return scores[0][1] if scores and scores[0][0] >= 2 else default


def _title(cast: Cast, found: list[Sentence]) -> str:
    """A title made from the story: its lead and the first place ("Mara and the Lighthouse")."""
    counts: Counter[str] = Counter()
    for sentence in found:
        for person in cast.people.values():
            if person.name.lower() in sentence.text.lower():
                counts[person.id] += 1
    lead = cast.people[counts.most_common(1)[0][0]] if counts else next(iter(cast.people.values()), None)
    place = next(iter(cast.places.values()), None)
    place_words = place.name.split()[-1].capitalize() if place else ""
    if lead and lead.named and place_words:
        return f"{lead.name} and the {place_words}"
    if lead and place_words:
        return f"The {lead.name.split()[-1].capitalize()} of the {place_words}"
    if place_words:
        return f"The {place_words}"
    if lead:
        return f"{lead.name}'s Story" if lead.named else f"The {lead.name.split()[-1].capitalize()}"
    return "Untitled"


def _style(name: str) -> Style | None:
    """A look named in a `Style:` line, or None to keep the project's."""
    key = STYLE_ALIASES.get(name.strip().lower(), name.strip().lower())
    if not key:
        return None
    look, palette = STYLES.get(key, ([shorten(name, MAX_NAME)], None))
    return Style(look=look, palette=palette) if palette else Style(look=look)

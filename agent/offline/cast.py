"""Finding the people and places of a prose brief, and who each sentence is about.

Named people are capitalised words that act or recur (not places, not sentence starters);
unnamed ones are "an old fisherman"-style noun phrases. Places are "the lighthouse"-style
phrases after a word of arrival ("to", "into", "at", "reaches").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from agent.offline.reading import Sentence, looks, person_traits
from agent.offline.shots import slug
from agent.offline.vocabulary import (
    AGE_WORDS,
    ARRIVAL_WORDS,
    COLOURS,
    FEMALE_PRONOUNS,
    INTERIOR_PLACES,
    MALE_PRONOUNS,
    NOT_NAMES,
    PERSON_ADJECTIVES,
    PERSON_NOUNS,
    PLACE_NOUNS,
    SPEECH_VERBS,
    TIME_WORDS,
    TITLES,
)

MAX_CAST = 60
MAX_PLACES = 60

_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_PLACE_PREPOSITIONS = {"in", "at", "to", "from", "into", "near", "towards", "toward", "of", "across", "on", "the", "a"}
_DETERMINERS = r"(?:a|an|the|her|his|their|its|my|our|your)"
_PERSON = re.compile(
    rf"\b({_DETERMINERS})\s+((?:[a-z][a-z-]*,?\s+){{0,2}}?)({'|'.join(sorted(PERSON_NOUNS, key=len, reverse=True))})\b"
)
_PLACE = re.compile(
    rf"\b(?:(\w+)\s+)?({_DETERMINERS})\s+((?:(?!{_DETERMINERS}\b)[a-z][a-z-]*\s+){{0,2}}?)"
    rf"({'|'.join(sorted(PLACE_NOUNS, key=len, reverse=True))})\b"
)
_APPOSITIVE = re.compile(r"^,\s+((?:a|an|the)\s+[^,.;:!?\"]{2,80}?)\s*[,.;]")


@dataclass
class Person:
    """A character as found in the brief."""

    id: str
    name: str
    description: str = ""
    gender: str = ""
    traits: dict[str, str] = field(default_factory=dict)
    aliases: set[str] = field(default_factory=set)
    named: bool = True


@dataclass
class Place:
    """A location as found in the brief."""

    id: str
    name: str
    interior: bool
    description: str = ""


@dataclass(frozen=True)
class Mention:
    """A character named at an offset of a sentence's narration."""

    offset: int
    id: str


def find_named(found: list[Sentence]) -> list[str]:
    """Capitalised names that act or recur, in order of first appearance."""
    seen: dict[str, int] = {}
    acts: Counter[str] = Counter()
    placey: set[str] = set()
    lowered_words = {w for s in found for w in re.findall(r"\b[a-z]+\b", s.narration)}
    for sentence in found:
        text = sentence.narration
        for match in _NAME.finditer(text):
            word = match.group(1)
            lower = word.lower()
            if lower in NOT_NAMES or lower in PLACE_NOUNS or lower in TIME_WORDS or lower in COLOURS:
                continue
            if lower in PERSON_NOUNS or lower in TITLES or lower in lowered_words:
                continue  # a role ("Commander"), or a word also written in lower case ("Flour ... flour")
            before = text[: match.start()].rstrip()
            previous = before.rsplit(" ", 1)[-1].lower() if before else ""
            following = text[match.end() :].lstrip(" ,").split(" ", 1)[0].lower().strip(".,!?;")
            starts = not before or before[-1] in '.!?"' or before.endswith('"')
            seen.setdefault(word, len(seen))
            previous_word = before.rsplit(" ", 1)[-1] if before else ""
            if previous in _PLACE_PREPOSITIONS or previous_word in placey:  # "of Dry Creek": both words
                placey.add(word)
                continue
            rest = text[match.end() :]
            aside = _APPOSITIVE.match(rest)
            if aside is not None:  # "Tunde, the eldest son, checks ...": the verb comes after the aside
                verb = rest[aside.end() :].lstrip(" ,").split(" ", 1)[0].lower().strip(".,!?;")
                if verb in SPEECH_VERBS or (verb.endswith(("s", "ed")) and verb not in NOT_NAMES):
                    acts[word] += 2
                    continue
            if following in SPEECH_VERBS or not starts:
                acts[word] += 2 if previous.strip(",") not in ("and", "with") or following in SPEECH_VERBS else 1
            elif following.endswith(("s", "ed")) and following not in NOT_NAMES:
                acts[word] += 1
    names = [w for w in seen if acts[w] >= 2]
    return names[:MAX_CAST]


@dataclass
class Cast:
    """Everyone and everywhere in the brief, and who is meant by each mention."""

    people: dict[str, Person] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)  # lower-case name or role noun -> id
    _recent: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, found: list[Sentence]) -> Cast:
        """Find the named people first, so an appositive ('Mara, the keeper,') claims its role."""
        cast = cls()
        for name in find_named(found):
            cast._add_named(name)
        return cast

    def _add_named(self, name: str) -> None:
        person_id = slug(name, "someone")
        if person_id in self.people:
            return
        self.people[person_id] = Person(id=person_id, name=name)
        self._names[name.lower()] = person_id

    # Mentions ---------------------------------------------------------------------------------

    def mentions(self, sentence: Sentence) -> list[Mention]:
        """Who the sentence names, in order: names, role phrases, then pronouns resolved."""
        text = sentence.narration
        found: list[Mention] = []
        for match in _NAME.finditer(text):
            person_id = self._names.get(match.group(1).lower())
            if person_id:
                found.append(Mention(match.start(), person_id))
                self._learn_appositive(person_id, text[match.end() :])
                self._learn_title(person_id, text[: match.start()])
        for match in _PERSON.finditer(text.lower()):
            person_id = self._role(match, sentence)
            if person_id and not any(m.id == person_id for m in found):
                found.append(Mention(match.start(3), person_id))
        found.sort(key=lambda m: m.offset)
        found = self._pronouns(text, found)
        for mention in found:
            if mention.id in self._recent:
                self._recent.remove(mention.id)
            self._recent.append(mention.id)
        for offset, part, value in looks(text):
            owner = [m for m in found if m.offset <= offset] or found[:1]
            if owner and len(self.people[owner[-1].id].traits) < 30:
                self.people[owner[-1].id].traits.setdefault(part, value)
        return found

    def _learn_appositive(self, person_id: str, after: str) -> None:
        person = self.people[person_id]
        match = _APPOSITIVE.match(after)
        if not match or person.description:
            return
        phrase = match.group(1)
        person.description = phrase
        words = phrase.lower().split()
        for word in words:
            if word in PERSON_NOUNS:
                person.aliases.add(word)
                self._names.setdefault(word, person_id)
                person.gender = person.gender or PERSON_NOUNS[word]
        person.traits.update({k: v for k, v in person_traits(words, "").items() if k not in person.traits})

    def _learn_title(self, person_id: str, before: str) -> None:
        """'Detective Kane': Kane is the detective, and 'the detective' means him later."""
        words = before.rstrip().rsplit(" ", 1)
        title = words[-1].lower().strip(".") if words else ""
        person = self.people[person_id]
        if title in TITLES and not person.description and " " not in person.name:
            person.name = f"{before.rstrip().rsplit(' ', 1)[-1].strip('.')} {person.name}"[:120]
            person.description = f"the {title}" if title in PERSON_NOUNS else ""
            if title in PERSON_NOUNS:
                self._names.setdefault(title, person_id)
                person.gender = person.gender or PERSON_NOUNS[title]
            person.gender = person.gender or {
                "mr": "m",
                "mrs": "f",
                "ms": "f",
                "miss": "f",
                "grandma": "f",
                "grandpa": "m",
                "sir": "m",
                "madame": "f",
            }.get(title, "")

    def _role(self, match: re.Match[str], sentence: Sentence) -> str | None:
        determiner, adjectives, noun = match.group(1), match.group(2).replace(",", " ").split(), match.group(3)
        if noun in self._names:
            return self._names[noun]
        if determiner in ("her", "his", "their", "its", "my", "our", "your") and noun not in (
            "mother",
            "father",
            "sister",
            "brother",
            "daughter",
            "son",
            "wife",
            "husband",
            "grandmother",
            "grandfather",
            "dog",
            "cat",
            "horse",
        ):
            return None
        if len(self.people) >= MAX_CAST:
            return None
        kept = ([a for a in adjectives if a in AGE_WORDS] or [a for a in adjectives if a in PERSON_ADJECTIVES])[:1]
        person_id = slug(" ".join([*kept, noun]), noun)
        while person_id in self.people:
            person_id = f"{person_id}-2"[:64]
        described = [*[a for a in adjectives if a.isalpha() or "-" in a], noun]
        phrase = " ".join(["an" if described[0][0] in "aeiou" else "a", *described])
        self.people[person_id] = Person(
            id=person_id,
            name=" ".join([*kept, noun]).capitalize(),
            description=phrase,
            gender=PERSON_NOUNS[noun],
            traits=person_traits(adjectives, noun),
            named=False,
        )
        self._names[noun] = person_id
        return person_id

    def _pronouns(self, text: str, found: list[Mention]) -> list[Mention]:
        lowered = text.lower()
        for match in re.finditer(r"\b(she|he|her|him|they|them)\b", lowered):
            word = match.group(1)
            if word in ("they", "them"):
                continue  # the planner adds everyone present
            gender = "f" if word in FEMALE_PRONOUNS else "m" if word in MALE_PRONOUNS else ""
            following = lowered[match.end() :].lstrip().split(" ", 1)[0].strip(".,;!?")
            if word == "her" and following not in _OBJECT_FOLLOWERS:
                continue  # possessive: her lamp belongs to someone already named
            exclude = {found[0].id} if word in ("her", "him") and found else set()
            person_id = self._latest(gender, exclude)
            if person_id and not any(m.id == person_id for m in found):
                found.append(Mention(match.start(), person_id))
        if len(found) == 1 and not self.people[found[0].id].gender:
            words = set(re.findall(r"[a-z]+", lowered))
            if words & FEMALE_PRONOUNS and not words & MALE_PRONOUNS:
                self.people[found[0].id].gender = "f"
            elif words & MALE_PRONOUNS and not words & FEMALE_PRONOUNS:
                self.people[found[0].id].gender = "m"
        return sorted(found, key=lambda m: m.offset)

    def _latest(self, gender: str, exclude: set[str]) -> str | None:
        for person_id in reversed(self._recent):
            if person_id not in exclude and self.people[person_id].gender in (gender, ""):
                if gender and not self.people[person_id].gender:
                    self.people[person_id].gender = gender
                return person_id
        return None

    # Places -----------------------------------------------------------------------------------

    def place_in(self, sentence: Sentence) -> Place | None:
        """The place a sentence takes us to, if it names one as where we now are."""
        text = sentence.narration.lower()
        chosen: Place | None = None
        for match in _PLACE.finditer(text):
            before, determiner, adjectives, noun = match.groups()
            at_start = all(w in _SCENE_SETTERS for w in re.findall(r"[a-z]+", text[: match.start()]))
            before = before if before in ARRIVAL_WORDS or not at_start else (before or "")
            if before == "from" or not (
                at_start or (before or "") in ARRIVAL_WORDS or (before or "") in _SCENE_SETTERS
            ):
                continue
            place_id = slug(noun, "place")
            if place_id not in self.places:
                if len(self.places) >= MAX_PLACES:
                    continue
                determiner = "the" if determiner in ("a", "an") else determiner
                name = " ".join([determiner, *adjectives.split()[-1:], noun])
                interior = (noun in INTERIOR_PLACES or before in ("inside", "within")) and before != "outside"
                self.places[place_id] = Place(
                    id=place_id, name=name, interior=interior, description=sentence.text[:300]
                )
            chosen = self.places[place_id]
        return chosen


_SCENE_SETTERS = {
    "at",
    "in",
    "on",
    "by",
    "the",
    "a",
    "early",
    "late",
    "next",
    "that",
    "this",
    "one",
    "deep",
    "later",
    "then",
    "meanwhile",
    "far",
    "high",
    "every",
    *TIME_WORDS,
}
_OBJECT_FOLLOWERS = {
    "",
    "in",
    "to",
    "into",
    "a",
    "an",
    "the",
    "up",
    "down",
    "out",
    "close",
    "back",
    "and",
    "with",
    "from",
    "on",
    "off",
    "away",
    "home",
    "inside",
    "onto",
    "over",
    "through",
    "again",
    "tight",
    "tightly",
    "gently",
    "goodbye",
    "free",
    "safe",
    "aboard",
    "across",
    "toward",
    "towards",
    "by",
    "for",
    "at",
    "that",
    "is",
    "was",
}

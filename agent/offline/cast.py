"""Finding the people and places of a prose brief, and who each sentence is about.

Named people are capitalised words that act or recur (not places, not sentence starters);
unnamed ones are "an old fisherman"-style noun phrases. Places are "the lighthouse"-style
phrases after a word of arrival ("to", "into", "at", "reaches").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from agent.offline.reading import SAY_VERBS, Sentence, looks, person_traits
from agent.offline.shots import slug
from agent.offline.vocabulary import (
    AGE_WORDS,
    ARRIVAL_WORDS,
    COLOURS,
    EMOTION_WORDS,
    FEMALE_PRONOUNS,
    INTERIOR_PLACES,
    NOT_NAMES,
    PERSON_ADJECTIVES,
    PERSON_NOUNS,
    PLACE_NOUNS,
    PROP_NOUNS,
    TIME_WORDS,
    TITLES,
    WEATHER_WORDS,
)

MAX_CAST = 60
MAX_PLACES = 60

# Who else can be a character besides people: a fable's animals, a fairy tale's creatures, a toy that talks.
ANIMAL_NOUNS = {
    "fox", "wolf", "bear", "owl", "dog", "cat", "horse", "hare", "tortoise", "turtle", "lion", "mouse", "rat",
    "crow", "raven", "frog", "toad", "ant", "grasshopper", "rabbit", "lamb", "sheep", "goat", "donkey", "ox",
    "cow", "bull", "pig", "duck", "duckling", "hen", "rooster", "cock", "swan", "stork", "eagle", "hawk",
    "sparrow", "nightingale", "dove", "bird", "deer", "stag", "monkey", "elephant", "tiger", "snake", "squirrel",
    "badger", "mole", "hedgehog", "beaver", "otter", "crane", "heron", "goose", "kitten", "puppy", "calf", "whale",
    "dolphin", "seal", "crab", "bee", "wasp", "spider", "fly", "lark", "magpie", "jackdaw", "peacock", "camel",
    "swallow", "robin", "wren", "blackbird", "cuckoo", "gull", "seagull", "pigeon", "parrot", "pony",
}  # fmt: skip
CREATURE_NOUNS = {
    "troll", "goblin", "dragon", "giant", "ogre", "elf", "fairy", "ghost", "monster", "mermaid", "unicorn",
    "gnome", "dwarf", "imp", "sprite", "witch", "wizard", "genie", "demon", "angel", "spirit", "phantom",
    "vampire", "werewolf", "pixie", "nymph", "sorcerer", "sorceress", "enchantress", "beast", "creature",
}  # fmt: skip
THING_NOUNS = {"robot", "android", "doll", "puppet", "scarecrow", "snowman", "toy", "automaton"}
RELATION_NOUNS: dict[str, str] = {
    "mother": "f", "father": "m", "sister": "f", "brother": "m", "daughter": "f", "son": "m", "wife": "f",
    "husband": "m", "grandmother": "f", "grandfather": "m", "uncle": "m", "aunt": "f", "cousin": "",
    "niece": "f", "nephew": "m", "grandson": "m", "granddaughter": "f", "grandma": "f", "grandpa": "m",
    "mum": "f", "mom": "f", "dad": "m", "friend": "", "stepmother": "f", "stepfather": "m", "twin": "",
}  # fmt: skip
CHARACTER_NOUNS: dict[str, str] = {
    **dict.fromkeys(ANIMAL_NOUNS | CREATURE_NOUNS | THING_NOUNS, ""),
    **RELATION_NOUNS,
    **{
        "sorceress": "f",
        "enchantress": "f",
        "mermaid": "f",
        "miller": "",
        "woodcutter": "",
        "shepherd": "",
        "tailor": "",
        "cobbler": "",
        "merchant": "",
        "peasant": "",
        "servant": "",
        "maid": "f",
        "lad": "m",
        "lass": "f",
        "ferryman": "m",
        "clockmaker": "",
        "innkeeper": "",
        "beggar": "",
        "orphan": "",
        "stepsister": "f",
        "huntsman": "m",
        "emperor": "m",
        "empress": "f",
        "old-timer": "",
        "commander": "",
        "climber": "",
        "ranger": "",
        "miner": "",
        "blacksmith": "",
        "carpenter": "",
        "lieutenant": "",
        "sergeant": "",
        "ferrywoman": "f",
    },  # fmt: skip
    **PERSON_NOUNS,
}
"""Nouns that make a character, with the gender the word itself gives ('' when it gives none)."""


def kind_of(noun: str) -> str:
    """'person', 'animal', 'creature' or 'thing': what a character noun names."""
    if noun in ANIMAL_NOUNS:
        return "animal"
    if noun in CREATURE_NOUNS:
        return "creature"
    return "thing" if noun in THING_NOUNS else "person"


_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_TWO_NAMES = re.compile(r"(?=\b([A-Z][a-z]+ [A-Z][a-z]+)\b)")
_PLACE_PREPOSITIONS = {"in", "at", "to", "from", "into", "near", "towards", "toward", "of", "across", "on", "the", "a"}
_DETERMINERS = r"(?:a|an|the|her|his|their|its|my|our|your)"
_NOUNS = "|".join(sorted(CHARACTER_NOUNS, key=len, reverse=True))
_PERSON = re.compile(rf"\b({_DETERMINERS})\s+((?:(?!{_DETERMINERS}\b)[a-z][a-z-]*,?\s+){{0,3}}?)({_NOUNS})\b")
_POSSESSIVES = {"her", "his", "their", "its", "my", "our", "your"}
# Someone only spoken of, not there: "her father is away at sea", "she misses her mother".
_ABSENT_AFTER = re.compile(
    r"^'?s?\s*(?:is|was|are|were|has been|had been|is still|was still|lay|lies)\s+(?:long\s+|still\s+|far\s+)?"
    r"(?:away|gone|dead|abroad|at sea|at work|at war|not home|not at home|missing|in prison|in hospital|lost|"
    r"buried|asleep upstairs|elsewhere|overseas|in the city|ill in bed)\b|^\s*(?:died|passed away|has died|had died)\b"
)
_ABSENT_BEFORE = re.compile(
    r"\b(?:misses|missed|remembers|remembered|thinks of|thought of|dreams of|dreamed of|dreamt of|photo of|"
    r"photograph of|picture of|portrait of|letter from|letter to|grave of|memory of|mourns|mourned|"
    r"waits for|waited for|waiting for|wishes|wished|longs for|longed for|writes to|wrote to|like|"
    r"calls for|cries for|about)\s+(?:(?:her|his|their|my|our|your|the|a|an)\s+)?(?:[a-z-]+\s+){0,2}$"
)
_PLACE = re.compile(
    rf"\b(?:(\w+)\s+)?({_DETERMINERS})\s+((?:(?!{_DETERMINERS}\b)[a-z][a-z-]*(?:'s)?\s+){{0,2}}?)"
    rf"({'|'.join(sorted(PLACE_NOUNS, key=len, reverse=True))})\b(?!-)"
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
    kind: str = "person"
    epithet: str = ""
    """The adjective that tells this one from others of the same noun ('old' of the old man)."""
    """person, animal, creature or thing: a troll is not described as a woman."""


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
    """Capitalised names that act or recur, in order of first appearance. A fable's "the Hare" is a name."""
    seen: dict[str, int] = {}
    acts: Counter[str] = Counter()
    placey: set[str] = set()
    lowered_words = {w for s in found for w in re.findall(r"\b[a-z]+\b", s.narration)}
    # Names also written with no age word before them: "Old Walt ... Walt wipes his eyes" is Walt, and old;
    # "Little Red-Cap", never written alone, is her name.
    aged = re.compile(rf"\b(?i:{'|'.join(AGE_WORDS)})\s+$")
    bare = {m.group(1) for s in found for m in _NAME.finditer(s.narration) if not aged.search(s.narration[: m.start()])}
    for sentence in found:
        text = sentence.narration
        consumed = -1
        for match in _NAME.finditer(text):
            if match.start() < consumed:
                continue  # the second word of a two-word name
            word = match.group(1)
            before = text[: match.start()].rstrip()
            previous = before.rsplit(" ", 1)[-1].lower() if before else ""
            pair = _SECOND_NAME.match(text, match.end())
            aged_name = word.lower() in AGE_WORDS and pair is not None and pair.group(1) in bare
            if pair and not aged_name and _two_word_name(word, pair.group(1), previous, text[pair.end() :], before):
                word = f"{word} {pair.group(1)}"  # "the Town Mouse", "Vanka Zhukov"
                consumed = pair.end()
                match = pair
            lower = word.lower()
            if aged_name:
                continue  # "Old Walt": an age said of the name after it
            rest = text[match.end() :]
            following = rest.lstrip(" ,").split(" ", 1)[0].lower().strip(".,!?;")
            two_back = before.rsplit(" ", 2)[-2].lower().strip(",") if before.count(" ") >= 1 else ""
            said = two_back in SAY_VERBS or following in SAY_VERBS  # '"...," said the Sun'
            if (
                previous in ("the", "a", "an")
                and " " in word
                or (previous == "the" or previous in ("a", "an") and lower in CHARACTER_NOUNS)
                and (lower.split()[-1] in CHARACTER_NOUNS or said)
                and lower not in PLACE_NOUNS
            ):
                seen.setdefault(word, len(seen))  # "the Tortoise": an animal written as a name is a character
                acts[word] += 2
                continue
            if (
                lower in CHARACTER_NOUNS
                and (previous in AGE_WORDS or previous in PERSON_ADJECTIVES)
                and two_back in ("a", "an", "the")
            ):
                continue  # "a young Mouse" and "an old Mouse": two mice, told apart by their age, not one Mouse
            if " " not in word and following in CHARACTER_NOUNS and lower not in SAY_VERBS:
                continue  # "a white Pomeranian dog": a breed, said of the dog
            if " " in word:
                seen.setdefault(word, len(seen))
                acts[word] += 2
                continue
            if before and before.rsplit(" ", 1)[-1] in ("Christmas", "New", "Saint", "St", "Mount", "Lake"):
                continue  # "Christmas Eve", "Lake Geneva"
            if lower in NOT_NAMES or lower in PLACE_NOUNS or lower in TIME_WORDS or lower in COLOURS:
                continue
            if lower in PERSON_NOUNS or lower in TITLES or lower in lowered_words:
                continue  # a role ("Commander"), or a word also written in lower case ("Flour ... flour")
            starts = not before or before[-1] in '.!?"' or before.endswith('"')
            seen.setdefault(word, len(seen))
            previous_word = before.rsplit(" ", 1)[-1] if before else ""
            if previous in _PLACE_PREPOSITIONS or previous_word in placey:  # "of Dry Creek": both words
                placey.add(word)
                continue
            if _EPITHET_AFTER.match(rest) or previous in _POSSESSIVES | set(RELATION_NOUNS):
                acts[word] += 2  # "Grum the troll", "Bjorn, the old fisherman", "her brother Leo"
                continue
            aside = _APPOSITIVE.match(rest)
            if aside is not None:  # "Tunde, the eldest son, checks ...": the verb comes after the aside
                verb = rest[aside.end() :].lstrip(" ,").split(" ", 1)[0].lower().strip(".,!?;")
                if verb in SAY_VERBS or (verb.endswith(("s", "ed")) and verb not in NOT_NAMES):
                    acts[word] += 2
                    continue
            if following in SAY_VERBS or not starts:
                acts[word] += 2 if previous.strip(",") not in ("and", "with") or following in SAY_VERBS else 1
            elif (following.endswith(("s", "ed")) or following in _IRREGULAR_PAST) and following not in NOT_NAMES:
                # "Nell finds ...": a word no vocabulary knows, doing something, is someone's name.
                acts[word] += 1 if _common_noun(lower) or following.endswith("ss") else 2
            elif following == "and" and _WITH_KIN.match(rest):
                acts[word] += 2  # "Mara and her grandfather Oskar mend ...": one of a pair of people
            elif following == "and" and re.match(r"\s*and\s+(?:her|his|their|[A-Z][a-z]+)\b", rest):
                acts[word] += 1  # "Ana and her brother Leo share ...", "Rosa and Theo wait ..."
    names = [w for w in seen if acts[w] >= 2]
    return names[:MAX_CAST]


_IRREGULAR_PAST = frozenset(
    re.findall(
        r"[a-z]+",
        "wept went came saw ran sat stood took gave fell felt found got held heard kept knew left lay led "
        "lost made met put rode rose sang sank slept spoke stole struck swam threw told thought understood "
        "woke won wore wrote began became bit blew broke brought built bought caught chose cut dug drew "
        "drank drove ate fed fought flew forgot froze grew hid hit hung hurt laid let lit meant paid read "
        "rang sent set shook shone shot shut sold sought spent spun spread sprang stuck swore swept swung "
        "taught tore crept knelt leapt dreamt flung clung ",
    ),
)
_CLAUSE_OPENERS = {"", "and", "but", "then", "when", "as", "while", "so", "that", "who", "because", "until", "once"}
_MODIFIERS = {"the", "a", "an", "little", "old", "young", "big", "small", "poor", "dear", "great", "wicked", "good"}


def _is_subject(lowered: str, offset: int) -> bool:
    """True when the mention at `offset` opens its clause ('a wolf met her'), not when a verb or a
    preposition takes it ('lifts the girl', 'with Tomas')."""
    words = re.findall(r"[a-z'-]+|[,;:.!?]", lowered[:offset])
    article = next(
        (i for i in range(len(words) - 1, max(-1, len(words) - 4), -1) if words[i] in ("a", "an", "the")), None
    )
    if article is not None and all(w.isalpha() or "-" in w for w in words[article:]):
        del words[article:]  # "A white Pomeranian dog was running": the dog opens its clause
    while words and words[-1] in _MODIFIERS:
        words.pop()
    last = words[-1] if words else ""
    return last in _CLAUSE_OPENERS or last in ",;:.!?"


_SECOND_NAME = re.compile(r" ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


def _two_word_name(first: str, second: str, previous: str, after: str, before: str) -> bool:
    """'the Town Mouse' and 'the North Wind' (said of an animal, or speaking), or a first and last name
    ('Vanka Zhukov'), not 'Detective Kane' (a title) nor a place ('of Dry Creek')."""
    words = {first.lower(), second.lower()}
    if previous in ("the", "a", "an") and second.lower() in CHARACTER_NOUNS and first.lower() not in NOT_NAMES:
        return True  # "the Town Mouse", "a Shepherd Boy"
    if words & (NOT_NAMES | PLACE_NOUNS):
        return False
    if previous in ("the", "a", "an"):
        following = after.lstrip(" ,").split(" ", 1)[0].lower().strip(".,!?;")
        return second.lower() in CHARACTER_NOUNS or following in SAY_VERBS
    if first.lower() in TITLES or first.lower() in CHARACTER_NOUNS or previous in _PLACE_PREPOSITIONS:
        return False
    return not words & (TIME_WORDS.keys() | COLOURS | CHARACTER_NOUNS.keys()) and not _common_noun(first.lower())


_COMMON_STARTERS = {
    "time", "silence", "darkness", "light", "everything", "nothing", "life", "death", "dinner", "breakfast",
    "lunch", "supper", "music", "war", "spring", "summer", "autumn", "winter", "thunder", "lightning", "smoke",
    "fire", "water", "help", "news", "word", "sleep", "night", "morning", "evening", "nobody", "somebody",
    "people", "years", "days", "hours", "weeks", "months", "dawn", "dusk", "noon", "dust", "steam", "blood",
    "tears", "hope", "fear", "joy", "love", "anger", "panic", "laughter", "applause", "traffic", "work", "school",
    "church", "home", "everyone", "someone", "anyone", "many", "most", "none", "both", "few", "several", "others",
}  # fmt: skip


def _common_noun(lower: str) -> bool:
    """A word the vocabularies know as a thing, weather, a feeling or a place: 'Snow falls' names no one."""
    stem = lower[:-1] if lower.endswith("s") else lower
    known = _COMMON_STARTERS | WEATHER_WORDS.keys() | PROP_NOUNS.keys() | EMOTION_WORDS | PLACE_NOUNS
    return lower in known or stem in known


NARRATOR = "narrator"
"""The id of the one who tells a story written in the first person."""
_FIRST_PERSON = re.compile(r"\bI\b|\b(?i:me|my|myself|mine|we|us|our|ourselves)\b")
_WITH_KIN = re.compile(rf"^\s*and\s+(?:her|his|their)\s+(?:[a-z-]+\s+)?(?:{'|'.join(sorted(RELATION_NOUNS))})\b")
_EPITHET_AFTER = re.compile(rf"^(?:,\s+|\s+)(?:the|a|an)\s+(?:(?!{_DETERMINERS}\b)[a-z-]+\s+){{0,2}}?(?:{_NOUNS})\b")


@dataclass
class Cast:
    """Everyone and everywhere in the brief, and who is meant by each mention."""

    people: dict[str, Person] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)  # lower-case name or role noun -> id
    _recent: list[str] = field(default_factory=list)
    _passing: set[str] = field(default_factory=set)  # animals only glimpsed, not characters
    _subject: str | None = None  # who the last sentence that named anyone was about
    _last: list[str] = field(default_factory=list)  # everyone that sentence named
    _object_gendered: set[str] = field(default_factory=set)  # known as 'him'/'her' only, as someone acted on
    _subject_gendered: set[str] = field(default_factory=set)  # known as 'he'/'she' doing something

    @classmethod
    def read(cls, found: list[Sentence]) -> Cast:
        """Find the named people first, then every way the text names them ('Bjorn, the old fisherman',
        'her brother Leo', 'Grum the troll'), so a later 'the fisherman' is Bjorn and not someone new."""
        cast = cls()
        for name in find_named(found):
            cast._add_named(name)
        # A heron that watches once is part of the scene; a mouse the story comes back to is a character.
        counts = Counter(w for s in found for w in set(re.findall(r"[a-z]+", s.narration.lower())))
        introduced = {w for s in found for w in re.findall(r"\b([a-z]+),? who\b", s.narration.lower())}
        cast._passing = {noun for noun in ANIMAL_NOUNS - PERSON_NOUNS.keys() - introduced if counts[noun] < 2}
        for sentence in found:
            cast._learn_epithets(sentence.narration)
        told = sum(len(_FIRST_PERSON.findall(s.narration)) for s in found)
        if told >= 2 and any(re.search(r"\bI\b", s.narration) for s in found) and len(cast.people) < MAX_CAST:
            cast.people[NARRATOR] = Person(
                id=NARRATOR, name="Narrator", description="the one who tells the story", named=False
            )
        return cast

    def nouns(self) -> dict[str, set[str]]:
        """Each noun that names someone in the cast, with whom: a small dragon named Ember makes 'dragon' hers."""
        found: dict[str, set[str]] = {}
        for person in self.people.values():
            said = set(re.findall(r"[a-z]+", person.description.lower())) & CHARACTER_NOUNS.keys()
            for noun in person.aliases | said:
                found.setdefault(noun, set()).add(person.id)
        return found

    def _add_named(self, name: str) -> None:
        person_id = slug(name, "someone")
        if person_id in self.people:
            return
        lower = name.lower()
        if lower in self._names:
            return  # "Walt" after "Walt Hollis": his first name
        longer = [p for p in self.people.values() if " " in p.name and p.name.lower().endswith(" " + lower)]
        if len(longer) == 1:  # "the Boy" after "a Shepherd Boy" is the same one
            self._names.setdefault(lower, longer[0].id)
            return
        noun = lower.split()[-1]
        person = Person(id=person_id, name=name)
        if " " in lower and lower.split()[0] in AGE_WORDS:
            person.traits["age"] = AGE_WORDS[lower.split()[0]]  # "Little Red-Cap" is a child
        if noun in CHARACTER_NOUNS:  # "the Hare", "the Town Mouse"
            person.kind, person.gender, person.description = kind_of(noun), CHARACTER_NOUNS[noun], f"the {lower}"
        elif " " in name:  # "Vanka Zhukov" is Vanka later, and Zhukov
            for part in lower.split():
                self._names.setdefault(part, person_id)
        self.people[person_id] = person
        self._names[lower] = person_id

    def _learn_epithets(self, text: str) -> None:
        for person in list(self.people.values()):
            if not person.named or person.name not in text:
                continue
            escaped = re.escape(person.name)
            # "a ferryman's widow" is a widow: a noun that owns the next one is not the one meant
            # "Under the bridge a boy named Pavel": the phrase is "a boy"; no article stands among its words
            phrase = rf"((?i:the|a|an)\s+((?:(?!{_DETERMINERS}\b)[a-z-]+(?:'s)?\s+){{0,3}}?)({_NOUNS}))(?!'|-)"
            for pattern, relation in (
                (rf"\b{escaped}(?:,\s+|\s+){phrase}\b", False),
                (rf"\b{phrase}(?:,\s+|\s+(?:named|called)\s+|\s+){escaped}\b", False),
                (rf"\b((?i:her|his|their|my|our|your)\s+()({_NOUNS}))\s*,?\s+{escaped}\b", True),
                (rf"\b(()({_NOUNS}))\s+{escaped}\b", True),  # "engineer Kaya", "farmer Giles"
            ):
                for match in re.finditer(pattern, text):
                    self._epithet(person, match.group(1), match.group(2).split(), match.group(3), relation)
            age = re.search(rf"\b((?i:{'|'.join(AGE_WORDS)}))\s+{escaped}\b", text)
            if age is not None and age.group(1).lower() != person.name.split()[0].lower():
                person.traits.setdefault("age", AGE_WORDS[age.group(1).lower()])  # "old Hanna", "little Tibor"

    def _epithet(self, person: Person, phrase: str, adjectives: list[str], noun: str, relation: bool) -> None:
        """What 'the old fisherman' tells of Bjorn: he is one, he is a man, he is old; and the phrase means him."""
        self._names.setdefault(noun, person.id)
        kept = [a for a in adjectives if a in AGE_WORDS or a in PERSON_ADJECTIVES][:1]
        if kept:
            self._names.setdefault(f"{kept[0]} {noun}", person.id)
            person.epithet = person.epithet or kept[0]
        person.aliases.add(noun)
        person.gender = person.gender or CHARACTER_NOUNS.get(noun, "")
        if kind_of(noun) != "person":
            person.kind = kind_of(noun)
        if not person.description:
            person.description = phrase.lower() if not relation else f"the {noun}"
        person.traits.update({k: v for k, v in person_traits(adjectives, noun).items() if k not in person.traits})

    # Mentions ---------------------------------------------------------------------------------

    def mentions(self, sentence: Sentence) -> list[Mention]:
        """Who the sentence names, in order: names, role phrases, then pronouns resolved."""
        text = sentence.narration
        found: list[Mention] = []
        taken: set[int] = set()
        for match in _TWO_NAMES.finditer(text):
            person_id = self._names.get(match.group(1).lower())
            if person_id:
                found.append(Mention(match.start(), person_id))
                taken.update(range(match.start(1), match.end(1)))
        for match in _NAME.finditer(text):
            if match.start() in taken:
                continue
            person_id = self._names.get(match.group(1).lower())
            if person_id and (match.group(1).lower() not in CHARACTER_NOUNS or self.people[person_id].named):
                found.append(Mention(match.start(), person_id))
                taken.update(range(match.start(), match.end()))
                self._learn_appositive(person_id, text[match.end() :])
                self._learn_title(person_id, text[: match.start()])
        for match in _PERSON.finditer(text.lower()):
            if match.start(3) in taken:
                continue  # "a Town Mouse" is the name already found, not a mouse besides
            person_id = self._role(match, sentence)
            if person_id and not any(m.id == person_id for m in found):
                found.append(Mention(match.start(3), person_id))
        if NARRATOR in self.people:  # "I", "me", "my", and "we" with the others
            first = next(_FIRST_PERSON.finditer(text), None)
            if first is not None and not any(m.id == NARRATOR for m in found):
                found.append(Mention(first.start(), NARRATOR))
        found.sort(key=lambda m: m.offset)
        found = self._pronouns(text, found)
        if found:
            self._subject, self._last = found[0].id, [m.id for m in found]
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
            if word in CHARACTER_NOUNS:
                person.aliases.add(word)
                self._names.setdefault(word, person_id)
                person.gender = person.gender or CHARACTER_NOUNS[word]
                if kind_of(word) != "person":
                    person.kind = kind_of(word)
        person.traits.update({k: v for k, v in person_traits(words, "").items() if k not in person.traits})

    def _learn_title(self, person_id: str, before: str) -> None:
        """'Detective Kane': Kane is the detective, and 'the detective' means him later. A title is
        written with a capital; 'her brother Leo' is a relation, not Brother Leo."""
        words = before.rstrip().rsplit(" ", 1)
        written = words[-1].strip(".") if words else ""
        title = written.lower()
        person = self.people[person_id]
        if title in TITLES and written[:1].isupper() and not person.description and " " not in person.name:
            person.name = f"{written} {person.name}"[:120]
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
                "aunt": "f",
                "uncle": "m",
                "lady": "f",
                "lord": "m",
            }.get(title, "")

    def _role(self, match: re.Match[str], sentence: Sentence) -> str | None:
        determiner, adjectives, noun = match.group(1), match.group(2).replace(",", " ").split(), match.group(3)
        lowered = sentence.narration.lower()
        kept = ([a for a in adjectives if a in AGE_WORDS] or [a for a in adjectives if a in PERSON_ADJECTIVES])[:1]
        if kept and f"{kept[0]} {noun}" in self._names:
            return self._names[f"{kept[0]} {noun}"]
        known = self._names.get(noun)
        if known and not (kept and self.people[known].epithet not in ("", kept[0])):
            return known  # "the man" is the man we know; "the old man" is not "the young man"
        if _ABSENT_AFTER.match(lowered[match.end() :]) or _ABSENT_BEFORE.search(lowered[: match.start()]):
            return None  # only spoken of: "her father is away", "she misses her mother"
        if re.match(r"'s?\s+[a-z]", lowered[match.end() :]):
            return None  # "a ferryman's widow": the one named is the widow; the ferryman is not yet in the story
        if determiner in _POSSESSIVES and noun not in RELATION_NOUNS and noun not in ANIMAL_NOUNS:
            return None  # "his captain" is someone's, and not yet someone in the story
        if len(self.people) >= MAX_CAST or noun in self._passing:
            return None
        person_id = slug(" ".join([*kept, noun]), noun)
        while person_id in self.people:
            person_id = f"{person_id}-2"[:64]
        described = [*[a for a in adjectives if a.isalpha() or "-" in a], noun]
        phrase = " ".join(["an" if described[0][0] in "aeiou" else "a", *described])
        self.people[person_id] = Person(
            id=person_id,
            name=" ".join([*kept, noun]).capitalize(),
            description=phrase,
            gender=CHARACTER_NOUNS[noun],
            traits=person_traits(adjectives, noun),
            named=False,
            kind=kind_of(noun),
            epithet=kept[0] if kept else "",
        )
        self._names.setdefault(noun, person_id)
        if kept:
            self._names[f"{kept[0]} {noun}"] = person_id
        return person_id

    def _pronouns(self, text: str, found: list[Mention]) -> list[Mention]:
        """She, he, her, him and his, each to the last person it can mean: an object ('gives him') is
        not the one doing it, and a possessive ('her last apple') puts its owner in the shot."""
        lowered = text.lower()
        resolved = list(found)
        for match in re.finditer(r"\b(she|he|her|him|his)\b", lowered):
            word = match.group(1)
            gender = "f" if word in FEMALE_PRONOUNS else "m"
            following = lowered[match.end() :].lstrip().split(" ", 1)[0].strip(".,;!?")
            earlier = [m.id for m in sorted(resolved, key=lambda m: m.offset) if m.offset < match.start()]
            objective = word == "him" or (word == "her" and following in _OBJECT_FOLLOWERS)
            doers = [m.id for m in resolved if m.offset < match.start() and _is_subject(lowered, m.offset)]
            exclude = (
                {max(doers, key=lambda d: next(m.offset for m in resolved if m.id == d))}
                if objective and doers
                else set()
            )
            person_id = None
            subject = self._subject if self._subject != NARRATOR else None
            exclude = exclude | {NARRATOR}
            rivals = [p for p in self._last if p != subject and self.people[p].gender == gender]
            if (
                word in ("she", "he")
                and not earlier
                and subject
                and (
                    self.people[subject].gender == gender
                    or not self.people[subject].gender
                    and not [r for r in rivals if r not in self._object_gendered]
                )
            ):
                person_id = subject  # "A Swallow flew over the city. He alighted ...": the one just acting
                self.people[subject].gender = gender
            person_id = person_id or self._latest(gender, exclude, earlier, objective)
            if person_id and objective and person_id not in self._subject_gendered:
                self._object_gendered.add(person_id)  # 'hands on him': a gender only an object pronoun gave
            if person_id and not objective:
                self._subject_gendered.add(person_id)
                self._object_gendered.discard(person_id)
            if person_id and not any(m.id == person_id for m in resolved):
                resolved.append(Mention(match.start(), person_id))
        return sorted(resolved, key=lambda m: m.offset)

    def _latest(
        self, gender: str, exclude: set[str], earlier: list[str] | None = None, objective: bool = False
    ) -> str | None:
        """The last person who can be 'she' or 'he': one known to be so among the last few named, else
        the last of unknown gender in this sentence, else anyone before (who then is known to be so). An
        object ('a wolf met her') looks first at the others this sentence names."""
        exclude = exclude | {NARRATOR}  # "she" and "he" are never the one who says "I"
        order = [p for p in dict.fromkeys([*self._recent, *(earlier or [])][::-1]) if p not in exclude]
        near = [p for p in dict.fromkeys([*(earlier or [])[::-1], *self._recent[::-1][:4]]) if p not in exclude]
        unknown = [p for p in (earlier or [])[::-1] if p not in exclude and not self.people[p].gender]
        here = [p for p in (earlier or [])[::-1] if p not in exclude and self.people[p].gender == gender]
        chosen = next(iter(here), None) or (next(iter(unknown), None) if objective else None)
        chosen = chosen or next((p for p in near if self.people[p].gender == gender), None)
        chosen = chosen or next(iter(unknown), None)
        chosen = chosen or next((p for p in order if self.people[p].gender in (gender, "")), None)
        if chosen and not self.people[chosen].gender:
            self.people[chosen].gender = gender
        return chosen

    # Places -----------------------------------------------------------------------------------

    def place_in(self, sentence: Sentence, current: str | None = None, *, nobody: bool = False) -> Place | None:
        """The place a sentence takes us to, if it names one as where we now are: a place that opens
        the sentence ('In the forest, ...'), else where someone goes ('rows out to the wreck'), else the
        first place it puts someone at. A place only looked at ('looks out at the street') is not a move.
        Before any place is known, any place named sets the scene ('a gale batters the lighthouse'). In a
        sentence with `nobody` in it that jumps in time or space ('At dawn', 'Later', 'Far off'), a place that
        opens a clause cuts to it ('At dawn the rain stops and the town bells ring')."""
        text = sentence.narration.lower()
        opening = _OPENING_PLACE.match(text)
        if opening and opening.group(3) not in _NOT_PLACES and opening.group(3) not in TIME_WORDS:
            return self._place(opening.group(1), opening.group(2).split(), opening.group(3), "", sentence)
        destination = _DESTINATION.search(text) or _REACHES.search(text)
        if destination:
            adjectives, noun = _phrase_head(text, destination.start(3))
            if len(noun) >= 3 and noun not in _NOT_PLACES and noun not in TIME_WORDS:
                return self._place(destination.group(2), adjectives, noun, destination.group(1), sentence)
        if _OUT_TO_SEA.search(text) and not _LOOKING.search(text[: _OUT_TO_SEA.search(text).start()]):
            return self._place("the", [], "sea", "", sentence)  # "rows out through the fog", "At sea, ..."
        looking = _LOOKING.search(text)
        ranked: list[tuple[int, int, re.Match[str], str]] = []
        for match in _PLACE.finditer(text):
            before, determiner, adjectives, noun = match.groups()
            at_start = all(w in _SCENE_SETTERS for w in re.findall(r"[a-z]+", text[: match.start()]))
            before = before if before in ARRIVAL_WORDS or not at_start else (before or "")
            arrives = at_start or (before or "") in ARRIVAL_WORDS or (before or "") in _SCENE_SETTERS
            if nobody and determiner == "the" and noun not in _VEHICLES and _JUMP.search(text):
                arrives = arrives or _opens_a_clause(text[: match.start()], before or "")
            if before == "from" or not (arrives or current is None):
                continue
            if looking and looking.start() < match.start() and not at_start:
                continue
            if re.match(rf"'s?\s|\s+(?:{_NOUNS})\b", text[match.end() :]):
                continue  # "a lighthouse keeper's daughter": a place that names a trade or an owner is not where we are
            if match.start() == 0 and noun in _VEHICLES and not text[match.end() :].lstrip().startswith(("is", "was")):
                continue  # "The boat turns away from the reef": a boat that acts is a thing, not where we are
            # Where a sentence opens, then where someone goes ('up the cliff path to the lighthouse'), then the first.
            rank = 0 if at_start else 1 if before in _TOWARD else 2 if arrives else 3
            ranked.append((rank, match.start(), match, before or ""))
        for _, _, match, before in sorted(ranked, key=lambda r: (r[0], r[1])):
            place = self._place(match.group(2), match.group(3).split(), match.group(4), before, sentence)
            if place is not None:
                return place
        return None

    def _place(
        self, determiner: str, adjectives: list[str], noun: str, before: str, sentence: Sentence
    ) -> Place | None:
        place_id = slug(noun, "place")
        if place_id not in self.places:
            if len(self.places) >= MAX_PLACES:
                return None
            determiner = "the" if determiner in ("a", "an") else determiner
            name = " ".join([determiner, *adjectives[-1:], noun])
            interior = (noun in INTERIOR_PLACES or before in ("inside", "within")) and before != "outside"
            self.places[place_id] = Place(id=place_id, name=name, interior=interior, description=sentence.text[:300])
        return self.places[place_id]


# Words that take the story elsewhere in time or space: with one, a place opening a clause is a cut to it.
_JUMP = re.compile(
    rf"\b(?:{'|'.join(sorted(TIME_WORDS, key=len, reverse=True))}|later|meanwhile|elsewhere|far off|far away|"
    r"in the distance|across (?:the )?(?:town|city|valley|bay|river|sea)|back (?:at|in)|by then|soon)\b"
)
_CLAUSE_JOINERS = {"and", "while", "as", "when", "but", "until", "then", "where", "meanwhile"}


def _opens_a_clause(before_text: str, before_word: str) -> bool:
    """True when what stands before a place ends a clause: a joining word ('and the town wakes') or a
    comma ('Far off, the harbour lights go out')."""
    return before_word in _CLAUSE_JOINERS or not before_word and before_text.rstrip().endswith((",", ";", ":"))


_PHRASE_ENDS = {
    "of", "and", "or", "but", "to", "in", "on", "at", "by", "with", "from", "into", "onto", "toward", "towards",
    "where", "while", "as", "when", "that", "which", "who", "for", "under", "over", "near", "beside", "past",
    "through", "across", "behind", "then", "again", "alone", "together", "home", "once", "until", "before",
    "after", "she", "he", "they", "it", "we", "i", "you", "is", "was", "are", "were", "now", "today", "tonight",
    "just", "so", "because", "if", "though", "below", "above", "outside", "inside", "around", "along", "s",
}  # fmt: skip


def _phrase_head(text: str, start: int) -> tuple[list[str], str]:
    """The words before a place's noun and the noun, from the word after its determiner: the noun is the
    last word a place can be named by, else the phrase's last word ('toward the frozen river' -> river,
    not 'frozen'; 'to the cliff path' -> cliff)."""
    words: list[str] = []
    for match in re.finditer(r"[a-z][a-z-]*(?:'s)?|[^a-z\s]", text[start:]):
        word = match.group(0)
        stops = not word[0].isalpha() or word in _PHRASE_ENDS or "'" in word
        if len(words) >= 3 or stops or words and word.endswith(("ly", "ing")) and word not in PLACE_NOUNS:
            break
        words.append(word)
    if not words:
        return [], ""
    known = [i for i, w in enumerate(words) if w in PLACE_NOUNS]
    head = known[-1] if known else len(words) - 1
    return words[:head], words[head]


_MOTION = (
    r"(?:walks|walked|runs|ran|rows|rowed|sails|sailed|drives|drove|rides|rode|climbs|climbed|goes|went|returns|"
    r"returned|hurries|hurried|races|raced|heads|headed|flies|flew|swims|swam|wanders|wandered|steps|stepped|"
    r"comes|came|arrives|arrived|creeps|crept|crawls|crawled|travels|travelled|traveled|marches|marched|limps|"
    r"limped|stumbles|stumbled|dashes|dashed|rushes|rushed|follows|followed|hikes|hiked|paddles|paddled|"
    r"slips|slipped|sneaks|sneaked|trudges|trudged|carries|carried|leads|led|brings|brought|gets|got|moves|moved|"
    r"escapes|escaped|flees|fled|dives|dived|jumps|jumped|wades|waded|set off|sets off|makes (?:her|his|their) way|"
    r"enters|entered)"
)
_DESTINATION = re.compile(
    rf"\b{_MOTION}\s+(?:[a-z]+\s+){{0,3}}?(out to|up to|down to|back to|over to|to|into|towards?|inside|onto|"
    rf"aboard)\s+(the|a|an|her|his|their)\s+((?:[a-z-]+(?:'s)?\s+){{0,2}}?)([a-z]{{3,}})\b(?!')"
)
_REACHES = re.compile(
    r"\b(enters|entered|reaches|reached|approaches|approached)\s+(the|a|an|her|his|their)\s+"
    r"((?:[a-z-]+(?:'s)?\s+){0,2}?)([a-z]{3,})\b(?!')"
)
_OPENING_PLACE = re.compile(
    r"^\s*(?:(?:up|down|out|back|deep|far|high|later|then|meanwhile|inside|outside)\s+)?"
    r"(?:at|in|inside|outside|by|on|aboard|beside|near|under|within)\s+"
    r"(the|a|an|her|his|their)\s+((?:[a-z-]+\s+){0,2}?)([a-z]{3,})\s*,"
)
# Out on the water with no destination named: rowing or sailing out, a scene set at sea. Someone
# only spoken of ("her father is away at sea") does not take the story there.
_OUT_TO_SEA = re.compile(
    r"(?<!away )(?<!is )(?<!was )(?<!were )(?<!are )\b(?:at sea|out to sea|on the open sea|"
    r"(?:rows?|rowed|rowing|sails?|sailed|sailing|paddles?|paddled|paddling|steers?|steered|puts?|pushe[sd]|push)"
    r"\s+(?:(?:the|her|his|their|a|an)\s+(?:[a-z]+\s+)?(?:boat|dinghy|skiff|canoe|ship)\s+)?(?:out|off)\b(?!\s+of\b))"
)
_LOOKING = re.compile(
    r"\b(?:looks?|looked|looking|gazes?|gazed|stares?|stared|watches|watched|sees|saw|peers?|peered|glances?|"
    r"glanced|overlooking|dreams?|dreamed|thinks?|thought|remembers?|remembered|points?|pointed|"
    r"window (?:onto|over|on|to|at)|out of the window)\b"
)
_NOT_PLACES = {
    "door", "window", "table", "bed", "fire", "fireplace", "edge", "end", "top", "bottom", "side", "front",
    "back", "light", "middle", "centre", "center", "corner", "floor", "wall", "ground", "sky", "dark",
    "darkness", "distance", "silence", "rain", "snow", "wind", "storm", "fog", "mist", "sun", "moon", "stars",
    "meantime", "morning", "evening", "night", "hand", "hands", "arms", "feet", "head", "face", "eyes",
    "way", "rest", "others", "other", "man", "woman", "boy", "girl", "same", "first", "last", "next", "line",
    "finish", "start", "race", "game", "chair", "bench", "desk", "counter", "stove", "sink", "box", "trunk",
    "chest", "bag", "basket", "cup", "glass", "bottle", "book", "letter", "lamp", "lantern", "clock", "moth",
    "surface", "crowd", "nest", "gate", "music", "noise", "sound", "voice", "truth", "news",
    *CHARACTER_NOUNS,
}  # fmt: skip


_VEHICLES = {"boat", "ship", "car", "train", "bus", "plane"}
_TOWARD = {"to", "into", "towards", "toward", "onto", "reaches", "enters", "inside", "aboard", "approaches"}
_SCENE_SETTERS = {
    "up",
    "down",
    "back",
    "inside",
    "outside",
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

"""The words memory reads people and things by: which words name the same colour, garment or
animal ("crimson" is red, a "mac" is a raincoat, a "pup" is a dog), which say a character's
gender and kind (person, animal, creature, thing), and which carry nothing.

Pure tables and two small functions; no model, no chromadb. Kept apart from the recall code
so a new word is a one-line change. Every entry is lower case and looked up by whole word.
"""

from __future__ import annotations

import re
from functools import lru_cache

# fmt: off

# Canonical word -> the words people use for it. A word may belong to several groups
# ("little" is small and young). The canonical word is what both query and memory become.
SYNONYMS: dict[str, tuple[str, ...]] = {
    # Colours: families, so any shade finds its colour and the colour finds its shades.
    "red": ("crimson", "scarlet", "ruby", "cherry", "vermilion", "vermillion", "maroon", "burgundy", "claret",
            "carmine", "cardinal", "wine", "blood", "cerise", "russet", "brick", "rouge", "reddish"),
    "pink": ("rose", "rosy", "salmon", "fuchsia", "magenta", "coral", "blush", "pinkish"),
    "orange": ("ginger", "amber", "tangerine", "apricot", "copper", "rust", "rusty", "peach", "orangey"),
    "yellow": ("gold", "golden", "mustard", "lemon", "canary", "saffron", "straw", "butter", "yellowish"),
    "green": ("emerald", "olive", "lime", "jade", "moss", "mossy", "sage", "mint", "bottle", "greenish"),
    "blue": ("navy", "azure", "cobalt", "sapphire", "indigo", "cyan", "teal", "turquoise", "cerulean", "sky",
             "denim", "bluish"),
    "purple": ("violet", "lilac", "lavender", "mauve", "plum", "amethyst", "aubergine", "purplish"),
    "brown": ("tan", "chestnut", "chocolate", "coffee", "beige", "khaki", "bronze", "auburn", "hazel", "brunette",
              "tawny", "brownish"),
    "black": ("ebony", "jet", "raven", "coal", "inky", "sable", "pitch"),
    "white": ("ivory", "snow", "snowy", "cream", "milky", "pearl", "alabaster"),
    "grey": ("gray", "silver", "silvery", "ash", "ashen", "slate", "charcoal", "pewter", "grizzled", "greyish",
             "grayish", "hoary"),
    "blond": ("blonde", "fair", "flaxen", "towheaded"),
    # Garments and features.
    "raincoat": ("mac", "mackintosh", "slicker", "oilskin", "oilskins", "waterproof", "waterproofs", "anorak",
                 "poncho"),
    "coat": ("overcoat", "greatcoat", "topcoat", "trenchcoat", "parka"),
    "jacket": ("blazer", "windbreaker", "bomber"),
    "cloak": ("cape", "mantle", "shawl"),
    "hat": ("cap", "bonnet", "beret", "beanie", "fedora", "bowler", "helmet", "hood"),
    "dress": ("gown", "frock", "skirt"),
    "sweater": ("jumper", "pullover", "cardigan", "hoodie", "sweatshirt"),
    "suit": ("tuxedo", "tux"),
    "boots": ("boot", "wellies", "wellingtons", "galoshes"),
    "glasses": ("spectacles", "specs", "eyeglasses", "monocle", "goggles"),
    "beard": ("bearded", "whiskers", "whiskered", "goatee", "stubble", "bristles"),
    "moustache": ("mustache", "moustached", "mustached"),
    "hair": ("haired", "locks", "curls", "braids", "plaits", "ponytail", "mane"),
    "headphones": ("earphones", "earbuds", "headset"),
    "bicycle": ("bike", "cycle"),
    # Who, by the words for a woman or a man.
    "woman": ("lady", "female", "dame", "madam"),
    "man": ("gentleman", "guy", "fellow", "chap", "male", "bloke", "gent"),
    # Age and build.
    "young": ("little", "youthful", "teenage", "teenager", "teen", "kid", "child", "youngster", "juvenile",
              "puppy", "pup", "kitten", "cub", "foal", "calf", "chick", "baby", "toddler", "girl", "boy", "lad",
              "lass"),
    "small": ("little", "tiny", "short", "petite", "wee", "miniature", "slight"),
    "big": ("large", "huge", "giant", "enormous", "massive", "burly", "hulking", "fat", "stout", "plump"),
    "tall": ("lanky", "towering", "lofty"),
    "old": ("elderly", "aged", "ancient", "senior", "wizened", "grandmother", "grandfather", "granny",
            "grandma", "grandpa", "gran", "granddad", "grandad", "widow", "widower"),
    # People by role.
    "doctor": ("physician", "medic", "surgeon", "doc"),
    "fisherman": ("fisher", "fishes", "fishing", "angler", "trawlerman"),
    "sailor": ("seaman", "mariner", "seafarer", "deckhand"),
    "police": ("policeman", "policewoman", "officer", "constable", "cop", "detective", "inspector"),
    "soldier": ("trooper", "warrior", "guard", "sentry"),
    "teacher": ("schoolteacher", "tutor", "schoolmaster", "schoolmistress"),
    "mother": ("mum", "mom", "mama", "mummy", "mommy", "ma"),
    "father": ("dad", "papa", "daddy", "pa"),
    "grandmother": ("granny", "grandma", "gran", "nan", "nana"),
    "grandfather": ("grandpa", "granddad", "grandad", "gramps"),
    # Places.
    "forest": ("woods", "woodland", "woodlands", "grove", "thicket", "jungle", "pines"),
    "harbour": ("harbor", "port", "docks", "dock", "quay", "quays", "wharf", "marina"),
    "beach": ("shore", "seaside", "seashore", "coast", "sands", "strand"),
    "sea": ("ocean", "waves"),
    "river": ("stream", "brook", "creek"),
    "cliff": ("headland", "bluff", "crag", "clifftop"),
    "hospital": ("clinic", "infirmary", "ward", "sickroom"),
    "station": ("railway", "depot", "terminus"),
    "church": ("chapel", "cathedral", "abbey"),
    "house": ("home", "cottage", "cabin", "hut"),
    "shop": ("store", "boutique"),
    "street": ("road", "lane", "alley", "avenue"),
    "castle": ("palace", "fortress", "keep"),
    # Animals and creatures.
    "dog": ("puppy", "pup", "hound", "terrier", "mutt", "spaniel", "collie", "poodle", "sheepdog", "retriever",
            "labrador", "dachshund", "beagle", "doggy", "cur"),
    "cat": ("kitten", "kitty", "tomcat", "moggy", "puss", "pussycat", "tabby"),
    "rabbit": ("hare", "bunny"),
    "tortoise": ("turtle", "terrapin"),
    "horse": ("pony", "mare", "stallion", "foal", "colt", "filly", "steed", "nag"),
    "bird": ("sparrow", "robin", "crow", "raven", "gull", "seagull", "pigeon", "dove", "owl", "hawk", "eagle",
             "blackbird", "wren", "finch", "magpie", "parrot", "chick"),
    "mouse": ("mice", "rat", "vole"),
    "cow": ("cattle", "bull", "ox", "calf", "heifer"),
    "seal": ("walrus", "selkie"),
    "monster": ("troll", "ogre", "beast", "brute", "goblin", "demon", "fiend"),
    "ghost": ("spirit", "phantom", "spectre", "specter", "spook", "wraith"),
}

# Words that say a character is a woman or a man, which a query about "the woman" must match.
FEMALE_WORDS = frozenset({
    "woman", "women", "lady", "ladies", "girl", "lass", "lassie", "female", "she", "her", "hers", "herself",
    "mother", "mum", "mom", "mama", "daughter", "sister", "wife", "bride", "widow", "queen", "princess", "aunt",
    "niece", "grandmother", "granny", "grandma", "gran", "nan", "nana", "madam", "mrs", "miss", "ms", "nun",
    "actress", "waitress", "heroine", "maid", "maiden", "matron", "witch", "fisherwoman", "policewoman",
    "schoolmistress", "duchess", "empress", "goddess", "mistress", "girlfriend", "stepmother", "housewife",
    "landlady", "sorceress", "hostess", "mermaid",
})
MALE_WORDS = frozenset({
    "man", "men", "gentleman", "guy", "fellow", "chap", "lad", "boy", "male", "he", "him", "his", "himself",
    "father", "dad", "papa", "son", "brother", "husband", "groom", "widower", "king", "prince", "uncle",
    "nephew", "grandfather", "grandpa", "granddad", "grandad", "sir", "mr", "monk", "priest", "actor", "waiter",
    "hero", "lord", "duke", "emperor", "god", "boyfriend", "stepfather", "landlord", "wizard", "sorcerer",
    "fisherman", "policeman", "seaman", "schoolmaster", "cowboy", "host", "harbourmaster", "stationmaster",
    "postman", "milkman", "fireman", "watchman", "ferryman", "boatman", "huntsman", "woodsman", "woodcutter",
})

# Nouns that make a character a person, an animal, a creature or a thing.
PERSON_WORDS = frozenset({
    "person", "people", "human", "keeper", "fisher", "sailor", "captain", "stranger", "soldier", "detective",
    "officer", "doctor", "physician", "nurse", "teacher", "student", "pupil", "child", "kid", "baby", "toddler",
    "teenager", "teen", "youth", "knight", "farmer", "baker", "thief", "guard", "driver", "pilot", "hunter",
    "traveller", "traveler", "musician", "singer", "dancer", "shopkeeper", "neighbour", "neighbor", "bartender",
    "sheriff", "astronaut", "engineer", "scientist", "clerk", "courier", "poet", "painter", "artist", "writer",
    "merchant", "trader", "servant", "cook", "chef", "miller", "tailor", "shepherd", "peasant", "beggar",
    "orphan", "friend", "villager", "pirate", "explorer", "inventor", "clockmaker", "carpenter", "smith",
    "blacksmith", "lawyer", "judge", "mayor", "minister", "passenger", "medic", "surgeon",
    "cousin", "parent", "grandparent", "sibling", "twin", "spouse", "partner", "adult", "elder", "boss",
    "worker", "miner", "climber", "runner", "rider", "swimmer", "fishmonger", "vendor", "nanny", "governess",
}) | FEMALE_WORDS - {"she", "her", "hers", "herself", "mermaid"} | MALE_WORDS - {"he", "him", "his", "himself"}
ANIMAL_WORDS = frozenset({
    "animal", "dog", "puppy", "pup", "hound", "terrier", "mutt", "spaniel", "collie", "poodle", "sheepdog",
    "retriever", "labrador", "beagle", "cat", "kitten", "kitty", "tomcat", "tabby", "hare", "rabbit", "bunny",
    "tortoise", "turtle", "fox", "vixen", "wolf", "bear", "cub", "owl", "horse", "pony", "mare", "stallion",
    "foal", "donkey", "mule", "cow", "calf", "bull", "ox", "pig", "piglet", "sheep", "lamb", "ram", "goat",
    "hen", "chicken", "rooster", "cockerel", "duck", "duckling", "goose", "swan", "bird", "sparrow",
    "robin", "crow", "raven", "gull", "seagull", "pigeon", "dove", "hawk", "eagle", "magpie", "parrot", "finch",
    "mouse", "rat", "squirrel", "hedgehog", "badger", "otter", "beaver", "deer", "stag", "doe", "fawn", "elk",
    "moose", "lion", "lioness", "tiger", "elephant", "monkey", "ape", "giraffe", "zebra", "camel", "whale",
    "dolphin", "seal", "walrus", "shark", "fish", "crab", "lobster", "frog", "toad", "snake", "lizard",
    "crocodile", "bee", "ant", "grasshopper", "cricket", "butterfly", "moth", "spider", "beetle", "snail",
    "worm", "bat", "penguin", "reindeer", "kangaroo", "koala", "panda", "hippo", "rhino",
})
CREATURE_WORDS = frozenset({
    "creature", "troll", "ogre", "dragon", "giant", "goblin", "elf", "dwarf", "fairy", "pixie", "sprite", "imp",
    "gnome", "monster", "beast", "ghost", "spirit", "phantom", "spectre", "specter", "wraith", "demon", "angel",
    "vampire", "werewolf", "mermaid", "merman", "unicorn", "griffin", "phoenix", "alien", "zombie",
    "genie", "selkie", "kraken", "yeti", "golem", "changeling", "banshee", "centaur",
})
THING_WORDS = frozenset({
    "thing", "object", "robot", "machine", "android", "clock", "lamp", "lantern", "toy", "doll", "puppet",
    "teddy", "car", "train", "boat", "ship", "kettle", "teapot", "candle", "mirror", "chair", "statue",
    "scarecrow", "snowman", "balloon", "kite", "tree", "rock", "stone",
})

# Words that carry nothing about who or what is meant.
STOP_WORDS = frozenset({
    "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "by", "for", "from", "with", "without", "into",
    "onto", "about", "is", "are", "was", "were", "be", "been", "who", "whom", "whose", "which", "that", "this",
    "these", "those", "one", "ones", "someone", "somebody", "it", "its", "they", "them", "their", "s", "wears",
    "wearing", "wear", "worn", "dressed", "has", "have", "had", "always", "now", "very", "all", "any", "some",
    "where", "when", "what", "there", "here", "up", "down", "out", "over", "under", "as", "than", "then", "so",
    "our", "my", "your", "we", "you", "i", "me", "us", "do", "does", "did", "not", "no", "just", "also",
    "she", "he", "her", "him", "his", "hers", "traits", "kind",
})

KINDS = ("person", "animal", "creature", "thing")
"""What a character is, from the words that say so."""

# fmt: on

_WORD = re.compile(r"[a-z]+(?:'s\b)?")
_CANONICAL: dict[str, tuple[str, ...]] = {}
for _canon, _variants in SYNONYMS.items():
    for _variant in (_canon, *_variants):
        _CANONICAL[_variant] = (*_CANONICAL.get(_variant, ()), _canon)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str, *, possessives: bool = True) -> list[str]:
    """The lower-case words of a text in order; with `possessives=False` a word before "'s" is
    left out ("the keeper's daughter" is a daughter, not a keeper)."""
    found = _WORD.findall(text.lower().replace("\u2019", "'"))
    return [w.removesuffix("'s") for w in found if possessives or not w.endswith("'s")]


def terms(text: str) -> set[str]:
    """The words of a text that can tell one memory from another, each reduced to the word every
    synonym shares ("crimson" and "scarlet" are both "red"; "bearded" is "beard")."""
    found: set[str] = set()
    for word in words(text):
        found.update(_word_terms(word))
    return found


@lru_cache(maxsize=65536)
def _word_terms(word: str) -> tuple[str, ...]:
    # Per word, cached: recall reads the same few thousand words in every document it re-ranks.
    if word in STOP_WORDS:
        return ()
    canon = _CANONICAL.get(word) or _CANONICAL.get(_singular(word))
    if not canon:
        return (_singular(word),)
    if word in FEMALE_WORDS or word in MALE_WORDS:
        return (*canon, _singular(word))  # "mother" is also the word "mother", not only old/young
    return canon


def gender_of(text: str) -> str:
    """'female' or 'male' from the first word in the text that says so (a possessive does not:
    "the fisherman's daughter" is female), else ''."""
    for word in words(text, possessives=False):
        if word in FEMALE_WORDS:
            return "female"
        if word in MALE_WORDS:
            return "male"
    return ""


def kind_of(text: str) -> str:
    """'person', 'animal', 'creature' or 'thing' from the first noun in the text that says so,
    else ''. "an old woman who feeds the animals" is a person: the first noun decides."""
    for word in words(text, possessives=False):
        for candidate in (word, _singular(word)):
            if candidate in CREATURE_WORDS:
                return "creature"
            if candidate in ANIMAL_WORDS:
                return "animal"
            if candidate in THING_WORDS:
                return "thing"
            if candidate in PERSON_WORDS:
                return "person"
    return ""

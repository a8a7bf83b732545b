"""Word lists the offline director reads stories and commands with.

Kept apart from the code that uses them so a new word is a one-line change. Every list is
lower case; lookups are by whole word.
"""

from __future__ import annotations

from story import Angle, Movement, ShotSize, TimeOfDay, Transition
from story.model import Expression, Pose, PropPlace, Weather

# fmt: off

# Time of day ------------------------------------------------------------------------------

TIME_WORDS: dict[str, TimeOfDay] = {
    "dawn": TimeOfDay.DAWN, "daybreak": TimeOfDay.DAWN, "sunrise": TimeOfDay.DAWN, "first light": TimeOfDay.DAWN,
    "morning": TimeOfDay.MORNING, "breakfast": TimeOfDay.MORNING, "day": TimeOfDay.DAY, "daytime": TimeOfDay.DAY,
    "daylight": TimeOfDay.DAY, "noon": TimeOfDay.DAY, "midday": TimeOfDay.DAY, "afternoon": TimeOfDay.AFTERNOON,
    "dusk": TimeOfDay.DUSK, "sunset": TimeOfDay.DUSK, "twilight": TimeOfDay.DUSK, "nightfall": TimeOfDay.DUSK,
    "evening": TimeOfDay.EVENING, "night": TimeOfDay.NIGHT, "midnight": TimeOfDay.NIGHT,
    "tonight": TimeOfDay.NIGHT,
}

# People and places ---------------------------------------------------------------------------

# Nouns that make "an old fisherman" a character. Gender is a hint for "she"/"he".
PERSON_NOUNS: dict[str, str] = {
    "man": "m", "woman": "f", "boy": "m", "girl": "f", "child": "", "kid": "", "baby": "", "fisherman": "m",
    "fisherwoman": "f", "keeper": "", "sailor": "", "captain": "", "stranger": "", "soldier": "", "detective": "",
    "officer": "", "doctor": "", "nurse": "", "teacher": "", "student": "", "mother": "f", "father": "m",
    "grandmother": "f", "grandfather": "m", "sister": "f", "brother": "m", "daughter": "f", "son": "m",
    "wife": "f", "husband": "m", "king": "m", "queen": "f", "prince": "m", "princess": "f", "witch": "f",
    "wizard": "m", "knight": "", "farmer": "", "baker": "", "thief": "", "guard": "", "driver": "", "waiter": "",
    "waitress": "f", "priest": "m", "nun": "f", "pilot": "", "robot": "", "ghost": "", "hunter": "",
    "traveller": "", "traveler": "", "musician": "", "singer": "", "dancer": "", "lady": "f", "gentleman": "m",
    "stationmaster": "", "harbourmaster": "", "shopkeeper": "", "neighbour": "", "neighbor": "", "widow": "f",
    "bartender": "", "sheriff": "", "cowboy": "m", "astronaut": "", "engineer": "", "scientist": "", "fox": "",
    "wolf": "", "bear": "", "owl": "", "dog": "", "cat": "", "horse": "", "dragon": "", "monk": "m", "clerk": "",
    "courier": "", "poet": "",
}

# Adjectives kept in an unnamed character's id ("old-fisherman"): they tell people apart.
PERSON_ADJECTIVES = {
    "old", "young", "little", "elderly", "tall", "short", "small", "big", "thin", "fat", "blind", "bearded",
    "grey-haired", "pale", "tired", "lonely", "wounded", "mysterious", "tiny", "giant", "masked",
}

AGE_WORDS: dict[str, str] = {
    "old": "old", "elderly": "old", "aged": "old", "ancient": "old", "young": "young", "little": "child",
    "tiny": "child", "teenage": "teen", "middle-aged": "middle-aged",
}
AGE_OF_NOUN: dict[str, str] = {
    "girl": "child", "boy": "child", "child": "child", "kid": "child", "baby": "baby", "grandmother": "old",
    "grandfather": "old", "widow": "old",
}

PLACE_NOUNS = {
    "lighthouse", "harbour", "harbor", "kitchen", "beach", "shore", "cliff", "cliffs", "forest", "woods", "street",
    "house", "cottage", "room", "bedroom", "office", "bar", "pub", "station", "platform", "church", "school",
    "classroom", "village", "town", "city", "boat", "ship", "deck", "pier", "dock", "jetty", "field", "garden",
    "road", "market", "cafe", "café", "diner", "hospital", "apartment", "flat", "studio", "attic", "cellar",
    "basement", "corridor", "hallway", "hall", "library", "shop", "bakery", "restaurant", "cabin", "tent", "camp",
    "bridge", "river", "lake", "mountain", "valley", "desert", "castle", "tower", "palace", "temple", "cave",
    "alley", "rooftop", "roof", "park", "square", "farm", "barn", "stable", "saloon", "jail", "warehouse",
    "factory", "lab", "laboratory", "cockpit", "airlock", "ward", "theatre", "theater", "stage", "museum", "hotel",
    "lobby", "lounge", "garage", "yard", "playground", "car", "train", "bus", "plane", "graveyard", "cemetery",
    "chapel", "mansion", "manor", "study", "parlour", "parlor", "dining room", "living room", "bathroom",
    "stairwell", "quay", "wharf", "marsh", "moor", "meadow", "orchard", "glade", "clearing", "island", "port",
    "sea", "ocean", "bay", "wreck",
}
INTERIOR_PLACES = {
    "kitchen", "room", "bedroom", "office", "bar", "pub", "church", "classroom", "cafe", "café", "diner",
    "hospital", "apartment", "flat", "studio", "attic", "cellar", "basement", "corridor", "hallway", "hall",
    "library", "shop", "bakery", "restaurant", "cabin", "tent", "saloon", "jail", "warehouse", "factory", "lab",
    "laboratory", "cockpit", "airlock", "ward", "theatre", "theater", "museum", "hotel", "lobby", "lounge",
    "garage", "car", "train", "bus", "plane", "chapel", "study", "parlour", "parlor", "dining room", "living room",
    "bathroom", "stairwell", "house", "cottage", "mansion", "manor", "barn",
}
# Words before a place that mean "we are now there" (not "she looks at it").
ARRIVAL_WORDS = {
    "at", "in", "into", "inside", "to", "toward", "towards", "onto", "on", "reaches", "enters", "across", "along",
    "through", "outside", "within", "beside", "near", "by", "under", "over", "up", "down", "atop", "of", "unlocks",
    "approaches", "leaves", "opens", "around", "behind", "aboard",
}

# Words that are capitalised but never a character's name.
NOT_NAMES = {
    "the", "a", "an", "and", "but", "or", "so", "then", "when", "while", "as", "at", "in", "on", "by", "of", "to",
    "for", "with", "from", "into", "after", "before", "later", "soon", "now", "suddenly", "finally", "meanwhile",
    "outside", "inside", "there", "here", "it", "its", "he", "she", "they", "we", "i", "you", "his", "her",
    "their", "our", "my", "your", "him", "them", "us", "me", "this", "that", "these", "those", "one", "two",
    "three", "some", "no", "not", "yes", "every", "each", "all", "far", "near", "out", "up", "down", "title",
    "genre", "tone", "logline", "style", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "god", "christmas", "where", "what", "who", "why", "how", "if", "once", "until",
    "above", "below", "behind", "beyond", "across", "through", "together", "alone", "again", "still", "just",
    "only", "even", "perhaps", "maybe", "somewhere", "someone", "something", "nobody", "nothing", "everyone",
    "everything", "int", "ext", "fade", "cut", "dissolve", "ok", "okay", "oh", "hello", "hey", "please", "thanks",
    "sorry", "mr", "mrs", "ms", "dr", "sir", "madam", "english", "french", "back", "over", "under", "around",
    "without",
}
TITLES = {
    "captain", "doctor", "dr", "mr", "mrs", "ms", "miss", "detective", "officer", "sister", "father", "aunt",
    "uncle", "professor", "lady", "lord", "sir", "king", "queen", "prince", "princess", "commander", "sheriff",
    "grandma", "grandpa", "granny", "nurse", "agent", "coach", "chief", "general", "colonel", "sergeant",
    "inspector", "judge", "mayor", "brother", "mother", "saint", "auntie", "madame", "monsieur", "señor",
}

FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
MALE_PRONOUNS = {"he", "him", "his", "himself"}
PLURAL_PRONOUNS = {"they", "them", "their", "together", "both"}

# Looks --------------------------------------------------------------------------------------

COLOURS = {
    "red", "blue", "green", "yellow", "black", "white", "grey", "gray", "brown", "orange", "purple", "pink",
    "silver", "gold", "golden", "navy", "crimson", "scarlet", "dark", "pale", "faded", "blond", "blonde", "auburn",
    "ginger", "tan", "beige", "violet", "teal", "olive", "maroon", "cream", "ivory",
}
GARMENTS = {
    "coat", "jacket", "scarf", "hat", "dress", "shirt", "boots", "cap", "cloak", "sweater", "jumper", "raincoat",
    "oilskin", "gloves", "hood", "uniform", "apron", "shawl", "glasses", "trousers", "suit", "tie", "skirt",
    "vest", "gown", "robe", "helmet", "mask", "overalls", "cardigan", "hoodie", "beret", "bandana", "poncho",
    "trenchcoat", "shoes", "sneakers", "spacesuit", "armour", "armor",
}
HAIR_WORDS = {"hair", "beard", "moustache", "mustache", "braid", "braids", "curls"}
HAIR_ADJECTIVES = COLOURS | {"curly", "long", "short", "wild", "straight", "messy", "thin", "thick", "cropped"}
BUILD_WORDS = {"tall", "short", "thin", "slight", "stocky", "broad", "heavy", "lanky", "small", "big"}

# Story sense --------------------------------------------------------------------------------

SPEECH_VERBS = {
    "says", "said", "asks", "asked", "whispers", "whispered", "shouts", "shouted", "calls", "called", "replies",
    "replied", "answers", "answered", "cries", "mutters", "muttered", "murmurs", "murmured", "yells", "yelled",
    "says,", "tells", "told", "adds", "added", "snaps", "snapped", "laughs", "sighs", "begs", "pleads", "insists",
    "admits", "warns", "screams", "sobs", "breathes", "growls", "whimpers",
}
EMOTION_WORDS = {
    "tremble", "weep", "smile", "shiver", "sob", "cries", "cry", "crying", "weeps", "weeping", "tears", "tearful",
    "sobs", "sobbing", "smiles", "smiling", "grins", "laughs", "laughing", "trembles", "trembling", "shivers",
    "shivering", "afraid", "scared", "fear", "terrified", "frightened", "gasps", "stares", "realises", "realizes",
    "heartbroken", "grief", "joy", "relief", "relieved", "hope", "hopes", "angry", "furious", "rage", "lonely",
    "ashamed", "blushes", "frowns", "winces", "panic", "panics", "startled", "shocked", "longs", "misses",
    "remembers", "loves", "hates", "worried", "anxious", "nervous", "tender", "quietly",
}
MOVEMENT_VERBS: dict[str, Movement] = {
    "walks": Movement.TRACKING, "runs": Movement.TRACKING, "races": Movement.TRACKING, "chases": Movement.HANDHELD,
    "flees": Movement.HANDHELD, "rows": Movement.TRACKING, "drives": Movement.TRACKING, "rides": Movement.TRACKING,
    "follows": Movement.TRACKING, "climbs": Movement.TILT_UP, "rises": Movement.TILT_UP,
    "falls": Movement.TILT_DOWN, "sinks": Movement.TILT_DOWN, "collapses": Movement.HANDHELD,
    "fights": Movement.HANDHELD, "struggles": Movement.HANDHELD, "stumbles": Movement.HANDHELD,
    "crosses": Movement.PAN_RIGHT, "enters": Movement.PAN_LEFT, "leaves": Movement.PAN_RIGHT,
    "descends": Movement.CRANE_DOWN,
}
ANGLE_HINTS: dict[str, Angle] = {
    "towers": Angle.LOW, "looms": Angle.LOW, "looks up": Angle.LOW, "looks down": Angle.HIGH,
    "from above": Angle.OVERHEAD, "below": Angle.HIGH,
}

GENRES: dict[str, set[str]] = {
    "mystery": {"detective", "clue", "murder", "suspect", "case", "investigate", "secret", "missing"},
    "thriller": {"chase", "gun", "spy", "bomb", "escape", "hunted", "danger", "heist", "pursue"},
    "horror": {"ghost", "blood", "scream", "haunted", "monster", "corpse", "terror", "shadow", "creaks"},
    "romance": {"love", "kiss", "heart", "date", "wedding", "romance", "lovers", "flowers"},
    "science fiction": {"robot", "spaceship", "planet", "station", "alien", "laser", "android", "airlock"},
    "fantasy": {"dragon", "wizard", "magic", "spell", "kingdom", "witch", "sword", "castle", "fairy"},
    "comedy": {"laughs", "joke", "silly", "clumsy", "prank", "giggles", "ridiculous", "oops"},
    "western": {"sheriff", "saloon", "cowboy", "horse", "desert", "outlaw", "revolver", "ranch"},
    "adventure": {"treasure", "journey", "map", "quest", "expedition", "island", "explore"},
}
TONES: dict[str, set[str]] = {
    "brooding": {"storm", "dark", "rain", "thunder", "black", "cold", "wind", "grey", "fog"},
    "hopeful": {"hope", "light", "home", "dawn", "saves", "safe", "together", "smiles", "warm"},
    "tense": {"fear", "afraid", "danger", "chase", "runs", "trembles", "scream", "gun", "panic"},
    "melancholy": {"tears", "grief", "alone", "lonely", "lost", "cries", "weeps", "remembers", "empty"},
    "playful": {"laughs", "giggles", "joke", "silly", "dances", "plays", "grins"},
    "tender": {"love", "holds", "hugs", "gently", "softly", "kiss", "embraces"},
    "eerie": {"ghost", "shadow", "whispers", "creaks", "silence", "fog", "haunted"},
}

# Commands -----------------------------------------------------------------------------------

# Longest phrases first so "extreme close-up" wins over "close-up".
SIZE_WORDS: list[tuple[str, ShotSize]] = [
    # plurals first ("shots 2 and 3 close-ups"): a phrase only matches as a whole word
    ("extreme close-ups", ShotSize.ECU), ("medium close-ups", ShotSize.MCU), ("close-ups", ShotSize.CU),
    ("close ups", ShotSize.CU), ("closeups", ShotSize.CU), ("wide shots", ShotSize.WS),
    ("extreme wide shots", ShotSize.EWS), ("medium shots", ShotSize.MS),
    ("extreme close-up", ShotSize.ECU), ("extreme close up", ShotSize.ECU), ("extreme closeup", ShotSize.ECU),
    ("medium close-up", ShotSize.MCU), ("medium close up", ShotSize.MCU), ("medium closeup", ShotSize.MCU),
    ("extreme wide", ShotSize.EWS), ("extreme long", ShotSize.EWS), ("establishing", ShotSize.EWS),
    ("medium wide", ShotSize.MWS), ("medium long", ShotSize.MWS), ("cowboy", ShotSize.MWS),
    ("close-up", ShotSize.CU), ("close up", ShotSize.CU), ("closeup", ShotSize.CU), ("medium", ShotSize.MS),
    ("mid shot", ShotSize.MS), ("mid-shot", ShotSize.MS), ("wide", ShotSize.WS), ("long shot", ShotSize.WS),
    ("full shot", ShotSize.WS), ("ecu", ShotSize.ECU), ("mcu", ShotSize.MCU), ("cu", ShotSize.CU),
    ("mws", ShotSize.MWS), ("ews", ShotSize.EWS), ("ms", ShotSize.MS), ("ws", ShotSize.WS),
]
ANGLE_WORDS: list[tuple[str, Angle]] = [
    ("low angle", Angle.LOW), ("low-angle", Angle.LOW), ("high angle", Angle.HIGH), ("high-angle", Angle.HIGH),
    ("overhead", Angle.OVERHEAD), ("bird's-eye", Angle.OVERHEAD), ("birds eye", Angle.OVERHEAD),
    ("bird's eye", Angle.OVERHEAD), ("top-down", Angle.OVERHEAD), ("top down", Angle.OVERHEAD),
    ("dutch", Angle.DUTCH), ("canted", Angle.DUTCH), ("eye level", Angle.EYE_LEVEL),
    ("eye-level", Angle.EYE_LEVEL), ("point of view", Angle.POV), ("pov", Angle.POV),
    ("over the shoulder", Angle.OVER_THE_SHOULDER), ("over-the-shoulder", Angle.OVER_THE_SHOULDER),
    ("ots", Angle.OVER_THE_SHOULDER),
    # where the camera is, said as a person would: above looks down (high), below looks up (low)
    ("from above", Angle.HIGH), ("from up high", Angle.HIGH), ("from high up", Angle.HIGH),
    ("looking down on", Angle.HIGH), ("look down on", Angle.HIGH), ("looking down at", Angle.HIGH),
    ("look down at", Angle.HIGH), ("from below", Angle.LOW), ("from down low", Angle.LOW),
    ("from the ground", Angle.LOW), ("looking up at", Angle.LOW), ("look up at", Angle.LOW),
    ("worm's-eye", Angle.LOW), ("worms eye", Angle.LOW), ("worm's eye", Angle.LOW),
    ("from straight above", Angle.OVERHEAD), ("from directly above", Angle.OVERHEAD), ("top shot", Angle.OVERHEAD),
    ("birdseye", Angle.OVERHEAD), ("over her shoulder", Angle.OVER_THE_SHOULDER),
    ("over his shoulder", Angle.OVER_THE_SHOULDER), ("over their shoulder", Angle.OVER_THE_SHOULDER),
    ("behind her shoulder", Angle.OVER_THE_SHOULDER), ("behind his shoulder", Angle.OVER_THE_SHOULDER),
    ("tilted", Angle.DUTCH), ("straight on", Angle.EYE_LEVEL), ("from her eyes", Angle.POV),
    ("from his eyes", Angle.POV), ("through her eyes", Angle.POV), ("through his eyes", Angle.POV),
    ("from her pov", Angle.POV), ("from his pov", Angle.POV), ("from their pov", Angle.POV),
]
MOVEMENT_WORDS: list[tuple[str, Movement]] = [
    ("push in", Movement.PUSH_IN), ("push-in", Movement.PUSH_IN), ("dolly in", Movement.PUSH_IN),
    ("zoom in", Movement.PUSH_IN), ("move in", Movement.PUSH_IN), ("pull out", Movement.PULL_OUT),
    ("pull-out", Movement.PULL_OUT), ("pull back", Movement.PULL_OUT), ("zoom out", Movement.PULL_OUT),
    ("dolly out", Movement.PULL_OUT), ("pan left", Movement.PAN_LEFT), ("pan right", Movement.PAN_RIGHT),
    ("tilt up", Movement.TILT_UP), ("tilt down", Movement.TILT_DOWN), ("dolly left", Movement.DOLLY_LEFT),
    ("dolly right", Movement.DOLLY_RIGHT), ("crane up", Movement.CRANE_UP), ("crane down", Movement.CRANE_DOWN),
    ("handheld", Movement.HANDHELD), ("hand-held", Movement.HANDHELD), ("shaky", Movement.HANDHELD),
    ("tracking", Movement.TRACKING), ("track", Movement.TRACKING), ("follow", Movement.TRACKING),
    ("static", Movement.STATIC), ("locked off", Movement.STATIC), ("locked-off", Movement.STATIC),
    ("still camera", Movement.STATIC), ("no movement", Movement.STATIC),
]
LENS_WORDS: list[tuple[str, int]] = [
    ("ultra wide lens", 14), ("wide-angle lens", 24), ("wide angle lens", 24), ("wide lens", 24), ("fisheye", 10),
    ("normal lens", 50), ("telephoto", 135), ("long lens", 100), ("portrait lens", 85),
    ("wide-angle", 24), ("wide angle", 24),
]
LENS_LADDER = [10, 14, 18, 24, 35, 50, 85, 100, 135, 200]
"""Focal lengths a lens said longer or wider steps along ('a longer lens' on a 35mm: 50mm)."""

# Everyday camera talk -----------------------------------------------------------------------
# What people say for where the camera is, how it moves, what the frame holds and the lens, in no
# film words: each phrase -> the shot field it sets and the value ("lens" steps LENS_LADDER).
# Read after the film words above, longest first; phrases that agree may be said together ("from
# the ground, looking up"); two that disagree are refused, never one picked.
EVERYDAY_CAMERA: list[tuple[str, str, object]] = [
    # where the camera is: below looks up (low), above looks down (high), straight down (overhead)
    *((p, "angle", Angle.LOW) for p in (
        "looking up", "look up", "from the ground up", "from the floor", "on the floor", "at floor level",
        "ground level", "low to the ground", "on the ground", "down low", "low down", "camera low", "low camera",
        "from beneath", "from underneath", "up at her", "up at him", "up at them", "get lower", "go lower",
        "camera lower", "lower camera", "from lower down", "go low", "get low", "lower the camera")),
    *((p, "angle", Angle.HIGH) for p in (
        "looking down", "look down", "up high", "high up", "camera high", "high camera", "from up above",
        "down on her", "down on him", "down on them", "from a height", "from the rafters", "get higher", "go higher",
        "camera higher", "higher camera", "from higher up", "go high", "raise the camera")),
    *((p, "angle", Angle.OVERHEAD) for p in (
        "looking straight down", "straight down", "from overhead", "from the sky", "god's eye", "gods eye",
        "god's-eye", "aerial", "drone shot", "from a drone")),
    *((p, "angle", Angle.DUTCH) for p in (
        "dutch tilt", "dutch angle", "canted angle", "crooked", "on a slant", "slanted", "askew", "off kilter",
        "off-kilter", "tilted frame", "tilt the horizon", "tilted horizon")),
    *((p, "angle", Angle.EYE_LEVEL) for p in ("at eye level", "level with her", "level with him", "head on",
                                              "head-on", "straight at her", "straight at him")),
    *((p, "angle", Angle.POV) for p in ("through her eyes", "as she sees it", "as he sees it", "what she sees",
                                        "what he sees", "subjective camera")),
    # how it moves
    *((p, "movement", Movement.STATIC) for p in (
        "steady", "steadier", "steady it", "steady the camera", "keep the camera still", "hold the camera still",
        "camera still", "hold still", "still frame", "tripod", "on a tripod", "on sticks", "lock off",
        "lock it off", "lock the camera", "not moving", "stop the camera moving", "no camera move")),
    # a move taken away: "lose the camera shake", "get rid of the wobble", "no movement"
    *((f"{verb} {the}{thing}", "movement", Movement.STATIC)
      for verb in ("lose", "remove", "drop", "no", "without", "get rid of", "kill", "stop", "take out", "less")
      for the in ("the ", "the camera ", "camera ", "that ", "any ", "")
      for thing in ("shake", "shaking", "shaky", "wobble", "wobbly", "wobbling", "jitter", "jittery", "movement",
                    "move", "moving", "motion",
                    "handheld", "camera move", "camera movement", "zoom", "pan", "push in", "drift")),
    *((p, "movement", Movement.HANDHELD) for p in (
        "shaky cam", "shakycam", "shaky camera", "wobbly", "wobbly camera", "jittery", "unsteady", "hand held",
        "documentary style", "documentary feel", "on the shoulder", "shoulder-mounted", "shoulder mounted")),
    *((p, "movement", Movement.PUSH_IN) for p in (
        "creep in", "creeps in", "drift in", "drifts in", "ease in", "eases in", "push closer", "move closer in",
        "dolly closer", "zoom closer", "track in", "truck in", "push towards", "push toward", "move towards",
        "move toward", "zoom into", "push into", "pushing in", "zooming in", "moving in", "creeping in",
        "drifting in", "crash zoom", "snap zoom", "zoom in fast")),
    *((p, "movement", Movement.PULL_OUT) for p in (
        "pull away", "pulls away", "pulls back", "ease out", "ease back", "drift back", "drift away",
        "back away", "dolly back", "track out", "track back", "zoom back", "widen out", "pull out wide",
        "pulling out", "pulling back", "zooming out", "pulling away")),
    *((p, "movement", Movement.PAN_RIGHT) for p in ("pan across", "pans across", "sweep across", "sweeps across",
                                                    "whip pan", "pan over", "pan along", "swing across",
                                                    "panning across", "panning over", "pan to the right",
                                                    "panning right", "panning to the right")),
    *((p, "movement", Movement.PAN_LEFT) for p in ("pan to the left", "panning left", "panning to the left")),
    *((p, "movement", Movement.CRANE_UP) for p in (
        "boom up", "jib up", "rise up", "camera rises", "camera rise", "camera to rise", "lift up", "float up",
        "soar up", "fly up")),
    *((p, "movement", Movement.CRANE_DOWN) for p in ("boom down", "jib down", "camera descends", "camera descend",
                                                     "camera to descend", "float down", "sink down",
                                                     "swoop down")),
    *((p, "movement", Movement.TRACKING) for p in (
        "follow her", "follow him", "follow them", "follows her", "follows him", "track with", "tracking shot",
        "walk with", "walk alongside", "move with", "move alongside", "go with her", "go with him", "stay with")),
    # what the frame holds, from the eyes to the whole place
    *((p, "size", ShotSize.ECU) for p in ("just the eyes", "just her eyes", "just his eyes", "only the eyes",
                                          "only her eyes", "only his eyes", "on her eyes", "on his eyes",
                                          "on the eyes", "on their eyes")),
    *((p, "size", ShotSize.CU) for p in ("on her face", "on his face", "on their faces", "on the face",
                                         "just her face", "just his face", "fill the frame with her face",
                                         "fill the frame with his face", "her face fills the frame",
                                         "his face fills the frame")),
    *((p, "size", ShotSize.MCU) for p in ("head and shoulders", "from the chest up", "chest up",
                                          "from the shoulders up", "shoulders up")),
    *((p, "size", ShotSize.MS) for p in ("from the waist up", "waist up", "waist-up", "half body")),
    *((p, "size", ShotSize.MWS) for p in ("from the knees up", "knees up", "from the thighs up")),
    *((p, "size", ShotSize.WS) for p in (
        "full body", "full-body", "full length", "full-length", "head to toe", "head to foot", "whole body",
        "full figure", "the whole room", "the whole place", "the whole set", "the whole space", "the room",
        "the whole scene", "the surroundings", "where they are", "where she is", "where he is")),
    *((p, "size", ShotSize.EWS) for p in ("the landscape", "the whole landscape", "the vista", "the horizon",
                                          "the whole town", "the whole city", "the whole valley", "the sky")),
    # the lens, said longer or wider
    *((p, "lens", 1) for p in ("longer lens", "a longer lens", "longer focal length", "tighter lens",
                               "more telephoto", "more zoomed lens")),
    *((p, "lens", -1) for p in ("wider lens", "a wider lens", "shorter lens", "shorter focal length",
                                "wider focal length")),
]  # fmt: skip

ORDINALS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
}
NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "a": 1,
    "an": 1,
    "half a": 0,
}

TRANSITION_WORDS: list[tuple[str, Transition]] = [
    ("cross-dissolve", Transition.DISSOLVE), ("crossfade", Transition.DISSOLVE), ("dissolve", Transition.DISSOLVE),
    ("fade in", Transition.FADE_IN), ("fade up", Transition.FADE_IN), ("fade out", Transition.FADE_OUT),
    ("fade to black", Transition.FADE_OUT), ("hard cut", Transition.CUT), ("cut", Transition.CUT),
]

# Style looks: a word a person says → look words (and a palette) for every renderer.
STYLES: dict[str, tuple[list[str], list[str]]] = {
    "noir": (
        ["film noir", "high contrast", "black and white", "hard shadows"],
        ["#0b0b0b", "#3a3a3a", "#8a8a8a", "#d8d8d8", "#f5f5f5"],
    ),
    "watercolour": (
        ["watercolour", "soft washes", "paper texture"],
        ["#3d5a80", "#98c1d9", "#e0fbfc", "#ee6c4d", "#f2cc8f"],
    ),
    "pencil": (["storyboard", "pencil", "graphite sketch"], ["#222222", "#555555", "#999999", "#dddddd", "#ffffff"]),
    "sketch": (["storyboard", "pencil", "loose sketch"], ["#222222", "#555555", "#999999", "#dddddd", "#ffffff"]),
    "ink": (["ink", "brush lines", "cross-hatching"], ["#111111", "#444444", "#bbbbbb", "#f0ead6", "#a4161a"]),
    "comic": (["comic book", "bold outlines", "halftone"], ["#1d3557", "#e63946", "#f1faee", "#ffd166", "#06d6a0"]),
    "anime": (["anime", "cel shading", "clean lines"], ["#22223b", "#4a4e69", "#9a8c98", "#f2e9e4", "#ff6b6b"]),
    "pastel": (["pastel", "soft light", "gentle colour"], ["#ffd6e0", "#c1fba4", "#7bf1a8", "#90f1ef", "#ffef9f"]),
    "sepia": (["sepia", "old photograph", "grain"], ["#2e1f0f", "#5c4326", "#a07c4f", "#d8c3a5", "#f4ecd8"]),
    "vintage": (["vintage", "film grain", "faded colour"], ["#3d405b", "#81b29a", "#f2cc8f", "#e07a5f", "#f4f1de"]),
    "neon": (["neon", "night city", "glow"], ["#0d0221", "#261447", "#ff3864", "#2de2e6", "#f6019d"]),
    "cyberpunk": (["cyberpunk", "neon", "rain-slick streets"], ["#0d0221", "#261447", "#ff3864", "#2de2e6", "#f6019d"]),
    "storybook": (
        ["storybook illustration", "gouache", "warm light"],
        ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"],
    ),
    "flat": (["flat colour", "simple shapes", "clean vector"], ["#2b2d42", "#8d99ae", "#edf2f4", "#ef233c", "#d9a441"]),
    "storyboard": (["storyboard", "pencil", "flat colour"], ["#2b2d42", "#8d99ae", "#edf2f4", "#ef233c", "#d9a441"]),
    "oil painting": (
        ["oil painting", "thick brushstrokes", "chiaroscuro"],
        ["#1b1b1e", "#5b3000", "#b08968", "#e6ccb2", "#7f5539"],
    ),
    "claymation": (
        ["claymation", "plasticine", "stop motion"],
        ["#6a4c93", "#1982c4", "#8ac926", "#ffca3a", "#ff595e"],
    ),
}
STYLE_ALIASES = {
    "watercolor": "watercolour", "film noir": "noir", "black and white": "noir", "manga": "anime",
    "comic book": "comic", "painterly": "oil painting", "retro": "vintage",
}
# fmt: on

# What is in frame --------------------------------------------------------------------------------

# fmt: off
WEATHER_WORDS: dict[str, Weather] = {
    "storm": Weather.STORM, "storms": Weather.STORM, "stormy": Weather.STORM, "thunder": Weather.STORM,
    "thunderstorm": Weather.STORM, "lightning": Weather.STORM, "tempest": Weather.STORM, "gale": Weather.STORM,
    "hurricane": Weather.STORM, "squall": Weather.STORM,
    "rain": Weather.RAIN, "rains": Weather.RAIN, "raining": Weather.RAIN, "rainy": Weather.RAIN,
    "drizzle": Weather.RAIN, "downpour": Weather.RAIN, "showers": Weather.RAIN, "raindrops": Weather.RAIN,
    "snow": Weather.SNOW, "snows": Weather.SNOW, "snowing": Weather.SNOW, "snowy": Weather.SNOW,
    "snowfall": Weather.SNOW, "blizzard": Weather.SNOW, "snowflakes": Weather.SNOW, "sleet": Weather.SNOW,
    "fog": Weather.FOG, "foggy": Weather.FOG, "mist": Weather.FOG, "misty": Weather.FOG, "haze": Weather.FOG,
    "hazy": Weather.FOG,
    "wind": Weather.WIND, "windy": Weather.WIND, "gust": Weather.WIND, "gusts": Weather.WIND,
    "breeze": Weather.WIND, "blustery": Weather.WIND,
    "cloud": Weather.CLOUD, "clouds": Weather.CLOUD, "cloudy": Weather.CLOUD, "overcast": Weather.CLOUD,
    "sunny": Weather.CLEAR, "sunshine": Weather.CLEAR, "cloudless": Weather.CLEAR, "calm": Weather.CLEAR,
}
EXPRESSION_WORDS: dict[str, Expression] = {
    **dict.fromkeys(("cry", "cries", "crying", "weep", "weeps", "weeping", "tears", "tearful", "sob", "sobs",
                     "sobbing"), Expression.CRYING),
    **dict.fromkeys(("afraid", "scared", "fear", "fearful", "terrified", "frightened", "trembling", "trembles",
                     "panic", "panics", "shivering", "nervous", "anxious", "worried", "tremble", "shiver",
                     "shivers", "trembled"), Expression.AFRAID),
    **dict.fromkeys(("angry", "furious", "rage", "fury", "glares", "scowls", "snarls", "frowns", "cross"),
                    Expression.ANGRY),
    **dict.fromkeys(("sad", "sadly", "sorrow", "grief", "grieves", "mourns", "heartbroken", "lonely", "gloomy",
                     "sighs", "ashamed"), Expression.SAD),
    **dict.fromkeys(("happy", "smile", "smiles", "smiling", "grins", "grinning", "joy", "joyful", "delighted",
                     "glad", "cheerful", "relieved", "beams", "beaming"), Expression.HAPPY),
    **dict.fromkeys(("laugh", "laughs", "laughing", "laughter", "giggles", "giggling", "chuckles"),
                    Expression.LAUGHING),
    **dict.fromkeys(("surprised", "surprise", "gasps", "astonished", "amazed", "shocked", "startled", "stunned"),
                    Expression.SURPRISED),
}
POSE_WORDS: dict[str, Pose] = {
    **dict.fromkeys(("sits", "sitting", "seated", "sat", "kneels", "kneeling", "crouches"), Pose.SITTING),
    **dict.fromkeys(("lies", "lying", "asleep", "sleeps", "sleeping", "collapses", "sprawled"), Pose.LYING),
    **dict.fromkeys(("walks", "walking", "strolls", "wanders", "steps", "crosses", "paces"), Pose.WALKING),
    **dict.fromkeys(("runs", "running", "races", "sprints", "flees", "dashes", "chases"), Pose.RUNNING),
    **dict.fromkeys(("points", "pointing", "gestures"), Pose.POINTING),
    **dict.fromkeys(("holds", "holding", "carries", "carrying", "clutches", "clutching", "grips", "gripping",
                     "clinging", "clings"), Pose.HOLDING),
}
HOLDING_VERBS = {
    "holds", "holding", "held", "carries", "carrying", "carried", "lights", "lit", "lifts", "lifting", "raises",
    "raising", "grips", "gripping", "clutches", "clutching", "clinging", "clings", "waves", "waving", "reads",
    "reading", "takes", "grabs", "grabbing", "picks", "wields", "swings", "drinks", "sips", "opens", "winds",
}
_BACK, _FORE = PropPlace.BACKGROUND, PropPlace.FOREGROUND
PROP_NOUNS: dict[str, PropPlace] = {
    # vehicles
    **dict.fromkeys(("boat", "ship", "yacht", "canoe", "raft", "car", "truck", "bus", "train", "tram", "bicycle",
                     "bike", "motorbike", "plane", "aeroplane", "airplane", "helicopter", "rocket", "cart",
                     "wagon", "carriage", "taxi", "van", "tractor", "submarine", "sled", "sleigh", "balloon",
                     "dinghy", "rowboat", "ferry", "lifeboat", "wreck"),
                    _BACK),
    # set pieces
    **dict.fromkeys(("rock", "stone", "boulder", "tree", "pine", "oak", "palm", "mountain", "volcano", "hill",
                     "house", "hut", "cottage", "castle", "church", "tower", "lighthouse", "bridge", "tent",
                     "fence", "gate", "well", "fountain", "statue", "mast", "sail", "anchor", "pier", "windmill",
                     "moon", "sun", "star", "rainbow", "wave", "waves", "fire", "campfire", "cactus", "flower",
                     "flowers", "rose", "tulip", "sunflower", "mushroom", "log", "wall", "door", "window",
                     "chimney", "barn", "stall", "tent", "shell", "island", "cave", "snowman"), _BACK),
    # creatures (a creature with a name or a line is a character; one merely seen is a prop)
    **dict.fromkeys(("bird", "birds", "heron", "gull", "seagull", "crow", "raven", "owl", "eagle", "hawk", "duck",
                     "swan", "parrot", "pigeon", "dove", "chicken", "hen", "rooster", "moth", "butterfly", "bee",
                     "spider", "ant", "fly", "fish", "whale", "dolphin", "shark", "octopus", "crab", "snake",
                     "frog", "turtle", "lizard", "mouse", "rat", "rabbit", "hare", "squirrel", "deer", "cow",
                     "pig", "sheep", "goat", "horse", "pony", "donkey", "dog", "puppy", "cat", "kitten", "wolf",
                     "fox", "bear", "lion", "tiger", "elephant", "monkey", "dragon", "unicorn", "bat", "snail"),
                    _FORE),
    # things
    **dict.fromkeys(("lamp", "lantern", "candle", "torch", "clock", "watch", "book", "letter", "map", "key",
                     "phone", "telephone", "camera", "umbrella", "bag", "suitcase", "box", "basket", "bottle",
                     "cup", "mug", "glass", "teapot", "kettle", "bowl", "plate", "bread", "cake", "apple",
                     "orange", "pie", "coffee", "tea", "wine", "knife", "sword", "axe", "hammer", "shovel",
                     "spade", "rope", "net", "ring", "crown", "hat", "guitar", "violin", "piano", "drum",
                     "trumpet", "radio", "television", "computer", "laptop", "chair", "table", "bed", "sofa",
                     "bench", "desk", "mirror", "painting", "ball", "kite", "doll", "gift", "present", "coin",
                     "money", "gun", "bow", "arrow", "shield", "flag", "compass", "telescope", "newspaper",
                     "pen", "pencil", "scissors", "needle", "toolbox", "ladder", "bucket", "barrel", "crate",
                     "oar", "paddle", "fishing", "rod", "bell", "envelope", "photograph", "photo", "flashlight",
                     "candle", "lock", "chest", "treasure", "skull", "bone", "egg", "cheese", "soup", "pizza"),
                    _FORE),
}
# fmt: on

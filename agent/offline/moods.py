"""Mood notes turned into concrete changes, each listed for the person: "more dramatic" (tighter
sizes, low angles, push-ins), "calmer" (longer, wider, still shots), "faster" / "slower" (shorter
or longer shots). A note is for the whole film unless shots are named ('make the kitchen scene calmer')."""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.offline.addressing import Refusal, ShotRef, find_character, find_shots, names_all, without_shots
from agent.offline.grammar import SIZES_TIGHT_TO_WIDE, Context, Step, select_shots
from agent.offline.selection import by_content
from story import Angle, AnyEdit, Movement, Project, Shot, ShotChanges, ShotSize, TimeOfDay, UpdateShot
from story.model import MAX_SHOT_FRAMES, MIN_SHOT_FRAMES, Weather

MOOD_WORDS: dict[str, tuple[str, ...]] = {
    "dramatic": ("dramatic", "intense", "tense", "tenser", "punchier", "punchy", "bolder", "edgier",
                 "edgy", "suspenseful", "thrilling", "gripping", "exciting", "epic", "powerful", "climactic"),
    "calm": ("calmer", "calm", "gentler", "gentle", "quieter", "quiet", "softer", "soft", "peaceful", "relaxed",
             "serene", "stiller", "tranquil", "mellower", "mellow", "soothing", "restful", "less dramatic",
             "less busy", "less tense", "less intense"),
    "faster": ("faster", "fast", "quick", "rushed", "hurried", "quicker", "snappier", "pacier", "speedier",
               "energetic", "urgent", "brisker", "brisk", "tighter paced", "up tempo", "uptempo"),
    "slower": ("slower", "slow", "leisurely", "languid", "less rushed", "slower paced", "unhurried", "more leisurely",
               "linger", "lingering", "breathe", "breathe more"),
    "sad": ("sad", "sadder", "melancholy", "melancholic", "sorrowful", "mournful", "gloomy", "gloomier", "somber",
            "sombre", "bleak", "bleaker", "tragic", "heartbreaking", "wistful", "lonely", "lonelier", "bittersweet",
            "depressing", "downbeat", "morose", "heavier", "grim", "grimmer", "less happy", "less cheerful"),
    "eerie": ("spooky", "spookier", "eerie", "eerier", "creepy", "creepier", "scary", "scarier", "frightening",
              "haunting", "ominous", "sinister", "menacing", "unsettling", "uncanny", "ghostly", "chilling",
              "mysterious", "foreboding", "threatening", "horrifying", "terrifying", "darker in tone"),
    "cheerful": ("cheerful", "cheerier", "cheery", "happy", "happier", "joyful", "joyous", "upbeat", "jolly", "jollier",
                 "merry", "merrier", "fun", "funnier", "playful", "lighthearted", "light-hearted", "livelier", "lively",
                 "hopeful", "uplifting", "feel-good", "sunny", "less sad", "less gloomy", "less dark"),
    "darker": ("darker", "dark", "dim", "dimmer", "moodier", "shadowy", "shadowier", "murkier", "darker lit",
               "less bright"),
    "brighter": ("brighter", "bright", "lighter", "sunnier", "better lit", "less dark lit"),
    "tender": ("tender", "tenderer", "emotional", "intimate", "romantic", "touching", "heartfelt",
               "personal", "sweeter", "loving", "warm-hearted", "warmer-hearted"),
    # the colour of the light: warmer toward golden hour, colder toward blue
    "warmer": ("warmer", "warm", "golden", "more golden", "warmer light", "warmer colours", "warmer colors",
               "warmer tones", "warmer look", "cosier", "cozier", "cosy", "cozy", "ambery", "less cold", "less blue"),
    "cooler": ("colder", "cold", "cooler", "bluer", "icier", "icy", "chillier", "frostier", "colder light",
               "cooler light", "colder colours", "cooler colours", "cooler colors", "colder tones", "cooler tones",
               "colder look", "cooler look", "less warm", "less golden"),
}  # fmt: skip
"""Each mood the offline director can play, and the words people use for it (comparatives too).
A word not here is matched by meaning to the nearest mood (`mood_by_meaning`), or not at all."""
MOOD_OF = {word: mood for mood, words in MOOD_WORDS.items() for word in words}
_KNOWN = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(MOOD_OF, key=len, reverse=True))
_DEGREE = (
    r"(?:(?:a\s+)?(?:bit|little|lot|touch|tad)\s+(?:more\s+)?|much\s+(?:more\s+)?|even\s+(?:more\s+)?|way\s+|"
    r"slightly\s+|somewhat\s+|far\s+|really\s+|very\s+|quite\s+|more\s+)?"
)


_WHAT_OF_IT = r"(?:\s+(?:light|lighting|colou?rs?|tones|look|feel|grade|palette))?"
"""What a mood word may be said of ('bluer light', 'a colder look'): the same note."""


def _mood_pattern(word: str) -> re.Pattern[str]:
    return re.compile(
        rf"^(?:make|let|get|have|turn|keep|give)?\s*(?P<scope>.*?)\s*(?:(?:should|must|could|needs? to|has to)\s+)?"
        rf"(?:feel|look|be|seem|play|go|read|sound|get)?\s*{_DEGREE}"
        rf"(?P<mood>{word})(?:\s*(?:,|and)\s*{_DEGREE}(?P<also>{word}))?{_WHAT_OF_IT}(?:\s+(?:please|overall|throughout|everywhere|"
        rf"in (?:pace|tone|mood|feel)|(?:in|for|on) (?P<scope2>.+)))?$"
        r"|^(?P<up>speed (?:it |things |everything )?up|pick up the pace|up the pace|tighten (?:up )?the pace)"
        r"(?:\s+(?:in|for|on)\s+(?P<scope3>.+))?$"
        r"|^(?P<down>slow (?:it |things |everything )?down|take (?:it|things) slower|let (?:it|things) breathe)"
        r"(?:\s+(?:in|for|on)\s+(?P<scope4>.+))?$"
    )


_MOOD = _mood_pattern(_KNOWN)
_ANY_MOOD = _mood_pattern(r"(?:less\s+)?[a-z][a-z-]{2,}")
_SCOPE_FILLER = re.compile(
    r"\b(?:it|the|whole|entire|film|reel|story|movie|thing|everything|all|of|shots?|scenes?|a|an|whole thing|overall|"
    r"pace|pacing|cut|edit|mood|tone|feel)\b"
)


def is_mood(text: str) -> bool:
    """True when the words are a mood note alone ('more dramatic', 'calmer'): an instruction of its own after 'and'."""
    match = _MOOD.match(text.strip())
    return bool(match) and not any(match.group(g) for g in ("scope", "scope2", "scope3", "scope4"))


COMPLAINT = re.compile(
    r"^(?:(?:it|its|this|that|everything|the\s+whole\s+thing|"
    r"the\s+(?:whole\s+)?(?:film|reel|story|movie|cut|pace|pacing))"
    r"\s*(?:'s|is|feels?|seems?|looks?|plays?|reads?|moves?|goes)?\s+)?(?:all\s+)?(?:a\s+(?:bit|little|tad)\s+|way\s+|much\s+|"
    r"far\s+|kind\s+of\s+|kinda\s+|just\s+|still\s+|really\s+)?too\s+(?P<word>[a-z-]+)"
)
"""A complaint about the whole film ('it feels too slow', 'too dark'): asks for the opposite mood."""


def complaint_mood(text: str) -> str | None:
    """The mood a complaint alone asks for ('too slow' -> faster, "it's too dark" -> brighter), else None."""
    match = COMPLAINT.fullmatch(text.strip())
    if not match:
        return None
    said = MOOD_OF.get(_positive(match.group("word")))
    return OPPOSITE.get(said) if said else None


def mood(project: Project, text: str, context: Context) -> Step | None:
    """'more dramatic', 'make it calmer', 'make it sadder', 'spookier', 'make the kitchen scene faster',
    'it feels too slow'."""
    asked = complaint_mood(text)
    if asked:
        shots = [(ShotRef(id=s.id, number=n, offset=0), s) for n, s in enumerate(project.shots, 1)]
        return PLAYS[asked](project, shots)
    match = _MOOD.match(text)
    if not match:
        return None
    kind = "faster" if match.group("up") else "slower" if match.group("down") else MOOD_OF[_spaced(match.group("mood"))]
    if match.group("also") and MOOD_OF.get(_spaced(match.group("also"))) != kind:
        return None  # "darker, happier": two notes, not one said twice ("colder, bluer")
    return _play(project, match, kind, context, "")


def mood_by_meaning(project: Project, text: str, context: Context) -> Step | None:
    """A mood word the table does not hold ('make it jollier', 'more sinister', 'a bit more wistful'),
    played as the mood nearest in meaning (the embedding model memory uses), when one is near enough."""
    match = _ANY_MOOD.match(text)
    if not match or not match.group("mood") or match.group("also"):
        return None
    word = _spaced(match.group("mood"))
    less = word.startswith("less ")
    base = _positive(word.removeprefix("less "))
    if base.endswith("less"):
        return None  # 'joyless' sits next to 'joy' in meaning: a negation the embedding cannot see
    kind = MOOD_OF.get(base) or nearest_mood(base)
    if kind is None:
        return None
    if less:
        kind = OPPOSITE.get(kind, "")
        if not kind:
            return None
    return _play(project, match, kind, context, word)


def _play(project: Project, match: re.Match[str], kind: str, context: Context, heard: str) -> Step | None:
    scope = " ".join(g for g in match.group("scope", "scope2", "scope3", "scope4") if g)
    if _names_someone(project, without_shots(scope)):
        return None  # "make her happy in shot 4", "Mara looks calm": a feeling, not the film's mood
    refs = _scoped(project, scope, context)
    if refs is None and re.fullmatch(r"(?:the\s+)?[a-z]+(?:\s+(?:scenes?|sequence|part|bit|section))?", scope.strip()):
        said = _spaced(match.group("mood") or kind)
        what = re.sub(r"^the\s+|\s+(?:scenes?|sequence|part|bit|section)$", "", scope.strip())
        raise Refusal(f"I found no shot with {what!r} in it; name the shots, e.g. 'make shots 3 to 5 {said}'.")
    if refs is None:
        return None  # "the sky darker": words no shot is named by, for another command to read
    shots = [(ref, project.shot(ref.id)) for ref in refs]
    if kind in ("faster", "slower") and len(find_shots(project, scope)) == 1:
        return None  # "make shot 3 faster": a second off that shot (the length commands)
    step = PLAYS[kind](project, shots)
    if heard and heard != kind:
        step = Step(step.edits, f"“{heard}” read as {kind}: " + step.summary.split(": ", 1)[-1])
    return step


def _spaced(word: str) -> str:
    return " ".join(word.split())


def _positive(word: str) -> str:
    """The plain form of a comparative: 'jollier' -> 'jolly', 'grimmer' -> 'grim', 'more wistful' -> 'wistful'."""
    word = word.removeprefix("more ")
    if word in MOOD_OF:
        return word
    for suffix, put in (("ier", "y"), ("er", ""), ("er", "e")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            plain = word[: -len(suffix)] + put
            if plain[-1:] == plain[-2:-1] and plain[-1] not in "lse":
                plain = plain[:-1]  # grimmer -> grim
            if plain in MOOD_OF or suffix == "ier" or put == "e":
                return plain
    return word


_NEAR_ENOUGH, _MARGIN = 0.63, 0.06
"""Measured on single words with all-MiniLM-L6-v2, each said as "a WORD mood": a mood word lands
at 0.63-0.86 on its mood with the next mood at least 0.06 below ('gloomy' 0.82 sad, 'sinister'
0.67 eerie, 'lively' 0.78 cheerful); words that are no mood ('green', 'wide', 'long', 'cold')
stay under 0.63 or between two moods ('moody', 'wistful', 'cozy'), and are not guessed at."""


def nearest_mood(word: str) -> str | None:
    """The mood a word means, by meaning: None when no mood is near enough, or two are as near."""
    try:
        from memory.embedding import EmbeddingUnavailable, embed
    except ImportError:
        return None
    names = list(_ANCHORS)
    try:
        vectors = embed([f"a {word} mood", *(_anchor(name) for name in names)])
    except EmbeddingUnavailable:
        return None
    asked = vectors[0]
    scores = sorted(((float(asked @ v), name) for v, name in zip(vectors[1:], names, strict=True)), reverse=True)
    (best, name), (second, _) = scores[0], scores[1]
    return name if best >= _NEAR_ENOUGH and best - second >= _MARGIN else None


_ANCHORS = {
    "dramatic": "dramatic tense intense suspenseful gripping", "calm": "calm peaceful gentle quiet serene relaxed",
    "faster": "faster quicker brisk energetic rushed", "slower": "slower leisurely unhurried languid",
    "sad": "sad melancholy sorrowful mournful gloomy tragic",
    "eerie": "spooky eerie creepy scary frightening haunting ominous",
    "cheerful": "cheerful happy joyful upbeat bright fun playful", "darker": "darker dim shadowy",
    "brighter": "brighter lighter sunnier", "tender": "tender emotional intimate romantic warm touching",
}  # fmt: skip
"""What each mood is embedded as (with `_anchor`); the thresholds above were measured against these."""


def _anchor(mood: str) -> str:
    return f"a {_ANCHORS[mood].split()[0]} mood, {_ANCHORS[mood]}"


OPPOSITE = {"dramatic": "calm", "calm": "dramatic", "faster": "slower", "slower": "faster", "sad": "cheerful",
            "cheerful": "sad", "darker": "brighter", "brighter": "darker", "eerie": "cheerful", "warmer": "cooler",
            "cooler": "warmer"}  # fmt: skip


def _names_someone(project: Project, scope: str) -> bool:
    words = set(re.findall(r"[a-z][\w'-]*", scope.lower()))
    if words & {"she", "he", "her", "him", "they", "them"}:
        return True
    return any(find_character(project, w) is not None for w in words - _NOT_NAMES)


_NOT_NAMES = {
    "the", "a", "an", "it", "all", "whole", "film", "scene", "shot", "shots", "ending", "end", "opening",
    "start", "beginning", "story", "reel", "thing", "everything", "of", "in", "on", "at", "first", "last",
}  # fmt: skip


def _scoped(project: Project, scope: str, context: Context) -> list[ShotRef] | None:
    """The shots a mood note is for: those named, else every shot; None when the scope names something else."""
    scope = scope.strip()
    everything = [ShotRef(id=s.id, number=n, offset=0) for n, s in enumerate(project.shots, 1)]
    if not scope or names_all(scope):
        return everything
    refs = find_shots(project, scope)
    if refs:  # "the first 2 seconds of shot 3" names more than shot 3: not a mood for it all
        return refs if not _SCOPE_FILLER.sub("", without_shots(scope)).strip(" ,") else None
    if re.fullmatch(r"(?:the\s+)?(?:ending|end|finale|climax|last scene)", scope):
        last = project.shots[-1].scene
        return [r for r in everything if project.shot(r.id).scene == last]
    if re.fullmatch(r"(?:the\s+)?(?:opening|beginning|start|first scene)", scope):
        first = project.shots[0].scene
        return [r for r in everything if project.shot(r.id).scene == first]
    selected = select_shots(project, scope, context)
    if selected and not _SCOPE_FILLER.sub("", without_shots(selected[1])).strip():
        return selected[0]
    if not _SCOPE_FILLER.sub("", scope).strip():
        return everything
    return _scene_of_content(project, scope)


def _scene_of_content(project: Project, scope: str) -> list[ShotRef] | None:
    """'the storm scene', 'the rescue sequence': every shot of the scene whose shot holds those words;
    'the rescue' alone: that shot."""
    named = re.fullmatch(
        r"(?:the\s+)?(?P<what>[a-z][\w' -]*?)(?:\s+(?P<scene>scenes?|sequence|part|bit|section))?",
        scope,
    )
    if not named:
        return None
    try:
        found = by_content(project, f"the shot with {named.group('what')}")
    except Refusal:
        return None
    if not found or _SCOPE_FILLER.sub("", without_shots(found[1])).strip():
        return None
    shot = project.shot(found[0][0].id)
    if not named.group("scene"):
        return found[0]
    return [ShotRef(id=s.id, number=n, offset=0) for n, s in enumerate(project.shots, 1) if s.scene == shot.scene]


def _frames(project: Project, seconds: float) -> int:
    return max(MIN_SHOT_FRAMES, min(MAX_SHOT_FRAMES, round(seconds * project.fps)))


def _numbers(project: Project, numbers: list[int]) -> str:
    """'2, 2A-7, 9': the shots at these places by their labels, runs of neighbours in the list as ranges."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    labels = [[project.shots[n - 1].label for n in run] for run in runs]
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(r) for r in labels)


def _plural(project: Project, shots: list[tuple[ShotRef, Shot]]) -> str:
    numbers = [ref.number for ref, _ in shots]
    return f"shot{'s' if len(numbers) > 1 else ''} {_numbers(project, numbers)} {'are' if len(numbers) > 1 else 'is'}"


def _listed(project: Project, name: str, changed: dict[str, list[int]]) -> str:
    parts = [f"{what} (shot{'s' if len(ns) > 1 else ''} {_numbers(project, ns)})" for what, ns in changed.items() if ns]
    return f"{name}: " + ("; ".join(parts) if parts else "every shot already plays that way")


def _dramatic(project: Project, shots: list[tuple[ShotRef, Shot]]) -> Step:
    """Tighter on people, the camera low on someone alone, a push in where the camera stood still."""
    edits: list[AnyEdit] = []
    changed: dict[str, list[int]] = {"one size tighter": [], "low angle": [], "push in": []}
    for ref, shot in shots:
        own: dict[str, object] = {}
        if shot.characters and shot.size not in (ShotSize.ECU, ShotSize.CU):
            own["size"] = SIZES_TIGHT_TO_WIDE[SIZES_TIGHT_TO_WIDE.index(shot.size) - 1]
            changed["one size tighter"].append(ref.number)
        if len(shot.characters) == 1 and shot.angle == Angle.EYE_LEVEL:
            own["angle"] = Angle.LOW
            changed["low angle"].append(ref.number)
        if shot.characters and shot.movement == Movement.STATIC:
            own["movement"] = Movement.PUSH_IN
            changed["push in"].append(ref.number)
        if own:
            edits.append(UpdateShot(shot_id=ref.id, changes=ShotChanges(**own)))
    return Step(edits, _listed(project, "more dramatic", changed))


def _calm(project: Project, shots: list[tuple[ShotRef, Shot]]) -> Step:
    """Wider, still and a quarter longer: the camera steps back and lets the moment sit."""
    edits: list[AnyEdit] = []
    changed: dict[str, list[int]] = {"one size wider": [], "still camera": [], "eye level": [], "a quarter longer": []}
    for ref, shot in shots:
        own: dict[str, object] = {}
        if shot.size not in (ShotSize.WS, ShotSize.EWS):
            own["size"] = SIZES_TIGHT_TO_WIDE[SIZES_TIGHT_TO_WIDE.index(shot.size) + 1]
            changed["one size wider"].append(ref.number)
        if shot.movement != Movement.STATIC:
            own["movement"] = Movement.STATIC
            changed["still camera"].append(ref.number)
        if shot.angle in (Angle.DUTCH, Angle.LOW, Angle.HIGH):
            own["angle"] = Angle.EYE_LEVEL
            changed["eye level"].append(ref.number)
        frames = _frames(project, shot.duration_frames * 1.25 / project.fps)
        if frames != shot.duration_frames:
            own["duration_frames"] = frames
            changed["a quarter longer"].append(ref.number)
        if own:
            edits.append(UpdateShot(shot_id=ref.id, changes=ShotChanges(**own)))
    return Step(edits, _listed(project, "calmer", changed))


def _paced(project: Project, shots: list[tuple[ShotRef, Shot]], factor: float) -> Step:
    """Every shot named shorter (or longer) by the same share, so the cut keeps its rhythm."""
    edits: list[AnyEdit] = []
    numbers: list[int] = []
    before = sum(s.duration_frames for _, s in shots) / project.fps
    after = 0.0
    for ref, shot in shots:
        frames = _frames(project, shot.duration_frames * factor / project.fps)
        after += frames / project.fps
        if frames != shot.duration_frames:
            edits.append(UpdateShot(shot_id=ref.id, changes=ShotChanges(duration_frames=frames)))
            numbers.append(ref.number)
    word = "faster" if factor < 1 else "slower"
    how = f"{'shorter' if factor < 1 else 'longer'} shots, x{factor:g} each"
    summary = f"{word}: {how} ({before:.1f}s -> {after:.1f}s"
    summary += f", shot{'s' if len(numbers) > 1 else ''} {_numbers(project, numbers)})" if numbers else ")"
    return Step(edits, summary)


_DARKER = {
    TimeOfDay.MORNING: TimeOfDay.DUSK,
    TimeOfDay.DAY: TimeOfDay.DUSK,
    TimeOfDay.AFTERNOON: TimeOfDay.DUSK,
    TimeOfDay.DAWN: TimeOfDay.NIGHT,
    TimeOfDay.DUSK: TimeOfDay.NIGHT,
    TimeOfDay.EVENING: TimeOfDay.NIGHT,
}
_BRIGHTER = {TimeOfDay.NIGHT: TimeOfDay.DUSK, TimeOfDay.DAWN: TimeOfDay.MORNING, TimeOfDay.DUSK: TimeOfDay.AFTERNOON,
             TimeOfDay.EVENING: TimeOfDay.AFTERNOON, TimeOfDay.MORNING: TimeOfDay.DAY,
             TimeOfDay.AFTERNOON: TimeOfDay.DAY}  # fmt: skip


_WARMER = {TimeOfDay.DAY: TimeOfDay.AFTERNOON, TimeOfDay.MORNING: TimeOfDay.AFTERNOON,
           TimeOfDay.AFTERNOON: TimeOfDay.DUSK, TimeOfDay.EVENING: TimeOfDay.DUSK,
           TimeOfDay.NIGHT: TimeOfDay.EVENING}  # fmt: skip
"""A step toward golden light (tools/draw's skies: afternoon gold, dusk orange); dawn and dusk are the warmest."""
_COOLER = {TimeOfDay.AFTERNOON: TimeOfDay.DAY, TimeOfDay.MORNING: TimeOfDay.DAY, TimeOfDay.DAWN: TimeOfDay.MORNING,
           TimeOfDay.DUSK: TimeOfDay.EVENING, TimeOfDay.EVENING: TimeOfDay.NIGHT}  # fmt: skip
"""A step toward blue light; day and night are the coldest."""


def _changes(project: Project, shots: list[tuple[ShotRef, Shot]], name: str, rules: list[tuple[str, Rule]]) -> Step:
    """Apply (what, rule) pairs to each shot, where a rule gives a shot's changed fields or {}; list
    which shots each change touched."""
    edits: list[AnyEdit] = []
    changed: dict[str, list[int]] = {what: [] for what, _ in rules}
    for ref, shot in shots:
        own: dict[str, object] = {}
        for what, rule in rules:
            found = rule(project, shot)
            if found:
                own.update(found)
                changed[what].append(ref.number)
        if own:
            edits.append(UpdateShot(shot_id=ref.id, changes=ShotChanges(**own)))
    return Step(edits, _listed(project, name, changed))


Rule = Callable[[Project, Shot], dict[str, object]]
"""One concrete change of a mood: the fields it changes in a shot, or {} where it does not apply."""


def _alone(shot: Shot) -> bool:
    return len(shot.characters) == 1


def _lengthen(factor: float) -> Rule:
    def rule(project: Project, shot: Shot) -> dict[str, object]:
        frames = _frames(project, shot.duration_frames * factor / project.fps)
        return {"duration_frames": frames} if frames != shot.duration_frames else {}

    return rule


def _angle_on_one(angle: Angle) -> Rule:
    def rule(project: Project, shot: Shot) -> dict[str, object]:
        return {"angle": angle} if _alone(shot) and shot.angle == Angle.EYE_LEVEL else {}

    return rule


def _level(project: Project, shot: Shot) -> dict[str, object]:
    return {"angle": Angle.EYE_LEVEL} if shot.angle in (Angle.DUTCH, Angle.LOW, Angle.HIGH) else {}


def _still(project: Project, shot: Shot) -> dict[str, object]:
    return {"movement": Movement.STATIC} if shot.movement not in (Movement.STATIC, Movement.PUSH_IN) else {}


def _push_in(project: Project, shot: Shot) -> dict[str, object]:
    return {"movement": Movement.PUSH_IN} if shot.characters and shot.movement == Movement.STATIC else {}


def _fog(project: Project, shot: Shot) -> dict[str, object]:
    return {"weather": Weather.FOG} if shot.weather == Weather.CLEAR else {}


def _clear(project: Project, shot: Shot) -> dict[str, object]:
    return {"weather": Weather.CLEAR} if shot.weather in (Weather.RAIN, Weather.STORM, Weather.FOG) else {}


def _opened(project: Project, shot: Shot) -> dict[str, object]:
    if shot.size not in (ShotSize.ECU, ShotSize.CU):
        return {}
    return {"size": SIZES_TIGHT_TO_WIDE[SIZES_TIGHT_TO_WIDE.index(shot.size) + 1]}


def _closer_on_people(project: Project, shot: Shot) -> dict[str, object]:
    if not shot.characters or shot.size in (ShotSize.ECU, ShotSize.CU):
        return {}
    return {"size": SIZES_TIGHT_TO_WIDE[SIZES_TIGHT_TO_WIDE.index(shot.size) - 1]}


def _light(ladder: dict[TimeOfDay, TimeOfDay]) -> Rule:
    def rule(project: Project, shot: Shot) -> dict[str, object]:
        return {"time_of_day": ladder[shot.time_of_day]} if shot.time_of_day in ladder else {}

    return rule


def _play_of(
    name: str, rules: list[tuple[str, Rule]], already: str = ""
) -> Callable[[Project, list[tuple[ShotRef, Shot]]], Step]:
    def play(project: Project, shots: list[tuple[ShotRef, Shot]]) -> Step:
        step = _changes(project, shots, name, rules)
        if already and not step.edits:  # say why nothing changed, in the shots' own terms
            lights = " or ".join(dict.fromkeys(shot.time_of_day.value for _, shot in shots))
            step = Step([], f"{name}: {_plural(project, shots)} at {lights}, {already} there is")
        return step

    return play


PLAYS: dict[str, Callable[[Project, list[tuple[ShotRef, Shot]]], Step]] = {
    "dramatic": _dramatic,
    "calm": _calm,
    "faster": lambda project, shots: _paced(project, shots, 0.75),
    "slower": lambda project, shots: _paced(project, shots, 1.33),
    # lingering, looking down on someone alone, the camera still
    "sad": _play_of("sadder", [("high angle on someone alone", _angle_on_one(Angle.HIGH)),
                               ("still camera", _still), ("a quarter longer", _lengthen(1.25))]),
    # the light going, fog, a tilted frame on someone alone, the camera creeping in
    "eerie": _play_of("eerier", [("darker light", _light(_DARKER)), ("fog", _fog),
                                 ("dutch angle on someone alone", _angle_on_one(Angle.DUTCH)),
                                 ("slow push in", _push_in)]),
    # clear skies, level eyes, room around faces, a brisker cut
    "cheerful": _play_of("more cheerful", [("clear sky", _clear), ("eye level", _level),
                                           ("one size wider", _opened), ("a tenth shorter", _lengthen(0.9))]),
    # close on people at eye level, moving in, time for a moment to land
    "tender": _play_of("more tender", [("one size tighter", _closer_on_people), ("eye level", _level),
                                       ("slow push in", _push_in), ("a fifth longer", _lengthen(1.2))]),
    "darker": _play_of("darker", [("a step toward night", _light(_DARKER))], "the darkest light"),
    "warmer": _play_of("warmer", [("golden light, a step warmer", _light(_WARMER))], "the warmest light"),
    "cooler": _play_of("colder", [("bluer light, a step colder", _light(_COOLER))], "the coldest light"),
    "brighter": _play_of("brighter", [("a step toward day", _light(_BRIGHTER))], "the brightest light"),
}  # fmt: skip
"""How each mood is played: concrete changes, each listed in the reply with its shots."""

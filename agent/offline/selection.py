"""Shots named by what they hold rather than their number: "every close-up", "in the kitchen",
"the forest scene", "scene 2", "Mara's shots", "the moth shot", "the shot where she cries",
"the one on the pier". Each finder returns the shots and the text with the naming words blanked,
so the words left are the instruction itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.offline.addressing import ShotRef, blank, find_character, stretch
from agent.offline.vocabulary import (
    ANGLE_WORDS,
    EXPRESSION_WORDS,
    MOVEMENT_WORDS,
    ORDINALS,
    PERSON_NOUNS,
    SIZE_WORDS,
    TIME_WORDS,
    TRANSITION_WORDS,
    WEATHER_WORDS,
)
from story import Character, Project, Shot

Found = tuple[list[ShotRef], str]

_SIZES = "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p, _ in SIZE_WORDS if len(p) > 3)
_BY_SIZE = re.compile(rf"\b(?:every|each|all(?:\s+of)?(?:\s+the)?|the)\s+(?:(?P<size>{_SIZES})(?:\s+shots?)?)(?![\w-])")
_SCENE = re.compile(
    rf"\b(?:in\s+)?(?:the\s+)?(?:scene\s+(?P<number>\d+)|(?P<nth>{'|'.join(ORDINALS)}|last|final|opening)\s+scene)\b"
)
_STOP = {
    "the", "a", "an", "of", "in", "on", "at", "to", "with", "where", "when", "which", "that", "who", "is", "are",
    "be", "should", "shot", "shots", "one", "and", "by", "from", "into", "it", "its", "there", "was", "were",
    "has", "have", "had", "for", "as", "then", "this", "just", "we", "see", "seen", "you",
}  # fmt: skip
_NOT_CONTENT = {
    "last", "first", "final", "same", "next", "previous", "new", "other", "opening", "closing", "whole", "every",
    "each", "all", "penultimate", "second-to-last", "next-to-last", "that", "this", "which", "another", "dialogue",
    *ORDINALS,
}  # fmt: skip


def by_size(project: Project, text: str) -> Found | None:
    """'every close-up', 'all the wide shots', 'the extreme close-ups': the shots of that size now."""
    match = _BY_SIZE.search(text)
    if not match:
        return None
    phrase = re.sub(r"[\s-]+", " ", match.group("size"))
    size = next((s for p, s in SIZE_WORDS if p.replace("-", " ") == phrase), None)
    if size is None or (match.group(0).startswith("the ") and not phrase.endswith("s")):
        return None  # "the close-up" is a size asked for, not a set of shots
    refs = [ShotRef(id=s.id, number=n, offset=match.start()) for n, s in enumerate(project.shots, 1) if s.size == size]
    if not refs:
        return None
    return refs, blank(text, match.start(), match.end())


def by_scene(project: Project, text: str) -> Found | None:
    """'scene 2', 'in the first scene', 'the last scene': every shot of that scene."""
    match = _SCENE.search(text)
    if not match:
        return None
    scenes = list(dict.fromkeys(s.scene for s in project.shots))
    if match.group("number"):
        wanted = int(match.group("number"))
    else:
        word = match.group("nth")
        index = len(scenes) if word in ("last", "final") else 1 if word == "opening" else ORDINALS[word]
        if not 1 <= index <= len(scenes):
            return None
        wanted = scenes[index - 1]
    refs = [
        ShotRef(id=s.id, number=n, offset=match.start()) for n, s in enumerate(project.shots, 1) if s.scene == wanted
    ]
    if not refs:
        from agent.offline.addressing import Refusal

        raise Refusal(f"There is no scene {wanted}; the scenes are {', '.join(str(s) for s in scenes)}.")
    return refs, blank(text, match.start(), match.end())


def _place_words(project: Project) -> dict[str, str]:
    """Each word that names a location ('kitchen', 'forest', 'old mill'), to its id."""
    words: dict[str, str] = {}
    for location in project.locations:
        name = re.sub(r"^(?:the|a|an)\s+", "", location.name.lower()).strip()
        for key in {name, location.id.replace("-", " "), name.split()[-1] if name else ""}:
            if key:
                words.setdefault(key, location.id)
    return words


def by_place(project: Project, text: str) -> Found | None:
    """'in the kitchen', 'at the harbour', 'the forest scene', 'the kitchen shots': the shots set there."""
    places = _place_words(project)
    if not places:
        return None
    names = "|".join(re.escape(w) for w in sorted(places, key=len, reverse=True))
    match = re.search(
        rf"\b(?:(?:in|at|on|inside|outside|by)\s+the\s+(?P<a>{names})(?:\s+(?:scenes?|shots?))?|"
        rf"(?:the|every|all(?:\s+the)?)\s+(?P<b>{names})\s+(?:scenes?|shots?)|"
        rf"(?<![\w-])(?:see|show|shoot|film)\s+the\s+(?P<c>{names}))\b",  # "can we see the village from above"
        text,
    )
    if not match:
        return None
    place = places[match.group("a") or match.group("b") or match.group("c")]
    refs = [
        ShotRef(id=s.id, number=n, offset=match.start()) for n, s in enumerate(project.shots, 1) if s.location == place
    ]
    if not refs:
        return None
    return refs, blank(text, match.start(), match.end())


def by_character(project: Project, text: str) -> Found | None:
    """ "every shot with Mara", "all of Tom's shots", "Mara's shots", "the shots with the girl"."""
    match = re.search(
        r"\b(?:(?:every|each|all(?:\s+the)?|the)\s+shots?\s+(?:with|of|showing|featuring)\s+(?P<a>[a-z][\w' -]*?)"
        r"(?:\s+in\s+(?:them|it))?(?=$|\s+(?:a|an|to|into|at|should|is|are|be|become|get|go|night|day|dusk|dawn|wider|closer|tighter|longer|"
        r"shorter|slower|faster|more|less|low|high)\b|[,.;])|(?:all\s+(?:of\s+)?)?(?P<b>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)'s\s+shots)",
        text,
    )
    if not match:
        return None
    character = find_character(project, match.group("a") or match.group("b"))
    if character is None and match.group("b"):  # "make tomas's shots": the name is the last word
        character = find_character(project, match.group("b").split()[-1])
    if character is None:
        return None
    refs = [
        ShotRef(id=s.id, number=n, offset=match.start())
        for n, s in enumerate(project.shots, 1)
        if character.id in s.characters
    ]
    if not refs:
        return None
    return refs, blank(text, match.start(), match.end())


_CONTENT = re.compile(
    r"\b(?:the\s+)?(?:shot|one|bit|moment|part)\s+(?P<how>where|with|of|in which|when|that shows|showing|"
    r"on|at|in)\s+(?P<what>[a-z][\w' -]*)"
    r"|\bthe\s+(?P<noun>(?:[a-z][\w'-]*\s+){0,2}?[a-z][\w'-]*)\s+(?:shot|one)\b"
)


_PRONOUNS = {"she", "he", "they", "her", "his", "him", "them", "their", "it", "its"}
_INSTRUCTION = "|".join(
    sorted(
        {
            re.escape(p).replace(r"\ ", r"[\s-]+")
            for p, _ in (*SIZE_WORDS, *ANGLE_WORDS, *MOVEMENT_WORDS, *TRANSITION_WORDS)
        },
        key=len,
        reverse=True,
    )
)
_ENDS_DESCRIPTION = re.compile(
    rf"\s*(?:[,;:.!?]|\b(?:should|must|needs?|has\s+to|have\s+to|could|would|is|are|becomes?|gets?|to\s+be|be|into|as|"
    rf"please|longer|shorter|wider|closer|tighter|looser|slower|faster|more|less|twice|half|by)\b|"
    rf"\b(?:(?:a|an|the)\s+)?(?:{_INSTRUCTION})(?![\w-])|\b\d|"
    rf"\b(?:{'|'.join(sorted(map(re.escape, (*TIME_WORDS, *WEATHER_WORDS)), key=len, reverse=True))})\s*$)"
)
"""Where a description stops and the instruction starts; light and weather words only at the very
end ('make the shot after the storm night': the storm is what is seen, night what to do)."""


def described(what: str) -> list[str]:
    """The words of a description that runs on into the instruction ('where she finds the girl
    should be a close-up' -> where she finds the girl): up to the first word that tells what to do."""
    for match in re.finditer(r"\S+", what):
        before = [w for w in what[: match.start()].split() if w not in _STOP]
        if before and _ENDS_DESCRIPTION.match(what, match.start()):
            return what[: match.start()].split()
    return what.split()


def stem(word: str) -> str:
    """A crude stem, so 'cries', 'crying' and 'cried' meet."""
    word = word.lower().strip("'")
    for suffix, put in (("ies", "y"), ("ied", "y"), ("ying", "y"), ("ing", ""), ("es", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= (2 if put else 3):
            return word[: -len(suffix)] + put
    return word


def gender_of(character: Character) -> str:
    """ "f" or "m" when the name or description says so (a woman, her coat, a fisherman); else ""."""
    words = set(re.findall(r"[a-z]+", f"{character.name} {character.description}".lower()))
    if words & {"she", "her", "woman", "girl"} or any(PERSON_NOUNS.get(w) == "f" for w in words):
        return "f"
    if words & {"he", "his", "man", "boy"} or any(PERSON_NOUNS.get(w) == "m" for w in words):
        return "m"
    return ""


def shot_words(project: Project, shot: Shot) -> set[str]:
    """The stems of what a shot says it shows: action, beat, lines, props, place, who and how they feel."""
    parts = [shot.action, shot.beat, " ".join(line.text for line in shot.dialogue), shot.notes]
    parts += [p.name for p in shot.props]
    parts += [project.character(c).name for c in shot.characters if any(x.id == c for x in project.characters)]
    parts += [a.expression.value for a in shot.acting.values()]
    return {stem(w) for w in re.findall(r"[a-z][a-z'-]*", " ".join(parts).lower())}


def _place_of(project: Project, shot: Shot) -> set[str]:
    if shot.location and any(x.id == shot.location for x in project.locations):
        return {stem(w) for w in re.findall(r"[a-z][a-z'-]*", project.location(shot.location).name.lower())}
    return set()


def by_content(project: Project, text: str, recall: Callable[[str, Project], str | None] | None = None) -> Found | None:
    """'the moth shot', 'the shot where she cries', 'the one on the pier': the shot whose words hold
    most of the phrase's words (a pronoun counts for a shot with someone of that gender in it)."""
    for match in _CONTENT.finditer(text):
        words = (match.group("what") or match.group("noun") or "").split()
        if match.group("what"):
            words = described(match.group("what"))
        if match.group("noun") and (set(words) & _NOT_CONTENT or any(re.fullmatch(_SIZES, w) for w in words)):
            continue
        wanted = [w for w in words if w not in _STOP]
        if not wanted:
            continue
        best = _best_shot(project, wanted)
        if best is None:
            shown = " ".join(wanted)
            from agent.offline.addressing import Refusal

            raise Refusal(f"I found no shot with {shown!r} in it; name it by number, e.g. 'shot 3'.")
        number, used = best
        told = {stem(w) for w in wanted if w not in _PRONOUNS}
        if len(told) > 2 * len(used & told):  # most of what was said is in no shot: a guess, not a find
            from agent.offline.addressing import Refusal

            shown = " ".join(wanted)
            raise Refusal(f"I found no shot with {shown!r} in it; name it by number, e.g. 'shot 3'.")
        end = match.end()
        if match.group("what"):  # the phrase runs on to the instruction: blank the description, not what follows
            end = match.start("what") + len(" ".join(words))
        ref = ShotRef(id=project.shots[number - 1].id, number=number, offset=match.start())
        return [ref], blank(text, match.start(), end)
    return None


def _best_shot(project: Project, wanted: list[str], every: bool = False) -> tuple[int, set[str]] | None:
    """(number, stems matched) of the shot that holds most of the wanted words (with `every`, the
    first that holds them all); None when none holds any."""
    pronoun = next(({"she": "f", "her": "f", "he": "m", "his": "m", "him": "m"}[w] for w in wanted if w in
                    {"she", "her", "he", "his", "him"}), "")  # fmt: skip
    stems = {stem(w) for w in wanted if w not in {"she", "her", "he", "his", "him", "they", "them"}}
    feelings = {EXPRESSION_WORDS[w].value for w in wanted if w in EXPRESSION_WORDS}
    best: tuple[float, int, set[str]] | None = None
    for number, shot in enumerate(project.shots, 1):
        held, place = shot_words(project, shot), _place_of(project, shot)
        matched = {s for s in stems if s in held | place} | {f for f in feelings if f in held}
        score = len(stems & held) + 0.5 * len((stems & place) - held) + (0.5 if feelings & held else 0.0)
        if pronoun and any(gender_of(project.character(c)) == pronoun for c in shot.characters):
            score += 0.25
        if every and matched < stems:
            continue
        if score >= 1 and (best is None or score > best[0]):
            best = (score, number, matched)
    return (best[1], best[2]) if best else None


def by_description(project: Project, text: str) -> Found | None:
    """'the shot where she cries', 'the one on the pier': one shot, described (before places, so
    'the one on the pier' is one shot there, not all of them)."""
    if not re.search(
        r"\bthe\s+(?:shot|one|bit|moment|part)\s+(?:where|with|of|in which|when|that shows|showing|on|at|in)\b", text
    ):
        return None
    return by_content(project, text)


_SUBJECT = re.compile(r"\b(?:on|at)\s+(?P<what>the\s+[a-z][\w' -]*)")


def by_subject(project: Project, text: str) -> Found | None:
    """'a slow zoom in on the burnt loaf', 'low angle on the lantern': the one shot that holds what
    the camera is on (tried last, when nothing else names a shot)."""
    match = _SUBJECT.search(text)
    if not match:
        return None
    words = described(match.group("what"))
    if set(words) & {*_NOT_CONTENT, "end", "start", "beginning", "top", "front", "back", "close", "middle"}:
        return None  # "fade out at the end": a place in the film, not a thing in it
    from agent.offline.addressing import Refusal

    try:
        found = by_content(project, f"the shot with {' '.join(words)}")
    except Refusal:
        return None  # "low angle on the dragon": no shot holds it, so the shot is asked for
    if not found:
        return None
    return found[0], blank(text, match.start(), match.start("what") + len(" ".join(words)))


_SPAN = re.compile(
    r"\b(?:everything|every\s+shot|all(?:\s+of)?(?:\s+the)?\s+shots|all|the\s+(?:other\s+)?shots|the\s+rest)\s+"
    r"(?P<rel>after|following|before|from|since|until|till|up\s+to)\s+(?!shots?\b|\d|#)(?P<what>[a-z][\w' -]*)"
)


def by_span(project: Project, text: str) -> Found | None:
    """'everything after the storm', 'all the shots before she leaves': a stretch of the film up to
    or from the shot a description finds (the anchor itself only with 'from' and 'until')."""
    match = _SPAN.search(text)
    if not match:
        return None
    words = described(match.group("what"))
    kept: list[str] = []
    for word in words:  # the anchor runs while one shot still holds every word of it
        trial = [w for w in (*kept, word) if w not in _STOP]
        if [w for w in trial if w not in _PRONOUNS] and _best_shot(project, trial, every=True) is None:
            break
        kept.append(word)
    wanted = [w for w in kept if w not in _STOP]
    best = _best_shot(project, wanted, every=True) if wanted else None
    if best is None:
        return None
    anchor, count = best[0], len(project.shots)
    rel = match.group("rel")
    refs = [ShotRef(id=project.shots[n - 1].id, number=n, offset=match.start()) for n in stretch(anchor, rel, count)]
    if not refs:
        from agent.offline.addressing import Refusal

        raise Refusal(f"No shot comes {rel} shot {anchor}, where {' '.join(wanted)} is.")
    end = match.start("what") + len(" ".join(kept))
    return refs, blank(text, match.start(), end)


_LIGHTS = "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in sorted(TIME_WORDS, key=len, reverse=True))
_BY_LIGHT = re.compile(
    rf"\b(?:the|every|each|all(?:\s+of)?(?:\s+the)?)\s+(?P<light>{_LIGHTS})(?:[\s-]+time)?\s+(?:shots?|scenes?|ones)\b"
    rf"|\b(?:the|every|all(?:\s+the)?)\s+(?:shots?|scenes?|ones)\s+(?:at|by|in\s+the)\s+(?P<light2>{_LIGHTS})\b"
    rf"(?!\s*$)"
)


def by_light(project: Project, text: str) -> Found | None:
    """'the night shots', 'every dawn scene', 'the shots at dusk': the shots in that light now (tried
    before the words are read as light to set, so 'make the night shots darker' darkens those)."""
    match = _BY_LIGHT.search(text)
    if not match:
        return None
    said = re.sub(r"[\s-]+", " ", match.group("light") or match.group("light2"))
    light = TIME_WORDS[said]
    refs = [
        ShotRef(id=s.id, number=n, offset=match.start())
        for n, s in enumerate(project.shots, 1)
        if s.time_of_day == light
    ]
    if not refs:
        from agent.offline.addressing import Refusal

        have = ", ".join(dict.fromkeys(s.time_of_day.value for s in project.shots))
        raise Refusal(
            f"No shot is at {light.value} now (the shots are at {have}); name the shots, e.g. 'shots 3 to 5'."
        )
    return refs, blank(text, match.start(), match.end())


_HOLDING = re.compile(
    r"\b(?:(?:the|all(?:\s+of)?\s+the)\s+(?P<kind>shots|scenes)|(?:every|each|any)\s+(?P<one>shot|scene))\s+"
    r"(?P<how>with|by|at|near|on|in|showing|where|that\s+show|of)\s+(?P<what>[a-z][\w' -]*)"
)


def _seen_words(project: Project, shot: Shot) -> set[str]:
    words = " ".join([shot.action, shot.beat, *(p.name for p in shot.props)]).lower()
    return {stem(w) for w in re.findall(r"[a-z][a-z'-]*", words)}


def by_holding(project: Project, text: str) -> Found | None:
    """'the shots with the dinghy', 'the scenes by the sea': every shot whose words or place hold all of
    it (every shot of those scenes, for scenes); a thing no shot holds is said, not guessed."""
    match = _HOLDING.search(text)
    if not match:
        return None
    words = described(match.group("what"))
    wanted = [w for w in words if w not in _STOP]
    if not wanted or set(wanted) & _NOT_CONTENT:
        return None
    stems = {stem(w) for w in wanted if w not in _PRONOUNS}
    seen = match.group("how") in ("by", "at", "near", "on", "in")  # where it is: what is seen, not what is said
    hits = [
        n
        for n, s in enumerate(project.shots, 1)
        if stems <= (_seen_words(project, s) if seen else shot_words(project, s)) | _place_of(project, s)
    ]
    if not hits:
        from agent.offline.addressing import Refusal

        shown = " ".join(wanted)
        raise Refusal(f"No shot or place holds {shown!r}; name the shots, e.g. 'shots 3 to 5'.")
    if (match.group("kind") or match.group("one")).startswith("scene"):
        scenes = {project.shots[n - 1].scene for n in hits}
        hits = [n for n, s in enumerate(project.shots, 1) if s.scene in scenes]
    refs = [ShotRef(id=project.shots[n - 1].id, number=n, offset=match.start()) for n in hits]
    return refs, blank(text, match.start(), match.start("what") + len(" ".join(words)))


FINDERS = (by_span, by_size, by_light, by_scene, by_description, by_place, by_character, by_holding)

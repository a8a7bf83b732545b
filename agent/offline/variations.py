"""The words that ask for variations side by side (the rules are agent/variations.py).

"give me three versions of shot 4" · "two ways to cover the kitchen scene" · "cover scene 2 two ways" ·
"keep B" · "the second one" · "go with version C" (docs/directing.md). Takes ("three takes of shot 4")
stay what they were: the same shot under new seeds.
"""

from __future__ import annotations

import re

from agent.offline.grammar import Context, Refusal, Step, target_shots
from agent.offline.selection import by_place, by_scene
from agent.offline.vocabulary import NUMBER_WORDS, ORDINALS
from agent.variations import NoVersions, keep_edits, offer_scene, offer_shot
from story import Project
from story.edits import MAX_VARIATIONS
from story.variations import latest_offer

# Words ----------------------------------------------------------------------------------------

_COUNT = "|".join(sorted([*NUMBER_WORDS, "a couple of", "a few", "some"], key=len, reverse=True))
_ASK = (
    r"(?:(?:give me|make|render|try|shoot|show me|let me see|get me|i want|i'd like|can i have|let's see|"
    r"let's try|what are|what about|propose|suggest|offer)\s+)?"
)
_VERSIONS = re.compile(
    rf"^{_ASK}(?:the\s+)?(?P<count>\d+|{_COUNT})?\s*(?:other\s+|different\s+|more\s+|alternative\s+|new\s+)*"
    r"(?P<noun>versions?|variations?|variants?|alternatives?|options?|ways?)\s+"
    r"(?:(?:of|for)\s+|to\s+(?:cover|shoot|play|stage|film|frame|do)\s+|of\s+covering\s+|to\s+)(?P<rest>.+)$"
)
_COVER = re.compile(rf"^(?:cover|shoot|stage)\s+(?P<rest>.+?)\s+(?P<count>\d+|{_COUNT})\s+(?:different\s+)?ways$")
_KEEP = re.compile(
    r"^(?:(?:i'll\s+|let's\s+|we'll\s+)?(?:keep|use|take|pick|choose|go with|i like|i prefer|prefer)\s+)?"
    r"(?:(?:the\s+)?(?:version|variation|variant|option|way)\s+(?P<letter>[a-j])|(?P<bare>[a-j])|"
    r"the\s+(?P<nth>[a-z]+|\d+(?:st|nd|rd|th))(?:\s+(?:one|version|variation|variant|option|way))?)"
    r"(?:\s+(?:of|for)\s+(?P<rest>.+))?$"
)


def _count(word: str | None, plural: bool) -> int:
    word = (word or "").strip()
    if not word:
        return 3 if plural else 1
    if word in ("a few", "some"):
        return 3
    if word == "a couple of":
        return 2
    value = int(word) if word.isdigit() else NUMBER_WORDS.get(word, 0)
    if not 1 <= value <= MAX_VARIATIONS:
        raise Refusal(f"I can offer 1 to {MAX_VARIATIONS} versions at a time, not {word}.")
    return value


def _scene_named(project: Project, text: str) -> int | None:
    """The scene a phrase names ('scene 2', 'the kitchen scene', 'the last scene'), or None."""
    if not re.search(r"\bscenes?\b", text):
        return None
    found = by_scene(project, text) or by_place(project, text)
    if not found:
        return None
    return project.shots[found[0][0].number - 1].scene


def vary(project: Project, text: str, context: Context) -> Step | None:
    """'give me three versions of shot 4', 'two ways to cover the kitchen scene', 'cover scene 2 two ways'."""
    match = _VERSIONS.match(text) or _COVER.match(text)
    if not match:
        return None
    plural = match.groupdict().get("noun", "ways").endswith("s")
    count = _count(match.group("count"), plural)
    rest = match.group("rest")
    scene = _scene_named(project, rest)
    if scene is not None:
        try:
            edits, said = offer_scene(project, scene, count, None)
        except NoVersions as exc:
            raise Refusal(str(exc)) from None
        return Step(edits, said)
    if match.groupdict().get("noun") in ("way", "ways") and not re.search(r"\bshot\b|\bit\b|\bthis\b", rest):
        return None
    refs = target_shots(project, rest, context, "get versions")
    if len(refs) != 1:
        raise Refusal("I offer versions of one shot or one scene at a time; name one ('three versions of shot 2').")
    edits, said = offer_shot(project, refs[0].number, count, None)
    return Step(edits, said, refs[0].id)


def keep_version(project: Project, text: str, context: Context) -> Step | None:
    """'keep B', 'the second one', 'go with version C', 'B' — only while versions are on offer."""
    offers = latest_offer(project)
    match = _KEEP.match(text)
    if not match:
        return None
    if not offers:
        if match.group("letter") or (match.group("bare") and " " in text):  # "keep B": nothing else means that
            raise Refusal("No versions are on offer; ask for some first ('give me three versions of shot 2').")
        return None  # "use the second version of shot 3" is a take
    letters = [v.label for v in offers[0].variants]
    if match.group("nth"):
        word = match.group("nth")
        number = int(word[:-2]) if word[:-2].isdigit() else ORDINALS.get(word)
        if number is None or not 1 <= number <= len(letters):
            return None
        label = letters[number - 1]
    else:
        label = (match.group("letter") or match.group("bare") or "").upper()
    shot = None
    if match.group("rest"):
        refs = target_shots(project, match.group("rest"), context, "keep that version")
        shot = refs[0].number if refs else None
    try:
        edits, said = keep_edits(project, label, shot)
    except NoVersions as exc:
        raise Refusal(str(exc)) from None
    return Step(edits, said, edits[0].shot_id if len(edits) == 1 else None)  # type: ignore[union-attr]

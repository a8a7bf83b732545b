"""The "depicted" measure: of what a shot's words name, the share its panel drew.

For each shot, the things, creatures, weather and feelings its action names are found from the
words alone, never from what the director put in the shot:

- a thing or creature is a word in a noun's place (after an article, a possessive, a number or a
  preposition) that the icon vocabulary knows as a drawable thing, by name ('rocks' -> rock) or
  near enough in meaning (`NAMED_SIMILARITY`, stricter than the drawing's own threshold). Places,
  bodies, clothes, light and people are left out: the set, the figures and the light draw those,
  and other checks measure them;
- weather and feelings are the words in `WEATHER` and `FEELINGS`, lists kept here apart from the
  director's.

What the panel drew is read from the renderer's own draw log (`tools.draw.panel.DrawLog`), got by
drawing each shot's panel once at a small size, with no video encoded. A thing counts as drawn
when the log drew it under its word or as the glyph its word finds; a weather word when the log's
weather shows it (a storm shows rain and wind); a feeling when a face in the shot shows it.

The score is the mean over the shots that name anything. `python -m evals.depicted` runs it on
the quality suite's briefs and on the public-domain texts in evals/depicted_texts/.
"""

from __future__ import annotations

import argparse
import glob
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from story import Project, Shot, apply

TEXTS_DIR = Path(__file__).resolve().parent / "depicted_texts"
FLOOR = 0.8
NAMED_SIMILARITY = 0.6  # a word this near a glyph's name in meaning names a drawable thing
PANEL = (160, 90)  # the draw log does not depend on the size; a small panel draws fast


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ENDINGS = (("sses", "ss"), ("ies", "y"), ("ves", "f"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("s", ""))
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[.,;:!?\"()]")
# Words that open a noun: articles, possessives, numbers, quantities and prepositions.
_OPENERS = _words(
    "a an the his her their its my our your some two three four five six seven eight nine ten many several "
    "few every each this that these those of with between on in under over near by at into onto from to "
    "beside behind among across past toward towards through upon around against without like no"
)
# Words that may stand between an opener and its noun without being the noun.
_MODIFIERS = _words(
    "old young little small big large great huge tiny tall long short wide narrow dark light bright pale deep "
    "black white red green blue yellow grey gray brown golden silver orange purple pink wooden iron stone broken "
    "empty full heavy wet dry cold warm hot cool ancient new first last other same whole single lonely quiet "
    "loud strange poor rich beautiful fine ripe rotten tired sleepy dead living lovely ugly pretty clear thick "
    "thin high low far near own very most more fair pleasant bare sunny shady dusty muddy rocky sandy grassy "
    "leafy icy starry gloomy dreary weary dirty shabby tidy messy shiny cosy cozy tiny"
)
# Not things for the icon layer: places and ground (the set's), bodies and clothes (the figures'),
# light and time (the light's), people (the cast's), and words the icon names hold for other senses.
_NOT_THINGS = _words(
    "sea ocean water shore beach coast harbour harbor river stream lake pond field fields meadow forest wood "
    "woods garden channel bay cove road street path way lane town city village country land ground floor earth "
    "sky air world "
    "room kitchen hall house home door window wall place side edge top bottom end middle corner distance "
    "horizon morning evening night day dusk dawn noon midnight sunset sunrise twilight time hour minute moment "
    "year years week month season summer winter spring autumn light darkness shadow shadows dark "
    "head face eye eyes ear ears nose mouth hand hands arm arms leg legs foot feet finger fingers hair beard "
    "body back shoulder shoulders heart lips tongue teeth tooth neck knee knees skin voice breath tail wing "
    "wings coat scarf hat cap dress shirt boots boot shoes shoe cloak gown jacket trousers apron glove gloves "
    "man men woman women boy boys girl girls child children people person king queen prince princess lady "
    "gentleman sir mother father son daughter brother sister wife husband friend friends baby family crowd "
    "word words name story thing things nothing something anything everything way kind sort part piece lot "
    "one ones other others top sound noise silence life death love joy hope fear rest sleep dream dreams "
    "storm rain snow fog wind cloud clouds thunder lightning mist weather "
    "grandmother grandfather granddaughter grandson uncle aunt master mistress servant stranger traveler "
    "traveller hunter hunters sailor mariner fisherman keeper guard soldier doctor nurse judge detective "
    "officer trainer director driver worker workmen workman customer owner neighbour neighbor "
    "arena station library bedroom doorway hallway stage office shop store cafe bar pavilion desert valley "
    "creature creatures animal animals beast league mile miles yore heat cold warmth picture misery hunger thirst "
    "delight kindness power might victory effort efforts spot area line lines row "
    "mate cook bride groom teacher priest thief thieves courier guest guests parent parents commander corporal "
    "captain crew lord suit suits raincoat uniform clothes clothing garment garments "
    "ice frost mud dirt dust gravel sand grass turf pavement puddle slush"  # the ground underfoot, the set's
)
_PEOPLE_ENDINGS = ("ist", "ian", "maker", "keeper", "monger", "smith", "slinger")
_FUNCTION = _words(
    "and or but nor is was are were be been being has have had do does did who whom which that than then as if so "
    "not when while where there here it he she they we you i me him them us what how why just away up down out "
    "off again still too also even only all both"
)
# Weather words, each with the drawn weathers that show it.
WEATHER: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        _words("storm storms stormy thunder thunderstorm lightning tempest gale hurricane squall"),
        frozenset({"storm"}),
    ),
    **dict.fromkeys(
        _words("rain rains raining rainy rained drizzle downpour raindrops showers"), frozenset({"rain", "storm"})
    ),
    **dict.fromkeys(_words("snow snows snowing snowy snowfall blizzard snowflakes sleet"), frozenset({"snow"})),
    **dict.fromkeys(_words("fog foggy mist misty haze hazy"), frozenset({"fog"})),
    **dict.fromkeys(_words("wind winds windy gust gusts breeze blustery"), frozenset({"wind", "storm"})),
    **dict.fromkeys(_words("cloud clouds cloudy overcast"), frozenset({"cloud", "rain", "storm", "snow", "fog"})),
}
# Feeling words, each with the faces that show it.
_SAD, _AFRAID = frozenset({"sad", "crying"}), frozenset({"afraid", "surprised"})
FEELINGS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        _words("cry cries cried crying weep weeps wept weeping tears tearful sob sobs sobbed sobbing"),
        frozenset({"crying"}),
    ),
    **dict.fromkeys(_words("sad sadly sorrow sorrowful grief grieving mourns mourning unhappy miserable"), _SAD),
    **dict.fromkeys(
        _words("afraid scared fear fearful terrified frightened fright terror trembling trembles trembled"), _AFRAID
    ),
    **dict.fromkeys(_words("angry angrily furious rage fury glares scowls snarls wrath"), frozenset({"angry"})),
    **dict.fromkeys(
        _words("happy happily smile smiles smiled smiling grin grins grinning joyful delighted glad cheerful"),
        frozenset({"happy", "laughing"}),
    ),
    **dict.fromkeys(_words("laugh laughs laughed laughing laughter giggles chuckles"), frozenset({"laughing"})),
    **dict.fromkeys(
        _words("surprised surprise astonished amazed shocked startled stunned gasps gasped"),
        frozenset({"surprised", "afraid"}),
    ),
}
_EXPRESSIONS = frozenset({"happy", "sad", "crying", "angry", "afraid", "surprised", "laughing"})
_WEATHERS = frozenset({"cloud", "rain", "storm", "snow", "fog", "wind"})


@dataclass(frozen=True)
class Named:
    """One thing, creature, weather or feeling a shot's words name, and what would show it."""

    word: str
    kind: str  # thing | weather | feeling
    shows: frozenset[str]  # names in the draw log that show it


@dataclass
class ShotScore:
    """One shot: what its words named and which of those its panel drew."""

    label: str
    action: str
    named: list[Named]
    drawn: list[Named]

    @property
    def score(self) -> float:
        return len(self.drawn) / len(self.named) if self.named else 1.0

    @property
    def missed(self) -> list[Named]:
        return [n for n in self.named if n not in self.drawn]


@dataclass
class SetScore:
    """A set of briefs: every shot that named something, and the mean of their scores."""

    name: str
    shots: list[ShotScore] = field(default_factory=list)
    briefs: int = 0

    @property
    def mean(self) -> float:
        counted = [s.score for s in self.shots if s.named]
        return float(np.mean(counted)) if counted else 1.0

    def costliest(self, n: int = 10) -> list[tuple[str, float]]:
        """The not-drawn words that cost the mean most: each shot's loss shared among what it missed."""
        counted = [s for s in self.shots if s.named]
        cost: Counter[str] = Counter()
        for shot in counted:
            for missed in shot.missed:
                cost[missed.word] += 1 / len(shot.named) / len(counted)
        return cost.most_common(n)


def singular(word: str) -> str:
    """'rocks' -> 'rock', 'berries' -> 'berry', 'boxes' -> 'box', 'wolves' -> 'wolf'."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "as")):
        return word
    for ending, stem in _ENDINGS:
        if word.endswith(ending):
            return word[: -len(ending)] + stem
    return word


def _noun_places(text: str, cast_words: set[str]) -> list[list[str]]:
    """Nouns in a noun's place: after an opener and any modifiers, the next one or two words ('a music box',
    'a heron watches'): one noun an opener, and the thing is drawn under either word."""
    words = _WORD.findall(text.lower())
    found: list[list[str]] = []
    open_since = -99
    for i, word in enumerate(words):
        if word in _OPENERS:
            open_since = i
            continue
        if i - open_since == 1 and words[open_since] == "to":  # 'wanted to marry', 'to plant tomatoes': a verb
            open_since = -99
            continue
        if i - open_since > 3 or not word.isalpha():
            open_since = -99
            continue
        if word in _MODIFIERS or word.endswith(("ly", "ed")) or word in WEATHER and word.endswith("y"):
            continue  # 'a sunny spot', 'a twisted tree', 'the misty hills': the noun comes after
        open_since = -99
        run = [w for w in words[i : i + 2] if w.isalpha() and w not in _OPENERS and w not in _FUNCTION]
        run = run[: 2 if len(run) == 2 and words[i + 1] == run[1] else 1]
        run = [w for w in run if _thing_word(w, cast_words)]
        if run and _thing_word(word, cast_words):
            found.append(run)
    return found


def _thing_word(word: str, cast_words: set[str]) -> bool:
    return not (
        word in cast_words
        or word.endswith(("ing", *_PEOPLE_ENDINGS))
        or word in FEELINGS
        or word in WEATHER
        or word in _NOT_THINGS
        or singular(word) in _NOT_THINGS
    )


def _glyph_names(words: list[str]) -> dict[str, tuple[str, float]]:
    """Each word's nearest glyph and how near: 1.0 by name, else by meaning (the shipped embedding model)."""
    from tools.draw import icons

    if not icons.glyphs():
        return {}
    found: dict[str, tuple[str, float]] = {}
    rest: list[str] = []
    for word in words:
        by_name = _by_name(word)
        if by_name is not None:
            found[word] = (by_name, 1.0)
        else:
            rest.append(word)
    if rest:
        from memory.embedding import embed

        scores = icons.glyph_vectors() @ np.asarray(embed(rest), np.float32).T
        for column, word in enumerate(rest):
            best = int(np.argmax(scores[:, column]))
            found[word] = (icons.glyphs()[best].name, float(scores[best, column]))
    return found


def _by_name(word: str) -> str | None:
    """The glyph whose name is the word or ends in it ('boat' -> 'motor boat'), the shortest such name."""
    from tools.draw import icons

    for candidate in dict.fromkeys((singular(word), word)):
        names = [g.name for g in icons.glyphs() if g.name == candidate or g.name.endswith(f" {candidate}")]
        if names:
            return min(names, key=lambda n: (len(n), n))
    return None


def named_in(text: str, cast_words: set[str] = frozenset()) -> list[Named]:  # type: ignore[assignment]
    """The things, creatures, weather and feelings `text` names, once each, in order."""
    named: dict[str, Named] = {}
    words = _WORD.findall(text.lower())
    for i, word in enumerate(words):
        if word == "tears" and i and words[i - 1] not in _OPENERS:  # "the van tears away" names no feeling
            continue
        if word in WEATHER:  # 'rain' and 'raining' name one weather
            named.setdefault(f"weather:{sorted(WEATHER[word])}", Named(word, "weather", WEATHER[word]))
        elif word in FEELINGS:
            named.setdefault(f"feeling:{sorted(FEELINGS[word])}", Named(word, "feeling", FEELINGS[word]))
    places = _noun_places(text, cast_words)
    from tools.draw.icons import SIMILARITY

    glyphs = _glyph_names(list(dict.fromkeys(w for run in places for w in run)))
    for run in places:
        if any(glyphs.get(w, ("", 0.0))[1] >= NAMED_SIMILARITY for w in run):
            thing = singular(run[0])  # 'a heron watches': the heron, drawn as a heron, a bird or a watch
            near = {glyphs[w][0] for w in run if w in glyphs and glyphs[w][1] >= SIMILARITY}
            named.setdefault(f"thing:{thing}", Named(thing, "thing", frozenset({singular(w) for w in run} | near)))
    return list(named.values())


def drawn_names(log: list[str], characters: list[str]) -> set[str]:
    """What a draw log drew, as names: weathers, feelings on faces, and each thing under its word and glyph."""
    drawn: set[str] = set()
    for line in log:
        if not line.startswith("drawn: "):
            continue
        item = line.removeprefix("drawn: ")
        words = item.split()
        if item in _WEATHERS:
            drawn.add(item)
        elif len(words) == 2 and words[0] in characters and words[1] in _EXPRESSIONS:
            drawn.add(words[1])
        else:
            match = re.fullmatch(r"(.+?)(?: \(as (.+)\))?", item)
            assert match is not None
            name, glyph = match.group(1), match.group(2) or match.group(1)
            drawn.update({name, singular(name), name.split()[-1], glyph})
    return drawn


def draw_log(project: Project, shot: Shot) -> list[str]:
    """The renderer's own log of what it drew for the shot's panel (drawn small, no video)."""
    from tools.draw.panel import DrawLog, draw_scene

    log = DrawLog([], [])
    draw_scene(project, shot, shot.seed, *PANEL, log)
    return log.details()["draw_log"]  # type: ignore[return-value]


def score_shot(project: Project, shot: Shot, label: str) -> ShotScore:
    """What the shot's action names, and which of it the panel drew."""
    cast_words = {w for cid in shot.characters for w in re.findall(r"[a-z]+", cid)}
    for cid in shot.characters:
        cast_words |= set(re.findall(r"[a-z]+", project.character(cid).name.lower()))
    named = named_in(shot.action, cast_words)
    drawn = drawn_names(draw_log(project, shot), shot.characters) if named else set()
    return ShotScore(label, shot.action, named, [n for n in named if n.shows & drawn])


def plan(brief: str) -> Project:
    """The offline director's story for a brief."""
    from agent.offline import OfflineDirector

    return apply(Project(), OfflineDirector().plan(brief))


def score_briefs(name: str, briefs: list[tuple[str, str]]) -> SetScore:
    """Plan every (label, brief) and score every shot."""
    scored = SetScore(name, briefs=len(briefs))
    for label, brief in briefs:
        project = plan(brief)
        for number, shot in enumerate(project.shots, 1):
            scored.shots.append(score_shot(project, shot, f"{label} #{number}"))
    return scored


def suite_briefs() -> list[tuple[str, str]]:
    """The quality suite's briefs, by case name."""
    from evals.quality.cases import CASES_DIR, load_case

    return [(Path(p).stem, load_case(Path(p)).brief) for p in sorted(glob.glob(str(CASES_DIR / "*.yaml")))]


def text_briefs(folder: Path = TEXTS_DIR) -> list[tuple[str, str]]:
    """The public-domain texts: each file's body after its 'Source:' header lines."""
    briefs = []
    for path in sorted(folder.glob("*.txt")):
        lines = path.read_text().split("\n")
        body = "\n".join(line for line in lines if not line.startswith(("Source:", "Licence:"))).strip()
        briefs.append((path.stem, body))
    return briefs


def report(scored: SetScore, width: int = 80, show: int = 0) -> str:
    """The set's mean, its shot count and the not-drawn words that cost most, for a terminal."""
    counted = [s for s in scored.shots if s.named]
    named = sum(len(s.named) for s in counted)
    drawn = sum(len(s.drawn) for s in counted)
    lines = [
        f"{scored.name}: depicted {scored.mean:.2f} (mean of {len(counted)} shots that name something, "
        f"of {len(scored.shots)} in {scored.briefs} briefs; {drawn} of {named} named drawn)"
    ]
    cost = scored.costliest()
    if cost:
        lines.append("  not drawn, costliest first: " + ", ".join(f"{w} {c:.3f}" for w, c in cost))
    for shot in sorted(counted, key=lambda s: s.score)[:show]:
        missed = ", ".join(n.word for n in shot.missed) or "-"
        lines.append(f"  {shot.score:.2f} {shot.label}: missed {missed} | {shot.action[: width - 30]}")
    return "\n".join(lines)


def score_sets() -> list[SetScore]:
    """Both sets scored: the quality suite's briefs and the public-domain texts."""
    return [score_briefs("quality suite briefs", suite_briefs()), score_briefs("public-domain texts", text_briefs())]


def run(show: int = 0) -> list[SetScore]:
    """Both sets, scored and printed."""
    sets = score_sets()
    for scored in sets:
        print(report(scored, show=show))
    return sets


def main(argv: list[str] | None = None) -> int:
    """`python -m evals.depicted [--show N]`: exit 1 when a set's mean is below `FLOOR`."""
    parser = argparse.ArgumentParser(prog="python -m evals.depicted", description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=0, help="also list the N worst shots of each set")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    sets = run(args.show)
    print(f"({time.perf_counter() - start:.1f}s; floor {FLOOR})")
    return 0 if all(s.mean >= FLOOR for s in sets) else 1


if __name__ == "__main__":
    sys.exit(main())

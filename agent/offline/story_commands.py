"""Commands about the story rather than one shot: the style, the title, a character's name
and look. Part of the offline grammar (see `agent.offline.grammar`)."""

from __future__ import annotations

import math
import re
from pathlib import Path

from agent.commands import MAX_LINES, CommandError, CutToBeats, RecordLine, RemoveMusic, expand
from agent.offline.addressing import find_character, find_shots
from agent.offline.grammar import Context, Refusal, Step, select_shots, target_shots
from agent.offline.reading import describe_looks, looks, person_traits
from agent.offline.selection import gender_of
from agent.offline.shots import shorten
from agent.offline.vocabulary import (
    ANGLE_WORDS,
    EVERYDAY_CAMERA,
    EXPRESSION_WORDS,
    GARMENTS,
    HAIR_WORDS,
    LENS_WORDS,
    MOVEMENT_WORDS,
    PERSON_NOUNS,
    SIZE_WORDS,
    STYLE_ALIASES,
    STYLES,
    WEATHER_WORDS,
)
from story import (
    AnyEdit,
    Character,
    CharacterChanges,
    Project,
    ReplaceStory,
    SetBible,
    SetStyle,
    ShotChanges,
    UpdateCharacter,
    UpdateShot,
)
from story.model import MAX_NAME, MAX_SHOT_FRAMES, MAX_SHOTS, Acting, Expression, Prop, PropPlace, Weather

_STYLE_NAMES = "|".join(re.escape(n) for n in sorted([*STYLES, *STYLE_ALIASES], key=len, reverse=True))


def style(project: Project, text: str, context: Context) -> Step | None:
    """'make it noir', 'style: watercolour', 'in the style of a comic'."""
    explicit = (
        re.match(r"^(?:style\s*[:=]?|look\s*[:=])\s*(?P<name>.+)$", text)
        or re.search(r"\bin (?:the|a) style of (?:an?\s+)?(?P<name>.+)$", text)
        or re.match(rf"^look\s+(?:like\s+)?(?:an?\s+)?(?P<name>{_STYLE_NAMES})$", text)
    )
    if explicit:
        name = explicit.group("name").strip(" .")
    else:
        match = re.match(
            r"^(?:make (?:it|the (?:film|reel|whole thing)|everything)|go|let's go|use)\s+(?:look\s+)?(?:like\s+)?"
            r"(?:an?\s+)?(?P<name>.+?)(?:\s+(?:style|look))?$",
            text,
        ) or re.match(r"^(?P<name>.+?)\s+(?:style|look)$", text)
        if not match:
            one = re.search(
                rf"\s(?:look\s+)?(?:like\s+)?(?:in\s+)?(?:an?\s+)?(?P<name>{_STYLE_NAMES})(?:\s+(?:style|look))?$",
                text,
            )
            shots = text[: one.start()] if one else ""
            if one and (find_shots(project, shots) or select_shots(project, shots, context)):
                name = one.group("name")
                raise Refusal(
                    f"A style is the look of the whole film, not of some shots: say 'make it {name}' for every shot."
                )
            return None
        name = match.group("name").strip(" .")
        if STYLE_ALIASES.get(name, name) not in STYLES:
            return None
    key = STYLE_ALIASES.get(name, name)
    if key in STYLES:
        look, palette = STYLES[key]
        return Step([SetStyle(changes={"look": list(look), "palette": list(palette)})], f"style: {key}")
    look = [shorten(w.strip(), MAX_NAME) for w in re.split(r",|\band\b", name) if w.strip()][:20]
    if not look:
        return None
    return Step([SetStyle(changes={"look": look})], f"style: {', '.join(look)}")


def title(project: Project, text: str, context: Context, original: str = "") -> Step | None:
    """'title: The Long Night', 'call the film Low Tide', 'change the title to ...'."""
    match = re.match(
        r"^(?:title\s*[:=]\s*|(?:call|name|rename|retitle) (?:it|the (?:film|reel|story|movie))(?: to| as)?\s+|"
        r"(?:change|set) the title to\s+)(?P<title>.+)$",
        text,
    )
    if not match:
        return None
    value = (original or text)[match.start("title") : match.end("title")].strip(" \"'.")
    if not value:
        return None
    return Step([SetBible(changes={"title": shorten(value, MAX_NAME)})], f"title: {value}")


def _character(project: Project, words: str, context: Context) -> Character | None:
    """By name, id or role word; failing that, by meaning, through memory when there is one."""
    found = find_character(project, words)
    if found is None and context.resolve_character is not None and len(words.split()) > 1:
        ident = context.resolve_character(words, project)
        found = next((c for c in project.characters if c.id == ident), None)
    return found


def rename(project: Project, text: str, context: Context, original: str = "") -> Step | None:
    """'rename Mara to Marta', 'change Mara's name to Marta', 'Mara is now called Marta'."""
    match = (
        re.match(r"^rename (?P<old>.+?) (?:to|as) (?P<new>.+)$", text)
        or re.match(r"^(?:change|set) (?P<old>.+?)'s name to (?P<new>.+)$", text)
        or re.match(r"^(?P<old>.+?) (?:is now called|should be called|is now named) (?P<new>.+)$", text)
    )
    if not match:
        return None
    character = _character(project, match.group("old"), context)
    if character is None:
        names = ", ".join(c.name for c in project.characters) or "none yet"
        asked = (original or text)[match.start("old") : match.end("old")]
        raise Refusal(f"There is no character called {asked!r}; the cast is: {names}.")
    new = (original or text)[match.start("new") : match.end("new")].strip(" \"'.")
    if not new:
        return None
    new = shorten(new, MAX_NAME)
    edits: list[AnyEdit] = [UpdateCharacter(character_id=character.id, changes=CharacterChanges(name=new))]
    pattern = re.compile(rf"\b{re.escape(character.name)}\b")
    for shot in project.shots:
        changes: dict[str, object] = {}
        if pattern.search(shot.action):
            changes["action"] = pattern.sub(new, shot.action)
        if any(pattern.search(line.text) for line in shot.dialogue):
            changes["dialogue"] = [
                line.model_copy(update={"text": pattern.sub(new, line.text)}) for line in shot.dialogue
            ]
        if changes:
            edits.append(UpdateShot(shot_id=shot.id, changes=ShotChanges.model_validate(changes)))
    return Step(edits, f"renamed {character.name} to {new}")


_LOOK = re.compile(
    r"^(?:give\s+(?P<given>.+?)\s+(?P<gift>(?:an?|the|some)\s+.+)|(?P<who>.+?)\s+"
    r"(?P<verb>wears|is wearing|should be wearing|should wear|now wears|has|should have|now has|is|should be|looks)"
    r"\s+(?P<what>.+))$"
)


_PARTS = "|".join(sorted(GARMENTS | HAIR_WORDS, key=len, reverse=True))
_HAIRS = "|".join(sorted(HAIR_WORDS, key=len, reverse=True))
_PART_CHANGE = (
    # "make her hair grey", "turn Mara's coat blue", "change his scarf to green", "dye her hair red"
    re.compile(
        rf"^(?:make|turn|change|dye|paint|colou?r|switch)\s+(?P<owner>[a-z][\w' -]*?)(?:'s|s')?\s+(?P<part>{_PARTS})\s+"
        r"(?:to\s+(?:be\s+)?|into\s+|for\s+an?\s+)?(?P<value>[a-z][a-z -]*?)(?:\s+(?:one|instead|now))?$"
    ),
    # "give Ana grey hair", "give him a white beard": hair needs no article
    re.compile(rf"^give\s+(?P<owner>[a-z][\w' -]*?)\s+(?:an?\s+)?(?P<value>(?:[a-z-]+\s+){{1,2}}?)(?P<part>{_HAIRS})$"),
    # "her hair should be grey", "Mara's coat is blue now"
    re.compile(
        rf"^(?P<owner>[a-z][\w' -]*?)(?:'s|s')?\s+(?P<part>{_PARTS})\s+(?:should be|must be|is|is now|needs to be|"
        r"has to be|becomes|turns|goes)\s+(?P<value>[a-z][a-z -]*?)(?:\s+(?:now|instead|please))?$"
    ),
)


def _part_change(project: Project, text: str, context: Context) -> Step | None:
    """A look said part first ('make her hair grey'): read as the owner having that look."""
    match = next((m for m in (p.match(text) for p in _PART_CHANGE) if m), None)
    if match is None:
        return None
    owner, part, value = match.group("owner", "part", "value")
    value = value.strip()
    pronoun = {"her": "she", "his": "he", "their": "they", "she": "she", "he": "he"}.get(owner.strip())
    if pronoun:
        meant = meant_by_pronoun(project, pronoun, context, part)
        if meant is None:
            return None
        owner = meant.name.lower()
    verb = "has" if part in HAIR_WORDS else "wears"
    return character_look(project, f"{owner} {verb} {'a ' if verb == 'wears' else ''}{value} {part}", context)


def character_look(project: Project, text: str, context: Context) -> Step | None:
    """'Mara wears a red coat', 'the girl has curly black hair', 'give Tomas a grey beard', 'make her hair grey'."""
    match = _LOOK.match(text)
    if not match:
        return _part_change(project, text, context)
    who, what = (
        (match.group("given"), match.group("gift"))
        if match.group("given")
        else (match.group("who"), match.group("what"))
    )
    character = _character(project, who, context)
    if character is None and who.strip() in ("she", "he", "they", "her", "him", "them"):
        character = meant_by_pronoun(
            project, {"her": "she", "him": "he", "them": "they"}.get(who.strip(), who.strip()), context
        )
    if character is None:
        return _part_change(project, text, context)
    context.last_character = character.id
    what = what.strip(" .")
    traits = {part: value for _, part, value in looks(what)}
    traits.update(person_traits(what.split(), ""))
    if not traits and match.group("verb") in ("is", "should be", "looks"):
        return None  # "Mara is happy" is not a look we can draw the same way every time
    description = _described(character.description, what, traits, match.group("verb") or "has")
    changes = CharacterChanges(description=description, traits={**character.traits, **traits})
    looks_text = describe_looks(traits) or what
    return Step([UpdateCharacter(character_id=character.id, changes=changes)], f"{character.name}: {looks_text}")


def _described(old: str, what: str, traits: dict[str, str], verb: str) -> str:
    """The description with the new look in place of any old one for the same part."""
    text = old
    for part, value in traits.items():
        pattern = re.compile(rf"\b(?:(?!(?:a|an|the|in|with|and)\b)[a-z-]+\s+){{0,2}}{re.escape(part)}\b", re.I)
        if part not in ("age", "build") and pattern.search(text):
            text = pattern.sub(f"{value} {part}", text, count=1)
            what = ""
    if what:
        joiner = "wearing" if "wear" in verb else "with" if verb in ("has", "should have", "now has") else ""
        text = ", ".join(p for p in (text, " ".join(w for w in (joiner, what) if w)) if p)
    return shorten(text)


_TO_THE_MUSIC = re.compile(
    r"^(?:cut|edit|time|retime|sync|snap|fit|match)\b.*\b(?:to|with|on)\s+(?:the\s+)?(?:music|beats?|song|track|rhythm)\b"
)


def cut_to_music(project: Project, text: str, context: Context) -> Step | None:
    """'cut to the music', 'cut it to the beat', 'sync the shots to the song': every shot boundary
    moves to the nearest beat, each shot kept within ±25 % of its length (the bounds are in the reply)."""
    if not _TO_THE_MUSIC.match(text):
        return None
    try:
        cut = expand(project, CutToBeats())
    except CommandError as exc:
        raise Refusal(f"I cannot cut to the music: {exc.__cause__ or exc}.") from None
    return Step(cut.edits, cut.summary)


_NO_MUSIC = re.compile(
    r"^(?:(?:remove|drop|lose|take away|take out|turn off|mute|stop)\s+(?:the\s+)?(?:music|song|soundtrack)"
    r"(?:\s+bed)?|no\s+(?:more\s+)?music)$"
)


def no_music(project: Project, text: str, context: Context) -> Step | None:
    """'remove the music', 'no music', 'turn off the song': the reel plays without its music bed."""
    if not _NO_MUSIC.match(text):
        return None
    if project.music is None:
        raise Refusal("There is no music under the reel to remove.")
    removed = expand(project, RemoveMusic())
    return Step(removed.edits, removed.summary)


_SCRATCH_LINE = re.compile(
    r"^(?:(?:use|go back to|back to|bring back|return to)\s+)?(?:the\s+)?scratch voice\s+(?:for|on)\s+(?:the\s+)?"
    r"(?:shot\s+#?(?P<shot>\d+),?\s+line\s+#?(?P<line>\d+)|line\s+#?(?P<line2>\d+)\s+(?:of|in)\s+shot\s+#?(?P<shot2>\d+))$"
)


def scratch_line(project: Project, text: str, context: Context) -> Step | None:
    """'use the scratch voice for shot 2 line 1', 'back to the scratch voice for line 1 of shot 2': the line is read
    by its scratch voice again instead of a recording (`storyreel voice DIR SHOT LINE FILE` records one)."""
    match = _SCRATCH_LINE.match(text)
    if not match:
        return None
    shot, line = int(match.group("shot") or match.group("shot2")), int(match.group("line") or match.group("line2"))
    if not 1 <= line <= MAX_LINES or not 1 <= shot <= MAX_SHOTS:
        return None
    done = expand(project, RecordLine(shot=shot, line=line))  # a line that is not there: the CLI's words
    return Step(done.edits, done.summary, project.shots[shot - 1].id)


_MAKE_ROOM = re.compile(
    r"^(?:make|give|leave|find)\s+(?:more\s+)?(?:room|time|space)\s+for\s+(?:the\s+|all\s+(?:the\s+)?)?"
    r"(?:lines|dialogue|words|voices)\b|^(?:fit|lengthen|stretch)\s+(?:the\s+)?shots?\s+(?:to|for)\s+(?:the\s+)?"
    r"(?:lines|dialogue)\b"
)


def make_room(project: Project, text: str, context: Context) -> Step | None:
    """'make room for the lines': every shot too short for its dialogue (spoken in its scratch
    voices) becomes as long as the lines need."""
    if not _MAKE_ROOM.match(text):
        return None
    from platformdirs import user_cache_dir

    from tools.voice.base import VoiceError
    from tools.voice.lines import needed_seconds

    try:
        needs = needed_seconds(project, Path(user_cache_dir("storyreel")) / "voice")
    except VoiceError as exc:
        raise Refusal(f"I cannot time the lines: {exc}.") from None
    edits: list[AnyEdit] = []
    words: list[str] = []
    for shot in project.shots:
        frames = min(MAX_SHOT_FRAMES, math.ceil(needs.get(shot.id, 0.0) * project.fps))
        if frames > shot.duration_frames:
            edits.append(UpdateShot(shot_id=shot.id, changes=ShotChanges(duration_frames=frames)))
            words.append(f"shot {shot.label} {shot.duration_frames / project.fps:.1f}s -> {frames / project.fps:.1f}s")
    if not edits:
        return Step([], "every shot already has room for its lines")
    return Step(edits, "room for the lines: " + ", ".join(words))


_VOICE_WORDS = {"deeper": ("pitch", -15), "lower": ("pitch", -15), "higher": ("pitch", 15),
                "faster": ("speed", 30), "quicker": ("speed", 30), "slower": ("speed", -30)}  # fmt: skip
_HOW = r"(?P<how>deeper|lower|higher|faster|quicker|slower)"
_VOICE_CHANGE = (
    re.compile(rf"^(?:give|make)\s+(?P<who>.+?)\s+(?:a\s+)?{_HOW}\s+voice$"),
    re.compile(rf"^(?:make\s+)?(?P<who>.+?)'s\s+voice\s+(?:a\s+(?:bit|little)\s+|much\s+)?{_HOW}$"),
    re.compile(rf"^(?P<who>.+?)\s+(?:speaks|talks|should speak|should talk)\s+{_HOW}$"),
)


def voice_change(project: Project, text: str, context: Context) -> Step | None:
    """'give Mara a deeper voice', "make Tomas's voice faster", 'the girl speaks slower'."""
    match = next((m for m in (p.match(text) for p in _VOICE_CHANGE) if m), None)
    if match is None:
        return None
    character = _character(project, match.group("who"), context)
    if character is None:
        return None
    from tools.voice.casting import cast_voices

    voice = cast_voices(project)[character.id]
    field, step = _VOICE_WORDS[match.group("how")]
    low, high = (0, 99) if field == "pitch" else (80, 400)
    value = max(low, min(high, getattr(voice, field) + step))
    if value == getattr(voice, field):
        raise Refusal(f"{character.name}'s voice is already as {match.group('how').removesuffix('er')} as it goes.")
    changed = voice.model_copy(update={field: value})
    edit = UpdateCharacter(character_id=character.id, changes=CharacterChanges(voice=changed))
    return Step([edit], f"{character.name}'s voice {match.group('how')} ({field} {getattr(voice, field)} -> {value})")


# What is in frame: feelings, weather, props ------------------------------------------------------

_FEELING = re.compile(
    r"^(?:make\s+)?(?P<who>[a-z][\w' -]*?)\s+(?:(?:looks?|is|seems?|should (?:look|be)|feels?)\s+)?"
    r"(?P<how>" + "|".join(sorted(EXPRESSION_WORDS, key=len, reverse=True)) + r"|neutral|calm)"
    r"(?:\s+(?:in|on|for)\s+(?P<where>.+)|\s+(?P<when>(?:when|where|while|as)\s+.+))?$"
)
_WEATHER = re.compile(
    r"^(?:(?:add|put|bring|make it|let it)\s+)?(?:some\s+|a\s+|an\s+)?(?P<what>"
    + "|".join(sorted(WEATHER_WORDS, key=len, reverse=True))
    + r"|clear sky|no weather)(?:\s+(?:to|in|on|into|for)\s+(?P<where>.+))?$"
    + r"|^(?:make\s+(?P<where2>.+?)|"
    + r"(?P<where3>.+?)\s+(?:(?:should|must|needs? to|has to|could)\s+(?:be|have)|is|to\s+be))\s+"
    + r"(?P<what2>"
    + "|".join(sorted(WEATHER_WORDS, key=len, reverse=True))
    + r")$"
)
_PROP = re.compile(
    r"^(?:(?:add|put|place|show|draw)\s+)?(?:(?:give)\s+(?P<holder>[a-z][\w'-]*)\s+)?(?:an?|the|some)\s+"
    r"(?P<what>[a-z][a-z -]{0,40}?)(?:\s+(?P<place>on|in|at|by|under|beside|behind|near)\s+the\s+"
    r"(?P<on>[a-z]+))?\s+(?:to|in|into|on)\s+(?P<where>(?:shot|the (?:first|last)|all).*)$"
)


def meant_by_pronoun(project: Project, pronoun: str, context: Context, part: str = "") -> Character | None:
    """Who 'she' or 'he' means with no shot to look in: the only one of that gender, else the one
    talked about last, else the one of them in the shot talked about last, else the one who already
    has the `part` named ('her scarf': the woman with a scarf), else the one in most shots; 'they'
    only in a cast of one."""
    if pronoun == "they" or len(project.characters) == 1:
        return project.characters[0] if len(project.characters) == 1 else None
    sex = "f" if pronoun in {"she", "her"} else "m"
    matching = [c for c in project.characters if gender_of(c) == sex]
    last = next((c for c in matching if c.id == context.last_character), None)
    if last is not None:  # "give Rosa a red coat. Make her hair grey": the one just talked about
        return last
    if len(matching) > 1 and context.last_shot and any(s.id == context.last_shot for s in project.shots):
        present = [c for c in matching if c.id in project.shot(context.last_shot).characters]
        matching = present or matching
    if not matching:  # "he" in a cast where one person has no word for gender ("the harbourmaster")
        matching = (
            [c for c in project.characters if not gender_of(c)][-1:]
            if len([c for c in project.characters if not gender_of(c)]) == 1
            else []
        )
    wearing = [c for c in matching if part and part in c.traits]
    if len(wearing) == 1:
        return wearing[0]
    shots = {c.id: sum(c.id in s.characters for s in project.shots) for c in matching}
    return max(reversed(matching), key=lambda c: shots[c.id]) if matching else None


def _gendered(project: Project, who: str, cast: list[str]) -> str | None:
    """The character a pronoun means among `cast`: the one whose words say she or he, else the first."""
    if not cast:
        return None
    sex = "f" if who in {"she", "her"} else "m" if who in {"he", "him"} else ""
    for cid in cast:
        words = set(re.findall(r"[a-z]+", project.character(cid).description.lower()))
        if sex and {
            w for w in words if PERSON_NOUNS.get(w) == sex or w in ({"she", "her"} if sex == "f" else {"he", "his"})
        }:
            return cid
    return cast[0]


def feeling(project: Project, text: str, context: Context) -> Step | None:
    """'she looks afraid in shot 4', 'Tom is crying in shot 2', 'make Mara happy in the last shot'."""
    match = _FEELING.match(text)
    if not match:
        return None
    who, how = match.group("who").strip(), match.group("how")
    expression = Expression.NEUTRAL if how in {"neutral", "calm"} else EXPRESSION_WORDS[how]
    where = match.group("where") or ""
    if match.group("when"):  # "scared when she's on the mast": the shot where she is
        where = "the shot " + re.sub(r"\b(she|he|they|it)(?:'s|'re|\s+is|\s+are)\b", r"\1", match.group("when"))
    refs = target_shots(project, where, context, f"show {who} {how}")
    edits: list[AnyEdit] = []
    for ref in refs:
        shot = project.shot(ref.id)
        if who in {"she", "he", "her", "him", "they"}:
            ident = _gendered(project, who, shot.characters)
        else:
            character = _character(project, who, context)
            if character is None:
                return None  # not a person: some other command's words
            ident = character.id
        if ident is None or ident not in shot.characters:
            raise Refusal(f"{who.capitalize()} is not in shot {project.shot(ref.id).label}; add them to it first.")
        acting = dict(shot.acting)
        acting[ident] = (acting.get(ident) or Acting()).model_copy(update={"expression": expression})
        edits.append(UpdateShot(shot_id=ref.id, changes=ShotChanges(acting=acting)))
    name = who if who in {"she", "he", "they"} else project.character(ident).name
    return Step(edits, f"shot {project.shot(refs[-1].id).label}: {name} looks {expression.value}", refs[-1].id)


def weather(project: Project, text: str, context: Context) -> Step | None:
    """'add rain to shot 3', 'snow in shot 2', 'make shot 5 stormy', 'clear sky in shot 1', 'from
    shot 7 on, make it rainy'."""
    lead = re.match(r"^(?P<lead>[^,]+?),\s*(?P<rest>.+)$", text)  # the shots said first, then what to do
    match = _WEATHER.match(text) or (_WEATHER.match(lead.group("rest")) if lead else None)
    if not match:
        return None
    said_first = lead.group("lead") if lead and match.string == lead.group("rest") else ""
    what = match.group("what") or match.group("what2")
    where = match.group("where") or match.group("where2") or match.group("where3") or said_first
    sky = Weather.CLEAR if what in {"clear sky", "no weather"} else WEATHER_WORDS[what]
    refs = target_shots(project, where, context, f"have {what}", whole_film=True)
    edits: list[AnyEdit] = [UpdateShot(shot_id=r.id, changes=ShotChanges(weather=sky)) for r in refs]
    return Step(
        edits,
        f"{'shots' if len(refs) > 1 else 'shot'} {', '.join(project.shot(r.id).label for r in refs)}: {sky.value}",
        refs[-1].id if len(refs) == 1 else None,
    )


_CAMERA_PHRASES: set[str] = {str(row[0]) for row in (*EVERYDAY_CAMERA, *ANGLE_WORDS, *MOVEMENT_WORDS, *SIZE_WORDS)}
_CAMERA_TALK = re.compile(
    "|".join(
        rf"(?<![\w-]){re.escape(p)}(?![\w-])"
        for p in sorted(
            {p for p in _CAMERA_PHRASES if " " in p} | {p for p, _ in LENS_WORDS}, key=len, reverse=True
        )  # phrases only: "a track", "a dutch flag" are things
    )
    + r"|\b(?:closer|tighter|wider|looser|longer|shorter|lens|angle|seconds|frames|zoom|view|tilt|dolly|top-down)\b"
    + r"|\b(?:extra|more|another|additional)\s+(?:second|minute|frame)s?\b|\b(?:more|less)\s+time\b"
)
"""What the camera does or how long, said where a thing in frame would be ('a longer lens', 'a bit
closer', 'an extra second')."""


def prop(project: Project, text: str, context: Context) -> Step | None:
    """'a lamp on the table in shot 2', 'add a boat to shot 1', 'give Tom a lantern in shot 3'."""
    match = _PROP.match(text)
    if not match:
        return None
    what = match.group("what").strip()
    if what.split()[0] in {"shot", "take", "close", "closeup", "wide", "new"} or what in WEATHER_WORDS:
        return None
    if _CAMERA_TALK.search(f"the {what}"):
        return None  # "show the whole room", "put a telephoto on shot 7": the camera's, not a thing in frame
    if re.search(r"\b(?:fade|dissolve|crossfade|cross-dissolve|transition|mix|blend|wipe)s?$", what):
        return None  # "a slow fade into shot 8": how shots join, not a thing in frame
    refs = target_shots(project, match.group("where"), context, f"show {what}")
    holder = None
    if match.group("holder"):
        character = _character(project, match.group("holder"), context)
        if character is None:
            return None
        holder = character.id
    edits: list[AnyEdit] = []
    for ref in refs:
        shot = project.shot(ref.id)
        if holder is not None and holder not in shot.characters:
            where = project.shot(ref.id).label
            raise Refusal(f"{project.character(holder).name} is not in shot {where}; add them to it first.")
        found = [Prop(name=what, where=PropPlace.HELD, held_by=holder)] if holder else []
        if not found and match.group("on"):  # "a lamp on the table": the table too, the lamp in front
            found = [Prop(name=match.group("on"), where=PropPlace.FOREGROUND), Prop(name=what)]
            found[1] = found[1].model_copy(update={"metadata": {"on": match.group("on")}})
        found = found or [Prop(name=what)]
        kept = [p for p in shot.props if p.name not in {f.name for f in found}]
        edits.append(UpdateShot(shot_id=ref.id, changes=ShotChanges(props=[*kept, *found][:20])))
    return Step(edits, f"shot {project.shot(refs[-1].id).label}: {what} added", refs[-1].id)


# One character under two names --------------------------------------------------------------------

_MERGE = (
    re.compile(
        r"^(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+are\s+(?:(?:really|actually|in fact)\s+)?"
        r"(?:the\s+same|one\s+and\s+the\s+same|one)(?:\s+(?:person|character|man|woman|people|guy|girl|boy|figure|animal|creature|one))?$"
    ),
    re.compile(r"^(?:merge|combine|join)\s+(?P<a>.+?)\s+(?:and|with)\s+(?P<b>.+?)(?:\s+(?:into one|together))?$"),
    re.compile(r"^(?:merge|fold)\s+(?P<b>.+?)\s+into\s+(?P<a>.+?)$"),
    re.compile(
        r"^(?P<a>.+?)\s+is\s+(?:really\s+|actually\s+)?(?:the\s+same\s+(?:person|character|man|woman|one)\s+as|"
        r"also|really|actually)\s+(?P<b>.+?)$"
    ),
)
MERGING = re.compile(
    r"\bare\s+(?:(?:really|actually|in fact)\s+)?(?:the\s+same|one\s+and\s+the\s+same)\b|^(?:merge|combine)\b"
)
"""A clause that names two people to be made one: its 'and' is not a second instruction."""


def _named(character: Character) -> bool:
    """True for a name of one's own ('Bjorn'), false for an epithet ('Old fisherman')."""
    words = re.findall(r"[a-z]+", character.name.lower())
    return not any(w in PERSON_NOUNS for w in words)


def merge_characters(project: Project, text: str, context: Context) -> Step | None:
    """'the old fisherman and Bjorn are the same person', 'merge the girl into Kit': one character,
    under the name of their own, in every shot either was in, with both descriptions and all the lines."""
    match = next((m for m in (p.match(text) for p in _MERGE) if m), None)
    if match is None:
        return None
    first, second = _character(project, match.group("a"), context), _character(project, match.group("b"), context)
    if first is None or second is None:
        if _MERGE[0].match(text) or text.startswith(("merge", "combine", "fold")):
            missing = match.group("a") if first is None else match.group("b")
            names = ", ".join(c.name for c in project.characters) or "none yet"
            raise Refusal(f"There is no character called {missing.strip()!r}; the cast is: {names}.")
        return None
    if first.id == second.id:
        raise Refusal(f"{first.name} is already one character.")
    keep, gone = (second, first) if _named(second) and not _named(first) else (first, second)
    description = keep.description
    if gone.description and gone.description.lower() not in description.lower():
        description = shorten(", ".join(p for p in (description, gone.description) if p))
    kept = keep.model_copy(update={"description": description, "traits": {**gone.traits, **keep.traits}})
    shots, numbers = [], []
    for number, shot in enumerate(project.shots, 1):
        if gone.id not in shot.characters and all(line.speaker != gone.id for line in shot.dialogue):
            shots.append(shot)
            continue
        numbers.append(number)
        cast = list(dict.fromkeys(keep.id if c == gone.id else c for c in shot.characters))
        positions = {keep.id if c == gone.id else c: x for c, x in shot.positions.items()}
        if keep.id in shot.positions:
            positions[keep.id] = shot.positions[keep.id]
        acting = {keep.id if c == gone.id else c: a for c, a in shot.acting.items()}
        if keep.id in shot.acting:
            acting[keep.id] = shot.acting[keep.id]
        lines = [
            line.model_copy(update={"speaker": keep.id}) if line.speaker == gone.id else line for line in shot.dialogue
        ]
        props = [p.model_copy(update={"held_by": keep.id}) if p.held_by == gone.id else p for p in shot.props]
        shots.append(
            shot.model_copy(
                update={"characters": cast, "positions": positions, "acting": acting, "dialogue": lines, "props": props}
            )
        )
    cast = [kept if c.id == keep.id else c for c in project.characters if c.id != gone.id]
    story = ReplaceStory(
        bible=project.bible, style=project.style, characters=cast, locations=project.locations, shots=shots
    )
    where = f" (shot{'s' if len(numbers) != 1 else ''} {', '.join(map(str, numbers))})" if numbers else ""
    return Step([story], f"{gone.name} and {keep.name} are one character now: {keep.name}{where}")

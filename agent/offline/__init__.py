"""The offline director: a deterministic planner and a documented command grammar.

It answers when no language model is configured, so storyreel works with no network and no
GPU. A `Director` like the model's: `plan` reads prose or Fountain; `turn` reads the instructions
in docs/directing.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from agent.brief import is_fountain
from agent.offline.addressing import NoSuchShot, find_shots, pointed_at_that
from agent.offline.fountain import plan_fountain
from agent.offline.grammar import Context, Refusal, Step, commands, insert, select_shots
from agent.offline.moods import COMPLAINT, is_mood, mood, mood_by_meaning
from agent.offline.planner import plan_prose
from agent.offline.questions import answer
from agent.offline.render_commands import commands as render_commands
from agent.offline.story_commands import (
    MERGING,
    character_look,
    cut_to_music,
    feeling,
    make_room,
    merge_characters,
    no_music,
    prop,
    rename,
    scratch_line,
    style,
    title,
    voice_change,
    weather,
)
from agent.offline.surprise import read_branch_words
from agent.offline.variations import keep_version, vary
from agent.offline.vocabulary import EVERYDAY_CAMERA
from agent.offline.wording import corrected, story_words, without_politeness
from agent.state import Emit, Route, TurnEvent, TurnPlan, quiet
from story import AnyEdit, EditError, Project, apply

if TYPE_CHECKING:
    from agent.tools import Toolbox

EXAMPLES = (
    "make shot 3 a close-up · shot 2 longer by 2 seconds · low angle on the last shot · push in on shot 5 · "
    "use a 85mm lens on shot 2 · make shot 3 night · make it all dawn · swap shots 2 and 3 · "
    "move shot 5 before shot 2 · delete shot 4 · duplicate shot 2 · add a shot after 4: she opens the door · "
    "dissolve into shot 4 · fade out at the end · make it noir · Mara wears a red coat · "
    "rename Mara to Marta · cut to the music · remove the music · make room for the lines · check continuity · "
    "give me three takes of shot 2 · make shots 2 to 5 night · make the moth shot a close-up · more dramatic · "
    "make it calmer · add a shot of the sea after shot 2 · the old fisherman and Bjorn are the same person · "
    "use take 2 for shot 2 · render shot 4 with runway · undo · redo"
)
MODEL_HINT = "For free-form direction, connect a language model: set OPENAI_BASE_URL and STORYREEL_MODEL."

_SECOND_THOUGHTS = (
    r"^(?:(?:actually|no|nope|nah|oops|whoops|wait|hmm+|um+|sorry|hold on|on second thoughts?|scratch that|"
    r"i changed my mind|never ?mind|ok|okay|please)[,.!\s]+)*"
)
_UNDO = re.compile(
    _SECOND_THOUGHTS + r"(?:undo|undo (?:that|it|this|the last (?:change|edit|one))|go back|take (?:that|it) back|"
    r"revert(?: (?:that|it|the last (?:change|edit)))?|put it back(?: (?:the way it was|how it was|as it was))?|"
    r"change it back|set it back|back to (?:how|what) it was|scratch that|"
    r"(?:(?:i )?(?:don't|do not) like (?:that|it)|that's wrong),? undo(?: it| that)?)(?: please)?$"
)
_REDO = re.compile(
    _SECOND_THOUGHTS + r"(?:redo|redo (?:that|it|the last (?:change|edit|one))|do that again|"
    r"undo the undo)(?: please)?$"
)
_CHECK = re.compile(
    r"^(?:please\s+)?(?:check(?: the)?(?: film| reel| story)?(?: for)?(?: continuity)?(?: problems| errors)?|"
    r"continuity(?: check)?|any (?:continuity )?(?:problems|errors)\??)$"
)
_SPLIT = re.compile(r"\s*(?:;|\n|(?<=[a-z0-9)])\.\s+|,?\s+then\s+|,?\s+and then\s+)\s*")


class OfflineDirector:
    """Plans briefs and follows plain-English instructions without a language model."""

    def __init__(self) -> None:
        self._context = Context()
        self._resolve: Callable[[str, Project], str | None] | None = None

    def attach_memory(self, resolve_character: Callable[[str, Project], str | None]) -> None:
        """Let descriptions name characters ('the girl in the red coat wears a blue hat'): the
        production service hands in its memory's `resolve_character`."""
        self._resolve = resolve_character

    def plan(self, brief: str) -> list[AnyEdit]:
        """A ReplaceStory from prose or a Fountain screenplay; the same brief gives the same story."""
        story = plan_fountain(brief) if is_fountain(brief) else plan_prose(brief)
        return [story]

    def turn(
        self,
        project: Project,
        message: str,
        *,
        route_as: Route | None = None,
        history: list[dict[str, str]] | None = None,
        toolbox: Toolbox | None = None,
        emit: Emit = quiet,
    ) -> TurnPlan:
        """Edits for every instruction in the message, applied together, or none and a reason.

        The grammar reads the message alone: the route, the conversation and the tools are the
        model's to use. The reply goes to `emit` as the director's words.
        """
        plan = self._read(project, message)
        if plan.reply:
            emit(TurnEvent("text", plan.reply))
        return plan

    def _read(self, project: Project, message: str) -> TurnPlan:
        text = " ".join(message.strip().split())
        lowered = text.lower().strip(" .!")
        if _UNDO.match(lowered):
            return TurnPlan(edits=[], reply="Undoing the last change.", action="undo")
        if _REDO.match(lowered):
            return TurnPlan(edits=[], reply="Redoing the change last undone.", action="redo")
        if _CHECK.match(lowered):
            return TurnPlan(edits=[], reply=continuity_report(project), action="none")
        try:
            answered = answer(project, text)  # "who is in shot 3?", "how long is the film?"
        except NoSuchShot as exc:
            return TurnPlan(edits=[], reply=str(exc), action="none", refused=True)
        if answered is not None:
            return TurnPlan(edits=[], reply=answered, action="none")
        asked = read_branch_words(project, lowered)  # "surprise me", "call this version noir", "keep it"
        if asked is not None:
            return TurnPlan(edits=[], reply="", action="branch", branch=asked)
        if not lowered:
            return self._not_understood([], [text])
        working, edits, done, missed = project, [], [], []
        context = Context(
            last_shot=self._context.last_shot,
            last_character=self._context.last_character,
            last_clause=self._context.last_clause,
            resolve_character=self._resolve,
        )
        for clause in clauses(text):
            try:
                repeated = again(working, clause, context)
                step = repeated or read_clause(working, clause, context)
                if step is None:
                    missed.append(clause)
                    continue
                said_of_that = None if repeated or not step.shot_id else _said_of_one_shot(working, clause, context)
                working = apply(working, step.edits)
            except (NoSuchShot, Refusal) as exc:
                return TurnPlan(edits=[], reply=f"{exc} Nothing changed.", action="none", refused=True)
            except EditError as exc:
                reply = f"I could not do {clause!r}: {exc}. Nothing changed."
                return TurnPlan(edits=[], reply=reply, action="none", refused=True)
            edits.extend(step.edits)
            done.append(step.summary)
            context.last_shot = step.shot_id or context.last_shot
            if said_of_that:
                context.last_clause = said_of_that  # "the next one too" says it again of another shot
        if missed:
            return self._not_understood(done, missed)
        self._context = context
        if working == project and done:  # asked for what already is: no "Done" for a change that is not one
            return TurnPlan(edits=edits, reply="Nothing to change, it is so already: " + "; ".join(done) + ".")
        return TurnPlan(edits=edits, reply="Done: " + "; ".join(done) + ".", action="edit")

    def _not_understood(self, done: list[str], missed: list[str]) -> TurnPlan:
        heard = f"I understood: {'; '.join(done)} — but changed nothing. " if done else ""
        quoted = ", ".join(f"“{m}”" for m in missed) or "that"
        reply = f"{heard}I did not understand {quoted}. I can do things like: {EXAMPLES}. {MODEL_HINT}"
        return TurnPlan(edits=[], reply=reply, action="none", refused=True)


def continuity_report(project: Project) -> str:
    """The continuity checker's findings as a reply, one problem per line with its shot number."""
    from memory.documents import canonical_text
    from story.continuity import check

    class Canon:
        def canonical_description(self, project: Project, character_id: str) -> str:
            return canonical_text(project, character_id)

    problems = check(project, Canon())
    if not problems:
        return f"No continuity problems in {len(project.shots)} shot{'s' if len(project.shots) != 1 else ''}."
    lines = "\n".join(f"• {problem}" for problem in problems)
    return f"{len(problems)} continuity problem{'s' if len(problems) > 1 else ''}:\n{lines}"


_AGAIN = re.compile(
    r"^(?:(?:now|and|also|ok|okay|then)[,\s]+)*(?:(?:do|make|give)\s+)?(?:(?P<ref>.+?)\s+(?:too|as well)"
    r"|(?:(?:do|make)\s+)?(?:the\s+)?same\s+(?:thing\s+|again\s+)?(?:for|to|with|on)\s+(?P<ref2>.+?))$"
)


def _said_of_one_shot(project: Project, clause: str, context: Context) -> str | None:
    """The clause with the one shot it names, by number, place or content ('the calf shot'), said as
    'that shot', so it can be said again of another; None when it names no one shot."""
    lowered = clause.lower()
    pointed = pointed_at_that(lowered)
    if pointed is not None:
        return pointed
    try:
        selected = select_shots(project, lowered, context)
    except Refusal:
        return None
    if not selected or len(selected[0]) != 1 or len(selected[1]) != len(lowered):
        return None
    gone = [i for i, (a, b) in enumerate(zip(lowered, selected[1], strict=True)) if a != b]
    if not gone:
        return None
    return f"{lowered[: gone[0]]}that shot{lowered[gone[-1] + 1 :]}"


def again(project: Project, clause: str, context: Context) -> Step | None:
    """'the next one too', 'same for shot 5', 'do the same to the last shot': the instruction said
    last, said again of the shots named now."""
    match = _AGAIN.match(clause.lower().strip(" .!?"))
    if not match or not context.last_clause:
        return None
    said = (match.group("ref") or match.group("ref2")).strip()
    refs = find_shots(project, said) or (select_shots(project, said, context) or ([], ""))[0]
    if not refs:
        return None
    last = context.last_clause  # said of 'that shot' already
    edits: list[AnyEdit] = []
    summaries: list[str] = []
    working = project
    for ref in refs:
        step = read_clause(working, last, replace(context, last_shot=ref.id))
        if step is None:
            return None
        working = apply(working, step.edits)
        edits += step.edits
        summaries.append(step.summary)
    return Step(edits, "; ".join(summaries), refs[-1].id if len(refs) == 1 else None)


def read_clause(project: Project, clause: str, context: Context) -> Step | None:
    """One instruction → a Step, or None when no command reads it."""
    original = clause.strip(" .!?")
    original = re.sub(r"^(?:please|can you|could you|now|also|ok|okay)[,\s]+", "", original, flags=re.IGNORECASE)
    original = re.sub(r"\s+please$", "", original, flags=re.IGNORECASE)
    original = corrected(without_politeness(original), story_words(project))
    lowered = original.lower()
    if len(lowered) != len(original):
        original = lowered  # a letter whose lower case is longer: keep offsets true
    if not project.shots:
        raise Refusal("The project has no shots yet; plan a brief first.")
    for command in (insert, title, rename):
        step = command(project, lowered, context, original)
        if step is not None:
            return step
    # "use take 2" before "use a 35mm lens"; "Tomas speaks slower" before "shot 2 slower"
    for each in (
        vary,  # "three versions of shot 4" before "three takes of shot 4"
        keep_version,
        *render_commands(),
        cut_to_music,
        no_music,
        scratch_line,
        make_room,
        voice_change,
        mood,
        weather,
        feeling,
        prop,
        character_look,
        merge_characters,
    ):
        step = each(project, lowered, context)
        if step is not None:
            return step
    for each in [*commands()[:-1], style, commands()[-1]]:
        step = each(project, lowered, context)
        if step is not None:
            return step
    return mood_by_meaning(project, lowered, context)  # last: a mood word no table holds, by meaning


def clauses(text: str) -> list[str]:
    """The instructions in a message: split at ';', sentences and 'then', and at 'and' where
    what follows reads as an instruction of its own ('swap shots 2 and 3' stays whole)."""
    parts = [p for p in _SPLIT.split(text) if p and p.strip()]
    # "it feels too slow, speed it up" / "Too dark. Brighter please": the complaint is the reason for
    # what follows, not a second change
    lead = COMPLAINT.match(parts[0].lower()) if parts else None
    if lead and re.match(r"^\s*(?:,|;|:|-|—|\.\.\.)?\s*(?:so\s+)?\S", parts[0][lead.end() :]):
        parts[0] = re.sub(r"^\s*(?:,|;|:|-|—|\.\.\.)?\s*(?:so\s+)?", "", parts[0][lead.end() :])
    elif lead and lead.end() == len(parts[0].rstrip(" .!")) and len(parts) > 1:
        parts = parts[1:]
    found: list[str] = []
    for part in parts:
        if part.lower().startswith(("add ", "insert ")) and ":" in part or MERGING.search(part.lower()):
            found.append(part)  # the new shot's action may say "and"; so do two people made one
            continue
        pieces = re.split(r",?\s+and\s+", part)
        current = pieces[0]
        for piece in pieces[1:]:
            pairs = re.match(r"^(?:swap|switch|exchange|trade)\b", current.lower()) and " and " not in current
            pairs = pairs or (re.search(r"\bbetween\b", current.lower()) and " and " not in current)  # A and B
            pairs = pairs or bool(
                _NAMES_ONLY.fullmatch(current.lower())
            )  # "make the first shot and the last shot night"
            joined = f"{current} and {piece}".lower()  # "head and shoulders on Rosa": one phrase, one instruction
            pairs = pairs or any(m.start() < len(current) < m.end() for m in _SAID_WITH_AND.finditer(joined))
            alone = _stands_alone(piece) and not (
                _ONE_MORE_WORD.fullmatch(piece.lower().strip(" .!")) and re.search(r"\bshots?\b", current.lower())
            )
            elided = not alone and _ELIDED.match(piece.lower()) and not re.search(r"\d+[a-z]?\s*$", current.lower())
            if (alone or elided) and not pairs:
                found.append(current)
                verb = re.match(r"^(?:make|set|turn|change|give|have)\s+", current, re.IGNORECASE)
                current = f"{verb.group(0)}{piece}" if verb and elided else piece  # "... and 4 a wide": make 4 a wide
            else:
                current = f"{current} and {piece}"
        found.append(current)
    return [c.strip() for c in found if c.strip()]


_SAID_WITH_AND = re.compile("|".join(rf"\b{re.escape(p)}\b" for p, _, _ in EVERYDAY_CAMERA if " and " in p))
"""Everyday camera phrases with 'and' in them ('head and shoulders'): never split."""
_ELIDED = re.compile(
    r"^(?:shot\s+)?#?\d+[a-z]?\s+(?!(?:s|sec|secs|seconds?|frames?|mm|min|mins|minutes?|takes?|more)\b)"
    r"(?:an?\s+|the\s+)?[a-z]"
)
"""'4 a wide' after 'make 3 a close-up and': another shot, the verb said once for both."""
_ONE_MORE_WORD = re.compile(r"(?:a\s+(?:bit|little)\s+)?(?:slower|faster|quicker|longer|shorter|wider|tighter|closer)")
"""'make shot 2 overhead and slower': one more change to the same shot, not a film-wide mood."""
_NAMES_ONLY = re.compile(
    r"(?:make|set|turn|change|give|put|have)\s+(?:(?:the|all|every|each|my)\s+)?(?:[\w'-]+\s+){0,2}?shots?(?:\s+#?\d+[a-z]?)?"
)
"""A clause that only names shots ('make the first shot'): what follows 'and' names more of them."""
_CONTINUES = re.compile(
    r"^(?:a|an|the|some|his|her|their|its|my|our|with|without|in|on|at|to|into|for|of|from|by|more|less|"
    r"very|too|also|then|so|slightly|much|both|all|every|each|one|two|three|\d+(?:\.\d+)?)\b"
)
"""Words that carry on the clause before 'and' ('a red coat and a blue hat', 'shots 2 and 3')."""
_DESCRIBES = re.compile(
    r"^(?:\w+(?:er|est|ly|ish|ed)|red|orange|yellow|green|blue|purple|pink|brown|black|white|grey|gray|gold|"
    r"silver|dark|light|bright|warm|cool|cold|hot|slow|fast|quick|long|short|big|small|tall|old|young|wet|dry|"
    r"night|day|dusk|dawn|noon|evening|morning|handheld|static|tight|loose|soft|hard|sad|happy|angry|calm)\b"
)
"""Describing words that carry on the clause before 'and' ('darker and warmer', 'slow and low')."""


def _stands_alone(piece: str) -> bool:
    lowered = piece.lower()
    if re.match(r"^(?:#?\d+|shots?\s+#?\d+|s\d+)\b\s*$", lowered):
        return False  # "swap shots 2 and 3": the 3 belongs to the swap
    starters = (
        r"^(?:make|set|change|use|give|swap|switch|move|put|delete|remove|drop|cut|duplicate|copy|add|insert|"
        r"rename|call|dissolve|fade|push|pull|pan|tilt|track|zoom|dolly|crane|style|title|undo|redo|shot|the|"
        r"low|high|wide|close|extreme|medium|[a-z]+ (?:wears|has|is wearing)|#\d|s\d|\d+(?:st|nd|rd|th))\b"
    )
    if re.match(starters, lowered) or is_mood(lowered):
        return True
    if re.match(
        r"^(?:an?\s+)?(?:(?:slow|quick|soft|gentle|long|short)\s+)?(?:dissolve|fade|crossfade|cross-dissolve)\b",
        lowered,
    ):
        return True  # "shot 4 faster and a dissolve into it": a join of its own
    if _CONTINUES.match(lowered) or _DESCRIBES.match(lowered):
        return False
    # 'and florp the kettle': any other word opens an instruction of its own, read or refused whole,
    # so an instruction is never done in part while the rest is dropped.
    return bool(re.match(r"^[a-z]", lowered))


__all__ = ["OfflineDirector", "clauses", "read_clause"]

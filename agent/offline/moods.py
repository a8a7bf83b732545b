"""Mood notes turned into concrete changes, each listed for the person: "more dramatic" (tighter
sizes, low angles, push-ins), "calmer" (longer, wider, still shots), "faster" / "slower" (shorter
or longer shots). A note is for the whole film unless shots are named ('make the kitchen scene calmer')."""

from __future__ import annotations

import re

from agent.offline.addressing import ShotRef, find_shots, names_all, without_shots
from agent.offline.grammar import SIZES_TIGHT_TO_WIDE, Context, Step, select_shots
from story import Angle, AnyEdit, Movement, Project, Shot, ShotChanges, ShotSize, UpdateShot
from story.model import MAX_SHOT_FRAMES, MIN_SHOT_FRAMES

_DRAMATIC = r"more dramatic|dramatic|more intense|intense|more tense|tense|tenser|punchier|more drama|bolder|edgier"
_CALM = r"calmer|calm|more calm|gentler|quieter|softer|more peaceful|peaceful|more relaxed|relaxed|less dramatic|" \
    r"more serene|serene|stiller|less busy"  # fmt: skip
_FASTER = r"faster|quicker|snappier|pacier|speedier|more energetic|more urgent|brisker|tighter paced|up ?tempo"
_SLOWER = r"slower|more leisurely|more languid|less rushed|slower paced"
_DEGREE = r"(?:(?:a\s+)?(?:bit|little|lot|touch|tad)\s+|much\s+|even\s+|way\s+|slightly\s+|somewhat\s+)?"
_MOOD = re.compile(
    rf"^(?:make|let|get|have|turn|keep)?\s*(?P<scope>.*?)\s*(?:(?:should|must|could|needs? to|has to)\s+)?"
    rf"(?:feel|look|be|seem|play|go|read)?\s*{_DEGREE}"
    rf"(?P<mood>{_DRAMATIC}|{_CALM}|{_FASTER}|{_SLOWER})(?:\s+(?:please|overall|throughout|everywhere|"
    rf"in (?:pace|tone|mood|feel)|(?:in|for) (?P<scope2>.+)))?$"
    r"|^(?P<up>speed (?:it |things |everything )?up|pick up the pace|up the pace|tighten (?:up )?the pace)"
    r"(?:\s+(?:in|for|on)\s+(?P<scope3>.+))?$"
    r"|^(?P<down>slow (?:it |things |everything )?down|take (?:it|things) slower|let (?:it|things) breathe)"
    r"(?:\s+(?:in|for|on)\s+(?P<scope4>.+))?$"
)
_SCOPE_FILLER = re.compile(
    r"\b(?:it|the|whole|entire|film|reel|story|movie|thing|everything|all|of|shots?|a|an|whole thing|overall|"
    r"pace|pacing|cut|edit|mood|tone|feel)\b"
)


def is_mood(text: str) -> bool:
    """True when the words are a mood note alone ('more dramatic', 'calmer'): an instruction of its own after 'and'."""
    match = _MOOD.match(text.strip())
    return bool(match) and not any(match.group(g) for g in ("scope", "scope2", "scope3", "scope4"))


def mood(project: Project, text: str, context: Context) -> Step | None:
    """'more dramatic', 'make it calmer', 'make the whole film slower', 'make the kitchen scene faster'."""
    match = _MOOD.match(text)
    if not match:
        return None
    if match.group("up"):
        kind = "faster"
    elif match.group("down"):
        kind = "slower"
    else:
        word = match.group("mood")
        kind = next(
            k for k, p in (("dramatic", _DRAMATIC), ("calm", _CALM), ("faster", _FASTER), ("slower", _SLOWER))
            if re.fullmatch(p, word)
        )  # fmt: skip
    scope = " ".join(g for g in match.group("scope", "scope2", "scope3", "scope4") if g)
    refs = _scoped(project, scope, context)
    if refs is None:
        return None  # "Tomas speaks slower", "the girl looks calm": another command's words
    shots = [(ref, project.shot(ref.id)) for ref in refs]
    if kind in ("faster", "slower") and find_shots(project, scope):
        return None  # "make shot 3 faster": a second off that shot (the length commands)
    if kind == "dramatic":
        return _dramatic(project, shots)
    if kind == "calm":
        return _calm(project, shots)
    return _paced(project, shots, 0.75 if kind == "faster" else 1.33)


def _scoped(project: Project, scope: str, context: Context) -> list[ShotRef] | None:
    """The shots a mood note is for: those named, else every shot; None when the scope names something else."""
    scope = scope.strip()
    everything = [ShotRef(id=s.id, number=n, offset=0) for n, s in enumerate(project.shots, 1)]
    if not scope or names_all(scope):
        return everything
    refs = find_shots(project, scope)
    if refs:
        return refs
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
    return None


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


def _listed(project: Project, name: str, changed: dict[str, list[int]]) -> str:
    parts = [
        f"{what} (shot{'s' if len(ns) > 1 else ''} {_numbers(project, ns)})" for what, ns in changed.items() if ns
    ]
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

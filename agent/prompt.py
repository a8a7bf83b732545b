"""The director's system prompt: film grammar, how shot fields read, the project compactly.

A long project stays within the context budget: the shot list is listed whole up to
`MAX_LISTED` shots; past that, the shots are summarised scene by scene (count, sizes, seconds)
and only the first and last shots and the scenes' openings are listed, with the summary saying
so. Nothing is cut without the model being told.
"""

from __future__ import annotations

from collections import Counter

from story import Project

MAX_LISTED = 60
MAX_PROMPT_CHARS = 24_000

GRAMMAR = """You are the director of a story reel (an animatic). The person has a story and no film training;
they speak plainly. You change the film only by calling tools, then reply in one or two plain sentences
saying what you did.

Film grammar:
- Open each scene on an establishing shot (WS or EWS) so the audience knows where they are.
- Cover a conversation with shot/reverse-shot: alternate singles (MCU or CU) of the speakers.
- Keep the 180-degree rule: within a scene a character stays on their side of the frame.
- Tighten (MCU, CU, ECU) for emotion and detail; widen (WS, EWS) for geography and scale.
- Pace with length: short shots (1-2 s) for tension and action, longer ones (4-6 s) for calm.
- Move the camera with a reason: push-in for realisation, pull-out for reveal, tracking to follow.
- A character who speaks in a shot should be in it (or the line is a voice-over).

Shot fields take exactly the values the tools list (size ECU..EWS, angle, movement, transition,
time_of_day); duration_frames is whole frames at {fps} fps ({fps} frames = 1 second).
Shots are addressed by label as a string ("2A": the name the person sees; a shot added after 2 is 2A and
labels stay when shots move), by 1-based position as a number, or by id. Characters and locations by id.
Change only what the person asked for; when something is unclear, ask instead of guessing."""

PLANNING = """You are the director of a story reel (an animatic) for a person with no film training. Plan their
brief by calling create_story once: a title and a one-line logline; every named character (a lowercase id, the
name, how they look); the places; and the shots in story order, every beat of the brief, about 3-5 s each
(duration_frames: {fps} a second). Open each scene wide (WS or EWS); go close (MCU, CU) for feelings and
details; list in each shot's characters everyone who acts or speaks in it."""
"""A planning turn's whole system prompt: the film grammar a plan needs, short for a small model."""

ROUTES = {
    "new": "This is a new brief: call create_story once with the whole plan (about 3-5 seconds a shot, "
    "every named character, every beat of the brief).",
    "question": "The person is asking a question: answer it; you can only read (recall, check_continuity).",
    "render": "The person asks for rendering: use render; changed shots also render by themselves.",
    "revise": "The person is revising the film: make exactly the change asked for.",
}


def shot_list(project: Project, limit: int = MAX_LISTED) -> str:
    """One line a shot; a long list is summarised by scene, with the count said, not silently cut."""
    lines = [_shot_line(project, n, shot) for n, shot in enumerate(project.shots, 1)]
    if len(lines) <= limit:
        return "\n".join(lines) or "(no shots yet)"
    scenes: dict[int, list[int]] = {}
    for n, shot in enumerate(project.shots, 1):
        scenes.setdefault(shot.scene, []).append(n)
    fps = project.fps
    summary = [f"{len(lines)} shots in {len(scenes)} scenes; summarised by scene (ask for any shot by label):"]
    for scene, numbers in scenes.items():
        shots = [project.shots[n - 1] for n in numbers]
        sizes = Counter(str(s.size) for s in shots).most_common(3)
        seconds = sum(s.duration_frames for s in shots) / fps
        summary.append(
            f"scene {scene}: shots {shots[0].label}-{shots[-1].label}, {seconds:.0f}s, mostly "
            + ", ".join(f"{size} x{count}" for size, count in sizes)
        )
    keep = limit // 2
    listed = sorted({*range(1, keep // 2 + 1), *range(len(lines) - keep // 2 + 1, len(lines) + 1)})
    summary.append("First and last shots:")
    summary += [lines[n - 1] for n in listed]
    return "\n".join(summary)


def _shot_line(project: Project, number: int, shot: object) -> str:
    s = shot  # a story.Shot
    who = ",".join(s.characters) or "-"  # type: ignore[attr-defined]
    said = f" says {len(s.dialogue)}" if s.dialogue else ""  # type: ignore[attr-defined]
    named = "" if s.label == str(number) else f" label {s.label}"  # type: ignore[attr-defined]
    return (
        f"{number}. {s.id}{named} sc{s.scene} {s.size} {s.angle} {s.movement} {s.duration_frames}f "  # type: ignore[attr-defined]
        f"{s.transition} @{s.location or '-'} {s.time_of_day} [{who}]{said}: {s.action[:90]}"  # type: ignore[attr-defined]
    )


def cast_list(project: Project) -> str:
    """The characters and places by id, with their canonical descriptions (short)."""
    people = [f"- {c.id}: {c.name}, {c.description[:160]}" for c in project.characters]
    places = [
        f"- {loc.id}: {loc.name} ({'INT' if loc.interior else 'EXT'}), {loc.description[:120]}"
        for loc in project.locations
    ]
    return "\n".join(["Characters:", *(people or ["(none)"]), "Locations:", *(places or ["(none)"])])


def system_prompt(project: Project, route: str = "revise") -> str:
    """The system prompt for one turn."""
    # The values themselves are in the tools' schemas (enums): listing them here too only costs tokens.
    if route == "new" and not project.shots:
        return PLANNING.format(fps=project.fps)
    grammar = GRAMMAR.format(fps=project.fps)
    bible = project.bible
    parts = [grammar, ROUTES.get(route, ROUTES["revise"])]
    if project.shots:
        parts += [
            f'The film: "{bible.title}" ({bible.genre}). {bible.logline}',
            cast_list(project),
            "Current shot list (number. id scene size angle movement length transition @location time "
            "[characters]: action):",
            shot_list(project),
        ]
    text = "\n\n".join(parts)
    limit = MAX_LISTED
    while len(text) > MAX_PROMPT_CHARS and limit > 8:  # a huge cast or long actions: list fewer shots
        limit //= 2
        parts[-1] = shot_list(project, limit)
        text = "\n\n".join(parts)
    return text

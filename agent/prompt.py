"""The director's system prompt: film grammar, the story.json vocabulary, the shot list compactly."""

from __future__ import annotations

from story import Project

SYSTEM = """You are the director of a story reel (an animatic). The person speaks plainly; you change the film
by calling tools, then reply in one or two sentences.
Film grammar: open a scene on an establishing wide shot; cover dialogue with shot/reverse-shot and keep
the 180-degree rule (a character stays on their side of frame within a scene); tighten (MS, CU, ECU) for
emotion, widen (WS, EWS) for geography; vary sizes and keep pacing: shorter shots for tension.
Use only story.json vocabulary for shot fields (size: EWS, WS, MS, MCU, CU, ECU ...).
Shots are addressed by 1-based position or id.
Current shot list:
{shots}"""

MAX_LISTED = 60


def shot_list(project: Project) -> str:
    """One line a shot; a long list is summarised, with the count said, not silently cut."""
    lines = [
        f"{n}. {s.id} {s.size} {s.angle} {s.movement} {s.duration_frames}f: {s.action[:80]}"
        for n, s in enumerate(project.shots, 1)
    ]
    if len(lines) > MAX_LISTED:
        head, tail = lines[: MAX_LISTED // 2], lines[-MAX_LISTED // 2 :]
        lines = [*head, f"... {len(lines) - MAX_LISTED} shots in between not listed ...", *tail]
    return "\n".join(lines) or "(no shots yet)"


def system_prompt(project: Project) -> str:
    """The system prompt for one turn."""
    return SYSTEM.format(shots=shot_list(project))

"""The words a generative backend is given for a shot.

Characters, places and the style are described by their canonical text from memory
(`memory.documents`), looked up by id at render time: a shot's own text names who is in it and
what they do, never how they look, so a changed coat reaches every prompt the moment the
character changes and no shot carries a stale copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.documents import SIZE_WORDS, character_text, location_text
from story import Project, Shot

MAX_PROMPT_CHARS = 2_000
"""Hosted APIs cap prompts (1,000 to 4,000 characters); the shot's own words come first."""


@dataclass(frozen=True)
class ShotPrompt:
    """A prompt in parts, so a backend with a short limit can drop the least important first."""

    camera: str
    action: str
    cast: list[str]
    place: str
    look: str

    @property
    def text(self) -> str:
        """The whole prompt, cut at the limit on a part boundary."""
        parts = [self.camera, self.action, *self.cast, self.place, self.look]
        kept: list[str] = []
        for part in filter(None, parts):
            if sum(len(p) + 1 for p in kept) + len(part) > MAX_PROMPT_CHARS:
                break
            kept.append(part)
        return " ".join(kept)


def shot_prompt(project: Project, shot: Shot) -> ShotPrompt:
    """The prompt for `shot`: camera, action, each character's and the place's canonical text, look."""
    camera = f"{SIZE_WORDS[shot.size.value]}, {shot.angle.value} angle, {shot.lens_mm:g}mm lens"
    if shot.movement.value != "static":
        camera += f", camera {shot.movement.value}"
    cast = [character_text(project.character(cid)) for cid in shot.characters]
    place = ""
    if shot.location:
        place = f"Setting: {location_text(project.location(shot.location))} {shot.time_of_day.value}."
    look = ", ".join([*project.style.look, project.bible.tone, project.bible.genre])
    return ShotPrompt(
        camera=camera + ".",
        action=shot.action.rstrip(".") + "." if shot.action else "",
        cast=cast,
        place=place,
        look=f"Style: {look.strip(', ')}." if look.strip(", ") else "",
    )

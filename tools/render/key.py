"""Render keys: a hash of everything that affects a shot's pixels.

A shot renders again only when its key changes, so the key must cover every input a backend
reads (the shot's drawn fields, its label in the caption, the characters and place in it,
the style and the backend) and nothing else (notes, beats, takes). The label, not the shot's place
in the list, is what the caption shows, so removing, moving or inserting a shot changes no other
shot's key.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from story import Project, Shot
from tools.draw.blocking import stage_positions

KEY_LENGTH = 20

_DRAWN_SHOT_FIELDS = (
    "action",
    "characters",
    "location",
    "positions",
    "time_of_day",
    "weather",
    "props",
    "acting",
    "size",
    "angle",
    "movement",
    "lens_mm",
    "duration_frames",
    "dialogue",
    "seed",
)
_DRAWN_STYLE_FIELDS = ("look", "palette", "aspect", "width", "height", "fps")


def _digest(payload: Any) -> str:
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:KEY_LENGTH]


def style_inputs(project: Project) -> dict[str, Any]:
    """The parts of the style every picture depends on."""
    style = project.style.model_dump(mode="json")
    return {field: style[field] for field in _DRAWN_STYLE_FIELDS}


def render_key(project: Project, shot: Shot, backend: str, backend_version: str, options: dict[str, Any]) -> str:
    """The render key of `shot` in `project` for a backend and its options."""
    data = shot.model_dump(mode="json")
    # What is heard (a character's voice, a line's recording) does not touch the pixels.
    data["dialogue"] = [{k: v for k, v in line.items() if k != "recording"} for line in data["dialogue"]]
    # Someone the shot does not place stands where the scene put them (the 180-degree rule).
    data["positions"] = stage_positions(project, shot)
    people = {line.speaker for line in shot.dialogue} | set(shot.characters)
    cast = {
        c.id: c.model_dump(mode="json", exclude={"metadata", "voice"}) | {"kind": c.metadata.get("kind")}
        for c in project.characters
        if c.id in people
    }  # a character's kind (metadata's 'kind') decides whether it is drawn as a person or as its glyph
    place = project.location(shot.location).model_dump(mode="json", exclude={"metadata"}) if shot.location else None
    return _digest(
        {
            "backend": [backend, backend_version, options],
            # A label of digits hashes as the number it is, as keys did before labels: an upgraded project
            # (each shot labelled with its old number) keeps its takes.
            "number": int(shot.label) if shot.label.isdigit() else shot.label,
            "shot": {field: data[field] for field in _DRAWN_SHOT_FIELDS},
            "cast": cast,
            "location": place,
            "style": style_inputs(project),
        }
    )


def title_card_key(project: Project) -> str:
    """The key of the title card: its words, length and the style."""
    bible = project.bible
    return _digest(
        {
            "card": "title",
            "version": 1,
            "title": bible.title,
            "logline": bible.logline,
            "frames": project.style.title_card_frames,
            "style": style_inputs(project),
        }
    )

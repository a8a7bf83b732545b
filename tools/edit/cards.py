"""Cards drawn between shots: the title card that opens the reel and the end card that closes it."""

from __future__ import annotations

import hashlib
import json
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from story import Project
from tools.media.codec import FrameEncoder, Profile, yuv420p_planes
from tools.render.key import style_inputs


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def draw_title_card(project: Project) -> Image.Image:
    """The title card as one picture: title, logline and the film's palette."""
    style, bible = project.style, project.bible
    width, height = style.width, style.height
    background = _hex(style.palette[0]) if style.palette else (20, 20, 28)
    ink = _hex(style.palette[2]) if len(style.palette) > 2 else (236, 236, 236)
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.load_default(size=max(12, height // 9))
    line_font = ImageFont.load_default(size=max(8, height // 30))
    title = textwrap.fill(bible.title, width=28)
    draw.multiline_text((width / 2, height * 0.42), title, font=title_font, fill=ink, anchor="md", align="center")
    if bible.logline:
        logline = textwrap.fill(bible.logline, width=70)
        draw.multiline_text(
            (width / 2, height * 0.52), logline, font=line_font, fill=ink, anchor="ma", align="center", spacing=6
        )
    bar_width = width // max(1, len(style.palette)) // 6
    for index, colour in enumerate(style.palette):
        x = width / 2 + (index - len(style.palette) / 2) * bar_width * 1.3
        draw.rectangle((x, height * 0.85, x + bar_width, height * 0.85 + height // 90), fill=_hex(colour))
    return image


def render_title_card(project: Project, output: Path) -> int:
    """Encode the title card as a take of `title_card_frames` frames; returns the frame count."""
    return _encode_still(project, draw_title_card(project), project.style.title_card_frames, output)


def _encode_still(project: Project, picture: Image.Image, frames: int, output: Path) -> int:
    """One picture held for `frames` frames, encoded in the takes' profile; returns the frame count."""
    style = project.style
    frame = b"".join(plane.tobytes() for plane in yuv420p_planes(picture.convert("RGB")))  # converted once
    profile = Profile(style.width, style.height, style.fps)
    with FrameEncoder(output, profile, frames=frames, pix_fmt="yuv420p") as encoder:
        for _ in range(frames):
            encoder.write(frame)
    return encoder.frames


def icon_credit(project: Project) -> str:
    """The icon set's credit when a take the reel joins drew from it (the take's metadata says so), else ''."""
    from tools.render.jobs import plan_jobs  # the jobs know each shot's current render key

    for job in plan_jobs(project):
        take = job.shot.take_for(job.key)
        if take is not None and take.metadata.get("credit"):
            return str(take.metadata["credit"])
    return ""


def end_card_key(project: Project) -> str:
    """The key of the end card: its words, the icon credit, length and the style."""
    payload = {
        "card": "end",
        "version": 1,
        "text": project.style.end_card_text,
        "title": project.bible.title,
        "frames": project.style.end_card_frames,
        "style": style_inputs(project),
    }
    credit = icon_credit(project)
    if credit:  # a reel with no icon keeps the card it had
        payload["credit"] = credit
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]


def draw_end_card(project: Project) -> Image.Image:
    """The end card as one picture: its words large, the film's title small beneath, and the icon set's
    credit at the foot when the reel drew icons (CC BY-SA asks for it)."""
    style = project.style
    width, height = style.width, style.height
    background = _hex(style.palette[0]) if style.palette else (20, 20, 28)
    ink = _hex(style.palette[2]) if len(style.palette) > 2 else (236, 236, 236)
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    big = ImageFont.load_default(size=max(12, height // 10))
    small = ImageFont.load_default(size=max(8, height // 32))
    words = textwrap.fill(style.end_card_text or "The End", width=30)
    draw.multiline_text((width / 2, height * 0.48), words, font=big, fill=ink, anchor="md", align="center")
    draw.text((width / 2, height * 0.56), project.bible.title, font=small, fill=ink, anchor="ma")
    credit = icon_credit(project)
    if credit:
        draw.text((width / 2, height * 0.92), credit, font=small, fill=ink, anchor="md")
    return image


def render_end_card(project: Project, output: Path) -> int:
    """Encode the end card as a take of `end_card_frames` frames; returns the frame count."""
    return _encode_still(project, draw_end_card(project), project.style.end_card_frames, output)

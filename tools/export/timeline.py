"""The cut as an OpenTimelineIO timeline, written through OTIO's own adapters.

One video track: the title card, one clip per shot (its current take, in frames at the project's
fps), the end card. Each shot clip carries the shot's facts under `metadata["storyreel"]` and a
marker an editor sees (the shot's label, size, movement, action, dialogue). A shot's transition becomes an
OTIO `Transition` at the cut before it. The timeline's duration equals the reel's frame count:
transitions sit over the cut and take no time of their own, as the reel's dissolves do.

No format is written by hand: `.otio` by `otio_json`, FCP 7 XML by `fcp_xml`
(otio-fcp-adapter), CMX 3600 by `cmx_3600` (otio-cmx3600-adapter). What a format cannot hold
is left out before writing or found missing when the written file is read back, and listed.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import opentimelineio as otio
from opentimelineio.opentime import RationalTime, TimeRange

from story import Project, ProjectFolder, Shot, Transition
from tools.edit.assemble import plan_cut
from tools.edit.cards import icon_credit
from tools.media.codec import transition_frames
from tools.render.jobs import plan_jobs, reference_sheets
from tools.render.prompt import shot_prompt

META = "storyreel"

# What each clip's metadata holds, in the order a person reads it; used to say what a format lost.
SHOT_FIELDS = (
    "label", "id", "size", "angle", "movement", "action", "dialogue", "backend", "seed", "prompt", "references",
)  # fmt: skip


@dataclass(frozen=True)
class TimelineFormat:
    """A timeline file we write: our name for it, the OTIO adapter, the file name and a label."""

    name: str
    adapter: str
    filename: str
    label: str
    readable: bool = True  # False for a write-only adapter: nothing to read back and compare


FORMATS: dict[str, TimelineFormat] = {
    "otio": TimelineFormat("otio", "otio_json", "storyreel.otio", "OTIO"),
    "xml": TimelineFormat("xml", "fcp_xml", "storyreel.xml", "FCP 7 XML"),
    "edl": TimelineFormat("edl", "cmx_3600", "storyreel.edl", "CMX 3600 EDL"),
}
MLT = TimelineFormat("mlt", "mlt_xml", "storyreel.mlt", "MLT XML", readable=False)
"""For rendering the timeline with `melt` (otio-mlt-adapter, write-only; not one of the export formats)."""


@dataclass(frozen=True)
class WrittenTimeline:
    """A timeline file on disk and what the format could not hold."""

    path: Path
    dropped: list[str]


def _frames(value: int, rate: int) -> RationalTime:
    return RationalTime(value, rate)


def _span(start: int, duration: int, rate: int) -> TimeRange:
    return TimeRange(_frames(start, rate), _frames(duration, rate))


def shot_facts(folder: ProjectFolder, project: Project, shot: Shot, number: int, key: str) -> dict[str, Any]:
    """Everything an editor may want to know about a shot, as plain JSON values."""
    take = shot.media_for(key)
    names = {c.id: c.name for c in project.characters}
    sheets = reference_sheets(folder, project, shot)
    root = folder.root.resolve()
    return {
        "number": number,  # the shot's place in the list
        "label": shot.label,  # the shot's name as the person sees it ('2A'), kept through inserts and deletes
        "id": shot.id,
        "scene": shot.scene,
        "size": shot.size.value,
        "angle": shot.angle.value,
        "movement": shot.movement.value,
        "lens_mm": shot.lens_mm,
        "duration_frames": shot.duration_frames,
        "action": shot.action,
        "dialogue": [
            {"speaker": names.get(line.speaker, line.speaker), "text": line.text, "parenthetical": line.parenthetical}
            for line in shot.dialogue
        ],
        "characters": [names.get(c, c) for c in shot.characters],
        "location": project.location(shot.location).name if shot.location else "",
        "time_of_day": shot.time_of_day.value,
        "transition": shot.transition.value,
        "notes": shot.notes,
        "backend": take.backend,
        "seed": take.seed,
        "render_key": key,
        "take": take.path,
        "failed": take.failed,
        "prompt": shot_prompt(project, shot).text,
        "references": {name: str(path.resolve().relative_to(root)) for name, path in sorted(sheets.items())},
    }


def _marker_comment(facts: dict[str, Any]) -> str:
    lines = [facts["action"]] if facts["action"] else []
    for line in facts["dialogue"]:
        how = f" ({line['parenthetical']})" if line["parenthetical"] else ""
        lines.append(f"{line['speaker'].upper()}{how}: {line['text']}")
    return "\n".join(lines)


def _clip(name: str, media: Path, frames: int, available: int, rate: int) -> otio.schema.Clip:
    reference = otio.schema.ExternalReference(
        target_url=media.resolve().as_uri(), available_range=_span(0, max(available, frames), rate)
    )
    return otio.schema.Clip(name=name, media_reference=reference, source_range=_span(0, frames, rate))


@dataclass
class _Item:
    """One clip of the track before transitions are placed between them."""

    clip: otio.schema.Clip
    frames: int
    label: str  # "shot 3", "the title card"
    enter: Transition = Transition.CUT
    fade_out: bool = False


def _join(before: _Item, after: _Item, rate: int) -> otio.schema.Transition | None:
    """The transition on the cut between two clips, with the reel's own lengths (`tools.edit.transitions`):
    a dissolve centred on the cut, a fade-in over the head of the clip after, a fade-out over the tail
    of the clip before; a fade-out followed by a fade-in (or a dissolve) dips to black."""
    half, fade = transition_frames(rate)
    tail = min(fade, before.frames // 2) if before.fade_out else 0
    head = 0
    name, kind = "", otio.schema.TransitionTypes.Custom
    if after.enter == Transition.DISSOLVE and not before.fade_out:
        tail, head = min(half, before.frames // 2), min(half, after.frames // 2)
        name, kind = "dissolve", otio.schema.TransitionTypes.SMPTE_Dissolve
    elif after.enter in (Transition.FADE_IN, Transition.DISSOLVE):
        head = min(fade, after.frames // 2)
        name = "fade-out-in" if tail else "fade-in"
    elif tail:
        name = "fade-out"
    if not name or not (tail or head):
        return None
    return otio.schema.Transition(
        name=name,
        transition_type=kind,
        in_offset=_frames(tail, rate),
        out_offset=_frames(head, rate),
        metadata={META: {"transition": name, "between": [before.label, after.label], "frames": tail + head}},
    )


def build_timeline(folder: ProjectFolder, project: Project) -> otio.schema.Timeline:
    """The project's cut as an OTIO timeline; raises `MissingTake` for a shot not rendered yet."""
    rate = project.fps
    plan = plan_cut(folder, project)
    jobs = {job.key: job for job in plan_jobs(project)}
    timeline = otio.schema.Timeline(name=project.bible.title)
    timeline.global_start_time = _frames(0, rate)
    unplaced: list[str] = []
    timeline.metadata[META] = {
        "title": project.bible.title,
        "logline": project.bible.logline,
        "revision": project.revision,
        "fps": rate,
        "width": project.style.width,
        "height": project.style.height,
        "frames": plan.frames,
    }
    credit = icon_credit(project)
    if credit:  # the icon set's licence (CC BY-SA) asks for credit wherever its drawings go
        timeline.metadata[META]["credit"] = credit
    items: list[_Item] = []
    for path, key in zip(plan.paths, plan.keys, strict=True):
        job = jobs.get(key)
        if job is None:  # a card: the title card opens the reel, any other card closes it
            card = "title" if not items and project.style.title_card else "end"
            frames = _card_frames(project, card)
            clip = _clip(f"{card.capitalize()} card", path, frames, frames, rate)
            clip.metadata[META] = {"card": card}
            items.append(_Item(clip, frames, f"the {card} card"))
            continue
        facts = shot_facts(folder, project, job.shot, job.number, key)
        take = job.shot.media_for(key)
        frames = job.shot.duration_frames
        clip = _clip(f"Shot {job.shot.label} {facts['size']}", path, frames, take.frames, rate)
        clip.metadata[META] = facts
        clip.markers.append(
            otio.schema.Marker(
                name=f"Shot {job.shot.label} {facts['size']} {facts['movement']}",  # ASCII: EDL readers want it
                marked_range=_span(0, 0, rate),
                color=otio.schema.MarkerColor.RED,
                comment=_marker_comment(facts),
                metadata={META: {"number": job.number, "label": job.shot.label, "id": job.shot.id}},
            )
        )
        fade_out = job.shot.transition == Transition.FADE_OUT
        items.append(_Item(clip, frames, f"shot {job.shot.label}", job.shot.transition, fade_out))
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    for index, item in enumerate(items):
        if index:
            transition = _join(items[index - 1], item, rate)
            if transition is not None:
                track.append(transition)
        elif item.enter in (Transition.FADE_IN, Transition.DISSOLVE):
            unplaced.append(f"the fade-in at the start of {item.label} (no clip before it to hold a transition)")
        track.append(item.clip)
    sound = _sound_track(folder, project, plan.frames)
    if sound is not None:
        timeline.tracks.append(sound)
    if items and items[-1].fade_out:
        unplaced.append(f"the fade-out at the end of {items[-1].label} (no clip after it to hold a transition)")
    if unplaced:
        timeline.metadata[META]["unplaced"] = unplaced
    return timeline


def _sound_track(folder: ProjectFolder, project: Project, frames: int) -> otio.schema.Track | None:
    """An audio track holding the reel's own mix (scratch voices over the music bed) as a guide
    track, when the reel on disk is this cut; None otherwise."""
    cut = project.cut
    if cut is None or cut.frames != frames or not (folder.root / cut.path).is_file():
        return None
    rate = project.fps
    clip = _clip("Scratch mix", folder.root / cut.path, frames, frames, rate)
    clip.metadata[META] = {"sound": "the reel's mix: scratch voices and the music bed", "path": cut.path}
    track = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    track.append(clip)
    return track


def _card_frames(project: Project, card: str) -> int:
    style = project.style
    return style.title_card_frames if card == "title" else style.end_card_frames


# Writing ---------------------------------------------------------------------------------------


def _handles(track: otio.schema.Track, transition: otio.schema.Transition) -> tuple[int, int]:
    """Frames of media the clips on either side hold beyond their cut: (outgoing tail, incoming head)."""
    before, after = track.neighbors_of(transition)
    tail = head = 0
    if isinstance(before, otio.schema.Clip):
        available = before.available_range()
        tail = int(available.end_time_exclusive().value - before.source_range.end_time_exclusive().value)
    if isinstance(after, otio.schema.Clip):
        head = int(after.source_range.start_time.value - after.available_range().start_time.value)
    return tail, head


def _between(transition: otio.schema.Transition) -> str:
    labels = list(transition.metadata.get(META, {}).get("between", ["?", "?"]))
    return f"the {transition.name} from {labels[0]} to {labels[1]}"


def fit_to_format(timeline: otio.schema.Timeline, fmt: TimelineFormat) -> tuple[otio.schema.Timeline, list[str]]:
    """A copy of `timeline` the format can hold, and a line for each thing left out to get there."""
    fitted = copy.deepcopy(timeline)
    dropped = [f"{fmt.label}: {line}" for line in fitted.metadata.get(META, {}).get("unplaced", [])]
    if fmt.adapter == "otio_json":
        return fitted, dropped
    if fmt.adapter == "fcp_xml":  # the sequence's frame size, where the adapter reads it back from
        facts = fitted.metadata.get(META, {})
        characteristics = {"width": str(facts.get("width")), "height": str(facts.get("height"))}
        characteristics |= {"pixelaspectratio": "square", "fielddominance": "none"}
        fitted.metadata["fcp_xml"] = {"media": {"video": {"format": {"samplecharacteristics": characteristics}}}}
    track = fitted.tracks[0]
    for item in list(track):
        if isinstance(item, otio.schema.Clip) and "number" in item.metadata.get(META, {}):
            _carry_facts(item, fmt)
        if isinstance(item, otio.schema.Clip) and fmt.adapter == "mlt_xml":  # melt opens paths, not URLs
            reference = item.media_reference
            reference.target_url = url2pathname(urlparse(reference.target_url).path)
        if not isinstance(item, otio.schema.Transition):
            continue
        if item.transition_type != otio.schema.TransitionTypes.SMPTE_Dissolve:
            dropped.append(f"{fmt.label}: {_between(item)} written as a cut (the adapter writes no fades)")
            track.remove(item)
            continue
        if fmt.adapter == "cmx_3600":
            tail, head = _handles(track, item)
            if head < item.in_offset.value or tail < item.out_offset.value:
                dropped.append(
                    f"{fmt.label}: {_between(item)} written as a cut (an EDL dissolve needs "
                    f"{int(item.in_offset.value)} frames of handle before the incoming take and "
                    f"{int(item.out_offset.value)} after the outgoing one; the takes hold {head} and {tail})"
                )
                track.remove(item)
    return fitted, dropped


def _dialogue_lines(facts: dict[str, Any]) -> list[str]:
    lines = []
    for line in facts["dialogue"]:
        how = f" ({line['parenthetical']})" if line["parenthetical"] else ""
        lines.append(f"{line['speaker'].upper()}{how}: {line['text']}")
    return lines


def _carry_facts(clip: otio.schema.Clip, fmt: TimelineFormat) -> None:
    """Put a shot's facts where the format's adapter writes them: FCP 7 logging info and master
    comments (the `fcp_xml` metadata the adapter turns into XML), EDL comment lines."""
    facts = clip.metadata[META]
    camera = f"{facts['size']} {facts['angle']} {facts['movement']} {facts['lens_mm']}mm"
    made = f"{facts['backend']} seed {facts['seed']} key {facts['render_key']}"
    if fmt.adapter == "fcp_xml":
        clip.metadata["fcp_xml"] = {
            "logginginfo": {
                "description": facts["action"],
                "scene": str(facts["scene"]),
                "shottake": f"shot {facts['label']} ({facts['id']})",
                "lognote": " / ".join(_dialogue_lines(facts)),
                "good": "FALSE",
            },
            "comments": {
                "mastercomment1": camera,
                "mastercomment2": made,
                "mastercomment3": facts["prompt"],
                "mastercomment4": "; ".join(f"{k}={v}" for k, v in facts["references"].items()),
                "clipcommenta": facts["notes"],
            },
        }
    elif fmt.adapter == "cmx_3600":
        lines = [f"SHOT {facts['label']} ({facts['id']}) {camera}", f"ACTION: {facts['action']}"]
        lines += [*_dialogue_lines(facts), made]
        clip.metadata.setdefault("cmx_3600", {})["comments"] = [ascii_text(line) for line in lines]


def ascii_text(text: str) -> str:
    """`text` in plain ASCII (EDL lines are read by old tools): accents and typographic marks folded."""
    folded = text.translate(_TYPOGRAPHY)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return " ".join(folded.split())


_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                             "…": "...", "·": "-"})  # fmt: skip


def write_timeline(timeline: otio.schema.Timeline, directory: Path, fmt: TimelineFormat) -> WrittenTimeline:
    """Write `timeline` in `fmt` into `directory` (atomically); say what the format dropped."""
    fitted, dropped = fit_to_format(timeline, fmt)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / fmt.filename
    partial = directory / f".{fmt.filename}.partial"
    rate = int(timeline.metadata.get(META, {}).get("fps", 24))
    try:
        otio.adapters.write_to_file(fitted, str(partial), adapter_name=fmt.adapter)
        back = read_timeline(partial, fmt, rate) if fmt.readable else None
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    if back is not None:
        dropped += [f"{fmt.label}: {line}" for line in lost_in(fitted, back)]
    return WrittenTimeline(target, dropped)


def read_timeline(path: Path, fmt: TimelineFormat, rate: int) -> otio.schema.Timeline:
    """Read a timeline file back through the same adapter."""
    if fmt.adapter == "cmx_3600":
        return otio.adapters.read_from_file(str(path), adapter_name=fmt.adapter, rate=rate)
    return otio.adapters.read_from_file(str(path), adapter_name=fmt.adapter)


def plain(value: Any) -> Any:
    """OTIO metadata (AnyDictionary, AnyVector) as plain dicts and lists."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    return [plain(v) for v in value]


def _clip_text(clip: otio.schema.Clip) -> str:
    parts = [clip.name, json.dumps(plain(clip.metadata), ensure_ascii=False)]
    for marker in clip.markers:
        parts += [marker.name, marker.comment, json.dumps(plain(marker.metadata), ensure_ascii=False)]
    return "\n".join(parts)


def _kept(value: Any, text: str) -> bool:
    if value in ("", [], {}, None):
        return True
    if isinstance(value, dict):
        return all(_kept(v, text) for v in value.values())
    if isinstance(value, list):
        return all(_kept(v, text) for v in value)
    return ascii_text(str(value)).lower() in text


def lost_in(written: otio.schema.Timeline, back: otio.schema.Timeline) -> list[str]:
    """What `back` (a written timeline read back) no longer holds of `written`, as lines for a person."""
    lost: list[str] = []
    ours = list(written.tracks[0].find_clips())
    theirs = [clip for track in back.video_tracks() for clip in track.find_clips()]
    if [c.duration().value for c in ours] != [c.duration().value for c in theirs]:
        lost.append(f"clip lengths changed on reading back ({len(ours)} clips written, {len(theirs)} read)")
    heard = sum(len(list(track.find_clips())) for track in written.audio_tracks())
    if heard > sum(len(list(track.find_clips())) for track in back.audio_tracks()):
        lost.append("the scratch sound track (the reel's mix of voices and music); the reel itself has it")
    written_cuts = sum(1 for item in written.tracks[0] if isinstance(item, otio.schema.Transition))
    read_cuts = sum(1 for track in back.video_tracks() for i in track if isinstance(i, otio.schema.Transition))
    if read_cuts < written_cuts:
        lost.append(f"{written_cuts - read_cuts} of {written_cuts} transitions")
    missing: dict[str, list[str]] = {}
    shots: list[str] = []  # by label, in the reel's order
    for mine, read in zip(ours, theirs, strict=False):
        facts = plain(mine.metadata.get(META, {}))
        if "number" not in facts:
            continue
        text = ascii_text(_clip_text(read)).lower()
        for name in SHOT_FIELDS:
            if not _kept(facts.get(name), text):
                label = str(facts.get("label") or facts["number"])
                missing.setdefault(name, []).append(label)
                shots += [] if label in shots else [label]
    if missing:
        names = [name for name in SHOT_FIELDS if name in missing]
        kept = [name for name in SHOT_FIELDS if name not in missing]
        lost.append(
            f"no place for the shot {', '.join(names)} (shot{'s' if len(shots) > 1 else ''} "
            f"{', '.join(shots)}); kept: {', '.join(kept) or 'nothing'}"
        )
    return lost

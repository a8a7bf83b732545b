"""`storyreel export`: the reel, the timeline files, the boards and the subtitles, into cut/.

The reel is brought up to date first (shots rendered and the cut assembled through the
production service) when it is missing or stale, so every file describes the same cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from story import MissingTake, Project, ProjectFolder

FORMATS = ("reel", "otio", "xml", "edl", "pdf", "contact", "srt")
FILES = {
    "reel": "storyreel.mp4",
    "otio": "storyreel.otio",
    "xml": "storyreel.xml",
    "edl": "storyreel.edl",
    "pdf": "storyboard.pdf",
    "contact": "contact.png",
    "srt": "storyreel.srt",
}
CUT_DIR = "cut"


class ExportError(ValueError):
    """A mistake in what was asked of the export (an unknown format)."""


@dataclass
class ExportReport:
    """What an export wrote and what the formats could not hold."""

    written: dict[str, Path] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_formats(given: list[str]) -> list[str]:
    """The formats asked for, in our order; `all` means every one. Raises `ExportError` on an unknown one."""
    asked: set[str] = set()
    for raw in given:
        for name in filter(None, (part.strip().lower() for part in raw.split(","))):
            if name == "all":
                asked.update(FORMATS)
            elif name in FORMATS:
                asked.add(name)
            else:
                raise ExportError(f"unknown export format {name!r}; choose from {', '.join(FORMATS)} or all")
    if not asked:
        raise ExportError(f"no export format given; choose from {', '.join(FORMATS)} or all")
    return [name for name in FORMATS if name in asked]


def cut_is_current(folder: ProjectFolder, project: Project) -> bool:
    """True when the reel on disk was assembled from the takes the project calls for now."""
    from tools.edit.assemble import plan_cut
    from tools.render.jobs import stale_jobs

    cut = project.cut
    if cut is None or not (folder.root / cut.path).is_file() or stale_jobs(folder, project):
        return False
    try:
        return plan_cut(folder, project).keys == list(cut.shot_keys)
    except MissingTake:
        return False


def _srt_from_assembly() -> Callable[..., object] | None:
    """The reel assembly's own subtitle writer, when the sound work provides one."""
    try:
        from tools.edit import subtitles  # type: ignore[attr-defined]
    except ImportError:
        return None
    writer = getattr(subtitles, "write_srt", None)
    return writer if callable(writer) else None


def export_project(folder: ProjectFolder, project: Project, formats: list[str]) -> ExportReport:
    """Write the asked-for `formats` of an up-to-date project into its cut/ folder."""
    from tools.export.timeline import FORMATS as TIMELINE_FORMATS
    from tools.export.timeline import build_timeline, write_timeline

    out = folder.root / CUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    if "reel" in formats:
        if project.cut is None or not (folder.root / project.cut.path).is_file():
            raise MissingTake("the reel has not been assembled; run `storyreel render` first")
        report.written["reel"] = folder.root / project.cut.path
    timeline_formats = [name for name in formats if name in TIMELINE_FORMATS]
    if timeline_formats:
        timeline = build_timeline(folder, project)
        for name in timeline_formats:
            written = write_timeline(timeline, out, TIMELINE_FORMATS[name])
            report.written[name] = written.path
            report.dropped += written.dropped
    if "pdf" in formats or "contact" in formats:
        from tools.export.keyframes import shot_keyframes

        keyframes = shot_keyframes(folder, project)
        if "pdf" in formats:
            from tools.export.storyboard import write_storyboard

            pages = write_storyboard(project, keyframes, out / FILES["pdf"])
            report.written["pdf"] = out / FILES["pdf"]
            report.notes.append(f"storyboard: {len(keyframes)} panels on {pages} pages")
        if "contact" in formats:
            from tools.export.contact import write_contact_sheet

            grid = write_contact_sheet(project, keyframes, out / FILES["contact"])
            report.written["contact"] = out / FILES["contact"]
            report.notes.append(f"contact sheet: {grid.columns}×{grid.rows} grid, {grid.size[0]}×{grid.size[1]} px")
    if "srt" in formats:
        report.written["srt"] = _subtitles(folder, project, out / FILES["srt"], report)
    return report


def _subtitles(folder: ProjectFolder, project: Project, target: Path, report: ExportReport) -> Path:
    """The reel's .srt: kept as the assembly wrote it, else written from the shot list."""
    assembly_writer = _srt_from_assembly()
    if assembly_writer is not None and target.is_file():
        return target
    from tools.export.captions import write_srt

    count = write_srt(project, target)
    if count == 0:
        report.notes.append("subtitles: no dialogue, so storyreel.srt is empty")
    return target

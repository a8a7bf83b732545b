"""Exports read back the way an editor's tools read them: OpenTimelineIO and its adapters, PDFium
for the storyboard PDF, PyAV for the reel, Debian's melt (when present) for an MLT render."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
import srt
from PIL import Image
from probing import probe
from scripted import ScriptedDirector, small_story

from agent.production import Production
from story import (
    DialogueLine,
    Project,
    ProjectFolder,
    ShotChanges,
    Transition,
    UpdateShot,
)
from tools.export.bundle import FILES, FORMATS, export_project, parse_formats
from tools.export.contact import contact_grid
from tools.export.keyframes import shot_keyframes
from tools.export.storyboard import (
    PAGE_H,
    PAGE_W,
    PANELS_PER_PAGE,
    board_pages,
    panel_picture,
)
from tools.export.timeline import FORMATS as TIMELINE_FORMATS
from tools.export.timeline import (
    META,
    MLT,
    build_timeline,
    fit_to_format,
    read_timeline,
    write_timeline,
)
from tools.media.codec import transition_frames
from tools.render.prompt import shot_prompt

REPO = Path(__file__).resolve().parent.parent
SHOTS = 7  # one more than a board page holds, so the PDF needs a second board page
DISSOLVE_SHOT, FADE_SHOT, FADE_OUT_SHOT = 3, 5, 6


def _story() -> object:
    story = small_story(shots=SHOTS)
    shots = list(story.shots)
    shots[DISSOLVE_SHOT - 1] = shots[DISSOLVE_SHOT - 1].model_copy(
        update={
            "transition": Transition.DISSOLVE,
            "dialogue": [DialogueLine(speaker="mara", text="It’s out — see?", parenthetical="whispering")],
        }
    )
    shots[FADE_SHOT - 1] = shots[FADE_SHOT - 1].model_copy(update={"transition": Transition.FADE_IN})
    shots[FADE_OUT_SHOT - 1] = shots[FADE_OUT_SHOT - 1].model_copy(update={"transition": Transition.FADE_OUT})
    return story.model_copy(update={"shots": shots})


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A rendered seven-shot project with dialogue, a dissolve and a fade, exported once with `all`."""
    root = tmp_path_factory.mktemp("export") / "film"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STORYREEL_MEMORY", "off")
        production, _ = Production.new(root, "a brief", director=ScriptedDirector(story=[_story()]))
        production.close()
        project = production.project
        report = export_project(production.folder, project, list(FORMATS))
    (root / "report.json").write_text(json.dumps({"dropped": report.dropped}))
    yield root


def _project(root: Path) -> Project:
    return ProjectFolder.open(root).load()


def _dropped(root: Path) -> list[str]:
    return json.loads((root / "report.json").read_text())["dropped"]


def _clips(timeline: otio.schema.Timeline) -> list[otio.schema.Clip]:
    return [clip for track in timeline.video_tracks() for clip in track.find_clips()]


def _transitions(timeline: otio.schema.Timeline) -> list[tuple[str, int]]:
    """(name, index of the clip after it) for every transition, in order."""
    found = []
    for track in timeline.video_tracks():
        clips = 0
        for item in track:
            if isinstance(item, otio.schema.Clip):
                clips += 1
            elif isinstance(item, otio.schema.Transition):
                found.append((item.name, clips))
    return found


def _expected_frames(project: Project) -> list[int]:
    return [
        project.style.title_card_frames,
        *(s.duration_frames for s in project.shots),
    ]


# The timeline ---------------------------------------------------------------------------------


def test_otio_reads_back_with_the_project_s_clips_durations_and_transitions(
    film: Path,
) -> None:
    project = _project(film)
    timeline = otio.adapters.read_from_file(str(film / "cut" / "storyreel.otio"))
    clips = _clips(timeline)
    assert [c.name for c in clips] == [
        "Title card",
        *(f"Shot {n} {s.size.value}" for n, s in enumerate(project.shots, 1)),
    ]
    assert [int(c.duration().value) for c in clips] == _expected_frames(project)
    assert {c.duration().rate for c in clips} == {project.fps}
    assert timeline.duration().value == project.total_frames() == probe(film / "cut" / "storyreel.mp4").frames
    # Each transition sits on the cut before the clip it leads into (the title card is clip 0), with the
    # reel's lengths: a dissolve half on each side of the cut, a fade-in over the head of its shot, a
    # fade-out over the tail of its shot.
    assert _transitions(timeline) == [
        ("dissolve", DISSOLVE_SHOT), ("fade-in", FADE_SHOT), ("fade-out", FADE_OUT_SHOT + 1),
    ]  # fmt: skip
    half, fade = transition_frames(project.fps)
    shots = project.shots
    offsets = [
        (int(t.in_offset.value), int(t.out_offset.value))
        for t in timeline.tracks[0]
        if isinstance(t, otio.schema.Transition)
    ]
    assert offsets == [
        (
            min(half, shots[DISSOLVE_SHOT - 2].duration_frames // 2),
            min(half, shots[DISSOLVE_SHOT - 1].duration_frames // 2),
        ),
        (0, min(fade, shots[FADE_SHOT - 1].duration_frames // 2)),
        (min(fade, shots[FADE_OUT_SHOT - 1].duration_frames // 2), 0),
    ]
    dissolve = next(i for i in timeline.tracks[0] if isinstance(i, otio.schema.Transition))
    assert dissolve.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
    (sound,) = [clip for track in timeline.audio_tracks() for clip in track.find_clips()]
    assert sound.name == "Scratch mix" and sound.duration().value == project.total_frames()
    assert sound.media_reference.target_url == (film / "cut" / "storyreel.mp4").resolve().as_uri()
    assert probe(film / "cut" / "storyreel.mp4").audio_streams == 1, "the guide track is the reel's own mix"
    for clip, shot in zip(clips[1:], project.shots, strict=True):
        take = shot.takes[-1]
        assert clip.media_reference.target_url == (film / take.path).resolve().as_uri()
        assert clip.source_range.start_time.value == 0


def test_shot_metadata_survives_in_otio(film: Path) -> None:
    project = _project(film)
    clips = _clips(otio.adapters.read_from_file(str(film / "cut" / "storyreel.otio")))
    for number, (clip, shot) in enumerate(zip(clips[1:], project.shots, strict=True), 1):
        facts = clip.metadata[META]
        assert (facts["number"], facts["id"], facts["size"], facts["angle"], facts["movement"]) == (
            number, shot.id, shot.size.value, shot.angle.value, shot.movement.value,
        )  # fmt: skip
        assert facts["action"] == shot.action
        assert [line["text"] for line in facts["dialogue"]] == [line.text for line in shot.dialogue]
        assert (facts["backend"], facts["seed"]) == ("animatic", shot.seed)
        assert facts["prompt"] == shot_prompt(project, shot).text
        assert set(facts["references"]) >= set(shot.characters)
        assert all((film / path).is_file() for path in facts["references"].values())
        assert [m.name for m in clip.markers] == [f"Shot {number} {shot.size.value} {shot.movement.value}"]
    spoken = clips[DISSOLVE_SHOT].markers[0].comment
    assert "MARA (whispering): It’s out — see?" in spoken


def test_fcp_xml_parses_with_the_adapter_and_keeps_the_dissolve(film: Path) -> None:
    project = _project(film)
    timeline = otio.adapters.read_from_file(str(film / "cut" / "storyreel.xml"), adapter_name="fcp_xml")
    clips = _clips(timeline)
    assert [int(c.duration().value) for c in clips] == _expected_frames(project)
    assert [name for name, _ in _transitions(timeline)] == ["dissolve"]
    assert [len(list(t.find_clips())) for t in timeline.audio_tracks()] == [1], "the scratch mix travels"
    frame = timeline.metadata["fcp_xml"]["media"]["video"]["format"]["samplecharacteristics"]
    assert (frame["width"], frame["height"]) == (str(project.style.width), str(project.style.height))
    logged = clips[DISSOLVE_SHOT].metadata["fcp_xml"]["logginginfo"]
    assert logged["shottake"] == f"shot {DISSOLVE_SHOT} (s{DISSOLVE_SHOT})"
    assert "It’s out" in logged["lognote"]
    dropped = [line for line in _dropped(film) if line.startswith("FCP 7 XML")]
    assert dropped == [
        f"FCP 7 XML: the fade-in from shot {FADE_SHOT - 1} to shot {FADE_SHOT} written as a cut "
        "(the adapter writes no fades)",
        f"FCP 7 XML: the fade-out from shot {FADE_OUT_SHOT} to shot {FADE_OUT_SHOT + 1} written as a cut "
        "(the adapter writes no fades)",
    ]


def test_edl_parses_with_the_adapter_and_says_what_it_dropped(film: Path) -> None:
    project = _project(film)
    text = (film / "cut" / "storyreel.edl").read_text()
    assert text.isascii(), "EDL lines stay plain ASCII"
    timeline = otio.adapters.read_from_file(str(film / "cut" / "storyreel.edl"), adapter_name="cmx_3600", rate=24)
    assert [int(c.duration().value) for c in _clips(timeline)] == _expected_frames(project)
    assert _transitions(timeline) == []
    dropped = [line for line in _dropped(film) if line.startswith("CMX 3600 EDL")]
    assert any(
        f"the dissolve from shot {DISSOLVE_SHOT - 1} to shot {DISSOLVE_SHOT} written as a cut (an EDL dissolve needs"
        in d
        and "the takes hold 0 and 0" in d
        for d in dropped
    )
    assert any(f"the fade-in from shot {FADE_SHOT - 1} to shot {FADE_SHOT} written as a cut" in d for d in dropped)
    assert any("no place for the shot prompt, references" in d for d in dropped)
    assert (
        "CMX 3600 EDL: the scratch sound track (the reel's mix of voices and music); the reel itself has it" in dropped
    )
    assert "MARA (whispering): It's out - see?" in text, "dialogue travels as EDL comments, folded to ASCII"


def test_otio_drops_nothing(film: Path) -> None:
    assert not [line for line in _dropped(film) if line.startswith("OTIO")]


def test_edl_keeps_a_dissolve_when_the_takes_have_handles(film: Path, tmp_path: Path) -> None:
    """Where the media reaches past the cut on both sides, the EDL carries the dissolve."""
    timeline = build_timeline(ProjectFolder.open(film), _project(film))
    track = timeline.tracks[0]
    dissolve = next(i for i in track if isinstance(i, otio.schema.Transition))
    before, after = track.neighbors_of(dissolve)
    rate = before.source_range.duration.rate
    for clip, head in ((before, 0), (after, 6)):
        # Pretend each take was rendered 12 frames longer than its shot, 6 of them before it.
        length = clip.source_range.duration.value
        clip.media_reference.available_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate),
            otio.opentime.RationalTime(length + 12, rate),
        )
        clip.source_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(head if clip is after else 0, rate),
            clip.source_range.duration,
        )
    _, dropped = fit_to_format(timeline, TIMELINE_FORMATS["edl"])
    assert not [line for line in dropped if "dissolve" in line]
    written = write_timeline(timeline, tmp_path, TIMELINE_FORMATS["edl"])
    assert " D 012 " in written.path.read_text() or " D    " in written.path.read_text()
    back = read_timeline(written.path, TIMELINE_FORMATS["edl"], 24)
    assert [name for name, _ in _transitions(back)] != [] and not [d for d in written.dropped if "dissolve" in d]


# Boards ------------------------------------------------------------------------------------------


def _pages(pdf: Path, dpi: int) -> list[np.ndarray]:
    """Each page rendered in grey by PDFium (a wheel), as a viewer would show it."""
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(pdf) as document:
        pictures = [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    return [np.asarray(picture, dtype=np.int16) for picture in pictures]


def _text(pdf: Path) -> str:
    """The text PDFium extracts from every page."""
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(pdf) as document:
        return "\n".join(page.get_textpage().get_text_bounded() for page in document)


def test_storyboard_pdf_has_one_panel_per_shot(film: Path) -> None:
    project = _project(film)
    dpi = 40
    pages = _pages(film / "cut" / "storyboard.pdf", dpi)
    assert len(pages) == board_pages(SHOTS) == 1 + math.ceil(SHOTS / PANELS_PER_PAGE) == 3
    assert pages[0].shape[1] > pages[0].shape[0], "landscape pages"
    scale = pages[0].shape[1] / PAGE_W
    assert abs(pages[0].shape[0] / PAGE_H - scale) < 0.05
    aspect = project.style.width / project.style.height

    def region(page: np.ndarray, index: int) -> np.ndarray:
        box = panel_picture(index, aspect)
        x0, y0 = round((box.x + 1) * scale), round((box.y + 1) * scale)
        x1, y1 = round((box.x + box.w - 1) * scale), round((box.y + box.h - 1) * scale)
        return page[y0:y1, x0:x1]

    for number in range(1, SHOTS + 1):
        page = pages[1 + (number - 1) // PANELS_PER_PAGE]
        picture = region(page, (number - 1) % PANELS_PER_PAGE)
        assert picture.std() > 20 and picture.mean() < 235, f"panel {number} should hold a picture"
    last = pages[-1]
    for empty in range(SHOTS % PANELS_PER_PAGE, PANELS_PER_PAGE):
        assert region(last, empty).min() > 245, f"slot {empty} on the last page should be blank paper"
    title = pages[0]
    assert title.min() < 100, "the title page carries the title"


def test_storyboard_pdf_text_carries_each_shot(film: Path) -> None:
    text = _text(film / "cut" / "storyboard.pdf")
    assert "Harbour Light" in text and "A keeper waits." in text
    assert "MARA (whispering): It’s out — see?" in text
    assert "DISSOLVE TO:" in text and "FADE IN:" in text and "FADE OUT" in text
    for number in range(1, SHOTS + 1):
        assert f"beat {number}: Mara looks out to sea" in text


def test_contact_sheet_is_a_numbered_grid_of_every_shot(film: Path) -> None:
    project = _project(film)
    sheet = np.asarray(Image.open(film / "cut" / "contact.png").convert("L"), dtype=np.int16)
    grid = contact_grid(project, SHOTS)
    assert (sheet.shape[1], sheet.shape[0]) == grid.size
    assert grid.columns * grid.rows >= SHOTS > grid.columns * (grid.rows - 1)
    pictures = [sheet[y : y + grid.thumb_h, x : x + grid.thumb_w] for x, y in map(grid.cell, range(SHOTS))]
    assert all(p.std() > 20 for p in pictures)
    # Each keyframe is that shot's, not a repeat: neighbouring pictures differ.
    assert all(np.abs(a - b).mean() > 3 for a, b in zip(pictures, pictures[1:], strict=False))
    x, y = grid.cell(SHOTS)  # the first empty cell is paper
    assert sheet[y : y + grid.thumb_h, x : x + grid.thumb_w].std() < 1


def test_keyframes_come_from_the_middle_of_each_take(film: Path) -> None:
    project = _project(film)
    frames = shot_keyframes(ProjectFolder.open(film), project, width=160)
    assert [f.number for f in frames] == list(range(1, SHOTS + 1))
    assert [f.source for f in frames] == [shot.takes[-1].path for shot in project.shots]


def test_srt_starts_every_line_inside_its_shot(film: Path) -> None:
    project = _project(film)
    subtitles = list(srt.parse((film / "cut" / "storyreel.srt").read_text()))
    spoken = [(n, line) for n, shot in enumerate(project.shots, 1) for line in shot.dialogue]
    assert len(subtitles) == len(spoken) == 2
    starts = [project.style.title_card_frames]
    for shot in project.shots:
        starts.append(starts[-1] + shot.duration_frames)
    for subtitle, (number, line) in zip(subtitles, spoken, strict=True):
        assert line.text in subtitle.content
        first, end = starts[number - 1] / project.fps, starts[number] / project.fps
        assert first - 1e-3 <= subtitle.start.total_seconds() < end <= subtitle.end.total_seconds() + end


# The command ----------------------------------------------------------------------------------


def _run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=os.environ | {"COLUMNS": "200", "STORYREEL_MEMORY": "off"} | (env or {}),
    )


def test_bad_format_is_one_clear_line_and_exit_2(film: Path) -> None:
    before = sorted(p.name for p in (film / "cut").iterdir())
    done = _run("export", film, "--format", "mov")
    assert done.returncode == 2
    assert done.stderr.strip() == "error: unknown export format 'mov'; choose from " + ", ".join(FORMATS) + " or all"
    assert sorted(p.name for p in (film / "cut").iterdir()) == before


def test_parse_formats() -> None:
    assert parse_formats(["all"]) == list(FORMATS)
    assert parse_formats(["edl,otio", "OTIO"]) == ["otio", "edl"]


@pytest.mark.slow
def test_export_all_brings_a_stale_reel_up_to_date_and_writes_every_file(film: Path, tmp_path: Path) -> None:
    root = tmp_path / "film"
    shutil.copytree(film, root)
    for name in FILES.values():
        (root / "cut" / name).unlink(missing_ok=True)
    folder = ProjectFolder.open(root)
    folder.commit(
        [UpdateShot(shot_id="s2", changes=ShotChanges(duration_frames=30))],
        message="longer",
    )
    done = _run("export", root, "--format", "all", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout[done.stdout.index("{") :])
    assert list(report["written"]) == list(FORMATS)
    for name, filename in FILES.items():
        assert Path(report["written"][name]) == root / "cut" / filename
        assert (root / "cut" / filename).stat().st_size > 0, filename
    assert any(line.startswith("CMX 3600 EDL") for line in report["dropped"])
    project = folder.load()
    assert project.shots[1].duration_frames == 30
    assert probe(root / "cut" / "storyreel.mp4").frames == project.total_frames()
    timeline = otio.adapters.read_from_file(str(root / "cut" / "storyreel.otio"))
    assert [int(c.duration().value) for c in _clips(timeline)] == _expected_frames(project)
    assert "dropped: CMX 3600 EDL" in _run("export", root, "-f", "edl").stderr


# Rendering the timeline through MLT -------------------------------------------------------------


def _mlt_adapter() -> bool:
    return "mlt_xml" in otio.adapters.available_adapter_names()


def _mlt_frames(path: Path) -> int:
    """Frames the MLT timeline's picture track plays: each entry's in..out (inclusive) and each blank."""
    from xml.etree import ElementTree

    track = ElementTree.parse(path).getroot().find("playlist[@id='V1']")
    assert track is not None, "the MLT XML has no V1 playlist"
    frames = 0
    for item in track:
        if item.tag == "entry":
            frames += round(float(item.get("out", "0"))) - round(float(item.get("in", "0"))) + 1
        elif item.tag == "blank":
            frames += round(float(item.get("length", "0")))
    return frames


@pytest.mark.slow
@pytest.mark.skipif(
    not _mlt_adapter(),
    reason="otio-mlt-adapter is not installed (pip install otio-mlt-adapter)",
)
def test_the_mlt_timeline_plays_the_reel_s_frame_count_and_melt_renders_it(film: Path, tmp_path: Path) -> None:
    """The MLT XML always; the render through Debian's melt where melt is installed (it is optional)."""
    timeline = build_timeline(ProjectFolder.open(film), _project(film))
    written = write_timeline(timeline, tmp_path, MLT)
    assert written.dropped == [
        f"MLT XML: the fade-in from shot {FADE_SHOT - 1} to shot {FADE_SHOT} written as a cut "
        "(the adapter writes no fades)",
        f"MLT XML: the fade-out from shot {FADE_OUT_SHOT} to shot {FADE_OUT_SHOT + 1} written as a cut "
        "(the adapter writes no fades)",
    ]
    total = _project(film).total_frames()
    assert _mlt_frames(written.path) == total
    if shutil.which("melt") is None:
        return  # melt is optional: the timeline's length is checked above from its XML
    rendered = tmp_path / "melt.mp4"
    done = subprocess.run(
        ["melt", "-quiet", str(written.path), "-consumer", f"avformat:{rendered}", "vcodec=libx264", "an=1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert probe(rendered).frames == probe(film / "cut" / "storyreel.mp4").frames == total


# Edges ------------------------------------------------------------------------------------------


def test_fades_at_the_edges_and_a_dip_to_black_follow_the_reel(tmp_path: Path) -> None:
    """No title card, an end card, shot 1 fading in from nothing, shot 2 fading out into a dissolve."""
    story = small_story(shots=3, title_card=False)
    shots = list(story.shots)
    shots[0] = shots[0].model_copy(update={"transition": Transition.FADE_IN})
    shots[1] = shots[1].model_copy(update={"transition": Transition.FADE_OUT})
    shots[2] = shots[2].model_copy(update={"transition": Transition.DISSOLVE})
    style = story.style.model_copy(update={"end_card": True, "end_card_frames": 8})
    story = story.model_copy(update={"shots": shots, "style": style})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STORYREEL_MEMORY", "off")
        production, _ = Production.new(tmp_path / "film", "a brief", director=ScriptedDirector(story=[story]))
        production.close()
    project = production.project
    timeline = build_timeline(production.folder, project)
    clips = _clips(timeline)
    assert [c.name for c in clips][-1] == "End card" and clips[-1].duration().value == 8
    assert timeline.duration().value == project.total_frames() == probe(tmp_path / "film/cut/storyreel.mp4").frames
    # The reel plays a dissolve after a fade-out as a fade-in: one dip to black on that cut.
    dips = [t for t in timeline.tracks[0] if isinstance(t, otio.schema.Transition)]
    _, fade = transition_frames(project.fps)
    assert [(t.name, int(t.in_offset.value), int(t.out_offset.value)) for t in dips] == [
        ("fade-out-in", min(fade, shots[1].duration_frames // 2), min(fade, shots[2].duration_frames // 2))
    ]
    written = write_timeline(timeline, tmp_path / "out", TIMELINE_FORMATS["otio"])
    assert written.dropped == ["OTIO: the fade-in at the start of shot 1 (no clip before it to hold a transition)"]
    back = otio.adapters.read_from_file(str(written.path))
    assert _clips(back)[0].metadata[META]["transition"] == "fade-in", "the edge fade stays in the clip's metadata"


def test_storyboard_folds_text_without_a_unicode_font(
    film: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tools.export.storyboard as storyboard

    monkeypatch.setattr(storyboard, "FONT_DIRS", ())
    project = _project(film)
    frames = shot_keyframes(ProjectFolder.open(film), project, width=160)
    pages = storyboard.write_storyboard(project, frames, tmp_path / "board.pdf")
    assert pages == board_pages(SHOTS)
    assert "It's out - see?" in _text(tmp_path / "board.pdf")


def test_export_of_a_folder_that_is_not_a_project_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = _run("export", tmp_path, "--format", "otio")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "not a storyreel project" in done.stderr

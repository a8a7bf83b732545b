"""Transitions and cards: a dissolve or a fade re-encodes only the frames it touches and the rest of
the reel is the takes' own packets, stream-copied; the reel's frame count stays exact; end card."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from listening import new_film, talking_story
from probing import frames_rgb, probe

from story import ReplaceStory, Style, TimeOfDay, Transition
from tools.edit.assemble import plan_cut
from tools.edit.transitions import Clip, join_clips, keyframes
from tools.media.codec import Profile, ffmpeg_exe, transition_frames

PROFILE = Profile(320, 180, 24)


@pytest.fixture(autouse=True)
def _no_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")


def packets(path: Path) -> list[bytes]:
    """Every encoded video packet, in order, without the parameter sets (SPS, PPS) joining repeats
    in front of keyframes (the concat demuxer's automatic Annex B conversion adds them)."""
    import av

    with av.open(str(path)) as container:
        return [_without_parameter_sets(bytes(p)) for p in container.demux(video=0) if p.size]


def _without_parameter_sets(packet: bytes) -> bytes:
    kept, at = [], 0
    while at < len(packet):  # length-prefixed NAL units (MP4's AVCC layout)
        size = int.from_bytes(packet[at : at + 4], "big")
        unit = packet[at : at + 4 + size]
        if unit[4] & 0x1F not in (7, 8):
            kept.append(unit)
        at += 4 + size
    return b"".join(kept)


def story_with(transitions: dict[str, Transition], **style: object) -> ReplaceStory:
    story = talking_story(title_card=True)
    shots = [
        shot.model_copy(
            update={
                "dialogue": [],
                "transition": transitions.get(shot.id, Transition.CUT),
                "time_of_day": TimeOfDay.NIGHT if shot.id == "s3" else TimeOfDay.DAY,
            }
        )
        for shot in story.shots
    ]
    return story.model_copy(update={"shots": shots, "style": story.style.model_copy(update=style)})


def test_a_dissolve_re_encodes_only_the_frames_it_touches(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", story_with({"s3": Transition.DISSOLVE}))
    folder, project = production.folder, production.project
    reel = folder.root / "cut" / "storyreel.mp4"
    assert probe(reel).frames == project.total_frames() == 12 + 24 + 72 + 120

    plan = plan_cut(folder, project)
    join = join_clips(plan.clips, PROFILE, tmp_path / "fresh")  # an empty cache: see what must be encoded
    half, fade = transition_frames(24)
    # takes carry keyframes where transitions in end and transitions out begin
    assert keyframes(plan.clips[2].path) == {0, half, fade, 72 - fade, 72 - half}
    assert len(join.encoded) == 1 and join.encoded_frames == 2 * half
    assert join.frames == project.total_frames()

    # Every frame outside the dissolve is the take's own packet, copied; only the dissolve's are new.
    expected: list[bytes] = []
    for piece in join.pieces:
        expected += packets(piece.path)[piece.start : piece.end]
    got = packets(reel)
    assert got == expected
    shot2, shot3 = plan.clips[2], plan.clips[3]
    boundary = 12 + 24 + 72
    before = packets(plan.clips[0].path) + packets(plan.clips[1].path) + packets(shot2.path)[: 72 - half]
    assert got[: boundary - half] == before
    assert got[boundary + half :] == packets(shot3.path)[half:]
    touched = packets(shot2.path)[-half:] + packets(shot3.path)[:half]
    assert not set(got[boundary - half : boundary + half]) & set(touched)

    # and the dissolve really blends: mid-way, a frame lies between day (shot 2) and night (shot 3)
    pictures = frames_rgb(reel)
    brightness = [
        float(np.frombuffer(pictures[i], np.uint8).mean()) for i in (boundary - half - 1, boundary, boundary + half)
    ]
    day, middle, night = brightness
    assert min(day, night) + 3 < middle < max(day, night) - 3

    # assembling again encodes nothing new: the segment is cached in the project
    again = join_clips(plan.clips, PROFILE, folder.root / "media" / "transitions")
    assert again.encoded == [] and again.pieces == [p if not p.made else p for p in again.pieces]


def test_fades_go_to_and_from_black_and_keep_the_frame_count(tmp_path: Path) -> None:
    story = story_with({"s1": Transition.FADE_IN, "s3": Transition.FADE_OUT}, title_card=False)
    production = new_film(tmp_path / "film", story)
    reel = production.folder.root / "cut" / "storyreel.mp4"
    pictures = [np.frombuffer(f, np.uint8) for f in frames_rgb(reel)]
    _, fade = transition_frames(24)
    assert len(pictures) == production.project.total_frames() == 24 + 72 + 120
    assert pictures[0].mean() < 2 and pictures[fade].mean() > 20  # up from black
    assert pictures[-1].mean() < 2 and pictures[-fade - 1].mean() > 20  # down to black
    assert pictures[fade // 2].mean() < pictures[fade].mean()
    join = join_clips(plan_cut(production.folder, production.project).clips, PROFILE, tmp_path / "fresh")
    assert join.encoded_frames == 2 * fade


def encode(path: Path, frames: int, extra: list[str]) -> Path:
    args = [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=24",
            "-frames:v", str(frames), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-profile:v", "high", "-r", "24", "-video_track_timescale", "12288", *extra, str(path)]  # fmt: skip
    subprocess.run(args, check=True)
    return path


def test_a_take_without_a_keyframe_where_the_dissolve_ends_re_encodes_up_to_its_next_one(tmp_path: Path) -> None:
    first = encode(tmp_path / "a.mp4", 48, ["-g", "1000"])
    second = encode(tmp_path / "b.mp4", 48, ["-g", "1000", "-force_key_frames", "expr:eq(n,20)"])
    assert keyframes(second) == {0, 20}
    clips = [Clip(first, 48, "a"), Clip(second, 48, "b", enter=Transition.DISSOLVE)]
    join = join_clips(clips, PROFILE, tmp_path / "segments")
    half, _ = transition_frames(24)
    assert join.encoded_frames == half + 20  # A's tail, and B's head up to its keyframe at 20
    assert [(p.start, p.end, p.made) for p in join.pieces] == [
        (0, 48 - half, False),
        (0, half + 20, True),
        (20, 48, False),
    ]
    assert join.frames == 96


def test_the_reel_clock_stays_exact_at_25_fps_with_transitions(tmp_path: Path) -> None:
    story = story_with({"s2": Transition.DISSOLVE, "s3": Transition.DISSOLVE}, fps=25)
    production = new_film(tmp_path / "film", story)
    reel = production.folder.root / "cut" / "storyreel.mp4"
    facts = probe(reel)
    assert facts.frames == production.project.total_frames() and facts.fps == 25
    assert float(facts.seconds) == pytest.approx(facts.frames / 25, abs=1e-3)


def test_the_end_card_closes_the_reel(tmp_path: Path) -> None:
    story = story_with({}, end_card=True, end_card_frames=24, end_card_text="Fin")
    production = new_film(tmp_path / "film", story)
    project = production.project
    reel = production.folder.root / "cut" / "storyreel.mp4"
    assert project.total_frames() == 12 + 24 + 72 + 120 + 24 == probe(reel).frames
    last = np.frombuffer(frames_rgb(reel)[-1], np.uint8).reshape(180, 320, 3)
    assert last.std() > 5  # words on a plain ground
    assert isinstance(project.style, Style) and project.cut is not None and project.cut.frames == project.total_frames()


def test_subtitles_can_be_burned_in_keeping_the_frame_count(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", talking_story())
    reel = production.folder.root / "cut" / "storyreel.mp4"
    plain = frames_rgb(reel)
    from story import SetStyle

    production.apply([SetStyle(changes={"burn_subtitles": True})], message="burn them in")
    burned = frames_rgb(reel)
    assert len(burned) == len(plain) == production.project.total_frames()
    at = 24 + 12  # half a second into shot 2, while Mara speaks
    assert np.abs(np.frombuffer(burned[at], np.uint8).astype(int) - np.frombuffer(plain[at], np.uint8)).mean() > 1
    assert np.abs(np.frombuffer(burned[5], np.uint8).astype(int) - np.frombuffer(plain[5], np.uint8)).mean() < 1

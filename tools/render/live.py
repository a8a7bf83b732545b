"""The reel while it renders: every panel's still at once, then an HLS playlist that grows by a
segment as each shot's take finishes, so the reel plays from its first shot while later ones render.

A render pass that has shots of the reel to render opens a `LiveReel` (tools/render/engine.py):

  cut/live.m3u8          HLS, EXT-X-PLAYLIST-TYPE:EVENT: a segment per take, in the reel's order,
                         appended once every shot before it is done; EXT-X-ENDLIST when the pass ends
  cut/live/<key>-<start>.ts   the take remuxed to MPEG-TS (stream copy, no re-encode), its timestamps
                         moved to where the shot starts in the reel, so the segments play as one stream
  cut/live/<key>.jpg     the shot's storyboard still (the animatic panel's first frame, thumbnail size)
  cut/live/live.json     the same as data for the studio: each shot's still and take, and whether the
                         pass is over

Takes are H.264 in MP4 (tools/media/codec.py), which HLS players only take as fragmented MP4; an
MPEG-TS copy of each is what every HLS player reads. The copy is made with PyAV in this process
(the same FFmpeg libraries as the bundled ffmpeg), which costs no process start per take. The live
reel is the shots alone, silent: no title card, transitions or sound, which the assembled reel adds.
Names carry the render key, so a later pass remakes only the stills and segments of what changed.
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from story import Project, ProjectFolder
from tools.render.jobs import ShotJob, plan_jobs

LIVE_DIR = "cut/live"
PLAYLIST = "cut/live.m3u8"
MANIFEST = f"{LIVE_DIR}/live.json"
STILL_WIDTH = 384  # the studio's storyboard thumbnails are this wide
KEY_CHARS = 16  # of the render key in file names: unique enough inside one project

log = logging.getLogger(__name__)


@dataclass
class LiveShot:
    """One shot of the live reel: where its still and its take are, once they are."""

    number: int
    label: str
    key: str
    frames: int
    start: int  # the frame the shot starts at in the live reel
    still: str | None = None  # relative to the project folder
    take: str | None = None
    segment: str | None = None  # the take as an MPEG-TS segment, once every shot before it is in too
    failed: bool = False


class LiveReel:
    """The live playlist, stills and manifest of one render pass; thread-safe (shots finish on workers)."""

    def __init__(self, folder: ProjectFolder, project: Project, pending: set[int]) -> None:
        """`pending`: the numbers of the reel's shots this pass renders; the others have their take."""
        self.folder = folder
        self.project = project
        self.fps = project.fps
        self._lock = threading.Lock()
        self._closed = False
        self.started = time.time()  # names the pass: a player starts again from shot 1 when it changes
        self.broken = False  # a take could not be copied into the playlist: it grows no more this pass
        self._stills: threading.Thread | None = None
        self.shots: list[LiveShot] = []
        start = 0
        jobs = plan_jobs(project)
        for job in jobs:
            take = None if job.number in pending else job.shot.take_for(job.key)
            shot = LiveShot(job.number, job.shot.label, job.key, job.shot.duration_frames, start)
            if take is not None and not take.failed:
                shot.take = take.path
            self.shots.append(shot)
            start += job.shot.duration_frames
        self._jobs = {job.number: job for job in jobs}

    @property
    def playlist_path(self) -> Path:
        """cut/live.m3u8 of this project."""
        return self.folder.root / PLAYLIST

    # The pass -------------------------------------------------------------------------------------

    def start(self) -> None:
        """Write the empty playlist, the first shot's still, then the other stills on a thread."""
        (self.folder.root / LIVE_DIR).mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._write()
        if self.shots:
            self._still(self.shots[0])  # the first picture, before any render begins
        self._stills = threading.Thread(target=self._draw_stills, name="live-stills", daemon=True)
        self._stills.start()
        with self._lock:
            self._advance()
            self._write()

    def finished(self, number: int, take: str, *, failed: bool = False) -> None:
        """Shot `number`'s take is on disk at `take` (relative): append what is now playable in order."""
        with self._lock:
            shot = self.shots[number - 1]
            shot.take, shot.failed = take, failed
            self._advance()
            self._write()

    def close(self) -> None:
        """The pass is over: the playlist ends (EXT-X-ENDLIST) and files no shot uses any more go."""
        if self._stills is not None:
            self._stills.join()
        with self._lock:
            self._closed = True
            self._advance()
            self._write()
        kept = {Path(s).name for shot in self.shots for s in (shot.still, shot.segment) if s}
        for path in (self.folder.root / LIVE_DIR).iterdir():
            if path.suffix in {".ts", ".jpg"} and path.name not in kept and path.is_file():
                path.unlink(missing_ok=True)

    # Making the pieces ------------------------------------------------------------------------------

    def _draw_stills(self) -> None:
        for shot in self.shots[1:]:
            if self._closed:
                return
            self._still(shot)
            with self._lock:
                self._write()

    def _still(self, shot: LiveShot) -> None:
        relative = f"{LIVE_DIR}/{shot.key[:KEY_CHARS]}.jpg"
        target = self.folder.root / relative
        try:
            if not target.is_file():
                draw_still(self.project, self._jobs[shot.number], target)
        except Exception as exc:  # noqa: BLE001 - a still is a preview: the render draws the shot or says why
            log.warning("no still for shot %s: %s", shot.label, exc)
            return
        shot.still = relative

    def _advance(self) -> None:
        """Segment every shot whose take is in, from the first, up to the first still rendering."""
        for shot in self.shots if not self.broken else []:
            if shot.segment is not None:
                continue
            if shot.take is None:
                return
            relative = f"{LIVE_DIR}/{shot.key[:KEY_CHARS]}-{shot.start}.ts"
            target = self.folder.root / relative
            try:
                if not target.is_file():
                    write_segment(self.folder.root / shot.take, target, shot.start / self.fps)
            except (OSError, av_errors()) as exc:  # the live reel is a view: it never fails the render...
                self.broken = True
                if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise  # ...but a full disk fails the whole command, once, as the machine's failure
                log.warning("live reel stops before shot %s: %s", shot.label, exc)
                return
            shot.segment = relative

    def _write(self) -> None:
        _replace(self.playlist_path, playlist_text(self.shots, self.fps, ended=self._closed))
        manifest = {
            "playlist": PLAYLIST,
            "complete": self._closed,
            "started": self.started,
            "fps": self.fps,
            "shots": [
                {
                    "number": s.number,
                    "label": s.label,
                    "seconds": round(s.frames / self.fps, 3),
                    "still": s.still,
                    "take": s.take if s.segment else None,  # playable in order, like the playlist
                    "failed": s.failed,
                }
                for s in self.shots
            ],
        }
        _replace(self.folder.root / MANIFEST, json.dumps(manifest, indent=1))


def playlist_text(shots: list[LiveShot], fps: int, *, ended: bool) -> str:
    """The HLS playlist of the shots segmented so far; EXT-X-ENDLIST once `ended`."""
    longest = max((s.frames for s in shots), default=fps)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-PLAYLIST-TYPE:EVENT",
        f"#EXT-X-TARGETDURATION:{max(1, math.ceil(longest / fps))}",  # fixed for the pass: every shot is known
        "#EXT-X-MEDIA-SEQUENCE:0",
    ]
    for shot in shots:
        if shot.segment is None:
            break
        lines.append(f"#EXTINF:{shot.frames / fps:.5f},shot {shot.label}")
        lines.append(Path(shot.segment).relative_to(Path(PLAYLIST).parent).as_posix())
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def playable_seconds(playlist: Path) -> float:
    """Seconds of media a playlist lists (0.0 when there is none yet)."""
    try:
        text = playlist.read_text()
    except FileNotFoundError:
        return 0.0
    return sum(float(line[8:].split(",")[0]) for line in text.splitlines() if line.startswith("#EXTINF:"))


def first_playable_check(root: Path, playable: Callable[[Path], None]) -> Callable[[], None]:
    """A call that, once the live playlist of a pass begun after now lists a shot, calls
    `playable(playlist)`, once; call it whenever a render may have moved on (progress, a new step).
    The playlist a past command left says nothing of this one."""
    playlist = Path(root) / PLAYLIST
    since = time.time()
    said = False

    def check() -> None:
        nonlocal said
        if said or playable_seconds(playlist) <= 0:
            return
        state = live_state(root)
        if state is not None and float(state.get("started") or 0) >= since:
            said = True
            playable(playlist)

    return check


def live_state(root: Path) -> dict[str, Any] | None:
    """The manifest of a project's live reel, or None when there is none (or it is being replaced)."""
    try:
        return dict(json.loads((Path(root) / MANIFEST).read_text()))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def draw_still(project: Project, job: ShotJob, target: Path) -> None:
    """The shot's panel as its first frame looks, drawn at thumbnail size, as a JPEG."""
    from tools.render.animatic import panel_still

    style = project.style
    height = max(2, round(STILL_WIDTH * style.height / style.width))
    small = project.model_copy(update={"style": style.model_copy(update={"width": STILL_WIDTH, "height": height})})
    image = panel_still(small, job.shot, job.number, job.shot.seed)
    partial = target.with_name(f".{target.name}.partial")
    image.save(partial, format="JPEG", quality=85)
    os.replace(partial, target)


def write_segment(take: Path, target: Path, offset: float) -> None:
    """Copy a take's video into an MPEG-TS file, its timestamps moved `offset` seconds later."""
    import av

    partial = target.with_name(f".{target.name}.partial")
    with av.open(str(take)) as source, av.open(str(partial), "w", format="mpegts") as sink:
        video = source.streams.video[0]
        stream = sink.add_stream_from_template(video)
        assert video.time_base is not None
        shift = round(offset / video.time_base)
        for packet in source.demux(video):
            if packet.dts is None:  # the demuxer's end marker
                continue
            packet.pts = None if packet.pts is None else packet.pts + shift
            packet.dts += shift
            packet.stream = stream
            sink.mux(packet)  # libavformat adds the H.264 Annex B filter MPEG-TS needs
    os.replace(partial, target)


def av_errors() -> type[Exception]:
    """PyAV's error type (imported when first needed)."""
    import av

    return av.FFmpegError


def _replace(path: Path, text: str) -> None:
    """Write a file readers see whole: players poll these while they grow."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    os.replace(partial, path)

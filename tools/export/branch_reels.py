"""A branch's reel, to compare two branches side by side without switching to either.

The reel in cut/storyreel.mp4 is the current branch's. Another branch's tip has its takes on disk
already (every branch was rendered while it was current, and takes are never deleted), so its reel is
those takes joined as the reel joins them (the title card, the shots, the transitions, the end card),
by stream copy, with the branch's own sound track (its lines and music, mixed as the reel mixes them;
the mix is cached by what is in it, so a branch with the reel's sound reuses the reel's track) and its
subtitles beside it. It is written once per revision, to cut/branches/<branch>-r<revision>.mp4 (a
revision never changes). The studio plays two at once with one of them muted.
"""

from __future__ import annotations

from pathlib import Path

from story import MissingTake, ProjectFolder
from story.branches import branch_name, branches_of, project_at

BRANCHES_DIR = "cut/branches"


def branch_reel_path(name: str, revision: int) -> str:
    """Where branch `name`'s reel at `revision` goes, relative to the project folder."""
    return f"{BRANCHES_DIR}/{name}-r{revision}.mp4"


def write_branch_reel(folder: ProjectFolder, words: str) -> Path:
    """The reel of branch `words` at its tip (made now unless made before); `BranchError` for an unknown
    branch, `MissingTake` when one of its shots has no take on disk (switch to it to render it)."""
    from story.branches import BranchError
    from tools.edit.assemble import plan_cut
    from tools.edit.sound import build_sound
    from tools.edit.transitions import TRANSITIONS_DIR, concat_listing, frame_timestamps, join_clips
    from tools.media.codec import Profile, run_ffmpeg

    name = branch_name(words)
    found = {branch.name: branch for branch in branches_of(folder)}
    if name not in found:
        raise BranchError(f"there is no branch {name!r}; the branches are {', '.join(found)}")
    tip = found[name].tip
    output = folder.path(branch_reel_path(name, tip))
    if output.is_file():
        return output
    project = folder.load() if found[name].current else project_at(folder, tip)
    try:
        plan = plan_cut(folder, project)
    except MissingTake as exc:
        raise MissingTake(f"branch {name!r} cannot be shown yet: {exc}") from None
    if not plan.paths:
        raise MissingTake(f"branch {name!r} has no shots to show")
    style = project.style
    join = join_clips(plan.clips, Profile(style.width, style.height, style.fps), folder.root / TRANSITIONS_DIR)
    output.parent.mkdir(parents=True, exist_ok=True)
    sound = build_sound(folder, project, subtitles=output.with_suffix(".srt"))
    listing = output.with_name(f".{output.stem}.concat.txt")
    listing.write_text(concat_listing(join.pieces, style.fps))
    partial = output.with_name(f".{output.stem}.partial.mp4")
    try:
        run_ffmpeg(
            ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(sound.track), "-map", "0:v:0",
             "-map", "1:a:0", "-c", "copy", *frame_timestamps(style.fps), "-movflags", "+faststart",
             "-f", "mp4", str(partial)],
            f"joining branch {name}'s reel",
        )  # fmt: skip
        partial.replace(output)
    finally:
        listing.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return output

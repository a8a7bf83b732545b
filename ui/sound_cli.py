"""`storyreel music`, `storyreel voice` and `storyreel voices`: the reel's sound from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ui.door import PersonError, ProjectDir, app, counted, door, err, open_project, out, report_turn

RECORDING_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".aif", ".aiff")
MAX_RECORDING_BYTES = 50 * 1024 * 1024
MAX_RECORDING_SECONDS = 120.0


@app.command()
def music(
    directory: ProjectDir,
    file: Annotated[Path | None, typer.Argument(help="A music file (wav, mp3, m4a, ogg, flac...).")] = None,
    cut: Annotated[bool, typer.Option("--cut", help="Also cut the reel to the music's beats.")] = False,
    gain: Annotated[float, typer.Option(help="Level of the bed in dB.", min=-40, max=6)] = -8.0,
    duck: Annotated[float, typer.Option(help="How far the bed dips under speech, in dB.", min=0, max=40)] = 12.0,
    remove: Annotated[bool, typer.Option("--remove", help="Take the music bed away.")] = False,
) -> None:
    """Lay a music bed under the reel (ducked under the dialogue); --cut retimes the shots to its beats.

    Cutting moves every shot boundary to the nearest beat while keeping each shot within ±25 % of
    its length; the bounds are printed. `storyreel say FOLDER "cut to the music"` does the same later.
    """
    with door():
        if remove == (file is not None):
            raise PersonError("give a music FILE, or --remove to take the music away")
    with open_project(directory) as production:
        from story import AnyEdit, SetMusic, apply
        from tools.edit.music import import_music
        from tools.edit.retime import NoBeats, retime_to_beats
        from tools.media.audio import AudioError

        if remove:
            report_turn(production.apply([SetMusic(music=None)], message="remove the music"))
            return
        assert file is not None
        try:
            imported = import_music(production.folder, file, gain_db=gain, duck_db=duck)
        except AudioError as exc:
            raise PersonError(str(exc)) from None
        edits: list[AnyEdit] = [SetMusic(music=imported.music)]
        report: list[str] = []
        if cut:
            try:
                retime = retime_to_beats(apply(production.project, edits))
            except NoBeats as exc:
                raise PersonError(f"the music was not imported: {exc}") from None
            edits += retime.edits
            report = [f"Cut to the music ({retime.tempo or 0:.0f} BPM), each shot within ±{retime.reach:.0%}:"]
            report += [f"  {line}" for line in retime.report_turn(production.project.fps)]
        for note in imported.notes:
            out.print(f"Music: {note}", highlight=False)
        for line in report:
            out.print(line, highlight=False)
        message = f"music: {file.name}" + (", cut to the beat" if cut else "")
        report_turn(production.apply(edits, message=message))


@app.command()
def voice(
    directory: ProjectDir,
    shot: Annotated[int, typer.Argument(help="The shot's number.", min=1)],
    line: Annotated[int, typer.Argument(help="The line's number within the shot (1 for its first line).", min=1)],
    file: Annotated[Path | None, typer.Argument(help="Your recording of the line (wav, mp3, m4a, ogg...).")] = None,
    scratch: Annotated[bool, typer.Option("--scratch", help="Go back to the scratch voice for this line.")] = False,
) -> None:
    """Use your own recording of a line instead of its scratch voice (copied into media/voice/)."""
    with door():
        if scratch == (file is not None):
            raise PersonError("give a recording FILE, or --scratch to go back to the scratch voice")
    with open_project(directory) as production:
        from story import ShotChanges, UpdateShot
        from tools.edit.music import check_audio_file, copy_into
        from tools.media.audio import AudioError, decode_audio
        from tools.voice.lines import recorded_name, recording_path

        project = production.project
        if shot > len(project.shots):
            raise PersonError(f"there is no shot {shot}; the project has {counted(len(project.shots), 'shot')}")
        target_shot = project.shots[shot - 1]
        if line > len(target_shot.dialogue):
            said = len(target_shot.dialogue)
            raise PersonError(f"shot {shot} has {said} line{'s' if said != 1 else ''} of dialogue, not {line}")
        recording: str | None = None
        if file is not None:
            try:
                check_audio_file(file, suffixes=RECORDING_SUFFIXES, max_bytes=MAX_RECORDING_BYTES, what="recording")
                seconds = len(decode_audio(file)) / 48_000
            except AudioError as exc:
                raise PersonError(str(exc)) from None
            if seconds > MAX_RECORDING_SECONDS:
                raise PersonError(f"recording {file.name} is {seconds:.0f}s long; a line may be at most 120s")
            name = recorded_name(target_shot.id, line - 1, file.suffix, file.read_bytes())
            recording = str(recording_path(name))
            copy_into(file, production.folder.path(recording))
        lines = list(target_shot.dialogue)
        lines[line - 1] = lines[line - 1].model_copy(update={"recording": recording})
        edit = UpdateShot(shot_id=target_shot.id, changes=ShotChanges(dialogue=lines))
        what = f"recording {file.name}" if file is not None else "the scratch voice"
        report_turn(production.apply([edit], message=f"shot {shot} line {line}: {what}"))


@app.command()
def voices(directory: ProjectDir) -> None:
    """List each character's scratch voice (chosen once from its id and kept)."""
    with door():
        from story import ProjectFolder
        from tools.voice.base import known_voices
        from tools.voice.casting import cast_voices

        project = ProjectFolder.open(directory).load()
        cast = cast_voices(project)
        for character in project.characters:
            choice = cast[character.id]
            kept = "" if character.voice is not None else " (not yet kept: assigned at the next render)"
            out.print(
                f"{character.name}: {choice.backend} {choice.name}, pitch {choice.pitch}, {choice.speed} wpm{kept}",
                highlight=False,
            )
        err.print(f"voice backends: {', '.join(known_voices())}", highlight=False)


@app.command()
def subtitles(
    directory: ProjectDir,
    burn: Annotated[
        bool, typer.Option("--burn/--no-burn", help="Draw the subtitles onto the reel's pictures, or stop.")
    ] = True,
) -> None:
    """Burn the dialogue subtitles into the reel (cut/storyreel.srt is written beside it either way).

    The animatic already captions each line in its panel; burning in is for backends whose
    pictures do not, and it re-encodes the whole reel once per assembly.
    """
    with open_project(directory) as production:
        from story import SetStyle

        report_turn(production.apply([SetStyle(changes={"burn_subtitles": burn})], message=f"burn subtitles: {burn}"))

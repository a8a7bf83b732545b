"""`storyreel music`, `storyreel voice` and `storyreel voices`: the reel's sound from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ui.door import SHOT_HELP, PersonError, ProjectDir, app, door, err, open_project, out, report_turn, shot_place


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
        from agent.commands import ImportMusic, RemoveMusic

        if remove:
            report_turn(production.run([RemoveMusic()]))
            return
        assert file is not None
        command = ImportMusic(path=str(file), cut_to_beats=cut, gain_db=gain, duck_db=duck)
        report_turn(production.run([command]))


@app.command()
def voice(
    directory: ProjectDir,
    shot: Annotated[str, typer.Argument(help=SHOT_HELP)],
    line: Annotated[int, typer.Argument(help="The line's number within the shot (1 for its first line).", min=1)],
    file: Annotated[Path | None, typer.Argument(help="Your recording of the line (wav, mp3, m4a, ogg...).")] = None,
    scratch: Annotated[bool, typer.Option("--scratch", help="Go back to the scratch voice for this line.")] = False,
) -> None:
    """Use your own recording of a line instead of its scratch voice (copied into media/voice/)."""
    with door():
        if scratch == (file is not None):
            raise PersonError("give a recording FILE, or --scratch to go back to the scratch voice")
    with open_project(directory) as production:
        from agent.commands import RecordLine

        place = shot_place(production.project, shot)
        command = RecordLine(shot=place, line=line, path=None if file is None else str(file))
        report_turn(production.run([command]))


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

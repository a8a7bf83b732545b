"""The shot list as `storyreel show` prints it: four columns that fit an 80-column terminal.

Short values stack in narrow columns (size and length, angle, move; place, time, cast) so the
action and the dialogue get the width, and every cell wraps at spaces, never inside a word.
Cells are `Text`, so words from a brief or a model are never read as markup.
"""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from story import Project, Shot
from story.model import Expression, Facing, Pose, PropPlace, Weather
from ui.text import plain


def shot_table(project: Project) -> Table:
    """One row a shot: its label (the name that stays when shots around it change), camera, where and who,
    then the action and every dialogue line."""
    names = {c.id: c.name for c in project.characters}
    places = {loc.id: loc.name for loc in project.locations}
    table = Table(
        title=Text(plain(f"{project.bible.title} — revision {project.revision}")),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("camera", no_wrap=True)
    table.add_column("place, time, cast", max_width=18)
    table.add_column("action and dialogue")
    for shot in project.shots:
        seconds = shot.duration_frames / project.fps
        camera = [f"{shot.size.value} {seconds:.1f}s", shot.angle.value, shot.movement.value]
        cast = ", ".join(names.get(c, c) for c in shot.characters)
        sky = shot.time_of_day.value + ("" if shot.weather == Weather.CLEAR else f", {shot.weather.value}")
        where = [places.get(shot.location or "", ""), sky, cast]
        table.add_row(
            Text(shot.label),
            Text("\n".join(camera)),
            Text(plain("\n".join(part for part in where if part))),
            _action_and_lines(shot, names),
            end_section=True,
        )
    return table


def _action_and_lines(shot: Shot, names: dict[str, str]) -> Text:
    said = Text(plain(shot.action))
    for line in shot.dialogue:
        how = f" ({line.parenthetical})" if line.parenthetical else ""
        said.append(plain(f"\n{names.get(line.speaker, line.speaker)}{how}: "), style="bold")
        said.append(plain(f"“{line.text}”"), style="italic")
    for note in _in_frame(shot, names):
        said.append(plain(f"\n{note}"), style="dim")
    return said


def _in_frame(shot: Shot, names: dict[str, str]) -> list[str]:
    """What the panel draws besides the action's words: the things in frame (where, when not in front)
    and how each person looks who does not simply stand there facing us."""
    notes = []
    if shot.props:
        things = [
            f"{prop.name} (held by {names.get(prop.held_by, prop.held_by)})" if prop.held_by
            else prop.name if prop.where == PropPlace.FOREGROUND
            else f"{prop.name} ({prop.where.value})"
            for prop in shot.props
        ]  # fmt: skip
        notes.append("in frame: " + ", ".join(things))
    for person, acting in shot.acting.items():
        looks = [value for value, usual in _USUAL if getattr(acting, value) != usual]
        if looks:
            shown = [getattr(acting, value).value for value in looks]
            notes.append(f"{names.get(person, person)}: {', '.join(shown)}")
    return notes


# An Acting's fields and the values `show` leaves unsaid (a neutral face, standing, facing us).
_USUAL = (("expression", Expression.NEUTRAL), ("pose", Pose.STANDING), ("facing", Facing.CAMERA))


def totals(project: Project) -> str:
    """`12 shots, 1443 frames (60.1s with the title card)`."""
    count, frames = len(project.shots), project.total_frames()
    style = project.style
    cards = [name for name, on in (("title card", style.title_card), ("end card", style.end_card)) if on]
    with_cards = f" with the {' and '.join(cards)}" if cards else ""
    return f"{count} shot{'' if count == 1 else 's'}, {frames} frames ({frames / project.fps:.1f}s{with_cards})"

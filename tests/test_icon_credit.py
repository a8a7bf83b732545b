"""OpenMoji (CC BY-SA 4.0) is credited wherever a reel shows its drawings: the end card, the mp4's tags and
the OTIO timeline; a reel that drew no icon says nothing of it."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from story import Character, Location, Project, ProjectFolder, Shot, Style
from story.model import Prop
from tools.draw import icons
from tools.edit.assemble import assemble_cut
from tools.edit.cards import draw_end_card, icon_credit
from tools.export.timeline import META, build_timeline
from tools.render.engine import render_shots


def rendered(root: Path, props: list[Prop]) -> tuple[ProjectFolder, Project]:
    """A one-shot film with `props`, rendered, its cut assembled."""
    project = Project(
        style=Style(width=320, height=180, end_card=True),
        characters=[Character(id="mara", name="Mara")],
        locations=[Location(id="coast", name="the coast")],
        shots=[Shot(id="s1", characters=["mara"], location="coast", duration_frames=6, props=props)],
    )
    folder = ProjectFolder.create(root, project)
    report = render_shots(folder, folder.load())
    saved, _ = folder.commit(report.edits)
    assemble_cut(folder, saved)
    return folder, saved


def reel_tags(folder: ProjectFolder) -> dict[str, str]:
    with av.open(str(folder.root / "cut" / "storyreel.mp4")) as container:
        return dict(container.metadata)


def test_a_reel_with_an_icon_credits_openmoji_on_its_end_card_and_in_its_metadata(tmp_path: Path) -> None:
    folder, project = rendered(tmp_path / "boat", [Prop(name="boat")])
    plain_folder, plain = rendered(tmp_path / "plain", [])
    assert icon_credit(project) == icons.CREDIT and icon_credit(plain) == ""
    tags = reel_tags(folder)
    assert tags.get("comment") == icons.CREDIT and tags.get("copyright") == icons.CREDIT
    assert "comment" not in reel_tags(plain_folder)
    timeline, plain_timeline = build_timeline(folder, project), build_timeline(plain_folder, plain)
    assert timeline.metadata[META]["credit"] == icons.CREDIT
    assert "credit" not in plain_timeline.metadata[META]
    foot = slice(int(180 * 0.8), 180)  # the credit stands at the card's foot; the rest of the card is the same
    credited, uncredited = np.asarray(draw_end_card(project)), np.asarray(draw_end_card(plain))
    assert (credited[foot] != uncredited[foot]).any()
    assert np.array_equal(credited[: int(180 * 0.8)], uncredited[: int(180 * 0.8)])

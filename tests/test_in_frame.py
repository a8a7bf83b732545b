"""What is in frame: props, weather and feelings reach story.json, the offline director and the
grammar, and the animatic draws them, with real pixels, logging what it could not draw."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from probing import frames_rgb

from agent.offline import read_clause
from agent.offline.grammar import Context
from agent.offline.planner import plan_prose
from story import (
    Character,
    Location,
    Project,
    ProjectFolder,
    Shot,
    ShotChanges,
    Style,
    UpdateShot,
    apply,
    dump_project,
    parse_project,
)
from story.model import Acting, Expression, Prop, PropPlace, Weather
from tools.draw import icons
from tools.render.animatic import AnimaticRenderer
from tools.render.base import RenderRequest
from tools.render.engine import render_shots
from tools.render.key import render_key

W, H = 320, 180
MARA = Character(id="mara", name="Mara", description="a tall woman in a red coat with black hair")
TOM = Character(id="tom", name="Tom", description="an old fisherman")
COAST = Location(id="coast", name="the coast", description="a rocky shore")
KITCHEN = Location(id="kitchen", name="the kitchen", interior=True)


def film(*shots: Shot) -> Project:
    return Project(
        style=Style(width=W, height=H), characters=[MARA, TOM], locations=[COAST, KITCHEN], shots=list(shots)
    )


def a_shot(shot_id: str = "s1", **fields: object) -> Shot:
    base: dict[str, object] = {"id": shot_id, "characters": ["mara"], "location": "coast", "duration_frames": 12}
    return Shot.model_validate(base | fields)


def frames(tmp_path: Path, project: Project, shot_id: str, name: str) -> tuple[list[np.ndarray], dict[str, object]]:
    """Every frame of the shot as rendered by the animatic, and what the backend said of the take."""
    output = tmp_path / f"{name}.mp4"
    shot = project.shot(shot_id)
    result = AnimaticRenderer().render(
        RenderRequest(project=project, shot=shot, number=project.shot_number(shot_id), output=output, seed=shot.seed)
    )
    pictures = [np.frombuffer(raw, np.uint8).reshape(H, W, 3) for raw in frames_rgb(output)]
    return pictures, result.details


def changed(before: list[np.ndarray], after: list[np.ndarray]) -> float:
    """Share of pixels (of the first frame, above the caption) that differ by more than a codec's noise."""
    a, b = before[0][: int(H * 0.9)].astype(int), after[0][: int(H * 0.9)].astype(int)
    return float((np.abs(a - b).max(axis=2) > 40).mean())


def edited(project: Project, shot_id: str, **changes: object) -> Project:
    return apply(project, [UpdateShot(shot_id=shot_id, changes=ShotChanges(**changes))])


# Pixels ---------------------------------------------------------------------------------------


def test_a_prop_is_drawn_in_its_shot_and_no_other(tmp_path: Path) -> None:
    project = film(a_shot("s1", size="WS"), a_shot("s2", size="WS"))
    plain, _ = frames(tmp_path, project, "s2", "plain")
    other_before, _ = frames(tmp_path, project, "s1", "other-before")
    with_boat = edited(project, "s2", props=[Prop(name="boat", where=PropPlace.FOREGROUND)])
    boat, details = frames(tmp_path, with_boat, "s2", "boat")
    other_after, _ = frames(tmp_path, with_boat, "s1", "other-after")
    assert changed(plain, boat) > 0.005, "the boat shows in its shot"
    assert details["not_drawn"] == [] and "drawn: boat (as motor boat)" in details["draw_log"]  # type: ignore[operator]
    assert all(np.array_equal(a, b) for a, b in zip(other_before, other_after, strict=True)), "shot 1 is untouched"
    assert render_key(project, project.shots[0], "animatic", "2", {}) == render_key(
        with_boat, with_boat.shots[0], "animatic", "2", {}
    )
    assert render_key(project, project.shots[1], "animatic", "2", {}) != render_key(
        with_boat, with_boat.shots[1], "animatic", "2", {}
    )


def test_a_held_prop_is_drawn_in_the_holders_hand(tmp_path: Path) -> None:
    project = film(a_shot("s1", size="WS"))
    plain, _ = frames(tmp_path, project, "s1", "plain")
    holding = edited(project, "s1", props=[Prop(name="lantern", where=PropPlace.HELD, held_by="mara")])
    lit, details = frames(tmp_path, holding, "s1", "lantern")
    assert changed(plain, lit) > 0.002
    assert details["draw_log"] == ["drawn: lantern (as izakaya lantern)"]
    # the lantern is beside the figure (centred at 0.5 of the width), not in a corner of the set
    diff = np.abs(plain[0].astype(int) - lit[0].astype(int)).max(axis=2) > 40
    columns = np.flatnonzero(diff.any(axis=0))
    assert W * 0.45 < columns.mean() < W * 0.75


def test_rain_falls_outdoors_moves_and_leaves_other_shots_alone(tmp_path: Path) -> None:
    project = film(a_shot("s1"), a_shot("s2"))
    dry, _ = frames(tmp_path, project, "s1", "dry")
    other_before, _ = frames(tmp_path, project, "s2", "other-before")
    rainy_project = edited(project, "s1", weather=Weather.RAIN)
    rain, details = frames(tmp_path, rainy_project, "s1", "rain")
    other_after, _ = frames(tmp_path, rainy_project, "s2", "other-after")
    assert changed(dry, rain) > 0.05, "a grey sky and streaks"
    assert changed(rain[:1], rain[2:]) > 0.005, "the rain falls, a drawing every two frames (the camera is static)"
    assert changed(dry[:1], dry[1:]) == 0.0, "a dry static shot does not move"
    assert details["draw_log"] == ["drawn: rain"]
    assert all(np.array_equal(a, b) for a, b in zip(other_before, other_after, strict=True))


def test_a_storm_is_dark_with_a_lightning_flash(tmp_path: Path) -> None:
    project = film(a_shot("s1", duration_frames=24))
    clear, _ = frames(tmp_path, project, "s1", "clear")
    storm, _ = frames(tmp_path, edited(project, "s1", weather=Weather.STORM), "s1", "storm")
    sky = slice(0, int(H * 0.3))
    assert storm[0][sky].mean() < clear[0][sky].mean() - 30, "a dark sky"
    brightness = [f[sky].mean() for f in storm]
    assert max(brightness) > np.median(brightness) + 60, "one flash lights the frame"


def test_snow_and_fog_are_drawn(tmp_path: Path) -> None:
    project = film(a_shot("s1"))
    clear, _ = frames(tmp_path, project, "s1", "clear")
    snow, _ = frames(tmp_path, edited(project, "s1", weather=Weather.SNOW), "s1", "snow")
    fog, _ = frames(tmp_path, edited(project, "s1", weather=Weather.FOG), "s1", "fog")
    assert changed(clear, snow) > 0.02 and changed(snow[:1], snow[6:]) > 0.005, "flakes fall"
    picture = slice(0, int(H * 0.9))
    assert fog[0][picture].std() < clear[0][picture].std() * 0.8, "fog flattens the picture"


def test_a_feeling_shows_on_the_face(tmp_path: Path) -> None:
    project = film(a_shot("s1", size="CU"), a_shot("s2", size="CU"))
    calm, _ = frames(tmp_path, project, "s1", "calm")
    other_before, _ = frames(tmp_path, project, "s2", "other-before")
    crying_project = edited(project, "s1", acting={"mara": Acting(expression=Expression.CRYING)})
    crying, details = frames(tmp_path, crying_project, "s1", "crying")
    other_after, _ = frames(tmp_path, crying_project, "s2", "other-after")
    assert 0.0005 < changed(calm, crying) < 0.2, "the face changes, not the picture"
    tears = (crying[0][:, :, 2].astype(int) - crying[0][:, :, 0].astype(int) > 90) & (crying[0][:, :, 2] > 180)
    calm_blue = (calm[0][:, :, 2].astype(int) - calm[0][:, :, 0].astype(int) > 90) & (calm[0][:, :, 2] > 180)
    assert tears.sum() > calm_blue.sum() + 5, "blue tears on the cheeks"
    assert details["draw_log"] == ["drawn: mara crying"]
    surprised, _ = frames(tmp_path, edited(project, "s1", acting={"mara": Acting(expression="surprised")}), "s1", "o")
    assert changed(calm, surprised) > 0.0005
    assert all(np.array_equal(a, b) for a, b in zip(other_before, other_after, strict=True))


def test_a_word_no_glyph_draws_is_logged_as_not_drawn(tmp_path: Path) -> None:
    project = film(a_shot("s1", size="WS", props=[Prop(name="florp"), Prop(name="boat")]))
    _, details = frames(tmp_path, project, "s1", "florp")
    assert details["not_drawn"] == ["florp"]
    assert "not drawn: florp" in details["draw_log"]  # type: ignore[operator]


def test_the_take_keeps_the_draw_log(tmp_path: Path) -> None:
    project = film(a_shot("s1", size="WS", props=[Prop(name="florp")], weather=Weather.RAIN))
    folder = ProjectFolder.create(tmp_path / "film", project)
    report = render_shots(folder, folder.load())
    saved, _ = folder.commit(report.edits)
    take = saved.shots[0].takes[-1]
    assert take.metadata["draw_log"] == ["drawn: rain", "not drawn: florp"]
    assert take.metadata["credit"] == icons.CREDIT


def test_the_icon_layer_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = film(a_shot("s1", size="WS"))
    plain, _ = frames(tmp_path, project, "s1", "plain")
    with_boat = edited(project, "s1", props=[Prop(name="boat")])
    monkeypatch.setenv(icons.ICONS_ENV, "off")
    off, details = frames(tmp_path, with_boat, "s1", "off")
    assert all(np.array_equal(a, b) for a, b in zip(plain, off, strict=True))
    assert details["not_drawn"] == ["boat"]
    monkeypatch.delenv(icons.ICONS_ENV)
    no_icons = with_boat.model_copy(update={"style": with_boat.style.model_copy(update={"look": ["no icons"]})})
    assert not icons.enabled(no_icons.style.look) and icons.enabled(with_boat.style.look)


@pytest.mark.parametrize(
    ("words", "glyph"),
    [("black rocks", "rock"), ("boat", "motor boat"), ("great lamp", "diya lamp"), ("heron", "bird"), ("dog", "dog")],
)
def test_words_find_the_nearest_drawable_thing(words: str, glyph: str) -> None:
    found, score = icons.match(words)
    assert found is not None and found.name == glyph and score >= icons.SIMILARITY


def test_a_word_with_nothing_near_in_meaning_finds_nothing() -> None:
    found, score = icons.match("florp")
    assert found is None and score < icons.SIMILARITY


def test_the_shipped_vectors_are_those_of_the_installed_glyphs() -> None:
    data = json.loads(icons.VECTORS_FILE.read_text())
    assert data["openmoji"] == icons.openmoji_version()
    assert data["names"] == [g.name for g in icons.glyphs()]
    assert icons.glyph_vectors().shape == (len(icons.glyphs()), 384)


# story.json ------------------------------------------------------------------------------------


def test_a_schema_1_project_opens_upgraded(tmp_path: Path) -> None:
    project = film(a_shot("s1", props=[Prop(name="boat")], weather=Weather.RAIN))
    stored = json.loads(dump_project(project))
    stored["schema"] = "storyreel.Project.1"
    for shot in stored["shots"]:
        for field in ("props", "weather", "acting"):
            del shot[field]
    (tmp_path / "film").mkdir()
    (tmp_path / "film" / "story.json").write_text(json.dumps(stored))
    opened = parse_project((tmp_path / "film" / "story.json").read_bytes())
    assert opened.shots[0].weather == Weather.CLEAR and opened.shots[0].props == [] and opened.shots[0].acting == {}
    assert json.loads(dump_project(opened))["schema"] == "storyreel.Project.3"


def test_a_character_leaving_a_shot_takes_their_feeling_and_puts_down_what_they_held() -> None:
    project = film(
        a_shot(
            "s1",
            characters=["mara", "tom"],
            acting={"mara": Acting(expression="crying")},
            props=[Prop(name="lamp", where="held", held_by="mara")],
        )
    )
    after = edited(project, "s1", characters=["tom"])
    assert after.shots[0].acting == {}
    assert after.shots[0].props[0].where == PropPlace.FOREGROUND and after.shots[0].props[0].held_by is None
    with pytest.raises(ValueError, match="expressions to characters who are not in it"):
        Project.model_validate(
            film(a_shot("s1")).model_dump() | {"shots": [a_shot("s1", acting={"tom": Acting()}).model_dump()]}
        )


# The offline director and the grammar -------------------------------------------------------------

STORM = (
    "At dusk the storm rolls in over the harbour. Far out, a small boat tosses between the black rocks. "
    "Mara, a young sailor, is clinging to the mast, crying. On the pier, old Tom the keeper lights the great lamp."
)


def test_the_offline_director_reads_what_is_in_frame_from_the_words() -> None:
    shots = plan_prose(STORM).shots
    assert [s.weather for s in shots] == [Weather.STORM] * len(shots), "the storm holds until it is said to end"
    boat = next(s for s in shots if "boat" in s.action)
    assert [p.name for p in boat.props] == ["boat", "rock"]
    mara = next(s for s in shots if "crying" in s.action)
    assert mara.acting["mara"].expression == Expression.CRYING
    lamp = next(s for s in shots if "lamp" in s.action)
    assert [(p.name, p.where, p.held_by) for p in lamp.props] == [("lamp", PropPlace.HELD, "tom")]


def test_a_heron_watching_is_a_heron_not_a_watch() -> None:
    shots = plan_prose("A heron watches from the pier at the harbour.").shots
    assert "watch" not in [p.name for s in shots for p in s.props]
    assert "heron" in [p.name for s in shots for p in s.props]


@pytest.mark.parametrize(
    ("said", "field", "value"),
    [
        ("she looks afraid in shot 2", "acting", {"mara": Expression.AFRAID}),
        ("tom is laughing in shot 1", "acting", {"tom": Expression.LAUGHING}),
        ("add rain to shot 2", "weather", Weather.RAIN),
        ("make shot 1 snowy", "weather", Weather.SNOW),
        ("a lamp on the table in shot 2", "props", ["table", "lamp"]),
        ("give mara a lantern in shot 2", "props", ["lantern"]),
    ],
)
def test_the_grammar_understands_what_is_in_frame(said: str, field: str, value: object) -> None:
    her = MARA.model_copy(update={"description": "a woman in a red coat"})
    project = film(a_shot("s1", characters=["tom"]), a_shot("s2", characters=["mara"])).model_copy(
        update={"characters": [her, TOM]}
    )
    step = read_clause(project, said, Context())
    assert step is not None, said
    after = apply(project, step.edits)
    shot = after.shot(step.shot_id or "")
    got = getattr(shot, field)
    if field == "acting":
        got = {k: a.expression for k, a in got.items()}
    elif field == "props":
        got = [p.name for p in got]
    assert got == value
    assert len([s for s in after.shots if s != project.shot(s.id)]) == 1, "only the shot named changes"

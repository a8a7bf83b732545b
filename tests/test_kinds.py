"""Characters of any kind, drawn as what they are, with real pixels: an animal is its glyph where the
person would stand, turned the way it looks, the same in every shot and on its sheet; a troll is big
and mossy; traits said in words (a scarf, scrubs, a white beard) show; rain reads at a sheet's size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from probing import frames_rgb

from story import Character, Location, Project, Shot, Style, apply
from story.edits import ShotChanges, UpdateShot
from story.model import Weather
from tools.consistency import draw_sheet, sheet_key
from tools.draw import creatures
from tools.draw.figures import COLOURS, SCLERA, look_for
from tools.draw.panel import DrawLog, draw_scene
from tools.render.animatic import AnimaticRenderer
from tools.render.base import RenderRequest
from tools.render.key import render_key

W, H = 480, 270
FOX = Character(id="fox", name="Fox", description="a hungry fox", metadata={"kind": "animal"})
CROW = Character(id="crow", name="Crow", description="a crow", metadata={"kind": "animal"})
MARA = Character(id="mara", name="Mara", description="a woman in a red coat with black hair")
GRUM = Character(id="grum", name="Grum", description="a troll, huge and mossy", metadata={"kind": "creature"})
WOOD = Location(id="wood", name="the forest")


def film(*shots: Shot, cast: tuple[Character, ...] = (FOX, CROW, MARA, GRUM)) -> Project:
    return Project(style=Style(width=W, height=H), characters=list(cast), locations=[WOOD], shots=list(shots))


def a_shot(shot_id: str, characters: list[str], **fields: object) -> Shot:
    base = {"id": shot_id, "characters": characters, "location": "wood", "duration_frames": 12}
    return Shot.model_validate(base | fields)


def view(project: Project, shot: Shot, log: DrawLog | None = None) -> np.ndarray:
    """The frame the camera sees at rest (the panel's centre), as H x W x 3."""
    scene = np.asarray(draw_scene(project, shot, shot.seed, W, H, log))
    y, x = (scene.shape[0] - H) // 2, (scene.shape[1] - W) // 2
    return scene[y : y + H, x : x + W].astype(np.int16)


def near(frame: np.ndarray, colour: tuple[int, int, int], tolerance: int = 6) -> np.ndarray:
    return np.abs(frame.astype(np.int16) - np.array(colour, np.int16)).max(axis=2) <= tolerance


def body_colour(char: str) -> tuple[int, int, int]:
    """The glyph's commonest colour that is neither its ink nor white."""
    pixels = np.asarray(creatures.sprite(char, 128, False)).reshape(-1, 4)
    pixels = pixels[pixels[:, 3] == 255, :3]
    pixels = pixels[(pixels.max(axis=1) > 80) & (pixels.min(axis=1) < 220)]
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    return tuple(int(v) for v in colours[int(np.argmax(counts))])  # type: ignore[return-value]


def columns(mask: np.ndarray) -> tuple[float, float]:
    xs = np.nonzero(mask)[1]
    return float(xs.min()) / W, float(xs.max()) / W


def test_an_animal_is_drawn_as_its_glyph_where_the_person_would_stand() -> None:
    shot = a_shot("s1", ["fox"], size="MS")
    log = DrawLog([], [])
    frame = view(film(shot), shot, log)
    kind = creatures.species(FOX)
    assert kind is not None and "fox" in kind.glyph.name
    fur = near(frame, body_colour(kind.glyph.char), 8)
    assert fur.sum() > W * H * 0.05, "the fox glyph, large, as a medium shot makes a person"
    left, right = columns(fur)
    assert left < 0.5 < right, "where the person figure would stand"
    assert near(frame, SCLERA, 2).sum() == 0, "no person's face"
    assert near(frame, look_for(FOX).top, 4).sum() < W * H * 0.002, "no person's coat"
    assert "fox (as fox face)" in log.drawn
    # the same shot with a person in it draws the person, and no fox
    person = a_shot("s1", ["mara"], size="MS")
    plain = view(film(person), person)
    assert near(plain, SCLERA, 2).sum() > 8 and near(plain, body_colour(kind.glyph.char), 8).sum() < 50


def test_an_animal_is_the_same_glyph_in_every_shot_sized_by_the_shot() -> None:
    close, wide = a_shot("s1", ["crow"], size="CU"), a_shot("s2", ["crow", "mara"], size="WS")
    project = film(close, wide)
    feather = body_colour(creatures.species(CROW).glyph.char)  # type: ignore[union-attr]
    in_close, in_wide = near(view(project, close), feather, 8), near(view(project, wide), feather, 8)
    assert in_close.sum() > 4 * in_wide.sum() > 0, "the same bird, larger in the close-up"
    assert creatures.species(CROW) == creatures.species(CROW.model_copy(update={"name": "Caw"}))
    # the choice is made from the character's own words, so another animal in the project changes nothing
    assert np.array_equal(view(project, close), view(film(close, wide, cast=(CROW, MARA)), close))


def glyph_matches(frame: np.ndarray, kind: creatures.Species, share: float, size: int, mirrored: bool) -> float:
    """How far (mean difference) the frame is from the glyph drawn at `share`, standing on the WS feet line."""
    sprite = np.asarray(creatures.sprite(kind.glyph.char, size, mirrored))
    scene_h, scene_w = round(H * 1.2), round(W * 1.2)
    ox, oy = (scene_w - W) / 2, (scene_h - H) / 2
    left = round(ox + share * W - sprite.shape[1] / 2) - round(ox)
    top = round(oy + 0.84 * H - sprite.shape[0]) - round(oy)
    region = frame[top : top + sprite.shape[0], left : left + sprite.shape[1]]
    solid = sprite[:, :, 3] == 255
    return float(np.abs(region[solid] - sprite[:, :, :3][solid].astype(np.int16)).mean())


def test_an_animal_turns_to_face_the_one_it_looks_at() -> None:
    kind = creatures.species(CROW)
    assert kind is not None and kind.faces == 1, "OpenMoji's bird faces screen right"
    size = round(H * 1.2 * 0.36 / 1.2)  # the WS glyph height, in frame pixels
    for crow_at, mara_at, mirrored in ((0.3, 0.7, False), (0.7, 0.3, True)):
        shot = a_shot("s1", ["crow", "mara"], size="WS", positions={"crow": crow_at, "mara": mara_at})
        frame = view(film(shot), shot)
        facing = glyph_matches(frame, kind, crow_at, size, mirrored)
        away = glyph_matches(frame, kind, crow_at, size, not mirrored)
        assert facing < 5 < away, f"the crow at {crow_at} faces Mara at {mara_at}"


def test_an_animals_coat_said_in_words_colours_its_glyph_in_the_shot_and_on_the_sheet() -> None:
    plain = Character(id="cat", name="Tom", description="a cat", metadata={"kind": "animal"})
    black = plain.model_copy(update={"description": "a black cat"})
    shot = a_shot("s1", ["cat"], size="MS")
    orange = body_colour(creatures.species(plain).glyph.char)  # type: ignore[union-attr]
    coat = creatures.COAT_COLOURS["black"]
    for draw in (
        lambda c: view(film(shot, cast=(c,)), shot),
        lambda c: np.asarray(draw_sheet(c, Style())).astype(np.int16),
    ):
        before, after = draw(plain), draw(black)
        assert near(before, orange, 8).sum() > 1000 and near(after, orange, 8).sum() == 0, "no orange cat"
        assert near(after, coat, 12).sum() > 1000 > near(before, coat, 12).sum(), "a black one"


def test_an_animals_feeling_shows_beside_it() -> None:
    calm, sad = (
        a_shot("s1", ["crow"], size="CU"),
        a_shot("s1", ["crow"], size="CU", acting={"crow": {"expression": "sad"}}),
    )
    log = DrawLog([], [])
    before, after = view(film(calm), calm), view(film(sad), sad, log)
    mood = body_colour(creatures.MOODS["sad"])
    assert near(after, mood, 8).sum() > 200 and near(before, mood, 8).sum() == 0
    assert "crow sad" in log.drawn


def test_a_prop_that_is_the_animal_in_frame_is_not_drawn_twice() -> None:
    # "the crow opens her beak": the beak finds the bird glyph, which is the crow herself
    shot = a_shot("s1", ["crow"], size="MS", props=[{"name": "beak", "where": "foreground"}])
    log = DrawLog([], [])
    frame = view(film(shot), shot, log)
    alone = a_shot("s1", ["crow"], size="MS")
    assert np.array_equal(frame, view(film(alone), alone))
    assert "beak (as bird)" in log.drawn and not log.not_drawn


def test_a_take_that_draws_an_animal_credits_the_icons(tmp_path: Path) -> None:
    project = film(a_shot("s1", ["fox"], size="MS"), a_shot("s2", ["mara"], size="MS"))
    for shot_id, credited in (("s1", True), ("s2", False)):
        shot = project.shot(shot_id)
        request = RenderRequest(project=project, shot=shot, number=1, output=tmp_path / f"{shot_id}.mp4", seed=0)
        details = AnimaticRenderer().render(request).details
        assert ("credit" in details) is credited and details["draw_log"] == (
            ["drawn: fox (as fox face)"] if credited else []
        )


def test_an_animals_kind_is_in_the_render_key() -> None:
    shot = a_shot("s1", ["fox"])
    project = film(shot)
    as_person = project.model_copy(update={"characters": [FOX.model_copy(update={"metadata": {"kind": "person"}})]})
    assert render_key(project, shot, "animatic", "4", {}) != render_key(as_person, shot, "animatic", "4", {})


def standing(sheet: Image.Image, skin: tuple[int, int, int]) -> float:
    """How far above the sheet's ground line (92% down) the front view's face starts, as a share of the sheet."""
    pixels = np.asarray(sheet).astype(np.int16)[:, : sheet.width // 3]
    rows = np.nonzero(near(pixels, skin, 2).any(axis=1))[0]
    return 0.92 - rows.min() / sheet.height


def test_the_sheet_keeps_the_kind() -> None:
    style = Style()
    sheet = np.asarray(draw_sheet(FOX, style)).astype(np.int16)
    kind = creatures.species(FOX)
    assert near(sheet, body_colour(kind.glyph.char), 8).sum() > 2000, "the fox on its sheet"  # type: ignore[union-attr]
    assert near(sheet, look_for(FOX).skin, 2).sum() == 0, "no person on it"
    as_person = FOX.model_copy(update={"metadata": {"kind": "person"}})
    assert sheet_key(FOX, style) != sheet_key(as_person, style)
    person = look_for(as_person).skin
    assert near(np.asarray(draw_sheet(as_person, style)).astype(np.int16), person, 2).sum() > 500


def test_a_troll_said_huge_and_mossy_is_big_and_mossy() -> None:
    look, person = look_for(GRUM), look_for(MARA)
    assert look.height > 1.25 * person.height and look.texture is not None
    troll_sheet, person_sheet = draw_sheet(GRUM, Style()), draw_sheet(MARA, Style())
    assert standing(troll_sheet, look.skin) > 1.1 * standing(person_sheet, person.skin), "the troll stands taller"
    moss = near(np.asarray(troll_sheet).astype(np.int16), look.texture, 2)
    assert moss.sum() > 500, "moss on the troll"
    assert near(np.asarray(person_sheet).astype(np.int16), look.texture, 2).sum() == 0
    assert look.skin[1] > look.skin[0] and look.skin[1] > look.skin[2], "green, as the troll glyph is"


def test_a_scarf_and_scrubs_said_in_words_are_drawn_on_the_sheet_and_in_the_shot() -> None:
    kit = Character(id="kit", name="Kit", description="a young woman", traits={"scarf": "green"})
    ana = Character(id="ana", name="Ana", description="a nurse in blue scrubs")
    green, blue = COLOURS["green"], COLOURS["blue"]
    bare = kit.model_copy(update={"traits": {}})
    assert near(np.asarray(draw_sheet(kit, Style())).astype(np.int16), green, 2).sum() > 300
    assert near(np.asarray(draw_sheet(bare, Style())).astype(np.int16), green, 2).sum() == 0
    for size in ("MS", "CU"):
        shot = a_shot("s1", ["kit"], size=size)
        scarved = view(film(shot, cast=(kit,)), shot)
        plain = view(film(shot, cast=(bare,)), shot)
        assert near(scarved, green, 2).sum() > near(plain, green, 2).sum() + 100, f"the scarf in a {size}"
    look = look_for(ana)
    assert look.top == blue and look.bottom == blue, "scrubs are one colour, top to bottom"
    shot = a_shot("s1", ["ana"], size="WS")
    frame = view(film(shot, cast=(ana,)), shot)
    rows = np.nonzero(near(frame, blue, 2).any(axis=1))[0]
    assert rows.max() - rows.min() > H * 0.35, "blue from the shoulders to the ankles"


def test_a_white_beard_is_a_beard_not_a_mask() -> None:
    sam = Character(id="sam", name="Sam", description="an old man with a white beard")
    shot = a_shot("s1", ["sam"], size="CU")
    frame = view(film(shot, cast=(sam,)), shot)
    look = look_for(sam)
    beard, skin = near(frame, look.beard, 2), near(frame, look.skin, 2)  # type: ignore[arg-type]
    assert beard.sum() > 500
    assert np.nonzero(beard)[0].max() > np.nonzero(skin)[0].max() + H * 0.03, "it hangs below the chin"
    mouth = near(frame, (150, 60, 60), 2)
    assert mouth.sum() > 10, "the mouth shows through it"
    assert near(frame, SCLERA, 2).sum() > 50


REEL_W, REEL_H = 1280, 720  # a reel's own size: the contact sheet shows it at about a quarter


def render(tmp_path: Path, project: Project, shot_id: str, name: str) -> list[np.ndarray]:
    output = tmp_path / f"{name}.mp4"
    shot = project.shot(shot_id)
    AnimaticRenderer().render(RenderRequest(project=project, shot=shot, number=1, output=output, seed=shot.seed))
    return [np.frombuffer(raw, np.uint8).reshape(REEL_H, REEL_W, 3) for raw in frames_rgb(output)]


def at_sheet_size(frame: np.ndarray) -> np.ndarray:
    """The frame as a contact sheet shows it: a quarter of its width, averaged down."""
    image = Image.fromarray(frame[: int(REEL_H * 0.9)])
    return np.asarray(image.resize((REEL_W // 4, image.height // 4), Image.Resampling.BOX)).astype(np.int16)


def test_rain_is_plainly_visible_at_a_sheets_size_in_its_shot_and_nowhere_else(tmp_path: Path) -> None:
    shots = [a_shot("s1", ["mara"], size="MS", duration_frames=6), a_shot("s2", ["mara"], size="MS", duration_frames=6)]
    project = film(*shots).model_copy(update={"style": Style(width=REEL_W, height=REEL_H)})
    dry, other_before = render(tmp_path, project, "s1", "dry"), render(tmp_path, project, "s2", "other")
    wet_project = apply(project, [UpdateShot(shot_id="s1", changes=ShotChanges(weather=Weather.RAIN))])
    wet, other_after = render(tmp_path, wet_project, "s1", "wet"), render(tmp_path, wet_project, "s2", "other2")
    streaks = at_sheet_size(wet[0]).mean(axis=2) - at_sheet_size(dry[0]).mean(axis=2) > 30
    assert streaks.mean() > 0.02, "pale streaks that survive shrinking to a panel"
    assert all(np.array_equal(a, b) for a, b in zip(other_before, other_after, strict=True))


def test_the_visual_check_looks_for_clothes_only_on_people(tmp_path: Path) -> None:
    from evals.visual import character_colours

    shot = a_shot("s1", ["fox", "mara"], size="WS", positions={"fox": 0.3, "mara": 0.7})
    project = film(shot)
    reel = tmp_path / "reel.mp4"
    AnimaticRenderer().render(RenderRequest(project=project, shot=shot, number=1, output=reel, seed=shot.seed))
    checked = {c.character: (c.shots_checked, c.missing) for c in character_colours(project, reel, [0])}
    assert checked == {"Mara": (1, [])}, "a fox drawn as a fox wears no coat to miss"


def test_a_shot_with_no_take_yet_shows_its_rain_on_the_boards(tmp_path: Path) -> None:
    from story import ProjectFolder
    from tools.export.keyframes import shot_keyframes

    shots = [a_shot("s1", ["mara"], size="MS"), a_shot("s2", ["mara"], size="MS", weather="rain")]
    project = film(*shots).model_copy(update={"style": Style(width=REEL_W, height=REEL_H)})
    folder = ProjectFolder.create(tmp_path / "film", project)
    dry, wet = shot_keyframes(folder, folder.load(), width=REEL_W // 4)
    assert (dry.source, wet.source) == ("drawn", "drawn")
    assert dry.image.size == wet.image.size == (REEL_W // 4, REEL_H // 4), "the frame, not the wider panel"
    picture = slice(0, int(REEL_H // 4 * 0.9))
    streaks = np.asarray(wet.image).astype(np.int16)[picture].mean(axis=2)
    streaks -= np.asarray(dry.image).astype(np.int16)[picture].mean(axis=2)
    assert (streaks > 30).mean() > 0.02, "rain falls on a board drawn before its take"

"""Reference sheets: made once, named by what affects them, drawn with the animatic's look."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image

from story import Character, Style
from tools.consistency import reference_sheet, sheet_key
from tools.draw.figures import COLOURS, HAIR_COLOURS, look_for

MARA = Character(id="mara", name="Mara", description="long black hair, a red coat", traits={"build": "tall"})


def count(image: Image.Image, colour: tuple[int, int, int]) -> int:
    return int((np.asarray(image.convert("RGB")) == np.asarray(colour, np.uint8)).all(axis=2).sum())


def test_a_sheet_is_named_by_its_key_and_made_once(tmp_path: Path) -> None:
    style = Style()
    path = reference_sheet(MARA, style, tmp_path)
    assert re.fullmatch(r"mara-[0-9a-f]{12}\.png", path.name) and sheet_key(MARA, style) in path.name
    made = path.stat().st_mtime_ns
    assert reference_sheet(MARA, style, tmp_path) == path
    assert path.stat().st_mtime_ns == made, "a sheet that exists is not drawn again"
    assert [p.name for p in tmp_path.iterdir()] == [path.name], "no temporary file is left behind"


def test_a_changed_trait_makes_a_new_sheet(tmp_path: Path) -> None:
    style = Style()
    first = reference_sheet(MARA, style, tmp_path)
    recoated = MARA.model_copy(update={"traits": {"build": "tall", "coat": "blue"}})
    second = reference_sheet(recoated, style, tmp_path)
    assert second != first and first.is_file() and second.is_file()
    assert sheet_key(MARA.model_copy(update={"metadata": {"note": "x"}}), style) == sheet_key(MARA, style)


def test_the_sheet_shows_the_look_the_animatic_draws(tmp_path: Path) -> None:
    look = look_for(MARA)
    assert look.top == COLOURS["red"] and look.hair == HAIR_COLOURS["black"] and look.height > 1
    sheet = Image.open(reference_sheet(MARA, Style(), tmp_path))
    assert sheet.size == (1080, 720)
    assert count(sheet, look.top) > 2000 and count(sheet, look.hair) > 500 and count(sheet, look.skin) > 200


def test_traits_override_the_description_and_the_id_picks_the_rest() -> None:
    plain = Character(id="sam", name="Sam")
    assert look_for(plain) == look_for(plain.model_copy(update={"name": "Samuel"})), "renaming keeps the look"
    overridden = Character(id="sam", name="Sam", description="a green jacket", traits={"jacket": "orange"})
    assert look_for(overridden).top == COLOURS["orange"]
    old = look_for(Character(id="tom", name="Tom", description="an old man with a beard"))
    assert old.hair == HAIR_COLOURS["grey"] and old.beard == HAIR_COLOURS["grey"]
    child = look_for(Character(id="ada", name="Ada", description="a child with short red hair"))
    assert child.height < 0.8 and child.hair == HAIR_COLOURS["red"]


def test_the_style_has_one_sheet_showing_its_palette_and_every_shot_gets_it(tmp_path: Path) -> None:
    from scripted import small_story

    from story import Project, ProjectFolder, SetStyle, apply
    from tools.consistency import STYLE_REFERENCE, style_sheet
    from tools.render.jobs import reference_sheets

    style = Style(palette=["#c0392b", "#2c3e50"], look=["ink", "wash"])
    path = style_sheet(style, tmp_path)
    assert re.fullmatch(r"style-[0-9a-f]{12}\.png", path.name)
    image = Image.open(path)
    assert count(image, (0xC0, 0x39, 0x2B)) > 1000 and count(image, (0x2C, 0x3E, 0x50)) > 1000
    assert style_sheet(style, tmp_path) == path
    assert style_sheet(style.model_copy(update={"palette": ["#000000"]}), tmp_path) != path

    folder = ProjectFolder.create(tmp_path / "film", apply(Project(), [small_story(shots=2)]))
    project = apply(folder.load(), [SetStyle(changes={"palette": ["#c0392b"]})])
    sheets = [reference_sheets(folder, project, shot) for shot in project.shots]
    assert len({refs[STYLE_REFERENCE] for refs in sheets}) == 1
    for refs, shot in zip(sheets, project.shots, strict=True):
        assert set(refs) == {*shot.characters, STYLE_REFERENCE}

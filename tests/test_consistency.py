"""Reference sheets: made once, named by what affects them, drawn with the animatic's look."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image

from story import Character, Style
from tools.consistency import reference_sheet, sheet_key
from tools.render.figures import COLOURS, HAIR_COLOURS, look_for

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

"""Generation prompts describe characters and places by their canonical text, looked up by id."""

from __future__ import annotations

from scripted import small_story

from memory.documents import character_text
from story import CharacterChanges, Project, UpdateCharacter, apply
from tools.render.prompt import MAX_PROMPT_CHARS, shot_prompt


def test_a_prompt_carries_the_canonical_text_of_everyone_in_the_shot() -> None:
    project = apply(Project(), [small_story(shots=2)])
    one, two = project.shots
    assert character_text(project.character("mara")) in shot_prompt(project, one).text
    assert "Tomas" not in shot_prompt(project, one).text  # not in shot 1
    assert character_text(project.character("tomas")) in shot_prompt(project, two).text
    assert shot_prompt(project, one).text.startswith("wide shot, eye-level angle")


def test_a_changed_look_reaches_every_prompt_she_is_in_and_no_other() -> None:
    project = apply(Project(), [small_story(shots=3)])
    changed = apply(
        project, [UpdateCharacter(character_id="tomas", changes=CharacterChanges(traits={"beard": "white"}))]
    )
    for before, after in zip(project.shots, changed.shots, strict=True):
        moved = shot_prompt(project, before).text != shot_prompt(changed, after).text
        assert moved == ("tomas" in after.characters)
        assert ("white beard" in shot_prompt(changed, after).text) == ("tomas" in after.characters)


def test_a_long_prompt_is_cut_on_a_part_boundary() -> None:
    project = apply(Project(), [small_story(shots=1)])
    shot = project.shots[0].model_copy(update={"action": "waves " * 330})
    text = shot_prompt(project, shot).text
    assert len(text) <= MAX_PROMPT_CHARS and text.endswith(".")

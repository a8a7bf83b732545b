"""Recall finds who is meant: a description in other words ("the woman in crimson" for a red
coat) beats a character who only shares the kind of person ("a mother"), on casts and phrasings
that are not the one the issue reported.

Real chromadb and the real shipped model; each cast is its own small project."""

from __future__ import annotations

from pathlib import Path

import pytest

from memory import DATA_DIR_ENV, ProjectMemory
from story import Bible, Character, Project, ReplaceStory, apply

# Each cast: the characters, then (query, who is meant) pairs. Every cast holds a decoy that
# shares the query's kind of person or its garment, so the right answer needs the detail.
CASTS: dict[str, tuple[list[Character], list[tuple[str, str]]]] = {
    "keeper": (
        [
            Character(id="mara", name="Mara", description="a young keeper who now wears a red coat"),
            Character(id="tomas", name="Tomas", description="an old fisherman"),
            Character(id="mother", name="Mother", description="a mother"),
        ],
        [
            ("the woman in crimson", "mara"),
            ("the lady in scarlet", "mara"),
            ("the one in the cherry-red coat", "mara"),
            ("the mother", "mother"),
            ("the old man", "tomas"),
        ],
    ),
    "beards": (
        [
            Character(id="piet", name="Piet", description="a baker, flour on his apron, a black moustache"),
            Character(id="jonas", name="Jonas", description="a tall man with a grey beard and a walking stick"),
            Character(id="karl", name="Karl", description="a young man in a grey suit, clean-shaven"),
            Character(id="lena", name="Lena", description="a woman with long braids who sells bread"),
        ],
        [
            ("the man with the grey beard", "jonas"),
            ("the gray-bearded fellow", "jonas"),
            ("the guy with silver whiskers", "jonas"),
            ("the chap in the charcoal suit", "karl"),
        ],
    ),
    "pets": (
        [
            Character(id="tibbles", name="Tibbles", description="a fat ginger cat who sleeps on the stove"),
            Character(id="pip", name="Pip", description="a small brown terrier with a torn ear"),
            Character(id="nan", name="Nan", description="an old woman who feeds the animals"),
        ],
        [
            ("the little dog", "pip"),
            ("the puppy", "pip"),
            ("the orange kitty", "tibbles"),
            ("the granny", "nan"),
        ],
    ),
    "rain": (
        [
            Character(
                id="ines", name="Ines", description="a girl of eight, always flying a kite", traits={"mac": "yellow"}
            ),
            Character(id="rosa", name="Rosa", description="a woman in a blue raincoat"),
            Character(id="bram", name="Bram", description="a fisherman in yellow oilskins"),
        ],
        [
            ("the girl in the yellow raincoat", "ines"),
            ("the child in the lemon slicker", "ines"),
            ("the lady in the navy raincoat", "rosa"),
            ("the man in the yellow waterproofs", "bram"),
        ],
    ),
    "fable": (
        [
            Character(id="hare", name="The Hare", description="a boastful hare, quick and proud"),
            Character(id="tortoise", name="The Tortoise", description="a slow, patient tortoise"),
            Character(id="fox", name="The Fox", description="a sly fox who judges the race"),
            Character(id="grum", name="Grum", description="a troll under the bridge, green and mossy"),
        ],
        [
            ("the rabbit", "hare"),
            ("the turtle", "tortoise"),
            ("the monster under the bridge", "grum"),
        ],
    ),
}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def cast_memory(root: Path, characters: list[Character]) -> tuple[ProjectMemory, Project]:
    root.mkdir()
    project = apply(Project(), ReplaceStory(bible=Bible(title="Cast"), characters=characters, locations=[], shots=[]))
    memory = ProjectMemory(root)
    memory.sync(project)
    return memory, project


@pytest.mark.parametrize("cast", sorted(CASTS))
def test_recall_ranks_who_is_meant_first(tmp_path: Path, cast: str) -> None:
    characters, queries = CASTS[cast]
    with cast_memory(tmp_path / cast, characters)[0] as memory:
        misses = []
        for query, meant in queries:
            hits = memory.recall(query, kinds=["character"], k=len(characters))
            if hits[0].ref != meant:
                misses.append((query, [(h.ref, round(h.score, 3)) for h in hits]))
    assert not misses, misses


def test_resolve_finds_the_woman_in_crimson_beside_another_woman(tmp_path: Path) -> None:
    characters, _ = CASTS["keeper"]
    memory, project = cast_memory(tmp_path / "film", characters)
    with memory:
        assert memory.resolve_character("the woman in crimson", project) == "mara"
        assert memory.resolve_character("the little dog", project) is None  # nobody here is a dog
        assert memory.resolve_character("quarterly tax returns", project) is None

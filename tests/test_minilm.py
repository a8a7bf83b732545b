"""The numpy run of the shipped embedding model gives sentence-transformers' vectors, and a few texts are
embedded without importing torch (the seconds a brief -> reel used to wait for)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent

TEXTS = [
    "heron",
    "black rocks",
    "a small boat tosses between the black rocks",
    "",
    "Ünïcode café, naïve façade — 42 lanterns!",
    "Mara climbs the lighthouse stairs with a lantern and waits for the storm. " * 40,  # past 256 tokens
]


def test_numpy_vectors_are_sentence_transformers_vectors() -> None:
    from memory.embedding import load_light_model, load_model

    ours = load_light_model().encode(TEXTS)
    theirs = load_model().encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert ours.dtype == np.float32
    assert np.abs(ours - theirs).max() < 1e-5
    # one text alone (no padding) gives what it gives in a batch
    alone = load_light_model().encode([TEXTS[2]])[0]
    assert np.abs(alone - ours[2]).max() < 1e-5


def test_a_few_texts_are_embedded_without_torch_or_chromadb() -> None:
    script = textwrap.dedent(
        """
        import sys
        from memory.embedding import embed
        vectors = embed(["heron", "a small boat"])
        assert len(vectors) == 2 and len(vectors[0]) == 384
        print("torch" in sys.modules, "sentence_transformers" in sys.modules, "chromadb" in sys.modules)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.split() == ["False", "False", "False"]

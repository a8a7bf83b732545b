"""The shipped embedding model behind chromadb's `EmbeddingFunction` interface.

chromadb's default embedding function downloads a model at first use and fails offline, so
every collection is opened with this one. It sits apart from memory/embedding.py because
importing chromadb takes most of a second, which a word matched to a glyph need not wait for.
"""

from __future__ import annotations

import contextlib
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

from memory.embedding import DEFAULT_BATCH_SIZE, MODEL_NAME, embed


class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """chromadb embedding function on the shipped all-MiniLM-L6-v2 (384 dimensions, cosine)."""

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        if not 1 <= batch_size <= 4096:
            raise ValueError(f"`batch_size` must be between 1 and 4096 but is {batch_size}")
        self.batch_size = batch_size

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's protocol names it `input`
        return embed(list(input), self.batch_size)

    @staticmethod
    def name() -> str:
        return "storyreel-minilm-l6-v2"

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME, "batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        return MiniLMEmbedding(batch_size=int(config.get("batch_size", DEFAULT_BATCH_SIZE)))

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]


def _register() -> None:
    # Registered so that a collection opened without an embedding function (chromadb's own
    # tools, say) rebuilds this one from the stored config instead of the downloading default.
    from chromadb.utils.embedding_functions import register_embedding_function

    with contextlib.suppress(ValueError):  # already registered (the module was reloaded)
        register_embedding_function(MiniLMEmbedding)


_register()

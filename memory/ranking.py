"""Recall's ranking: the embedding's similarity, fused with a lexical score over the same
documents and with agreement on who a character is.

The embedding alone ranks "Mother: a mother." above "Mara: a young keeper who now wears a red
coat." for "the woman in crimson": "mother" is close to "woman", and one colour word is a small
part of a sentence's meaning. Words settle what meaning blurs, so each candidate also gets

- a lexical score: the share of the query's words (after synonyms: "crimson" is "red") that the
  document holds, each weighed by how rare it is among the candidates (BM25's idf), so the word
  that tells them apart counts most and a word they all share counts little;
- agreement on gender and kind: a character known to be a man loses a little for "the woman",
  one known to be a woman gains a little; unknown is neither.

Scores stay in 0..1 and a query that shares no word with any memory keeps its embedding score,
so the resolve threshold still means what it measured.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from memory.chroma import Hit
from memory.lexicon import gender_of, kind_of, terms

LEXICAL_WEIGHT = 0.3
"""How much a full lexical match adds to the similarity. Measured on tests/test_recall.py: the
embedding puts the meant character up to 0.11 below a decoy that shares only the kind of person,
and an idf-weighted match on the telling word is worth 0.3-0.7 of the query, so 0.35 turns those
round while a decoy that shares the telling word too keeps its embedding order."""

AGREEMENT_WEIGHT = 0.04
"""Added for each of gender and kind that the query and a character agree on, taken away for
each they contradict."""


@lru_cache(maxsize=8192)
def _document_terms(text: str) -> frozenset[str]:
    # Documents repeat from query to query (the same characters and places); reading a text's
    # words once keeps the lexical score well inside recall's 25 ms budget.
    return frozenset(terms(text))


CATEGORY_TERMS = frozenset({
    "woman", "man", "girl", "boy", "lady", "gentleman", "guy", "fellow", "chap", "person", "people", "human",
    "animal", "creature", "thing",
})  # fmt: skip
"""Words in a query that name the sort of character, not which one: "the woman in crimson" asks
for someone in red among women. They count through `agreement`, never as words to match, or a
cast member called "a mother" outranks the keeper in the red coat for holding the word."""


def lexical_scores(query: str, documents: Sequence[str]) -> list[float]:
    """For each document, the idf-weighted share of the query's telling words it holds (0..1)."""
    wanted = _query_terms(query)
    if not wanted or not documents:
        return [0.0] * len(documents)
    held = [_document_terms(text) for text in documents]
    count = len(held)
    weights = {}
    for term in wanted:
        frequency = sum(term in words for words in held)
        # A word no candidate holds still weighs in: the query asked for it, and nobody has it.
        weights[term] = math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
    total = sum(weights.values())
    return [sum(weight for term, weight in weights.items() if term in words) / total for words in held]


def agreement(query_gender: str, query_kind: str, hit: Hit) -> int:
    """+1 for each of gender and kind the query and a character share, -1 for each they contradict."""
    score = 0
    for asked, known in ((query_gender, hit.metadata.get("gender", "")), (query_kind, hit.metadata.get("being", ""))):
        if asked and known:
            score += 1 if asked == known else -1
    return score


def fuse(query: str, hits: Sequence[Hit]) -> list[Hit]:
    """The hits re-scored by meaning, words and agreement, best first."""
    if not hits:
        return []
    lexical = lexical_scores(query, [hit.text for hit in hits])
    gender, kind = _who_is_asked(query)
    fused = [
        Hit(
            hit.id,
            hit.kind,
            hit.text,
            min(1.0, max(0.0, hit.score + LEXICAL_WEIGHT * words + AGREEMENT_WEIGHT * agreement(gender, kind, hit))),
            hit.metadata,
        )
        for hit, words in zip(hits, lexical, strict=True)
    ]
    fused.sort(key=lambda h: (-h.score, h.id))
    return fused


@lru_cache(maxsize=256)
def _who_is_asked(query: str) -> tuple[str, str]:
    return gender_of(query), kind_of(query)


@lru_cache(maxsize=256)
def _query_terms(query: str) -> frozenset[str]:
    # One recall asks every kind with the same query; read its words once.
    return frozenset(terms(query) - CATEGORY_TERMS)

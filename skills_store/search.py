"""Ranking skills for a query: full-text candidates, then a rerank by concept coverage.

1. The query becomes concepts (stop words dropped, light stemming, synonyms folded: "basket"
   → cart), and the index holds each skill's concepts (by name, parameters, docstring), so
   the concepts are looked up as quoted FTS5 terms: punctuation in a query ("signed-in",
   quotes, operators) can never be FTS syntax and never forces a scan.
2. The best bm25 candidates are reranked: a concept found in the skill's name counts most, then
   in its parameters, then in its docstring; ties go to bm25, then to proven usage.
3. With an embedder (see `embeddings.py`) the cosine similarity of query and skill is added.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .index import SearchRow
from .text import concepts

NAME_WEIGHT = 3.0
PARAM_WEIGHT = 1.5
DOC_WEIGHT = 1.0
EMBEDDING_WEIGHT = 3.0
USAGE_WEIGHT = 0.05
_WEIGHTS = {"n": NAME_WEIGHT, "p": PARAM_WEIGHT, "d": DOC_WEIGHT}


@dataclass(frozen=True)
class Query:
    """A parsed query: its concepts and the plain words to look up for them."""

    concepts: tuple[str, ...]
    terms: tuple[str, ...]


def parse_query(text: str) -> Query:
    found = concepts(text)
    if not found:  # only stop words ("how do I"): search for them anyway
        found = concepts(text, drop_stop_words=False)
    # the index holds each skill's concepts, so the concepts are the terms to look up
    return Query(tuple(found), tuple(found))


def candidate_limit(k: int) -> int:
    return max(8 * k, 40)


def rerank(
    query: Query,
    rows: Sequence[SearchRow],
    *,
    similarity: Mapping[int, float] | None = None,
) -> list[SearchRow]:
    """Rows sorted best first (see the module docstring)."""
    scored: list[tuple[float, float, int, SearchRow]] = []
    for position, row in enumerate(rows):
        where = dict(item.split(":", 1)[::-1] for item in (row.concepts or "").split())
        score = 0.0
        for item in query.concepts:
            score += _WEIGHTS.get(where.get(item, ""), 0.0)
        if similarity is not None:
            score += EMBEDDING_WEIGHT * similarity.get(row.rowid, 0.0)
        score += USAGE_WEIGHT * math.log1p(row.successes)
        scored.append((-score, row.bm25, position, row))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored]

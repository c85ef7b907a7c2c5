"""Optional embeddings hook for search: any object with a `model` name and an `embed` method.

The index records which model built the stored vectors (`meta.embedding_model`). When a library
is searched with a different model, the old vectors are dropped and rebuilt lazily instead of
being compared with vectors of another space.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Protocol

from .index import SearchRow, SkillIndex

MODEL_KEY = "embedding_model"


class Embedder(Protocol):
    """Turns texts into vectors. `model` names the model (and its settings)."""

    model: str

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


def skill_text(row: SearchRow) -> str:
    """What is embedded for a skill: its name in words, docstring and parameter names."""
    params = " ".join(p["name"] for p in json.loads(row.params or "[]"))
    return f"{row.name.replace('_', ' ')}. {row.docstring} Parameters: {params}"


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    if len(a) != len(b):
        return 0.0
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def semantic_candidates(
    index: SkillIndex,
    embedder: Embedder,
    query: str,
    site: str | None,
    status: str | None,
    limit: int,
) -> tuple[list[SearchRow], dict[int, float]]:
    """The heads most similar to `query`, and the similarity of every head (by rowid)."""
    with index.write() as session:
        if session.meta(MODEL_KEY) != embedder.model:
            session.clear_embeddings()
            session.set_meta(MODEL_KEY, embedder.model)
        heads = session.head_rows(site, status)
        keys = [(r.site, r.name, r.version) for r in heads]
        vectors = session.embeddings(keys)
        missing = [r for r in heads if (r.site, r.name, r.version) not in vectors]
        if missing:
            fresh = embedder.embed([skill_text(r) for r in missing])
            session.store_embeddings(
                (r.site, r.name, r.version, list(v)) for r, v in zip(missing, fresh, strict=True)
            )
            vectors.update(
                {(r.site, r.name, r.version): list(v) for r, v in zip(missing, fresh, strict=True)}
            )
    (query_vector,) = embedder.embed([query])
    similarity = {
        r.rowid: cosine(query_vector, vectors[(r.site, r.name, r.version)]) for r in heads
    }
    best = sorted(heads, key=lambda r: -similarity[r.rowid])[:limit]
    return best, similarity

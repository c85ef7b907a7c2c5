"""Retrieval: synonyms, names over docstrings, punctuation-safe queries, the embeddings hook."""

from __future__ import annotations

import hashlib
import math
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from shop_skills import shop_library

from skills_store import SkillLibrary
from skills_store.text import concepts

QUERIES = [
    ("put an item in my basket", "add_to_cart"),
    ("add to cart", "add_to_cart"),
    ("sign in", "login"),
    ("log-in with my password", "login"),
    ("create an account", "register"),
    ("find a mug", "search_products"),
    ("write a review", "submit_review"),
    ("delete from basket", "remove_cart_item"),
    ("change the quantity in my cart", "update_cart_item"),
    ("save to favourites", "add_to_wishlist"),
    ("check out", "place_order"),
]


@pytest.fixture
def shop(tmp_path: Path) -> SkillLibrary:
    return shop_library(tmp_path / "lib")


@pytest.mark.parametrize(("query", "best"), QUERIES)
def test_task_phrasings_find_the_right_shop_skill(
    shop: SkillLibrary, query: str, best: str
) -> None:
    assert shop.search(query, site="shop")[0].name == best


def test_punctuation_and_operators_are_words_not_syntax(shop: SkillLibrary) -> None:
    for query in ('"add" AND (cart', "signed-in", "NEAR(cart wishlist)", "cart*", "-cart", "'"):
        shop.search(query, site="shop")  # never an FTS syntax error
    assert shop.search("signed-in user's wishlist", site="shop")[0].name == "add_to_wishlist"
    assert shop.search("-- ( ) *", site="shop") == []  # no words at all: nothing to find


def test_concepts_fold_synonyms_and_phrases() -> None:
    assert concepts("Put items in my Basket") == ["add", "item", "cart"]
    assert concepts("sign in, then log out") == ["login", "logout"]
    assert concepts("addToCart add_to_cart") == ["add", "cart"]


class ToyEmbedder:
    """Hashed bag of words: a stand-in for a real embedding model."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.texts += texts
        vectors = []
        for text in texts:
            vector = [0.0] * 16
            for word in text.lower().split():
                vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % 16] += 1.0
            norm = math.sqrt(sum(v * v for v in vector)) or 1.0
            vectors.append([v / norm for v in vector])
        return vectors


def test_embeddings_hook_records_its_model_and_rebuilds_on_change(tmp_path: Path) -> None:
    shop_library(tmp_path / "lib")
    first = ToyEmbedder("toy-1")
    library = SkillLibrary(tmp_path / "lib", embedder=first)
    assert library.search("put an item in my basket", site="shop")[0].name == "add_to_cart"
    assert len(first.texts) == 10 + 1  # every skill once, then the query
    library.search("add to cart", site="shop")
    assert len(first.texts) == 10 + 2  # vectors are reused
    second = ToyEmbedder("toy-2")
    changed = SkillLibrary(tmp_path / "lib", embedder=second)
    assert changed.search("add to cart", site="shop")[0].name == "add_to_cart"
    assert len(second.texts) == 10 + 1  # rebuilt with the new model instead of failing
    conn = sqlite3.connect(tmp_path / "lib" / "index.db")
    try:
        model = conn.execute("SELECT value FROM meta WHERE key = 'embedding_model'").fetchone()
    finally:
        conn.close()
    assert model == ("toy-2",)

"""A version keeps the contract it was verified against, so it can be verified again later."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from skills_store import NewSkill, SkillLibrary, SkillNotFoundError

CODE = '''
async def open_cart(page: Page) -> None:
    """Open the cart."""
    await page.goto("/cart")
'''
CHANGED = CODE.replace('"/cart"', '"/basket"')
CONTRACT = {"kind": "task_proposal", "format": 1, "proposal": {"id": "p1", "test_cases": []}}


def test_contract_is_stored_per_version(library: SkillLibrary) -> None:
    library.add(CODE, "shop", status="verified", contract=CONTRACT)
    library.add(CHANGED, "shop", status="verified")

    assert library.contract("shop", "open_cart", version=1) == CONTRACT
    assert library.contract("shop", "open_cart") is None  # v2 was stored without one
    with pytest.raises(SkillNotFoundError):
        library.contract("shop", "open_basket")


def test_readding_the_same_code_replaces_its_contract(library: SkillLibrary) -> None:
    library.add(CODE, "shop", status="verified", contract=CONTRACT)
    newer = {**CONTRACT, "proposal": {"id": "p2", "test_cases": []}}
    again = library.add(CODE, "shop", status="verified", contract=newer)

    assert again.version == 1
    assert library.contract("shop", "open_cart") == newer
    library.add(CODE, "shop", status="verified")  # no contract given: the stored one stays
    assert library.contract("shop", "open_cart") == newer


def test_add_many_stores_contracts(library: SkillLibrary) -> None:
    library.add_many([NewSkill(CODE, "verified", contract=CONTRACT)], "shop")
    assert library.contract("shop", "open_cart") == CONTRACT


def test_a_library_from_before_contracts_opens_and_has_none(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    SkillLibrary(path).add(CODE, "shop", status="verified")
    with sqlite3.connect(path / "index.db") as conn:  # the schema before contracts existed
        conn.execute("DROP TABLE contracts")
        conn.execute("PRAGMA user_version = 6")

    library = SkillLibrary(path)

    assert library.contract("shop", "open_cart") is None
    library.add(CHANGED, "shop", status="verified", contract=CONTRACT)
    assert library.contract("shop", "open_cart", version=2) == CONTRACT
    assert [s.status for s in library.history("shop", "open_cart")] == ["verified", "verified"]

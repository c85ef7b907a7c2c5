"""Verification strength on the skills the e2e exploration stored: faulty variants (the faults
that used to pass — a hard-coded product, an ignored quantity, swapped address fields, an
ignored password, an unfiltered or truncated search — and a wrong-item variant of every
skill) are each run through `verify` with the proposal that verified the
skill, on a freshly served shop; every non-equivalent one must be rejected.

The full mutation score of every bundled site is `bench/verify_strength.py`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from e2e_support import Explored

from agent.browser import BrowserSession
from agent.mutants import Mutant
from agent.mutation import load_proposals, mutation_report
from agent.target import Target
from agent.workbench import Workbench
from sites import RunningSite, start_site
from skills_store import SkillLibrary

pytestmark = pytest.mark.browser

# (skill, kind, target) of the faults named in the verification issue
NAMED = {
    ("add_to_cart", "hardcode_param", "product"),
    ("add_to_cart", "hardcode_param", "quantity"),
    ("add_to_cart", "ignore_param", "quantity"),
    ("add_to_wishlist", "hardcode_param", "product"),
    ("submit_review", "hardcode_param", "product"),
    ("submit_review", "hardcode_param", "rating"),
    ("submit_review", "ignore_param", "rating"),
    ("place_order", "ignore_param", "country"),
    ("place_order", "swap_params", "full_name<->street_address"),
    ("register", "ignore_param", "password"),
    ("search_products", "ignore_param", "category"),
    ("search_products", "truncate_return", "return"),
    ("login", "hardcode_param", "username"),
}


def _selector() -> tuple[set[tuple[str, str]], object]:
    sampled: set[tuple[str, str]] = set()

    def only(m: Mutant) -> bool:
        if (m.skill, m.kind, m.target) in NAMED or (
            m.skill == "search_products" and m.kind == "truncate_return"
        ):
            return True
        # one wrong-item variant per skill
        if m.kind == "wrong_item" and m.step == "locator":
            if (m.skill, m.kind) not in sampled:
                sampled.add((m.skill, m.kind))
                return True
        return False

    return sampled, only


@pytest_asyncio.fixture(loop_scope="session")
async def fresh_shop() -> AsyncIterator[RunningSite]:
    site = await start_site("shop")
    try:
        yield site
    finally:
        await site.stop()


@pytest.mark.timeout(900)  # waits for the shared exploration first
async def test_verification_rejects_faulty_variants_of_the_stored_skills(
    explored: Explored, fresh_shop: RunningSite, browser: BrowserSession, tmp_path: Path
) -> None:
    library = SkillLibrary(explored.library)
    stored = {s.name for s in library.list(site="shop", status="verified")}
    proposals = load_proposals(explored.run_dir, stored)
    assert {p.skill_name for p in proposals} == stored
    target = Target("shop", fresh_shop.base_url, site=fresh_shop, accounts=fresh_shop.accounts)
    wb = Workbench(target, browser, library, tmp_path / "mutants")
    _sampled, only = _selector()
    report = await mutation_report(wb, proposals, only=only)  # type: ignore[arg-type]
    tried = {(r.skill, r.kind) for r in report.results}
    for skill, kind, _target in NAMED:
        if skill in stored:
            assert (skill, kind) in tried, f"no {kind} variant of {skill} was generated"
    assert len(report.non_equivalent) >= 15
    survivors = [f"{r.skill}: {r.description}" for r in report.survivors]
    assert survivors == [], survivors

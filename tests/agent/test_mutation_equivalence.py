"""Dropped presence guards (`if await X.count() == 0: raise RuntimeError(...)`) only change the
error for a missing element; they are equivalent unless a test input names a missing item
that no other check of the skill reports."""

from __future__ import annotations

from agent.models import ParamSpec, TaskProposal, TestCase
from agent.mutants import make_mutants
from agent.mutation import equivalence

SKILL = '''async def add_to_cart(page: Page, product: str) -> None:
    """Add a product to the cart."""
    await page.goto("/")
    if await page.get_by_role("link", name=product, exact=True).count() == 0:
        raise RuntimeError(f"no product named {product!r}")
    await page.get_by_role("link", name=product, exact=True).first.click()
    await page.wait_for_load_state()
    if await page.get_by_role("button", name="Add to cart").count() == 0:
        raise RuntimeError(await page.title() + " — not found: button 'Add to cart'")
    await page.get_by_role("button", name="Add to cart").click()
'''
NAMES = ["Black Ceramic Mug", "Chrome French Press", "Dotted Notebook"]


def _proposal(rejected: list[str]) -> TaskProposal:
    return TaskProposal(
        id="a",
        title="Add to cart",
        kind="procedural",
        skill_name="add_to_cart",
        description="Add a product to the cart.",
        start_url="/",
        params=[ParamSpec(name="product", role="entity")],
        test_cases=[TestCase(inputs={"product": n}) for n in NAMES]
        + [TestCase(inputs={"product": n}, expect="rejected", note="unknown") for n in rejected],
    )


def _guard_drops() -> dict[str, object]:
    mutants = make_mutants(SKILL, "add_to_cart", {"product": NAMES})
    drops = [m for m in mutants if m.kind == "drop_step" and m.target.startswith("if ")]
    return {("item" if "no product named" in m.target else "page"): m for m in drops}


def test_guards_are_equivalent_when_no_input_names_a_missing_item() -> None:
    drops = _guard_drops()
    assert set(drops) == {"item", "page"}
    for mutant in drops.values():
        assert equivalence(mutant, _proposal([])) is not None  # type: ignore[arg-type]


def test_the_item_guard_must_be_killed_when_an_unknown_item_is_tested() -> None:
    drops = _guard_drops()
    proposal = _proposal(["No such product 9731"])
    assert equivalence(drops["item"], proposal) is None  # type: ignore[arg-type]
    # the page guard is not what reports the unknown item: the item guard does
    assert "still reported" in (equivalence(drops["page"], proposal) or "")  # type: ignore[arg-type]

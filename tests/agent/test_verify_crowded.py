"""A skill that acts on the first line of a list instead of the named one passes every case on
a fresh site with one line; verification runs a case again right after the skill acted on
another case's item, so the wrong one is there first."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.browser import BrowserSession
from agent.models import (
    CandidateSkill,
    ParamSpec,
    TaskProposal,
    TestCase,
    VerificationReport,
)
from agent.postconditions import RowEffect
from agent.target import open_target
from agent.verify import crowded_case, verify
from agent.workbench import Workbench
from skills_store import SkillLibrary

pytestmark = pytest.mark.browser

SET_QUANTITY = '''async def set_quantity(page: Page, product: str, quantity: int) -> None:
    """Put a product in the cart and set its line's quantity."""
    await page.goto("/")
    await page.get_by_role("searchbox", name="Search products").fill(product)
    await page.get_by_role("button", name="Search").click()
    await page.get_by_role("link", name=product, exact=True).first.click()
    await page.get_by_role("button", name="Add to cart").click()
    await page.goto("/cart")
    await page.get_by_role("spinbutton", name=f"Quantity for {product}").fill(str(quantity))
    await LINE.get_by_role("button", name="Update").click()
    await page.wait_for_load_state()
'''
# the named line's own Update button, or the first Update button on the page
RIGHT = SET_QUANTITY.replace(
    "LINE", 'page.locator("form").filter(has_text=f"Quantity for {product}")'
)
FIRST_LINE = SET_QUANTITY.replace(
    'page.get_by_role("spinbutton", name=f"Quantity for {product}")',
    'page.get_by_role("spinbutton").first',
).replace("LINE", "page")


def _proposal() -> TaskProposal:
    products = ["Black Ceramic Mug", "Chrome French Press", "Large Bamboo Cutting Board"]
    return TaskProposal(
        id="q",
        title="Set a cart quantity",
        kind="procedural",
        skill_name="set_quantity",
        description="Set the quantity of a product's cart line.",
        start_url="/",
        params=[ParamSpec(name="product", role="entity"), ParamSpec(name="quantity")],
        test_cases=[
            TestCase(inputs={"product": p, "quantity": q})
            for p, q in zip(products, (3, 2, 4), strict=True)
        ],
        postconditions=[
            RowEffect(
                params=["product", "quantity"],
                change="created",
                table="cart_items",
                columns={"product": ["product_id>products.name"], "quantity": ["quantity"]},
            )
        ],
        differential=False,
    )


async def _verify_each(
    codes: tuple[str, ...], proposal: TaskProposal, browser: BrowserSession, tmp: Path
) -> list[VerificationReport]:
    """Each variant of set_quantity verified with `proposal` on the bundled shop."""
    target = await open_target("shop")
    try:
        wb = Workbench(target, browser, SkillLibrary(tmp / "lib"), tmp / "run")
        return [
            await verify(
                wb,
                CandidateSkill(site="shop", name="set_quantity", code=code, proposal_id="q"),
                proposal,
            )
            for code in codes
        ]
    finally:
        await target.close()


def test_the_crowded_case_repeats_the_first_case_after_another_item() -> None:
    proposal = _proposal()
    neighbour, case = crowded_case(proposal) or (None, None)
    assert neighbour is not None and case is not None
    assert case.inputs == proposal.test_cases[0].inputs
    assert neighbour.inputs["product"] != case.inputs["product"]
    # not for "open" skills, lists, or skills without an entity parameter
    assert crowded_case(proposal.model_copy(update={"kind": "navigational"})) is None
    plain = [ParamSpec(name="product"), ParamSpec(name="quantity")]
    assert crowded_case(proposal.model_copy(update={"params": plain})) is None


async def test_a_skill_acting_on_the_first_line_fails_and_the_right_one_passes(
    browser: BrowserSession, tmp_path: Path
) -> None:
    right, wrong = await _verify_each((RIGHT, FIRST_LINE), _proposal(), browser, tmp_path)
    assert right.passed, right.failure
    assert not wrong.passed
    # every case alone passes: only the run after another item tells them apart
    assert all(r.passed for r in wrong.runs[:3]), wrong.failure
    assert "after the skill acted on" in wrong.runs[-1].note, wrong.failure


# a site without that combination (an issue number of another project): the skill reports it
REFUSES_ONE = RIGHT.replace(
    '    await page.goto("/")\n',
    '    if (product, quantity) == ("Chrome French Press", 3):\n'
    '        raise RuntimeError("no such line")\n'
    '    await page.goto("/")\n',
    1,
)
# ...or it does the wrong thing for it
WRONG_FOR_ONE = RIGHT.replace(
    ".fill(str(quantity))",
    '.fill(str(1 if (product, quantity) == ("Chrome French Press", 3) else quantity))',
)


async def test_a_variation_that_ends_in_an_error_is_no_evidence_but_a_wrong_effect_fails(
    browser: BrowserSession, tmp_path: Path
) -> None:
    """The policy's cases run first; a one-parameter variation made from their values
    ("Chrome French Press" with the first case's quantity 3) that ends in an error is kept
    aside as inapplicable, while one with a wrong effect fails verification."""
    proposal = _proposal().model_copy(update={"differential": True})
    refused, wrong = await _verify_each((REFUSES_ONE, WRONG_FOR_ONE), proposal, browser, tmp_path)
    assert refused.passed, refused.failure
    assert [r.inputs for r in refused.inapplicable] == [
        {"product": "Chrome French Press", "quantity": 3}
    ]
    assert refused.inapplicable[0].error and "no such line" in refused.inapplicable[0].error
    assert not wrong.passed and not wrong.inapplicable
    assert wrong.runs[-1].note == "vary product alone", wrong.failure

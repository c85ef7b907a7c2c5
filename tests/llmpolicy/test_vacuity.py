"""Post-conditions that also hold for a skill that does nothing prove nothing: verification
runs the skill's signature with a body that only opens the start page, and that must fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.browser import BrowserSession
from agent.models import CandidateSkill, ParamSpec, SetupCall, TaskProposal, TestCase
from agent.postconditions import PageShows, RowEffect, UrlMatches
from agent.target import open_target
from agent.verify import verify
from agent.workbench import Workbench
from skills_store import SkillLibrary

pytestmark = pytest.mark.browser
ALICE = "$account:alice"

LOG_OUT = '''async def log_out(page: Page) -> None:
    """Log out."""
    await page.goto("/")
    await page.get_by_role("button", name="Account").click()
    await page.get_by_role("button", name="Log out").click()
    await page.wait_for_load_state()
'''

LOG_IN = '''async def log_in(page: Page, username: str, password: str) -> None:
    """Log in."""
    await page.goto("/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_load_state()
'''

SUBSCRIBE = '''async def subscribe(page: Page, email: str) -> None:
    """Subscribe an e-mail address to the newsletter."""
    await page.goto("/")
    await page.get_by_role("textbox", name="Your email").fill(email)
    await page.get_by_role("button", name="Subscribe").click()
    await page.wait_for_load_state()
'''


def _proposal(post: list[object]) -> TaskProposal:
    return TaskProposal(
        id="t",
        title="Subscribe",
        kind="procedural",
        skill_name="subscribe",
        description="Subscribe an e-mail address.",
        start_url="/",
        params=[ParamSpec(name="email")],
        test_cases=[TestCase(inputs={"email": f"{n}@example.com"}) for n in ("ann", "ben", "cy")],
        postconditions=post,  # type: ignore[arg-type]
        differential=False,
    )


async def test_a_contract_a_do_nothing_skill_meets_is_refused(
    browser: BrowserSession, tmp_path: Path
) -> None:
    target = await open_target("shop")
    try:
        wb = Workbench(target, browser, SkillLibrary(tmp_path / "lib"), tmp_path / "run")
        skill = CandidateSkill(
            site="shop", name="subscribe", code=SUBSCRIBE, params=[], proposal_id="t"
        )
        # "the URL is /" holds whether or not the skill logged anyone out
        out = CandidateSkill(site="shop", name="log_out", code=LOG_OUT, proposal_id="o")
        log_out = TaskProposal(
            id="o",
            title="Log out",
            kind="procedural",
            skill_name="log_out",
            description="Log out.",
            start_url="/",
            test_cases=[TestCase(), TestCase(), TestCase()],
            postconditions=[UrlMatches(pattern="/")],
            setup=[
                SetupCall(skill="log_in", args={"username": "alice", "password": "$account:alice"})
            ],
        )
        wb.library.add(LOG_IN, "shop", status="verified")
        weak = await verify(wb, out, log_out)
        grounded = RowEffect(
            params=["email"], change="created", table="newsletter", columns={"email": ["email"]}
        )
        strong = await verify(wb, skill, _proposal([grounded]))
    finally:
        await target.close()
    assert not weak.passed and "only opens /" in weak.failure
    assert weak.unfixable and not strong.unfixable  # no repair is asked for a weak contract
    assert strong.passed, strong.failure


REMOVE = '''async def remove_from_cart(page: Page, product: str) -> None:
    """Put a product in the cart, then remove its line."""
    await page.goto("/")
    await page.get_by_role("searchbox", name="Search products").fill(product)
    await page.get_by_role("button", name="Search").click()
    await page.get_by_role("link", name=product, exact=True).first.click()
    await page.get_by_role("button", name="Add to cart").click()
    await page.goto("/cart")
    await page.get_by_role("button", name=f"Remove {product}").click()
    await page.wait_for_load_state()
'''


def _removal(post: list[object]) -> TaskProposal:
    names = ["Black Ceramic Mug", "Chrome French Press", "Dotted Notebook"]
    return TaskProposal(
        id="r",
        title="Remove from cart",
        kind="procedural",
        skill_name="remove_from_cart",
        description="Remove a product's line from the cart.",
        start_url="/cart",
        params=[ParamSpec(name="product", role="entity")],
        test_cases=[TestCase(inputs={"product": n}) for n in names],
        postconditions=post,  # type: ignore[arg-type]
        differential=False,
    )


async def test_a_page_contract_that_holds_without_the_last_step_is_refused(
    browser: BrowserSession, tmp_path: Path
) -> None:
    """ "The page shows the product" holds on the cart page whether or not Remove was pressed
    (the flash names it after a removal, the line names it before): it proves nothing."""
    target = await open_target("shop")
    try:
        wb = Workbench(target, browser, SkillLibrary(tmp_path / "lib"), tmp_path / "run")
        skill = CandidateSkill(site="shop", name="remove_from_cart", code=REMOVE, proposal_id="r")
        weak = await verify(wb, skill, _removal([PageShows(params=["product"])]))
        # the thank-you notice names the address only once Subscribe was pressed
        subscribe = CandidateSkill(site="shop", name="subscribe", code=SUBSCRIBE, proposal_id="t")
        shown = await verify(wb, subscribe, _proposal([PageShows(params=["email"])]))
    finally:
        await target.close()
    assert not weak.passed and "without the skill's last step" in weak.failure, weak.failure
    assert not weak.unfixable  # a skill that checks its own last step's effect passes
    assert "Remove {product}" in weak.failure
    assert shown.passed, shown.failure

"""The browser layer and the sandbox against a real Chromium and the real bundled shop."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Error as PlaywrightError

from agent.browser import Actor, BrowserSession, observe
from agent.models import ParamSpec, TaskProposal, TestCase
from agent.postconditions import RowEffect
from agent.sandbox import SkillTimeoutError, compile_skill, run_skill
from agent.target import Target
from agent.verify import verify
from agent.workbench import Workbench
from sites import RunningSite, start_site
from skills_store import PolicyViolation, SkillLibrary

pytestmark = pytest.mark.browser


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shop() -> AsyncIterator[RunningSite]:
    site = await start_site("shop")
    try:
        yield site
    finally:
        await site.stop()


async def test_off_origin_requests_are_blocked(shop: RunningSite, browser: BrowserSession) -> None:
    context = await browser.new_context(shop.base_url)
    page = await context.new_page()
    try:
        await page.goto("/")
        # the same live server under another origin (localhost vs 127.0.0.1): reachable, but
        # not the target, so the context must refuse it
        other = f"http://localhost:{shop.port}/"
        fetched = await page.evaluate(
            "u => fetch(u, {mode: 'no-cors'}).then(() => 'reached', () => 'blocked')", other
        )
        assert fetched == "blocked"
        same_origin = await page.evaluate("fetch('/cart').then(r => r.status)")
        assert same_origin == 200
        # refused by the context's proxy: no connection to the other origin is made
        with pytest.raises(PlaywrightError, match="ERR_SOCKS_CONNECTION_FAILED"):
            await page.goto(other)
        assert f"localhost:{shop.port}" in [b.target for b in browser.blocked]
    finally:
        await context.close()


async def test_actions_by_ref_are_recorded_with_stable_locators(
    shop: RunningSite, browser: BrowserSession
) -> None:
    await shop.reset()
    context = await browser.new_context(shop.base_url)
    page = await context.new_page()
    try:
        await page.goto("/")
        seen = await observe(page)
        assert seen.url.startswith(shop.base_url) and seen.title
        match = re.search(r'searchbox "Search products" \[ref=(e\d+)\]', seen.snapshot)
        assert match, seen.snapshot[:500]
        actor = Actor(page)
        fill = await actor.fill(match.group(1), "mug", param="query")
        button = re.search(r'button "Search" \[ref=(e\d+)\]', seen.snapshot)
        assert button
        click = await actor.click(button.group(1))
        assert fill.ok and click.ok
        assert fill.ref == match.group(1)
        assert fill.locator == 'page.get_by_role("searchbox", name="Search products")'
        assert click.locator == 'page.get_by_role("button", name="Search")'
        assert "aria-ref" not in (fill.locator + click.locator)
        assert click.url_after.startswith("/search") and "mug" in click.url_after
    finally:
        await context.close()


async def test_non_unique_targets_are_anchored(shop: RunningSite, browser: BrowserSession) -> None:
    context = await browser.new_context(shop.base_url)
    page = await context.new_page()
    try:
        await page.goto("/search?q=mug")
        actor = Actor(page)
        record = await actor.scroll(page.get_by_role("main").get_by_role("article").nth(1))
        assert record.ok
        assert record.anchored in ("none", "scope", "nth")
        located = eval(record.locator or "", {"page": page})  # the recorded expression
        assert await located.count() == 1
    finally:
        await context.close()


def test_policy_runs_before_code() -> None:
    with pytest.raises(PolicyViolation, match="import"):
        compile_skill("async def evil(page):\n    import os\n", "evil")
    with pytest.raises(PolicyViolation):
        compile_skill("async def evil(page):\n    await page.goto('https://example.com')\n", "evil")
    with pytest.raises(PolicyViolation):
        compile_skill("async def evil(page):\n    return page.__class__\n", "evil")


async def test_skill_timeout(shop: RunningSite, browser: BrowserSession) -> None:
    code = (
        "async def wait_forever(page: Page) -> None:\n"
        '    await page.get_by_role("button", name="No such button").click(timeout=60000)\n'
    )
    fn = compile_skill(code, "wait_forever")
    context = await browser.new_context(shop.base_url)
    page = await context.new_page()
    try:
        await page.goto("/")
        with pytest.raises(SkillTimeoutError, match="timed out"):
            await run_skill(fn, page, {}, timeout_s=1.0)
    finally:
        await context.close()


SUBSCRIBE = '''
async def subscribe_newsletter(page: Page, email: str) -> None:
    """Subscribe an email address to the newsletter.

    Args:
        email: The address.

    Returns:
        None.
    """
    await page.goto("/")
    await page.get_by_role("textbox", name="Your email").fill(email)
    await page.get_by_role("button", name="Subscribe").click()
    await page.wait_for_load_state()
'''

PRETEND = '''
async def subscribe_newsletter(page: Page, email: str) -> None:
    """Pretends to subscribe.

    Args:
        email: The address.

    Returns:
        None.
    """
    await page.goto("/")
    await page.get_by_role("textbox", name="Your email").fill(email)
'''


def _proposal() -> TaskProposal:
    emails = [f"verify{i}@example.com" for i in range(3)]
    return TaskProposal(
        id="page-00-subscribe_newsletter",
        title="Subscribe",
        kind="procedural",
        skill_name="subscribe_newsletter",
        description="Subscribe an email address to the newsletter.",
        start_url="/",
        params=[ParamSpec(name="email", annotation="str")],
        test_cases=[TestCase(inputs={"email": e}) for e in emails],
        postconditions=[
            RowEffect(
                params=["email"], change="created", table="newsletter", columns={"email": ["email"]}
            )
        ],
    )


async def test_verification_executes_and_rejects_a_skill_that_does_nothing(
    shop: RunningSite, browser: BrowserSession, tmp_path: Path
) -> None:
    from agent.models import CandidateSkill

    wb = Workbench(
        Target("shop", shop.base_url, site=shop), browser, SkillLibrary(tmp_path / "lib"), tmp_path
    )
    proposal = _proposal()
    good = CandidateSkill(
        site="shop", name="subscribe_newsletter", code=SUBSCRIBE, proposal_id=proposal.id
    )
    bad = good.model_copy(update={"code": PRETEND})
    report = await verify(wb, good, proposal)
    assert report.passed, report
    assert len(report.runs) == 3 and all("newsletter" in r.checked for r in report.runs)
    rejected = await verify(wb, bad, proposal)
    assert not rejected.passed
    assert "no row created in newsletter" in rejected.runs[0].checked

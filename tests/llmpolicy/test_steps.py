"""The step runner: model code runs under the AST policy, every action is recorded, and a
credential is typed into the page but kept as its placeholder everywhere else."""

from __future__ import annotations

import pytest

from agent.browser import BrowserSession
from agent.steps import StepRunner
from agent.target import open_target
from sites.registry import get_site

pytestmark = pytest.mark.browser


async def test_a_placeholder_is_typed_as_the_password_and_recorded_as_the_placeholder(
    browser: BrowserSession,
) -> None:
    password = get_site("shop").accounts["alice"]
    target = await open_target("shop")
    try:
        context = await browser.new_context(target.base_url)
        page = await context.new_page()
        shown = {"username": "alice", "password": "$account:alice"}
        runner = StepRunner(page, {}, shown=shown, inputs={**shown, "password": password})
        await page.goto("/login")
        out = await runner.run(
            'await fill(page.get_by_label("Username"), "alice")\n'
            'await fill(page.get_by_label("Password"), "$account:alice")\n'
            'await click(page.get_by_role("button", name="Log in"))'
        )
        logged_in = await page.get_by_text("alice").count()
        refused = await runner.run("import os")
        unrecorded = await runner.run('await page.get_by_role("link").first.click()')
        await context.close()
    finally:
        await target.close()
    assert out.error is None and logged_in > 0  # the real password reached the form
    assert [r.param for r in out.records] == ["username", "password", None]
    assert all(password not in (r.value or "") for r in runner.records)
    assert out.records[1].value == "$account:alice"
    assert refused.error is not None and "import is not allowed" in refused.error
    assert unrecorded.error is not None and "unrecorded" in unrecorded.error

"""Post-conditions that also hold for a skill that does nothing prove nothing: verification
runs the skill's signature with a body that only opens the start page, and that must fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.browser import BrowserSession
from agent.models import CandidateSkill, ParamSpec, SetupCall, TaskProposal, TestCase
from agent.postconditions import RowEffect, UrlMatches
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
    assert strong.passed, strong.failure

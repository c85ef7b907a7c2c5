"""Side by side: a variant that behaves like the original in every situation is told equivalent,
one with a fault is told apart by the situation that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.browser import BrowserSession
from agent.models import CandidateSkill, ParamSpec, TaskProposal, TestCase
from agent.side_by_side import situations, told_apart
from agent.target import open_target
from agent.workbench import Workbench
from skills_store import SkillLibrary

pytestmark = pytest.mark.browser

SUBSCRIBE = '''async def subscribe(page: Page, email: str) -> None:
    """Subscribe an email address to the newsletter."""
    await page.goto("/")
    await page.get_by_role("textbox", name="Your email").fill(email)
    await page.get_by_role("button", name="Subscribe").click()
    await page.wait_for_load_state()
'''
# a navigation the next step makes anyway: no caller can tell
REDUNDANT = SUBSCRIBE.replace(
    '    await page.goto("/")\n', '    await page.goto("/cart")\n    await page.goto("/")\n'
)
# relies on being called on the start page
NO_GOTO = SUBSCRIBE.replace('    await page.goto("/")\n', "")


def _proposal() -> TaskProposal:
    return TaskProposal(
        id="s",
        title="Subscribe to the newsletter",
        kind="procedural",
        skill_name="subscribe",
        description="Subscribe an email address.",
        start_url="/",
        params=[ParamSpec(name="email")],
        test_cases=[
            TestCase(inputs={"email": "dana.walker@example.com"}),
            TestCase(inputs={"email": "lee.chan@example.org"}),
        ],
    )


def test_situations_go_beyond_the_test_cases() -> None:
    labels = [s.label for s in situations(_proposal())]
    assert labels.count("from a blank page") == 2 and labels.count("from /") == 2
    assert labels.count("after another case") == 2 and labels.count("twice in a row") == 2


async def test_a_redundant_step_is_equivalent_and_faults_are_told_apart(
    browser: BrowserSession, tmp_path: Path
) -> None:
    target = await open_target("shop")
    try:
        wb = Workbench(target, browser, SkillLibrary(tmp_path / "lib"), tmp_path / "run")

        def skill(code: str) -> CandidateSkill:
            return CandidateSkill(site="shop", name="subscribe", code=code, proposal_id="s")

        apart, compared = await told_apart(wb, skill(SUBSCRIBE), skill(REDUNDANT), _proposal())
        assert apart is None and compared == 8
        apart, _ = await told_apart(wb, skill(SUBSCRIBE), skill(NO_GOTO), _proposal())
        assert apart is not None and apart.startswith("from a blank page"), apart
    finally:
        await target.close()

"""`skillwright skills verify`: a skill verified on the shop (v1) is flagged failing under the
v2 theme, `--repair` re-grounds it into a new verified version (the old one kept), and the v1
check flags nothing. Built from a known skill and its contract (no exploring)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from agent.browser import BrowserSession
from agent.drift import check_site, contract_of, proposal_from, verify_library
from agent.errors import SkillwrightError
from agent.models import TaskProposal
from agent.target import open_target
from agent.workbench import Workbench
from skills_store import SkillLibrary, TestRecord

REPO = Path(__file__).resolve().parents[2]

LOGIN = '''
async def login(page: Page, username: str, password: str) -> None:
    """Log in with a username and password.

    Args:
        username: Account user name.
        password: Account password.
    """
    await page.goto("/login")
    await page.get_by_role("textbox", name="Username").fill(username)
    await page.get_by_role("textbox", name="Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_load_state()
    refused = page.locator(":user-invalid")
    if await refused.count() > 0:
        name = await refused.first.get_attribute("name")
        raise RuntimeError(f"the browser refused the form: field {name} is invalid")
    problems = page.locator("[role=alert], .flash-error").filter(visible=True)
    if await problems.count() > 0:
        raise RuntimeError(await problems.first.inner_text())
'''

LOGIN_PROPOSAL = {
    "id": "login-00-login",
    "title": "Log in",
    "kind": "procedural",
    "skill_name": "login",
    "description": "Log in with a username and password.",
    "start_url": "/login",
    "params": [
        {"name": "username", "role": "username"},
        {"name": "password", "role": "secret"},
    ],
    "test_cases": [
        {"inputs": {"username": "alice", "password": "$account:alice"}},
        {"inputs": {"username": "bob", "password": "$account:bob"}},
        {"inputs": {"username": "carol", "password": "$account:carol"}},
        {
            "inputs": {"username": "alice", "password": "$account:alice#wrong"},
            "expect": "rejected",  # a wrong password is refused: what shows the password works
        },
    ],
    "postconditions": [{"kind": "page_shows", "params": ["username"], "where": "page"}],
    "differential": False,
}

SUBSCRIBE = '''
async def subscribe_newsletter(page: Page, email: str) -> None:
    """Subscribe an email address to the newsletter.

    Args:
        email: Your email.
    """
    await page.goto("/")
    await page.get_by_role("textbox", name="Your email").fill(email)
    await page.get_by_role("button", name="Subscribe").click()
    await page.wait_for_load_state()
'''


def shop_library(path: Path, *, legacy: bool = True) -> SkillLibrary:
    """login (with its contract) and subscribe_newsletter (stored the old way: test records,
    no contract), both verified on the shop's v1 theme."""
    lib = SkillLibrary(path)
    proposal = TaskProposal.model_validate(LOGIN_PROPOSAL)
    lib.add(LOGIN, "shop", status="verified", contract=contract_of(proposal))
    if legacy:
        records = [TestRecord(inputs={"email": "sw.check1@example.com"}, passed=True)]
        lib.add(SUBSCRIBE, "shop", status="verified", tests=records)
    return lib


@asynccontextmanager
async def workbench(
    lib: SkillLibrary, browser: BrowserSession, theme: str, run_dir: Path
) -> AsyncIterator[Workbench]:
    target = await open_target("shop", theme=theme)
    try:
        yield Workbench(target, browser, lib, run_dir)
    finally:
        await target.close()


@pytest.mark.browser
async def test_v2_flags_the_broken_skill_and_repair_stores_a_new_verified_version(
    tmp_path: Path, browser: BrowserSession
) -> None:
    lib = shop_library(tmp_path / "lib", legacy=False)
    async with workbench(lib, browser, "v2", tmp_path / "run") as wb:
        report = await check_site(wb, theme="v2")

        (login,) = report.checks
        assert login.outcome == "failing"
        assert 'name="Log in"' in login.error  # the locator that no longer resolves
        assert lib.get("login", "shop").status == "failing"
        assert lib.module_skills("shop") == []
        failed = [t for t in lib.get("login", "shop").tests if t.theme == "v2"]
        assert failed and not failed[0].passed

        report = await check_site(wb, theme="v2", repair=True)

    (login,) = [c for c in report.checks if c.name == "login"]
    assert login.outcome == "repaired", login.notes
    assert login.new_version == 2
    old, new = lib.history("shop", "login")
    assert (old.version, old.status) == (1, "failing")
    assert (new.version, new.status) == (2, "verified")
    assert 'name="Sign in"' in lib.module_path("shop").read_text()  # the re-grounded line
    assert "Log in" not in new.code.split('"""')[-1]
    assert all(t.passed and t.theme == "v2" for t in new.tests)
    assert new.provenance is not None and "re-grounded from v1" in (
        new.provenance.source_task or ""
    )
    assert lib.contract("shop", "login", version=2) == lib.contract("shop", "login", version=1)


@pytest.mark.browser
async def test_v1_verify_flags_nothing(tmp_path: Path) -> None:
    lib = shop_library(tmp_path / "lib")

    report = await verify_library(lib, "shop", "shop", theme="v1")  # as the CLI runs it

    assert [(c.name, c.outcome) for c in report.checks] == [
        ("login", "passed"),
        ("subscribe_newsletter", "passed"),
    ]
    assert {c.name: c.checked_with for c in report.checks} == {
        "login": "contract",
        "subscribe_newsletter": "records",
    }
    assert all(s.status == "verified" and s.version == 1 for s in lib.list(site="shop"))
    login = lib.get("login", "shop")
    assert sum(t.theme == "v1" and t.passed for t in login.tests) == 4  # 3 accounts + 1 refusal


def test_contract_keeps_placeholders_and_redacts_generated_secrets() -> None:
    proposal = TaskProposal.model_validate(
        {
            **LOGIN_PROPOSAL,
            "params": [
                {"name": "username", "role": "username"},
                {"name": "password", "role": "secret", "example": "Check-pass-1-word"},
            ],
            "test_cases": [
                {"inputs": {"username": f"u{i}", "password": f"Check-pass-{i}-word"}}
                for i in range(3)
            ]
            + [{"inputs": {"username": "alice", "password": "$account:alice"}}],
        }
    )
    contract = contract_of(proposal)
    text = repr(contract)
    assert "Check-pass" not in text
    assert "$account:alice" in text
    again = proposal_from(contract)
    secrets = [c.inputs["password"] for c in again.positives()[:3]]
    assert len(set(secrets)) == 3 and "[secret]" not in secrets


def test_verify_plan_rejects_bad_input_before_starting_anything(tmp_path: Path) -> None:
    from agent.cli_skills import verify_plan

    lib = shop_library(tmp_path / "lib")
    with pytest.raises(SkillwrightError, match=r"no skills for site 'shopp'.*did you mean: shop"):
        verify_plan(lib.path, "shopp", None, None)
    with pytest.raises(SkillwrightError, match="unknown target 'nowhere'"):
        verify_plan(lib.path, "shop", "nowhere", None)
    with pytest.raises(SkillwrightError, match="--theme applies to bundled sites"):
        verify_plan(lib.path, "shop", "http://127.0.0.1:9", "v2")
    with pytest.raises(SkillwrightError, match="no skill library"):
        verify_plan(tmp_path / "missing", None, None, None)
    lib.add(SUBSCRIBE, "mysite", status="verified")
    with pytest.raises(SkillwrightError, match="not a bundled site: give --target URL"):
        verify_plan(lib.path, "mysite", None, None)
    with pytest.raises(SkillwrightError, match="--target runs one site's skills: add --site"):
        verify_plan(lib.path, None, "shop", None)
    plan = verify_plan(lib.path, "shop", None, "v2")
    assert [(site, target, theme) for _, site, target, theme in plan] == [("shop", "shop", "v2")]


def test_cli_unknown_site_is_one_line_error(tmp_path: Path) -> None:
    shop_library(tmp_path / "lib")
    result = subprocess.run(
        [sys.executable, "-m", "agent.cli", "skills", "verify", "--site", "nosuch",
         "--library", str(tmp_path / "lib")],
        capture_output=True, text=True, cwd=REPO, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: no skills for site 'nosuch' in {tmp_path / 'lib'}; known sites: shop"
    ]

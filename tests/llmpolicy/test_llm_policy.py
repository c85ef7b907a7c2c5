"""The LLM policy end to end on the bundled shop with a scripted model: each fault a real model
makes (an impossible task, code the policy refuses, prose instead of JSON, a timeout, a skill
that hard-codes where it went) ends the way it should, and the run goes on."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from shop_script import ShopScript, done, ref, search_plan, timeout_plan

from agent.browser import BrowserSession
from agent.explore import explore, explore_target
from agent.llm import ScriptedModel
from agent.llm.budget import Budgeted, Limits
from agent.policies import make_policy
from agent.target import open_target
from sites.registry import get_site
from skills_store import SkillLibrary

pytestmark = pytest.mark.browser


def _proposal(
    title: str,
    kind: str,
    name: str,
    params: list[dict[str, Any]],
    cases: list[dict[str, Any]],
    post: list[dict[str, Any]],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "title": title, "kind": kind, "skill_name": name, "description": title + ".",
        "start_url": "/", "params": params, "test_cases": [{"inputs": c} for c in cases],
        "postconditions": post, **extra,
    }  # fmt: skip


ENTITY = {"type": "str", "role": "entity", "description": "name as the site lists it"}
PROPOSALS = [
    _proposal(
        "Search products", "information", "search_products",
        [{"name": "query", "type": "str", "role": "value", "description": "words"}],
        [{"query": "mug"}, {"query": "lamp"}, {"query": "wireless"}],
        [{"kind": "results", "listing": "/search?q={query}"}], returns="list[str]",
    ),
    _proposal(
        "Pay with bitcoin", "procedural", "pay_with_bitcoin",
        [{"name": "wallet", "type": "str", "role": "value", "description": "wallet"}],
        [{"wallet": "abc"}, {"wallet": "def"}, {"wallet": "ghi"}],
        [{"kind": "row", "params": ["wallet"]}],
    ),
    _proposal(
        "Write a review", "procedural", "write_review",
        [{"name": "comment", "type": "str", "role": "value", "description": "text"}],
        [{"comment": "nice"}, {"comment": "ok"}, {"comment": "bad"}],
        [{"kind": "row", "params": ["comment"]}],
    ),
    _proposal(
        "Subscribe to the newsletter", "procedural", "subscribe_newsletter",
        [{"name": "email", "type": "str", "role": "value", "description": "e-mail address"}],
        [{"email": "ann@example.com"}, {"email": "ben@example.com"}, {"email": "cy@example.com"}],
        [{"kind": "row", "params": ["email"]}],
    ),
    _proposal(
        "Open a product", "navigational", "open_product", [{"name": "product", **ENTITY}],
        [{"product": "Black Ceramic Mug"}, {"product": "Italian Cookbook"},
         {"product": "Ceramic Table Lamp"}],
        [{"kind": "url", "pattern": "/product/{id}"},
         {"kind": "page_shows", "params": ["product"], "where": "heading"}],
    ),
    _proposal(
        "Open a category", "navigational", "open_category", [{"name": "category", **ENTITY}],
        [{"category": "Kitchen"}, {"category": "Books"}, {"category": "Garden"}],
        [{"kind": "url", "pattern": "/category/{slug}"},
         {"kind": "page_shows", "params": ["category"], "where": "heading"}],
    ),
]  # fmt: skip


def newsletter_plan(inputs: dict[str, Any], page: str, n: int) -> dict[str, Any]:
    if n == 0:
        return {"thought": "look around", "code": "import os"}
    if n == 1:
        box, button = ref(page, 'textbox "Your email"'), ref(page, 'button "Subscribe"')
        email = json.dumps(inputs["email"])
        return {
            "thought": "subscribe",
            "code": f'await fill("{box}", {email})\nawait click("{button}")',
        }
    return done()


def hard_coded(kind: str, param: str) -> Any:
    """Click the item's link, then go home and back to the address seen: the induced skill
    ends on the practised item whatever it is given."""

    def plan(inputs: dict[str, Any], page: str, n: int) -> dict[str, Any]:
        if n == 0:
            link = ref(page, f'link "{inputs[param]}"')
            return {"thought": "open it", "code": f'await click("{link}")'}
        if n == 1:
            path = page.split("URL: ", 1)[1].split("\n", 1)[0]
            return {"thought": "again", "code": f'await goto("/")\nawait goto("{path}")'}
        return done()

    return plan


OPEN_PRODUCT = '''async def open_product(page: Page, product: str) -> None:
    """Open a product's page.

    Args:
        product: name as the site lists it.
    """
    await page.goto("/")
    link = page.get_by_role("link", name=product, exact=True)
    if await link.count() == 0:
        raise RuntimeError(f"no product named {product!r}")
    await link.first.click()
    await page.wait_for_load_state()
'''


# a rewrite the AST policy refuses (a real model's habit): asked again with the reason
OPEN_PRODUCT_REFUSED = OPEN_PRODUCT.replace(
    "    await link.first.click()\n",
    "    async with page.expect_navigation():\n        await link.first.click()\n",
)


@pytest.fixture(scope="module")
def script() -> ShopScript:
    return ShopScript(
        PROPOSALS,
        {
            "Search products": search_plan,
            "Pay with bitcoin": lambda i, p, n: done("There is no bitcoin payment: impossible."),
            "Write a review": timeout_plan,
            "Subscribe to the newsletter": newsletter_plan,
            "Open a product": hard_coded("product", "product"),
            "Open a category": hard_coded("category", "category"),
        },
        repairs={"open_product": [OPEN_PRODUCT_REFUSED, OPEN_PRODUCT]},
        prose_first=frozenset({"Subscribe to the newsletter"}),
    )


@pytest.fixture(scope="module")
async def explored(
    browser: BrowserSession, script: ShopScript, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, SkillLibrary, Path]:
    root = tmp_path_factory.mktemp("llm-policy")
    lib = SkillLibrary(root / "lib")
    target = await open_target("shop")
    policy = make_policy("llm", model=Budgeted(ScriptedModel(script), Limits()), iterations=1)
    try:
        summary = await explore_target(
            target, lib, run_dir=root / "run", browser=browser, policy=policy
        )
    finally:
        await target.close()
    return summary, lib, root / "run"


@pytest.mark.timeout(600)
async def test_faults_end_where_they_should_and_the_run_goes_on(
    explored: tuple[Any, SkillLibrary, Path], script: ShopScript
) -> None:
    summary, lib, run = explored
    by_skill = {a.skill: a for a in summary.attempts}
    assert set(summary.verified) == {"search_products", "subscribe_newsletter", "open_product"}
    # an impossible task is judged, not stored
    assert by_skill["pay_with_bitcoin"].stage == "judge"
    # a model that times out mid-run fails that attempt only (later attempts verified)
    assert "model" in by_skill["write_review"].reason and not by_skill["write_review"].verified
    # code the AST policy refuses comes back as the next observation; prose gets feedback
    assert any(
        "refused by the code policy" in p and "import is not allowed" in p for p in script.prompts
    )
    assert any("could not be used as a StepReply" in p for p in script.prompts)
    # a skill that went back to the practised item fails verification; honed, it passes (the
    # first rewrite was refused by the AST policy and asked for again, with the reason)
    assert any(
        "refused before it ran" in p and "async with is not allowed" in p for p in script.prompts
    )
    honed = run / "attempts" / by_skill["open_product"].proposal_id / "candidate.hone1.py"
    assert honed.read_text().strip() == OPEN_PRODUCT.strip()
    assert "goto('/product/" in (honed.parent / "candidate.py").read_text()
    # one that never passes is stored failing, with its evidence, and never loaded
    assert not by_skill["open_category"].verified
    failing = lib.list(site="shop", status="failing")
    assert [s.name for s in failing] == ["open_category"] and failing[0].tests
    module = lib.load("shop")
    assert not hasattr(module, "open_category") and hasattr(module, "open_product")
    # the search was promoted to its direct address, and the library says so
    search = lib.get("search_products", "shop")
    assert search.provenance is not None and search.provenance.form == "url"
    assert re.search(r"page\.goto\(f[\"']/search\?q=\{v_query\}", search.code)


async def test_verified_skills_act_on_a_fresh_site(
    explored: tuple[Any, SkillLibrary, Path], browser: BrowserSession
) -> None:
    _summary, lib, _run = explored
    module = lib.load("shop")
    target = await open_target("shop")
    try:
        await target.reset()
        context = await browser.new_context(target.base_url)
        page = await context.new_page()
        await module.subscribe_newsletter(page, "zed@example.com")
        names = await module.search_products(page, "ceramic mug")
        await module.open_product(page, "Italian Cookbook")
        heading = await page.get_by_role("heading", level=1).inner_text()
        await context.close()
        assert target.db_path is not None
        with sqlite3.connect(target.db_path) as db:
            emails = [r[0] for r in db.execute("SELECT email FROM newsletter")]
    finally:
        await target.close()
    assert "zed@example.com" in emails
    assert "Black Ceramic Mug" in names and "Italian Cookbook" in heading


async def test_no_password_in_prompts_or_run_files_and_no_request_left_loopback(
    explored: tuple[Any, SkillLibrary, Path], script: ShopScript
) -> None:
    _summary, _lib, run = explored
    passwords = list(get_site("shop").accounts.values())
    texts = [p for p in script.prompts]
    texts += [
        f.read_text(errors="replace")
        for f in run.rglob("*")
        if f.suffix in (".json", ".py", ".jsonl")
    ]
    assert texts and not [pw for pw in passwords for t in texts if pw in t]
    blocked = run / "blocked.jsonl"
    assert not blocked.exists() or blocked.read_text().strip() == ""


async def test_a_spent_budget_ends_the_run_cleanly_with_its_summary(
    browser: BrowserSession, script: ShopScript, tmp_path: Path
) -> None:
    target = await open_target("shop")
    model = Budgeted(ScriptedModel(script), Limits(calls=3))
    try:
        summary = await explore_target(
            target,
            SkillLibrary(tmp_path / "lib"),
            run_dir=tmp_path / "run",
            browser=browser,
            policy=make_policy("llm", model=model, iterations=2),
        )
    finally:
        await target.close()
    assert summary.stopped == "model-call budget of 3 spent"
    saved = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert saved["stopped"] == summary.stopped and saved["model_calls"] == 3


async def test_two_workers_attempt_a_batch_in_parallel_into_one_library(tmp_path: Path) -> None:
    script = ShopScript(
        [PROPOSALS[0], PROPOSALS[3]],
        {"Search products": search_plan, "Subscribe to the newsletter": newsletter_plan},
    )
    lib = SkillLibrary(tmp_path / "lib")
    policy = make_policy("llm", model=Budgeted(ScriptedModel(script), Limits()), iterations=1)
    summary = await explore("shop", lib, out=tmp_path / "run", policy=policy, workers=2)
    assert sorted(summary.verified) == ["search_products", "subscribe_newsletter"]
    assert {s.name for s in lib.list(site="shop")} == set(summary.verified)

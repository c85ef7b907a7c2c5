"""A live URL target has no database to look at: the effect of the cart skill is read back
from the site's own cart page, which is as strict as the database check — the variants that
ignore the product or the quantity are rejected."""

from __future__ import annotations

import ast
import runpy
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from agent.browser import BrowserSession
from agent.judge import ground
from agent.models import CandidateSkill, ParamSpec, TaskProposal, TestCase
from agent.mutants import make_mutants
from agent.postconditions import PageShows, RowEffect
from agent.probe import BrowserProbe
from agent.sandbox import compile_skill, run_skill
from agent.target import Target
from agent.verify import gather, verify
from agent.workbench import Workbench
from sites import RunningSite, start_site
from skills_store import SkillLibrary

SHOP_SKILLS: str = runpy.run_path(str(Path(__file__).with_name("fixtures") / "shop_skills.py"))[
    "SHOP_SKILLS"
]


def _skill(name: str) -> str:
    tree = ast.parse(SHOP_SKILLS)
    node = next(n for n in tree.body if isinstance(n, ast.AsyncFunctionDef) and n.name == name)
    return ast.get_source_segment(SHOP_SKILLS, node) or ""


@pytest_asyncio.fixture(loop_scope="session")
async def live_shop() -> AsyncIterator[RunningSite]:
    site = await start_site("shop")
    try:
        yield site
    finally:
        await site.stop()


def _proposal(pc: object) -> TaskProposal:
    rows = [("Ceramic Table Lamp", 2), ("Black Ceramic Mug", 3), ("Italian Cookbook", 4)]
    return TaskProposal(
        id="entity-00-add_to_cart",
        title="Add to cart",
        kind="procedural",
        skill_name="add_to_cart",
        description="Add a product to the cart.",
        start_url="/",
        params=[
            ParamSpec(name="product", role="entity"),
            ParamSpec(name="quantity", annotation="int", default="1"),
        ],
        test_cases=[TestCase(inputs={"product": p, "quantity": q}) for p, q in rows],
        postconditions=[pc],  # type: ignore[list-item]
        differential=False,  # three cases vary both parameters; kept short for the suite
    )


async def test_live_cart_skill_is_read_back_and_its_faulty_variants_fail(
    live_shop: RunningSite, browser: BrowserSession, tmp_path: Path
) -> None:
    # a URL target: no `site`, so no database and no reset
    target = Target("live_shop", live_shop.base_url)
    assert target.db_path is None
    library = SkillLibrary(tmp_path / "lib")
    library.add(_skill("search_products"), "live_shop", status="verified")
    wb = Workbench(target, browser, library, tmp_path / "run")
    code = _skill("add_to_cart")

    # grounding: after one run, the cart page is the one that shows the product's row
    context = await browser.new_context(target.base_url)
    try:
        page = await context.new_page()
        probe = BrowserProbe(wb, context, page)
        inputs = {"product": "Ceramic Table Lamp", "quantity": 2}
        # the home page lists the product with "(2 reviews)" before anything is added
        before = {url: await probe.row_values(url, inputs["product"]) for url in ("/", "/cart")}
        assert before["/"] is not None and before["/cart"] is None
        fn = compile_skill(code, "add_to_cart", wb.skills())
        await run_skill(fn, page, inputs, 30)
        raw = _proposal(RowEffect(params=["product", "quantity"], readback=["/", "/cart"]))
        ev, _path = await gather(wb, page, raw, inputs, None, None, None)
        ev.rows_before = before
        grounded, notes = await ground(raw, ev, probe)
    finally:
        await context.close()
    assert notes == []
    assert grounded == [
        PageShows(
            params=["product", "quantity"],
            where="readback",
            url="/cart",
            row=True,
            fields={"quantity": ["quantity"]},  # the cart line's quantity box
        )
    ]

    proposal = _proposal(grounded[0])
    good = CandidateSkill(site="live_shop", name="add_to_cart", code=code, proposal_id="p")
    report = await verify(wb, good, proposal)
    assert report.passed, report.model_dump_json(indent=1)
    assert all("/cart: row" in r.checked for r in report.runs)

    examples = {"product": ["Ceramic Table Lamp", "Black Ceramic Mug"], "quantity": [2, 3]}
    faulty = {
        (m.kind, m.target): m
        for m in make_mutants(code, "add_to_cart", examples, {"search_products"})
        if m.kind in ("hardcode_param", "ignore_param")
    }
    assert {("hardcode_param", "product"), ("ignore_param", "quantity")} <= set(faulty)
    for key in [("hardcode_param", "product"), ("ignore_param", "quantity")]:
        bad = good.model_copy(update={"code": faulty[key].code})
        rejected = await verify(wb, bad, proposal)
        assert not rejected.passed, key
        assert "/cart" in rejected.failure, rejected.failure

"""Habits of CMS admins (Wagtail's) on a small fixture (see admin_fixture.py): a results table
among links that carry the query or sort the page itself, and a create form whose required
slug the page fills from the title a moment after the title loses focus, and keeps unique
(the practice on this live site must not use up the first test's title)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.attempt import attempt
from agent.browser import BrowserSession
from agent.browser.facts import page_facts
from agent.browser.readback import result_names, results_locator
from agent.policies.heuristic.policy import HeuristicPolicy
from agent.policies.heuristic.propose import propose
from agent.policies.heuristic.sitemap import crawl
from agent.target import Target
from agent.workbench import Workbench
from skills_store import SkillLibrary
from tests.realsites.admin_fixture import CmsServer


@pytest.fixture
def cms() -> Iterator[CmsServer]:
    server = CmsServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _workbench(cms: CmsServer, browser: BrowserSession, tmp: Path) -> Workbench:
    target = Target("cms", cms.base_url, accounts={}, start_path="/cms/", scope="/cms/")
    return Workbench(target, browser, SkillLibrary(tmp / "lib"), tmp / "run", skill_timeout_s=10)


async def test_results_are_the_items_not_the_links_that_carry_the_query_or_sort_the_page(
    cms: CmsServer, browser: BrowserSession
) -> None:
    context = await browser.new_context(cms.base_url)
    try:
        page = await context.new_page()
        for query, expected in (
            ("garden", ["Garden planning", "Garden tools"]),
            ("meeting", ["Meeting notes"]),
        ):
            await page.goto(f"/cms/search/?q={query}")
            pattern, names = result_names(await page_facts(page))
            assert (pattern, names) == ("/cms/pages/{id}/edit/", expected)
            # each row also links its parent ("Home"): the results' own kind of address
            source = await results_locator(page, names, pattern)
            assert source == 'page.locator(\'a[href^="/cms/pages/"][href$="/edit/"]\')'
    finally:
        await context.close()


async def test_a_pager_linking_the_page_itself_still_parts_results_from_a_help_link(
    cms: CmsServer, browser: BrowserSession
) -> None:
    context = await browser.new_context(cms.base_url)
    try:
        page = await context.new_page()
        await page.goto("/cms/find?q=wiki")
        pattern, names = result_names(await page_facts(page))
    finally:
        await context.close()
    assert pattern == "/cms/wiki/{slug}"
    assert names == ["WikiStart", "WikiFormatting", "WikiMacros", "WikiHtml"]  # not WikiSearch


async def test_a_search_among_other_searches_and_sorting_links_is_verified(
    cms: CmsServer, browser: BrowserSession, tmp_path: Path
) -> None:
    wb = _workbench(cms, browser, tmp_path)
    context = await browser.new_context(cms.base_url)
    try:
        page = await context.new_page()
        sitemap = await crawl(page, "/cms/", max_pages=20)
    finally:
        await context.close()
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    search = next(p for p in proposals if p.plan.kind == "search")  # type: ignore[union-attr]
    result, _ = await attempt(wb, HeuristicPolicy(), search, "run")
    assert result.verified, result.reason


async def test_an_upload_form_is_not_proposed(cms: CmsServer, browser: BrowserSession) -> None:
    context = await browser.new_context(cms.base_url)
    try:
        page = await context.new_page()
        sitemap = await crawl(page, "/cms/", max_pages=20)
    finally:
        await context.close()
    assert sitemap.page_for("/cms/images/add/") is not None
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    starts = {p.start_url for p in proposals}
    assert "/cms/add/" in starts
    assert "/cms/images/add/" not in starts  # a file is what it takes: no test input is one


async def test_a_slug_the_page_fills_after_the_title_loses_focus_is_waited_for(
    cms: CmsServer, browser: BrowserSession, tmp_path: Path
) -> None:
    wb = _workbench(cms, browser, tmp_path)
    context = await browser.new_context(cms.base_url)
    try:
        page = await context.new_page()
        sitemap = await crawl(page, "/cms/", max_pages=20)
    finally:
        await context.close()
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    create = next(p for p in proposals if p.start_url == "/cms/add/")
    assert [f["name"] for f in create.plan.fields] == ["title"]  # type: ignore[union-attr]
    result, _ = await attempt(wb, HeuristicPolicy(), create, "run")
    assert result.verified, result.reason
    code = (tmp_path / "run" / "attempts" / create.id / "candidate.py").read_text()
    assert ".blur()" in code
    assert 'await expect(page.locator(\'[name="slug"]\')).not_to_have_value("")' in code
    titles = [c.inputs["title"] for c in create.positives()]
    assert set(titles) <= {t for t, _ in cms.state.pages.values()}
    # the practice made its own page: the first test's title (slug) was still free
    assert any(t.endswith(" (trial)") for t, _ in cms.state.pages.values())
    assert cms.state.refused == 0  # never submitted before the slug was there, nor a slug twice


async def test_an_edit_form_that_shows_only_the_name_fills_a_field_of_its_hidden_tab(
    cms: CmsServer, browser: BrowserSession, tmp_path: Path
) -> None:
    wb = _workbench(cms, browser, tmp_path)
    context = await browser.new_context(cms.base_url)
    try:
        page = await context.new_page()
        sitemap = await crawl(page, "/cms/", max_pages=20)
    finally:
        await context.close()
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    edit = next(p for p in proposals if p.plan.kind == "entity")  # type: ignore[union-attr]
    # not the title (the item's own name), nor the slug (it holds a value), nor a date
    steps = edit.plan.fields  # type: ignore[union-attr]
    assert [(s["name"], s.get("tab")) for s in steps] == [
        ("search_description", "#tab-label-promote")
    ]
    result, _ = await attempt(wb, HeuristicPolicy(), edit, "run")
    assert result.verified, result.reason
    code = (tmp_path / "run" / "attempts" / edit.id / "candidate.py").read_text()
    assert "Promote" in code  # the skill shows the tab before it fills the field
    described = {d for d in cms.state.descriptions.values()}
    assert {c.inputs["search_description"] for c in edit.positives()} <= described
    assert cms.state.refused == 0

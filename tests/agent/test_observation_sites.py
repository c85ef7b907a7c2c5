"""The compact observation on the bundled shop, forum and tracker: every interactive element
of Playwright's AI snapshot keeps its ref in the compact one, and the ref acts on that element."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Page

from agent.browser import Actor, BrowserSession, observe
from agent.browser.compact import compact_snapshot, interactive_refs, parse_snapshot, refs_in
from agent.browser.observation import dom_hints
from sites import RunningSite, start_site

pytestmark = pytest.mark.browser

PAGES = {
    "shop": ["/", "/search?q=mug", "/product/1", "/register"],
    "forum": ["/", "/forums", "/register"],
    "tracker": ["/", "/p/harbor-ci", "/p/harbor-ci/issues", "/register"],
}
SAMPLE = 12  # refs per page checked to resolve to exactly one element
# Regression guards with slack for seed-data changes. The goal itself (median compact/html <=
# 0.3 per site, over more pages, logged in) is measured by bench/obs_size.py.
MAX_OF_AI = 0.45  # compact / AI snapshot, per page
MAX_OF_HTML = 0.6  # compact / HTML, per page (text-dense pages are above 0.3)


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=sorted(PAGES))
async def site(request: pytest.FixtureRequest) -> AsyncIterator[RunningSite]:
    running = await start_site(request.param)
    try:
        yield running
    finally:
        await running.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def page(site: RunningSite, browser: BrowserSession) -> AsyncIterator[Page]:
    context = await browser.new_context(site.base_url)
    try:
        yield await context.new_page()
    finally:
        await context.close()


async def _both(page: Page) -> tuple[str, str]:
    raw = await page.aria_snapshot(mode="ai")
    return raw, compact_snapshot(raw, await dom_hints(page, raw))


def _nodes(raw: str) -> dict[str, tuple[str, str, dict[str, str]]]:
    """ref -> (role, name, props) of every node of a raw snapshot."""
    out: dict[str, tuple[str, str, dict[str, str]]] = {}
    stack = list(parse_snapshot(raw))
    while stack:
        node = stack.pop()
        if node.ref:
            out[node.ref] = (node.role, node.name, node.props)
        stack.extend(node.children)
    return out


async def test_every_interactive_ref_survives_and_resolves(site: RunningSite, page: Page) -> None:
    for path in PAGES[site.name]:
        await page.goto(path)
        html = await page.content()
        raw, compact = await _both(page)
        wanted = interactive_refs(raw)
        assert len(wanted) >= 5, path
        missing = set(wanted) - refs_in(compact)
        assert not missing, f"{site.name}{path}: refs lost {sorted(missing)}"
        nodes = _nodes(raw)
        for ref in wanted:
            role, name, _ = nodes[ref]
            if name and role in ("link", "button", "textbox", "searchbox", "combobox"):
                # Playwright's own `role "name" [ref=...]` form, so callers can match on it
                assert f"{role} {json.dumps(name, ensure_ascii=False)} [ref={ref}]" in compact
        # refs in the compact text resolve to exactly one element of the live page
        kept = sorted(refs_in(compact))
        for ref in kept[:: max(1, len(kept) // SAMPLE)]:
            assert await page.locator(f"aria-ref={ref}").count() == 1, (path, ref)
        assert "[cursor=pointer]" not in compact and "/url:" not in compact
        assert len(compact) <= MAX_OF_AI * len(raw), path
        assert len(compact) <= MAX_OF_HTML * len(html), path


async def test_compact_refs_fill_and_click_the_elements_they_name(
    site: RunningSite, page: Page
) -> None:
    await page.goto("/register")
    raw, compact = await _both(page)
    nodes = _nodes(raw)
    fields = re.findall(r'(textbox|searchbox) "([^"]+)" \[ref=([a-z0-9]+)\]', compact)
    assert len(fields) >= 2
    for i, (_, _, ref) in enumerate(fields):
        await page.locator(f"aria-ref={ref}").fill(f"value-{i}")
    for i, (role, name, _) in enumerate(fields):  # read back through role+name, not the ref
        field = page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
        assert await field.first.input_value() == f"value-{i}", name
    # a link of the page body: clicking its compact ref goes where the raw snapshot says
    await page.goto("/")
    raw, compact = await _both(page)
    nodes = _nodes(raw)
    main = compact.split("main:", 1)[1]
    links = [
        ref
        for ref in re.findall(r'link "[^"]+" \[ref=([a-z0-9]+)\]', main)
        if nodes[ref][2].get("url", "").startswith("/")
    ]
    assert links
    url = nodes[links[0]][2]["url"]
    await page.locator(f"aria-ref={links[0]}").click()
    await page.wait_for_load_state()
    assert page.url == site.base_url + url


async def test_observe_is_compact_and_raw_on_request(site: RunningSite, page: Page) -> None:
    await page.goto("/")
    seen = await observe(page)
    raw = await observe(page, raw=True)
    assert seen.url == raw.url and seen.title == raw.title
    assert "[cursor=pointer]" in raw.snapshot and "[cursor=pointer]" not in seen.snapshot
    assert set(interactive_refs(raw.snapshot)) <= refs_in(seen.snapshot)
    assert len(seen.snapshot) < len(raw.snapshot) / 2


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def tracker() -> AsyncIterator[RunningSite]:
    running = await start_site("tracker")
    try:
        yield running
    finally:
        await running.stop()


async def test_autocomplete_suggestions_keep_their_refs(
    tracker: RunningSite, browser: BrowserSession
) -> None:
    """An ARIA listbox's options (the tracker's assignee autocomplete) are not a native
    `<select>`'s: each keeps its own line and ref, and the ref picks that suggestion. They
    used to fold into an empty `options:` line, so a model could never choose one."""
    context = await browser.new_context(tracker.base_url)
    try:
        page = await context.new_page()
        user, password = next(iter(tracker.accounts.items()))
        await page.goto("/login")
        await page.get_by_role("textbox", name="Username").fill(user)
        await page.get_by_role("textbox", name="Password").fill(password)
        await page.get_by_role("button", name="Log in").click()
        await page.goto("/p/harbor-ci/issues/new")
        seen = await observe(page)
        box = re.search(r'combobox "Assignee" \[ref=(\w+)\]', seen.snapshot)
        assert box, seen.snapshot
        fill = await Actor(page).fill(box.group(1), "al")
        assert fill.ok
        seen = await observe(page)
        option = re.search(r'option "([^"]*@alice\)[^"]*)" \[ref=(\w+)\]', seen.snapshot)
        assert option, seen.snapshot
        click = await Actor(page).click(option.group(2))
        assert click.ok and "option" in (click.locator or "")
        assert await page.locator("#assignee-value").input_value() == "alice"
    finally:
        await context.close()

"""What the compact observation adds from the DOM, on MiniWoB++ pages: read-only fields (a
calendar to click), autocompletes, and the icons Playwright can only call `generic`."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Page

import sites
from agent.browser import BrowserSession, observe
from sites.miniwob import get_task, start_episode

pytestmark = pytest.mark.browser


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def miniwob_site() -> AsyncIterator[sites.RunningSite]:
    async with sites.serve("miniwob") as site:
        yield site


@pytest_asyncio.fixture(loop_scope="session")
async def page(miniwob_site: sites.RunningSite, browser: BrowserSession) -> AsyncIterator[Page]:
    context = await browser.new_context(miniwob_site.base_url)
    try:
        yield await context.new_page()
    finally:
        await context.close()


def _ref(snapshot: str, pattern: str) -> str:
    match = re.search(pattern + r" \[ref=([a-z0-9]+)\]", snapshot)
    assert match, snapshot
    return match.group(1)


async def test_read_only_date_fields_and_autocompletes_are_marked(page: Page) -> None:
    await start_episode(page, get_task("choose-date"), seed=3)
    seen = await observe(page)
    assert re.search(r"Date: textbox \[ref=[a-z0-9]+\] \[readonly\]", seen.snapshot)
    await start_episode(page, get_task("book-flight"), seed=3)
    seen = await observe(page)
    assert re.search(r'textbox "From:" \[ref=[a-z0-9]+\] \[autocomplete\]', seen.snapshot)
    assert re.search(r"Departure Date · textbox \[ref=[a-z0-9]+\] \[readonly\]", seen.snapshot)
    # a plain field gets no note
    await start_episode(page, get_task("enter-text"), seed=3)
    seen = await observe(page)
    assert re.search(r"textbox \[ref=[a-z0-9]+\] · button", seen.snapshot), seen.snapshot


async def test_icons_get_hints_and_parts_of_a_clickable_bar_act(page: Page) -> None:
    episode = await start_episode(page, get_task("email-inbox-reply"), seed=3)
    sender = episode.fields["by"]
    seen = await observe(page)
    # each email of the inbox is a clickable row; open the sender's by its ref
    row = _ref(seen.snapshot, r"clickable(?= \[ref=[a-z0-9]+\]: " + re.escape(sender) + ")")
    await page.locator(f"aria-ref={row}").click()
    # the icons are CSS `content: url(...)` images: they have no size until the image is
    # decoded, and an element without a box is not on the page for any observer
    await page.locator("#email .email-actions .trash").wait_for(state="visible")
    seen = await observe(page)
    assert f"{sender} · to me" in seen.snapshot
    assert 'hint=".trash"' in seen.snapshot and 'hint=".star"' in seen.snapshot, seen.snapshot
    # every icon (a clickable with no text of its own) is named by a hint
    icons = re.findall(r"clickable \[ref=[a-z0-9]+\](?!:)( hint=\S+)?", seen.snapshot)
    assert icons and all(icons), seen.snapshot
    # "Reply" and "Forward" share one clickable bar; "Reply" keeps its own ref and opens the form
    reply = _ref(seen.snapshot, "Reply")
    await page.locator(f"aria-ref={reply}").click()
    seen = await observe(page)
    assert re.search(r"textbox[^\n]*\[ref=", seen.snapshot), seen.snapshot
    assert "[cursor=pointer]" not in seen.snapshot

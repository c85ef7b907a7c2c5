"""The hostile-code suite: every snippet is rejected before running, or runs with no effect.

Effects judged for every snippet: no listener on another loopback origin (TCP on another port
of 127.0.0.1, TCP and UDP on 127.0.0.2) saw a connection or a datagram, no canary file was
written, and the run finished within its timeout.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio
from hostile_snippets import SNIPPETS, Snippet
from playwright.async_api import Page
from security_listeners import Listeners

from agent.browser import BrowserSession
from agent.sandbox import (
    CANCEL_GRACE_S,
    ContainmentError,
    ResourceLimitError,
    SkillTimeoutError,
    compile_skill,
    run_skill,
)
from sites import RunningSite
from skills_store import PolicyViolation

pytestmark = pytest.mark.browser

TIMEOUT_S = 2.0
# A run may end after its deadline by the cancellation grace plus scheduling slack.
WITHIN_S = TIMEOUT_S + CANCEL_GRACE_S + 0.5
ERRORS: dict[str, tuple[type[BaseException], ...]] = {
    "containment": (ContainmentError,),
    "timeout": (SkillTimeoutError,),
    "limit": (ResourceLimitError,),
    "stopped": (SkillTimeoutError, ResourceLimitError),
    "recursion": (RecursionError,),
    "value": (ValueError,),
}


def test_the_suite_is_big_enough() -> None:
    categories = {s.category for s in SNIPPETS}
    assert len(SNIPPETS) >= 80
    assert len({s.id for s in SNIPPETS}) == len(SNIPPETS)
    assert {
        "imports", "builtins", "dunders", "files", "browser", "urls", "js", "sockets",
        "resources", "obfuscation", "names",
    } <= categories  # fmt: skip


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shared_page(
    browser: BrowserSession, shop_site: RunningSite
) -> AsyncIterator[Callable[[], Awaitable[Page]]]:
    """One contained context for the whole suite; a page whose context closed (a snippet may
    crash it) is replaced."""
    context = await browser.new_context(shop_site.base_url)
    pages: list[Page] = []

    async def get() -> Page:
        if not pages or pages[-1].is_closed():
            pages.append(await context.new_page())
        return pages[-1]

    try:
        yield get
    finally:
        await context.close()


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.id for s in SNIPPETS])
async def test_hostile_snippet(
    snippet: Snippet,
    shared_page: Callable[[], Awaitable[Page]],
    listeners: Listeners,
    tmp_path: Path,
) -> None:
    canary = tmp_path / "canary"
    code = listeners.fill(snippet.code).replace("{CANARY}", str(canary))
    try:
        fn = compile_skill(code, "probe")
    except PolicyViolation:
        assert snippet.outcome == "rejected", f"refused by the policy, expected {snippet.outcome}"
        assert not listeners.reached() and not canary.exists()
        return
    assert snippet.outcome != "rejected", "the policy accepted it"
    page = await shared_page()
    await page.goto("/")
    error: BaseException | None = None
    began = time.monotonic()
    try:
        await run_skill(fn, page, {}, timeout_s=TIMEOUT_S)
    except Exception as exc:  # judged below
        error = exc
    elapsed = time.monotonic() - began
    await page.goto("about:blank")  # whatever the snippet started has ended or been refused
    assert elapsed <= WITHIN_S, f"ran {elapsed:.1f} s (timeout {TIMEOUT_S} s)"
    assert not listeners.reached(), f"reached: {listeners.reached()}"
    assert not canary.exists(), "a file was written"
    expected = ERRORS.get(snippet.outcome)
    if expected is not None:
        assert isinstance(error, expected), f"expected {snippet.outcome}, got {error!r}"

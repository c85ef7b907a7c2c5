"""Observe a page: url, title, open tabs, the ARIA snapshot with refs, the last error."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page

from agent.models import Observation


async def observe(
    page: Page, *, last_error: str | None = None, screenshot_to: Path | None = None
) -> Observation:
    """An `Observation` of `page`; the snapshot's `[ref=eN]` handles address elements."""
    snapshot = await page.aria_snapshot(mode="ai")
    shot: str | None = None
    if screenshot_to is not None:
        screenshot_to.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(screenshot_to))
        shot = str(screenshot_to)
    tabs = [p.url for p in page.context.pages]
    return Observation(
        url=page.url,
        title=await page.title(),
        tabs=tabs,
        snapshot=snapshot,
        last_error=last_error,
        screenshot=shot,
    )

"""The judge's independent reads after a run, done in the browser: fresh pages in the run's own
context (same cookies, same site state), and login attempts in new contexts."""

from __future__ import annotations

from typing import Any

from playwright.async_api import BrowserContext, Page

from agent.browser.facts import page_facts
from agent.browser.readback import read_listing, row_fields, row_values
from agent.sandbox import run_skill
from agent.workbench import Workbench

CURRENT_PAGE = "@current"  # a read-back page: wherever the skill ended, read fresh


class BrowserProbe:
    def __init__(self, wb: Workbench, context: BrowserContext, page: Page) -> None:
        self.wb = wb
        self.context = context
        self.page = page

    async def _fresh(self, url: str) -> Page:
        """`url` loaded anew in the run's context; `CURRENT_PAGE` is the address the skill
        ended on (the item it created or changed), loaded anew, not the page as rendered."""
        page = await self.context.new_page()
        await page.goto(self.page.url if url == CURRENT_PAGE else url)
        return page

    async def text(self, url: str | None) -> tuple[str, str, str]:
        if url is None:
            facts = await page_facts(self.page)
        else:
            page = await self._fresh(url)
            try:
                facts = await page_facts(page)
            finally:
                await page.close()
        return facts.path, f"{facts.h1}\n{facts.title}", facts.text

    async def listing(self, url: str) -> list[str]:
        page = await self._fresh(url)
        try:
            return await read_listing(page)
        finally:
            await page.close()

    async def row_values(self, url: str, key: str) -> list[str] | None:
        page = await self._fresh(url)
        try:
            return await row_values(page, key)
        finally:
            await page.close()

    async def row_fields(self, url: str, key: str) -> list[tuple[str, str]] | None:
        page = await self._fresh(url)
        try:
            return await row_fields(page, key)
        finally:
            await page.close()

    async def login(self, skill: str, username: str, password: str) -> str | None:
        fn = self.wb.skills().get(skill)
        if fn is None:
            return f"login skill {skill} is not in the library"
        context = await self.wb.browser.new_context(self.wb.target.base_url)
        try:
            page = await context.new_page()
            args: dict[str, Any] = {"username": username, "password": password}
            try:
                await run_skill(fn, page, args, self.wb.skill_timeout_s)
            except Exception as exc:
                return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            facts = await page_facts(page)
            if username.casefold() not in facts.text.casefold():
                return f"the page after logging in does not show {username!r}"
            return None
        finally:
            await context.close()

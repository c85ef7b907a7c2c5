"""Primitive actions addressed by ref (or locator), each recorded with its normalised locator."""

from __future__ import annotations

import time

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page

from agent.browser.facts import url_path
from agent.browser.locators import stable_locator
from agent.models import ActionKind, ActionRecord

Target = str | Locator

SUGGESTIONS_WAIT_MS = 2000  # how long a filled autocomplete may take to list its suggestions
_SUGGESTS = (
    "e => e.getAttribute('role') === 'combobox' && e.tagName !== 'SELECT'"
    " || ['list', 'both'].includes(e.getAttribute('aria-autocomplete'))"
)
_EXPANDED = "e => e.getAttribute('aria-expanded') === 'true'"


async def await_suggestions(page: Page, locator: Locator) -> None:
    """After typing into an autocomplete (an ARIA combobox), wait until it lists its
    suggestions (`aria-expanded="true"`), at most `SUGGESTIONS_WAIT_MS`: they usually arrive
    from a request the typing started, after the fill itself returned, and the next
    observation must show them. A text that matches nothing leaves it closed; that is no error.
    """
    try:
        handle = await locator.element_handle(timeout=SUGGESTIONS_WAIT_MS)
        if not await handle.evaluate(_SUGGESTS):
            return
        await page.wait_for_function(_EXPANDED, arg=handle, timeout=SUGGESTIONS_WAIT_MS)
    except PlaywrightError:
        return


class Actor:
    """Performs primitive actions on a page and keeps the `ActionRecord`s.

    A target is a snapshot ref (`"e12"`) or a Playwright `Locator`. Before acting, the target is
    normalised (`locator.normalize()`) and checked to match exactly one element; the record keeps
    that stable locator, never the ref.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.records: list[ActionRecord] = []

    def _resolve(self, target: Target) -> tuple[Locator, str | None]:
        if isinstance(target, str):
            return self.page.locator(f"aria-ref={target}"), target
        return target, None

    async def _act(
        self,
        kind: ActionKind,
        target: Target | None,
        value: str | None = None,
        param: str | None = None,
        *,
        perform: bool = True,
    ) -> ActionRecord:
        began = time.perf_counter()
        before = url_path(self.page.url)
        source: str | None = None
        ref: str | None = None
        anchored = "none"
        error: str | None = None
        try:
            if target is not None:
                raw, ref = self._resolve(target)
                locator, source, anchored = await stable_locator(self.page, raw)
                if not perform:
                    pass
                elif kind == "click":
                    await locator.click()
                elif kind == "fill":
                    await locator.fill(value or "")
                    await await_suggestions(self.page, locator)
                elif kind == "select":
                    await locator.select_option(label=value)
                elif kind == "check":
                    await locator.check()
                elif kind == "uncheck":
                    await locator.uncheck()
                elif kind == "press":
                    await locator.press(value or "Enter")
                elif kind == "scroll":
                    await locator.scroll_into_view_if_needed()
            elif kind == "goto":
                await self.page.goto(value or "/")
            elif kind == "scroll":
                await self.page.mouse.wheel(0, 600)
            await self.page.wait_for_load_state()
        except PlaywrightError as exc:
            error = str(exc).splitlines()[0]
        record = ActionRecord(
            kind=kind,
            ref=ref,
            locator=source,
            value=value,
            param=param,
            url_before=before,
            url_after=url_path(self.page.url),
            ok=error is None,
            error=error,
            unique=anchored != "nth",
            anchored=anchored,  # type: ignore[arg-type]
            duration_s=round(time.perf_counter() - began, 3),
        )
        self.records.append(record)
        return record

    async def locate(self, kind: ActionKind, target: Target, param: str) -> ActionRecord:
        """Record the stable locator of an optional field without acting on it (its value is
        unset in this attempt), so the induced skill can still set it when asked."""
        return await self._act(kind, target, None, param, perform=False)

    async def goto(self, url: str, param: str | None = None) -> ActionRecord:
        return await self._act("goto", None, url, param)

    async def click(self, target: Target, param: str | None = None) -> ActionRecord:
        return await self._act("click", target, None, param)

    async def fill(self, target: Target, value: str, param: str | None = None) -> ActionRecord:
        return await self._act("fill", target, value, param)

    async def select(self, target: Target, label: str, param: str | None = None) -> ActionRecord:
        return await self._act("select", target, label, param)

    async def check(self, target: Target, param: str | None = None) -> ActionRecord:
        return await self._act("check", target, None, param)

    async def uncheck(self, target: Target, param: str | None = None) -> ActionRecord:
        return await self._act("uncheck", target, None, param)

    async def press(self, target: Target, key: str = "Enter") -> ActionRecord:
        return await self._act("press", target, key)

    async def scroll(self, target: Target | None = None) -> ActionRecord:
        return await self._act("scroll", target)


async def record_call(
    actor: Actor, skill: str, fn: object, args: dict[str, object], arg_params: dict[str, str]
) -> ActionRecord:
    """Call a library skill as one step (recorded as `call`, so induced code calls it too).

    `arg_params` maps the called skill's argument names to the caller's parameter names.
    """
    began = time.perf_counter()
    before = url_path(actor.page.url)
    error: str | None = None
    try:
        await fn(actor.page, **args)  # type: ignore[operator]
    except Exception as exc:  # recorded as a failed step; the judge rejects the trajectory
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    record = ActionRecord(
        kind="call",
        value=skill,
        args=arg_params,
        url_before=before,
        url_after=url_path(actor.page.url),
        ok=error is None,
        error=error,
        duration_s=round(time.perf_counter() - began, 3),
    )
    actor.records.append(record)
    return record

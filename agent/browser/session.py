"""One browser per run, one fresh context per task, off-origin requests blocked."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Playwright, Route, async_playwright

from agent.browser.chromium import INSTALL_HINT, LAUNCH_ARGS, find_chromium
from agent.errors import BrowserNotFoundError

ALWAYS_ALLOWED_SCHEMES = ("data:", "blob:", "about:")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class BrowserSession:
    """`async with BrowserSession() as browser: ctx = await browser.new_context(base_url)`."""

    def __init__(self, *, headless: bool = True, executable: str | None = None) -> None:
        self.headless = headless
        self.executable = executable
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def __aenter__(self) -> BrowserSession:
        executable = self.executable or find_chromium()
        self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=executable, headless=self.headless, args=list(LAUNCH_ARGS)
            )
        except Exception as exc:
            await self._playwright.stop()
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise BrowserNotFoundError(
                f"Chromium at {executable} failed to start ({first}); {INSTALL_HINT}"
            ) from None
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            raise RuntimeError("BrowserSession is not started; use `async with`")
        return self._browser

    async def new_context(
        self,
        base_url: str,
        *,
        extra_origins: tuple[str, ...] = (),
        trace: bool = False,
        viewport: tuple[int, int] = (1280, 900),
        storage_state: dict[str, Any] | None = None,
    ) -> BrowserContext:
        """A fresh context whose relative URLs resolve against `base_url`.

        Requests to any origin other than `base_url`'s (and `extra_origins`) are aborted.
        """
        context = await self.browser.new_context(
            base_url=base_url,
            viewport={"width": viewport[0], "height": viewport[1]},
            service_workers="block",
            storage_state=storage_state,  # type: ignore[arg-type]
        )
        allowed = {origin_of(base_url), *(origin_of(o) for o in extra_origins)}

        async def guard(route: Route) -> None:
            url = route.request.url
            if url.startswith(ALWAYS_ALLOWED_SCHEMES) or origin_of(url) in allowed:
                await route.continue_()
            else:
                await route.abort("blockedbyclient")

        await context.route("**/*", guard)
        if trace:
            await context.tracing.start(screenshots=True, snapshots=True)
        context.set_default_timeout(5_000)
        context.set_default_navigation_timeout(15_000)
        return context


async def close_context(context: BrowserContext, trace_path: Path | None = None) -> None:
    """Close a context, saving its Playwright trace first when one was started."""
    if trace_path is not None:
        trace_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await context.tracing.stop(path=str(trace_path))
        except Exception:  # tracing was not started for this context
            pass
    await context.close()

"""One browser per run, one fresh context per task, contained to the target's origin.

Containment is done by Chromium's network stack, not by routing requests through Python: each
context gets a proxy whose bypass list is the target's `host:port`, and the proxy (an
`EgressGuard` on loopback) refuses every connection it is asked for. Same-origin requests go
direct and keep the HTTP cache; anything else - navigations, subresources, WebSockets,
preconnects, other ports of the same host - never reaches its destination. WebRTC is limited to
proxied TCP by launch flags (see `agent.browser.chromium`), so it cannot send UDP either.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

from agent.browser.chromium import INSTALL_HINT, LAUNCH_ARGS, find_chromium
from agent.browser.egress import BlockedAttempt, EgressGuard
from agent.errors import BrowserNotFoundError


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
        self._guard = EgressGuard()

    async def __aenter__(self) -> BrowserSession:
        executable = self.executable or find_chromium()
        await self._guard.__aenter__()
        try:
            self._playwright = await async_playwright().start()
        except BaseException:  # e.g. cancelled by Ctrl-C while the driver starts
            await self._stop_playwright()
            raise
        try:
            # The driver must not close the browser on its own when the terminal's Ctrl-C
            # reaches the whole process group: we close it, in order, when the run unwinds.
            self._browser = await self._playwright.chromium.launch(
                executable_path=executable,
                headless=self.headless,
                args=list(LAUNCH_ARGS),
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
        except BaseException as exc:
            await self._stop_playwright()
            if not isinstance(exc, Exception):
                raise
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
        """Close the browser, the driver and the guard; each step runs even if one before it
        fails (e.g. the browser is already gone after an interrupt)."""
        try:
            if self._browser is not None:
                with contextlib.suppress(Exception):
                    await self._browser.close()
                self._browser = None
        finally:
            await self._stop_playwright()

    async def _stop_playwright(self) -> None:
        try:
            if self._playwright is not None:
                with contextlib.suppress(Exception):
                    await self._playwright.stop()
                self._playwright = None
        finally:
            await self._guard.__aexit__(None, None, None)

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            raise RuntimeError("BrowserSession is not started; use `async with`")
        return self._browser

    @property
    def blocked(self) -> list[BlockedAttempt]:
        """Every connection the contexts of this session were refused, oldest first."""
        return list(self._guard.blocked)

    def log_blocked_to(self, path: Path | None) -> None:
        """Append every refused connection to `path` (JSON lines), e.g. in the run folder;
        None stops logging."""
        self._guard.log = path

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

        Connections to any origin other than `base_url`'s (and `extra_origins`) are refused by
        the network stack; they are recorded in `blocked`.
        """
        origins = [origin_of(base_url), *(origin_of(o) for o in extra_origins)]
        context = await self.browser.new_context(
            base_url=base_url,
            viewport={"width": viewport[0], "height": viewport[1]},
            service_workers="block",
            storage_state=storage_state,  # type: ignore[arg-type]
            proxy=self._guard.proxy(origins),  # type: ignore[arg-type]
        )
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

"""What containing a browser context costs a skill call: the old route guard vs the proxy.

    .venv/bin/python bench/guard_cost.py [--runs N]

Both contexts come from one Chromium and talk to one served shop:

* route guard (before): `context.route("**/*", guard)`, every request goes to Python, which
  continues same-origin requests and aborts the rest (Playwright also turns the cache off);
* proxy (now): `BrowserSession.new_context`, i.e. a per-context proxy that only refuses
  off-origin connections; same-origin requests go direct and are cached.

Measured, interleaved (one of each per round, so machine load hits both alike):
* "skill call": one `search_products` call (goto, fill, click, read results) on a warm page;
* "fresh context": new context + new page + first `goto("/")`, what every test input pays.
Prints the median and the 90th percentile of each, side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.async_api import BrowserContext, Route

from agent.browser import BrowserSession
from agent.sandbox import compile_skill, run_skill
from sites import start_site

SKILL = '''
async def search_products(page: Page, query: str) -> list[str]:
    """Search the catalogue and return the product names on the first results page."""
    await page.goto("/")
    await page.get_by_role("searchbox", name="Search products").fill(query)
    await page.get_by_role("button", name="Search").click()
    await page.wait_for_load_state()
    return await page.get_by_role("main").get_by_role("heading").all_inner_texts()
'''
QUERIES = ["mug", "lamp", "tea", "desk", "pen"]


async def route_guarded(
    session: BrowserSession, base_url: str, routed: list[str] | None = None
) -> BrowserContext:
    """The containment used before: a `**/*` route whose handler runs in Python."""
    context = await session.browser.new_context(base_url=base_url, service_workers="block")
    parts = urlsplit(base_url)
    allowed = f"{parts.scheme}://{parts.netloc}"

    async def guard(route: Route) -> None:
        url = route.request.url
        if routed is not None:
            routed.append(url)
        target = urlsplit(url)
        if url.startswith(("data:", "blob:", "about:")) or (
            f"{target.scheme}://{target.netloc}" == allowed
        ):
            await route.continue_()
        else:
            await route.abort("blockedbyclient")

    await context.route("**/*", guard)
    return context


async def proxied(session: BrowserSession, base_url: str) -> BrowserContext:
    return await session.new_context(base_url)


async def timed(action: Callable[[], Awaitable[object]]) -> float:
    began = time.perf_counter()
    await action()
    return time.perf_counter() - began


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(values) * 1000:6.1f} ms  p90 {p90 * 1000:6.1f} ms"


async def main(runs: int) -> None:
    site = await start_site("shop")
    try:
        async with BrowserSession() as session:
            fn = compile_skill(SKILL, "search_products")
            makers = {"route guard (before)": route_guarded, "proxy (now)": proxied}
            calls: dict[str, list[float]] = {name: [] for name in makers}
            fresh: dict[str, list[float]] = {name: [] for name in makers}
            pages = {}
            for name, make in makers.items():
                context = await make(session, site.base_url)
                pages[name] = (context, await context.new_page())
                await run_skill(fn, pages[name][1], {"query": "mug"})  # warm up
            for i in range(runs):
                for name, make in makers.items():
                    page = pages[name][1]
                    query = QUERIES[i % len(QUERIES)]
                    calls[name].append(
                        await timed(lambda: run_skill(fn, page, {"query": query}))  # noqa: B023
                    )

                    async def open_fresh() -> None:
                        context = await make(session, site.base_url)  # noqa: B023
                        page = await context.new_page()
                        await page.goto("/")
                        await context.close()

                    fresh[name].append(await timed(open_fresh))
            for context, _page in pages.values():
                await context.close()
            routed: list[str] = []
            context = await route_guarded(session, site.base_url, routed)
            await run_skill(fn, await context.new_page(), {"query": "mug"})
            await context.close()
    finally:
        await site.stop()
    print(f"{runs} interleaved rounds against the bundled shop")
    for name in makers:
        print(f"  skill call     {name:22s} {summary(calls[name])}")
    for name in makers:
        print(f"  fresh context  {name:22s} {summary(fresh[name])}")
    before = statistics.median(calls["route guard (before)"])
    now = statistics.median(calls["proxy (now)"])
    print(f"  skill call: proxy / route guard = {now / before:.2f}")
    print(
        f"  requests handled in Python per skill call: route guard {len(routed)}, proxy 0 "
        "(the proxy only sees off-origin connections)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    asyncio.run(main(parser.parse_args().runs))

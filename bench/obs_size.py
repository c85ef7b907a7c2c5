"""How many characters an observation costs: raw HTML vs Playwright's snapshots vs ours.

    .venv/bin/python bench/obs_size.py [--seed N] [--quiet]

For each page of the bundled shop, forum and tracker (anonymous pages first, then logged in as
the site's first seeded account) and for 12 MiniWoB++ tasks (one seeded episode each), prints:

* html     - the page's HTML (`page.content()`, the rendered DOM, as a model reading HTML would)
* aria     - Playwright's default ARIA snapshot (`page.aria_snapshot()`, no refs)
* ai       - Playwright's AI snapshot (`page.aria_snapshot(mode="ai")`, with refs)
* compact  - `Observation.snapshot` (`agent.browser.compact`, with the DOM hints `observe()` adds)
* ratio    - compact / html
* refs     - interactive refs of the AI snapshot kept in the compact one (kept/all)

and the median per site. All sites run side by side in one process, one browser. The goal
(exit status 1 if missed): median compact/html <= 0.3 on each bundled site, no ref lost.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.async_api import Page

from agent.browser import BrowserSession
from agent.browser.compact import compact_snapshot, interactive_refs, refs_in
from agent.browser.observation import dom_hints
from sites import RunningSite, start_site
from sites.miniwob import get_task, start_episode

GOAL = 0.3

# (path, logged in?) - anonymous pages are visited before logging in
PAGES: dict[str, list[tuple[str, bool]]] = {
    "shop": [
        ("/login", False),
        ("/register", False),
        ("/", True),
        ("/search?q=mug", True),
        ("/category/kitchen", True),
        ("/product/1", True),
        ("/cart", True),
        ("/orders", True),
        ("/wishlist", True),
    ],
    "forum": [
        ("/login", False),
        ("/register", False),
        ("/", True),
        ("/forums", True),
        ("/f/music", True),
        ("/f/music/317", True),
        ("/user/dataDiva", True),
        ("/search?q=the", True),
        ("/submit", True),
    ],
    "tracker": [
        ("/login", False),
        ("/register", False),
        ("/", True),
        ("/p/harbor-ci", True),
        ("/p/harbor-ci/issues", True),
        ("/p/harbor-ci/issues/1", True),
        ("/p/harbor-ci/issues/new", True),
        ("/p/harbor-ci/milestones", True),
        ("/p/harbor-ci/members", True),
        ("/p/harbor-ci/wiki", True),
    ],
}

MINIWOB_TASKS = (
    "click-button",
    "click-link",
    "click-tab-2",
    "click-checkboxes",
    "enter-text",
    "login-user",
    "choose-date",
    "use-autocomplete",
    "email-inbox",
    "social-media",
    "search-engine",
    "book-flight",
)


@dataclass
class Row:
    site: str
    page: str
    html: int
    aria: int
    ai: int
    compact: int
    kept: int
    wanted: int

    @property
    def ratio(self) -> float:
        return self.compact / self.html if self.html else 0.0


async def measure(page: Page, site: str, label: str) -> Row:
    html = await page.content()
    aria = await page.aria_snapshot()
    ai = await page.aria_snapshot(mode="ai")
    compact = compact_snapshot(ai, await dom_hints(page, ai))  # what observe() returns
    wanted = set(interactive_refs(ai))
    return Row(
        site, label, len(html), len(aria), len(ai), len(compact),
        len(wanted & refs_in(compact)), len(wanted),
    )  # fmt: skip


async def log_in(page: Page, site: RunningSite) -> None:
    """Log in through the site's own form, as a user would."""
    form = site.definition.login
    assert form is not None
    username, password = next(iter(site.accounts.items()))
    await page.goto(form.path)
    await page.fill(f"input[name={form.username_field}]", username)
    await page.fill(f"input[name={form.password_field}]", password)
    await page.press(f"input[name={form.password_field}]", "Enter")
    await page.wait_for_load_state()


async def bench_site(browser: BrowserSession, site: RunningSite) -> list[Row]:
    context = await browser.new_context(site.base_url)
    rows: list[Row] = []
    try:
        page = await context.new_page()
        logged_in = False
        for path, wants_login in PAGES[site.name]:
            if wants_login and not logged_in:
                await log_in(page, site)
                logged_in = True
            await page.goto(path)
            rows.append(await measure(page, site.name, path))
    finally:
        await context.close()
    return rows


async def bench_miniwob(browser: BrowserSession, site: RunningSite, seed: int) -> list[Row]:
    context = await browser.new_context(site.base_url)
    rows: list[Row] = []
    try:
        page = await context.new_page()
        for name in MINIWOB_TASKS:
            await start_episode(page, get_task(name), seed=seed)
            rows.append(await measure(page, "miniwob", name))
    finally:
        await context.close()
    return rows


def print_table(rows: list[Row], quiet: bool) -> None:
    header = (
        f"{'site/page':<34} {'html':>7} {'aria':>7} {'ai':>7} {'compact':>8} {'ratio':>6}  refs"
    )
    print(header)
    print("-" * len(header))
    for site in dict.fromkeys(r.site for r in rows):
        mine = [r for r in rows if r.site == site]
        if not quiet:
            for r in mine:
                label = f"{site}{r.page}" if r.page.startswith("/") else f"{site}/{r.page}"
                print(
                    f"{label[:34]:<34} {r.html:>7} {r.aria:>7} {r.ai:>7} {r.compact:>8} "
                    f"{r.ratio:>6.2f}  {r.kept}/{r.wanted}"
                )
        med = statistics.median
        kept, wanted = sum(r.kept for r in mine), sum(r.wanted for r in mine)
        print(
            f"{'MEDIAN ' + site + f' ({len(mine)} pages)':<34} {med(r.html for r in mine):>7.0f} "
            f"{med(r.aria for r in mine):>7.0f} {med(r.ai for r in mine):>7.0f} "
            f"{med(r.compact for r in mine):>8.0f} {med(r.ratio for r in mine):>6.2f}  "
            f"{kept}/{wanted}"
        )
        if not quiet:
            print()


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=3, help="MiniWoB episode seed")
    parser.add_argument("--quiet", action="store_true", help="medians only")
    args = parser.parse_args(argv)
    names = [*PAGES, "miniwob"]
    sites = await asyncio.gather(*(start_site(name) for name in names))
    try:
        async with BrowserSession() as browser:
            runs = [bench_site(browser, s) for s in sites if s.name != "miniwob"]
            runs += [bench_miniwob(browser, sites[-1], args.seed)]
            results = await asyncio.gather(*runs)
    finally:
        await asyncio.gather(*(s.stop() for s in sites))
    rows = [row for result in results for row in result]
    print_table(rows, args.quiet)
    ok = True
    for site in PAGES:
        mine = [r for r in rows if r.site == site]
        ratio = statistics.median(r.ratio for r in mine)
        lost = sum(r.wanted - r.kept for r in mine)
        ok = ok and ratio <= GOAL and lost == 0
        print(f"{site}: median compact/html {ratio:.3f} (goal <= {GOAL}), refs lost: {lost}")
    total_ai = sum(r.ai for r in rows)
    total_compact = sum(r.compact for r in rows)
    print(f"all pages: compact is {total_compact / total_ai:.2f}x the AI snapshot")
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))

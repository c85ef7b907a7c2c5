"""What the proposer sees of a site: the start page and a few pages of other kinds, each as a
compact snapshot, chosen by route pattern (one page per kind of address)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.async_api import Page

from agent.browser.facts import page_facts
from agent.browser.observation import observe

_ID = re.compile(r"\d+")
PAGE_CHARS = 3_500  # per page in the proposer's prompt


def route_kind(path: str) -> str:
    """`/product/12` and `/product/7` are one kind; query strings are ignored."""
    return _ID.sub("{id}", urlsplit(path).path)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "\n… (cut)"


async def survey(page: Page, start: str, scope: str, *, pages: int = 4) -> tuple[str, list[str]]:
    """Observations of `start` and up to `pages - 1` pages of other kinds linked from it, as
    prompt text, and the paths seen."""
    await page.goto(start)
    facts = await page_facts(page)
    chosen: list[str] = []
    kinds = {route_kind(start)}
    for link in facts.links:
        path = link.href
        if not path.startswith(scope) or path.startswith(("/logout", "/static")):
            continue
        if "logout" in path.lower() or route_kind(path) in kinds:
            continue
        kinds.add(route_kind(path))
        chosen.append(path)
    # entity pages (with an id) first: they show the forms that act on one item
    chosen.sort(key=lambda p: 0 if _ID.search(p) else 1)
    parts: list[str] = []
    seen: list[str] = []
    for path in [start, *chosen[: pages - 1]]:
        try:
            if path != start:
                await page.goto(path)
            obs = await observe(page)
        except Exception as exc:  # a page that fails is mentioned, not fatal
            parts.append(f"### {path}\n(could not be read: {str(exc).splitlines()[0][:120]})")
            continue
        seen.append(path)
        parts.append(
            f"### {urlsplit(obs.url).path} — {obs.title}\n{clip(obs.snapshot, PAGE_CHARS)}"
        )
    other = sorted(kinds - {route_kind(p) for p in seen})
    if other:
        parts.append("Other addresses on the site: " + ", ".join(other[:25]))
    return "\n\n".join(parts), seen

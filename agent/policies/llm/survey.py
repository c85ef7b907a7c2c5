"""What the proposer sees of a site: the start page and a few pages of other kinds, each as a
compact snapshot. Pages are chosen breadth-first by kind of address (`/product/12` and
`/product/7` are one kind, and so are `/category/books` and `/category/garden`), item pages
first: they show the forms that act on one item."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from playwright.async_api import Page

from agent.browser.facts import page_facts
from agent.browser.observation import observe

_ID = re.compile(r"\d+(?=/|$)")  # digits ending a segment: /issue/12, /issue12
PAGE_CHARS = 3_500  # per page in the proposer's prompt


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "\n… (cut)"


def _parent(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[0]


class _Kinds:
    """Kinds of address: digits are ids; a last segment with siblings is a slug."""

    def __init__(self) -> None:
        self.shapes: set[str] = set()
        self.children: Counter[str] = Counter()  # parent -> distinct shapes below it

    def learn(self, paths: list[str]) -> None:
        new = {_ID.sub("{id}", urlsplit(p).path) for p in paths} - self.shapes
        self.children.update(_parent(s) for s in new)
        self.shapes |= new

    def kind(self, path: str) -> str:
        shape = _ID.sub("{id}", urlsplit(path).path)
        parent = _parent(shape)
        if shape.endswith("{id}") or not parent or self.children[parent] < 2:
            return shape  # top-level pages (/cart, /login) are each their own kind
        return parent + "/{slug}"


def _same_site_paths(links: list[str], page_url: str, scope: str) -> list[str]:
    origin = urlsplit(page_url)
    out = []
    for link in links:
        href = urlsplit(link)
        if (href.scheme, href.netloc) != (origin.scheme, origin.netloc):
            continue  # another site
        path = href.path + (f"?{href.query}" if href.query else "")
        if path.startswith(scope) and "logout" not in path.lower() and "/static" not in path:
            out.append(path)
    return out


async def survey(page: Page, start: str, scope: str, *, pages: int = 4) -> tuple[str, list[str]]:
    """Observations of `start` and up to `pages - 1` pages of other kinds reached from it, as
    prompt text, and the paths seen."""
    kinds = _Kinds()
    seen_kinds: set[str] = set()
    frontier: list[str] = [start]
    parts: list[str] = []
    seen: list[str] = []
    all_kinds: set[str] = set()
    while frontier and len(seen) < pages:
        path = frontier.pop(0)
        if path in seen:
            continue
        try:
            await page.goto(path)
            obs = await observe(page)
            facts = await page_facts(page)
        except Exception as exc:  # a page that fails is mentioned, not fatal
            parts.append(f"### {path}\n(could not be read: {str(exc).splitlines()[0][:120]})")
            continue
        seen.append(path)
        seen_kinds.add(kinds.kind(path))
        head = f"### {urlsplit(obs.url).path} — {obs.title}"
        parts.append(f"{head}\n{clip(obs.snapshot, PAGE_CHARS)}")
        links = _same_site_paths([link.href for link in facts.links], page.url, scope)
        kinds.learn(links)
        fresh: dict[str, str] = {}
        for link in links:
            kind = kinds.kind(link)
            all_kinds.add(kind)
            if kind not in seen_kinds and kind not in fresh.values():
                fresh[link] = kind
        queued = {kinds.kind(p) for p in frontier}
        new = [p for p, k in fresh.items() if k not in queued]
        # item pages (an id or a slug) before fixed pages
        new.sort(key=lambda p: 0 if "{" in kinds.kind(p) else 1)
        frontier = sorted(frontier + new, key=lambda p: 0 if "{" in kinds.kind(p) else 1)
    other = sorted(all_kinds - seen_kinds)
    if other:
        parts.append("Other kinds of address on the site: " + ", ".join(other[:25]))
    return "\n\n".join(parts), seen

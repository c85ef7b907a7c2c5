"""Crawl same-origin pages (bounded) and summarise them: forms, entity pages, entity names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from pydantic import BaseModel, Field

from agent.browser.facts import (
    FormFact,
    PageFacts,
    PageReadError,
    generalise,
    page_facts,
    url_path,
    url_pattern,
)
from agent.target import scope_of

SKIP_WORDS = ("logout", "log out", "sign out", "delete", "remove")


class Entity(BaseModel):
    """A kind of detail page (`/product/{id}`) and the names linking to it."""

    pattern: str
    noun: str
    examples: dict[str, str] = Field(default_factory=dict)  # name -> path
    sources: dict[str, str] = Field(default_factory=dict)  # name -> listing page that links it


class Skipped(BaseModel):
    """A page the crawler could not use, and why."""

    path: str
    reason: str


class SiteMap(BaseModel):
    root: str = "/"  # the scope: paths under it only; its first segment is not an item
    pages: list[PageFacts] = Field(default_factory=list)
    entities: dict[str, Entity] = Field(default_factory=dict)  # pattern -> Entity
    skipped: list[Skipped] = Field(default_factory=list)

    def page_for(self, path: str) -> PageFacts | None:
        return next((p for p in self.pages if p.path == path), None)

    def forms(self) -> list[tuple[PageFacts, FormFact]]:
        return [(p, f) for p in self.pages for f in p.forms]

    def pattern(self, path: str) -> str:
        """The URL pattern of `path` given every path this map knows (`/p/{slug}/issues`)."""
        known = [p.path.split("?")[0] for p in self.pages]
        known += [f.action_path for p in self.pages for f in p.forms]
        known += [e for ent in self.entities.values() for e in ent.examples.values()]
        return generalise([path, *known], self.root)[path]

    def form_key(self, form: FormFact) -> tuple[str, str, tuple[str, ...]]:
        """A form's identity across pages and across entities (one skill per key)."""
        method, _, fields = form.signature()
        return (method, self.pattern(form.action_path), fields)


def _noun(pattern: str) -> str:
    segs = [s for s in pattern.split("/") if s]
    for seg in segs:
        word = seg.split("{")[0].strip("_-")
        if "{" in seg and len(word) >= 3 and word.isalpha():  # issue{id}
            return word.lower()
    for i, seg in enumerate(segs):
        if seg.startswith("{") and i > 0:
            word = segs[i - 1]
            if len(word) >= 3 and word.isalpha():
                return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    return "item"


async def crawl(
    page: Page,
    start: str = "/",
    *,
    scope: str | None = None,
    max_pages: int = 30,
    per_pattern: int = 2,
    on_page: Callable[[PageFacts], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> SiteMap:
    """Breadth-first crawl of same-origin links from `start` that stay under `scope` (default:
    the start's folder), at most `per_pattern` pages of each URL pattern; never follows links
    that look destructive (log out, delete, remove). A page that fails to load, answers an
    error or cannot be read is skipped with its reason."""
    scope = scope or scope_of(start)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url or ""))
    queue: list[str] = [start]
    seen: set[str] = set()
    visits: dict[str, int] = defaultdict(int)
    pages: list[PageFacts] = []
    skipped: list[Skipped] = []
    all_links: dict[str, list[tuple[str, str]]] = {}  # path -> [(text, found on)], first first

    def skip(path: str, reason: str) -> None:
        skipped.append(Skipped(path=path, reason=reason))
        if on_skip is not None:
            on_skip(skipped[-1])

    # pages of a kind already visited `per_pattern` times under a name (/wiki/TracGuide,
    # /wiki/TracIni…) wait until every other kind was visited: one app section of many named
    # pages does not use up the page budget before the others (tickets, milestones) are seen
    deferred: list[str] = []
    draining = False
    kinds: dict[str, int] = defaultdict(int)
    while (queue or deferred) and len(pages) < max_pages:
        if not queue:
            queue, deferred, draining = deferred, [], True
        path = queue.pop(0)
        if path in seen:
            continue
        bare = urlsplit(path).path
        kind = generalise([bare, *(k.split("?")[0] for k in all_links)], scope)[bare]
        named = kind != url_pattern(bare) and "?" not in path
        if named and not draining and kinds[kind] >= per_pattern:
            deferred.append(path)
            continue
        seen.add(path)
        pattern = url_pattern(bare) + ("?" if "?" in path else "")
        if visits[pattern] >= per_pattern:
            continue
        try:
            response = await page.goto(path)
        except PlaywrightError as exc:
            skip(path, f"did not load: {str(exc).splitlines()[0]}")
            continue
        if response is not None and response.status >= 400:
            skip(path, f"the site answered {response.status}")
            continue
        if not origin.startswith("http"):
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        visits[pattern] += 1
        if named:
            kinds[kind] += 1
        try:
            facts = await page_facts(page)
        except PageReadError as exc:
            skip(path, str(exc))
            continue
        pages.append(facts)
        if on_page is not None:
            on_page(facts)
        for link in facts.links:
            if not link.href.startswith(origin) or not link.visible:
                continue
            target = url_path(link.href.split("#")[0])
            if any(w in link.text.lower() for w in SKIP_WORDS):
                continue
            if not (target.split("?")[0] + "/").startswith(scope) and target != scope.rstrip("/"):
                continue
            named = all_links.setdefault(target, [])
            if link.text and (link.text, facts.path) not in named and len(named) < 8:
                named.append((link.text, facts.path))
            if target not in seen:
                queue.append(target)
    headings = {p.path: f"{p.h1}\n{p.title}" for p in pages}
    entities = _entities(all_links, scope, headings)
    return SiteMap(root=scope, pages=pages, entities=entities, skipped=skipped)


def _confirmed(text: str, heading: str | None) -> bool:
    return heading is not None and " ".join(text.split()).casefold() in heading.casefold()


def _entities(
    links: dict[str, list[tuple[str, str]]],
    root: str = "/",
    headings: dict[str, str] | None = None,
) -> dict[str, Entity]:
    """Kinds of item pages and their names. An item may be linked by several texts (a menu's
    "Help/Guide", a timeline's "14:37 Ticket #6 (…) created by ada", an index's "TracGuide"):
    its name is the text of the first listing page, unless another listing's texts are the
    ones the items' own pages (those crawled) show in their heading or title."""
    headings = headings or {}
    bare = {p: [(t, s) for t, s in v if t and len(t) <= 80] for p, v in links.items()}
    bare = {p: v for p, v in bare.items() if "?" not in p and v}
    patterns = generalise(list(bare), root)
    kinds: dict[str, list[str]] = {}
    for path, pattern in patterns.items():
        if "{" in pattern:
            kinds.setdefault(pattern, []).append(path)
    entities: dict[str, Entity] = {}
    for pattern, paths in kinds.items():
        listings: dict[str, list[str]] = {}  # source -> paths it names
        for path in paths:
            for _, source in bare[path]:
                if path not in listings.setdefault(source, []):
                    listings[source].append(path)

        def text_on(path: str, source: str | None) -> tuple[str, str]:
            # a page may link an item twice (a menu's "Guide", its index's "TracGuide")
            texts = [(t, s) for t, s in bare[path] if s == source] or bare[path][:1]
            return next((x for x in texts if _confirmed(x[0], headings.get(path))), texts[0])

        score = {
            source: sum(_confirmed(text_on(p, source)[0], headings.get(p)) for p in named)
            for source, named in listings.items()
            if len(named) >= 3
        }
        best = max(score, key=lambda s: score[s], default=None)
        chosen = best if best is not None and score[best] > 0 else None
        entity = Entity(pattern=pattern, noun=_noun(pattern))
        ordered = [p for p in paths if chosen is not None and p in listings[chosen]]
        ordered += [p for p in paths if p not in ordered]
        for path in ordered:
            text, source = text_on(path, chosen) if chosen else bare[path][0]
            if text not in entity.examples:
                entity.examples[text] = path
                entity.sources[text] = source
        entities[pattern] = entity
    # entity kinds with a single example are page chrome, not collections
    return {k: v for k, v in entities.items() if len(v.examples) >= 3}

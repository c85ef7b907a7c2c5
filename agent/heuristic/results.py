"""Find a semantic locator for a page's list of results (for information-seeking skills)."""

from __future__ import annotations

from playwright.async_api import Page

from agent.heuristic.facts import PageFacts
from agent.heuristic.sitemap import generalise

CANDIDATES: tuple[str, ...] = (
    'page.get_by_role("main").get_by_role("article").get_by_role("heading")',
    'page.get_by_role("main").get_by_role("article").get_by_role("heading").get_by_role("link")',
    'page.get_by_role("main").get_by_role("article").get_by_role("link")',
    'page.get_by_role("main").get_by_role("listitem").get_by_role("heading")',
    'page.get_by_role("main").get_by_role("listitem").get_by_role("link")',
    'page.get_by_role("main").get_by_role("row").get_by_role("link")',
    'page.get_by_role("main").get_by_role("cell").get_by_role("link")',
    'page.get_by_role("main").get_by_role("heading").get_by_role("link")',
    'page.get_by_role("main").get_by_role("list").get_by_role("link")',
)


def result_names(facts: PageFacts) -> tuple[str | None, list[str]]:
    """(pattern, texts) of the main-area links to the most common kind of detail page."""
    links = [link for link in facts.links if link.in_main and link.text and link.visible]
    if not links:
        return None, []
    paths = [link.href.split("?")[0].split("#")[0] for link in links]
    rel = ["/" + p.split("/", 3)[3] if p.count("/") >= 3 else "/" for p in paths]
    patterns = generalise(rel)
    counts: dict[str, int] = {}
    for p in rel:
        if "{" in patterns[p]:
            counts[patterns[p]] = counts.get(patterns[p], 0) + 1
    if not counts:
        return None, []
    best = max(counts, key=lambda k: counts[k])
    names: list[str] = []
    targets: set[str] = set()
    for link, p in zip(links, rel, strict=True):
        # one name per item: the first link to it (not "12 comments" links to the same page)
        if patterns[p] == best and p not in targets and link.text not in names:
            targets.add(p)
            names.append(link.text)
    return best, names


async def results_locator(page: Page, expected: list[str]) -> str | None:
    """The first candidate locator whose texts are exactly `expected` (order kept)."""
    if not expected:
        return None
    for source in CANDIDATES:
        locator = eval(source, {"page": page})  # our own constant expressions
        try:
            texts = [" ".join(t.split()) for t in await locator.all_inner_texts()]
        except Exception:
            continue
        deduped = list(dict.fromkeys(texts))
        if deduped == expected and len(texts) == len(deduped):
            return source
    return None

"""Independent reads of a page after a skill ran: the site's own listing of results, and the
row of one item (a cart line) with its texts and field values."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from playwright.async_api import Page

from agent.browser.facts import PageFacts, generalise, page_facts

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
    'page.get_by_role("article").get_by_role("heading")',
    'page.get_by_role("listitem").get_by_role("link")',
    'page.get_by_role("row").get_by_role("link")',
    'page.get_by_role("cell").get_by_role("link")',
    'page.get_by_role("term").get_by_role("link")',
    'page.get_by_role("paragraph").get_by_role("link")',
    'page.get_by_role("heading").get_by_role("link")',
)


def result_names(facts: PageFacts) -> tuple[str | None, list[str]]:
    """(pattern, texts) of the dominant repeated group of links to one kind of detail page:
    inside `<main>` when the page has one with such links, else anywhere outside navigation.
    Links to the page itself or carrying its query (sorting, pagination, the same search in
    another section) are never results, but still part the page's runs of links."""
    for scope in ("main", "page"):
        links = [
            link
            for link in facts.links
            if link.text and link.visible and (link.in_main if scope == "main" else not link.in_nav)
        ]
        controls = {i for i, link in enumerate(links) if _same_search(link.href, facts.url)}
        # outside <main>, the app's own sections (/app/search, /app/new) are not one kind
        root = "/" if scope == "main" else _folder(facts.path)
        found = _dominant(links, root, runs=scope == "page", controls=controls)
        if found[0] is not None:
            return found
    return None, []


def _same_search(href: str, url: str) -> bool:
    """A link to this page itself (sorting, filters, pagination) or one carrying this page's
    query (the same search in another section: "Images", "Users") is a control, not a result."""
    link, here = urlsplit(href), urlsplit(url)
    if (link.netloc, link.path) == (here.netloc, here.path):
        return True
    asked = {(k, v) for k, v in parse_qsl(here.query) if v.strip()}
    return bool(asked & set(parse_qsl(link.query)))


def _folder(path: str) -> str:
    path = path.split("?")[0] or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def _dominant(  # type: ignore[type-arg]
    links: list, root: str = "/", *, runs: bool = False, controls: set[int] | None = None
) -> tuple[str | None, list[str]]:
    if not links:
        return None, []
    controls = controls or set()
    paths = [link.href.split("?")[0].split("#")[0] for link in links]
    rel = ["/" + p.split("/", 3)[3] if p.count("/") >= 3 else "/" for p in paths]
    general = generalise([p for i, p in enumerate(rel) if i not in controls], root)
    # each link's kind; a control's is its own address (never a kind of item)
    kind = [p if i in controls else general[p] for i, p in enumerate(rel)]
    counts: dict[str, int] = {}
    for k in kind:
        if "{" in k:
            counts[k] = counts.get(k, 0) + 1
    if not counts:
        return None, []
    best = max(counts, key=lambda k: counts[k])
    hits = [i for i, k in enumerate(kind) if k == best]
    if runs:  # outside <main>: the largest run of them, not a help link further down
        groups: list[list[int]] = [[hits[0]]]
        for i in hits[1:]:
            if i - groups[-1][-1] <= 4:  # a few other links per row (author, comments) at most
                groups[-1].append(i)
            else:
                groups.append([i])
        run = max(groups, key=len)
        # the run's span holds results of other kinds too (a ticket among wiki pages), and
        # so do item links right before or after it
        first, last = run[0], run[-1]
        while first > 0 and "{" in kind[first - 1]:
            first -= 1
        while last + 1 < len(rel) and "{" in kind[last + 1]:
            last += 1
        span = kind[first : last + 1]
        ours = span.count(best)
        # other kinds as frequent as the results are a column of every row (each book's
        # author), not results; a few (a ticket among wiki pages) are results of their own
        keep = {
            i
            for i in range(first, last + 1)
            if "{" in kind[i] and (kind[i] == best or 2 * span.count(kind[i]) < ours)
        }
    else:
        keep = set(hits)
    names: list[str] = []
    targets: set[str] = set()
    for i, link in enumerate(links):
        # one name per item: the first link to it (not "12 comments" links to the same page)
        if i in keep and rel[i] not in targets and link.text not in names:
            targets.add(rel[i])
            names.append(link.text)
    return best, names


async def read_listing(page: Page) -> list[str]:
    """The names the page lists as results (see `result_names`)."""
    return result_names(await page_facts(page))[1]


async def results_locator(
    page: Page, expected: list[str], pattern: str | None = None
) -> str | None:
    """The first candidate locator whose texts are exactly `expected` (order kept); last, the
    links whose address starts like the results' pattern (`/library/books/{id}`)."""
    if not expected:
        return None
    sources = list(CANDIDATES)
    prefix = pattern.split("{")[0] if pattern else ""
    if prefix.count("/") >= 2 and re.fullmatch(r"[\w/.-]+", prefix):
        sources.append(f"page.locator('a[href^=\"{prefix}\"]')")
        # the results' own kind of address (`/admin/pages/{id}/edit/`): not the other links to
        # the same items (`/admin/pages/{id}/`: each row's parent)
        suffix = (pattern or "").rsplit("}", 1)[-1]
        if suffix.strip("/") and re.fullmatch(r"[\w/.-]+", suffix):
            sources.append(f'page.locator(\'a[href^="{prefix}"][href$="{suffix}"]\')')
    for source in sources:
        locator = eval(source, {"page": page})  # our own constant expressions
        try:
            texts = [" ".join(t.split()) for t in await locator.all_inner_texts()]
        except Exception:
            continue
        deduped = list(dict.fromkeys(texts))
        if deduped == expected and len(texts) == len(deduped):
            return source
    return None


ROW_SCRIPT = """(key) => {
  const norm = (s) => (s || "").replace(/\\s+/g, " ").trim().toLowerCase();
  const want = norm(key);
  const rows = "tr, li, article, [role=row], [role=listitem], form, section, dd, .row, .item";
  let best = null;
  // a breadcrumb or menu entry naming the item is a way to it, not its row: only when
  // nothing else names it
  let inNav = null;
  const named = "a, h1, h2, h3, h4, td, th, span, strong, p, label, div";
  let page = null;
  for (const el of document.querySelectorAll(named)) {
    if (norm(el.innerText) !== want) continue;
    const row = el.closest(rows);
    if (!row) {
      // the item's own page: its heading names it, the page around it is its row
      if (/^H[1-3]$/.test(el.tagName)) page = el.closest("main, [role=main], #content, body");
      continue;
    }
    if (el.closest("nav, [role=navigation]")) {
      if (!inNav || inNav.contains(row)) inNav = row;
      continue;
    }
    if (!best || best.contains(row)) best = row;
  }
  // an item's edit form holds its name (an issue's title field): the page is the item's,
  // its content is the item's row (a saved preferences form shows the values in its fields)
  for (const f of document.querySelectorAll("input, textarea, select")) {
    if (f.type === "hidden" || f.type === "password") continue;
    const v = f.tagName === "SELECT" ? (f.options[f.selectedIndex] || {}).label : f.value;
    if (norm(v) !== want) continue;
    page = page || f.closest("main, [role=main], #content") || document.body;
  }
  best = best || page || inNav;
  if (!best) return null;
  const texts = best.innerText.split("\\n").map((s) => s.trim()).filter(Boolean);
  // each field's value under the field's own name: a value in another field's place is
  // not the same effect (a skill that swaps two fields)
  const fields = [];
  for (const f of best.querySelectorAll("input, select, textarea")) {
    if (f.type === "hidden" || f.type === "password") continue;
    const label = f.labels && f.labels[0] ? f.labels[0].innerText.trim() : "";
    const name = f.getAttribute("name") || f.getAttribute("id") || label;
    if (f.tagName === "SELECT") {
      const o = f.options[f.selectedIndex];
      if (o) fields.push([name, o.label]);
    } else if (f.type === "checkbox" || f.type === "radio") {
      if (f.checked) fields.push([name, f.value]);
    } else {
      fields.push([name, f.value]);
    }
  }
  return {texts, fields};
}"""


async def _row(page: Page, key: str) -> dict[str, list] | None:  # type: ignore[type-arg]
    return await page.evaluate(ROW_SCRIPT, key)


async def row_values(page: Page, key: str) -> list[str] | None:
    """Texts and field values of the smallest row-like element holding an element whose text is
    exactly `key` (the cart line of a product); None when no such row."""
    row = await _row(page, key)
    return None if row is None else [*row["texts"], *(v for _, v in row["fields"])]


async def row_fields(page: Page, key: str) -> list[tuple[str, str]] | None:
    """(field name, value) of every field of the row `row_values` reads; None when no row."""
    row = await _row(page, key)
    return None if row is None else [(str(n), str(v)) for n, v in row["fields"]]

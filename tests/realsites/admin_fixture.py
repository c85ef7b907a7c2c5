"""A tiny CMS admin with the habits of real ones (Wagtail's), under /cms/: a results table whose
rows link each item's edit page, its parent and its live page, beside "other searches" links
that carry the query and sorting links to the page itself; a create form whose required slug
sits in a hidden tab and is filled by the page's script a moment after the title loses focus
(debounced), the site refusing the form when it is empty or already in use; an edit page
below a breadcrumb that names the page, whose form shows only the page's title, its other
fields (the slug, a search description) in a "Promote" tab panel hidden until its tab is
clicked; an upload form (a file field and a collection to put the files in); a results page
without <main> whose pager (links to itself) stands between the results and a help link of
their kind."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.realsites.fixture_app import FixtureServer


@dataclass
class CmsState:
    pages: dict[int, tuple[str, str]] = field(
        default_factory=lambda: {
            2: ("Garden planning", "garden-planning"),
            3: ("Garden tools", "garden-tools"),
            4: ("Meeting notes", "meeting-notes"),
            5: ("Opening hours", "opening-hours"),
        }
    )
    refused: int = 0
    descriptions: dict[int, str] = field(default_factory=dict)


SLUG_SCRIPT = """<script>
const title = document.getElementById("id_title"), slug = document.getElementById("id_slug");
let timer = null;
title.addEventListener("blur", () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (!slug.value) slug.value = title.value.toLowerCase().trim().replace(/[^a-z0-9]+/g, "-");
  }, 150);
});
</script>"""


TABS_SCRIPT = """<script>
for (const tab of document.querySelectorAll("[role=tab]")) {
  tab.addEventListener("click", (event) => {
    event.preventDefault();
    for (const panel of document.querySelectorAll("[role=tabpanel]")) {
      panel.hidden = panel.getAttribute("aria-labelledby") !== tab.id;
    }
  });
}
</script>"""


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html><html><head><title>{html.escape(title)} - Tiny CMS</title></head>
<body><nav aria-label="Sidebar"><a href="/cms/">Dashboard</a> <a href="/cms/add/">Add page</a>
<a href="/cms/images/add/">Add images</a>
<form method="get" action="/cms/search/"><input name="q" aria-label="Search">
<button>Search</button></form></nav>
<main>{body}</main></body></html>"""
    )


def build_cms(state: CmsState) -> Starlette:
    async def home(request: Request) -> Response:
        rows = "".join(
            f'<li><a href="/cms/pages/{n}/edit/">{html.escape(t)}</a></li>'
            for n, (t, _) in state.pages.items()
        )
        return _page("Dashboard", f"<h1>Dashboard</h1><ul>{rows}</ul>")

    async def search(request: Request) -> Response:
        q = request.query_params.get("q", "")
        words = q.casefold().split()
        hits = [
            (n, t, s)
            for n, (t, s) in state.pages.items()
            if words and all(w in t.casefold() for w in words)
        ]
        qs = html.escape(q)
        rows = "".join(
            f"""<tr><td><a href="/cms/pages/{n}/edit/">{html.escape(t)}</a></td>
            <td><a href="/cms/pages/1/">Home</a></td>
            <td><a href="/{s}/">Live</a></td></tr>"""
            for n, t, s in hits
        )
        body = f"""<header><nav aria-label="Breadcrumb"><a href="/cms/">Home</a>
        <a href="/cms/search/?q={qs}">Search</a></nav><h1>Search</h1></header>
        <nav aria-label="Other searches"><a href="/cms/search/?q={qs}">Pages</a>
        <a href="/cms/images/?q={qs}">Images</a> <a href="/cms/documents/?q={qs}">Documents</a>
        <a href="/cms/users/?q={qs}">Users</a></nav>
        <p>There are {len(hits)} matching pages</p>
        <table><thead><tr><th><a href="/cms/search/?q={qs}&ordering=title">Title</a></th>
        <th>Parent</th><th><a href="/cms/search/?q={qs}&ordering=live">Status</a></th></tr>
        </thead><tbody>{rows}</tbody></table>"""
        return _page("Search", body)

    async def edit(request: Request) -> Response:
        n = request.path_params["n"]
        if n not in state.pages:
            return _page("Not found", "<h1>Not found</h1>")
        if request.method == "POST":
            form = await request.form()
            title, slug = str(form.get("title", "")).strip(), str(form.get("slug", "")).strip()
            if not title or not re.fullmatch(r"[a-z0-9-]+", slug):
                state.refused += 1
                return _page(
                    "Editing", '<ul class="messages"><li class="error">Not saved</li></ul>'
                )
            state.pages[n] = (title, slug)
            state.descriptions[n] = str(form.get("search_description", ""))
            return RedirectResponse(f"/cms/pages/{n}/edit/", status_code=303)
        title, slug = state.pages[n]
        description = html.escape(state.descriptions.get(n, ""))
        body = f"""<header><nav aria-label="Breadcrumb"><ol><li><a href="/cms/">Home</a></li>
        <li><a href="/cms/pages/{n}/">{html.escape(title)}</a></li></ol></nav>
        <h1>Editing {html.escape(title)}</h1></header><form method="post" action="">
        <div role="tablist"><a id="tab-label-content" href="#tab-content" role="tab">Content</a>
        <a id="tab-label-promote" href="#tab-promote" role="tab">Promote
        <span class="sr-only">(0 errors)</span></a></div>
        <section id="tab-content" role="tabpanel" aria-labelledby="tab-label-content">
        <label>Title <input name="title" value="{html.escape(title)}" required></label></section>
        <section id="tab-promote" role="tabpanel" aria-labelledby="tab-label-promote" hidden>
        <label>Slug <input name="slug" value="{slug}" required></label>
        <label>Search description <textarea name="search_description">{description}</textarea>
        </label><label>Go-live date <input name="go_live_at"></label></section>
        <button>Save draft</button></form>{TABS_SCRIPT}"""
        return _page(f"Editing {title}", body)

    async def add(request: Request) -> Response:
        if request.method == "POST":
            form = await request.form()
            title = str(form.get("title", "")).strip()
            slug = str(form.get("slug", "")).strip()
            taken = {s for _, s in state.pages.values()}
            if not title or not re.fullmatch(r"[a-z0-9-]+", slug) or slug in taken:
                state.refused += 1
                return _page(
                    "New page",
                    '<div class="messages"><ul><li class="error">The page could not be created'
                    " due to validation errors</li></ul></div>",
                )
            n = max(state.pages) + 1
            state.pages[n] = (title, slug)
            return RedirectResponse(f"/cms/pages/{n}/edit/", status_code=303)
        body = f"""<h1>New page</h1><form method="post" action="/cms/add/">
        <section id="content-tab"><label>Title <input name="title" id="id_title" required>
        </label></section>
        <section id="promote-tab" hidden><label>Slug <input name="slug" id="id_slug" required>
        </label><label>Search description <textarea name="search_description"></textarea>
        </label></section>
        <button>Save draft</button></form>{SLUG_SCRIPT}"""
        return _page("New page", body)

    async def upload(request: Request) -> Response:
        body = """<h1>Add images</h1><form method="post" action="/cms/images/add/"
        enctype="multipart/form-data"><label>Images <input type="file" name="files[]"
        multiple></label><label>Collection <select name="collection"><option value="1">Root
        </option><option value="2">Photos</option></select></label>
        <button>Upload</button></form>"""
        return _page("Add images", body)

    async def wiki_search(request: Request) -> Response:
        # a page without <main> (Trac's): results, the pager, then a help link of their kind
        q = html.escape(request.query_params.get("q", ""))
        names = ["WikiStart", "WikiFormatting", "WikiMacros", "WikiHtml"]
        results = "".join(f'<dt><a href="/cms/wiki/{n}">{n}</a></dt><dd>...</dd>' for n in names)
        pager = "".join(f'<a href="/cms/find?q={q}&page={n}">{n}</a> ' for n in (2, 3, 4, 5, 6))
        body = f"""<div id="content"><h1>Search</h1><div class="paging">{pager}</div>
        <dl id="results">{results}</dl><div class="paging">{pager}</div>
        <p>See <a href="/cms/wiki/WikiSearch">WikiSearch</a> for help.</p></div>"""
        return HTMLResponse(
            f"<!doctype html><html><head><title>Search</title></head><body>{body}</body></html>"
        )

    return Starlette(
        routes=[
            Route("/cms/", home),
            Route("/cms/find", wiki_search),
            Route("/cms/images/add/", upload),
            Route("/cms/search/", search),
            Route("/cms/pages/{n:int}/edit/", edit, methods=["GET", "POST"]),
            Route("/cms/add/", add, methods=["GET", "POST"]),
        ]
    )


class CmsServer(FixtureServer):
    """Serves `build_cms` on a free loopback port in a background thread."""

    def __init__(self) -> None:
        super().__init__()
        self.state = CmsState()

    def app(self) -> Starlette:
        return build_cms(self.state)

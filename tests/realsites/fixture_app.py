"""A tiny app with the habits of real ones, mounted under /lib/: no <main>, items at
`/lib/book12`, a sidebar login form with a "remember me" box, error boxes without role=alert,
flash notices without role=status, a create form with Preview and Create buttons plus hidden
and disabled fields, a long table-laid form whose required select is marked only by its header
cell, items called pages at addresses ending in a slash, a table browser whose rows are named
by their ids, a menu link naming a book otherwise than its page, a book's Save draft button
that changes nothing shown, a select inside its label (/lib/display, not linked), a preferences
form (two fields) that saves in place, a form whose inputs clobber its properties, a page that
answers 500 and one whose script breaks page reading."""

from __future__ import annotations

import html
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

USER, PASSWORD = "ada", "lovelace-1"


@dataclass
class State:
    books: dict[int, str] = field(
        default_factory=lambda: {
            1: "Garden Planning Basics",
            2: "Garden Tools Handbook",
            3: "Planning Small Kitchens",
            4: "Kitchen Garden Recipes",
        }
    )
    realname: str = "Ada"
    city: str = "London"
    created: list[str] = field(default_factory=list)
    touched: list[int] = field(default_factory=list)
    view: str = "List"
    reports: dict[int, dict[str, str]] = field(default_factory=dict)
    rows: dict[int, tuple[str, int]] = field(
        default_factory=lambda: {
            1: ("Garden Planning Basics", 1),
            2: ("Garden Tools Handbook", 2),
            3: ("Planning Small Kitchens", 1),
            4: ("Kitchen Garden Recipes", 2),
            12: ("Twelve Garden Walks", 1),
        }
    )
    pages: dict[int, str] = field(
        default_factory=lambda: {1: "Opening hours", 2: "House rules", 3: "Reading room"}
    )


def _page(title: str, body: str, request: Request, notice: str = "") -> HTMLResponse:
    user = request.cookies.get("user")
    login = (
        f"<p>Hello, {html.escape(user)}</p>"
        if user
        else """<form method="post" action="/lib/login"><label>Username
        <input name="username" required></label><label>Password
        <input type="password" name="password"></label><label>
        <input type="checkbox" name="remember"> Remember me</label>
        <input type="hidden" name="token" value="t1"><button>Log in</button></form>"""
    )
    flash = f'<div class="flash">{html.escape(notice)}</div>' if notice else ""
    return HTMLResponse(
        f"""<!doctype html><html><head><title>{html.escape(title)} - Fixture Library</title>
<style>.error-message{{color:red}}</style></head><body>
<div id="header"><a href="/lib/">Home</a> <a href="/lib/search">Search</a>
<a href="/lib/new">New book</a> <a href="/lib/prefs">Preferences</a>
<a href="/lib/book3">Featured</a> <a href="/lib/report">Report</a>
<a href="/lib/pages/">Pages</a> <a href="/lib/rows">Rows</a>
<a href="/lib/broken">Broken</a> <a href="/lib/unreadable">Unreadable</a>
<a href="/other/">Elsewhere</a></div>
<div id="sidebar">{login}</div>{flash}
<div id="content">{body}</div></body></html>"""
    )


def build_app(state: State) -> Starlette:
    def book_links() -> str:
        items = "".join(
            f'<div class="item"><a href="/lib/book{i}">{html.escape(t)}</a></div>'
            for i, t in state.books.items()
        )
        return f'<div class="list">{items}</div>'

    async def home(request: Request) -> Response:
        # as on a tracker's front page, the user's name is there before anyone logs in
        body = f"<h1>Books</h1><p>Catalogue kept by {USER}</p>{book_links()}"
        body += """<form method="get" action="/lib/search"><input name="q" aria-label="Search">
        <button>Search</button></form>"""
        return _page("Books", body, request, request.query_params.get("notice", ""))

    async def search(request: Request) -> Response:
        q = request.query_params.get("q", "")
        hits = {i: t for i, t in state.books.items() if q and q.lower() in t.lower()}
        items = "".join(
            f'<p><a href="/lib/book{i}">{html.escape(t)}</a></p>' for i, t in hits.items()
        )
        body = f"""<h1>Search</h1><form method="get" action="/lib/search">
        <input name="q" aria-label="Search" value="{html.escape(q)}"><button>Search</button></form>
        <div class="results">{items or "<p>0 results</p>"}</div>"""
        return _page("Search", body, request)

    async def book(request: Request) -> Response:
        i = int(request.path_params["n"])
        if i not in state.books:
            return HTMLResponse("not found", status_code=404)
        # a button that saves the book as it is: nothing a page shows changes
        touch = f'<form method="post" action="/lib/book{i}/touch"><button>Save draft</button>'
        touch += "</form>"
        return _page(state.books[i], f"<h2>{html.escape(state.books[i])}</h2>{touch}", request)

    async def touch(request: Request) -> Response:
        n = int(request.path_params["n"])
        state.touched.append(n)
        return RedirectResponse(f"/lib/book{n}", status_code=303)

    async def login(request: Request) -> Response:
        form = await request.form()
        if form.get("username") == USER and form.get("password") == PASSWORD:
            response = RedirectResponse("/lib/", status_code=303)
            response.set_cookie("user", USER)
            return response
        body = '<p class="error-message">Invalid login</p>'
        return _page("Login", body, request)

    async def new(request: Request) -> Response:
        if request.method == "POST":
            form = await request.form()
            title = str(form.get("title", "")).strip()
            if form.get("token") != "t2" or not title:
                return _page("New book", '<p class="error-message">Missing title</p>', request)
            if form.get("do") == "preview":
                return _page("Preview", f"<p>Preview: {html.escape(title)}</p>", request)
            n = max(state.books) + 1
            state.books[n] = title
            return RedirectResponse(f"/lib/book{n}", status_code=303)
        body = """<h1>New book</h1><form method="post" action="/lib/new">
        <input type="hidden" name="token" value="t2">
        <label>Title <input name="title" required></label>
        <label>Shelf <input name="shelf" value="A1" disabled></label>
        <button name="do" value="preview">Preview</button>
        <button name="do" value="create">Create book</button></form>"""
        return _page("New book", body, request)

    async def prefs(request: Request) -> Response:
        notice = ""
        if request.method == "POST":
            form = await request.form()
            state.realname = str(form.get("realname", ""))
            state.city = str(form.get("city", ""))
            notice = "Your preferences were saved"
        body = f"""<h1>Preferences</h1><form method="post" action="/lib/prefs">
        <label>Real name <input name="realname" value="{html.escape(state.realname)}"></label>
        <label>City <input name="city" value="{html.escape(state.city)}"></label>
        <button>Save</button></form>"""
        return _page("Preferences", body, request, notice)

    async def report(request: Request) -> Response:
        # a long form laid out as a table; Priority is required by the site, marked only by
        # its header cell's class (the browser does not check it)
        if request.method == "POST":
            form = await request.form()
            values = {k: str(form.get(k, "")).strip() for k in ("title", "note", "priority")}
            missing = next((k for k in ("title", "priority") if not values[k]), None)
            if missing:
                error = f'<p class="error-message">Required property {missing} not supplied</p>'
                return _page("New report", error, request)
            n = len(state.reports) + 1
            state.reports[n] = values
            return RedirectResponse(f"/lib/reports/{n}", status_code=303)
        options = "".join(f"<option>{p}</option>" for p in ("low", "normal", "high", "urgent"))
        body = f"""<h1>New report</h1><form method="post" action="/lib/report"><table>
        <tr><th class="required">Title</th><td><input name="title"></td></tr>
        <tr><th class="required">Priority</th><td><select name="priority">
        <option value="">- no selection -</option>{options}</select></td>
        <th>Shelf</th><td><input name="shelf"></td></tr>
        <tr><th>Reader</th><td><input name="reader"></td>
        <th>Tags</th><td><input name="tags"></td></tr>
        <tr><th>Note</th><td><textarea name="note"></textarea></td></tr>
        </table><button>Submit report</button></form>"""
        return _page("New report", body, request)

    async def report_page(request: Request) -> Response:
        r = state.reports.get(int(request.path_params["n"]))
        if r is None:
            return HTMLResponse("not found", status_code=404)
        body = f"""<h1>{html.escape(r["title"])}</h1><p>Priority: {html.escape(r["priority"])}</p>
        <p>{html.escape(r["note"])}</p>"""
        return _page(r["title"], body, request)

    async def pages(request: Request) -> Response:
        items = "".join(
            f'<li><a href="/lib/pages/{i}/">{html.escape(t)}</a></li>'
            for i, t in state.pages.items()
        )
        return _page("Pages", f"<h1>Pages</h1><ul>{items}</ul>", request)

    async def page_view(request: Request) -> Response:
        title = state.pages.get(int(request.path_params["n"]))
        if title is None:
            return HTMLResponse("not found", status_code=404)
        return _page(title, f"<h1>{html.escape(title)}</h1>", request)

    people = {1: "Ada Lovelace", 2: "Alan Turing"}

    async def rows(request: Request) -> Response:
        # a table browser: each row's id links to the row, its author links to the person
        q = request.query_params.get("_search", "").lower()
        op = request.query_params.get("_op", "")  # no operator: no filter at all
        match = {"contains": str.__contains__, "starts": str.startswith}.get(op)
        hits = {i: r for i, r in state.rows.items() if match is None or match(r[0].lower(), q)}
        trs = "".join(
            f'<tr><td><a href="/lib/rows/{i}">{i}</a></td><td>{html.escape(t)}</td>'
            f'<td><a href="/lib/people/{a}">{people[a]}</a></td></tr>'
            for i, (t, a) in hits.items()
        )
        body = f"""<h1>rows</h1><form method="get" action="/lib/rows">
        <input name="_search" aria-label="Search"><select name="_op" aria-label="Match">
        <option value="contains">contains</option><option value="starts">starts with</option>
        </select><button>Search</button></form>
        <table><tr><th>id</th><th>title</th><th>author</th></tr>{trs}</table>"""
        return _page("rows", body, request)

    async def row_page(request: Request) -> Response:
        n = int(request.path_params["n"])
        if n not in state.rows:
            return HTMLResponse("not found", status_code=404)
        title, _ = state.rows[n]
        body = f"<h1>rows: {n}</h1><p>{html.escape(title)}</p>"
        return _page(f"rows: {n}", body, request)

    async def display(request: Request) -> Response:
        # a select inside its label: its accessible name ends with the chosen option
        if request.method == "POST":
            state.view = str((await request.form()).get("view", "List"))
        options = "".join(
            f"<option{' selected' if v == state.view else ''}>{v}</option>"
            for v in ("List", "Grid", "Table")
        )
        body = f"""<h1>Display</h1><form method="post" action="/lib/display">
        <label>Default view: <select name="view">{options}</select></label>
        <button>Apply</button></form>"""
        return _page("Display", body, request)

    async def clobbered(request: Request) -> Response:
        body = """<h1>Clobbered</h1><form name="title" method="post" action="/lib/prefs">
        <input name="action" value="x"><input name="elements"><input name="method">
        <button>Go</button></form>"""
        return _page("Clobbered", body, request)

    async def broken(request: Request) -> Response:
        return HTMLResponse("<h1>Internal error</h1>", status_code=500)

    async def unreadable(request: Request) -> Response:
        # a page script that breaks what page reading relies on
        return HTMLResponse(
            "<html><head><title>Odd</title><script>Array.from = null;</script></head>"
            "<body><h1>Odd</h1></body></html>"
        )

    async def other(request: Request) -> Response:
        return _page("Elsewhere", "<h1>Elsewhere</h1>", request)

    return Starlette(
        routes=[
            Route("/lib/", home),
            Route("/lib/search", search),
            Route("/lib/book{n:int}", book),
            Route("/lib/book{n:int}/touch", touch, methods=["POST"]),
            Route("/lib/login", login, methods=["POST"]),
            Route("/lib/new", new, methods=["GET", "POST"]),
            Route("/lib/prefs", prefs, methods=["GET", "POST"]),
            Route("/lib/report", report, methods=["GET", "POST"]),
            Route("/lib/reports/{n:int}", report_page),
            Route("/lib/pages/", pages),
            Route("/lib/pages/{n:int}/", page_view),
            Route("/lib/rows", rows),
            Route("/lib/rows/{n:int}", row_page),
            Route("/lib/display", display, methods=["GET", "POST"]),
            Route("/lib/clobbered", clobbered),
            Route("/lib/broken", broken),
            Route("/lib/unreadable", unreadable),
            Route("/other/", other),
        ]
    )


class FixtureServer:
    """Serves `build_app` on a free loopback port in a background thread (a subclass serves
    another app by overriding `app`)."""

    def __init__(self) -> None:
        self.state: Any = State()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> Starlette:
        return build_app(self.state)

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app(), log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fixture server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)

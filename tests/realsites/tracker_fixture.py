"""A tiny issue tracker with a habit of real ones (Roundup's), under /desk/: the new-issue
form's note is a textarea with wrap="hard", so the browser submits the note with line breaks
where it wrapped it, and the issue's page shows the note as kept, line breaks and all (in a
<pre>), below an edit form that holds the issue's title."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.realsites.fixture_app import FixtureServer


@dataclass
class DeskState:
    # number -> (title, notes as submitted)
    issues: dict[int, tuple[str, list[str]]] = field(
        default_factory=lambda: {
            1: ("Printer jams on page two", ["It jams."]),
            2: ("Door code expired", ["Please renew it."]),
        }
    )


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html><html><head><title>{html.escape(title)} - Tiny desk</title></head>
<body><nav aria-label="Sidebar"><a href="/desk/">Issues</a>
<a href="/desk/new">New issue</a></nav><main>{body}</main></body></html>"""
    )


def build_desk(state: DeskState) -> Starlette:
    async def home(request: Request) -> Response:
        rows = "".join(
            f'<li><a href="/desk/issue{n}">{html.escape(t)}</a></li>'
            for n, (t, _) in state.issues.items()
        )
        return _page("Issues", f"<h1>Issues</h1><ul>{rows}</ul>")

    async def new(request: Request) -> Response:
        if request.method == "POST":
            form = await request.form()
            title = str(form.get("title", "")).strip()
            note = str(form.get("note", ""))
            if not title:
                return _page("New issue", '<p class="error">Please give a title</p>')
            n = max(state.issues) + 1
            state.issues[n] = (title, [note] if note.strip() else [])
            return RedirectResponse(f"/desk/issue{n}", status_code=303)
        body = """<h1>New issue</h1><form method="post" action="/desk/new">
        <label>Title <input name="title" size="40" required></label>
        <label>Note <textarea name="note" wrap="hard" cols="40" rows="4"></textarea></label>
        <button>Submit issue</button></form>"""
        return _page("New issue", body)

    async def issue(request: Request) -> Response:
        n = request.path_params["n"]
        if n not in state.issues:
            return _page("Not found", "<h1>Not found</h1>")
        title, notes = state.issues[n]
        shown = "".join(f"<pre>{html.escape(note)}</pre>" for note in notes)
        body = f"""<h1>Issue {n}</h1><form method="post" action="/desk/issue{n}">
        <label>Title <input name="title" size="40" value="{html.escape(title)}"></label>
        <button>Save</button></form><h2>Messages</h2>{shown}"""
        return _page(f"Issue {n}", body)

    return Starlette(
        routes=[
            Route("/desk/", home),
            Route("/desk/new", new, methods=["GET", "POST"]),
            Route("/desk/issue{n:int}", issue),
        ]
    )


class DeskServer(FixtureServer):
    """Serves `build_desk` on a free loopback port in a background thread."""

    def __init__(self) -> None:
        super().__init__()
        self.state = DeskState()

    def app(self) -> Starlette:
        return build_desk(self.state)

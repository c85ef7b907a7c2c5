"""Serve the MiniWoB++ `html/` folder (shipped by the `miniwob` package) over HTTP.

The package's own environments open tasks via `file://`, but the FlightWoB tasks
(`/flight/*/wrapper.html`) load an iframe and need a real HTTP origin, and a browser context
whose off-origin requests are blocked wants one origin for everything. So the whole `html/`
folder is mounted at `/`: `/miniwob/click-button.html`, `/flight/AA/wrapper.html`,
`/core/core.js`, ... `/` itself lists the curated tasks.
"""

from __future__ import annotations

import html
import importlib.util
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sites.errors import SiteError
from sites.miniwob.episodes import CURATED_TASKS


def html_dir() -> Path:
    """The `html/` folder of the installed `miniwob` package (without importing it)."""
    spec = importlib.util.find_spec("miniwob")
    if spec is None or not spec.submodule_search_locations:
        raise SiteError("the `miniwob` package is not installed: pip install miniwob")
    folder = Path(next(iter(spec.submodule_search_locations))) / "html"
    if not (folder / "core" / "core.js").is_file():
        raise SiteError(f"the `miniwob` package has no html/ folder at {folder}")
    return folder


def _index_page() -> str:
    rows = "\n".join(
        f'<li><a href="{html.escape(t.path)}">{html.escape(t.name)}</a> '
        f"<small>({html.escape(t.category)})</small></li>"
        for t in CURATED_TASKS
    )
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        "<title>MiniWoB++ tasks</title></head><body><main>"
        "<h1>MiniWoB++ tasks</h1>"
        "<p>Each page starts an episode when you click START; the task sits in the "
        "160&times;210 box, its instruction in the yellow strip.</p>"
        f"<nav aria-label=Tasks><ul>\n{rows}\n</ul></nav></main></body></html>"
    )


def create_app(db_path: Path, theme: str) -> Starlette:
    """A static app over the package's `html/` folder; `db_path` and `theme` are unused."""
    del db_path, theme
    index = _index_page()

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(index)

    return Starlette(
        routes=[
            Route("/", home),
            Mount("/", app=StaticFiles(directory=html_dir()), name="html"),
        ]
    )

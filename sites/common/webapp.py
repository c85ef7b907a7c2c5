"""Building blocks for the bundled Starlette apps.

* Themes: templates live in `sites/NAME/templates/`; theme `v2` templates in
  `sites/NAME/templates_v2/` override same-named v1 templates.
* The database is opened per request (so `RunningSite.reset()` can swap the file).
* A fixed clock keeps rendering deterministic for a given state.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import jinja2
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.templating import Jinja2Templates

FIXED_NOW = datetime(2026, 1, 15, 12, 0, 0)


def make_templates(site_dir: Path, theme: str) -> Jinja2Templates:
    """Jinja2 templates for `theme`, v2 overriding v1 template by template."""
    dirs = [site_dir / "templates"]
    if theme != "v1":
        dirs.insert(0, site_dir / f"templates_{theme}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
    )
    env.globals["theme"] = theme
    return Jinja2Templates(env=env)


def connect(db_path: Path) -> sqlite3.Connection:
    """A new connection with dict-like rows and foreign keys on (use per request, then close)."""
    conn = sqlite3.connect(db_path, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextmanager
def opened(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A per-request connection (see `connect`), closed when the block ends."""
    conn = connect(db_path)
    try:
        yield conn
    finally:
        conn.close()


def session_middleware(site_name: str) -> Middleware:
    """Signed-cookie sessions with a fixed per-site key (deterministic across restarts)."""
    return Middleware(
        SessionMiddleware, secret_key=f"skillwright-{site_name}-local", same_site="lax"
    )


def current_user(request: Request) -> str | None:
    """The logged-in username stored in the session, if any."""
    return request.session.get("user")

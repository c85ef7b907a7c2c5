"""The exploration target: a bundled site (served, resettable, with a database) or a live URL."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from agent.errors import TargetError
from sites import RunningSite, SiteError, start_site
from sites.registry import BUNDLED_SITES


class Target:
    """Where skills are learned. Bundled sites reset between tasks; live URLs cannot."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        site: RunningSite | None = None,
        accounts: dict[str, str] | None = None,
        start_path: str = "/",
        scope: str | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.site = site
        self.accounts = dict(accounts or (site.accounts if site else {}))
        self.start_path = start_path  # where exploring starts (the URL's path)
        self.scope = scope or scope_of(start_path)  # the path prefix exploring stays under

    @property
    def db_path(self) -> Path | None:
        return self.site.db_path if self.site is not None else None

    @property
    def resettable(self) -> bool:
        return self.site is not None

    async def reset(self) -> None:
        if self.site is not None:
            await self.site.reset()

    async def save_state(self, dest: Path) -> None:
        if self.site is not None:
            await self.site.save_state(dest)

    async def restore(self, source: Path) -> None:
        if self.site is not None:
            await self.site.restore(source)

    async def close(self) -> None:
        if self.site is not None:
            await self.site.stop()


def library_site_name(target: str) -> str:
    """The library key for a target: the bundled name, or the URL's host (dots → underscores)."""
    if target in BUNDLED_SITES:
        return target
    host = urlsplit(target).netloc.replace(".", "_").replace(":", "_").replace("-", "_")
    return host or "site"


def scope_of(path: str) -> str:
    """The path prefix a start path stands for: `/admin/` → `/admin/`, `/library` →
    `/library/` (a folder without its slash), `/app/index.php` → `/app/` (a file's folder)."""
    path = urlsplit(path).path or "/"
    if path.endswith("/"):
        return path
    last = path.rsplit("/", 1)[1]
    return path.rsplit("/", 1)[0] + "/" if "." in last else path + "/"


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_NAME_STOP = {"home", "index", "welcome", "to", "the", "a", "log", "in", "login", "sign", "page"}


def name_from_title(page_html: str) -> str:
    """A short module name from a page's title: its last part (where sites put their own
    name: "List of issues - Tracker" → "tracker", "Log in | Django site admin" →
    "django_site_admin"), words cleaned; "" when the title says nothing usable."""
    m = _TITLE.search(page_html)
    if not m:
        return ""
    title = html.unescape(" ".join(m.group(1).split()))
    parts = [p for p in re.split(r"\s+[-|–—·:»]\s+", title) if p.strip()]
    for part in reversed(parts):
        words = [w for w in re.findall(r"[a-z][a-z0-9]*", part.lower()) if w not in _NAME_STOP]
        if words:
            return "_".join(words[:3])
    return ""


def host_name(url: str) -> str:
    """A module name from the URL's host without its port (`127.0.0.1:8301` → `127_0_0_1`)."""
    host = urlsplit(url).hostname or "site"
    name = re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_") or "site"
    return name if not name[0].isdigit() else f"site_{name}"


def check_target_url(url: str) -> None:
    """A one-line TargetError unless `url` is an http(s) URL with a host (and a valid port)."""
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as exc:
        raise TargetError(f"{url!r} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(f"{url!r} is not an http(s) URL with a host")


async def check_explorable(url: str, timeout_s: float = 5.0) -> str:
    """A one-line TargetError unless `url` answers with an HTML page (not an error status,
    JSON, an image or other binary data): there would be nothing to explore. Returns the
    page's HTML."""
    try:
        async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=True) as client:
            response = await client.get(url)
    except httpx.HTTPError as exc:
        raise TargetError(f"cannot reach {url}: {type(exc).__name__}") from None
    if response.status_code >= 400:
        raise TargetError(
            f"{url} answered HTTP {response.status_code}: there is no page to explore"
        )
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("text/html", "application/xhtml+xml"):
        raise TargetError(
            f"{url} is not an HTML page ({kind or 'no content type'}): there is nothing to explore"
        )
    return response.text


async def open_target(
    target: str,
    *,
    theme: str = "v1",
    accounts: dict[str, str] | None = None,
    site_name: str | None = None,
    scope: str | None = None,
) -> Target:
    """Start a bundled site or check that a URL answers; one-line TargetError otherwise.

    A URL target starts at the URL's path and stays under its folder (`scope` widens it, e.g.
    "/"); its library name is `site_name`, else one from the app's title, else its host."""
    if target.startswith(("http://", "https://")):
        check_target_url(target)
        page_html = await check_explorable(target)
        parts = urlsplit(target)
        start = parts.path or "/"
        if parts.query:
            start += f"?{parts.query}"
        if scope is not None and not scope.startswith("/"):
            raise TargetError(f"--scope must be a path starting with '/', not {scope!r}")
        if scope is not None and not (start.split("?")[0] + "/").startswith(scope.rstrip("/")):
            raise TargetError(f"the URL's path {start!r} is not under --scope {scope!r}")
        name = site_name or name_from_title(page_html) or host_name(target)
        if site_name is None and name in BUNDLED_SITES:
            name += "_live"  # never mixed with a bundled site's library
        return Target(
            name,
            f"{parts.scheme}://{parts.netloc}",
            accounts=accounts,
            start_path=start,
            scope=(scope.rstrip("/") + "/") if scope else None,
        )
    if target not in BUNDLED_SITES:
        raise TargetError(
            f"unknown target {target!r}: use a bundled site ({', '.join(BUNDLED_SITES)}) "
            "or an http(s) URL"
        )
    try:
        site = await start_site(target, theme=theme)
    except SiteError as exc:
        raise TargetError(str(exc)) from None
    except OSError as exc:  # e.g. the server process or its working copy cannot be created
        where = f" ({exc.filename})" if exc.filename else ""
        raise TargetError(f"cannot start site {target!r}: {exc.strerror or exc}{where}") from None
    return Target(site_name or target, site.base_url, site=site, accounts=accounts)

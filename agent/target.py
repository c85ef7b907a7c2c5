"""The exploration target: a bundled site (served, resettable, with a database) or a live URL."""

from __future__ import annotations

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
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.site = site
        self.accounts = dict(accounts or (site.accounts if site else {}))

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


def check_target_url(url: str) -> None:
    """A one-line TargetError unless `url` is an http(s) URL with a host (and a valid port)."""
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as exc:
        raise TargetError(f"{url!r} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(f"{url!r} is not an http(s) URL with a host")


async def check_explorable(url: str, timeout_s: float = 5.0) -> None:
    """A one-line TargetError unless `url` answers with an HTML page (not an error status,
    JSON, an image or other binary data): there would be nothing to explore."""
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


async def open_target(
    target: str, *, theme: str = "v1", accounts: dict[str, str] | None = None
) -> Target:
    """Start a bundled site or check that a URL answers; one-line TargetError otherwise."""
    if target.startswith(("http://", "https://")):
        check_target_url(target)
        await check_explorable(target)
        parts = urlsplit(target)
        return Target(
            library_site_name(target), f"{parts.scheme}://{parts.netloc}", accounts=accounts
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
    return Target(target, site.base_url, site=site, accounts=accounts)

"""Find bundled sites by name."""

from __future__ import annotations

import importlib

from sites.definition import SiteDefinition
from sites.errors import SiteError

BUNDLED_SITES: tuple[str, ...] = ("shop", "forum", "tracker", "miniwob")


def get_site(name: str) -> SiteDefinition:
    """Return the definition of bundled site `name`, or raise SiteError naming the choices."""
    if name not in BUNDLED_SITES:
        raise SiteError(f"unknown site {name!r}; bundled sites are: {', '.join(BUNDLED_SITES)}")
    try:
        module = importlib.import_module(f"sites.{name}")
    except ModuleNotFoundError as exc:
        raise SiteError(f"site {name!r} is not installed in this build ({exc})") from exc
    site = getattr(module, "SITE", None)
    if not isinstance(site, SiteDefinition):
        raise SiteError(f"sites.{name} does not define SITE: SiteDefinition")
    return site


def available_sites() -> list[SiteDefinition]:
    """Definitions of every bundled site that imports."""
    found: list[SiteDefinition] = []
    for name in BUNDLED_SITES:
        try:
            found.append(get_site(name))
        except SiteError:
            continue
    return found

"""Pristine (freshly seeded) databases, cached per seed version and shared across processes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sites.definition import SiteDefinition


def cache_dir() -> Path:
    """Where pristine databases are kept (`$SKILLWRIGHT_CACHE` or ~/.cache/skillwright)."""
    root = os.environ.get("SKILLWRIGHT_CACHE") or Path.home() / ".cache" / "skillwright"
    path = Path(root) / "sites"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pristine_db(site: SiteDefinition) -> Path:
    """Path to the pristine database of `site`, seeding it once (atomically) if missing."""
    target = cache_dir() / f"{site.name}-seed{site.seed_version}.db"
    if target.exists():
        return target
    fd, tmp = tempfile.mkstemp(prefix=f".{site.name}-", suffix=".db", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        site.seed(Path(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def copy_db(source: Path, dest: Path) -> None:
    """Atomically replace `dest` with a copy of `source` (readers see old or new, never half)."""
    tmp = dest.with_name(dest.name + ".tmp")
    with open(source, "rb") as src, open(tmp, "wb") as out:
        while chunk := src.read(1 << 20):
            out.write(chunk)
    os.replace(tmp, dest)

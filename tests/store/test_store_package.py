"""The standalone package export installs into a fresh venv with only Playwright, and its
skill runs against the served shop (the effect is checked in the shop's database)."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from shop_skills import shop_library

from agent.browser import find_chromium
from sites import RunningSite, start_site

pytestmark = pytest.mark.browser


@pytest_asyncio.fixture(loop_scope="session")
async def shop() -> AsyncIterator[RunningSite]:
    site = await start_site("shop")
    try:
        yield site
    finally:
        await site.stop()


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=600, check=False
    )


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def test_package_installs_with_only_playwright_and_runs(
    shop: RunningSite, tmp_path: Path
) -> None:
    library = shop_library(tmp_path / "lib")
    dest = library.export_package("shop", tmp_path / "pkg")
    venv = tmp_path / "venv"
    made = await asyncio.to_thread(_run, sys.executable, "-m", "venv", venv)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    playwright = f"playwright=={importlib.metadata.version('playwright')}"
    installed = await asyncio.to_thread(
        _run, python, "-m", "pip", "install", "--disable-pip-version-check", playwright, dest
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    listed = await asyncio.to_thread(_run, python, "-m", "pip", "list", "--format=json")
    names = {p["name"].lower().replace("_", "-") for p in json.loads(listed.stdout)}
    shown = await asyncio.to_thread(
        _run, python, "-m", "pip", "show", "skillwright-shop-skills", "playwright"
    )
    requires = [line for line in shown.stdout.splitlines() if line.startswith("Requires:")]
    assert requires[0] == "Requires: playwright"  # the package's only dependency
    playwright_deps = {n.strip().lower() for n in requires[1].split(":")[1].split(",") if n.strip()}
    runtime = names - {"pip", "setuptools", "wheel"}
    assert runtime == {"skillwright-shop-skills", "playwright", *playwright_deps}
    isolated = await asyncio.to_thread(_run, python, "-c", "import skills_store", cwd=tmp_path)
    assert isolated.returncode != 0  # nothing of Skillwright is importable there

    assert shop.db_path is not None
    ((product,),) = _query(shop.db_path, "SELECT name FROM products WHERE stock >= 5 LIMIT 1")
    ran = await asyncio.to_thread(
        _run, python, "-m", "skillwright_shop_skills", "add_to_cart",
        "--base-url", shop.base_url, "--executable", find_chromium(),
        "--product", product, "--quantity", "3",
        cwd=tmp_path,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "null"
    carts = _query(
        shop.db_path,
        "SELECT p.name, c.quantity FROM cart_items c JOIN products p ON p.id = c.product_id"
        " WHERE c.session_id IS NOT NULL",
    )
    assert carts == [(product, 3)]

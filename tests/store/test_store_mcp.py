"""`skillwright mcp`: a real MCP client over stdio lists the shop's tools and calls them against
the served shop; the effect is checked in the shop's database."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TextIO

import pytest
import pytest_asyncio
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from shop_skills import SHOP_SKILLS, shop_library

from sites import RunningSite, start_site

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]


@pytest_asyncio.fixture(loop_scope="session")
async def shop() -> AsyncIterator[RunningSite]:
    site = await start_site("shop")
    try:
        yield site
    finally:
        await site.stop()


def _query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _log(path: Path) -> TextIO:
    """Where the server's stderr goes (the client passes it to the subprocess)."""
    return open(path, "w")  # closed by the caller's `with`


def _server(library: Path, *args: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "agent.cli", "mcp", "--library", str(library), *args],
        cwd=str(REPO),
        env=dict(os.environ),
    )


async def test_mcp_client_lists_tools_and_adds_to_cart(shop: RunningSite, tmp_path: Path) -> None:
    library = shop_library(tmp_path / "lib")
    assert shop.db_path is not None
    ((product, stock),) = _query(
        shop.db_path, "SELECT name, stock FROM products WHERE stock >= 5 ORDER BY id LIMIT 1"
    )
    carts = (
        "SELECT p.name, c.quantity FROM cart_items c JOIN products p ON p.id = c.product_id"
        " WHERE c.session_id IS NOT NULL"
    )
    assert _query(shop.db_path, carts) == []  # the seed fills only signed-in users' carts
    params = _server(library.path, "--site", "shop", "--target", shop.base_url, "--timeout", "20")
    with _log(tmp_path / "server.log") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                listed = await session.list_tools()
                assert len(listed.tools) == len(SHOP_SKILLS)
                tools = {t.name: t for t in listed.tools}
                assert tools["add_to_cart"].description == "Add a product to the shopping cart."
                schema = tools["add_to_cart"].input_schema
                assert schema["required"] == ["product"]
                assert schema["properties"]["quantity"] == {
                    "type": "integer",
                    "description": "How many to add.",
                    "default": 1,
                }

                added = await session.call_tool("add_to_cart", {"product": product, "quantity": 2})
                assert not added.is_error, added.content

                found = await session.call_tool("search_products", {"query": product})
                assert not found.is_error, found.content
                assert product in found.structured_content["result"]

                # more than the stock left: the browser lets it through, the site refuses it
                refused = await session.call_tool(
                    "add_to_cart", {"product": product, "quantity": int(stock) - 1}
                )
                assert refused.is_error
                assert "the site says:" in refused.content[0].text

                wrong = await session.call_tool("add_to_cart", {"item": product})
                assert wrong.is_error and "takes no argument item" in wrong.content[0].text
                unknown = await session.call_tool("fly_to_moon", {})
                assert unknown.is_error and "unknown tool 'fly_to_moon'" in unknown.content[0].text

    assert _query(shop.db_path, carts) == [(product, 2)]  # the one anonymous cart: ours
    used = library.get("add_to_cart", "shop")
    assert (used.calls, used.successes) == (2, 1)
    assert library.get("search_products", "shop").successes == 1


async def test_mcp_unknown_site_is_a_one_line_error(tmp_path: Path) -> None:
    library = shop_library(tmp_path / "lib")
    params = _server(library.path, "--site", "shp", "--target", "http://127.0.0.1:9")
    with _log(tmp_path / "server.log") as errlog:
        with pytest.raises(Exception):  # noqa: B017 - the client only sees the pipe close
            async with stdio_client(params, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
    log = (tmp_path / "server.log").read_text()
    assert "error: no skills for site 'shp'" in log and "did you mean: shop?" in log
    assert "Traceback" not in log

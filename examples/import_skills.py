"""Use skills that `skillwright explore shop` learned, from plain Python.

    skillwright explore shop            # builds ./skill_library (once)
    python examples/import_skills.py    # starts the shop, calls two learned skills

The library is an ordinary folder: `skill_library/shop.py` is an importable module of
`async def skill(page, ...)` functions, and `SkillLibrary.load("shop")` imports it for you.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from pathlib import Path

from agent.browser import BrowserSession
from sites import serve
from skills_store import SkillLibrary


async def main(library_dir: Path, query: str) -> int:
    library = SkillLibrary(library_dir)
    names = {s.name for s in library.list(site="shop")}
    needed = {"search_products", "add_to_cart"}
    if not needed <= names:
        print(
            f"the library at {library_dir} lacks {sorted(needed - names)}: "
            "run `skillwright explore shop` first",
            file=sys.stderr,
        )
        return 1
    shop = library.load("shop")  # a real module
    async with serve("shop") as site, BrowserSession() as browser:
        await site.reset()
        context = await browser.new_context(site.base_url)  # relative URLs resolve here
        page = await context.new_page()

        results = await shop.search_products(page, query)
        print(f"search_products({query!r}) -> {len(results)} results: {results[:5]}")
        if not results:
            return 1

        await shop.add_to_cart(page, results[0], 2)
        conn = sqlite3.connect(site.db_path)
        rows = conn.execute(
            "SELECT p.name, c.quantity FROM cart_items c JOIN products p ON p.id = c.product_id"
            " WHERE c.session_id IS NOT NULL"  # this visitor's (anonymous) cart
        ).fetchall()
        conn.close()
        print(f"add_to_cart({results[0]!r}, 2) -> the anonymous cart now holds {rows}")
        await context.close()
        return 0 if (results[0], 2) in rows else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--library",
        type=Path,
        default=Path(os.environ.get("SKILLWRIGHT_LIBRARY") or "skill_library"),
    )
    parser.add_argument("--query", default="mug")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.library, args.query)))

"""Hand learned skills to a LangChain agent as tools (and to any OpenAI-style tool caller).

    skillwright explore shop                 # builds ./skill_library (once)
    python examples/langchain_tools.py       # lists the tools, then calls two of them

A real agent would bind these tools to its chat model (`model.bind_tools(tools)`) and execute
the tool calls the model makes; here we call them the same way such an agent would, with the
arguments as a dict, so the example runs without a model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from agent.browser import BrowserSession
from sites import serve
from skills_store import SkillLibrary


async def main(library_dir: Path) -> int:
    library = SkillLibrary(library_dir)
    print(json.dumps([t["function"]["name"] for t in library.as_openai_tools("shop")]))
    async with serve("shop") as site, BrowserSession() as browser:
        context = await browser.new_context(site.base_url)
        page = await context.new_page()
        tools = {tool.name: tool for tool in library.as_langchain_tools("shop", page)}
        for tool in tools.values():
            print(f"- {tool.name}: {tool.description.splitlines()[0]}")
        found = await tools["search_products"].ainvoke({"query": "lamp"})
        print("search_products ->", found)
        await tools["open_product"].ainvoke({"product": found[0]})
        print("open_product ->", page.url, "|", await page.title())
        await context.close()
    return 0 if found else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--library",
        type=Path,
        default=Path(os.environ.get("SKILLWRIGHT_LIBRARY") or "skill_library"),
    )
    sys.exit(asyncio.run(main(parser.parse_args().library)))

"""OpenAI tool schemas, LangChain tools bound to a page, and the exporters."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from langchain_core.tools import StructuredTool
from store_helpers import ADD_TO_CART, POST_COMMENT, SEARCH_PRODUCTS, TYPED, FakePage

from skills_store import SkillLibrary

RUFF = Path(sys.executable).parent / "ruff"


def test_openai_schema_shape(library: SkillLibrary) -> None:
    library.add(TYPED, "demo", status="verified")
    library.add(SEARCH_PRODUCTS, "demo", status="verified")
    tools = {t["function"]["name"]: t for t in library.as_openai_tools("demo")}
    assert sorted(tools) == ["search_products", "typed"]
    typed = tools["typed"]
    assert typed["type"] == "function"
    assert typed["function"]["description"] == "Exercise every supported annotation."
    parameters = typed["function"]["parameters"]
    assert parameters["type"] == "object"
    assert parameters["additionalProperties"] is False
    props = parameters["properties"]
    assert "page" not in props
    assert props["name"] == {"type": "string", "description": "A name."}
    assert props["count"]["type"] == "integer"
    assert props["ratio"]["type"] == "number"
    assert props["flag"]["type"] == "boolean"
    assert props["tags"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": "Some tags.",
    }
    assert props["note"]["type"] == ["string", "null"]
    assert props["limit"] == {"type": "integer", "description": "An upper bound.", "default": 10}
    assert parameters["required"] == ["name", "count", "ratio", "flag", "tags"]
    search = tools["search_products"]["function"]
    assert search["description"].startswith("Search the catalogue and return the product names")
    assert "Returns: Product names in the order the site lists them." in search["description"]
    assert search["parameters"]["required"] == ["query"]
    json.dumps(tools)  # serialisable as is


async def test_langchain_tools_call_the_skill_with_the_page(library: SkillLibrary) -> None:
    library.add(SEARCH_PRODUCTS, "shop", status="verified")
    library.add(POST_COMMENT, "shop", status="verified")
    page = FakePage()
    tools = {t.name: t for t in library.as_langchain_tools("shop", page)}
    assert sorted(tools) == ["post_comment", "search_products"]
    search = tools["search_products"]
    assert isinstance(search, StructuredTool)
    assert search.description.startswith("Search the catalogue")
    schema = search.tool_call_schema.model_json_schema()
    assert set(schema["properties"]) == {"query", "category"}
    assert schema["required"] == ["query"]
    assert schema["properties"]["query"]["description"] == 'Words to search for, e.g. "mug".'

    result = await search.ainvoke({"query": "mug"})
    assert result == ["Blue Mug", "Red Mug"]
    assert page.calls[0] == ("goto", "/")
    assert page.calls[1][0] == "fill" and page.calls[1][2] == "mug"
    assert "Search products" in page.calls[1][1]
    assert not any(c[0] == "select_option" for c in page.calls)  # category defaulted to None

    page.calls.clear()
    await tools["post_comment"].ainvoke({"thread": "Hello", "text": "Nice"})
    assert page.calls[0] == ("goto", "/threads")
    assert ("fill", "page.get_by_label('Comment',)", "Nice") in page.calls


def test_exporters(library: SkillLibrary, tmp_path: Path) -> None:
    library.add(SEARCH_PRODUCTS, "shop", status="verified")
    library.add(ADD_TO_CART, "shop", status="verified")
    out = tmp_path / "out"
    python_file = library.export("shop", "python", out / "shop_skills.py")
    assert python_file.read_text() == library.module_path("shop").read_text()
    openai_file = library.export("shop", "openai", out / "shop_tools.json")
    assert json.loads(openai_file.read_text()) == library.as_openai_tools("shop")
    langchain_file = library.export("shop", "langchain", out / "shop_langchain.py")
    assert "def build_tools(page: Page) -> list[StructuredTool]:" in langchain_file.read_text()
    result = subprocess.run(
        [str(RUFF), "check", "--isolated", "--select", "E4,E7,E9,F,I,B,UP,RUF", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout


async def test_langchain_export_is_standalone(library: SkillLibrary, tmp_path: Path) -> None:
    library.add(SEARCH_PRODUCTS, "shop", status="verified")
    path = library.export("shop", "langchain", tmp_path / "shop_langchain.py")
    spec = importlib.util.spec_from_file_location("exported_shop_langchain", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = FakePage()
    (tool,) = module.build_tools(page)
    assert tool.name == "search_products"
    assert await tool.ainvoke({"query": "tea"}) == ["Blue Mug", "Red Mug"]
    assert ("goto", "/") in page.calls

"""Export a site's verified skills for use outside Skillwright.

* `export_python`: the site module itself (formatted, importable; needs only Playwright).
* `export_openai`: a JSON list of OpenAI function-calling tool definitions.
* `export_langchain`: a self-contained Python module holding the skills plus
  `build_tools(page) -> list[StructuredTool]`; it needs only `playwright` and `langchain-core`,
  not Skillwright or the library directory.
* `agent-skills`: one Agent Skills folder per skill (see `agent_skills.py`).
* `package`: an installable package needing only `playwright` (see `package_export.py`).

Exports hold the verified skills; `include_all=True` holds the latest version of every skill.
"""

from __future__ import annotations

import json
import pprint
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .module_writer import (
    PLAYWRIGHT_NAMES,
    format_source,
    names_used,
    render_module,
    write_atomic,
)
from .tool_schemas import openai_tool

if TYPE_CHECKING:
    from .library import SkillLibrary
    from .models import Skill

ExportFormat = Literal["python", "openai", "langchain", "agent-skills", "package"]
EXPORT_FORMATS: tuple[str, ...] = ("python", "openai", "langchain", "agent-skills", "package")


def export_python(
    library: SkillLibrary, site: str, out_path: str | Path, *, include_all: bool = False
) -> Path:
    """Write the site's skill module to `out_path` (with `include_all`, every latest version)."""
    library.load(site)  # regenerates the module if stale and re-checks it
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if include_all:
        skills = library.export_skills(site, include_all=True)
        codes = {s.name: s.code for s in skills}
        write_atomic(out, format_source(render_module(site, skills, codes)))
    else:
        write_atomic(out, library.module_path(site).read_text(encoding="utf-8"))
    return out


def export_openai(
    library: SkillLibrary, site: str, out_path: str | Path, *, include_all: bool = False
) -> Path:
    """Write the site's tool definitions as JSON (a list of `{"type": "function", ...}`)."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tools = library.as_openai_tools(site, include_all=include_all)
    write_atomic(out, json.dumps(tools, indent=2, ensure_ascii=False) + "\n")
    return out


def export_langchain(
    library: SkillLibrary, site: str, out_path: str | Path, *, include_all: bool = False
) -> Path:
    """Write a standalone module with the skills and `build_tools(page)` for LangChain."""
    library.load(site)  # checks the site exists
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    skills = library.export_skills(site, include_all=include_all)
    write_atomic(out, format_source(render_langchain_module(site, skills)))
    return out


def export_agent_skills(
    library: SkillLibrary, site: str, out_path: str | Path, *, include_all: bool = False
) -> Path:
    from .agent_skills import export_agent_skills as export_folders

    return export_folders(library, site, out_path, include_all=include_all)


def export_package(
    library: SkillLibrary, site: str, out_path: str | Path, *, include_all: bool = False
) -> Path:
    from .package_export import export_package as export_dist

    return export_dist(library, site, out_path, include_all=include_all)


def export(
    library: SkillLibrary,
    site: str,
    fmt: ExportFormat,
    out_path: str | Path,
    *,
    include_all: bool = False,
) -> Path:
    """Dispatch on `fmt` (one of `EXPORT_FORMATS`)."""
    exporters = {
        "python": export_python,
        "openai": export_openai,
        "langchain": export_langchain,
        "agent-skills": export_agent_skills,
        "package": export_package,
    }
    if fmt not in exporters:
        raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(exporters)}")
    return exporters[fmt](library, site, out_path, include_all=include_all)


_BUILD_TOOLS = '''
def build_tools(page: Page) -> list[StructuredTool]:
    """One LangChain StructuredTool per skill, each calling the skill with `page`."""
    return [_tool(page, FUNCTIONS[name], spec) for name, spec in TOOL_SPECS.items()]


def _tool(
    page: Page, function: Callable[..., Awaitable[Any]], spec: dict[str, Any]
) -> StructuredTool:
    parameters = spec["parameters"]
    optional = {
        name: None
        for name, schema in parameters["properties"].items()
        if name not in parameters["required"] and "default" not in schema
    }

    async def run(**arguments: Any) -> Any:
        return await function(page, **{**optional, **arguments})

    return StructuredTool.from_function(
        coroutine=run,
        name=spec["name"],
        description=spec["description"],
        args_schema=parameters,
        infer_schema=False,
    )
'''


def render_langchain_module(site: str, skills: list[Skill]) -> str:
    """Source of the standalone LangChain module for `site`."""
    ordered = sorted(skills, key=lambda s: s.name)
    used = names_used(s.code for s in ordered) | {"Page"}
    imports = ", ".join(n for n in PLAYWRIGHT_NAMES if n in used)
    specs = {s.name: openai_tool(s)["function"] for s in ordered}
    functions = ", ".join(f'"{s.name}": {s.name}' for s in ordered)
    lines = [
        f'"""LangChain tools for site {site}, exported by Skillwright.',
        "",
        "The skills below were verified by execution.",
        "",
        "Usage:",
        "    tools = build_tools(page)  # list[StructuredTool]; each skill is bound to `page`",
        "",
        "Create `page` in a browser context whose base_url is the site's address.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Awaitable, Callable",
        "from typing import Any",
        "",
        "from langchain_core.tools import StructuredTool",
        f"from playwright.async_api import {imports}",
        "",
    ]
    for skill in ordered:
        lines += ["", skill.code.strip(), ""]
    lines += [
        "",
        f"TOOL_SPECS: dict[str, dict[str, Any]] = {_literal(specs)}",
        f"FUNCTIONS: dict[str, Callable[..., Awaitable[Any]]] = {{{functions}}}",
        _BUILD_TOOLS,
        f"__all__ = [{', '.join(repr(n) for n in sorted(['build_tools', *specs]))}]",
        "",
    ]
    return "\n".join(lines)


def _literal(value: object) -> str:
    """A Python literal on one line (the formatter splits it by structure, not inside strings)."""
    return pprint.pformat(value, sort_dicts=False, width=10_000)

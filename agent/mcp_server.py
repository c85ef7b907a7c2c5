"""An MCP server (official `mcp` SDK, low-level `Server`) exposing a site's verified skills.

One browser context and page per server, created with the target's base URL (off-origin
requests blocked, see `agent.browser.session`), so state such as a login carries over from one
call to the next as it would for a person. Calls run one at a time, each under the sandbox's
timeout; a failure comes back as an error result holding the exception and whatever the page
shows in `role="alert"` elements (the site's own error messages). Every call is counted in the
library's usage counters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from mcp import types
from mcp.server.lowlevel import Server
from playwright.async_api import Page

from agent.errors import SkillwrightError
from skills_store import Skill, SkillLibrary
from skills_store.tool_schemas import is_nullable, parameters_schema, tool_description

SERVER_NAME = "skillwright"


@dataclass
class SkillTools:
    """The site's verified skills, compiled, with their MCP tool definitions."""

    site: str
    skills: dict[str, Skill]
    functions: dict[str, Callable[..., Any]]

    def tools(self) -> list[types.Tool]:
        return [
            types.Tool(
                name=skill.name,
                description=tool_description(skill),
                input_schema=parameters_schema(skill),
            )
            for skill in self.skills.values()
        ]


def load_tools(library: SkillLibrary, site: str) -> SkillTools:
    """Compile the site's verified skills under the sandbox policy (one shared namespace)."""
    from agent.sandbox import compile_library

    library.load(site)  # clear error for an unknown site; regenerates a stale module
    skills = {s.name: s for s in library.module_skills(site)}
    if not skills:
        raise SkillwrightError(f"site {site!r} has no verified skills in {library.path}")
    functions = compile_library({name: s.code for name, s in skills.items()})
    return SkillTools(site, skills, functions)


async def site_errors(page: Page) -> list[str]:
    """What the page shows as alerts right now (validation messages, error banners)."""
    try:
        texts = await page.get_by_role("alert").all_inner_texts()
    except Exception:  # the page may be gone after a crash or a timeout
        return []
    return [" ".join(t.split()) for t in texts if t.strip()]


def _text(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


class SkillCaller:
    """Runs tool calls against one page, one at a time, and records usage."""

    def __init__(
        self, library: SkillLibrary, tools: SkillTools, page: Page, timeout_s: float
    ) -> None:
        self.library = library
        self.tools = tools
        self.page = page
        self.timeout_s = timeout_s
        self.lock = anyio.Lock()

    async def call(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        from agent.sandbox import run_skill

        skill = self.tools.skills.get(name)
        if skill is None:
            known = ", ".join(self.tools.skills)
            return _error(f"unknown tool {name!r}; tools: {known}")
        known_params = {p.name for p in skill.params}
        unknown = sorted(set(arguments) - known_params)
        if unknown:
            return _error(f"{name} takes no argument {', '.join(unknown)}")
        args = {
            p.name: None
            for p in skill.params
            if p.default is None and is_nullable(p.annotation) and p.name not in arguments
        }
        args.update(arguments)
        async with self.lock:
            try:
                result = await run_skill(
                    self.tools.functions[name], self.page, args, self.timeout_s
                )
            except Exception as exc:
                shown = await site_errors(self.page)
                self.library.record_usage(self.tools.site, name, ok=False, version=skill.version)
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                message = f"{name} failed: {first}"
                if shown:
                    message += "\nthe site says: " + " | ".join(shown)
                return _error(message)
        self.library.record_usage(self.tools.site, name, ok=True, version=skill.version)
        return types.CallToolResult(
            content=[types.TextContent(text=_text(result))],
            structured_content={"result": json.loads(_text(result))},
        )


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def build_server(caller: SkillCaller) -> Server[Any]:
    """The MCP server: `tools/list` gives the skills, `tools/call` runs one."""
    tools = caller.tools.tools()

    async def on_list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def on_call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        return await caller.call(params.name, dict(params.arguments or {}))

    return Server(
        f"{SERVER_NAME}-{caller.tools.site}",
        instructions=(
            f"Verified Playwright skills for the site {caller.tools.site!r}. They share one "
            "browser page, so state (a login, a cart) carries over between calls."
        ),
        on_list_tools=on_list_tools,
        on_call_tool=on_call_tool,
    )


async def serve_stdio(library_path: Path, site: str, target: str | None, timeout_s: float) -> None:
    """`skillwright mcp`: open the target and a browser, then serve MCP on stdin/stdout."""
    from mcp.server.stdio import stdio_server

    from agent.browser import BrowserSession
    from agent.target import open_target
    from sites.registry import BUNDLED_SITES

    library = SkillLibrary(library_path)
    tools = load_tools(library, site)
    where = target or site
    if target is None and site not in BUNDLED_SITES:
        raise SkillwrightError(f"site {site!r} is not a bundled site: give --target URL")
    opened = await open_target(where)
    try:
        async with BrowserSession() as browser:
            context = await browser.new_context(opened.base_url)
            try:
                page = await context.new_page()
                server = build_server(SkillCaller(library, tools, page, timeout_s))
                async with stdio_server() as (read, write):
                    await server.run(read, write, server.create_initialization_options())
            finally:
                await context.close()
    finally:
        await opened.close()

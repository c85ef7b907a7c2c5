"""Pieces shared by the exports that run without Skillwright (Agent Skills scripts, packages):
the skills a skill needs, and a small command-line runner that opens a browser on a base URL.
"""

from __future__ import annotations

import ast
import pprint
from collections.abc import Sequence
from typing import Any

from .models import Skill
from .module_writer import names_used
from .tool_schemas import tool_description

# The runner needs only Playwright; it is written into every standalone export as is.
RUNNER = '''
def _convert(kind: str, text: str) -> Any:
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise ValueError(f"not a boolean: {text!r}")
        return text.lower() in ("true", "1", "yes")
    if kind == "json":
        return json.loads(text)
    return text


def _parser(name: str, summary: str, params: list[dict[str, Any]]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=name, description=summary)
    parser.add_argument("--base-url", required=True, help="The site's address, e.g. http://host:port")
    parser.add_argument(
        "--executable",
        default=os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE"),
        help="Chromium to launch (default $PLAYWRIGHT_CHROMIUM_EXECUTABLE, else Playwright's own)",
    )
    parser.add_argument("--headed", action="store_true", help="Show the browser window")
    for param in params:
        flag = "--" + param["name"].replace("_", "-")
        help_text = param["help"] or param["kind"]
        if param["required"]:
            parser.add_argument(flag, dest=param["name"], required=True, help=help_text)
        else:
            default = f"{help_text} (default {param['default']!r})"
            parser.add_argument(flag, dest=param["name"], help=default)
    return parser


async def _call(
    function: Callable[..., Awaitable[Any]], arguments: dict[str, Any], options: argparse.Namespace
) -> Any:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=options.executable or None, headless=not options.headed
        )
        try:
            context = await browser.new_context(base_url=options.base_url)
            page = await context.new_page()
            return await function(page, **arguments)
        finally:
            await browser.close()


def run_cli(name: str, argv: list[str] | None = None) -> int:
    """Run one skill from the command line and print its result as JSON (exit 1 on failure)."""
    spec = SKILLS[name]
    options = _parser(name, spec["summary"], spec["params"]).parse_args(argv)
    arguments: dict[str, Any] = {}
    for param in spec["params"]:
        text = getattr(options, param["name"])
        if text is not None:
            arguments[param["name"]] = _convert(param["kind"], text)
        elif param["nullable"] and param["default"] is None:
            arguments[param["name"]] = None
    try:
        result = asyncio.run(_call(FUNCTIONS[name], arguments, options))
    except Exception as exc:  # reported on one line, exit status 1
        print(f"{name} failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, default=str))
    return 0
'''

RUNNER_IMPORTS = [
    "import argparse",
    "import asyncio",
    "import json",
    "import os",
    "import sys",
    "from collections.abc import Awaitable, Callable",
    "from typing import Any",
]


def with_dependencies(skill: Skill, pool: Sequence[Skill]) -> list[Skill]:
    """`skill` and every skill of `pool` it calls, directly or not (dependencies first)."""
    by_name = {s.name: s for s in pool}
    ordered: list[Skill] = []
    seen: set[str] = set()

    def visit(current: Skill) -> None:
        if current.name in seen:
            return
        seen.add(current.name)
        for callee in sorted(names_used([current.code]) & by_name.keys() - {current.name}):
            visit(by_name[callee])
        ordered.append(current)

    visit(skill)
    return ordered


def cli_params(skill: Skill) -> list[dict[str, Any]]:
    """How the runner reads each parameter from the command line."""
    out = []
    for param in skill.params:
        annotation = param.annotation.replace(" ", "")
        nullable = "None" in annotation.split("|")
        base = next((p for p in annotation.split("|") if p != "None"), "str")
        kind = base if base in ("str", "int", "float", "bool") else "json"
        default: Any = None
        if param.default is not None:
            try:
                default = ast.literal_eval(param.default)
            except (ValueError, SyntaxError):
                default = param.default
        out.append(
            {
                "name": param.name,
                "kind": kind,
                "required": param.required and not nullable,
                "nullable": nullable,
                "default": default,
                "help": param.description,
            }
        )
    return out


def skills_table(skills: Sequence[Skill]) -> str:
    """`SKILLS = {...}`: per skill, its summary and command-line parameters (a literal)."""
    table = {s.name: {"summary": tool_description(s), "params": cli_params(s)} for s in skills}
    return pprint.pformat(table, sort_dicts=False, width=70)  # long strings split in pieces

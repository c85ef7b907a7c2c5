"""Run untrusted skill code: AST policy first, restricted builtins, a timeout.

The code runs against a page whose browser context was created with the target's `base_url` and
off-origin requests blocked (see `agent.browser.session`), so a skill cannot reach other sites.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Callable, Mapping
from typing import Any

from playwright.async_api import Page, expect

from agent.errors import SkillwrightError
from skills_store.policy import check_skill_code

SAFE_BUILTINS = (
    "len str int float bool list dict tuple set range enumerate zip min max sum sorted any all "
    "abs round isinstance ValueError RuntimeError AssertionError Exception None True False print"
).split()


class SkillTimeoutError(SkillwrightError):
    """A skill did not finish within its time limit."""


def _safe_builtins() -> dict[str, Any]:
    return {name: getattr(builtins, name) for name in SAFE_BUILTINS if hasattr(builtins, name)}


def compile_skill(
    code: str, name: str, library: Mapping[str, Callable[..., Any]] | None = None
) -> Callable[..., Any]:
    """Check `code` against the policy and return its async function.

    `library` holds already verified skills of the same site that the code may call.
    """
    allowed = set(library or {})
    check_skill_code(code, allowed_calls=allowed)
    namespace: dict[str, Any] = {
        "__builtins__": _safe_builtins(),
        "Page": Page,
        "expect": expect,
        **(library or {}),
    }
    exec(compile(code, f"<skill {name}>", "exec"), namespace)
    fn = namespace.get(name)
    if fn is None or not asyncio.iscoroutinefunction(fn):
        raise SkillwrightError(f"skill code does not define `async def {name}`")
    return fn


async def run_skill(
    fn: Callable[..., Any], page: Page, args: Mapping[str, Any], timeout_s: float = 30.0
) -> Any:
    """Call a compiled skill with a timeout; a timeout raises SkillTimeoutError."""
    try:
        return await asyncio.wait_for(fn(page, **args), timeout_s)
    except TimeoutError:
        raise SkillTimeoutError(f"skill timed out after {timeout_s:.0f} s") from None


def compile_library(codes: Mapping[str, str]) -> dict[str, Callable[..., Any]]:
    """Compile verified skills of one site into one namespace, so skills can call each other."""
    names = set(codes)
    namespace: dict[str, Any] = {"__builtins__": _safe_builtins(), "Page": Page, "expect": expect}
    for name, code in codes.items():
        check_skill_code(code, allowed_calls=names - {name})
        exec(compile(code, f"<skill {name}>", "exec"), namespace)
    return {name: namespace[name] for name in codes if name in namespace}

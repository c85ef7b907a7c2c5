"""Shared resources of one run: target, browser, library, run folder, and fresh-page setup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Page

from agent.browser import BrowserSession, close_context
from agent.models import SetupCall
from agent.sandbox import compile_library, run_skill
from agent.target import Target
from skills_store import SkillLibrary

SECRET_PREFIX = "$account:"


def resolve_args(args: dict[str, Any], accounts: dict[str, str]) -> dict[str, Any]:
    """Setup calls name credentials as `$account:USER`; resolve them only when calling."""
    out: dict[str, Any] = {}
    for key, value in args.items():
        if isinstance(value, str) and value.startswith(SECRET_PREFIX):
            out[key] = accounts[value[len(SECRET_PREFIX) :]]
        else:
            out[key] = value
    return out


class SetupError(Exception):
    """A precondition (a verified setup skill) failed."""


class Workbench:
    def __init__(
        self,
        target: Target,
        browser: BrowserSession,
        library: SkillLibrary,
        run_dir: Path,
        *,
        skill_timeout_s: float = 30.0,
    ) -> None:
        self.target = target
        self.browser = browser
        self.library = library
        self.run_dir = run_dir
        self.skill_timeout_s = skill_timeout_s

    @property
    def site(self) -> str:
        return self.target.name

    def skills(self) -> dict[str, Callable[..., Any]]:
        """The site's verified skills, compiled under the sandbox policy."""
        codes = {s.name: s.code for s in self.library.list(site=self.site, status="verified")}
        return compile_library(codes)

    async def fresh_page(
        self, setup: list[SetupCall], *, trace: bool = False
    ) -> tuple[BrowserContext, Page]:
        """Reset the site, open a new context and page, and run the setup calls."""
        await self.target.reset()
        context = await self.browser.new_context(self.target.base_url, trace=trace)
        page = await context.new_page()
        if setup:
            skills = self.skills()
            for call in setup:
                fn = skills.get(call.skill)
                if fn is None:
                    await context.close()
                    raise SetupError(f"setup skill {call.skill} is not in the library")
                try:
                    await run_skill(
                        fn,
                        page,
                        resolve_args(call.args, self.target.accounts),
                        self.skill_timeout_s,
                    )
                except Exception as exc:
                    await context.close()
                    raise SetupError(f"setup {call.skill} failed: {exc}") from None
        return context, page

    async def close(self, context: BrowserContext, trace_to: Path | None = None) -> None:
        await close_context(context, trace_to)

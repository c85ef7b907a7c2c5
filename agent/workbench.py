"""Shared resources of one run: target, browser, library, run folder, and fresh-page setup."""

from __future__ import annotations

import json
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


WRONG_SUFFIX = "#wrong"


def resolve_args(args: dict[str, Any], accounts: dict[str, str]) -> dict[str, Any]:
    """Calls and test cases name credentials as `$account:USER` (`$account:USER#wrong` for a
    wrong password); resolve them only when calling."""
    out: dict[str, Any] = {}
    for key, value in args.items():
        if isinstance(value, str) and value.startswith(SECRET_PREFIX):
            user = value[len(SECRET_PREFIX) :]
            wrong = user.endswith(WRONG_SUFFIX)
            user = user.removesuffix(WRONG_SUFFIX)
            if user not in accounts:
                raise SetupError(f"no password configured for account {user!r}")
            out[key] = accounts[user] + ("-wrong" if wrong else "")
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
        checkpoint_dir: Path | None = None,
    ) -> None:
        self.checkpoint_dir = checkpoint_dir or run_dir / "checkpoints"
        self.target = target
        self.browser = browser
        self.library = library
        self.run_dir = run_dir
        self.skill_timeout_s = skill_timeout_s
        self._checkpoints: dict[str, tuple[Path, dict[str, Any]]] = {}
        self._sessions: dict[str, dict[str, Any]] = {}  # live sites: setup key -> cookies
        self._compiled: tuple[int, dict[str, Callable[..., Any]]] | None = None
        browser.log_blocked_to(run_dir / "blocked.jsonl")  # refused off-origin connections

    @property
    def site(self) -> str:
        return self.target.name

    def skills(self) -> dict[str, Callable[..., Any]]:
        """The site's verified skills, compiled under the sandbox policy.

        Compiled once per change of the site's verified skills (the library's generation), not
        once per call: verification asks for them on every test input.
        """
        generation = self.library.generation(self.site)
        if self._compiled is None or self._compiled[0] != generation:
            # what the module holds: a skill calling one that is no longer verified is left out
            verified = self.library.module_skills(self.site)
            self._compiled = (generation, compile_library({s.name: s.code for s in verified}))
        return dict(self._compiled[1])

    async def fresh_page(
        self, setup: list[SetupCall], *, trace: bool = False
    ) -> tuple[BrowserContext, Page]:
        """A new context and page on a reset site, after the setup calls.

        On a resettable site the setup runs once; its result (database file + cookies) is a
        checkpoint restored for later calls with the same setup, which is equivalent and fast.
        """
        if setup and self.target.resettable:
            key = json.dumps([c.model_dump() for c in setup], sort_keys=True)
            checkpoint = self._checkpoints.get(key)
            if checkpoint is None:
                context, _page = await self._run_setup(setup, trace=False)
                state = await context.storage_state()
                path = self.checkpoint_dir / f"{len(self._checkpoints)}.db"
                path.parent.mkdir(parents=True, exist_ok=True)
                await self.target.save_state(path)
                await context.close()
                checkpoint = self._checkpoints[key] = (path, dict(state))
            await self.target.restore(checkpoint[0])
            context = await self.browser.new_context(
                self.target.base_url, trace=trace, storage_state=checkpoint[1]
            )
            return context, await context.new_page()
        if setup:
            # a live site cannot be reset: the setup's session (cookies) is kept and reused, so
            # the site does not see a log-in per test (real sites rate-limit log-ins)
            key = json.dumps([c.model_dump() for c in setup], sort_keys=True)
            session = self._sessions.get(key)
            if session is None:
                context, page = await self._run_setup(setup, trace=trace)
                self._sessions[key] = dict(await context.storage_state())
                return context, page
            context = await self.browser.new_context(
                self.target.base_url, trace=trace, storage_state=session
            )
            return context, await context.new_page()
        return await self._run_setup(setup, trace=trace)

    async def _run_setup(
        self, setup: list[SetupCall], *, trace: bool
    ) -> tuple[BrowserContext, Page]:
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
                    self.library.record_usage(self.site, call.skill, ok=False)
                    await context.close()
                    raise SetupError(f"setup {call.skill} failed: {exc}") from None
                self.library.record_usage(self.site, call.skill, ok=True)
        return context, page

    async def close(self, context: BrowserContext, trace_to: Path | None = None) -> None:
        await close_context(context, trace_to)

"""`skillwright sites check NAME`: every reference solution must pass, every no-op run must fail.

Each task gets one fresh browser context against a freshly reset site. The page is opened at
the task's start URL (logged in as the task asks) and judged as it stands: that is the no-op
run (an agent that does nothing), which must fail. Then the reference solution runs on that
same page and is judged: it must pass. Judging before any action is exactly what a separate
no-op run would see (reset site, start page loaded, nothing else done) at half the browser
cost. Each seeded user logs in once per check: later contexts start from the `storage_state`
saved right after that login (sessions are signed cookies, so a database reset keeps them valid).

Themes: on the base theme (v1) the check passes when every reference passes and every no-op
fails. On another theme (v2) the references, written for v1, are *expected* to break: how many
break is the measured drift, not a failure. A v2 check passes when every no-op still fails and
no evaluator errors (`CheckReport.ok`); `summary()` says "v2 drift: K/N reference solutions
break".

A task whose evaluator cannot run (EvaluatorError, e.g. its SQL fails) or whose start page
cannot be opened is a failed check with `error` naming the task. A site that is down raises
SiteError and ends the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.async_api import BrowserContext
from pydantic import BaseModel

from agent.browser import BrowserSession
from sites.errors import EvaluatorError, SiteError
from sites.harness import compile_reference, judge, login, open_task, task_user
from sites.server import RunningSite
from sites.tasks import Task


class TaskCheck(BaseModel):
    task_id: str
    reference_passed: bool
    reference_detail: str
    noop_passed: bool
    noop_detail: str
    error: str | None = None  # the check itself could not run (evaluator error, start page)

    @property
    def ok(self) -> bool:
        return self.reference_passed and not self.noop_passed and self.error is None


class CheckReport(BaseModel):
    site: str
    theme: str
    checks: list[TaskCheck]
    drift: bool = False  # checked on a non-base theme: broken references are measured, not failed

    @property
    def reference_ok(self) -> int:
        return sum(c.reference_passed for c in self.checks)

    @property
    def reference_broken(self) -> int:
        return len(self.checks) - self.reference_ok

    @property
    def noop_failed(self) -> int:
        return sum(not c.noop_passed for c in self.checks)

    @property
    def errors(self) -> list[TaskCheck]:
        return [c for c in self.checks if c.error is not None]

    @property
    def ok(self) -> bool:
        n = len(self.checks)
        if self.errors or self.noop_failed != n:
            return False
        return self.drift or self.reference_ok == n

    def summary(self) -> str:
        n = len(self.checks)
        if self.drift:
            text = f"{self.theme} drift: {self.reference_broken}/{n} reference solutions break"
        else:
            text = f"{self.reference_ok}/{n} reference solutions pass"
        text += f"; {self.noop_failed}/{n} no-op runs fail"
        if self.errors:
            text += f"; {len(self.errors)} task(s) could not be evaluated"
        return text


async def _fresh_context(
    browser: BrowserSession, site: RunningSite, task: Task, logins: dict[str, dict[str, Any]]
) -> BrowserContext:
    """A fresh context for `task`, logged in as its user (from a saved session if there is one)."""
    user = task_user(site, task)
    state = logins.get(user) if user is not None else None
    context = await browser.new_context(site.base_url, storage_state=state)
    if user is None or state is not None:
        return context
    try:
        await login(context, site, user)
        logins[user] = await context.storage_state()
    except BaseException:
        await context.close()
        raise
    return context


def _failed(
    task: Task, error: str, *, noop_passed: bool = False, noop_detail: str = ""
) -> TaskCheck:
    return TaskCheck(
        task_id=task.task_id,
        reference_passed=False,
        reference_detail=error,
        noop_passed=noop_passed,
        noop_detail=noop_detail or error,
        error=error,
    )


async def check_task(
    browser: BrowserSession,
    site: RunningSite,
    task: Task,
    logins: dict[str, dict[str, Any]] | None = None,
) -> TaskCheck:
    """Judge a no-op run and then the reference solution of `task` (see the module docstring).

    `logins` caches each user's post-login storage_state across calls (pass the same dict).
    Raises SiteError only when the site is down.
    """
    logins = {} if logins is None else logins
    await site.reset()
    try:
        context = await _fresh_context(browser, site, task, logins)
    except SiteError as exc:
        site.ensure_running()
        return _failed(task, str(exc))
    try:
        try:
            page = await open_task(context, site, task, logged_in=True)
            noop = judge(task, site, page, None)
        except EvaluatorError as exc:
            return _failed(task, str(exc))
        except SiteError as exc:
            site.ensure_running()
            return _failed(task, str(exc))
        try:
            answer = await compile_reference(task)(page)
        except Exception as exc:  # a broken reference is a failed check, reported
            detail = f"reference raised {type(exc).__name__}: {' '.join(str(exc).split())[:240]}"
            site.ensure_running()
            return TaskCheck(
                task_id=task.task_id,
                reference_passed=False,
                reference_detail=detail,
                noop_passed=noop.passed,
                noop_detail=noop.detail,
            )
        try:
            ref = judge(task, site, page, answer)
        except EvaluatorError as exc:
            return _failed(task, str(exc), noop_passed=noop.passed, noop_detail=noop.detail)
        return TaskCheck(
            task_id=task.task_id,
            reference_passed=ref.passed,
            reference_detail=ref.detail,
            noop_passed=noop.passed,
            noop_detail=noop.detail,
        )
    finally:
        await context.close()


async def check_site(
    site: RunningSite,
    tasks: list[Task],
    browser: BrowserSession,
    on_task: Callable[[TaskCheck], None] | None = None,
) -> CheckReport:
    """Check every task of `site` (see the module docstring); SiteError if the site goes down."""
    logins: dict[str, dict[str, Any]] = {}
    checks: list[TaskCheck] = []
    for task in tasks:
        check = await check_task(browser, site, task, logins)
        checks.append(check)
        if on_task is not None:
            on_task(check)
    drift = site.theme != site.definition.themes[0]
    return CheckReport(site=site.name, theme=site.theme, checks=checks, drift=drift)

"""`skillwright sites check NAME`: every reference solution must pass, every no-op run must fail."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from agent.browser import BrowserSession
from sites.harness import compile_reference, judge, open_task
from sites.server import RunningSite
from sites.tasks import Task


class TaskCheck(BaseModel):
    task_id: str
    reference_passed: bool
    reference_detail: str
    noop_passed: bool
    noop_detail: str


class CheckReport(BaseModel):
    site: str
    theme: str
    checks: list[TaskCheck]

    @property
    def reference_ok(self) -> int:
        return sum(c.reference_passed for c in self.checks)

    @property
    def noop_failed(self) -> int:
        return sum(not c.noop_passed for c in self.checks)

    @property
    def ok(self) -> bool:
        n = len(self.checks)
        return self.reference_ok == n and self.noop_failed == n

    def summary(self) -> str:
        n = len(self.checks)
        return (
            f"{self.reference_ok}/{n} reference solutions pass; "
            f"{self.noop_failed}/{n} no-op runs fail"
        )


async def _attempt(
    browser: BrowserSession, site: RunningSite, task: Task, run_reference: bool
) -> tuple[bool, str]:
    await site.reset()
    context = await browser.new_context(site.base_url)
    try:
        page = await open_task(context, site, task)
        answer = None
        if run_reference:
            try:
                answer = await compile_reference(task)(page)
            except Exception as exc:  # a broken reference is a failed check, reported
                return False, f"reference raised {type(exc).__name__}: {str(exc)[:200]}"
        result = judge(task, site, page, answer)
        return result.passed, result.detail
    finally:
        await context.close()


async def check_site(
    site: RunningSite,
    tasks: list[Task],
    browser: BrowserSession,
    on_task: Callable[[TaskCheck], None] | None = None,
) -> CheckReport:
    checks: list[TaskCheck] = []
    for task in tasks:
        ref_ok, ref_detail = await _attempt(browser, site, task, run_reference=True)
        noop_ok, noop_detail = await _attempt(browser, site, task, run_reference=False)
        check = TaskCheck(
            task_id=task.task_id,
            reference_passed=ref_ok,
            reference_detail=ref_detail,
            noop_passed=noop_ok,
            noop_detail=noop_detail,
        )
        checks.append(check)
        if on_task is not None:
            on_task(check)
    return CheckReport(site=site.name, theme=site.theme, checks=checks)

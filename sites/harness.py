"""Run a task in a browser context: log in if needed, open the start page, evaluate the result."""

from __future__ import annotations

import textwrap
from typing import Any

from playwright.async_api import BrowserContext, Page, expect
from playwright.async_api import Error as PlaywrightError

from sites.errors import SiteError
from sites.server import RunningSite
from sites.tasks import EvalResult, Task, evaluate


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def task_user(site: RunningSite, task: Task) -> str | None:
    """The seeded user `task` runs as (None when it needs no login)."""
    if not task.requires_login:
        return None
    user = task.login_as or next(iter(site.definition.accounts), None)
    if user is None:
        raise SiteError(f"task {task.task_id} requires login but the site has no accounts")
    return user


async def login(context: BrowserContext, site: RunningSite, username: str) -> None:
    """Log `username` in by POSTing the site's login form through the context (shares cookies)."""
    form = site.definition.login
    if form is None:
        raise SiteError(f"site {site.name!r} has no login form")
    password = site.definition.accounts.get(username)
    if password is None:
        raise SiteError(f"site {site.name!r} has no seeded account {username!r}")
    # POST from a page of the site (not `context.request`): it goes through the browser's own
    # network stack, so it is contained like every other request and its cookie lands in the
    # context.
    page = await context.new_page()
    try:
        await page.goto(site.base_url + form.path)
        status = await page.evaluate(
            """async ([url, body]) => {
                const r = await fetch(url, {method: "POST", body: new URLSearchParams(body),
                                            redirect: "manual", credentials: "same-origin"});
                return r.type === "opaqueredirect" ? 303 : r.status;
            }""",
            [form.path, {form.username_field: username, form.password_field: password}],
        )
    except PlaywrightError as exc:
        site.ensure_running()
        raise SiteError(
            f"login as {username!r} on {site.name!r} failed: {_first_line(exc)}"
        ) from None
    finally:
        await page.close()
    if status >= 400:
        raise SiteError(f"login as {username!r} on {site.name!r} failed: HTTP {status}")


async def open_task(
    context: BrowserContext, site: RunningSite, task: Task, *, logged_in: bool = False
) -> Page:
    """A page at the task's start URL, logged in as the task asks.

    Pass `logged_in=True` when `context` already carries the task user's session (a context
    made from the `storage_state` of an earlier login: sessions are signed cookies, so the
    cookie stays valid across resets).
    """
    if not logged_in:
        user = task_user(site, task)
        if user is not None:
            await login(context, site, user)
    page = await context.new_page()
    try:
        await page.goto(task.start_url)
    except PlaywrightError as exc:
        site.ensure_running()
        raise SiteError(
            f"task {task.task_id}: cannot open {task.start_url}: {_first_line(exc)}"
        ) from None
    return page


def compile_reference(task: Task) -> Any:
    """Turn the task's reference body into `async def solve(page)` (our own trusted code)."""
    source = "async def solve(page):\n" + textwrap.indent(task.reference, "    ")
    namespace: dict[str, Any] = {"expect": expect}
    try:
        exec(compile(source, f"<reference {task.task_id}>", "exec"), namespace)
    except SyntaxError as exc:
        raise SiteError(f"task {task.task_id}: reference solution does not parse: {exc}") from None
    return namespace["solve"]


def judge(task: Task, site: RunningSite, page: Page, answer: Any) -> EvalResult:
    """Evaluate an attempt; SiteError if the site went down, EvaluatorError if the check fails."""
    site.ensure_running()
    return evaluate(task, answer=answer, url=page.url, db_path=site.db_path)

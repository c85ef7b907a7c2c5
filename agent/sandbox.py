"""Run untrusted skill code: AST policy first, then checks compiled in, restricted builtins.

Three layers, each enough for what it covers:

1. the policy (`skills_store.policy`) refuses code that reaches outside the Playwright API;
2. the accepted code is rewritten (`agent.skill_rewrite`) so every navigation URL is checked
   when it is used (`agent.skill_urls`), every loop meets the run's deadline and iteration cap,
   and every size-multiplying operation checks its result size (`agent.skill_limits`);
3. the browser context itself only reaches the target's origin (`agent.browser.session`):
   whatever the skill makes the page do, off-origin connections are refused by Chromium's
   network stack. A refusal seen while a skill runs fails the skill with `ContainmentError`.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import contextlib
import functools
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Frame, Page, Request, WebSocket, expect

from agent.errors import SkillwrightError
from agent.skill_limits import Budget, Limits, ResourceLimitError, SkillTimeoutError
from agent.skill_rewrite import instrument
from agent.skill_urls import ContainmentError, checked_relative_url
from skills_store.policy import check_skill_code

__all__ = [
    "ContainmentError",
    "ResourceLimitError",
    "SkillTimeoutError",
    "compile_library",
    "compile_skill",
    "run_skill",
]

SAFE_BUILTINS = (
    "len str int float bool list dict tuple set range enumerate zip min max sum sorted any all "
    "abs round isinstance ValueError RuntimeError AssertionError Exception None True False print"
).split()
DEFAULT_TIMEOUT_S = 30.0
# After the deadline a skill stuck in awaits (e.g. in a `finally`) gets this long to unwind;
# then it is abandoned: its pending browser calls end when the context is closed.
CANCEL_GRACE_S = 0.5
# Network errors that only the context's refusing proxy produces.
_PROXY_REFUSALS = ("ERR_SOCKS_CONNECTION_FAILED", "ERR_PROXY_CONNECTION_FAILED")


class SkillRuntime:
    """The checks and the run loop shared by the skills of one compiled namespace."""

    def __init__(self) -> None:
        self.limits = Limits()

    def namespace(self) -> dict[str, Any]:
        limits = self.limits
        safe = {name: getattr(builtins, name) for name in SAFE_BUILTINS if hasattr(builtins, name)}
        safe.update(range=limits.range, sum=limits.sum, round=limits.round)
        return {
            "__builtins__": safe,
            "Page": Page,
            "expect": expect,
            "__sw_tick__": limits.tick,
            "__sw_iter__": limits.iterate,
            "__sw_add__": limits.add,
            "__sw_iadd__": limits.iadd,
            "__sw_mul__": limits.mul,
            "__sw_imul__": limits.imul,
            "__sw_pow__": limits.pow,
            "__sw_lshift__": limits.lshift,
            "__sw_mod__": limits.mod,
            "__sw_method__": limits.method,
            "__sw_aug_item__": limits.aug_item,
            "__sw_slice__": slice,
            "__sw_goto__": self.goto,
        }

    def goto(self, target: Any, *args: Any, **kwargs: Any) -> Any:
        """`target.goto(url, ...)` with `url` checked and normalised first."""
        if args:
            url, rest = args[0], args[1:]
        else:
            url, rest = kwargs.pop("url", None), ()
        try:
            checked = checked_relative_url(url)
        except ContainmentError as exc:
            budget = self.limits.current()
            if budget is not None:
                budget.refused.append(str(exc))
            raise
        return target.goto(checked, *rest, **kwargs)

    def active(self) -> bool:
        return self.limits.current() is not None

    async def run(
        self,
        fn: Callable[..., Any],
        page: Page,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
        timeout_s: float,
    ) -> Any:
        """Run `fn` as its own task under a fresh budget; raise on timeout or containment."""
        budget = Budget(deadline=time.monotonic() + timeout_s, timeout_s=timeout_s)
        self.limits.unbudgeted.ticks = 0  # a compiled library may serve many runs
        watch = _BlockWatch(page)

        async def body() -> Any:
            task = asyncio.current_task()
            assert task is not None
            self.limits.budgets[task] = budget
            try:
                return await fn(page, *args, **kwargs)
            finally:
                del self.limits.budgets[task]

        task = asyncio.ensure_future(body())
        try:
            done, _ = await asyncio.wait({task}, timeout=timeout_s)
            if not done:
                budget.expired = True
                await _unwind(task)
                raise SkillTimeoutError(f"skill timed out after {timeout_s:g} s")
        except asyncio.CancelledError:  # the run itself is being cancelled (Ctrl-C)
            budget.expired = True
            with contextlib.suppress(BaseException):
                await _unwind(task)
            raise
        finally:
            watch.stop()
        refusal = budget.refused[0] if budget.refused else watch.first()
        if refusal is not None:
            if not task.cancelled():
                task.exception()  # retrieved: the containment error replaces it
            raise ContainmentError(refusal)
        if task.cancelled():
            raise SkillTimeoutError(f"skill timed out after {timeout_s:g} s")
        error = task.exception()
        if isinstance(error, SkillTimeoutError) or budget.expired:
            raise SkillTimeoutError(f"skill timed out after {timeout_s:g} s") from None
        if error is not None:
            raise error
        return task.result()


async def _unwind(task: asyncio.Task[Any]) -> None:
    """Cancel `task` until it ends (each cancel ends one pending await, e.g. one more in a
    `finally`), for at most CANCEL_GRACE_S; a task still pending then is abandoned."""
    ends = time.monotonic() + CANCEL_GRACE_S
    while not task.done() and time.monotonic() < ends:
        task.cancel()
        await asyncio.wait({task}, timeout=0.05)
    if not task.done():
        task.add_done_callback(_forget)


def _forget(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


class _BlockWatch:
    """Refusals the browser context reports while one skill runs (navigations, WebSockets,
    frames on other schemes). Subresource refusals are only logged by the session's guard:
    sites embed third-party content a skill does not cause."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.context = page.context
        self.context.on("requestfailed", self._request_failed)
        page.on("framenavigated", self._frame_navigated)
        page.on("websocket", self._websocket)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.context.remove_listener("requestfailed", self._request_failed)
            self.page.remove_listener("framenavigated", self._frame_navigated)
            self.page.remove_listener("websocket", self._websocket)

    def first(self) -> str | None:
        return self.blocked[0] if self.blocked else None

    def _request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        if any(code in failure for code in _PROXY_REFUSALS) and request.is_navigation_request():
            self.blocked.append(
                f"navigation to {_short(request.url)} refused: not the target's origin"
            )

    def _frame_navigated(self, frame: Frame) -> None:
        scheme = urlsplit(frame.url).scheme
        if scheme not in ("http", "https", "about", "chrome-error"):
            self.blocked.append(
                f"a frame opened {_short(frame.url)}: the {scheme}: scheme is refused"
            )

    def _websocket(self, ws: WebSocket) -> None:
        page_url, ws_url = urlsplit(self.page.url), urlsplit(ws.url)
        same = page_url.scheme in ("http", "https") and page_url.netloc == ws_url.netloc
        if not same:
            self.blocked.append(f"WebSocket to {_short(ws.url)} refused: not the target's origin")


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."


def _runtime_of(library: Mapping[str, Callable[..., Any]] | None) -> SkillRuntime:
    for fn in (library or {}).values():
        runtime = getattr(fn, "sandbox_runtime", None)
        if isinstance(runtime, SkillRuntime):
            return runtime
    return SkillRuntime()


def _sandboxed(fn: Callable[..., Any], runtime: SkillRuntime) -> Callable[..., Any]:
    """The callable handed out for a compiled skill: a call from outside a run (e.g. a library
    skill called while practising) starts a run with the default timeout."""

    @functools.wraps(fn)
    async def call(page: Page, *args: Any, **kwargs: Any) -> Any:
        if runtime.active():
            return await fn(page, *args, **kwargs)
        return await runtime.run(fn, page, args, kwargs, DEFAULT_TIMEOUT_S)

    call.sandbox_runtime = runtime  # type: ignore[attr-defined]
    call.sandbox_inner = fn  # type: ignore[attr-defined]
    return call


def _compile_into(namespace: dict[str, Any], code: str, name: str) -> None:
    tree = instrument(ast.parse(code))
    exec(compile(tree, f"<skill {name}>", "exec"), namespace)


def compile_skill(
    code: str, name: str, library: Mapping[str, Callable[..., Any]] | None = None
) -> Callable[..., Any]:
    """Check `code` against the policy and return its (sandboxed) async function.

    `library` holds already verified skills of the same site that the code may call.
    """
    allowed = set(library or {})
    check_skill_code(code, allowed_calls=allowed)
    runtime = _runtime_of(library)
    namespace = {**runtime.namespace(), **(library or {})}
    _compile_into(namespace, code, name)
    fn = namespace.get(name)
    if fn is None or not asyncio.iscoroutinefunction(fn):
        raise SkillwrightError(f"skill code does not define `async def {name}`")
    return _sandboxed(fn, runtime)


def compile_library(codes: Mapping[str, str]) -> dict[str, Callable[..., Any]]:
    """Compile verified skills of one site into one namespace, so skills can call each other."""
    names = set(codes)
    runtime = SkillRuntime()
    namespace = runtime.namespace()
    for name, code in codes.items():
        check_skill_code(code, allowed_calls=names - {name})
        _compile_into(namespace, code, name)
    return {name: _sandboxed(namespace[name], runtime) for name in codes if name in namespace}


async def run_skill(
    fn: Callable[..., Any], page: Page, args: Mapping[str, Any], timeout_s: float = 30.0
) -> Any:
    """Call a compiled skill within `timeout_s`: SkillTimeoutError when it is exceeded (even by
    code that never awaits), ContainmentError when it tried to leave the target's origin,
    ResourceLimitError when it tried to build a huge value."""
    runtime = getattr(fn, "sandbox_runtime", None)
    inner = getattr(fn, "sandbox_inner", None)
    if isinstance(runtime, SkillRuntime) and inner is not None:
        return await runtime.run(inner, page, (), args, timeout_s)
    try:
        return await asyncio.wait_for(fn(page, **args), timeout_s)
    except TimeoutError:
        raise SkillTimeoutError(f"skill timed out after {timeout_s:g} s") from None

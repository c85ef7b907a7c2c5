"""Clean interrupts for long commands: Ctrl-C or SIGTERM at any moment ends with one line.

`run_interruptible(coro)` is `asyncio.run` for commands that hold a browser, a site server or a
library: the first SIGINT/SIGTERM cancels the command's task, so its `finally` blocks close the
browser and stop the site in order, and the call raises `Interrupted` (exit code 130 or 143).
Whatever the unwinding raises after a signal - e.g. Playwright's "target closed" when the
browser is already going away - is part of the interruption, not a new failure. Signals
arriving while it unwinds are ignored: the cleanup is already under way.

`install_exit_on_signals()` covers the moments outside the event loop (parsing, printing the
result): SIGINT and SIGTERM then raise `Interrupted`. Before that, while modules are still
being imported, `exit_on_signals_while_starting()` makes a signal exit at once with one line.
This module imports only the standard library's `signal`, `sys` and `contextlib` at the top.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Coroutine
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")
HANDLED = (signal.SIGINT, signal.SIGTERM)
# After an error, how long to let a signal that raced with it be noticed (the browser or the
# site server may fail first when Ctrl-C reaches the whole process group).
_RACE_WINDOW_S = 0.2


class Interrupted(Exception):
    """The command was stopped by SIGINT or SIGTERM; `message` is the one line to print."""

    def __init__(self, signum: int, message: str = "") -> None:
        self.signum = signum
        self.message = message or "interrupted"
        super().__init__(self.message)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def interruption_in(exc: BaseException) -> Interrupted | None:
    """The `Interrupted` behind `exc`, if a signal caused it. Python wraps some exceptions raised
    inside its own machinery (a signal handler that fires while a class body's `__set_name__`
    runs during an import surfaces as `RuntimeError: Error calling __set_name__`), so the whole
    cause/context chain is searched."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, Interrupted):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _exit_now(signum: int, _frame: FrameType | None) -> None:
    sys.stderr.write("interrupted\n")
    raise SystemExit(128 + signum)


def exit_on_signals_while_starting() -> None:
    """Until the command runs (while modules are imported) nothing needs cleaning up: a signal
    prints one line and exits at once, without a traceback."""
    for signum in HANDLED:
        signal.signal(signum, _exit_now)


def install_exit_on_signals() -> None:
    """Outside the event loop, SIGINT and SIGTERM raise `Interrupted`."""
    for signum in HANDLED:
        signal.signal(signum, _raise_interrupted)


def ignore_further_signals() -> None:
    """While the command prints its last line and exits, signals change nothing."""
    for signum in HANDLED:
        signal.signal(signum, signal.SIG_IGN)


def run_interruptible(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion; on SIGINT/SIGTERM cancel it, let it unwind, and raise
    `Interrupted`."""
    import asyncio

    received: list[int] = []

    async def main() -> T:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()

        def on_signal(signum: int) -> None:
            if not received:
                received.append(signum)
                if task is not None:
                    task.cancel()

        def on_loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            if not received:  # after a signal, orphaned futures' errors are the interruption
                loop.default_exception_handler(context)

        loop.set_exception_handler(on_loop_error)
        for signum in HANDLED:
            loop.add_signal_handler(signum, on_signal, signum)
        try:
            try:
                return await coro
            except BaseException:
                if not received:  # did a signal race with this error? let it be seen
                    with contextlib.suppress(BaseException):
                        await asyncio.sleep(_RACE_WINDOW_S)
                raise
        finally:
            for signum in HANDLED:
                loop.remove_signal_handler(signum)

    try:
        result = asyncio.run(main())
    except BaseException as exc:
        if received:
            raise Interrupted(received[0]) from None
        if isinstance(exc, KeyboardInterrupt | asyncio.CancelledError):
            raise Interrupted(signal.SIGINT) from None
        raise
    finally:
        install_exit_on_signals()  # asyncio restored the default handlers on exit
    if received:
        raise Interrupted(received[0])
    return result

"""Run-time limits compiled into skill code: time, loop iterations and sizes.

A skill runs in the agent's own event loop (its `page` lives there), so a skill that never
awaits cannot be interrupted by `asyncio` timeouts. `agent.skill_rewrite` therefore compiles
checks *into* the skill: every loop iteration, comprehension item and lambda call ticks the
current run's `Budget` (deadline and iteration cap), and every operation that can build a
huge value in one C call (`*`, `**`, `<<`, `+`, `%` on strings, `str.join`/`replace`/`ljust`...,
`list.extend`, `range`, `sum`, `round`) checks the size of its result before computing it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from agent.errors import SkillwrightError

MAX_ITEMS = 10_000_000  # characters of a string, items of a list/tuple/range
MAX_INT_BITS = 1_000_000  # about 300,000 decimal digits
MAX_TICKS = 10_000_000  # loop iterations, comprehension items and lambda calls per run
MAX_ROUND_DIGITS = 1_000


class SkillTimeoutError(SkillwrightError):
    """A skill did not finish within its time limit."""


class ResourceLimitError(SkillwrightError):
    """A skill tried to build a value or loop beyond the sandbox's limits."""


@dataclass
class Budget:
    """What one skill run may still spend."""

    deadline: float
    timeout_s: float
    ticks: int = 0
    expired: bool = False
    refused: list[str] = field(default_factory=list)  # containment refusals during the run

    def spend(self) -> None:
        self.ticks += 1
        if self.ticks > MAX_TICKS:
            raise ResourceLimitError(f"skill ran more than {MAX_TICKS:,} loop iterations")
        if self.expired or time.monotonic() > self.deadline:
            self.expired = True
            raise SkillTimeoutError(f"skill timed out after {self.timeout_s:g} s")


@dataclass
class Limits:
    """The checks one compiled namespace calls; budgets are per asyncio task (per run)."""

    budgets: dict[asyncio.Task[Any], Budget] = field(default_factory=dict)
    # Code called outside a run (e.g. a lambda handler invoked by Playwright) has no deadline
    # but still a finite number of iterations.
    unbudgeted: Budget = field(default_factory=lambda: Budget(math.inf, math.inf))

    def current(self) -> Budget | None:
        try:
            task = asyncio.current_task()
        except RuntimeError:  # no running loop
            return None
        return self.budgets.get(task) if task is not None else None

    def tick(self) -> None:
        (self.current() or self.unbudgeted).spend()

    def iterate(self, iterable: Iterable[Any]) -> Iterator[Any]:
        budget = self.current() or self.unbudgeted
        for item in iterable:
            budget.spend()
            yield item

    def lambda_tick(self) -> None:
        self.tick()

    # sized operations -----------------------------------------------------------------------

    def add(self, a: Any, b: Any) -> Any:
        _check_concat(a, b)
        return a + b

    def iadd(self, a: Any, b: Any) -> Any:
        _check_concat(a, b)
        a += b
        return a

    def mul(self, a: Any, b: Any) -> Any:
        _check_repeat(a, b)
        return a * b

    def imul(self, a: Any, b: Any) -> Any:
        _check_repeat(a, b)
        a *= b
        return a

    def pow(self, a: Any, b: Any) -> Any:
        if _is_int(a) and _is_int(b) and b > 0 and abs(a) > 1:
            if a.bit_length() * b > MAX_INT_BITS:
                raise ResourceLimitError(f"{_short(a)} ** {b} is beyond {MAX_INT_BITS:,} bits")
        return a**b

    def lshift(self, a: Any, b: Any) -> Any:
        if _is_int(a) and _is_int(b) and a and b > 0 and a.bit_length() + b > MAX_INT_BITS:
            raise ResourceLimitError(f"{_short(a)} << {b} is beyond {MAX_INT_BITS:,} bits")
        return a << b

    def mod(self, a: Any, b: Any) -> Any:
        if isinstance(a, str | bytes):
            raise ResourceLimitError("%-formatting is not allowed in skills; use an f-string")
        return a % b

    def method(self, obj: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        """`obj.name(*args)` for methods that can multiply a string's or list's size."""
        bound = getattr(obj, name)
        if isinstance(obj, str | bytes | list):
            check = _METHOD_CHECKS.get(name)
            if check is not None:
                args = check(obj, args, kwargs)
        return bound(*args, **kwargs)

    def aug_item(self, container: Any, key: Any, helper: str, value: Any) -> None:
        """`container[key] <op>= value` with the size check of `helper`."""
        operation = {
            "__sw_iadd__": self.iadd,
            "__sw_imul__": self.imul,
            "__sw_pow__": self.pow,
            "__sw_lshift__": self.lshift,
            "__sw_mod__": self.mod,
        }[helper]
        container[key] = operation(container[key], value)

    # builtins -------------------------------------------------------------------------------

    def range(self, *args: int) -> range:
        made = range(*args)
        if len(made) > MAX_ITEMS:
            raise ResourceLimitError(f"range of {len(made):,} items is beyond {MAX_ITEMS:,}")
        return made

    def sum(self, iterable: Iterable[Any], start: Any = 0) -> Any:
        total = start
        for item in self.iterate(iterable):
            total = self.add(total, item)
        return total

    def round(self, number: Any, ndigits: int | None = None) -> Any:
        if ndigits is not None and _is_int(ndigits) and abs(ndigits) > MAX_ROUND_DIGITS:
            raise ResourceLimitError(f"round() to {ndigits} digits is not allowed")
        return round(number, ndigits)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _short(x: Any) -> str:
    text = (
        repr(x)
        if not _is_int(x)
        else str(x)
        if x.bit_length() < 64
        else f"<{x.bit_length()}-bit int>"
    )
    return text if len(text) <= 40 else text[:37] + "..."


def _sized(x: Any) -> bool:
    return isinstance(x, str | bytes | list | tuple)


def _container(x: Any) -> bool:
    return isinstance(x, str | bytes | list | tuple | dict | set | frozenset)


def _check_concat(a: Any, b: Any) -> None:
    if _sized(a) and hasattr(b, "__len__"):
        if len(a) + len(b) > MAX_ITEMS:
            raise ResourceLimitError(
                f"a value of {len(a) + len(b):,} items is beyond {MAX_ITEMS:,}"
            )


def _check_repeat(a: Any, b: Any) -> None:
    if _is_int(a) and _is_int(b):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise ResourceLimitError(f"a product beyond {MAX_INT_BITS:,} bits")
        return
    seq, n = (a, b) if _sized(a) else (b, a)
    if not (_sized(seq) and _is_int(n) and n > 1):
        return
    # Items that are themselves containers count with their contents: `[big] * n` holds n
    # references to `big`, and comparing or printing it walks all of them.
    nested = 0 if isinstance(seq, str | bytes) else sum(len(x) for x in seq if _container(x))
    if (len(seq) + nested) * n > MAX_ITEMS:
        raise ResourceLimitError(
            f"repeating {len(seq) + nested:,} items {n:,} times is beyond {MAX_ITEMS:,} items"
        )


def _width_check(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    width = args[0] if args else kwargs.get("width", 0)
    if _is_int(width) and width > MAX_ITEMS:
        raise ResourceLimitError(f"padding to {width:,} characters is beyond {MAX_ITEMS:,}")
    return args


def _join_check(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    if not args:
        return args
    items = list(args[0])
    total = len(obj) * max(len(items) - 1, 0)
    total += sum(len(i) for i in items if hasattr(i, "__len__"))
    if total > MAX_ITEMS:
        raise ResourceLimitError(f"joining into {total:,} characters is beyond {MAX_ITEMS:,}")
    return (items, *args[1:])


def _replace_check(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    if isinstance(obj, list) or len(args) < 2:
        return args
    old, new = args[0], args[1]
    count = args[2] if len(args) > 2 else kwargs.get("count", -1)
    if not (hasattr(old, "__len__") and hasattr(new, "__len__")):
        return args
    hits = obj.count(old) if len(old) else len(obj) + 1
    if _is_int(count) and count >= 0:
        hits = min(hits, count)
    total = len(obj) + hits * (len(new) - len(old))
    if total > MAX_ITEMS:
        raise ResourceLimitError(f"replacing into {total:,} characters is beyond {MAX_ITEMS:,}")
    return args


def _extend_check(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    if not isinstance(obj, list) or not args:
        return args
    items = args[0] if hasattr(args[0], "__len__") else list(args[0])
    if len(obj) + len(items) > MAX_ITEMS:
        raise ResourceLimitError(
            f"a list of {len(obj) + len(items):,} items is beyond {MAX_ITEMS:,}"
        )
    return (items, *args[1:])


_Check = Callable[[Any, tuple[Any, ...], dict[str, Any]], tuple[Any, ...]]
_METHOD_CHECKS: dict[str, _Check] = {
    "join": _join_check,
    "replace": _replace_check,
    "ljust": _width_check,
    "rjust": _width_check,
    "center": _width_check,
    "zfill": _width_check,
    "extend": _extend_check,
}
CHECKED_METHODS: frozenset[str] = frozenset(_METHOD_CHECKS)

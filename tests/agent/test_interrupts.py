"""A signal's `Interrupted` is found however Python wrapped it on the way out."""

from __future__ import annotations

import signal

import pytest

from agent.interrupts import Interrupted, interruption_in


class _InterruptedWhileNamed:
    """A descriptor whose `__set_name__` is where the signal handler fires (as it did when
    Ctrl-C arrived while a dataclass with `field(...)` was being defined during an import)."""

    def __set_name__(self, owner: type, name: str) -> None:
        raise Interrupted(signal.SIGINT)


def test_interrupted_wrapped_by_set_name_is_found() -> None:
    with pytest.raises(RuntimeError) as caught:

        class _Item:
            children = _InterruptedWhileNamed()

    assert not isinstance(caught.value, Interrupted)  # Python wrapped it
    found = interruption_in(caught.value)
    assert found is not None and found.exit_code == 130


def test_an_ordinary_error_is_not_an_interruption() -> None:
    try:
        try:
            raise ValueError("inner")
        except ValueError as inner:
            raise RuntimeError("outer") from inner
    except RuntimeError as exc:
        assert interruption_in(exc) is None


def test_a_cyclic_chain_ends() -> None:
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__context__, second.__context__ = second, first
    assert interruption_in(first) is None

"""Checking, before any work starts, that a model's server can be reached."""

from __future__ import annotations

from typing import Any


async def check_reachable(model: Any, timeout_s: float = 5.0) -> None:
    """Run the model's ``preflight`` if it has one (wrappers delegate to their inner model).

    Raises:
        LLMConfigError: if the model's server cannot be reached or rejects its key.
    """
    preflight = getattr(model, "preflight", None)
    if callable(preflight):
        await preflight(timeout_s)

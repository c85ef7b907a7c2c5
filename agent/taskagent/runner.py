"""The step runner the task agent uses: library skills hand their return value back.

`agent.steps.StepRunner` records a skill call and drops what it returns (practising only needs
the record); solving a task needs it (`price = await product_price(page, "Mug")`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.async_api import Page

from agent.steps import StepRunner


class TaskStepRunner(StepRunner):
    def _recorded_skill(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        kept: dict[str, Any] = {}

        async def keep(page: Page, **kwargs: Any) -> None:
            kept["value"] = await fn(page, **kwargs)

        keep.sandbox_inner = getattr(fn, "sandbox_inner", fn)  # type: ignore[attr-defined]
        recorded = super()._recorded_skill(name, keep)

        async def call(page: Page, *args: Any, **kwargs: Any) -> Any:
            kept.clear()
            await recorded(page, *args, **kwargs)
            return kept.get("value")

        return call

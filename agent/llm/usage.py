"""Token and cost accounting per pipeline stage.

`UsageTracker` counts calls and tokens per stage (the ``stage=`` passed to
``complete``), per model and in total, and prices them from an optional table
of model -> (dollars per million input tokens, dollars per million output
tokens). `Tracked` wraps any `ChatModel` so every call is counted.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel

from agent.llm.completion import Completion, Message, Usage
from agent.llm.errors import LLMError, ModelOutputError
from agent.llm.preflight import check_reachable
from agent.llm.protocol import ChatModel

Price = tuple[float, float]
"""(US dollars per million input tokens, US dollars per million output tokens)."""

UNSTAGED = "unstaged"
USAGE_FILE = "usage.json"


class UsageCount(BaseModel):
    """Calls, tokens, time and cost for one stage, one model or the whole run."""

    calls: int = 0
    failed_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float = 0.0

    def add(self, usage: Usage, *, latency_s: float, cost_usd: float, failed: bool) -> None:
        self.calls += 1
        self.failed_calls += int(failed)
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.latency_s += latency_s
        self.cost_usd += cost_usd


class UsageReport(BaseModel):
    """What ``usage.json`` holds."""

    total: UsageCount
    stages: dict[str, UsageCount]
    models: dict[str, UsageCount]
    priced: bool
    """Whether a price table was given (otherwise every cost is 0)."""
    unpriced_models: list[str]


class UsageTracker:
    """Counts model calls per stage and model; optionally prices them."""

    def __init__(self, prices: Mapping[str, Price] | None = None) -> None:
        self._prices = dict(prices or {})
        self._total = UsageCount()
        self._stages: dict[str, UsageCount] = {}
        self._models: dict[str, UsageCount] = {}
        self._unpriced: set[str] = set()

    @property
    def total(self) -> UsageCount:
        return self._total.model_copy()

    def stage(self, name: str) -> UsageCount:
        return self._stages.get(name, UsageCount()).model_copy()

    def record(
        self,
        *,
        model: str,
        usage: Usage,
        stage: str | None = None,
        latency_s: float = 0.0,
        failed: bool = False,
        served_model: str | None = None,
    ) -> None:
        """Count one call; ``served_model`` is the name the server reported, if different."""
        cost = self.cost_usd(model, usage, served_model=served_model)
        for bucket in (
            self._total,
            self._stages.setdefault(stage or UNSTAGED, UsageCount()),
            self._models.setdefault(model, UsageCount()),
        ):
            bucket.add(usage, latency_s=latency_s, cost_usd=cost or 0.0, failed=failed)

    def add(
        self, completion: Completion, *, stage: str | None = None, model: str | None = None
    ) -> None:
        """Count a completed call (``model`` defaults to the completion's)."""
        self.record(
            model=model or completion.model,
            usage=completion.usage,
            stage=stage,
            latency_s=completion.latency_s,
            served_model=completion.model,
        )

    def cost_usd(
        self, model: str, usage: Usage, *, served_model: str | None = None
    ) -> float | None:
        """The call's cost, or None if the price table has no entry for the model."""
        if not self._prices:
            return None
        price = self._price(model) or (self._price(served_model) if served_model else None)
        if price is None:
            self._unpriced.add(model)
            return None
        per_input, per_output = price
        return (usage.input_tokens * per_input + usage.output_tokens * per_output) / 1_000_000

    def _price(self, model: str) -> Price | None:
        if model in self._prices:
            return self._prices[model]
        prefixes = [name for name in self._prices if model.startswith(name)]
        return self._prices[max(prefixes, key=len)] if prefixes else None

    def report(self) -> UsageReport:
        return UsageReport(
            total=self._total.model_copy(),
            stages={name: count.model_copy() for name, count in sorted(self._stages.items())},
            models={name: count.model_copy() for name, count in sorted(self._models.items())},
            priced=bool(self._prices),
            unpriced_models=sorted(self._unpriced),
        )

    def write(self, run_dir: str | Path) -> Path:
        """Write ``usage.json`` into ``run_dir`` atomically; return its path."""
        run_dir = Path(run_dir)
        run_dir.mkdir(parents=True, exist_ok=True)
        target = run_dir / USAGE_FILE
        payload = json.dumps(self.report().model_dump(mode="json"), indent=2) + "\n"
        handle, temp = tempfile.mkstemp(dir=run_dir, prefix=".usage.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(payload)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target


class Tracked:
    """A `ChatModel` that counts every call of ``inner`` in ``tracker``.

    ``stage`` is the default stage for calls that pass none.
    """

    def __init__(
        self, inner: ChatModel, tracker: UsageTracker, *, stage: str | None = None
    ) -> None:
        self._inner = inner
        self.tracker = tracker
        self._stage = stage

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def inner(self) -> ChatModel:
        return self._inner

    async def preflight(self, timeout_s: float = 5.0) -> None:
        await check_reachable(self._inner, timeout_s)

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: type[BaseModel] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stage: str | None = None,
    ) -> Completion:
        stage = stage or self._stage
        try:
            completion = await self._inner.complete(
                messages, schema=schema, temperature=temperature, max_tokens=max_tokens, stage=stage
            )
        except ModelOutputError as exc:
            self.tracker.record(
                model=self.name, usage=exc.usage or Usage(), stage=stage, failed=True
            )
            raise
        except LLMError:
            self.tracker.record(model=self.name, usage=Usage(), stage=stage, failed=True)
            raise
        self.tracker.add(completion, stage=stage, model=self.name)
        return completion

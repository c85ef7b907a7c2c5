"""A `ChatModel` that ends a run cleanly when its budget (calls, tokens, wall time) is spent.

`BudgetExhausted` is deliberately not an `LLMError`: a failed call is one attempt's problem
(the run goes on), a spent budget ends the run (with its summary)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from pydantic import BaseModel

from agent.llm.completion import Completion, Message
from agent.llm.protocol import ChatModel
from agent.llm.usage import Tracked, UsageTracker


class BudgetExhausted(Exception):
    """The run's model budget is spent; the run stops after the current attempt's cleanup."""


class Limits(BaseModel):
    calls: int | None = None
    tokens: int | None = None
    seconds: float | None = None


class Budgeted:
    """Counts calls and tokens with the usage tracker (`Tracked`) and refuses a call once the
    limits are reached. `tracker` has the per-stage figures."""

    def __init__(self, inner: ChatModel, limits: Limits) -> None:
        self.tracker = UsageTracker()
        self._counted = Tracked(inner, self.tracker)
        self._inner = inner
        self.limits = limits
        self.started = time.monotonic()

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def inner(self) -> ChatModel:
        return self._inner

    @property
    def calls(self) -> int:
        return self.tracker.total.calls

    @property
    def tokens_in(self) -> int:
        return self.tracker.total.input_tokens

    @property
    def tokens_out(self) -> int:
        return self.tracker.total.output_tokens

    def spent(self) -> str | None:
        """Why the budget is spent, or None."""
        lim = self.limits
        if lim.calls is not None and self.calls >= lim.calls:
            return f"model-call budget of {lim.calls} spent"
        if lim.tokens is not None and self.tokens_in + self.tokens_out >= lim.tokens:
            return f"token budget of {lim.tokens} spent"
        if lim.seconds is not None and time.monotonic() - self.started >= lim.seconds:
            return f"wall-time budget of {lim.seconds:g} s spent"
        return None

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: type[BaseModel] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stage: str | None = None,
    ) -> Completion:
        why = self.spent()
        if why is not None:
            raise BudgetExhausted(why)
        return await self._counted.complete(
            messages, schema=schema, temperature=temperature, max_tokens=max_tokens, stage=stage
        )

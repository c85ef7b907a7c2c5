"""A `ChatModel` that ends a run cleanly when its budget (calls, tokens, wall time) is spent.

`BudgetExhausted` is deliberately not an `LLMError`: a failed call is one attempt's problem
(the run goes on), a spent budget ends the run (with its summary)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from pydantic import BaseModel

from agent.llm.completion import Completion, Message
from agent.llm.errors import ModelOutputError
from agent.llm.protocol import ChatModel


class BudgetExhausted(Exception):
    """The run's model budget is spent; the run stops after the current attempt's cleanup."""


class Limits(BaseModel):
    calls: int | None = None
    tokens: int | None = None
    seconds: float | None = None


class Budgeted:
    def __init__(self, inner: ChatModel, limits: Limits) -> None:
        self._inner = inner
        self.limits = limits
        self.calls = 0
        self.tokens_in = 0
        self.tokens_out = 0
        self.started = time.monotonic()

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def inner(self) -> ChatModel:
        return self._inner

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
        self.calls += 1
        try:
            completion = await self._inner.complete(
                messages, schema=schema, temperature=temperature, max_tokens=max_tokens, stage=stage
            )
        except ModelOutputError as exc:
            if exc.usage is not None:
                self.tokens_in += exc.usage.input_tokens
                self.tokens_out += exc.usage.output_tokens
            raise
        self.tokens_in += completion.usage.input_tokens
        self.tokens_out += completion.usage.output_tokens
        return completion

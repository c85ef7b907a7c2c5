"""The one protocol every chat model backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from agent.llm.completion import Completion, Message


@runtime_checkable
class ChatModel(Protocol):
    """An async chat model.

    ``complete`` sends OpenAI-style messages and returns a `Completion`. With
    ``schema`` the reply is parsed and validated into ``Completion.parsed``
    (raising `ModelOutputError` if the model never produces a valid instance).
    ``stage`` names the pipeline stage for usage accounting; backends ignore it.
    """

    @property
    def name(self) -> str: ...

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: type[BaseModel] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stage: str | None = None,
    ) -> Completion: ...

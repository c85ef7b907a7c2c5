"""The data every backend returns: `Completion` and its token `Usage`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny

Message = dict[str, Any]
"""An OpenAI-style chat message: ``{"role": ..., "content": str | list[part]}``."""


class Usage(BaseModel):
    """Tokens spent by one call (summed over its internal retries)."""

    model_config = ConfigDict(frozen=True)

    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
        )


class Completion(BaseModel):
    """A model's reply: its text, the parsed schema instance (if one was asked for) and cost."""

    text: str
    parsed: SerializeAsAny[BaseModel] | None = None
    usage: Usage = Field(default_factory=Usage)
    model: str
    latency_s: float = 0.0

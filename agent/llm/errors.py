"""Exceptions raised by the LLM layer; every one is an `LLMError`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.llm.completion import Usage


class LLMError(Exception):
    """Base class of every error the LLM layer raises."""


class LLMConfigError(LLMError):
    """A model spec or its environment is wrong; raised before any work starts."""


class LLMCallError(LLMError):
    """A call to the model's server failed (after bounded retries, if it was transient)."""

    def __init__(self, message: str, *, status_code: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.attempts = attempts


class ModelOutputError(LLMError):
    """The model's reply never matched the requested schema, even after feedback retries."""

    def __init__(
        self,
        message: str,
        *,
        raw_text: str,
        errors: list[str],
        usage: Usage | None = None,
    ) -> None:
        super().__init__(message)
        self.raw_text = raw_text
        self.errors = errors
        self.usage = usage


class ReplayMissError(LLMError):
    """A replayed cassette has no recorded reply for a request."""

    def __init__(self, message: str, *, key: str, nearest_key: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.nearest_key = nearest_key


class ScriptExhaustedError(LLMError):
    """A `ScriptedModel` was asked for more replies than it was given."""

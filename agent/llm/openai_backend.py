"""OpenAI-compatible chat backend (OpenAI, vLLM, Ollama, llama.cpp server, ...).

Built on `openai.AsyncOpenAI` with the SDK's own retries switched off: this
module retries transient failures (429, 5xx, timeouts, connection errors) itself
with bounded exponential backoff, caps concurrent requests per model instance
with a semaphore, and asks for structured output with a ``json_schema``
``response_format``. A server that rejects ``response_format`` (400/422) is
remembered and asked for JSON in plain text instead.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import openai
from pydantic import BaseModel, ConfigDict, Field

from agent.llm.completion import Completion, Message, Usage
from agent.llm.errors import LLMCallError, LLMConfigError
from agent.llm.structured import (
    RawReply,
    complete_validated,
    json_instruction,
    schema_name,
    with_instruction,
)

DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"
DUMMY_API_KEY = "not-needed"
"""Sent to custom servers when no key is configured (most local servers ignore it)."""

_SCHEMA_REJECTED_STATUSES = frozenset({400, 422})


class RetryPolicy(BaseModel):
    """Bounded exponential backoff for transient failures."""

    model_config = ConfigDict(frozen=True)

    max_attempts: int = Field(default=4, ge=1)
    base_delay_s: float = Field(default=0.5, ge=0)
    max_delay_s: float = Field(default=8.0, ge=0)

    def delay_s(self, attempt: int, retry_after_s: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        delay = self.base_delay_s * 2 ** (attempt - 1)
        if retry_after_s is not None:
            delay = max(delay, retry_after_s)
        return min(delay, self.max_delay_s)


def is_default_openai_url(base_url: str) -> bool:
    return base_url.rstrip("/") == DEFAULT_OPENAI_BASE_URL


class OpenAIChatModel:
    """A `ChatModel` speaking the OpenAI chat-completions API.

    ``base_url`` defaults to ``$OPENAI_BASE_URL``, else OpenAI's; ``api_key`` to
    ``$OPENAI_API_KEY``. OpenAI itself needs a key (`LLMConfigError` otherwise);
    a custom server gets a dummy one.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout_s: float = 120.0,
        retry: RetryPolicy | None = None,
        validation_retries: int = 2,
        max_concurrency: int = 8,
        structured_output: bool = True,
    ) -> None:
        env = os.environ if env is None else env
        if not model:
            raise LLMConfigError("openai: a model name is required, e.g. openai:gpt-4o-mini")
        self._model = model
        self._base_url = (base_url or env.get("OPENAI_BASE_URL") or DEFAULT_OPENAI_BASE_URL).rstrip(
            "/"
        )
        key = api_key or env.get("OPENAI_API_KEY")
        if not key:
            if is_default_openai_url(self._base_url):
                raise LLMConfigError(
                    f"openai:{model} needs an API key: set OPENAI_API_KEY, "
                    "or point at a local server with openai:MODEL@http://host:port/v1"
                )
            key = DUMMY_API_KEY
        self._api_key = key
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.validation_retries = validation_retries
        self._structured_output = structured_output
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._client = openai.AsyncOpenAI(
            api_key=key, base_url=self._base_url, max_retries=0, timeout=timeout_s
        )

    @property
    def name(self) -> str:
        return self._model

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def api_key(self) -> str:
        return self._api_key

    @property
    def structured_output(self) -> bool:
        """Whether schema requests still use ``response_format`` (false once rejected)."""
        return self._structured_output

    def __repr__(self) -> str:
        return f"OpenAIChatModel({self._model!r}, base_url={self._base_url!r})"

    async def aclose(self) -> None:
        await self._client.close()

    async def preflight(self, timeout_s: float = 5.0) -> list[str]:
        """Check the server answers ``GET {base_url}/models``; return the model ids it lists.

        Raises:
            LLMConfigError: if the server cannot be reached or rejects the API key.
        """
        url = f"{self._base_url}/models"
        try:
            async with httpx.AsyncClient(timeout=timeout_s) as client:
                response = await client.get(
                    url, headers={"Authorization": f"Bearer {self._api_key}"}
                )
        except httpx.HTTPError as exc:
            raise LLMConfigError(
                f"cannot reach the LLM server at {self._base_url} "
                f"({type(exc).__name__}: {exc or 'no answer'}); is it running? "
                "Check --llm / $SKILLWRIGHT_LLM / $OPENAI_BASE_URL."
            ) from exc
        if response.status_code in (401, 403):
            raise LLMConfigError(
                f"the LLM server at {self._base_url} rejected the API key "
                f"(HTTP {response.status_code}); check $OPENAI_API_KEY"
            )
        try:
            return [str(item["id"]) for item in response.json().get("data", [])]
        except (ValueError, TypeError, KeyError, AttributeError):
            return []

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: type[BaseModel] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stage: str | None = None,
    ) -> Completion:
        async def call(conversation: list[Message], attempt: int) -> RawReply:
            return await self._reply(conversation, attempt, schema, temperature, max_tokens)

        return await complete_validated(
            call, messages, schema, retries=self.validation_retries, model_name=self._model
        )

    async def _reply(
        self,
        conversation: list[Message],
        attempt: int,
        schema: type[BaseModel] | None,
        temperature: float | None,
        max_tokens: int | None,
    ) -> RawReply:
        params: dict[str, Any] = {"model": self._model}
        if temperature is not None:
            params["temperature"] = temperature
        if max_tokens is not None:
            token_param = (
                "max_completion_tokens" if is_default_openai_url(self._base_url) else "max_tokens"
            )
            params[token_param] = max_tokens
        schema_rejected = False
        if schema is not None and self._structured_output:
            response_format = {
                "type": "json_schema",
                "json_schema": {
                    "name": schema_name(schema),
                    "schema": schema.model_json_schema(),
                    "strict": False,
                },
            }
            try:
                return await self._request({**params, "messages": conversation}, response_format)
            except openai.APIStatusError as exc:
                if exc.status_code not in _SCHEMA_REJECTED_STATUSES:
                    raise self._call_error(exc) from exc
                schema_rejected = True
        if schema is not None and attempt == 0:
            # Feedback on later attempts already carries the instruction.
            conversation = with_instruction(conversation, json_instruction(schema))
        try:
            reply = await self._request({**params, "messages": conversation}, None)
        except openai.APIStatusError as exc:
            raise self._call_error(exc) from exc
        if schema_rejected:
            # The same request went through without response_format: the server
            # does not take it, so stop sending it.
            self._structured_output = False
        return reply

    async def _request(
        self, params: dict[str, Any], response_format: dict[str, Any] | None
    ) -> RawReply:
        """One logical request, retried on transient failures; API status errors propagate."""
        if response_format is not None:
            params = {**params, "response_format": response_format}
        last_error: Exception | None = None
        for attempt in range(1, self.retry.max_attempts + 1):
            retry_after: float | None = None
            try:
                async with self._semaphore:
                    response = await self._client.chat.completions.create(
                        **params, timeout=self.timeout_s
                    )
                return self._raw_reply(response)
            except openai.APIStatusError as exc:
                if not _is_transient(exc.status_code):
                    raise
                last_error = exc
                retry_after = _retry_after_s(exc)
            except openai.APIConnectionError as exc:  # includes APITimeoutError
                last_error = exc
            except openai.OpenAIError as exc:
                raise LLMCallError(f"{self._where()} failed: {exc}") from exc
            if attempt < self.retry.max_attempts:
                await asyncio.sleep(self.retry.delay_s(attempt, retry_after))
        status = getattr(last_error, "status_code", None)
        raise LLMCallError(
            f"{self._where()} failed after {self.retry.max_attempts} attempts: "
            f"{_describe(last_error)}",
            status_code=status,
            attempts=self.retry.max_attempts,
        ) from last_error

    def _raw_reply(self, response: Any) -> RawReply:
        if not response.choices:
            raise LLMCallError(f"{self._where()} returned no choices")
        message = response.choices[0].message
        text = message.content or getattr(message, "refusal", None) or ""
        usage = response.usage
        return RawReply(
            text=text,
            usage=Usage(
                input_tokens=(usage.prompt_tokens or 0) if usage else 0,
                output_tokens=(usage.completion_tokens or 0) if usage else 0,
            ),
            model=response.model or self._model,
        )

    def _call_error(self, exc: openai.APIStatusError) -> LLMCallError | LLMConfigError:
        if exc.status_code in (401, 403):
            return LLMConfigError(
                f"{self._where()} rejected the API key (HTTP {exc.status_code}); "
                "check $OPENAI_API_KEY"
            )
        return LLMCallError(
            f"{self._where()} rejected the request: {_describe(exc)}",
            status_code=exc.status_code,
        )

    def _where(self) -> str:
        return f"openai:{self._model}@{self._base_url}"


def _is_transient(status_code: int) -> bool:
    return status_code in (408, 409, 429) or status_code >= 500


def _retry_after_s(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _describe(exc: Exception | None) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}: {exc.message}"
    if isinstance(exc, openai.APITimeoutError):
        return "request timed out"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        return f"connection error ({cause or exc.message})"
    return str(exc)

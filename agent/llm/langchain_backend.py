"""LangChain backend: any `BaseChatModel` behind the `ChatModel` protocol.

Messages are converted with `langchain_core.messages.convert_to_messages`.
Schema requests use the model's ``with_structured_output`` when it has one and
fall back to asking for JSON in text (read by the tolerant parser) when it
raises `NotImplementedError`. Token usage comes from ``usage_metadata``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, convert_to_messages
from pydantic import BaseModel

from agent.llm.completion import Completion, Message, Usage
from agent.llm.errors import LLMCallError
from agent.llm.structured import RawReply, complete_validated, json_instruction, with_instruction


class LangChainChatModel:
    """A `ChatModel` wrapping a LangChain `BaseChatModel`."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        name: str | None = None,
        validation_retries: int = 2,
        max_concurrency: int = 8,
        structured_output: bool = True,
    ) -> None:
        if not isinstance(model, BaseChatModel):
            raise TypeError(f"expected a langchain BaseChatModel, got {type(model).__name__}")
        self._model = model
        self._name = name or _model_name(model)
        self.validation_retries = validation_retries
        self._structured_output = structured_output
        self._semaphore = asyncio.Semaphore(max_concurrency)

    @property
    def name(self) -> str:
        return self._name

    @property
    def chat_model(self) -> BaseChatModel:
        return self._model

    def __repr__(self) -> str:
        return f"LangChainChatModel({self._name!r})"

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: type[BaseModel] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stage: str | None = None,
    ) -> Completion:
        model = _with_settings(self._model, temperature, max_tokens)

        async def call(conversation: list[Message], attempt: int) -> RawReply:
            if schema is not None and self._structured_output:
                try:
                    runnable = model.with_structured_output(schema, include_raw=True)
                except NotImplementedError:
                    self._structured_output = False
                else:
                    return await self._structured_reply(runnable, conversation)
            if schema is not None and attempt == 0:
                conversation = with_instruction(conversation, json_instruction(schema))
            return await self._text_reply(model, conversation)

        return await complete_validated(
            call, messages, schema, retries=self.validation_retries, model_name=self._name
        )

    async def _text_reply(self, model: BaseChatModel, conversation: list[Message]) -> RawReply:
        message = await self._invoke(model, conversation)
        if not isinstance(message, BaseMessage):
            raise LLMCallError(f"{self._name} returned {type(message).__name__}, not a message")
        return RawReply(text=str(message.text), usage=_usage(message), model=self._name)

    async def _structured_reply(self, runnable: Any, conversation: list[Message]) -> RawReply:
        result = await self._invoke(runnable, conversation)
        raw = result.get("raw") if isinstance(result, dict) else None
        parsed = result.get("parsed") if isinstance(result, dict) else result
        text = str(raw.text) if isinstance(raw, BaseMessage) else ""
        if isinstance(raw, AIMessage) and not text.strip() and raw.tool_calls:
            text = json.dumps(raw.tool_calls[0].get("args", {}), ensure_ascii=False)
        if isinstance(parsed, BaseModel):
            text = text or parsed.model_dump_json()
        usage = _usage(raw) if isinstance(raw, BaseMessage) else Usage()
        return RawReply(text=text, data=parsed, usage=usage, model=self._name)

    async def _invoke(self, runnable: Any, conversation: list[Message]) -> Any:
        lc_messages = convert_to_messages(conversation)
        async with self._semaphore:
            try:
                return await runnable.ainvoke(lc_messages)
            except Exception as exc:
                raise LLMCallError(f"{self._name} failed: {type(exc).__name__}: {exc}") from exc


def _model_name(model: BaseChatModel) -> str:
    for attribute in ("model_name", "model", "name"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return model._llm_type


def _with_settings(
    model: BaseChatModel, temperature: float | None, max_tokens: int | None
) -> BaseChatModel:
    """A copy of ``model`` with the settings it has fields for (others are ignored)."""
    fields = type(model).model_fields
    update: dict[str, Any] = {}
    if temperature is not None and "temperature" in fields:
        update["temperature"] = temperature
    if max_tokens is not None:
        for field in ("max_tokens", "max_completion_tokens", "max_output_tokens", "num_predict"):
            if field in fields:
                update[field] = max_tokens
                break
    return model.model_copy(update=update) if update else model


def _usage(message: BaseMessage) -> Usage:
    metadata = getattr(message, "usage_metadata", None) or {}
    return Usage(
        input_tokens=int(metadata.get("input_tokens") or 0),
        output_tokens=int(metadata.get("output_tokens") or 0),
    )

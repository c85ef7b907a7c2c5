"""A scripted `ChatModel` for tests: canned replies, no network.

Give it a list of replies (a string, a dict or pydantic model standing for a
structured reply, or an exception to raise) served in order, one per round trip
(schema-validation retries consume replies too), or a function of the messages
that returns a reply. Every round trip is kept in ``calls``.
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from agent.llm.completion import Completion, Message, Usage
from agent.llm.errors import ScriptExhaustedError
from agent.llm.structured import RawReply, complete_validated

Reply = str | dict[str, Any] | list[Any] | BaseModel | Exception
ReplyFunction = Callable[[list[Message]], Reply | Awaitable[Reply]]


class ScriptedCall(BaseModel):
    """One round trip a `ScriptedModel` served."""

    messages: list[Message]
    schema_name: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    stage: str | None = None


class ScriptedModel:
    """Serves scripted replies; raises `ScriptExhaustedError` when they run out."""

    def __init__(
        self,
        replies: Iterable[Reply] | ReplyFunction,
        *,
        name: str = "scripted",
        validation_retries: int = 2,
    ) -> None:
        self._function: ReplyFunction | None = replies if callable(replies) else None
        self._replies: list[Reply] = [] if callable(replies) else list(replies)
        self._next = 0
        self._name = name
        self.validation_retries = validation_retries
        self.calls: list[ScriptedCall] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def remaining(self) -> int | None:
        """Replies not yet served (None for a function script)."""
        return None if self._function else len(self._replies) - self._next

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
            self.calls.append(
                ScriptedCall(
                    messages=conversation,
                    schema_name=schema.__name__ if schema else None,
                    temperature=temperature,
                    max_tokens=max_tokens,
                    stage=stage,
                )
            )
            reply = await self._reply(conversation)
            if isinstance(reply, Exception):
                raise reply
            return _raw_reply(reply, conversation, self._name)

        return await complete_validated(
            call, messages, schema, retries=self.validation_retries, model_name=self._name
        )

    async def _reply(self, conversation: list[Message]) -> Reply:
        if self._function is not None:
            result = self._function(conversation)
            return await result if inspect.isawaitable(result) else result
        if self._next >= len(self._replies):
            last = conversation[-1].get("content") if conversation else None
            raise ScriptExhaustedError(
                f"ScriptedModel {self._name!r} ran out of replies: it was given "
                f"{len(self._replies)} and is asked for reply {self._next + 1}; "
                f"the last message was {str(last)[:300]!r}"
            )
        reply = self._replies[self._next]
        self._next += 1
        return reply


def _raw_reply(reply: Reply, conversation: list[Message], name: str) -> RawReply:
    if isinstance(reply, str):
        text, data = reply, None
    elif isinstance(reply, BaseModel):
        text, data = reply.model_dump_json(), reply
    else:
        text, data = json.dumps(reply, ensure_ascii=False), reply
    prompt_chars = sum(
        len(json.dumps(message.get("content"), default=str)) for message in conversation
    )
    return RawReply(
        text=text,
        data=data,
        usage=Usage(input_tokens=_tokens(prompt_chars), output_tokens=_tokens(len(text))),
        model=name,
    )


def _tokens(chars: int) -> int:
    """A rough, deterministic token estimate (4 characters a token)."""
    return math.ceil(chars / 4)

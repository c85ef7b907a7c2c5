"""Turning replies into schema instances, with the validation error fed back on failure.

Every backend funnels a schema request through `complete_validated`: it asks the
backend for a reply, validates it against the pydantic schema and, if that fails,
appends the reply and the validation error to the conversation and asks again,
up to ``retries`` more times, before raising `ModelOutputError`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from agent.llm.completion import Completion, Message, Usage
from agent.llm.errors import ModelOutputError
from agent.llm.parsing import JSONReplyError, parse_json_reply

_MAX_FEEDBACK_CHARS = 2000


class RawReply(BaseModel):
    """One backend round trip, before schema validation."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    text: str
    data: Any = None
    """Structured data the backend already extracted (a dict or model), if any."""
    usage: Usage = Usage()
    model: str


class InvalidReplyError(ValueError):
    """A reply that does not hold a valid schema instance."""


ReplyCall = Callable[[list[Message], int], Awaitable[RawReply]]
"""``(conversation, attempt)``: attempt 0 is the first ask, later ones follow feedback."""


def schema_name(schema: type[BaseModel]) -> str:
    """The schema's name as OpenAI's ``json_schema.name`` accepts it."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", schema.__name__)[:64] or "Reply"


def json_schema_of(schema: type[BaseModel] | None) -> dict[str, Any] | None:
    return None if schema is None else schema.model_json_schema()


def json_instruction(schema: type[BaseModel]) -> str:
    """The instruction that asks for JSON in plain text when structured output is unavailable."""
    schema_json = json.dumps(schema.model_json_schema(), ensure_ascii=False)
    return (
        "Reply with only a JSON object, without prose or code fences, "
        f"that matches this JSON schema:\n{schema_json}"
    )


def with_instruction(messages: Sequence[Message], instruction: str) -> list[Message]:
    """Append ``instruction`` to the last user message (or add a user message)."""
    out = [dict(message) for message in messages]
    for message in reversed(out):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            message["content"] = f"{content}\n\n{instruction}"
        elif isinstance(content, list):
            message["content"] = [*content, {"type": "text", "text": instruction}]
        else:
            continue
        return out
    out.append({"role": "user", "content": instruction})
    return out


def validate_reply(reply: RawReply, schema: type[BaseModel]) -> BaseModel:
    """Return the schema instance held by ``reply`` or raise `InvalidReplyError`."""
    data = reply.data
    if isinstance(data, schema):
        return data
    if isinstance(data, BaseModel):
        data = data.model_dump()
    if data is None:
        try:
            data = parse_json_reply(reply.text)
        except JSONReplyError as exc:
            raise InvalidReplyError(str(exc)) from exc
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InvalidReplyError(str(exc)) from exc


def feedback_message(error: InvalidReplyError, schema: type[BaseModel]) -> Message:
    detail = str(error)
    if len(detail) > _MAX_FEEDBACK_CHARS:
        detail = detail[:_MAX_FEEDBACK_CHARS] + " ..."
    return {
        "role": "user",
        "content": (
            f"Your previous reply could not be used as a {schema.__name__}:\n{detail}\n\n"
            f"{json_instruction(schema)}"
        ),
    }


async def complete_validated(
    call: ReplyCall,
    messages: Sequence[Message],
    schema: type[BaseModel] | None,
    *,
    retries: int,
    model_name: str,
) -> Completion:
    """Run ``call`` and, with a schema, validate its reply, retrying with feedback."""
    started = time.perf_counter()
    conversation = list(messages)
    total = Usage()
    errors: list[str] = []
    reply: RawReply | None = None
    for attempt in range(retries + 1):
        reply = await call(conversation, attempt)
        total = total + reply.usage
        if schema is None:
            return _completion(reply, None, total, started)
        try:
            parsed = validate_reply(reply, schema)
        except InvalidReplyError as exc:
            errors.append(str(exc))
            conversation = [
                *conversation,
                {"role": "assistant", "content": reply.text},
                feedback_message(exc, schema),
            ]
            continue
        return _completion(reply, parsed, total, started)
    assert reply is not None
    raise ModelOutputError(
        f"{model_name} gave no valid {schema.__name__ if schema else 'reply'} "
        f"in {len(errors)} attempts; last error: {errors[-1][:500]}",
        raw_text=reply.text,
        errors=errors,
        usage=total,
    )


def _completion(
    reply: RawReply, parsed: BaseModel | None, usage: Usage, started: float
) -> Completion:
    return Completion(
        text=reply.text,
        parsed=parsed,
        usage=usage,
        model=reply.model,
        latency_s=time.perf_counter() - started,
    )

"""The LangChain backend over langchain_core's fake chat models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
    ParrotFakeChatModel,
)
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatResult
from langchain_core.runnables import Runnable
from pydantic import BaseModel, Field

from agent.llm import ChatModel, LangChainChatModel, LLMCallError, ModelOutputError, from_spec

MESSAGES = [
    {"role": "system", "content": "You extract people."},
    {"role": "user", "content": "Ada Lovelace, 36."},
]


class Person(BaseModel):
    name: str
    age: int


class RecordingFake(GenericFakeChatModel):
    """A fake that keeps the messages it was sent."""

    received: list[list[BaseMessage]] = Field(default_factory=list)
    temperature: float | None = None
    temperatures: list[float | None] = Field(default_factory=list)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.received.append(list(messages))
        self.temperatures.append(self.temperature)
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


class ToolCallingFake(GenericFakeChatModel):
    """A fake that 'supports' tools, so ``with_structured_output`` works on it."""

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any
    ) -> Runnable[Any, AIMessage]:
        return self


async def test_text_reply_and_usage() -> None:
    fake = GenericFakeChatModel(
        messages=iter(
            [
                AIMessage(
                    content="Hello!",
                    usage_metadata={"input_tokens": 11, "output_tokens": 2, "total_tokens": 13},
                )
            ]
        )
    )
    model = LangChainChatModel(fake, name="fake-lc")

    completion = await model.complete(MESSAGES, stage="propose")

    assert isinstance(model, ChatModel)
    assert completion.text == "Hello!"
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (11, 2)
    assert completion.model == "fake-lc"
    assert completion.parsed is None


async def test_messages_are_converted_including_image_parts() -> None:
    model = LangChainChatModel(ParrotFakeChatModel())
    messages = [
        {"role": "system", "content": "Describe images."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}},
            ],
        },
    ]

    completion = await model.complete(messages)

    assert completion.text == "What is this?"  # the parrot echoes the converted user message


async def test_structured_output_through_the_tolerant_parser() -> None:
    fake = FakeListChatModel(
        responses=['Sure thing!\n```json\n{"name": "Ada Lovelace", "age": 36}\n```\nDone.']
    )
    model = LangChainChatModel(fake)

    completion = await model.complete(MESSAGES, schema=Person)

    assert completion.parsed == Person(name="Ada Lovelace", age=36)


async def test_invalid_reply_is_fed_back_then_corrected() -> None:
    fake = RecordingFake(messages=iter(['{"name": "Ada"}', '{"name": "Ada", "age": 36}']))
    model = LangChainChatModel(fake)

    completion = await model.complete(MESSAGES, schema=Person)

    assert completion.parsed == Person(name="Ada", age=36)
    first, second = fake.received
    assert isinstance(first[-1], HumanMessage)
    assert "JSON schema" in first[-1].text  # asked for JSON in text: no tool support
    assert isinstance(second[-2], AIMessage)
    assert second[-2].text == '{"name": "Ada"}'
    assert isinstance(second[-1], HumanMessage)
    assert "age" in second[-1].text
    assert "Field required" in second[-1].text  # pydantic's validation error, fed back


async def test_permanently_invalid_reply_raises_model_output_error() -> None:
    model = LangChainChatModel(
        FakeListChatModel(responses=["no", "still no", "never"]), validation_retries=2
    )

    with pytest.raises(ModelOutputError) as caught:
        await model.complete(MESSAGES, schema=Person)

    assert caught.value.raw_text == "never"


async def test_structured_output_through_with_structured_output() -> None:
    tool_reply = AIMessage(
        content="",
        tool_calls=[{"name": "Person", "args": {"name": "Grace Hopper", "age": 85}, "id": "c1"}],
        usage_metadata={"input_tokens": 30, "output_tokens": 7, "total_tokens": 37},
    )
    model = LangChainChatModel(ToolCallingFake(messages=iter([tool_reply])))

    completion = await model.complete(MESSAGES, schema=Person)

    assert completion.parsed == Person(name="Grace Hopper", age=85)
    assert completion.text == '{"name": "Grace Hopper", "age": 85}'
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (30, 7)


async def test_model_failures_become_llm_call_errors() -> None:
    model = LangChainChatModel(GenericFakeChatModel(messages=iter([])), name="empty")

    with pytest.raises(LLMCallError, match="empty failed"):
        await model.complete(MESSAGES)


async def test_langchain_spec_builds_the_factory_model() -> None:
    model = from_spec("langchain:llm_fake_factories:make_chat_model", env={})

    completion = await model.complete(MESSAGES)

    assert isinstance(model, LangChainChatModel)
    assert completion.text == "hello from langchain"


async def test_temperature_goes_to_the_model_field_without_changing_the_model() -> None:
    fake = RecordingFake(messages=iter(["a", "b"]), temperature=0.5)
    model = LangChainChatModel(fake)

    await model.complete(MESSAGES, temperature=0.0)
    await model.complete(MESSAGES)

    assert fake.temperatures == [0.0, 0.5]
    assert fake.temperature == 0.5

"""The OpenAI-compatible backend against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio

import pytest
from fake_openai_server import FakeOpenAIServer, error, reply
from llm_support import FAST_RETRY, TEST_API_KEY
from pydantic import BaseModel

from agent.llm import (
    ChatModel,
    LLMCallError,
    LLMConfigError,
    ModelOutputError,
    OpenAIChatModel,
    RetryPolicy,
)

MESSAGES = [
    {"role": "system", "content": "You extract people."},
    {"role": "user", "content": "Ada Lovelace, 36."},
]


class Person(BaseModel):
    name: str
    age: int


def make_model(server: FakeOpenAIServer, **options: object) -> OpenAIChatModel:
    settings: dict[str, object] = {"timeout_s": 2.0, "retry": FAST_RETRY, **options}
    return OpenAIChatModel(
        "fake-model", base_url=server.base_url, api_key=TEST_API_KEY, env={}, **settings
    )


async def test_is_a_chat_model(model: OpenAIChatModel) -> None:
    assert isinstance(model, ChatModel)
    assert model.name == "fake-model"


async def test_text_completion(server: FakeOpenAIServer, model: OpenAIChatModel) -> None:
    server.enqueue(reply("Hello!", prompt_tokens=12, completion_tokens=3, model="fake-model-001"))

    completion = await model.complete(MESSAGES, temperature=0.0, max_tokens=50)

    assert completion.text == "Hello!"
    assert completion.parsed is None
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (12, 3)
    assert completion.model == "fake-model-001"
    assert completion.latency_s > 0
    sent = server.requests[0]
    assert sent["messages"] == MESSAGES
    assert sent["temperature"] == 0.0
    assert sent["max_tokens"] == 50  # custom servers get max_tokens
    assert "response_format" not in sent
    assert server.request_headers[0]["authorization"] == f"Bearer {TEST_API_KEY}"


async def test_image_parts_are_sent_as_is(server: FakeOpenAIServer, model: OpenAIChatModel) -> None:
    server.enqueue(reply("a cat"))
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}},
            ],
        }
    ]

    completion = await model.complete(messages)

    assert completion.text == "a cat"
    assert server.requests[0]["messages"] == messages


async def test_structured_output_uses_json_schema(
    server: FakeOpenAIServer, model: OpenAIChatModel
) -> None:
    server.enqueue(reply('{"name": "Ada Lovelace", "age": 36}'))

    completion = await model.complete(MESSAGES, schema=Person)

    assert completion.parsed == Person(name="Ada Lovelace", age=36)
    response_format = server.requests[0]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "Person"
    assert response_format["json_schema"]["schema"] == Person.model_json_schema()
    assert server.requests[0]["messages"] == MESSAGES


async def test_falls_back_to_json_in_text_when_response_format_is_rejected(
    server: FakeOpenAIServer, model: OpenAIChatModel
) -> None:
    server.reject_response_format = True
    server.enqueue(
        reply(
            'Sure! Here it is:\n```json\n{"name": "Ada Lovelace", "age": 36}\n```\nAnything else?'
        ),
        reply('{"name": "Grace Hopper", "age": 85}'),
    )

    first = await model.complete(MESSAGES, schema=Person)
    second = await model.complete(MESSAGES, schema=Person)

    assert first.parsed == Person(name="Ada Lovelace", age=36)
    assert second.parsed == Person(name="Grace Hopper", age=85)
    assert model.structured_output is False
    rejected, fallback, remembered = server.requests
    assert "response_format" in rejected
    assert "response_format" not in fallback
    assert "response_format" not in remembered  # the rejection is remembered
    last_user = fallback["messages"][-1]
    assert last_user["role"] == "user"
    assert last_user["content"].startswith("Ada Lovelace, 36.")
    assert '"age"' in last_user["content"]  # the JSON schema is spelled out in text


async def test_retries_after_429(server: FakeOpenAIServer, model: OpenAIChatModel) -> None:
    server.enqueue(error(429, "slow down", **{"retry-after": "0"}), reply("ok"))

    completion = await model.complete(MESSAGES)

    assert completion.text == "ok"
    assert len(server.requests) == 2


async def test_retries_after_500(server: FakeOpenAIServer, model: OpenAIChatModel) -> None:
    server.enqueue(error(500, "boom"), error(503, "busy"), reply("ok"))

    completion = await model.complete(MESSAGES)

    assert completion.text == "ok"
    assert len(server.requests) == 3


async def test_gives_up_after_bounded_retries(
    server: FakeOpenAIServer, model: OpenAIChatModel
) -> None:
    server.enqueue(error(500), error(500), error(500), reply("too late"))

    with pytest.raises(LLMCallError, match=r"after 3 attempts.*HTTP 500") as caught:
        await model.complete(MESSAGES)

    assert caught.value.attempts == 3
    assert caught.value.status_code == 500
    assert len(server.requests) == 3


async def test_timeout_then_success_on_retry(server: FakeOpenAIServer) -> None:
    model = make_model(server, timeout_s=0.2)
    server.enqueue(reply("slow", delay_s=0.6), reply("fast"))
    try:
        completion = await model.complete(MESSAGES)
    finally:
        await model.aclose()

    assert completion.text == "fast"
    assert len(server.requests) == 2


async def test_timeout_every_time_is_a_clear_error(server: FakeOpenAIServer) -> None:
    retry = RetryPolicy(max_attempts=2, base_delay_s=0.01)
    model = make_model(server, timeout_s=0.2, retry=retry)
    server.enqueue(reply("slow", delay_s=0.6), reply("slow", delay_s=0.6))
    try:
        with pytest.raises(LLMCallError, match="after 2 attempts: request timed out"):
            await model.complete(MESSAGES)
    finally:
        await model.aclose()


async def test_client_errors_are_not_retried(
    server: FakeOpenAIServer, model: OpenAIChatModel
) -> None:
    server.enqueue(error(404, "The model `fake-model` does not exist"))

    with pytest.raises(LLMCallError, match=r"HTTP 404.*does not exist") as caught:
        await model.complete(MESSAGES)

    assert caught.value.status_code == 404
    assert len(server.requests) == 1


async def test_rejected_key_is_a_config_error(
    server: FakeOpenAIServer, model: OpenAIChatModel
) -> None:
    server.enqueue(error(401, "Incorrect API key provided"))

    with pytest.raises(LLMConfigError, match="rejected the API key"):
        await model.complete(MESSAGES)


async def test_invalid_json_is_fed_back_then_corrected(
    server: FakeOpenAIServer, model: OpenAIChatModel
) -> None:
    server.enqueue(
        reply(
            '{"name": "Ada Lovelace", "age": "thirty-six"}', prompt_tokens=10, completion_tokens=4
        ),
        reply('{"name": "Ada Lovelace", "age": 36}', prompt_tokens=30, completion_tokens=5),
    )

    completion = await model.complete(MESSAGES, schema=Person)

    assert completion.parsed == Person(name="Ada Lovelace", age=36)
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (40, 9)
    second = server.requests[1]["messages"]
    assert second[: len(MESSAGES)] == MESSAGES
    assert second[-2] == {
        "role": "assistant",
        "content": '{"name": "Ada Lovelace", "age": "thirty-six"}',
    }
    assert second[-1]["role"] == "user"
    assert "age" in second[-1]["content"]
    assert "valid integer" in second[-1]["content"]  # pydantic's own message


async def test_malformed_json_is_fed_back_then_corrected(
    server: FakeOpenAIServer, model: OpenAIChatModel
) -> None:
    server.enqueue(reply('{"name": "Ada", "age": '), reply('{"name": "Ada", "age": 36}'))

    completion = await model.complete(MESSAGES, schema=Person)

    assert completion.parsed == Person(name="Ada", age=36)
    assert "no JSON object" in server.requests[1]["messages"][-1]["content"]


async def test_permanently_invalid_reply_raises_model_output_error(
    server: FakeOpenAIServer, model: OpenAIChatModel
) -> None:
    server.enqueue(*(reply(f"I cannot do that ({n})") for n in range(3)))

    with pytest.raises(ModelOutputError) as caught:
        await model.complete(MESSAGES, schema=Person)

    assert caught.value.raw_text == "I cannot do that (2)"
    assert len(caught.value.errors) == 3
    assert caught.value.usage is not None
    assert caught.value.usage.input_tokens == 30
    assert len(server.requests) == 3  # 1 ask + validation_retries (2)


async def test_concurrency_is_limited_per_model_instance(server: FakeOpenAIServer) -> None:
    model = make_model(server, max_concurrency=2)
    server.enqueue(*(reply(str(n), delay_s=0.15) for n in range(5)))
    try:
        completions = await asyncio.gather(*(model.complete(MESSAGES) for _ in range(5)))
    finally:
        await model.aclose()

    assert sorted(c.text for c in completions) == ["0", "1", "2", "3", "4"]
    assert server.max_in_flight == 2


async def test_preflight_lists_models(server: FakeOpenAIServer, model: OpenAIChatModel) -> None:
    assert await model.preflight() == ["fake-model"]


async def test_a_400_unrelated_to_response_format_keeps_structured_output(
    server: FakeOpenAIServer, model: OpenAIChatModel
) -> None:
    server.enqueue(error(400, "context too long"), error(400, "context too long"))

    with pytest.raises(LLMCallError, match="context too long"):
        await model.complete(MESSAGES, schema=Person)

    assert model.structured_output is True
    assert "response_format" in server.requests[0]
    assert "response_format" not in server.requests[1]

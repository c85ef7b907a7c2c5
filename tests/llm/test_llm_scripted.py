"""The scripted model used by the other stages' tests."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from agent.llm import ChatModel, LLMCallError, ModelOutputError, ScriptedModel
from agent.llm.errors import ScriptExhaustedError

ASK = [{"role": "user", "content": "Go"}]


class Plan(BaseModel):
    steps: list[str]


async def test_serves_replies_in_order() -> None:
    model = ScriptedModel(["one", {"steps": ["a"]}, Plan(steps=["b", "c"])], name="script")

    first = await model.complete(ASK, stage="propose")
    second = await model.complete(ASK, schema=Plan)
    third = await model.complete(ASK, schema=Plan)

    assert isinstance(model, ChatModel)
    assert first.text == "one"
    assert first.model == "script"
    assert second.parsed == Plan(steps=["a"])
    assert third.parsed == Plan(steps=["b", "c"])
    assert model.remaining == 0
    assert [call.stage for call in model.calls] == ["propose", None, None]
    assert first.usage.input_tokens > 0
    assert first.usage.output_tokens == 1


async def test_running_out_is_a_clear_error() -> None:
    model = ScriptedModel(["only"])
    await model.complete(ASK)

    with pytest.raises(ScriptExhaustedError, match=r"ran out of replies.*given 1.*reply 2"):
        await model.complete(ASK)


async def test_a_function_script_sees_the_messages() -> None:
    model = ScriptedModel(lambda messages: f"echo {messages[-1]['content']}")

    completion = await model.complete(ASK)

    assert completion.text == "echo Go"
    assert model.remaining is None


async def test_an_async_function_script() -> None:
    async def reply(messages: list[dict[str, object]]) -> dict[str, object]:
        return {"steps": [str(len(messages))]}

    completion = await ScriptedModel(reply).complete(ASK, schema=Plan)

    assert completion.parsed == Plan(steps=["1"])


async def test_exceptions_in_the_script_are_raised() -> None:
    model = ScriptedModel([LLMCallError("server down"), "ok"])

    with pytest.raises(LLMCallError, match="server down"):
        await model.complete(ASK)
    assert (await model.complete(ASK)).text == "ok"


async def test_validation_retries_consume_replies_and_see_feedback() -> None:
    model = ScriptedModel(["not json", '{"steps": "x"}', '{"steps": ["x"]}'])

    completion = await model.complete(ASK, schema=Plan)

    assert completion.parsed == Plan(steps=["x"])
    assert len(model.calls) == 3
    assert "no JSON object" in str(model.calls[1].messages[-1]["content"])
    assert "valid list" in str(model.calls[2].messages[-1]["content"])


async def test_invalid_replies_end_in_model_output_error() -> None:
    model = ScriptedModel(["a", "b"], validation_retries=1)

    with pytest.raises(ModelOutputError) as caught:
        await model.complete(ASK, schema=Plan)

    assert caught.value.raw_text == "b"

"""Usage accounting per stage, with prices, written to usage.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_openai_server import FakeOpenAIServer, reply
from pydantic import BaseModel

from agent.llm import (
    ChatModel,
    ModelOutputError,
    OpenAIChatModel,
    ScriptedModel,
    Tracked,
    Usage,
    UsageTracker,
)

ASK = [{"role": "user", "content": "Go"}]


class Plan(BaseModel):
    steps: list[str]


async def test_totals_per_stage_for_known_calls(
    server: FakeOpenAIServer, model: OpenAIChatModel, tmp_path: Path
) -> None:
    server.enqueue(
        reply("a", prompt_tokens=100, completion_tokens=10),
        reply("b", prompt_tokens=200, completion_tokens=20),
        reply('{"steps": ["x"]}', prompt_tokens=1000, completion_tokens=50),
    )
    tracker = UsageTracker(prices={"fake-model": (2.0, 10.0)})
    tracked = Tracked(model, tracker)

    await tracked.complete(ASK, stage="propose")
    await tracked.complete(ASK, stage="propose")
    await tracked.complete(ASK, schema=Plan, stage="induce")

    assert isinstance(tracked, ChatModel)
    assert tracked.name == "fake-model"
    total = tracker.total
    assert (total.calls, total.input_tokens, total.output_tokens) == (3, 1300, 80)
    propose = tracker.stage("propose")
    assert (propose.calls, propose.input_tokens, propose.output_tokens) == (2, 300, 30)
    induce = tracker.stage("induce")
    assert (induce.calls, induce.input_tokens, induce.output_tokens) == (1, 1000, 50)
    assert total.cost_usd == pytest.approx((1300 * 2.0 + 80 * 10.0) / 1_000_000)

    path = tracker.write(tmp_path / "run")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == "usage.json"
    assert data["total"]["input_tokens"] == 1300
    assert data["stages"]["propose"]["output_tokens"] == 30
    assert data["models"]["fake-model"]["calls"] == 3
    assert data["priced"] is True
    assert data["unpriced_models"] == []
    assert list((tmp_path / "run").iterdir()) == [path]  # no temp file left behind


async def test_default_stage_and_failed_calls() -> None:
    tracker = UsageTracker()
    tracked = Tracked(ScriptedModel(["no", "nope", "never"]), tracker, stage="judge")

    with pytest.raises(ModelOutputError):
        await tracked.complete(ASK, schema=Plan)

    judge = tracker.stage("judge")
    assert (judge.calls, judge.failed_calls) == (1, 1)
    assert judge.input_tokens > 0  # tokens spent on the failed attempts still count
    assert tracker.report().priced is False


def test_prices_match_dated_model_names_and_report_unknown_ones() -> None:
    tracker = UsageTracker(prices={"gpt-4o": (2.5, 10.0), "gpt-4o-mini": (0.15, 0.6)})

    tracker.record(model="gpt-4o-mini-2024-07-18", usage=Usage(input_tokens=1_000_000))
    tracker.record(model="mystery-model", usage=Usage(input_tokens=5, output_tokens=5))

    assert tracker.total.cost_usd == pytest.approx(0.15)
    assert tracker.report().unpriced_models == ["mystery-model"]
    assert tracker.stage("unstaged").calls == 2

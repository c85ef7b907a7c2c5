from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from fake_openai_server import FakeOpenAIServer

from agent.llm import OpenAIChatModel, RetryPolicy

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05)
TEST_API_KEY = "sk-test-0123456789abcdefghijklmnop"


@pytest.fixture(scope="session")
def shared_server() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(shared_server: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    """The session's fake server, emptied before and checked after each test."""
    shared_server.reset()
    yield shared_server
    shared_server.reset()


@pytest.fixture
async def model(server: FakeOpenAIServer) -> AsyncIterator[OpenAIChatModel]:
    chat_model = OpenAIChatModel(
        "fake-model",
        base_url=server.base_url,
        api_key=TEST_API_KEY,
        env={},
        timeout_s=2.0,
        retry=FAST_RETRY,
    )
    yield chat_model
    await chat_model.aclose()

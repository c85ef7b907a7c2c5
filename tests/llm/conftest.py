from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from fake_openai_server import FakeOpenAIServer
from llm_support import FAST_RETRY, TEST_API_KEY

from agent.llm import OpenAIChatModel


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

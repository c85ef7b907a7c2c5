"""The --llm grammar: each mistake is one clear LLMConfigError, raised before any work."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from fake_openai_server import FakeOpenAIServer
from llm_support import TEST_API_KEY

from agent.llm import (
    LLMConfigError,
    LLMError,
    OpenAIChatModel,
    RecordingModel,
    ReplayModel,
    Tracked,
    UsageTracker,
    check_reachable,
    configured_spec,
    from_spec,
)
from agent.llm.openai_backend import DEFAULT_OPENAI_BASE_URL, DUMMY_API_KEY


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_configured_spec_reads_the_environment() -> None:
    assert configured_spec({"SKILLWRIGHT_LLM": " openai:gpt-4o-mini "}) == "openai:gpt-4o-mini"
    assert configured_spec({"SKILLWRIGHT_LLM": "  "}) is None
    assert configured_spec({}) is None


def test_no_spec_and_no_environment_is_a_config_error() -> None:
    with pytest.raises(LLMConfigError, match=r"no LLM configured.*SKILLWRIGHT_LLM"):
        from_spec(None, env={})


def test_spec_defaults_to_the_environment(tmp_path: Path) -> None:
    cassette = tmp_path / "c.jsonl"
    cassette.touch()

    model = from_spec(env={"SKILLWRIGHT_LLM": f"replay:{cassette}"})

    assert isinstance(model, ReplayModel)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("gpt-4o-mini", "scheme must be one of openai, langchain, replay, record"),
        ("anthropic:claude", "scheme must be one of"),
        ("openai:", "incomplete"),
        ("openai:gpt-4o@localhost:8000", "must be a base URL"),
        ("record:only-a-path.jsonl", "record:PATH.jsonl=INNER_SPEC"),
        ("record:x.jsonl=nope:thing", "scheme must be one of"),
        ("langchain:just_a_module", "langchain:module:factory"),
        ("langchain:no_such_module_xyz:make", "cannot import module 'no_such_module_xyz'"),
        ("langchain:llm_fake_factories:missing", "has no callable 'missing'"),
        ("langchain:llm_fake_factories:make_not_a_model", "returned int, not a langchain"),
        ("langchain:llm_fake_factories:broken_factory", "no credentials for the fancy provider"),
    ],
)
def test_bad_specs_are_config_errors(spec: str, message: str) -> None:
    with pytest.raises(LLMConfigError, match=message) as caught:
        from_spec(spec, env={})
    assert isinstance(caught.value, LLMError)


def test_openai_without_a_key_is_a_config_error() -> None:
    with pytest.raises(LLMConfigError, match="needs an API key: set OPENAI_API_KEY"):
        from_spec("openai:gpt-4o-mini", env={})


def test_openai_key_and_base_url_come_from_the_environment() -> None:
    model = from_spec(
        "openai:gpt-4o-mini",
        env={"OPENAI_API_KEY": TEST_API_KEY, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1/"},
    )

    assert isinstance(model, OpenAIChatModel)
    assert model.name == "gpt-4o-mini"
    assert model.base_url == "http://127.0.0.1:9/v1"
    assert model.api_key == TEST_API_KEY


def test_openai_defaults_to_openai_itself() -> None:
    model = from_spec("openai:gpt-4o-mini", env={"OPENAI_API_KEY": TEST_API_KEY})

    assert isinstance(model, OpenAIChatModel)
    assert model.base_url == DEFAULT_OPENAI_BASE_URL


def test_a_custom_base_url_needs_no_key() -> None:
    model = from_spec("openai:llama3.1:8b@http://127.0.0.1:11434/v1", env={})

    assert isinstance(model, OpenAIChatModel)
    assert model.name == "llama3.1:8b"
    assert model.base_url == "http://127.0.0.1:11434/v1"
    assert model.api_key == DUMMY_API_KEY


def test_missing_replay_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(LLMConfigError, match=r"replay cassette .*nope\.jsonl does not exist"):
        from_spec(f"replay:{tmp_path / 'nope.jsonl'}", env={})


def test_record_wraps_its_inner_spec(tmp_path: Path) -> None:
    model = from_spec(f"record:{tmp_path / 'new' / 'c.jsonl'}=openai:m@http://127.0.0.1:9/v1")

    assert isinstance(model, RecordingModel)
    assert isinstance(model.inner, OpenAIChatModel)
    assert model.name == "m"
    assert (tmp_path / "new").is_dir()


def test_record_with_a_bad_inner_spec_fails_the_same_way(tmp_path: Path) -> None:
    with pytest.raises(LLMConfigError, match="needs an API key"):
        from_spec(f"record:{tmp_path / 'c.jsonl'}=openai:gpt-4o-mini", env={})


async def test_unreachable_base_url_fails_preflight() -> None:
    port = closed_port()
    model = from_spec(f"openai:fake-model@http://127.0.0.1:{port}/v1", env={})

    with pytest.raises(LLMConfigError, match=rf"cannot reach the LLM server at .*:{port}/v1"):
        await check_reachable(model, timeout_s=2.0)


async def test_preflight_goes_through_wrappers(server: FakeOpenAIServer, tmp_path: Path) -> None:
    spec = f"record:{tmp_path / 'c.jsonl'}=openai:fake-model@{server.base_url}"
    model = Tracked(from_spec(spec, env={}), UsageTracker())

    await check_reachable(model)  # reachable: no error

    port = closed_port()
    unreachable = Tracked(
        from_spec(f"record:{tmp_path / 'd.jsonl'}=openai:m@http://127.0.0.1:{port}/v1", env={}),
        UsageTracker(),
    )
    with pytest.raises(LLMConfigError, match="cannot reach"):
        await check_reachable(unreachable, timeout_s=2.0)


async def test_models_without_a_server_pass_preflight(tmp_path: Path) -> None:
    cassette = tmp_path / "c.jsonl"
    cassette.touch()

    await check_reachable(from_spec(f"replay:{cassette}", env={}))

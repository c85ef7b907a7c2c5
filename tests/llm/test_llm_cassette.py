"""Record/replay cassettes: round trip, miss diagnostics and secret scrubbing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_openai_server import FakeOpenAIServer, reply
from pydantic import BaseModel

from agent.llm import (
    REDACTED,
    LLMConfigError,
    RecordingModel,
    ReplayMissError,
    ReplayModel,
    ScriptedModel,
    from_spec,
    read_cassette,
)


class Person(BaseModel):
    name: str
    age: int


SECRET_KEY = "sk-live-SECRETKEY0123456789abcdef"
SERVICE_TOKEN = "tok_zzzzzzzzzzzzzzzz"


@pytest.fixture
def own_server() -> Iterator[FakeOpenAIServer]:
    """A server this test may stop."""
    server = FakeOpenAIServer()
    server.start()
    yield server
    server.stop()


def prompt(question: str) -> list[dict[str, object]]:
    return [
        {"role": "system", "content": "You are terse.\nAnswer in one line."},
        {"role": "user", "content": question},
    ]


async def test_record_then_replay_with_the_server_stopped(
    own_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    cassette = tmp_path / "cassettes" / "run.jsonl"
    own_server.enqueue(
        reply("Paris", prompt_tokens=21, completion_tokens=2),
        reply('{"name": "Ada", "age": 36}', prompt_tokens=40, completion_tokens=9),
    )
    recorder = from_spec(
        f"record:{cassette}=openai:fake-model@{own_server.base_url}",
        env={"OPENAI_API_KEY": SECRET_KEY},
    )
    assert isinstance(recorder, RecordingModel)
    recorded = [
        await recorder.complete(prompt("Capital of France?"), temperature=0.0, stage="propose"),
        await recorder.complete(prompt("Who?"), schema=Person, stage="induce"),
    ]
    own_server.stop()

    replayer = from_spec(f"replay:{cassette}", env={})
    replayed = [
        await replayer.complete(prompt("Capital of France?"), temperature=0.0, stage="propose"),
        await replayer.complete(prompt("Who?"), schema=Person, stage="induce"),
    ]

    assert replayed == recorded
    assert replayed[1].parsed == Person(name="Ada", age=36)
    assert replayer.name == "fake-model"
    entries = read_cassette(cassette)
    assert [e.stage for e in entries] == ["propose", "induce"]
    assert [e.schema_name for e in entries] == [None, "Person"]
    assert SECRET_KEY.encode() not in cassette.read_bytes()


async def test_changed_prompt_raises_miss_with_a_diff(tmp_path: Path) -> None:
    cassette = tmp_path / "c.jsonl"
    recorder = RecordingModel(ScriptedModel(["Paris", "Rome"]), cassette, env={})
    await recorder.complete(prompt("Capital of France?"))
    await recorder.complete(prompt("Capital of Italy?"))
    replayer = ReplayModel(cassette, env={})

    with pytest.raises(ReplayMissError) as caught:
        await replayer.complete(prompt("Capital of Frances?"))

    message = str(caught.value)
    assert caught.value.key[:16] in message
    nearest = read_cassette(cassette)[0]
    assert caught.value.nearest_key == nearest.key
    assert "--- recorded" in message
    assert "+++ requested" in message
    assert "-Capital of France?" in message
    assert "+Capital of Frances?" in message


async def test_changed_schema_or_temperature_is_a_miss_that_says_so(tmp_path: Path) -> None:
    cassette = tmp_path / "c.jsonl"
    recorder = RecordingModel(ScriptedModel(["Paris"]), cassette, env={})
    await recorder.complete(prompt("Capital of France?"), temperature=0.0)
    replayer = ReplayModel(cassette, env={})

    with pytest.raises(ReplayMissError, match="prompts are identical"):
        await replayer.complete(prompt("Capital of France?"), temperature=0.7)


async def test_secrets_never_reach_the_cassette(tmp_path: Path) -> None:
    cassette = tmp_path / "c.jsonl"
    env = {
        "OPENAI_API_KEY": SECRET_KEY,
        "MY_SERVICE_TOKEN": SERVICE_TOKEN,
        "DB_SECRET": "correct-horse-battery",
        "HOME": "/home/someone",
    }
    messages = [
        {"role": "system", "content": f"Use key {SECRET_KEY} and token {SERVICE_TOKEN}."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Headers: Authorization: Bearer abc.def.ghijklmnop"},
                {"type": "text", "text": "db password correct-horse-battery, pin hunter2pin"},
                {"type": "text", "text": "other key sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX"},
                {"type": "text", "text": "files live in /home/someone"},
            ],
        },
    ]
    inner = ScriptedModel([f"echo {SECRET_KEY} hunter2pin {SERVICE_TOKEN}"])
    recorder = RecordingModel(inner, cassette, env=env, secrets=["hunter2pin"])

    completion = await recorder.complete(messages)

    assert SECRET_KEY in completion.text  # the caller still gets the real reply
    data = cassette.read_bytes()
    for secret in (
        SECRET_KEY,
        SERVICE_TOKEN,
        "correct-horse-battery",
        "hunter2pin",
        "abc.def.ghijklmnop",
        "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX",
    ):
        assert secret.encode() not in data, secret
    assert REDACTED.encode() in data
    assert b"/home/someone" in data  # other environment values are left alone

    # The key is computed after redaction, so the same call replays.
    replayed = await ReplayModel(cassette, env=env, secrets=["hunter2pin"]).complete(messages)
    assert replayed.text == f"echo {REDACTED} {REDACTED} {REDACTED}"


async def test_repeated_calls_replay_in_recorded_order(tmp_path: Path) -> None:
    cassette = tmp_path / "c.jsonl"
    recorder = RecordingModel(ScriptedModel(["one", "two"]), cassette, env={})
    await recorder.complete(prompt("Pick a number"), temperature=1.0)
    await recorder.complete(prompt("Pick a number"), temperature=1.0)
    replayer = ReplayModel(cassette, env={})

    texts = [
        (await replayer.complete(prompt("Pick a number"), temperature=1.0)).text for _ in "abc"
    ]

    assert texts == ["one", "two", "two"]


async def test_a_truncated_last_line_is_ignored(tmp_path: Path) -> None:
    cassette = tmp_path / "c.jsonl"
    recorder = RecordingModel(ScriptedModel(["Paris"]), cassette, env={})
    await recorder.complete(prompt("Capital of France?"))
    with cassette.open("a", encoding="utf-8") as handle:
        handle.write('{"version": 1, "key": "abc", "mod')

    replayer = ReplayModel(cassette, env={})

    assert len(replayer) == 1
    assert (await replayer.complete(prompt("Capital of France?"))).text == "Paris"


def test_a_corrupt_line_in_the_middle_is_a_config_error(tmp_path: Path) -> None:
    cassette = tmp_path / "c.jsonl"
    cassette.write_text('not json\n{"also": "bad"}\n', encoding="utf-8")

    with pytest.raises(LLMConfigError, match=r"c\.jsonl:1"):
        ReplayModel(cassette)


async def test_every_line_is_a_complete_json_object(tmp_path: Path) -> None:
    cassette = tmp_path / "c.jsonl"
    recorder = RecordingModel(ScriptedModel(["a", "b", "c"]), cassette, env={})
    for question in ("x", "y", "z"):
        await recorder.complete(prompt(question))

    lines = cassette.read_text(encoding="utf-8").splitlines()

    assert len(lines) == 3
    assert all(json.loads(line)["completion"]["text"] in "abc" for line in lines)


async def test_empty_cassette_miss_says_so(tmp_path: Path) -> None:
    cassette = tmp_path / "empty.jsonl"
    cassette.touch()

    with pytest.raises(ReplayMissError, match="cassette is empty"):
        await ReplayModel(cassette).complete(prompt("anything"))

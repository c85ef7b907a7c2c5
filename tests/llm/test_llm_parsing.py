"""The tolerant JSON reply parser."""

from __future__ import annotations

import pytest

from agent.llm import JSONReplyError, parse_json_reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ("  [1, 2, 3]\n", [1, 2, 3]),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('```\n{"a": 1}\n```', {"a": 1}),
        (
            'Here you go:\n```JSON\n{"a": [1, {"b": "}"}]}\n```\nHope that helps!',
            {"a": [1, {"b": "}"}]},
        ),
        ('Sure! {"answer": "x"} Let me know.', {"answer": "x"}),
        ('The [best] option is {"pick": "b"}.', {"pick": "b"}),
        ('{"quote": "she said \\"{hi}\\""} trailing', {"quote": 'she said "{hi}"'}),
        ('{"a": 1,}', {"a": 1}),
        ('Result: {"items": [1, 2,], "ok": true,}', {"items": [1, 2], "ok": True}),
        ('{"a": "x, }"}', {"a": "x, }"}),
        ('first {"a": 1} then {"b": 2}', {"a": 1}),
        ('{broken {"a": 1}', {"a": 1}),
    ],
)
def test_parses(text: str, expected: object) -> None:
    assert parse_json_reply(text) == expected


@pytest.mark.parametrize("text", ["", "no json here", "{'a': 1}", '{"a": 1', "[[["])
def test_rejects(text: str) -> None:
    with pytest.raises(JSONReplyError, match="no JSON object or array"):
        parse_json_reply(text)


def test_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_json_reply("nothing")


def test_pathological_text_fails_cleanly_and_fast() -> None:
    text = "[" * 2000 + ' then {"a": 1}'
    with pytest.raises(JSONReplyError):
        parse_json_reply(text)

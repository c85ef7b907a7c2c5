"""A tolerant parser for JSON that a model wrote into free text.

Models wrap JSON in code fences, put prose before and after it, or leave a
trailing comma. `parse_json_reply` tries, in order: the whole text, each fenced
code block, then every balanced ``{...}`` / ``[...]`` span from left to right,
each as written and then with trailing commas removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_FENCE = re.compile(r"```[ \t]*[A-Za-z0-9_-]*[ \t]*\r?\n(.*?)```", re.DOTALL)
_CLOSERS = {"{": "}", "[": "]"}
_MAX_SPAN_STARTS = 200  # bounds the work on long replies full of brackets


class JSONReplyError(ValueError):
    """The text holds no parseable JSON object or array."""


def parse_json_reply(text: str) -> Any:
    """Return the first JSON value found in ``text``.

    Raises:
        JSONReplyError: if no candidate parses.
    """
    for candidate in _candidates(text):
        for variant in (candidate, _strip_trailing_commas(candidate)):
            try:
                return json.loads(variant)
            except (ValueError, RecursionError):
                continue
    preview = text.strip()[:200]
    raise JSONReplyError(f"no JSON object or array found in the reply: {preview!r}")


def _candidates(text: str) -> Iterator[str]:
    stripped = text.strip()
    if stripped:
        yield stripped
    for match in _FENCE.finditer(text):
        yield match.group(1).strip()
    yield from _balanced_spans(text)


def _balanced_spans(text: str) -> Iterator[str]:
    """Yield every balanced object/array span, by increasing start offset."""
    starts = (index for index, char in enumerate(text) if char in _CLOSERS)
    for tried, start in enumerate(starts):
        if tried >= _MAX_SPAN_STARTS:
            return
        end = _matching_end(text, start)
        if end is not None:
            yield text[start : end + 1]


def _matching_end(text: str, start: int) -> int | None:
    """Index of the bracket closing the one at ``start``, honouring JSON strings."""
    stack: list[str] = []
    in_string = False
    escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in _CLOSERS:
            stack.append(_CLOSERS[char])
        elif char in "}]":
            if not stack or stack.pop() != char:
                return None
            if not stack:
                return index
    return None


def _strip_trailing_commas(text: str) -> str:
    """Drop commas directly before a closing bracket, outside strings."""
    out: list[str] = []
    in_string = False
    escaped = False
    for index, char in enumerate(text):
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char == ",":
            rest = text[index + 1 :].lstrip()
            if rest[:1] in ("}", "]"):
                continue
        out.append(char)
    return "".join(out)

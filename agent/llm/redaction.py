"""Scrubbing secrets out of anything written to disk (cassettes, logs).

A `Redactor` replaces with ``[REDACTED]``: the values of ``OPENAI_API_KEY`` and
of every environment variable whose name ends in ``_API_KEY``, ``_TOKEN`` or
``_SECRET``; any extra values it is given; ``sk-...`` keys; bearer tokens; and
the value of anything that looks like an ``Authorization`` header.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "[REDACTED]"

SECRET_ENV_SUFFIXES = ("_API_KEY", "_TOKEN", "_SECRET")
_SECRET_KEYS = frozenset({"authorization", "api_key", "api-key", "x-api-key", "apikey"})
_MIN_ENV_SECRET_LENGTH = 8  # shorter env values ("EMPTY", "1") are not secrets worth scrubbing

_OPENAI_KEY = re.compile(r"\bsk-[A-Za-z0-9_\-]{16,}")
_AUTHORIZATION = re.compile(
    r"(?i)(\bauthorization\b[\"']?\s*[:=]\s*[\"']?)(?:(?:bearer|basic|token)\s+)?[^\s\"',;}]+"
)
_BEARER = re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=\-]{8,}")


class Redactor:
    """Replace secrets in strings and (recursively) in JSON-like data."""

    def __init__(
        self, secrets: Iterable[str] = (), *, env: Mapping[str, str] | None = None
    ) -> None:
        env = os.environ if env is None else env
        values = {secret for secret in secrets if secret}
        for name, value in env.items():
            is_secret = name == "OPENAI_API_KEY" or name.upper().endswith(SECRET_ENV_SUFFIXES)
            if is_secret and len(value) >= _MIN_ENV_SECRET_LENGTH:
                values.add(value)
        values.discard(REDACTED)
        self._values = sorted(values, key=len, reverse=True)

    def text(self, text: str) -> str:
        for value in self._values:
            text = text.replace(value, REDACTED)
        text = _OPENAI_KEY.sub(REDACTED, text)
        text = _AUTHORIZATION.sub(rf"\g<1>{REDACTED}", text)
        return _BEARER.sub(rf"\g<1>{REDACTED}", text)

    def data(self, value: Any) -> Any:
        """A copy of ``value`` with every string redacted, and secret-named keys blanked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {
                key: (
                    REDACTED
                    if isinstance(key, str) and key.lower() in _SECRET_KEYS and item
                    else self.data(item)
                )
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.data(item) for item in value]
        return value

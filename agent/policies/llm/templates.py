"""Prompt templates (the `prompts/*.md` files next to this module), filled with
`string.Template` (`$name`; a literal dollar sign is written `$$`)."""

from __future__ import annotations

from pathlib import Path
from string import Template
from urllib.parse import urlsplit

PROMPTS = Path(__file__).parent / "prompts"


def render(name: str, origin: str | None = None, **values: object) -> str:
    """The prompt `name` with its `$placeholders` filled; a missing value is an error.

    `origin` (scheme://host:port of the site) is removed from the text: the model sees paths,
    and a prompt does not change when the site is served on another port (cassettes replay)."""
    text = (PROMPTS / f"{name}.md").read_text(encoding="utf-8")
    out = Template(text).substitute({k: str(v) for k, v in values.items()})
    if origin:
        out = out.replace(origin.rstrip("/"), "")
    return out


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

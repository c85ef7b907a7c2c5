"""The task agent's prompt templates (`prompts/*.md`), filled like the LLM policy's: a missing
value is an error, and the site's origin is removed so a prompt never holds a port."""

from __future__ import annotations

from pathlib import Path
from string import Template

PROMPTS = Path(__file__).parent / "prompts"


def render(name: str, origin: str | None = None, **values: object) -> str:
    text = (PROMPTS / f"{name}.md").read_text(encoding="utf-8")
    out = Template(text).substitute({k: str(v) for k, v in values.items()})
    if origin:
        out = out.replace(origin.rstrip("/"), "")
    return out

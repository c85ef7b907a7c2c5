"""A scripted model for the LLM policy on the bundled shop: it reads the prompt as a model
would (task, inputs, snapshot refs) and follows a per-task plan, with faults on demand."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from agent.llm.errors import LLMCallError

Step = Callable[[dict[str, Any], str, int], "str | dict[str, Any] | Exception"]


def ref(snapshot: str, pattern: str) -> str:
    match = re.search(pattern + r"[^\n]*?\[ref=(f?\d*e\d+)\]", snapshot)
    assert match, f"no element matching {pattern!r} in the snapshot"
    return match.group(1)


def done(thought: str = "done") -> dict[str, Any]:
    return {"thought": thought, "code": "", "done": True}


def section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


class ShopScript:
    """`proposals` is the propose reply; `plans` maps a task title to a function
    (inputs, page text, step number) -> reply; `repairs` maps a skill name to repaired code
    (a list: one rewrite per request, the last one repeated)."""

    def __init__(
        self,
        proposals: list[dict[str, Any]],
        plans: dict[str, Step],
        repairs: dict[str, str | list[str]] | None = None,
        prose_first: frozenset[str] = frozenset(),
    ) -> None:
        self.prose_first = prose_first
        self.proposals = proposals
        self.plans = plans
        self.repairs = repairs or {}
        self.prompts: list[str] = []

    def __call__(self, messages: list[dict[str, Any]]) -> Any:
        text = messages[0]["content"]
        self.prompts.append(messages[-1]["content"])
        if "Propose up to" in text:
            return json.dumps({"proposals": self.proposals})
        if "failed verification. Rewrite it" in text:
            name = re.search(r"async def (\w+)\(", text).group(1)  # type: ignore[union-attr]
            code = self.repairs.get(name, section(text, "```python\n", "\n```"))
            if isinstance(code, list):
                code = code.pop(0) if len(code) > 1 else code[0]
            return json.dumps({"code": code, "why": "scripted repair"})
        if "You judge whether" in text:
            return json.dumps({"success": False, "reason": "scripted judge"})
        task = section(text, "## Task\n", "\n")
        title = task.split(". ")[0]
        raw = dict(re.findall(r"- (\w+) = (.*)", section(text, "Inputs", "## Primitives")))
        inputs = {k: json.loads(v) for k, v in raw.items()}
        history = section(text, "## Steps so far", "## Current page")
        page = text.split("## Current page", 1)[1]
        n = history.count("thought:")
        library = section(text, "## Library skills", "## Steps so far")
        for name in re.findall(r"def (\w+)\(", library):
            if name.replace("_", " ") in title.lower().replace("_", " ") or _same(name, title):
                if n == 0:
                    args = ", ".join(json.dumps(v) for v in inputs.values())
                    return {"thought": "use the skill", "code": f"await {name}(page, {args})"}
                return done()
        if title in self.prose_first and n == 0 and len(messages) == 1:
            return "Sure! I will type the e-mail address and press the button."
        reply = self.plans[title](inputs, page, n)
        if isinstance(reply, Exception):
            raise reply
        return json.dumps(reply) if isinstance(reply, dict) else reply


def _same(name: str, title: str) -> bool:
    words = set(title.lower().split())
    return set(name.split("_")) <= words | {"to", "a", "the"}


def search_plan(inputs: dict[str, Any], page: str, n: int) -> dict[str, Any]:
    if n == 0:
        box = ref(page, 'searchbox "Search products"')
        query = json.dumps(inputs["query"])
        return {
            "thought": "search",
            "code": f'await fill("{box}", {query})\nawait press("{box}", "Enter")',
        }
    return done()


def timeout_plan(inputs: dict[str, Any], page: str, n: int) -> Exception:
    return LLMCallError("bridge: the model did not answer within 120 s (timeout)")

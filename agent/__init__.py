"""Skillwright's async web agent.

`await agent.run_task(target, task, model=..., library=...)` solves one task with the skill
library (`agent.taskagent`); it is imported on first use, so `import agent` stays light."""

from __future__ import annotations

from typing import Any

_LAZY = {"run_task", "TaskResult"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from agent import taskagent

        return getattr(taskagent, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

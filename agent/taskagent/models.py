"""What one task run produced: `TaskResult` and the `StepView`s a report shows."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Mode = Literal["program", "step"]
Verdict = Literal["pass", "fail", "done", "error"]


class StepView(BaseModel):
    """One model-written piece of code and what it did (a program, or one step)."""

    n: int
    kind: Literal["program", "step"] = "step"
    url: str = ""
    thought: str = ""
    code: str = ""
    error: str | None = None
    done: bool = False
    actions: int = 0
    screenshot: str | None = None  # path relative to the run's folder


class TaskResult(BaseModel):
    """One task attempt: the verdict (when the task has an evaluator) and what it cost.

    `verdict` is "pass"/"fail" by the task's evaluator, "done" when there is no evaluator
    (a free-text task) and "error" when the run could not be judged: an unknown task, a
    library for another site, a model or site failure (`error` says which)."""

    task_id: str
    intent: str = ""
    site: str = ""
    mode: Mode = "program"
    use_skills: bool = True
    verdict: Verdict = "error"
    success: bool | None = None
    eval_detail: str = ""
    answer: Any = None
    final_url: str = ""
    steps: int = 0
    model_calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    wall_s: float = 0.0
    skill_calls: list[str] = Field(default_factory=list)
    skills_offered: list[str] = Field(default_factory=list)
    fell_back: bool = False
    error: str | None = None
    folder: str | None = None  # the task's artifacts, relative to the run's folder
    trace: list[StepView] = Field(default_factory=list)

"""Solve one task on an open page: program mode (one program over skills, step mode from where
it failed) or step mode (the explorer's step loop with skills callable)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from playwright.async_api import Page
from pydantic import BaseModel, Field

from agent.artifacts import write_json
from agent.browser.observation import observe
from agent.llm.errors import LLMError
from agent.policies.llm.practise import OBSERVATION_CHARS, LoopResult, step_loop
from agent.policies.llm.survey import clip
from agent.policies.llm.templates import origin_of
from agent.steps import PRIMITIVES_HELP
from agent.taskagent.models import Mode, StepView
from agent.taskagent.prompts import render
from agent.taskagent.runner import TaskStepRunner
from agent.taskagent.skills import OfferedSkills

Stop = Callable[[Page], Awaitable[bool]]


class ProgramReply(BaseModel):
    """The model's one program for the whole task."""

    thought: str = ""
    code: str = ""
    answer: Any = None  # an answer the model read off the page it was shown


class Solved(BaseModel):
    """What the agent did on the page (the verdict is the caller's)."""

    answer: Any = None
    answered: bool = False
    trace: list[StepView] = Field(default_factory=list)
    skill_calls: list[str] = Field(default_factory=list)
    fell_back: bool = False
    model_error: str | None = None


def _strip(url: str) -> str:
    origin = origin_of(url)
    if "://" not in origin or not url.startswith(origin):
        return url
    return url[len(origin) :] or "/"


def skills_text(offered: OfferedSkills) -> str:
    if not offered.described:
        return "(none: use the primitives)"
    return "\n".join(f"- {text}" for text in offered.described.values())


async def _shot(folder: Path | None, name: str, page: Page) -> str | None:
    if folder is None:
        return None
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        await page.screenshot(path=str(path))
    except Exception:  # a page that cannot be captured still has its JSON
        return None
    return name


def _step_views(loop: LoopResult, folder: Path | None, first: int) -> list[StepView]:
    views = []
    for log in loop.steps:
        shot = f"steps/{log.step:02d}.png"
        views.append(
            StepView(
                n=first + log.step - 1,
                url=_strip(log.url),
                thought=log.thought,
                code=log.code,
                error=log.error,
                done=log.done,
                actions=len(log.records),
                screenshot=shot if folder is not None and (folder / shot).exists() else None,
            )
        )
    return views


async def _steps(
    model: Any,
    page: Page,
    *,
    site: str,
    task: str,
    offered: OfferedSkills,
    max_steps: int,
    folder: Path | None,
    stop: Stop | None,
    timeout_s: float,
    solved: Solved,
    first: int,
) -> None:
    loop = await step_loop(
        model,
        page,
        site=site,
        task=task,
        shown={},
        inputs={},
        skills=offered.functions,
        signatures=offered.described,
        start_url=None,
        max_steps=max_steps,
        folder=folder,
        stage="task-step",
        runner=TaskStepRunner(page, offered.functions, timeout_s=timeout_s),
        stop=stop,
    )
    solved.trace += _step_views(loop, folder, first)
    solved.skill_calls += loop.skill_calls
    if loop.answered:
        solved.answer, solved.answered = loop.answer, True
    solved.model_error = loop.model_error


async def solve(
    model: Any,
    page: Page,
    *,
    site: str,
    intent: str,
    offered: OfferedSkills,
    mode: Mode = "program",
    max_steps: int = 10,
    folder: Path | None = None,
    stop: Stop | None = None,
    program_timeout_s: float = 60.0,
    step_timeout_s: float = 20.0,
) -> Solved:
    """Carry out `intent` on `page`; the model's errors end the run (in `model_error`)."""
    solved = Solved()
    common = dict(site=site, offered=offered, max_steps=max_steps, folder=folder, stop=stop)
    if mode == "step":
        await _steps(
            model, page, task=intent, timeout_s=step_timeout_s, solved=solved, first=1, **common
        )
        return solved
    obs = await observe(page)
    prompt = render(
        "program",
        origin=origin_of(page.url),
        site=site,
        task=intent,
        library=skills_text(offered),
        primitives=PRIMITIVES_HELP,
        observation=f"URL: {obs.url}\nTitle: {obs.title}\n" + clip(obs.snapshot, OBSERVATION_CHARS),
    )
    view = StepView(n=1, kind="program", url=_strip(obs.url))
    try:
        completion = await model.complete(
            [{"role": "user", "content": prompt}], schema=ProgramReply, stage="program"
        )
    except LLMError as exc:
        solved.model_error = f"{type(exc).__name__}: {str(exc)[:300]}"
        view.error = solved.model_error
        solved.trace.append(view)
        _save(folder, view, prompt, None)
        return solved
    reply = completion.parsed
    assert isinstance(reply, ProgramReply)
    view.thought, view.code = reply.thought, reply.code.strip()
    runner = TaskStepRunner(page, offered.functions, timeout_s=program_timeout_s)
    outcome = await runner.run(view.code or "pass")
    view.error, view.actions = outcome.error, len(outcome.records)
    view.done = outcome.error is None
    solved.skill_calls += outcome.skill_calls
    if outcome.answered:
        solved.answer, solved.answered = outcome.answer, True
    elif reply.answer is not None:
        solved.answer, solved.answered = reply.answer, True
    view.screenshot = await _shot(folder, "program.png", page)
    solved.trace.append(view)
    _save(folder, view, prompt, completion.text)
    if outcome.error is None or (stop is not None and await stop(page)):
        return solved
    solved.fell_back = True
    task = (
        f"{intent}\n\n(A program for this task was run first and failed: {outcome.error}. "
        "Continue from the current page.)"
    )
    await _steps(model, page, task=task, timeout_s=step_timeout_s, solved=solved, first=2, **common)
    return solved


def _save(folder: Path | None, view: StepView, prompt: str, reply: str | None) -> None:
    if folder is not None:
        data = {**view.model_dump(mode="json"), "prompt": prompt, "reply": reply}
        write_json(folder / "program.json", data)

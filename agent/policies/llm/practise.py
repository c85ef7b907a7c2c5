"""The bounded step loop: observe, ask the model for a few lines of code, run them, repeat.

Each step's prompt, reply, outcome and screenshot go to the attempt's folder
(`steps/NN.json`, `steps/NN.png`). The model sees credentials only as placeholders; errors of
a step (policy refusal, timeout, a failed click) come back as the next observation."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from playwright.async_api import Page
from pydantic import BaseModel, Field

from agent.artifacts import write_json
from agent.browser.observation import observe
from agent.llm.errors import LLMError, ReplayMissError
from agent.models import ActionRecord, TaskProposal, Trajectory
from agent.policies.llm.survey import clip
from agent.policies.llm.templates import origin_of, render
from agent.steps import PRIMITIVES_HELP, StepReply, StepRunner

OBSERVATION_CHARS = 7_000
HISTORY_STEPS = 6


class StepLog(BaseModel):
    step: int
    url: str
    thought: str = ""
    code: str = ""
    done: bool = False
    error: str | None = None
    answer: Any = None
    records: list[ActionRecord] = Field(default_factory=list)


class LoopResult(BaseModel):
    trajectory: Trajectory
    answer: Any = None
    answered: bool = False
    steps: list[StepLog] = Field(default_factory=list)
    skill_calls: list[str] = Field(default_factory=list)
    model_error: str | None = None
    choices: dict[str, dict[str, str]] = Field(default_factory=dict)  # see StepRunner.choices


def describe_skills(skills: Mapping[str, str]) -> str:
    """`name(signature) — first docstring line` per skill, for prompts."""
    if not skills:
        return "(none yet)"
    return "\n".join(f"- {sig}" for sig in skills.values())


def _history(steps: list[StepLog]) -> str:
    if not steps:
        return "(none: this is the first step)"
    lines = []
    for s in steps[-HISTORY_STEPS:]:
        result = f"error: {s.error}" if s.error else "ok"
        lines.append(
            f"{s.step}. on {s.url}\n   thought: {s.thought[:200]}\n   code: {s.code}\n   → {result}"
        )
    return "\n".join(lines)


def task_text(proposal: TaskProposal) -> str:
    text = f"{proposal.title}. {proposal.description}"
    if proposal.returns:
        text += " Return the list of names the site shows as results."
    return text


def inputs_text(shown: Mapping[str, Any]) -> str:
    if not shown:
        return "(none)"
    return "\n".join(f"- {k} = {json.dumps(v)}" for k, v in shown.items())


async def step_loop(
    model: Any,
    page: Page,
    *,
    site: str,
    task: str,
    shown: Mapping[str, Any],
    inputs: Mapping[str, Any],
    skills: Mapping[str, Callable[..., Any]],
    signatures: Mapping[str, str],
    start_url: str | None,
    max_steps: int,
    folder: Path | None,
    proposal_id: str = "task",
    stage: str = "practise",
    runner: StepRunner | None = None,
    stop: Callable[[Page], Awaitable[bool]] | None = None,
) -> LoopResult:
    """Run the task on `page` step by step; the records make the trajectory.

    `stop(page)`, checked after each step, ends the loop early when the page says the task is
    over (a MiniWoB episode that has ended: acting on would start a new one)."""
    runner = runner or StepRunner(page, skills, shown=shown, inputs=inputs)
    trajectory = Trajectory(proposal_id=proposal_id, inputs=dict(shown))
    result = LoopResult(trajectory=trajectory)
    if start_url:
        await runner.actor.goto(start_url)
    last_error: str | None = None
    for n in range(1, max_steps + 1):
        obs = await observe(page, last_error=last_error)
        prompt = render(
            "step",
            origin=origin_of(page.url),
            site=site,
            task=task,
            inputs=inputs_text(shown),
            primitives=PRIMITIVES_HELP,
            library=describe_skills(signatures),
            history=_history(result.steps),
            observation=(
                f"URL: {obs.url}\nTitle: {obs.title}\n"
                + (f"Last error: {last_error}\n" if last_error else "")
                + clip(obs.snapshot, OBSERVATION_CHARS)
            ),
        )
        log = StepLog(step=n, url=obs.url)
        try:
            completion = await model.complete(
                [{"role": "user", "content": prompt}], schema=StepReply, stage=stage
            )
        except ReplayMissError:  # an offline run that left its cassette: say so
            raise
        except LLMError as exc:
            result.model_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            log.error = result.model_error
            result.steps.append(log)
            _save(folder, log, prompt, None)
            break
        reply = completion.parsed
        assert isinstance(reply, StepReply)
        log.thought, log.code, log.done = reply.thought, reply.code.strip(), reply.done
        if log.code:
            outcome = await runner.run(log.code)
            log.error, log.records = outcome.error, outcome.records
            result.skill_calls += outcome.skill_calls
            if outcome.answered:
                result.answer, result.answered = outcome.answer, True
        if reply.answer is not None and not result.answered:
            result.answer, result.answered = reply.answer, True
        log.answer = result.answer
        last_error = log.error
        result.steps.append(log)
        await _save_shot(folder, n, page)
        _save(folder, log, prompt, completion.text)
        if reply.done and not log.error:
            break
        if stop is not None and await stop(page):
            break
    else:
        if result.model_error is None:
            trajectory.error = f"not done after {max_steps} steps"
    trajectory.actions = list(runner.records)
    result.choices = dict(runner.choices)
    trajectory.final_url = page.url
    if result.model_error is not None:
        trajectory.error = f"model: {result.model_error}"
    elif result.steps and result.steps[-1].error and not trajectory.error:
        trajectory.error = f"last step failed: {result.steps[-1].error}"
    return result


def _save(folder: Path | None, log: StepLog, prompt: str, reply: str | None) -> None:
    if folder is None:
        return
    data = {**log.model_dump(mode="json"), "prompt": prompt, "reply": reply}
    write_json(folder / "steps" / f"{log.step:02d}.json", data)


async def _save_shot(folder: Path | None, n: int, page: Page) -> None:
    if folder is None:
        return
    path = folder / "steps" / f"{n:02d}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        await page.screenshot(path=str(path))
    except Exception:  # a page that cannot be captured still has its JSON
        pass

"""`run_task`: open a task in a fresh browser context, solve it with the library, judge it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from agent.browser import BrowserSession
from agent.llm.budget import Budgeted, Limits
from agent.target import Target
from agent.taskagent.models import Mode, TaskResult
from agent.taskagent.skills import DEFAULT_K, OfferedSkills, library_problem, offered_skills
from agent.taskagent.solve import Solved, Stop, solve
from sites.miniwob.tasks import MiniWoBTaskSpec
from sites.tasks import Task
from skills_store import SkillLibrary

AnyTask = Task | MiniWoBTaskSpec | str


def task_id_of(task: AnyTask) -> str:
    return task if isinstance(task, str) else task.task_id


async def _episode_over(page: Page) -> bool:
    from sites.miniwob.episodes import read_reward

    try:
        return (await read_reward(page)).done
    except PlaywrightError:
        return False


async def run_task(
    target: Target,
    task: AnyTask,
    *,
    model: Any,
    library: SkillLibrary | None = None,
    site: str | None = None,
    use_skills: bool = True,
    mode: Mode = "program",
    max_steps: int = 10,
    k: int = DEFAULT_K,
    folder: Path | None = None,
    browser: BrowserSession | None = None,
    program_timeout_s: float = 60.0,
    step_timeout_s: float = 20.0,
) -> TaskResult:
    """Solve `task` (a site task, a MiniWoB episode spec, or free text) on `target`.

    The site's `k` verified skills that best match the intent are offered (`use_skills`).
    `success` is the task evaluator's verdict; a free-text task has none (verdict "done").
    Model and site failures come back in `TaskResult.error` (verdict "error"), not raised.
    The target is not reset here (the benchmark resets it before each task)."""
    if browser is None:
        async with BrowserSession() as session:
            return await run_task(
                target,
                task,
                model=model,
                library=library,
                site=site,
                use_skills=use_skills,
                mode=mode,
                max_steps=max_steps,
                k=k,
                folder=folder,
                browser=session,
                program_timeout_s=program_timeout_s,
                step_timeout_s=step_timeout_s,
            )
    site = site or target.name
    result = TaskResult(
        task_id=task_id_of(task),
        intent="" if isinstance(task, MiniWoBTaskSpec) else getattr(task, "intent", task),
        site=site,
        mode=mode,
        use_skills=use_skills,
    )
    if use_skills:
        if library is None:
            result.error = "no library given (use_skills needs one)"
            return result
        problem = library_problem(library, site)
        if problem is not None:
            result.error = problem
            return result
    counted = Budgeted(model, Limits())
    began = time.perf_counter()
    context = await browser.new_context(target.base_url)
    try:
        await _attempt(
            result,
            target,
            task,
            counted,
            context,
            library if use_skills else None,
            mode=mode,
            max_steps=max_steps,
            k=k,
            folder=folder,
            program_timeout_s=program_timeout_s,
            step_timeout_s=step_timeout_s,
        )
    except Exception as exc:  # one task's failure is its result; the benchmark goes on
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        result.error = f"{type(exc).__name__}: {first}"[:400]
        result.verdict, result.success = "error", None
    finally:
        result.wall_s = round(time.perf_counter() - began, 3)
        result.model_calls = counted.calls
        result.tokens_in, result.tokens_out = counted.tokens_in, counted.tokens_out
        try:
            await context.close()
        except PlaywrightError:
            pass
    return result


async def _attempt(
    result: TaskResult,
    target: Target,
    task: AnyTask,
    model: Any,
    context: Any,
    library: SkillLibrary | None,
    *,
    mode: Mode,
    max_steps: int,
    k: int,
    folder: Path | None,
    program_timeout_s: float,
    step_timeout_s: float,
) -> None:
    stop: Stop | None = None
    instance: Any = None
    if isinstance(task, MiniWoBTaskSpec):
        from sites.miniwob.tasks import begin

        page = await context.new_page()
        _episode, instance = await begin(page, task)
        result.intent = instance.intent
        stop = _episode_over
    elif isinstance(task, Task):
        from sites.harness import open_task

        if target.site is None:
            page = await context.new_page()
            await page.goto(task.start_url)
        else:
            page = await open_task(context, target.site, task)
    else:
        page = await context.new_page()
        await page.goto(target.start_path)
    offered = (
        offered_skills(library, result.site, result.intent, k)
        if library is not None
        else OfferedSkills()
    )
    result.skills_offered = offered.names
    solved = await solve(
        model,
        page,
        site=result.site,
        intent=result.intent,
        offered=offered,
        mode=mode,
        max_steps=max_steps,
        folder=folder,
        stop=stop,
        program_timeout_s=program_timeout_s,
        step_timeout_s=step_timeout_s,
    )
    _record(result, solved, page)
    if solved.model_error is not None:
        result.error = f"model: {solved.model_error}"
        result.verdict = "error"
        return
    await _judge(result, target, task, page, instance, solved)


def _record(result: TaskResult, solved: Solved, page: Page) -> None:
    result.trace = solved.trace
    result.steps = len(solved.trace)
    result.skill_calls = solved.skill_calls
    result.fell_back = solved.fell_back
    result.answer = solved.answer
    result.final_url = page.url


async def _judge(
    result: TaskResult, target: Target, task: AnyTask, page: Page, instance: Any, solved: Solved
) -> None:
    if isinstance(task, MiniWoBTaskSpec):
        from sites.miniwob.episodes import wait_for_done
        from sites.miniwob.tasks import judge as judge_episode

        try:
            await wait_for_done(page, 1.0)
        except PlaywrightError:
            pass  # judged as not finished
        verdict = await judge_episode(page, instance)
    elif isinstance(task, Task):
        from sites.tasks import evaluate

        if target.site is not None:
            target.site.ensure_running()
        verdict = evaluate(task, answer=solved.answer, url=page.url, db_path=target.db_path)
    else:
        result.verdict = "done"
        return
    result.success = verdict.passed
    result.verdict = "pass" if verdict.passed else "fail"
    result.eval_detail = verdict.detail

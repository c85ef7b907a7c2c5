"""Run a task suite: a reset site per task, N workers (each its own site instance), one shared
browser; every task ends as a `TaskResult` (failures included) and the summary is rewritten
after each task, so an interrupted run still has one."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.benchmark.suites import Suite, unknown_reason
from agent.benchmark.summary import BenchSummary, totals_of, write_summary
from agent.browser import BrowserSession
from agent.target import Target, open_target
from agent.taskagent import TaskResult, library_problem, run_task, task_id_of
from agent.taskagent.agent import AnyTask
from agent.taskagent.models import Mode
from skills_store import SkillLibrary

OnTask = Callable[[TaskResult], None]


def _safe(task_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in task_id)


async def run_bench(
    suite: Suite,
    *,
    model: Any,
    out: Path,
    library: SkillLibrary | None = None,
    use_skills: bool = True,
    mode: Mode = "program",
    workers: int = 1,
    max_steps: int = 10,
    k: int = 8,
    llm: str = "",
    split: str | None = None,
    requested: list[str] | None = None,
    on_task: OnTask | None = None,
    targets: list[Target] | None = None,
    browser: BrowserSession | None = None,
) -> BenchSummary:
    """Run every task of `suite` and write `out/summary.json` (the report is separate).

    `targets` (already started sites, one per worker) and `browser` may be passed in; otherwise
    they are started here and closed at the end."""
    began = time.perf_counter()
    summary = BenchSummary(
        site=suite.site,
        llm=llm or getattr(model, "name", ""),
        mode=mode,
        use_skills=use_skills,
        library=str(library.path) if library is not None and use_skills else None,
        skills_in_library=(
            len(library.list(site=suite.site)) if library is not None and use_skills else 0
        ),
        split=split,
        requested=list(requested or [t.task_id for t in suite.tasks]),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    order = {tid: i for i, tid in enumerate(summary.requested)}
    results: list[TaskResult] = []

    def finish(result: TaskResult) -> None:
        results.append(result)
        results.sort(key=lambda r: order.get(r.task_id, len(order)))
        summary.tasks = list(results)
        summary.totals = totals_of(results)
        summary.wall_s = round(time.perf_counter() - began, 2)
        write_summary(summary, out)
        if on_task is not None:
            on_task(result)

    for tid in suite.unknown:
        summary.problems.append(unknown_reason(suite.site, tid))
        finish(
            TaskResult(
                task_id=tid,
                site=suite.site,
                mode=mode,
                use_skills=use_skills,
                error=summary.problems[-1],
            )
        )
    problem = None
    if use_skills:
        problem = "no library given" if library is None else library_problem(library, suite.site)
    if problem is not None:
        summary.problems.append(f"{problem}: no task was run with skills")
        for task in suite.tasks:
            intent = task.intent if hasattr(task, "intent") else ""
            finish(
                TaskResult(
                    task_id=task_id_of(task),
                    intent=intent,
                    site=suite.site,
                    mode=mode,
                    use_skills=True,
                    error=problem,
                )
            )
        return summary
    if suite.tasks:
        queue: asyncio.Queue[AnyTask] = asyncio.Queue()
        for task in suite.tasks:
            queue.put_nowait(task)
        n = max(1, min(workers, len(suite.tasks)))
        started: list[Target] = []
        try:
            if targets is None:
                for _ in range(n):
                    started.append(await open_target(suite.site))
                targets = started
            async with contextlib.AsyncExitStack() as stack:
                if browser is None:
                    browser = await stack.enter_async_context(BrowserSession())
                await asyncio.gather(
                    *(
                        _worker(
                            t,
                            queue,
                            browser,
                            finish,
                            model=model,
                            library=library,
                            use_skills=use_skills,
                            mode=mode,
                            max_steps=max_steps,
                            k=k,
                            out=out,
                        )
                        for t in targets[:n]
                    )
                )
        finally:
            for t in started:
                await t.close()
    errors = [r for r in results if r.verdict == "error" and r.task_id not in suite.unknown]
    if errors:
        summary.problems.append(
            f"{len(errors)} task(s) ended in error: "
            + "; ".join(f"{r.task_id}: {(r.error or '')[:120]}" for r in errors[:5])
        )
    summary.wall_s = round(time.perf_counter() - began, 2)
    write_summary(summary, out)
    return summary


async def _worker(
    target: Target,
    queue: asyncio.Queue[AnyTask],
    browser: BrowserSession,
    finish: Callable[[TaskResult], None],
    *,
    model: Any,
    library: SkillLibrary | None,
    use_skills: bool,
    mode: Mode,
    max_steps: int,
    k: int,
    out: Path,
) -> None:
    while not queue.empty():
        task = queue.get_nowait()
        rel = f"tasks/{_safe(task_id_of(task))}"
        try:
            await target.reset()
            result = await run_task(
                target,
                task,
                model=model,
                library=library,
                site=target.name,
                use_skills=use_skills,
                mode=mode,
                max_steps=max_steps,
                k=k,
                folder=out / rel,
                browser=browser,
            )
        except Exception as exc:  # the site went down or would not reset: this task's error
            first = (str(exc).strip().splitlines() or [""])[0]
            result = TaskResult(
                task_id=task_id_of(task),
                site=target.name,
                mode=mode,
                use_skills=use_skills,
                error=f"{type(exc).__name__}: {first}"[:400],
            )
        result.folder = rel
        finish(result)

"""The task agent: solve one task with the site's skill library.

    result = await run_task(target, task, model=model, library=lib, mode="program")

Program mode asks the model for one program over the skills for the whole task and falls back
to the step loop from the current page when it raises; step mode is the explorer's step loop
with the skills callable. `TaskResult` holds the verdict, steps, model calls, tokens, wall
time and skill calls; the benchmark (`agent.benchmark`) runs a suite of them.
"""

from agent.taskagent.agent import run_task, task_id_of
from agent.taskagent.models import StepView, TaskResult
from agent.taskagent.skills import library_problem, offered_skills

__all__ = [
    "StepView",
    "TaskResult",
    "library_problem",
    "offered_skills",
    "run_task",
    "task_id_of",
]

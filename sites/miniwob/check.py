"""The MiniWoB counterpart of `sites.check.check_site` (MiniWoB has no tasks.json).

For each task with a scripted solver and each seed: the solver must earn raw reward 1, and a
no-op run (start the episode, do nothing until a short time limit ends it) must not earn a
positive reward. `skillwright sites check miniwob` can report `MiniWoBCheckReport.summary()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from agent.browser import BrowserSession
from sites.miniwob.episodes import get_task, start_episode, wait_for_done
from sites.miniwob.solvers import SOLVERS

NOOP_TIME_LIMIT_S = 0.3


class MiniWoBCheckRow(BaseModel):
    task: str
    seed: int
    utterance: str
    solver_reward: float | None
    noop_reward: float | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.solver_reward == 1.0 and self.noop_reward is not None and self.noop_reward <= 0


class MiniWoBCheckReport(BaseModel):
    rows: list[MiniWoBCheckRow]

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    def summary(self) -> str:
        n = len(self.rows)
        solved = sum(row.solver_reward == 1.0 for row in self.rows)
        noop = sum(row.noop_reward is not None and row.noop_reward <= 0 for row in self.rows)
        return f"{solved}/{n} solver runs earn reward 1; {noop}/{n} no-op runs earn none"


async def check_miniwob(
    browser: BrowserSession,
    base_url: str,
    *,
    tasks: Iterable[str] | None = None,
    seeds: Sequence[int] = (0, 1, 2),
) -> MiniWoBCheckReport:
    """Run every scripted solver (or those in `tasks`) and a no-op on each seed."""
    rows: list[MiniWoBCheckRow] = []
    context = await browser.new_context(base_url)
    try:
        page = await context.new_page()
        for name in tasks if tasks is not None else SOLVERS:
            task, solve = get_task(name), SOLVERS[name]
            for seed in seeds:
                row = MiniWoBCheckRow(
                    task=name, seed=seed, utterance="", solver_reward=None, noop_reward=None
                )
                try:
                    episode = await start_episode(page, task, seed, reuse_page=True)
                    row.utterance = episode.utterance
                    await solve(page, episode)
                    row.solver_reward = (await wait_for_done(page)).raw
                    await start_episode(
                        page, task, seed, time_limit_s=NOOP_TIME_LIMIT_S, reuse_page=True
                    )
                    row.noop_reward = (await wait_for_done(page, NOOP_TIME_LIMIT_S + 5)).raw
                except Exception as exc:  # a broken solver is a failed check, reported
                    row.error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                rows.append(row)
    finally:
        await context.close()
    return MiniWoBCheckReport(rows=rows)

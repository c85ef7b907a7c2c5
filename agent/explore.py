"""One exploration run, policy-free: the policy proposes, each proposal is attempted
(practise → judge → induce → verify → store), the policy hears how it ended, until it is done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from agent.artifacts import new_run_dir, write_json
from agent.attempt import AttemptResult, attempt, outcome
from agent.browser import BrowserSession
from agent.judge import JudgeChain
from agent.models import TaskProposal
from agent.policies import make_policy
from agent.policy import Policy
from agent.target import Target, open_target
from agent.workbench import Workbench
from skills_store import SkillLibrary


class ExploreSummary(BaseModel):
    site: str
    run_dir: str
    policy: str
    attempts: list[AttemptResult] = Field(default_factory=list)
    proposals: list[TaskProposal] = Field(default_factory=list, exclude=True)  # as verified

    @property
    def verified(self) -> list[str]:
        return [a.skill for a in self.attempts if a.verified]


class Reporter:
    """Receives progress events (the CLI renders them with rich; tests ignore them)."""

    def stage(self, text: str) -> None:  # pragma: no cover - UI hook
        pass

    def attempt(self, result: AttemptResult) -> None:  # pragma: no cover - UI hook
        pass

    def total(self, n: int) -> None:  # pragma: no cover - UI hook
        pass


async def explore_target(
    target: Target,
    library: SkillLibrary,
    *,
    run_dir: Path,
    iterations: int = 3,
    max_pages: int = 30,
    reporter: Reporter | None = None,
    browser: BrowserSession | None = None,
    policy: Policy | None = None,
    judge: JudgeChain | None = None,
) -> ExploreSummary:
    """Explore an opened target with `policy` (default: heuristic) and store verified skills."""
    reporter = reporter or Reporter()
    policy = policy or make_policy("heuristic", iterations=iterations, max_pages=max_pages)
    summary = ExploreSummary(site=target.name, run_dir=str(run_dir), policy=policy.name)
    own_browser = browser is None
    session = browser or BrowserSession()
    if own_browser:
        await session.__aenter__()
    try:
        wb = Workbench(target, session, library, run_dir)
        while True:
            reporter.stage(f"{policy.name}: proposing tasks for {target.base_url}")
            proposals = await policy.propose(wb)
            if proposals is None:
                break
            reporter.total(len(proposals))
            for proposal in proposals:
                reporter.stage(f"{proposal.skill_name}: practise → verify")
                result, grounded = await attempt(wb, policy, proposal, summary.run_dir, judge)
                summary.attempts.append(result)
                if result.verified:
                    summary.proposals.append(grounded)
                reporter.attempt(result)
                write_json(wb.run_dir / "summary.json", summary)
                policy.learn(outcome(result, grounded))
    finally:
        if own_browser:
            await session.__aexit__(None, None, None)
    write_json(run_dir / "summary.json", summary)
    return summary


async def explore(
    target_name: str,
    library: SkillLibrary,
    *,
    out: Path | None = None,
    iterations: int = 3,
    max_pages: int = 30,
    theme: str = "v1",
    reporter: Reporter | None = None,
    on_target: Callable[[Target], None] | None = None,
    accounts: dict[str, str] | None = None,
    policy: Policy | None = None,
    site_name: str | None = None,
    scope: str | None = None,
) -> ExploreSummary:
    """Open `target_name` (bundled site or URL), explore it, stop the site. A URL is explored
    from its path, under its folder (`scope` widens it); `site_name` names the library module."""
    target = await open_target(
        target_name, theme=theme, accounts=accounts, site_name=site_name, scope=scope
    )
    try:
        if on_target is not None:
            on_target(target)
        run_dir = new_run_dir(out, target.name)
        return await explore_target(
            target,
            library,
            run_dir=run_dir,
            iterations=iterations,
            max_pages=max_pages,
            reporter=reporter,
            policy=policy,
        )
    finally:
        await target.close()

"""One exploration run, policy-free: the policy proposes, each proposal is attempted
(practise → judge → induce → verify → store), the policy hears how it ended, until it is done."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from agent.artifacts import new_run_dir, write_json
from agent.attempt import AttemptResult, attempt, outcome
from agent.browser import BrowserSession
from agent.errors import TargetError
from agent.judge import JudgeChain, ProgrammaticJudge
from agent.llm.budget import BudgetExhausted
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
    stopped: str | None = None  # why the run ended early (a spent budget)
    model_calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
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


def _resumed(run_dir: Path, fresh: ExploreSummary, policy: Policy) -> ExploreSummary:
    path = run_dir / "summary.json"
    if not path.exists():
        raise TargetError(f"--resume {run_dir}: no summary.json there (not a run folder)")
    old = ExploreSummary.model_validate_json(path.read_text())
    if old.site != fresh.site or old.policy != fresh.policy:
        raise TargetError(
            f"--resume {run_dir}: that run explored {old.site} with {old.policy}, "
            f"not {fresh.site} with {fresh.policy}"
        )
    load_state = getattr(policy, "load_state", None)
    if load_state is not None:
        load_state(run_dir)
    return fresh.model_copy(update={"attempts": old.attempts, "stopped": None})


async def _attempt_all(
    benches: list[Workbench],
    policy: Policy,
    proposals: list[TaskProposal],
    summary: ExploreSummary,
    reporter: Reporter,
    judge: JudgeChain | None,
) -> None:
    """Attempt a batch: in order on one workbench, or spread over several (one site instance
    each). The policy hears each outcome as it comes; a spent budget stops taking new ones."""
    queue = list(proposals)

    async def work(wb: Workbench) -> None:
        while queue and not summary.stopped:
            proposal = queue.pop(0)
            reporter.stage(f"{proposal.skill_name}: practise → verify")
            try:
                result, grounded = await attempt(wb, policy, proposal, summary.run_dir, judge)
            except BudgetExhausted as exc:
                summary.stopped = str(exc)
                return
            summary.attempts.append(result)
            if result.verified:
                summary.proposals.append(grounded)
            reporter.attempt(result)
            write_json(wb.run_dir / "summary.json", summary)
            policy.learn(outcome(result, grounded))
            save_state = getattr(policy, "save_state", None)
            if save_state is not None:
                save_state(wb.run_dir)

    await asyncio.gather(*(work(wb) for wb in benches))


def _count_usage(summary: ExploreSummary, policy: Policy) -> None:
    model = getattr(policy, "model", None)
    summary.model_calls = int(getattr(model, "calls", 0))
    summary.tokens_in = int(getattr(model, "tokens_in", 0))
    summary.tokens_out = int(getattr(model, "tokens_out", 0))


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
    resume: bool = False,
    extra_targets: list[Target] | None = None,
) -> ExploreSummary:
    """Explore an opened target with `policy` (default: heuristic) and store verified skills.
    Each of `extra_targets` (more instances of the same site) is a worker: a batch's proposals
    are attempted in parallel, one per worker, all storing into one library.
    With `resume`, `run_dir` is an interrupted run: its attempts are kept and the policy
    continues from its saved state."""
    reporter = reporter or Reporter()
    extra_targets = extra_targets or []
    policy = policy or make_policy("heuristic", iterations=iterations, max_pages=max_pages)
    summary = ExploreSummary(site=target.name, run_dir=str(run_dir), policy=policy.name)
    if resume:
        summary = _resumed(run_dir, summary, policy)
    own_browser = browser is None
    session = browser or BrowserSession()
    if own_browser:
        await session.__aenter__()
    try:
        wb = Workbench(target, session, library, run_dir)
        benches = [wb] + [
            Workbench(
                t, session, library, run_dir, checkpoint_dir=run_dir / "checkpoints" / f"w{i}"
            )
            for i, t in enumerate(extra_targets, start=1)
        ]
        extra = getattr(policy, "judges", None)
        if judge is None and extra is not None:
            judge = JudgeChain(ProgrammaticJudge(), *extra(target.name))
        while True:
            reporter.stage(f"{policy.name}: proposing tasks for {target.base_url}")
            proposals = await policy.propose(wb)
            if proposals is None:
                break
            reporter.total(len(proposals))
            await _attempt_all(benches, policy, proposals, summary, reporter, judge)
            if summary.stopped:
                break
    except BudgetExhausted as exc:
        summary.stopped = str(exc)
    except TargetError as exc:
        # a clear stop (a login that fails): what was done so far is kept, then said
        summary.stopped = str(exc)
        write_json(run_dir / "summary.json", summary)
        raise
    finally:
        _count_usage(summary, policy)
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
    resume: Path | None = None,
    workers: int = 1,
) -> ExploreSummary:
    """Open `target_name` (bundled site or URL), explore it, stop the site. A URL is explored
    from its path, under its folder (`scope` widens it); `site_name` names the library module."""
    target = await open_target(
        target_name, theme=theme, accounts=accounts, site_name=site_name, scope=scope
    )
    extra: list[Target] = []
    try:
        if workers > 1 and target.resettable:  # a bundled site: one instance per worker
            for _ in range(workers - 1):
                extra.append(await open_target(target_name, theme=theme))
        if on_target is not None:
            on_target(target)
        run_dir = resume if resume is not None else new_run_dir(out, target.name)
        return await explore_target(
            target,
            library,
            run_dir=run_dir,
            iterations=iterations,
            max_pages=max_pages,
            reporter=reporter,
            policy=policy,
            resume=resume is not None,
            extra_targets=extra,
        )
    finally:
        for other in extra:
            await other.close()
        await target.close()

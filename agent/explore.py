"""One exploration run: observe → propose → practise → judge → induce → verify → store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.artifacts import new_run_dir, redact_zip, write_json, write_text
from agent.browser import BrowserSession
from agent.dbstate import snapshot
from agent.heuristic.facts import page_facts
from agent.heuristic.practise import practise
from agent.heuristic.propose import propose
from agent.heuristic.results import result_names, results_locator
from agent.heuristic.sitemap import crawl
from agent.induce import induce
from agent.judge import judge
from agent.models import SetupCall, TaskProposal, VerificationReport
from agent.target import Target, open_target
from agent.verify import capture, rows_before, verify
from agent.workbench import SECRET_PREFIX, SetupError, Workbench
from skills_store import Provenance, SkillLibrary, TestRecord

Stage = Literal["crawl", "propose", "practise", "judge", "induce", "verify", "store"]


class AttemptResult(BaseModel):
    proposal_id: str
    skill: str
    verified: bool
    stage: str
    reason: str = ""
    passed_runs: int = 0
    total_runs: int = 0
    result_pattern: str | None = None


class ExploreSummary(BaseModel):
    site: str
    run_dir: str
    policy: str
    attempts: list[AttemptResult] = Field(default_factory=list)

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


def _secret_params(proposal: TaskProposal) -> set[str]:
    return {p.name for p in proposal.params if p.role == "secret"}


def _redact(proposal: TaskProposal, inputs: dict[str, Any]) -> dict[str, Any]:
    secret = _secret_params(proposal)
    return {k: ("[secret]" if k in secret else v) for k, v in inputs.items()}


def _redacted_proposal(proposal: TaskProposal) -> TaskProposal:
    """The proposal as written to the run folder: credentials replaced by "[secret]"."""
    plan = dict(proposal.plan)
    for key in ("inputs", "negatives"):
        plan[key] = [_redact(proposal, row) for row in plan.get(key, [])]
    return proposal.model_copy(update={"plan": plan})


async def probe_entities(wb: Workbench, proposal: TaskProposal) -> TaskProposal:
    """Keep test entities whose page really shows the form (e.g. not already reviewed)."""
    entity = proposal.plan["entity"]
    candidates: dict[str, str] = entity.get("candidates", {})
    keep: list[str] = []
    context, page = await wb.fresh_page(proposal.setup)
    try:
        for name, path in candidates.items():
            await page.goto(path)
            facts = await page_facts(page)
            if any(f.matches(proposal.plan["key"]) for f in facts.forms):
                keep.append(name)
            if len(keep) == len(proposal.plan["inputs"]):
                break
    finally:
        await wb.close(context)
    if len(keep) < len(proposal.plan["inputs"]):
        return proposal
    plan = dict(proposal.plan)
    plan["inputs"] = [
        dict(row, **{entity["param"]: keep[i]}) for i, row in enumerate(plan["inputs"])
    ]
    params = [
        p.model_copy(update={"example": keep[0]}) if p.name == entity["param"] else p
        for p in proposal.params
    ]
    return proposal.model_copy(update={"plan": plan, "params": params})


async def attempt(wb: Workbench, proposal: TaskProposal, run_id: str) -> AttemptResult:
    """Practise, judge, induce, verify and (if verified) store one proposal."""
    if proposal.plan["kind"] == "entity" and proposal.plan["entity"].get("candidates"):
        try:
            proposal = await probe_entities(wb, proposal)
        except SetupError:
            pass
    folder = wb.run_dir / "attempts" / proposal.id
    write_json(folder / "proposal.json", _redacted_proposal(proposal))
    result = AttemptResult(
        proposal_id=proposal.id, skill=proposal.skill_name, verified=False, stage="practise"
    )
    inputs = proposal.plan.get("inputs", [{}])[0] if proposal.plan.get("inputs") else {}
    try:
        context, page = await wb.fresh_page(proposal.setup, trace=True)
    except SetupError as exc:
        result.reason = str(exc)
        return result
    try:
        rows = await rows_before(page, proposal)
        before = snapshot(wb.target.db_path) if wb.target.db_path is not None else None
        trajectory = await practise(proposal, inputs, page, wb.skills())
        returned: Any = None
        results_expr: str | None = None
        if proposal.plan.get("returns") == "results" and trajectory.error is None:
            pattern, names = result_names(await page_facts(page))
            returned = names
            result.result_pattern = pattern
            results_expr = await results_locator(page, names)
        await page.screenshot(path=str(folder / "practise.png"))
        outcome = await capture(
            wb, page, before, returned, trajectory.error, proposal=proposal, rows=rows
        )
    finally:
        await wb.close(context, folder / "trace.zip")
        secrets = [str(v) for k, v in inputs.items() if k in _secret_params(proposal)]
        redact_zip(folder / "trace.zip", secrets)
    trajectory.inputs = _redact(proposal, trajectory.inputs)
    for rec in trajectory.actions:
        if rec.param in _secret_params(proposal):
            rec.value = "[secret]"
    trajectory.answer = returned
    trajectory.alerts = outcome.facts.alerts if outcome.facts else []
    trajectory.statuses = outcome.facts.statuses if outcome.facts else []
    write_json(folder / "trajectory.json", trajectory)
    verdict = judge(proposal, inputs, outcome)
    write_json(folder / "verdict.json", verdict)
    if not verdict.success:
        result.stage, result.reason = "judge", "; ".join(verdict.reasons)
        return result
    if proposal.plan.get("returns") == "results" and results_expr is None:
        result.stage, result.reason = "induce", "no semantic locator lists exactly the results"
        return result
    trajectory.inputs = inputs  # the real values, for parameterising the recorded locators
    candidate = induce(proposal, trajectory, site=wb.site, results_expr=results_expr)
    write_text(folder / "candidate.py", candidate.code)
    result.stage = "verify"
    report: VerificationReport = await verify(wb, candidate, proposal)
    redacted = report.model_copy(
        update={
            "runs": [
                r.model_copy(update={"inputs": _redact(proposal, r.inputs)}) for r in report.runs
            ]
        }
    )
    write_json(folder / "verification.json", redacted)
    result.total_runs = len(report.runs)
    result.passed_runs = sum(r.passed for r in report.runs)
    if not report.passed:
        failed = next((r for r in report.runs if not r.passed), None)
        result.reason = failed.checked if failed else "fewer than 3 distinct test inputs"
        return result
    records = [
        TestRecord(
            skill=candidate.name,
            version=0,
            inputs=r.inputs,
            passed=r.passed,
            error=r.error,
            duration_s=r.duration_s,
            checked=r.checked,
            run_id=run_id,
        )
        for r in redacted.runs
    ]
    wb.library.add(
        candidate.code,
        wb.site,
        status="verified",
        tests=records,
        provenance=Provenance(
            run_id=run_id,
            policy="heuristic",
            source_task=proposal.title,
            trajectory_path=str(folder / "trajectory.json"),
        ),
    )
    result.verified, result.stage = True, "store"
    return result


async def _round(
    wb: Workbench,
    summary: ExploreSummary,
    reporter: Reporter,
    setup: list[SetupCall],
    state: dict[str, Any],
    max_pages: int,
) -> None:
    reporter.stage(f"crawling {wb.target.base_url} ({len(setup)} setup calls)")
    context, page = await wb.fresh_page(setup)
    try:
        sitemap = await crawl(page, "/", max_pages=max_pages)
    finally:
        await wb.close(context)
    n = (
        len(list((wb.run_dir / "sitemaps").glob("*.json")))
        if (wb.run_dir / "sitemaps").exists()
        else 0
    )
    write_json(wb.run_dir / "sitemaps" / f"round-{n}.json", sitemap)
    setup_key = len(setup)
    for phase in ("first", "rest"):
        known = set(state["done"]) | {s for (s, k) in state["tried"] if k == setup_key}
        proposals = propose(
            sitemap,
            accounts=wb.target.accounts,
            known=known,
            taken_names=set(state["names"]),
            setup=setup,
            search_skill=state["search"],
        )
        if phase == "first":
            proposals = [p for p in proposals if p.plan["kind"] in ("login", "search")]
        reporter.total(len(proposals))
        for proposal in proposals:
            key = _key(proposal)
            state["tried"].add((key, setup_key))
            reporter.stage(f"{proposal.skill_name}: practise → verify")
            result = await attempt(wb, proposal, summary.run_dir)
            summary.attempts.append(result)
            reporter.attempt(result)
            write_json(wb.run_dir / "summary.json", summary)
            if not result.verified:
                continue
            state["done"].add(key)
            state["names"].add(proposal.skill_name)
            state["verified"][proposal.skill_name] = proposal
            if proposal.plan["kind"] == "login" and state["login"] is None:
                user = next(iter(wb.target.accounts))
                state["login"] = SetupCall(
                    skill=proposal.skill_name,
                    args={"username": user, "password": SECRET_PREFIX + user},
                )
            if proposal.plan["kind"] == "search" and result.result_pattern:
                state["search"] = (proposal.skill_name, result.result_pattern)


def _key(proposal: TaskProposal) -> Any:
    if proposal.plan["kind"] == "open":
        return ("open", proposal.plan["entity"]["pattern"])
    sig = proposal.plan["key"]
    return (sig[0], sig[1], tuple(sig[2]))


def _state_building(state: dict[str, Any]) -> list[SetupCall]:
    """Calls of verified 'add…' entity skills (e.g. add to cart) that give later pages content."""
    calls: list[SetupCall] = []
    for name, proposal in state["verified"].items():
        if proposal.plan["kind"] == "entity" and name.startswith("add"):
            calls += [SetupCall(skill=name, args=row) for row in proposal.plan["inputs"]]
    return calls


async def explore_target(
    target: Target,
    library: SkillLibrary,
    *,
    run_dir: Path,
    iterations: int = 3,
    max_pages: int = 30,
    reporter: Reporter | None = None,
    browser: BrowserSession | None = None,
) -> ExploreSummary:
    """Explore an opened target with the heuristic policy and store verified skills."""
    reporter = reporter or Reporter()
    summary = ExploreSummary(site=target.name, run_dir=str(run_dir), policy="heuristic")
    state: dict[str, Any] = {
        "done": set(),
        "tried": set(),
        "names": set(),
        "verified": {},
        "login": None,
        "search": None,
    }
    own_browser = browser is None
    session = browser or BrowserSession()
    if own_browser:
        await session.__aenter__()
    try:
        wb = Workbench(target, session, library, run_dir)
        setup: list[SetupCall] = []
        for i in range(iterations):
            await _round(wb, summary, reporter, setup, state, max_pages)
            if i == 0:
                if state["login"] is None:
                    if not target.accounts:
                        break
                    continue
                setup = [state["login"]]
            elif i == 1:
                extra = _state_building(state)
                if not extra:
                    break
                setup = [*setup, *extra]
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
) -> ExploreSummary:
    """Open `target_name` (bundled site or URL), explore it, stop the site."""
    target = await open_target(target_name, theme=theme, accounts=accounts)
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
        )
    finally:
        await target.close()

"""One proposal, policy-free: practise → judge → induce → verify → (hone) → store."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agent.artifacts import redact_zip, write_json, write_text
from agent.dbstate import snapshot
from agent.drift import contract_of
from agent.induce import induce
from agent.judge import JudgeChain, ground
from agent.models import TaskProposal, VerificationReport
from agent.policy import AttemptOutcome, Policy
from agent.postconditions import RowEffect
from agent.probe import CURRENT_PAGE, BrowserProbe
from agent.verify import gather, redacted_inputs, verify
from agent.workbench import SetupError, Workbench, resolve_args
from skills_store import Provenance, TestRecord

HONE_ROUNDS = 2


class AttemptResult(BaseModel):
    proposal_id: str
    skill: str
    verified: bool
    stage: str
    reason: str = ""
    passed_runs: int = 0
    total_runs: int = 0


def _secret_params(proposal: TaskProposal) -> set[str]:
    return {p.name for p in proposal.params if p.role == "secret"}


def redacted_proposal(proposal: TaskProposal) -> TaskProposal:
    """The proposal as written to the run folder: generated secrets replaced by "[secret]"
    (account passwords are placeholders already)."""
    cases = [
        c.model_copy(update={"inputs": redacted_inputs(proposal, c.inputs)})
        for c in proposal.test_cases
    ]
    return proposal.model_copy(update={"test_cases": cases})


def _with_readback(proposal: TaskProposal, pages: list[str]) -> TaskProposal:
    if not pages:
        return proposal
    pcs = [
        pc.model_copy(update={"readback": list(dict.fromkeys([*pages, *pc.readback]))})
        if isinstance(pc, RowEffect)
        else pc
        for pc in proposal.postconditions
    ]
    return proposal.model_copy(update={"postconditions": pcs})


async def _read_rows(
    wb: Workbench, proposal: TaskProposal, probe: BrowserProbe, inputs: dict[str, Any]
) -> dict[str, list[str] | None]:
    """Without a database, the read-back pages' rows for the task's item before it runs (a
    page that already shows such a row does not show the run's effect)."""
    if wb.target.db_path is not None:
        return {}
    out: dict[str, list[str] | None] = {}
    for pc in proposal.postconditions:
        if not isinstance(pc, RowEffect) or not pc.params or pc.table is not None:
            continue
        key = inputs.get(pc.params[0])
        if key is None:
            continue
        for url in pc.readback:
            if url not in out:
                try:
                    out[url] = await probe.row_values(url, str(key))
                except Exception:  # a page that fails to load shows nothing
                    out[url] = None
    return out


async def attempt(
    wb: Workbench,
    policy: Policy,
    proposal: TaskProposal,
    run_id: str,
    judge: JudgeChain | None = None,
) -> tuple[AttemptResult, TaskProposal]:
    """Practise, judge, induce, verify and (if verified) store one proposal. Returns the result
    and the proposal as grounded by the practise run (what verification used)."""
    judge = judge or JudgeChain()
    try:
        proposal = await policy.prepare(wb, proposal)
    except SetupError:
        pass
    folder = wb.run_dir / "attempts" / proposal.id
    write_json(folder / "proposal.json", redacted_proposal(proposal))
    result = AttemptResult(
        proposal_id=proposal.id, skill=proposal.skill_name, verified=False, stage="practise"
    )
    positives = proposal.positives()
    inputs: dict[str, Any] = dict(positives[0].inputs) if positives else {}
    secrets: list[str] = []
    try:
        resolved = resolve_args(inputs, wb.target.accounts)
        secrets = [str(v) for k, v in resolved.items() if k in _secret_params(proposal)]
        context, page = await wb.fresh_page(proposal.setup, trace=True)
    except SetupError as exc:
        result.reason = str(exc)
        return result, proposal
    try:
        before = snapshot(wb.target.db_path) if wb.target.db_path is not None else None
        rows_before = await _read_rows(wb, proposal, BrowserProbe(wb, context, page), resolved)
        practice = await policy.practise(wb, proposal, page, resolved)
        trajectory = practice.trajectory
        await page.screenshot(path=str(folder / "practise.png"))
        ev, path = await gather(
            wb, page, proposal, resolved, before, practice.returned, trajectory.error
        )
        ev.rows_before = rows_before
        probe = BrowserProbe(wb, context, page)
        pages = [path.split("#")[0], *practice.readback]
        if wb.target.db_path is None:  # live: each test's own item is where its skill ends
            pages.insert(0, CURRENT_PAGE)
        proposal = _with_readback(proposal, pages)
        grounded, notes = await ground(proposal, ev, probe)
        proposal = proposal.model_copy(update={"postconditions": grounded})
        verdict = await judge.judge(proposal, ev, probe, path)
        if notes:
            verdict.reasons += [f"grounding: {n}" for n in notes]
    finally:
        await wb.close(context, folder / "trace.zip")
        redact_zip(folder / "trace.zip", secrets)
    trajectory.inputs = redacted_inputs(proposal, inputs)
    for rec in trajectory.actions:
        if rec.param in _secret_params(proposal):
            rec.value = "[secret]"
    trajectory.answer = practice.returned
    trajectory.alerts = ev.alerts
    write_json(folder / "trajectory.json", trajectory)
    write_json(folder / "verdict.json", verdict)
    write_json(folder / "proposal.json", redacted_proposal(proposal))
    if not verdict.success:
        result.stage, result.reason = "judge", "; ".join(verdict.reasons)
        return result, proposal
    if proposal.returns and practice.extraction is None:
        result.stage, result.reason = "induce", "no semantic locator reads exactly the results"
        return result, proposal
    proposal = policy.name_skill(proposal, practice)
    trajectory.inputs = resolved  # the real values, for parameterising the recorded locators
    candidate = induce(proposal, trajectory, site=wb.site, results_expr=practice.extraction)
    trajectory.inputs = redacted_inputs(proposal, inputs)
    write_text(folder / "candidate.py", candidate.code)
    result.stage = "verify"
    report: VerificationReport = await verify(wb, candidate, proposal, judge)
    for round_no in range(HONE_ROUNDS):
        if report.passed:
            break
        repaired = await policy.repair(wb, candidate, report)
        if repaired is None:
            break
        write_text(folder / f"candidate.hone{round_no + 1}.py", repaired.code)
        candidate = repaired
        report = await verify(wb, candidate, proposal, judge)
    redacted = report.model_copy(
        update={
            "runs": [
                r.model_copy(update={"inputs": redacted_inputs(proposal, r.inputs)})
                for r in report.runs
            ]
        }
    )
    write_json(folder / "verification.json", redacted)
    result.total_runs = len(report.runs)
    result.passed_runs = sum(r.passed for r in report.runs)
    if not report.passed:
        result.reason = report.failure
        return result, proposal
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
            policy=policy.name,
            source_task=proposal.title,
            trajectory_path=str(folder / "trajectory.json"),
        ),
        contract=contract_of(proposal),  # what `skillwright skills verify` checks it against
    )
    result.verified, result.stage = True, "store"
    return result, proposal


def outcome(result: AttemptResult, proposal: TaskProposal) -> AttemptOutcome:
    return AttemptOutcome(
        proposal=proposal, verified=result.verified, stage=result.stage, reason=result.reason
    )

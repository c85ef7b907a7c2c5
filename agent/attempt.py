"""One proposal, policy-free: practise → judge → induce → verify → (hone) → store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent.artifacts import redact_zip, write_json, write_text
from agent.dbstate import snapshot
from agent.drift import contract_of
from agent.induce import induce
from agent.judge import JudgeChain, ground
from agent.models import CandidateSkill, TaskProposal, Trajectory, VerificationReport
from agent.policy import AttemptOutcome, Policy
from agent.postconditions import ResultsMatchListing, RowEffect
from agent.probe import CURRENT_PAGE, BrowserProbe
from agent.promote import url_form, url_template
from agent.verify import gather, made_anew, redacted_inputs, verify
from agent.workbench import SetupError, Workbench, resolve_args
from skills_store import Provenance, TestRecord
from skills_store.models import SkillStatus

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
    params = [
        p.model_copy(update={"example": "[secret]"})
        if p.role == "secret" and p.example is not None
        else p
        for p in proposal.params
    ]
    return proposal.model_copy(update={"test_cases": cases, "params": params})


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


TRIAL_SUFFIX = " (trial)"


def trial_inputs(proposal: TaskProposal, inputs: dict[str, Any]) -> dict[str, Any]:
    """The practice's inputs on a live site, where nothing is reset between runs: a task that
    makes something practises with free texts its tests never use ("Skillwright check 1: save
    draft (trial)"), or its first test meets the item the practice made, and a site that keeps
    names or slugs unique refuses it."""
    return made_anew(proposal, inputs, TRIAL_SUFFIX)


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
    result = AttemptResult(
        proposal_id=proposal.id, skill=proposal.skill_name, verified=False, stage="practise"
    )
    try:
        proposal = await policy.prepare(wb, proposal)
    except SetupError as exc:
        write_json(
            wb.run_dir / "attempts" / proposal.id / "proposal.json", redacted_proposal(proposal)
        )
        result.reason = f"setup: {exc}"
        return result, proposal
    folder = wb.run_dir / "attempts" / proposal.id
    write_json(folder / "proposal.json", redacted_proposal(proposal))
    positives = proposal.positives()
    inputs: dict[str, Any] = dict(positives[0].inputs) if positives else {}
    if wb.target.db_path is None:
        inputs = trial_inputs(proposal, inputs)
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
        proposal = _with_choices(proposal, practice.choices)
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
        grounded, notes = await ground(proposal, ev, probe, path)
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
    try:
        candidate = induce(proposal, trajectory, site=wb.site, results_expr=practice.extraction)
    except (SyntaxError, ValueError, AssertionError) as exc:  # one attempt fails, not the run
        result.stage, result.reason = "induce", f"could not induce code: {exc}"
        return result, proposal
    trajectory.inputs = redacted_inputs(proposal, inputs)
    write_text(folder / "candidate.py", candidate.code)
    result.stage = "verify"
    report: VerificationReport = await verify(wb, candidate, proposal, judge)
    for round_no in range(HONE_ROUNDS):
        if report.passed or report.unfixable:
            break  # passed, or failed for a reason in the proposal that no repair can fix
        repaired = await policy.repair(wb, candidate, report)
        if repaired is None or repaired.code.strip() == candidate.code.strip():
            break  # nothing new to verify
        write_text(folder / f"candidate.hone{round_no + 1}.py", repaired.code)
        candidate = repaired
        report = await verify(wb, candidate, proposal, judge)
    redacted = _redacted(report, proposal)
    write_json(folder / "verification.json", redacted)
    result.total_runs = len(report.runs)
    result.passed_runs = sum(r.passed for r in report.runs)
    if not report.passed:
        result.reason = report.failure
        # kept with its evidence, never loaded as a skill (the module holds verified ones only)
        _store(wb, candidate, redacted, proposal, policy, run_id, folder, "failing")
        return result, proposal
    candidate, report = await _promote(wb, candidate, report, proposal, trajectory, resolved, judge)
    redacted = _redacted(report, proposal)
    confirm = getattr(policy, "confirm", None)
    if confirm is not None:
        why = await confirm(wb, proposal, candidate)
        if why:
            result.stage, result.reason = "confirm", why
            _store(wb, candidate, redacted, proposal, policy, run_id, folder, "candidate")
            return result, proposal
    _store(wb, candidate, redacted, proposal, policy, run_id, folder, "verified")
    result.verified, result.stage = True, "store"
    return result, proposal


def _with_choices(proposal: TaskProposal, choices: dict[str, dict[str, str]]) -> TaskProposal:
    """Options the practise run found for parameters chosen in a <select> (label -> value)."""
    if not choices:
        return proposal
    params = [
        p.model_copy(update={"choice_values": {**choices[p.name], **p.choice_values}})
        if p.name in choices
        else p
        for p in proposal.params
    ]
    pcs = [
        pc.model_copy(update={"values": {**choices, **pc.values}})
        if isinstance(pc, ResultsMatchListing)
        else pc
        for pc in proposal.postconditions
    ]
    return proposal.model_copy(update={"params": params, "postconditions": pcs})


def _redacted(report: VerificationReport, proposal: TaskProposal) -> VerificationReport:
    return report.model_copy(
        update={
            "runs": [
                r.model_copy(update={"inputs": redacted_inputs(proposal, r.inputs)})
                for r in report.runs
            ]
        }
    )


def _duration(report: VerificationReport) -> float:
    return sum(r.duration_s for r in report.runs)


async def _promote(
    wb: Workbench,
    candidate: CandidateSkill,
    report: VerificationReport,
    proposal: TaskProposal,
    trajectory: Trajectory,
    inputs: dict[str, Any],
    judge: JudgeChain,
) -> tuple[CandidateSkill, VerificationReport]:
    """URL promotion: the direct-address form of a GET-query skill, kept if it passes (see
    `agent.promote`)."""
    if proposal.kind == "procedural":
        return candidate, report
    template = url_template(proposal, trajectory.final_url, inputs)
    direct = url_form(candidate, template) if template else None
    if direct is None:
        return candidate, report
    folder = wb.run_dir / "attempts" / proposal.id
    write_text(folder / "candidate.url.py", direct.code)
    direct_report = await verify(wb, direct, proposal, judge)
    write_json(folder / "verification.url.json", _redacted(direct_report, proposal))
    # kept when it passes: one navigation instead of the form's actions is faster by
    # construction, and a choice by measured time would make the library differ run to run
    write_json(
        folder / "promotion.json",
        {
            "passed": direct_report.passed,
            "ui_seconds": round(_duration(report), 3),
            "url_seconds": round(_duration(direct_report), 3),
        },
    )
    if direct_report.passed:
        return direct, direct_report
    return candidate, report


def _store(
    wb: Workbench,
    candidate: CandidateSkill,
    redacted: VerificationReport,
    proposal: TaskProposal,
    policy: Policy,
    run_id: str,
    folder: Path,
    status: SkillStatus,
) -> None:
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
    try:
        wb.library.add(
            candidate.code,
            wb.site,
            status=status,
            tests=records,
            provenance=Provenance(
                run_id=run_id,
                policy=policy.name,  # type: ignore[arg-type]
                source_task=proposal.title,
                trajectory_path=str(folder / "trajectory.json"),
                model=getattr(getattr(policy, "model", None), "name", None),
                form="url" if "form: url" in candidate.flags else "ui",
            ),
            contract=contract_of(proposal),  # what `skillwright skills verify` checks it against
        )
    except Exception as exc:  # a failing candidate the library refuses is only not kept
        if status == "verified":
            raise
        write_text(folder / "not_stored.txt", f"{type(exc).__name__}: {exc}")


def outcome(result: AttemptResult, proposal: TaskProposal) -> AttemptOutcome:
    return AttemptOutcome(
        proposal=proposal, verified=result.verified, stage=result.stage, reason=result.reason
    )

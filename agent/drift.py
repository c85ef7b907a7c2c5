"""Drift check: verify a library's skills again against the live site, mark the broken ones
failing, and (optionally) re-ground them into new verified versions.

A skill stored by `attempt()` carries its *contract*: the grounded `TaskProposal` it was
verified against (test cases, typed post-conditions, setup), with generated secrets redacted
and credentials as `$account:USER` placeholders. The check rebuilds that proposal and runs the
real `verify()` on the stored code, in fresh contexts against the reset site. Versions stored
without a contract (older libraries) are re-run on their recorded test inputs and checked only
for "no error" (a weaker check, reported as such).
"""

from __future__ import annotations

import ast
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.models import CandidateSkill, ParamSpec, TaskProposal, TestCase, VerificationReport
from agent.verify import redacted_inputs
from agent.workbench import SECRET_PREFIX, Workbench
from skills_store import Provenance, Skill, SkillLibrary, TestRecord
from skills_store.models import utc_now

CONTRACT_KIND = "task_proposal"
CONTRACT_FORMAT = 1
REDACTED = "[secret]"
REPAIR_ROUNDS = 2

Repairer = Callable[
    [Workbench, CandidateSkill, VerificationReport], Awaitable[CandidateSkill | None]
]


# ---------------------------------------------------------------- contracts


def contract_of(proposal: TaskProposal) -> dict[str, Any]:
    """What the library keeps of the proposal a skill was verified against: everything the
    generic verification reads (not the policy's private plan); generated secrets become
    "[secret]", account credentials stay `$account:USER` placeholders."""
    secret = {p.name for p in proposal.params if p.role == "secret"}
    cases = [
        c.model_copy(update={"inputs": redacted_inputs(proposal, c.inputs)})
        for c in proposal.test_cases
    ]
    params = [
        p.model_copy(update={"example": _redact(p.example)}) if p.name in secret else p
        for p in proposal.params
    ]
    clean = proposal.model_copy(update={"test_cases": cases, "params": params, "plan": None})
    return {
        "kind": CONTRACT_KIND,
        "format": CONTRACT_FORMAT,
        "proposal": clean.model_dump(mode="json", exclude={"plan"}),
    }


def _redact(value: Any) -> Any:
    if value is None or (isinstance(value, str) and value.startswith(SECRET_PREFIX)):
        return value
    return REDACTED


def proposal_from(contract: dict[str, Any]) -> TaskProposal:
    """The proposal a contract holds, ready to verify with: each redacted secret becomes a fresh
    value, distinct per positive case (rejected cases reuse the first case's)."""
    if contract.get("kind") != CONTRACT_KIND or "proposal" not in contract:
        raise ValueError(f"not a skill contract: kind {contract.get('kind')!r}")
    proposal = TaskProposal.model_validate(contract["proposal"])
    secret = {p.name for p in proposal.params if p.role == "secret"}
    if not secret:
        return proposal
    cases: list[TestCase] = []
    positive = 0
    for case in proposal.test_cases:
        index = positive if case.expect == "success" else 0
        positive += case.expect == "success"
        inputs = {
            k: (f"Recheck-pass-{index + 1}-word" if k in secret and v == REDACTED else v)
            for k, v in case.inputs.items()
        }
        cases.append(case.model_copy(update={"inputs": inputs}))
    return proposal.model_copy(update={"test_cases": cases})


# ---------------------------------------------------------------- report


class SkillCheck(BaseModel):
    """How one skill fared."""

    name: str
    version: int
    was: str  # its status before the check
    outcome: Literal["passed", "failing", "repaired", "unrepaired"]
    checked_with: Literal["contract", "records"]
    runs: int = 0
    error: str = ""
    new_version: int | None = None
    notes: list[str] = Field(default_factory=list)


class DriftReport(BaseModel):
    site: str
    target: str
    theme: str | None
    checks: list[SkillCheck] = Field(default_factory=list)

    def count(self, *outcomes: str) -> int:
        return sum(1 for c in self.checks if c.outcome in outcomes)

    @property
    def flagged(self) -> int:
        """Skills found broken (later repaired or not)."""
        return self.count("failing", "repaired", "unrepaired")


# ---------------------------------------------------------------- the check


def skills_to_check(lib: SkillLibrary, site: str) -> list[Skill]:
    """Per skill, the newest version that is verified or failing (what a repair would replace),
    callees and setup skills first."""
    chosen: dict[str, Skill] = {}
    for latest in lib.list(site=site, status=None):
        kept = [v for v in lib.history(site, latest.name) if v.status in ("verified", "failing")]
        if kept:
            chosen[latest.name] = kept[-1]
    deps = {name: _depends_on(lib, skill, set(chosen)) for name, skill in chosen.items()}
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order or name in visiting:
            return
        visiting.add(name)
        for dep in sorted(deps[name]):
            visit(dep)
        order.append(name)

    for name in sorted(chosen):
        visit(name)
    return [chosen[n] for n in order]


def _depends_on(lib: SkillLibrary, skill: Skill, names: set[str]) -> set[str]:
    called = {
        n.func.id
        for n in ast.walk(ast.parse(skill.code))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    contract = lib.contract(skill.site, skill.name, version=skill.version)
    setup = {c["skill"] for c in (contract or {}).get("proposal", {}).get("setup", [])}
    return (called | setup) & names - {skill.name}


def _candidate(skill: Skill, proposal: TaskProposal, code: str | None = None) -> CandidateSkill:
    return CandidateSkill(
        site=skill.site,
        name=skill.name,
        code=code or skill.code,
        params=proposal.params,
        returns=proposal.returns,
        proposal_id=proposal.id,
    )


def _records_proposal(skill: Skill) -> TaskProposal:
    """A proposal without post-conditions from a version's recorded test inputs: the passed
    runs, each as often as it was recorded once; a run that passed by raising is a rejected
    case. Only "no error" (or the expected refusal) can be checked."""
    cases: list[TestCase] = []
    seen: list[dict[str, Any]] = []
    for record in skill.tests:
        if not record.passed or record.inputs in seen:
            continue
        seen.append(record.inputs)
        rejected = record.error is not None
        cases.append(TestCase(inputs=record.inputs, expect="rejected" if rejected else "success"))
    return TaskProposal(
        id=f"recheck-{skill.name}",
        title=skill.summary or skill.name,
        kind="procedural",
        skill_name=skill.name,
        description=skill.docstring,
        start_url="/",
        params=[ParamSpec(name=p.name) for p in skill.params],
        test_cases=cases,
        returns=skill.returns,
        differential=False,
    )


async def _check_records(
    wb: Workbench, candidate: CandidateSkill, proposal: TaskProposal
) -> VerificationReport:
    """Run each recorded input; pass when it completes (a rejected case: when it raises the
    site's refusal)."""
    from agent.verify import run_case

    report = VerificationReport(skill=candidate.name)
    for case in proposal.test_cases or [TestCase()]:
        run = await run_case(wb, candidate, proposal, case, _NoErrorJudge())
        report.runs.append(run)
        if not run.passed:
            break
    return report


class _NoErrorJudge:
    """The judge of a check without a contract: the run raised nothing."""

    async def judge(self, proposal: Any, ev: Any, probe: Any, path: str) -> Any:
        from agent.models import Verdict

        if ev.error:
            return Verdict(success=False, reasons=[f"error: {ev.error}"])
        return Verdict(success=True, reasons=["completed without error (no stored contract)"])


async def check_site(
    wb: Workbench,
    *,
    theme: str | None,
    repair: bool = False,
    repairer: Repairer | None = None,
    run_id: str | None = None,
    on_check: Callable[[SkillCheck], None] | None = None,
) -> DriftReport:
    """Verify every verified (or failing) skill of `wb.site` again on `wb.target`; record the
    runs, mark broken skills failing (a failing one that passes is verified again), and with
    `repair` store a re-grounded new version of each broken skill that passes verification."""
    from agent.judge import JudgeChain
    from agent.verify import verify

    lib, site = wb.library, wb.site
    run_id = run_id or f"verify-{utc_now().strftime('%Y%m%dT%H%M%S')}"
    judge = JudgeChain()
    report = DriftReport(site=site, target=_where(wb), theme=theme)
    order = skills_to_check(lib, site)
    names = {s.name for s in order}

    def deps_failing(skill: Skill) -> set[str]:
        verified = {s.name for s in lib.module_skills(site)}
        return _depends_on(lib, skill, names) - verified

    for skill in order:
        contract = lib.contract(site, skill.name, version=skill.version)
        proposal = proposal_from(contract) if contract else _records_proposal(skill)
        candidate = _candidate(skill, proposal)
        if contract:
            result = await verify(wb, candidate, proposal, judge)
        else:
            result = await _check_records(wb, candidate, proposal)
        check = SkillCheck(
            name=skill.name,
            version=skill.version,
            was=skill.status,
            outcome="passed" if result.passed else "failing",
            checked_with="contract" if contract else "records",
            runs=len(result.runs),
            error="" if result.passed else _failure(result),
        )
        broken = sorted(deps_failing(skill))
        if broken:
            verb = "is" if len(broken) == 1 else "are"
            check.notes.append(f"uses {', '.join(broken)}, which {verb} not verified now")
        lib.record_tests(
            site, skill.name, _records(result, proposal, run_id, theme), version=skill.version
        )
        if result.passed and skill.status != "verified":
            lib.set_status(site, skill.name, "verified", version=skill.version)
        elif not result.passed and skill.status == "verified":
            lib.set_status(site, skill.name, "failing", version=skill.version)
        if not result.passed and repair:
            await _repair(
                wb, skill, proposal, contract, result, check, judge, run_id, theme, repairer
            )
        report.checks.append(check)
        if on_check is not None:
            on_check(check)
    return report


async def _repair(
    wb: Workbench,
    skill: Skill,
    proposal: TaskProposal,
    contract: dict[str, Any] | None,
    result: VerificationReport,
    check: SkillCheck,
    judge: Any,
    run_id: str,
    theme: str | None,
    repairer: Repairer | None,
) -> None:
    """Re-ground the skill from the current pages (then the model's repair, if any), verify
    the new code like any candidate, and store it as a new verified version only if it passes."""
    from agent.reground import reground
    from agent.verify import verify
    from agent.workbench import SetupError

    check.outcome = "unrepaired"
    code = skill.code
    for _ in range(REPAIR_ROUNDS):
        failed = next((r for r in result.runs if not r.passed), None)
        case = None
        if failed is not None and not failed.expect_failure:
            case = TestCase(inputs=dict(failed.inputs), note=failed.note)
        try:
            fixed = await reground(wb, skill.name, code, proposal, case)
        except SetupError as exc:
            check.notes.append(f"cannot re-ground: {exc}")
            fixed = None
        if fixed is not None:
            check.notes += fixed.notes
            if fixed.proposal is not None and contract is not None:
                proposal = fixed.proposal  # a renamed route: the contract follows the site
                contract = contract_of(proposal)
        new_code = fixed.code if fixed is not None else None
        if new_code is None and repairer is not None:
            by_model = await repairer(wb, _candidate(skill, proposal, code), result)
            new_code = by_model.code if by_model is not None else None
            if new_code is not None:
                check.notes.append("repaired by the model's repair loop")
        if new_code is None:
            return
        code = new_code
        candidate = _candidate(skill, proposal, code)
        result = await (
            verify(wb, candidate, proposal, judge)
            if contract
            else _check_records(wb, candidate, proposal)
        )
        if result.passed:
            break
        check.notes.append(f"re-grounded code failed verification: {_failure(result)}")
    if not result.passed:
        check.error = _failure(result)
        return
    stored = wb.library.add(
        code,
        skill.site,
        status="verified",
        tests=_records(result, proposal, run_id, theme),
        provenance=Provenance(
            run_id=run_id,
            policy="heuristic",
            source_task=f"re-grounded from v{skill.version} on {_where(wb)}"
            + (f" (theme {theme})" if theme else ""),
            trajectory_path=skill.provenance.trajectory_path if skill.provenance else None,
        ),
        contract=contract,
    )
    check.outcome, check.new_version = "repaired", stored.version
    if stored.version == skill.version:
        check.notes.append("same code, re-grounded contract: no new version")


def _where(wb: Workbench) -> str:
    """The target as users name it: a bundled site's name, else its URL."""
    return wb.target.name if wb.target.resettable else wb.target.base_url


def _failure(report: VerificationReport) -> str:
    """Why a verification failed, with the error of the failing run."""
    failed = next((r for r in report.runs if not r.passed), None)
    if failed is None:
        return report.failure
    if failed.error and failed.error not in failed.checked:
        return f"{failed.checked}: {failed.error}" if failed.checked else failed.error
    return failed.checked


def _records(
    result: VerificationReport, proposal: TaskProposal, run_id: str, theme: str | None
) -> list[TestRecord]:
    return [
        TestRecord(
            skill=result.skill,
            inputs=redacted_inputs(proposal, r.inputs),
            passed=r.passed,
            error=r.error,
            duration_s=r.duration_s,
            checked=r.checked,
            run_id=run_id,
            theme=theme,
        )
        for r in result.runs
    ]


async def verify_library(
    lib: SkillLibrary,
    site: str,
    target: str,
    *,
    theme: str | None = None,
    repair: bool = False,
    repairer: Repairer | None = None,
    out: Path | None = None,
    on_check: Callable[[SkillCheck], None] | None = None,
) -> DriftReport:
    """Open `target` (a bundled site name, with `theme`, or a URL) as the library's `site` and
    run `check_site` on it; the site is stopped afterwards."""
    from agent.browser import BrowserSession
    from agent.target import open_target

    opened = await open_target(target, theme=theme or "v1", site_name=site)
    try:
        with tempfile.TemporaryDirectory(prefix="skillwright-verify-") as scratch:
            run_dir = out or Path(scratch)
            run_dir.mkdir(parents=True, exist_ok=True)
            async with BrowserSession() as browser:
                wb = Workbench(opened, browser, lib, run_dir)
                return await check_site(
                    wb, theme=theme, repair=repair, repairer=repairer, on_check=on_check
                )
    finally:
        await opened.close()

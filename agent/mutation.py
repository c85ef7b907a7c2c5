"""Measure verification strength: run faulty variants of stored skills through `verify` with
the proposals that verified them; every non-equivalent mutant must be rejected."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agent.models import CandidateSkill, TaskProposal
from agent.mutants import Mutant, make_mutants
from agent.verify import verify
from agent.workbench import Workbench


class MutantResult(BaseModel):
    skill: str
    kind: str
    step: str
    description: str
    killed: bool
    reason: str = ""
    equivalent: str | None = None  # why a surviving mutant cannot be told apart


class MutationReport(BaseModel):
    site: str
    results: list[MutantResult] = Field(default_factory=list)

    @property
    def non_equivalent(self) -> list[MutantResult]:
        return [r for r in self.results if r.equivalent is None]

    @property
    def survivors(self) -> list[MutantResult]:
        return [r for r in self.non_equivalent if not r.killed]

    @property
    def score(self) -> float:
        n = len(self.non_equivalent)
        return 1.0 if n == 0 else sum(r.killed for r in self.non_equivalent) / n


def equivalence(mutant: Mutant, proposal: TaskProposal) -> str | None:
    """Why a mutant behaves like the original on every input its tests can give (None: it
    must be killed). Decided before running it."""
    if mutant.step == "wait":
        return "drops a wait for the page to settle; the next step waits by itself"
    if mutant.step != "error_check":
        return None
    notes = [c.note for c in proposal.test_cases if c.expect == "rejected"]
    browser = any(n.startswith("the browser must refuse") for n in notes)
    site = any(n.startswith("the site must refuse") for n in notes)
    text = f"{mutant.target} {mutant.description}"
    if "refused" in text and not browser:
        return "changes only the browser-refusal path, and no form field is required"
    if "problems" in text and not site:
        return "changes only the site-error path, and no input the site refuses was found"
    return None


def examples(proposal: TaskProposal) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for case in proposal.positives():
        for k, v in case.inputs.items():
            if v is not None and v not in out.setdefault(k, []):
                out[k].append(v)
    return out


async def mutation_report(
    wb: Workbench,
    proposals: list[TaskProposal],
    *,
    only: Callable[[Mutant], bool] | None = None,
    on_result: Callable[[MutantResult], None] | None = None,
) -> MutationReport:
    """Mutate each verified skill of `wb.site` that has a proposal, verify every mutant."""
    report = MutationReport(site=wb.site)
    stored = {s.name: s for s in wb.library.list(site=wb.site, status="verified")}
    for proposal in proposals:
        skill = stored.get(proposal.skill_name)
        if skill is None:
            continue
        allowed = set(stored) - {skill.name}
        for mutant in make_mutants(skill.code, skill.name, examples(proposal), allowed):
            if only is not None and not only(mutant):
                continue
            why = equivalence(mutant, proposal)
            killed, reason = False, ""
            if why is None:  # equivalent mutants are listed, not run
                candidate = CandidateSkill(
                    site=wb.site, name=skill.name, code=mutant.code, proposal_id=proposal.id
                )
                verification = await verify(wb, candidate, proposal)
                killed = not verification.passed
                reason = verification.failure[:300] if killed else ""
            result = MutantResult(
                skill=skill.name,
                kind=mutant.kind,
                step=mutant.step,
                description=mutant.description,
                killed=killed,
                reason=reason,
                equivalent=why,
            )
            report.results.append(result)
            if on_result is not None:
                on_result(result)
    return report


def load_proposals(run_dir: Path, verified: set[str]) -> list[TaskProposal]:
    """The grounded proposals of a run's verified skills, from its run folder. Generated
    secrets were redacted there; each test case gets a fresh one (any value works: the
    case registers the account it then logs in with)."""
    summary = json.loads((run_dir / "summary.json").read_text())
    out: list[TaskProposal] = []
    for attempt in summary["attempts"]:
        if not attempt["verified"] or attempt["skill"] not in verified:
            continue
        data = json.loads(
            (run_dir / "attempts" / attempt["proposal_id"] / "proposal.json").read_text()
        )
        data["plan"] = None
        for case in data["test_cases"]:
            token = secrets.token_hex(4)
            case["inputs"] = {
                k: (f"Sw-{token}-pass" if v == "[secret]" else v) for k, v in case["inputs"].items()
            }
        out.append(TaskProposal.model_validate(data))
    return out

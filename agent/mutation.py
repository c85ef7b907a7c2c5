"""Measure verification strength: run faulty variants of stored skills through `verify` with
the proposals that verified them; every non-equivalent mutant must be rejected."""

from __future__ import annotations

import ast
import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agent.models import CandidateSkill, TaskProposal
from agent.mutants import Mutant, make_mutants
from agent.side_by_side import told_apart
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
    if _is_presence_guard(mutant.target):
        if not _names_a_missing_item(proposal):
            return (
                "drops a check that an element is there: only the error for a missing element "
                "changes (a timeout instead of RuntimeError), and no test input names a "
                "missing item"
            )
        if not _mentions(mutant.target, _entities(proposal)) and _item_guarded(mutant, proposal):
            return (
                "drops a check that an element is there; a missing item is still reported by "
                "the skill's own check for the item"
            )
    notes = [c.note for c in proposal.test_cases if c.expect == "rejected"]
    browser = any(n.startswith("the browser must refuse") for n in notes)
    site = any(n.startswith("the site must refuse") for n in notes)
    text = f"{mutant.target} {mutant.description}"
    if "refused" in text and not browser:
        return "changes only the browser-refusal path, and no form field is required"
    if "problems" in text and not site:
        return "changes only the site-error path, and no input the site refuses was found"
    return None


def _is_presence_guard(source: str) -> bool:
    """`if await <locator>.count() == 0: raise RuntimeError(...)`: the skill says an element is
    missing instead of waiting for it until the step times out."""
    try:
        stmt = ast.parse(source).body[0]
    except (SyntaxError, IndexError):
        return False
    if not (isinstance(stmt, ast.If) and stmt.body and isinstance(stmt.body[-1], ast.Raise)):
        return False
    test = stmt.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Await)
        and isinstance(test.left.value, ast.Call)
        and isinstance(test.left.value.func, ast.Attribute)
        and test.left.value.func.attr == "count"
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == 0
    )


def _entities(proposal: TaskProposal) -> set[str]:
    return {p.name for p in proposal.params if p.role == "entity"}


def _mentions(source: str, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(ast.parse(source)))


def _item_guarded(mutant: Mutant, proposal: TaskProposal) -> bool:
    """The mutated skill still has a presence guard whose error names an entity parameter
    (`raise RuntimeError(f'no product named {product!r}')`)."""
    fn = ast.parse(mutant.code).body[0]
    return any(
        isinstance(stmt, ast.If)
        and _is_presence_guard(ast.unparse(stmt))
        and _mentions(ast.unparse(stmt.body[-1]), _entities(proposal))
        for stmt in ast.walk(fn)
    )


def _names_a_missing_item(proposal: TaskProposal) -> bool:
    """A rejected case that names an item no passing case names (an unknown product, issue
    number...): the one input for which a presence guard decides the outcome."""
    entities = _entities(proposal)
    known = {(n, repr(c.inputs.get(n))) for c in proposal.positives() for n in entities}
    return any(
        (n, repr(c.inputs.get(n))) not in known
        for c in proposal.test_cases
        if c.expect == "rejected"
        for n in entities
    )


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
    side_by_side: bool = True,
) -> MutationReport:
    """Mutate each verified skill of `wb.site` that has a proposal, verify every mutant.

    A mutant that verification accepts is, with `side_by_side`, run beside the original in
    situations verification does not try (`agent.side_by_side`); when none tells them apart it
    is listed as equivalent with that evidence, otherwise it survives with the situation that
    shows the fault."""
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
                if not killed and side_by_side:
                    original = candidate.model_copy(update={"code": skill.code})
                    apart, compared = await told_apart(wb, original, candidate, proposal)
                    if apart is None:
                        why = (
                            f"side by side: the same outcome as the original in {compared} "
                            "situations verification does not try (same error class, return, "
                            "database rows and final page)"
                        )
                    else:
                        reason = f"told apart {apart}"[:300]
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

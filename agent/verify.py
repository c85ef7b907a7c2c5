"""Verify a candidate skill by executing it: each input in a fresh context on a reset site."""

from __future__ import annotations

import time
from typing import Any

from playwright.async_api import Page

from agent.dbstate import diff, snapshot
from agent.heuristic.facts import page_facts
from agent.heuristic.rows import RowState, row_names, row_state
from agent.judge import Outcome, judge
from agent.models import CandidateSkill, TaskProposal, TestRun, VerificationReport
from agent.sandbox import compile_skill, run_skill
from agent.workbench import SetupError, Workbench

MIN_DISTINCT_INPUTS = 3


async def rows_before(page: Page, proposal: TaskProposal) -> RowState | None:
    if proposal.plan.get("kind") != "row":
        return None
    return await row_state(page, proposal.plan, row_names(proposal.plan))


async def capture(
    wb: Workbench,
    page: Page,
    before: Any,
    returned: Any,
    error: str | None,
    *,
    proposal: TaskProposal | None = None,
    rows: RowState | None = None,
) -> Outcome:
    """Outcome of a run: page facts, database changes (bundled sites), returned value, and for
    row skills the rows before and after."""
    facts = None
    try:
        facts = await page_facts(page)
    except Exception as exc:  # the page may be gone; the verdict then fails
        error = error or f"page unavailable: {exc}"
    changes = None
    if wb.target.db_path is not None and before is not None:
        changes = diff(before, snapshot(wb.target.db_path))
    path = facts.path if facts is not None else ""
    rows_after = None
    if rows is not None and proposal is not None and error is None:
        rows_after = await row_state(page, proposal.plan, list(rows))
    return Outcome(
        url_path=path,
        facts=facts,
        changes=changes,
        returned=returned,
        error=error,
        rows_before=rows,
        rows_after=rows_after,
    )


async def run_once(
    wb: Workbench,
    candidate: CandidateSkill,
    proposal: TaskProposal,
    inputs: dict[str, Any],
    *,
    expect_failure: bool = False,
) -> TestRun:
    began = time.perf_counter()
    try:
        context, page = await wb.fresh_page(proposal.setup)
    except SetupError as exc:
        return TestRun(
            inputs=inputs,
            passed=False,
            checked="setup",
            error=str(exc),
            expect_failure=expect_failure,
        )
    try:
        rows = await rows_before(page, proposal)
        before = snapshot(wb.target.db_path) if wb.target.db_path is not None else None
        returned: Any = None
        error: str | None = None
        try:
            fn = compile_skill(candidate.code, candidate.name, wb.skills())
            returned = await run_skill(fn, page, inputs, wb.skill_timeout_s)
        except Exception as exc:
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        outcome = await capture(wb, page, before, returned, error, proposal=proposal, rows=rows)
        verdict = judge(proposal, inputs, outcome)
        if expect_failure:
            passed = error is not None
            checked = "the skill raised on an input the site rejects: " + (error or "it did not")
        else:
            passed = verdict.success
            checked = "; ".join(verdict.reasons)
        return TestRun(
            inputs=inputs,
            passed=passed,
            checked=checked,
            error=error,
            returned=returned if isinstance(returned, list | str | int | float | None) else None,
            duration_s=round(time.perf_counter() - began, 3),
            expect_failure=expect_failure,
        )
    finally:
        await wb.close(context)


async def verify(
    wb: Workbench, candidate: CandidateSkill, proposal: TaskProposal
) -> VerificationReport:
    """Run the candidate on every test input (≥ 3 distinct where it has parameters) and every
    negative input; it is verified only if all of them pass."""
    report = VerificationReport(skill=candidate.name)
    inputs = proposal.plan.get("inputs", [])
    if candidate.params and len(inputs) < MIN_DISTINCT_INPUTS:
        return report
    for row in inputs or [{}]:
        report.runs.append(await run_once(wb, candidate, proposal, row))
        if not report.runs[-1].passed:
            return report
    for row in proposal.plan.get("negatives", []):
        report.runs.append(await run_once(wb, candidate, proposal, row, expect_failure=True))
    return report

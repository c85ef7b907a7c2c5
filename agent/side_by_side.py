"""Run a skill and a variant of it side by side on more situations than verification uses, and
say whether anything tells them apart.

Mutation testing needs to know which surviving mutants are *equivalent*: faulty-looking code that
behaves like the original (a dropped check that never fires, a fallback locator that is never
needed, a navigation the next step repeats). Verification's own cases cannot decide that — a
survivor passed them by definition. Here both versions run, each in a fresh context on a reset
site, in situations verification does not try:

* every test case (passing and refused) from a blank page, and from the skill's start page;
* every passing case right after the skill ran on the next case's inputs (another item there);
* every passing case twice in a row (the item is already there the second time).

An outcome is what a caller could see: the exception class (or none), the value returned, every
database row created / changed / deleted (bundled sites) and the address the page ends on. Values
that differ between two runs of the original itself (timestamps, tokens) are masked. Identical
outcomes everywhere is evidence, not proof: the reason says how many situations were compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.browser.facts import url_path
from agent.dbstate import changes, snapshot
from agent.models import CandidateSkill, TaskProposal
from agent.verify import call_candidate
from agent.workbench import Workbench, resolve_args

Row = tuple[str, str, int]  # table, change, rowid


@dataclass(frozen=True)
class Situation:
    label: str
    inputs: dict[str, Any]
    before: tuple[dict[str, Any], ...] = ()  # the skill runs on these first, same context
    start: str | None = None  # the page open when the skill is called (None: a blank page)


@dataclass
class Outcome:
    error: str | None
    returned: str
    rows: dict[Row, dict[str, Any]] = field(default_factory=dict)
    path: str = ""

    def masked(self, volatile: set[tuple[Row, str]]) -> tuple[Any, ...]:
        rows = {
            key: {c: v for c, v in values.items() if (key, c) not in volatile}
            for key, values in self.rows.items()
        }
        return (self.error, self.returned, sorted(rows.items()), self.path)


def situations(proposal: TaskProposal) -> list[Situation]:
    positives = [c.inputs for c in proposal.positives()]
    refused = [c.inputs for c in proposal.test_cases if c.expect == "rejected"]
    out: list[Situation] = []
    for inputs in [*positives, *refused]:
        out.append(Situation("from a blank page", inputs))
        out.append(Situation(f"from {proposal.start_url}", inputs, start=proposal.start_url))
    for i, inputs in enumerate(positives):
        if len(positives) > 1:
            other = positives[(i + 1) % len(positives)]
            out.append(Situation("after another case", inputs, before=(other,)))
        out.append(Situation("twice in a row", inputs, before=(inputs,)))
    return out


async def outcome(
    wb: Workbench, candidate: CandidateSkill, proposal: TaskProposal, situation: Situation
) -> Outcome:
    """What a caller sees of one run of `candidate` in `situation` (fresh context, reset site)."""
    context, page = await wb.fresh_page(proposal.setup)
    db = wb.target.db_path
    try:
        if situation.start is not None:
            await page.goto(situation.start)
            await page.wait_for_load_state()
        before = snapshot(db) if db is not None else None
        accounts = wb.target.accounts
        error: str | None = None
        returned: Any = None
        for inputs in situation.before:
            try:
                await call_candidate(wb, candidate, page, resolve_args(inputs, accounts))
            except Exception as exc:
                error = f"before: {type(exc).__name__}"
                break
        if error is None:
            try:
                args = resolve_args(situation.inputs, accounts)
                returned = await call_candidate(wb, candidate, page, args)
            except Exception as exc:
                error = type(exc).__name__
        rows: dict[Row, dict[str, Any]] = {}
        if before is not None and db is not None:
            for change in changes(before, snapshot(db)):
                rows[(change.table, change.change, change.rowid)] = change.values
        return Outcome(error=error, returned=repr(returned), rows=rows, path=url_path(page.url))
    finally:
        await wb.close(context)


def _volatile(a: Outcome, b: Outcome) -> set[tuple[Row, str]] | None:
    """Row values that differ between two runs of the same code (None: the runs differ in
    more than values: another error, return, page or set of rows)."""
    if (a.error, a.returned, set(a.rows), a.path) != (b.error, b.returned, set(b.rows), b.path):
        return None
    return {
        (key, column)
        for key, values in a.rows.items()
        for column, value in values.items()
        if b.rows[key].get(column) != value
    }


async def told_apart(
    wb: Workbench, original: CandidateSkill, variant: CandidateSkill, proposal: TaskProposal
) -> tuple[str | None, int]:
    """(the first situation whose outcomes differ, or None; situations compared)."""
    compared = 0
    for situation in situations(proposal):
        mine = await outcome(wb, original, proposal, situation)
        theirs = await outcome(wb, variant, proposal, situation)
        compared += 1
        if mine.masked(set()) == theirs.masked(set()):
            continue
        again = await outcome(wb, original, proposal, situation)
        volatile = _volatile(mine, again)
        if volatile is None or mine.masked(volatile) != theirs.masked(volatile):
            return f"{situation.label} with {situation.inputs}", compared
    return None, compared

"""Judge a run by its post-conditions. A chain: programmatic checks first; a judge that cannot
decide (an LLM judge, later) is asked only when no programmatic signal decides."""

from __future__ import annotations

from typing import Any, Protocol

from agent.models import TaskProposal, Verdict
from agent.postconditions import (
    Evidence,
    PageShows,
    Probe,
    ResultsMatchListing,
    RowEffect,
    evaluate,
    field_shows,
    ground_row,
    listing_from,
    shown,
)


class Judge(Protocol):
    async def judge(
        self, proposal: TaskProposal, ev: Evidence, probe: Probe, path: str
    ) -> Verdict | None:
        """A verdict, or None when this judge has no signal that decides."""
        ...


class ProgrammaticJudge:
    """The site's own error reports, then every typed post-condition of the proposal."""

    async def judge(
        self, proposal: TaskProposal, ev: Evidence, probe: Probe, path: str
    ) -> Verdict | None:
        if ev.error:
            return Verdict(success=False, reasons=[f"error: {ev.error}"])
        if ev.alerts:
            return Verdict(success=False, reasons=[f"site reported: {' | '.join(ev.alerts)[:300]}"])
        if not proposal.postconditions:
            return None
        checks = [await evaluate(pc, ev, probe, path) for pc in proposal.postconditions]
        return Verdict(
            success=all(c.passed for c in checks),
            reasons=[c.reason for c in checks],
            checks=checks,
        )


class JudgeChain:
    def __init__(self, *judges: Judge) -> None:
        self.judges = judges or (ProgrammaticJudge(),)

    async def judge(self, proposal: TaskProposal, ev: Evidence, probe: Probe, path: str) -> Verdict:
        for judge in self.judges:
            verdict = await judge.judge(proposal, ev, probe, path)
            if verdict is not None:
                return verdict
        return Verdict(success=False, reasons=["no post-condition decides this run"])


async def ground(
    proposal: TaskProposal, ev: Evidence, probe: Probe, path: str | None = None
) -> tuple[list[Any], list[str]]:
    """Bind the proposal's post-conditions to what the practise run showed: the table and
    columns of a row effect; on a site without a database, the read-back page that shows it.
    Returns the grounded post-conditions and notes on what could not be grounded."""
    out: list[Any] = []
    notes: list[str] = []
    for pc in proposal.postconditions:
        if isinstance(pc, ResultsMatchListing) and path:
            derived = listing_from(path, ev.inputs, pc.values, pc.listing)
            if derived is not None and derived[0] != pc.listing:
                notes.append(f"results listing {pc.listing} taken as {derived[0]} (the run's page)")
                out.append(pc.model_copy(update={"listing": derived[0], "slugs": derived[1]}))
                continue
        if isinstance(pc, RowEffect) and pc.table is None:
            if ev.changes is not None:
                grounded = ground_row(pc, ev)
                if grounded is None:
                    notes.append(f"no changed row carries {pc.params}")
                    out.append(pc)
                else:
                    out.append(grounded)
                continue
            readback = await _ground_readback(pc, ev, probe)
            if readback is None:
                notes.append(f"no read-back page shows {pc.params}")
                out.append(pc)
            else:
                out.append(readback)
            continue
        out.append(pc)
    return out, notes


async def _ground_readback(pc: RowEffect, ev: Evidence, probe: Probe) -> PageShows | None:
    params = [p for p in pc.params if ev.inputs.get(p) is not None]
    if not params:
        return None
    if pc.change == "deleted":
        # the row must be gone from the page it was listed on (the policy names it first)
        if not pc.readback:
            return None
        gone = PageShows(params=params[:1], where="readback", url=pc.readback[0], row=True)
        gone = gone.model_copy(update={"absent": True})
        check = await evaluate(gone, ev, probe, "")
        return gone if check.passed else None
    for url in pc.readback:
        if pc.existing and len(params) < 2 and url not in ev.rows_before:
            # an existing item's name is on its own page (where its skill ends) whatever the
            # skill did: without a value of the run, only a page read before the run and
            # showing the item only after it (a wish list) proves an effect
            continue
        candidate = PageShows(params=params, where="readback", url=url, row=True)
        check = await evaluate(candidate, ev, probe, "")
        if check.passed and not _shown_before(candidate, ev, url):
            return await _ground_fields(candidate, ev, probe)
    return None


async def _ground_fields(pc: PageShows, ev: Evidence, probe: Probe) -> PageShows:
    """The read-back row's fields that show each value (a saved settings form shows every value
    in its own field): verification then wants each value in that field again, so a skill that
    puts the values in each other's fields fails."""
    assert pc.url is not None
    fields = await probe.row_fields(pc.url, str(ev.inputs[pc.params[0]])) or []
    found: dict[str, list[str]] = {}
    for p in pc.params:
        names = [n for n, v in fields if n and field_shows(v, ev.inputs[p], ev.choices.get(p))]
        if names:
            found[p] = list(dict.fromkeys(names))
    return pc.model_copy(update={"fields": found}) if found else pc


def _shown_before(pc: PageShows, ev: Evidence, url: str) -> bool:
    """Whether the page already showed such a row before the run (a product card whose
    "(2 reviews)" matches a quantity of 2): then it does not show the run's effect."""
    if url not in ev.rows_before:
        return False
    values = ev.rows_before[url]
    if values is None:
        return False
    rest = [p for p in pc.params[1:] if ev.inputs.get(p) is not None]
    return all(shown(values, ev.inputs[p], ev.choices.get(p)) for p in rest)

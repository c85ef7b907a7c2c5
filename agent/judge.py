"""Judge an attempt by programmatic checks: the site's own feedback, the database, the page."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agent.dbstate import TableChange, describe, values_present
from agent.heuristic.facts import PageFacts, matches_pattern
from agent.heuristic.rows import judge_rows
from agent.models import TaskProposal, Verdict


class Outcome(BaseModel):
    """What happened when a plan or a skill ran."""

    url_path: str
    facts: PageFacts | None = None
    changes: list[TableChange] | None = None  # None: no database to look at
    returned: Any = None
    error: str | None = None
    rows_before: dict[str, dict[str, str] | None] | None = None
    rows_after: dict[str, dict[str, str] | None] | None = None


def _text_values(proposal: TaskProposal, inputs: dict[str, Any]) -> list[str]:
    fill = {s["param"] for s in proposal.plan.get("fields", []) if s.get("op") == "fill"}
    secret = {p.name for p in proposal.params if p.role == "secret"}
    return [
        str(v)
        for k, v in inputs.items()
        if k in fill and k not in secret and isinstance(v, str) and len(v) >= 4
    ]


def judge(proposal: TaskProposal, inputs: dict[str, Any], outcome: Outcome) -> Verdict:
    """Programmatic verdict; `reasons` say what was checked and what failed."""
    kind = proposal.plan.get("kind", "")
    if outcome.error:
        return Verdict(success=False, reasons=[f"error: {outcome.error}"])
    facts = outcome.facts
    if facts is None:
        return Verdict(success=False, reasons=["no page facts captured"])
    if facts.alerts:
        return Verdict(success=False, reasons=[f"site reported: {' | '.join(facts.alerts)[:300]}"])
    if kind == "login":
        user = str(inputs.get("username", ""))
        left = outcome.url_path.split("?")[0] != proposal.plan["page"]
        shown = user.lower() in facts.text.lower()
        ok = left and shown
        return Verdict(
            success=ok,
            reasons=[f"left the login page: {left}", f"page shows {user!r}: {shown}"],
        )
    if kind == "search":
        results = outcome.returned if isinstance(outcome.returned, list) else []
        query = str(inputs.get("query") or "")
        hits = [r for r in results if query.lower() in str(r).lower()] if query else results
        ok = bool(results) and bool(hits)
        return Verdict(
            success=ok,
            reasons=[f"{len(results)} results returned, {len(hits)} mention {query!r}"],
        )
    if kind == "open":
        entity = proposal.plan["entity"]
        name = str(inputs.get(entity["param"], ""))
        path = outcome.url_path.split("?")[0]
        pattern_ok = matches_pattern(path, entity["pattern"])
        named = name.lower() in (facts.h1 + " " + facts.title).lower()
        return Verdict(
            success=pattern_ok and named,
            reasons=[
                f"url {path} is a {entity['pattern']} page: {pattern_ok}",
                f"heading names {name!r}: {named}",
            ],
        )
    row_reason: list[str] = []
    if kind == "row":
        if outcome.rows_before is None or outcome.rows_after is None:
            return Verdict(success=False, reasons=["row state was not captured"])
        ok, why = judge_rows(proposal.plan, inputs, outcome.rows_before, outcome.rows_after)
        if not ok:
            return Verdict(success=False, reasons=[why])
        row_reason = [why]
    # state-changing forms
    if outcome.changes is not None:
        missing = values_present(outcome.changes, _text_values(proposal, inputs))
        ok = bool(outcome.changes) and not missing
        reasons = [
            *row_reason,
            f"database changed: {', '.join(describe(outcome.changes)) or 'nothing'}",
        ]
        if missing:
            reasons.append(f"inputs not stored: {missing}")
        return Verdict(success=ok, reasons=reasons)
    moved = outcome.url_path.split("?")[0] != proposal.plan.get("page")
    ok = bool(facts.statuses) or moved or bool(row_reason)
    return Verdict(
        success=ok,
        reasons=[*row_reason, f"status messages: {facts.statuses[:2]}", f"page changed: {moved}"],
    )

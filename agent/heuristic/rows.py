"""Row state of a page with one form per listed item (a cart, a wishlist): the post-condition of
row skills is that the named row — and only it — changed."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from agent.heuristic.facts import page_facts

RowState = dict[str, dict[str, str] | None]


async def row_state(page: Page, plan: dict[str, Any], names: list[str]) -> RowState:
    """For each entity name: its row form's field values, or None when it has no row."""
    await page.goto(plan["page"])
    facts = await page_facts(page)
    forms = [f for f in facts.forms if f.matches(plan["key"])]
    state: RowState = {}
    for name in names:
        form = next((f for f in forms if name in f.row_text), None)
        state[name] = {f.name: f.value for f in form.inputs} if form is not None else None
    return state


def row_names(plan: dict[str, Any]) -> list[str]:
    param = plan["entity"]["param"]
    return [str(row[param]) for row in plan.get("inputs", [])]


def judge_rows(
    plan: dict[str, Any], inputs: dict[str, Any], before: RowState, after: RowState
) -> tuple[bool, str]:
    target = str(inputs[plan["entity"]["param"]])
    fields = [s for s in plan.get("fields", []) if inputs.get(s["param"]) is not None]
    if before.get(target) is None:
        return False, f"no row for {target!r} before the action"
    if fields:
        row = after.get(target)
        ok = row is not None and all(row.get(s["name"]) == str(inputs[s["param"]]) for s in fields)
        what = f"row {target!r} shows the new values: {ok}"
    else:
        ok = after.get(target) is None
        what = f"row {target!r} is gone: {ok}"
    others = [n for n in before if n != target and before[n] != after.get(n)]
    if others:
        return False, f"{what}; other rows changed too: {others}"
    return ok, what

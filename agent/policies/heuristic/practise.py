"""Practise a proposal with the recorded primitives (heuristic policy: the plan is the form)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page

from agent.browser.actions import Actor, record_call
from agent.browser.facts import FormFact, page_facts
from agent.models import ActionKind, TaskProposal, Trajectory

_KINDS: dict[str, ActionKind] = {"select": "select", "check": "check", "fill": "fill"}


class PractiseError(Exception):
    """The plan could not be carried out on the page (form or link not found)."""


async def _find_form(page: Page, key: list[Any], entity_name: str | None) -> FormFact:
    facts = await page_facts(page)
    matches = [f for f in facts.forms if f.matches(key)]
    if entity_name is not None and len(matches) > 1:
        matches = [f for f in matches if entity_name in f.row_text]
    if not matches:
        raise PractiseError(f"form {key[1]} not found on {facts.path}")
    return matches[0]


# empty text fields of a form (by name) that no step of the plan fills
_EMPTY_FIELDS_JS = """(form, planned) => Array.from(form.elements)
  .filter((e) => e.name && !planned.includes(e.name) && !e.value && !e.disabled
    && (e.tagName === "TEXTAREA"
      || (e.tagName === "INPUT" && ["text", "url", "search", ""].includes(e.type))))
  .map((e) => e.name)"""
_FILLED_JS = """([form, names]) => names.filter((n) => {
  const e = form.elements.namedItem(n);
  return e && e.value;
})"""
SETTLE_MS = 600  # how long a page may take to fill a field from another (debounced scripts)


async def _derived(
    page: Page, form_locator: Locator, field: Locator, empty: list[str]
) -> list[str]:
    """Locators of the fields among `empty` the page filled once `field` lost focus (a slug
    made from a title, a moment after the title's blur): the skill waits for them, or its
    submit races the page's script and the site refuses the form."""
    if not empty:
        return []
    await field.blur()
    form = await form_locator.element_handle()
    try:
        await page.wait_for_function(
            f"(args) => ({_FILLED_JS})(args).length > 0", arg=[form, empty], timeout=SETTLE_MS
        )
    except PlaywrightError:
        return []
    out: list[str] = []
    for name in await page.evaluate(_FILLED_JS, [form, empty]):
        css = f'[name="{name}"]'
        if re.fullmatch(r"[\w.\-\[\]]+", name) and await page.locator(css).count() == 1:
            out.append(f"page.locator('{css}')")
    return out


def _submit_button(form_locator: Locator, text: str) -> Locator:
    """The plan's submit button by its name (the one that does the work, not "Preview")."""
    if text and text != "Submit":
        return form_locator.get_by_role("button", name=text, exact=True).first
    return form_locator.locator("button[type=submit], input[type=submit], button:not([type])").first


async def practise(
    proposal: TaskProposal,
    inputs: Mapping[str, Any],
    page: Page,
    library: Mapping[str, Callable[..., Any]],
) -> Trajectory:
    """Carry out the proposal's plan with `inputs`; every step is an `ActionRecord`."""
    plan = proposal.plan
    actor = Actor(page)
    trajectory = Trajectory(proposal_id=proposal.id, inputs=dict(inputs))
    entity = plan.get("entity")
    entity_name: str | None = None
    try:
        if entity is not None:
            entity_name = str(inputs[entity["param"]])
            via = entity["via"]
            if via["how"] == "search":
                skill = via["skill"]
                rec = await record_call(
                    actor, skill, library[skill], {"query": entity_name}, {"query": entity["param"]}
                )
                if not rec.ok:
                    raise PractiseError(rec.error or "search failed")
            elif via["how"] == "listing":
                await actor.goto(via["source"])
            else:
                await actor.goto(plan["page"])
            if via["how"] in ("search", "listing"):
                link = page.get_by_role("main").get_by_role("link", name=entity_name, exact=True)
                if await link.count() == 0:
                    link = page.get_by_role("link", name=entity_name, exact=True)
                if await link.count() == 0:
                    raise PractiseError(f"no link named {entity_name!r} on {page.url}")
                rec = await actor.click(link.first, param=entity["param"])
                if not rec.ok:
                    raise PractiseError(rec.error or "link not found")
        else:
            await actor.goto(plan["page"])
        if plan["kind"] != "open":
            form = await _find_form(
                page, plan["key"], entity_name if plan["kind"] == "row" else None
            )
            form_locator = page.locator("form").nth(form.index)
            planned = [step["name"] for step in plan["fields"]]
            for step in plan["fields"]:
                value = inputs.get(step["param"])
                field = form_locator.locator(f'[name="{step["name"]}"]').first
                if step.get("tab") and not await field.is_visible():
                    # the field's tab panel is not shown: its tab shows it
                    rec = await actor.click(page.locator(step["tab"]).first)
                    if not rec.ok:
                        raise PractiseError(rec.error or f"could not show {step['name']}")
                if value is None:
                    await actor.locate(_KINDS[step["op"]], field, step["param"])
                    continue
                if step["op"] == "select":
                    rec = await actor.select(field, str(value), param=step["param"])
                elif step["op"] == "check":
                    rec = await (actor.check if value else actor.uncheck)(
                        field, param=step["param"]
                    )
                else:
                    empty = await form_locator.evaluate(_EMPTY_FIELDS_JS, planned)
                    rec = await actor.fill(field, str(value), param=step["param"])
                    if rec.ok:
                        rec.derived = await _derived(page, form_locator, field, empty)
                if not rec.ok:
                    raise PractiseError(rec.error or f"could not set {step['name']}")
            rec = await actor.click(_submit_button(form_locator, plan["submit"]))
            if not rec.ok:
                raise PractiseError(rec.error or "submit failed")
    except PractiseError as exc:
        trajectory.error = str(exc)
    trajectory.actions = actor.records
    trajectory.final_url = page.url
    return trajectory

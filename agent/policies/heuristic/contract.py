"""The heuristic's side of the stage contract: typed test cases and post-conditions for a
form or link plan (what the generic judge will check, for the values passed)."""

from __future__ import annotations

from typing import Any

from agent.models import ParamSpec, TestCase
from agent.postconditions import (
    CredentialsWork,
    PageShows,
    Postcondition,
    ResultsMatchListing,
    RowEffect,
    UrlMatches,
)
from agent.workbench import SECRET_PREFIX, WRONG_SUFFIX

BROWSER_REFUSES = "the browser must refuse: a required field is empty"
SITE_REFUSES = "the site must refuse"
SKILL_REFUSES = "the skill must refuse"

Negative = tuple[dict[str, Any], str]  # inputs, why they must be refused


def test_cases(rows: list[dict[str, Any]], negatives: list[Negative]) -> list[TestCase]:
    cases = [TestCase(inputs=row, note="policy input") for row in rows]
    cases += [TestCase(inputs=row, expect="rejected", note=note) for row, note in negatives]
    return cases


def account_rows(users: list[str]) -> tuple[list[dict[str, Any]], list[Negative]]:
    """Login inputs naming accounts, never their passwords; a wrong password must be refused,
    and so must an empty user name (by the browser, when the field is required)."""
    rows = [{"username": u, "password": f"{SECRET_PREFIX}{u}"} for u in users]
    wrong = {"username": users[0], "password": f"{SECRET_PREFIX}{users[0]}{WRONG_SUFFIX}"}
    return rows, [(wrong, f"{SITE_REFUSES} a wrong password")]


def required_empty(
    row: dict[str, Any],
    fields: list[dict[str, Any]],
    required: set[str],
    *,
    browser_checks: bool = True,
) -> list[Negative]:
    """The first required free-text field left empty: the browser refuses the form (the site
    does, when the form turns the browser's checks off with `novalidate`)."""
    why = BROWSER_REFUSES if browser_checks else f"{SITE_REFUSES} an empty required field"
    for step in fields:
        if step["op"] == "fill" and step["name"] in required:
            return [({**row, step["param"]: ""}, why)]
    return []


def unknown_item(row: dict[str, Any], param: str, noun: str) -> Negative:
    """The first input naming an item the site does not have: the skill must say so (a
    RuntimeError naming it), not time out."""
    return ({**row, param: f"No such {noun} 9731"}, f"{SKILL_REFUSES} an unknown {noun}")


def listing_url(action: str, fields: list[dict[str, Any]], hidden: dict[str, str]) -> str:
    """The URL a GET form submits to, with a `{param}` slot per field."""
    parts = [f"{name}={value}" for name, value in hidden.items()]
    parts += [f"{f['name']}={{{f['param']}}}" for f in fields]
    return f"{action}?{'&'.join(parts)}"


def postconditions(
    kind: str,
    params: list[ParamSpec],
    *,
    fields: list[dict[str, Any]],
    entity: dict[str, Any] | None,
    action: str,
    hidden: dict[str, str],
    pages: list[str],
    login_skill: str | None,
    defaults: dict[str, str] | None = None,
) -> list[Postcondition]:
    values = [p.name for p in params if p.role in ("value", "entity")]
    if kind == "login":
        return [PageShows(params=["username"], where="page", signed_in=True)]
    if kind == "search":
        return [
            ResultsMatchListing(
                listing=listing_url(action, fields, hidden),
                values={p.name: p.choice_values for p in params if p.choice_values},
                defaults=defaults or {},
            )
        ]
    if kind == "open":
        assert entity is not None
        return [
            UrlMatches(pattern=entity["pattern"]),
            PageShows(params=[entity["param"]], where="heading"),
        ]
    out: list[Postcondition] = []
    if entity is not None:
        values = [entity["param"], *[v for v in values if v != entity["param"]]]
    if kind == "row":
        has_values = any(f["param"] in values for f in fields)
        change = "changed" if has_values else "deleted"
        out.append(RowEffect(params=values, change=change, readback=pages, existing=True))
    else:
        out.append(RowEffect(params=values, readback=pages, existing=entity is not None))
    secrets = [p.name for p in params if p.role == "secret"]
    if kind == "register" and secrets and login_skill is not None:
        user = next((p.name for p in params if "user" in p.name), None)
        if user is not None:
            out.append(CredentialsWork(login_skill=login_skill, username=user, password=secrets[0]))
    return out

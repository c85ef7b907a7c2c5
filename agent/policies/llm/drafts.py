"""What the model writes, as pydantic models, and its conversion into typed proposals.

A model's proposal is checked before anything runs: post-conditions must parse into the typed
union, every test input must name declared parameters, credentials must be placeholders. What
does not hold is dropped with a reason (kept in the run folder), never guessed."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from agent.models import ParamSpec, TaskProposal, TestCase
from agent.postconditions import PageShows, Postcondition, ResultsMatchListing, RowEffect

_IDENT = re.compile(r"^[a-z][a-z0-9_]{0,48}$")
_TYPES = {"str": "str", "int": "int", "float": "float", "bool": "bool"}
_POSTCONDITION = TypeAdapter(Postcondition)


class ParamDraft(BaseModel):
    name: str
    type: str = "str"
    role: Literal["value", "entity", "secret", "username"] = "value"
    description: str = ""


class CaseDraft(BaseModel):
    inputs: dict[str, Any] = Field(default_factory=dict)
    expect: Literal["success", "rejected"] = "success"
    note: str = ""


class SetupDraft(BaseModel):
    skill: str
    args: dict[str, Any] = Field(default_factory=dict)


class ProposalDraft(BaseModel):
    title: str
    kind: Literal["procedural", "navigational", "information"]
    skill_name: str
    description: str = ""
    start_url: str = "/"
    needs_login: bool = False
    setup: list[SetupDraft] = Field(default_factory=list)
    params: list[ParamDraft] = Field(default_factory=list)
    test_cases: list[CaseDraft] = Field(default_factory=list)
    postconditions: list[dict[str, Any]] = Field(default_factory=list)
    returns: str | None = None


class ProposalBatch(BaseModel):
    proposals: list[ProposalDraft] = Field(default_factory=list)


class Rejected(BaseModel):
    title: str
    reason: str


def snake(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return re.sub(r"^[0-9_]+", "", out)[:48]


def _case_problem(case: CaseDraft, names: set[str], secrets: set[str]) -> str | None:
    unknown = set(case.inputs) - names
    if unknown:
        return f"test input names undeclared parameters {sorted(unknown)}"
    for key in secrets & set(case.inputs):
        value = case.inputs[key]
        if value not in ("", None) and not str(value).startswith("$account:"):
            return f"a password is written out in a test case ({key}); use $account:NAME"
    return None


def to_proposal(draft: ProposalDraft, *, index: int) -> TaskProposal:
    """A typed proposal, or ValueError naming what the model got wrong."""
    name = snake(draft.skill_name)
    if not name or not _IDENT.match(name):
        raise ValueError(f"skill name {draft.skill_name!r} is not an identifier")
    params: list[ParamSpec] = []
    for p in draft.params:
        pname = snake(p.name)
        if not pname or pname == "page":
            raise ValueError(f"parameter name {p.name!r} is not usable")
        base = p.type.replace(" ", "").removesuffix("|None")
        params.append(
            ParamSpec(
                name=pname,
                annotation=_TYPES.get(base, "str"),
                description=p.description.strip().rstrip(".") or pname.replace("_", " "),
                role=p.role,
            )
        )
    rename = {p.name: snake(p.name) for p in draft.params}
    names = {p.name for p in params}
    secrets = {p.name for p in params if p.role == "secret"}
    cases: list[TestCase] = []
    for case in draft.test_cases:
        inputs = {rename.get(k, snake(k)): v for k, v in case.inputs.items()}
        fixed = CaseDraft(inputs=inputs, expect=case.expect, note=case.note)
        problem = _case_problem(fixed, names, secrets)
        if problem:
            raise ValueError(problem)
        cases.append(TestCase(inputs=inputs, expect=case.expect, note=case.note or "model input"))
    positives = [c for c in cases if c.expect == "success"]
    if not positives:
        raise ValueError("no test case expected to succeed")
    postconditions = []
    for raw in draft.postconditions:
        raw = dict(raw)
        if "params" in raw and isinstance(raw["params"], list):
            raw["params"] = [rename.get(str(p), snake(str(p))) for p in raw["params"]]
        try:
            pc = _POSTCONDITION.validate_python(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            shown = json.dumps(raw)[:120]
            raise ValueError(f"post-condition {shown} is invalid: {first['msg']}") from None
        postconditions.append(pc)
    # a password is never stored as typed (CredentialsWork checks secrets by their effect), and
    # a log-in stores no record of the caller's values: the page showing the user is the proof
    roles = {p.role for p in params}
    login = {"username", "secret"} <= roles and "value" not in roles and "entity" not in roles
    kept = []
    for pc in postconditions:
        if login and isinstance(pc, PageShows):
            pc = pc.model_copy(update={"signed_in": True})  # and the login form is gone
        if isinstance(pc, RowEffect):
            if login:
                continue
            pc = pc.model_copy(update={"params": [p for p in pc.params if p not in secrets]})
            if not pc.params:
                continue
        kept.append(pc)
    postconditions = kept
    returns = "list[str]" if draft.kind == "information" else None
    if returns and not any(isinstance(pc, ResultsMatchListing) for pc in postconditions):
        raise ValueError("an information task needs a 'results' post-condition")
    for p in params:
        values = [c.inputs[p.name] for c in positives if p.name in c.inputs]
        if values:
            params[params.index(p)] = p.model_copy(update={"example": values[0]})
    key = f"{draft.kind}:{name}"
    digest = hashlib.sha1(draft.title.encode()).hexdigest()[:6]
    return TaskProposal(
        id=f"llm-{index:02d}-{name}-{digest}",
        title=draft.title.strip(),
        kind=draft.kind,
        skill_name=name,
        description=draft.description.strip() or draft.title.strip(),
        start_url=draft.start_url if draft.start_url.startswith("/") else "/",
        params=params,
        test_cases=cases,
        postconditions=postconditions,
        returns=returns,
        key=key,
        needs_login=draft.needs_login,
    )


class RepairReply(BaseModel):
    code: str
    why: str = ""


class JudgeReply(BaseModel):
    success: bool
    reason: str = ""

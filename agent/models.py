"""The vocabulary between stages: pydantic models that cross stage boundaries."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, SerializeAsAny

from agent.postconditions import Check, Postcondition

ActionKind = Literal[
    "goto", "click", "fill", "select", "check", "uncheck", "press", "scroll", "call"
]


class Observation(BaseModel):
    """What the agent sees of a page."""

    url: str
    title: str
    tabs: list[str] = Field(default_factory=list)
    snapshot: str
    last_error: str | None = None
    screenshot: str | None = None


class ActionRecord(BaseModel):
    """One primitive action, recorded with the stable locator its ref resolved to."""

    kind: ActionKind
    ref: str | None = None
    locator: str | None = None
    value: str | None = None
    param: str | None = None
    args: dict[str, str] = Field(default_factory=dict)
    url_before: str
    url_after: str
    ok: bool = True
    error: str | None = None
    unique: bool = True
    anchored: Literal["none", "scope", "filter", "nth"] = "none"
    duration_s: float = 0.0
    # a fill: locators of empty fields the page filled from this one once it lost focus (a
    # slug from a title); the skill blurs the field and waits for them before going on
    derived: list[str] = Field(default_factory=list)


class ParamSpec(BaseModel):
    """A parameter of a skill-to-be."""

    name: str
    annotation: str = "str"
    default: str | None = None
    description: str = ""
    example: Any = None
    choices: list[str] = Field(default_factory=list)
    choice_values: dict[str, str] = Field(default_factory=dict)  # label -> submitted value
    role: Literal["value", "entity", "secret", "username"] = "value"


class TestCase(BaseModel):
    """Inputs for one verification run and what the site should do with them. Credentials are
    placeholders (`$account:alice`), resolved only when the skill is called."""

    __test__ = False  # not a pytest class

    inputs: dict[str, Any] = Field(default_factory=dict)
    expect: Literal["success", "rejected"] = "success"
    note: str = ""


class TaskProposal(BaseModel):
    """A task the agent could practise on the site."""

    id: str
    title: str
    kind: Literal["procedural", "navigational", "information"]
    skill_name: str
    description: str
    start_url: str
    params: list[ParamSpec] = Field(default_factory=list)
    test_cases: list[TestCase] = Field(default_factory=list)
    postconditions: list[Postcondition] = Field(default_factory=list)
    returns: str | None = None  # e.g. "list[str]" for information skills
    key: str = ""  # the policy's identity of the task, to avoid proposing it twice
    differential: bool = True  # verification may vary one parameter at a time on its own
    plan: SerializeAsAny[BaseModel] | None = None  # the policy's private plan; stages ignore it
    needs_login: bool = False
    setup: list[SetupCall] = Field(default_factory=list)
    priority: float = 0.0

    def positives(self) -> list[TestCase]:
        return [c for c in self.test_cases if c.expect == "success"]


class SetupCall(BaseModel):
    """A verified skill call that establishes a proposal's precondition (e.g. log in, fill cart)."""

    skill: str
    args: dict[str, Any] = Field(default_factory=dict)


class Trajectory(BaseModel):
    """The recorded attempt at a proposal."""

    proposal_id: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    actions: list[ActionRecord] = Field(default_factory=list)
    final_url: str = ""
    answer: Any = None
    error: str | None = None
    state_change: list[str] = Field(default_factory=list)
    alerts: list[str] = Field(default_factory=list)
    statuses: list[str] = Field(default_factory=list)


class Verdict(BaseModel):
    """The judge's decision on a trajectory."""

    success: bool
    reasons: list[str] = Field(default_factory=list)
    judge: Literal["programmatic", "llm"] = "programmatic"
    checks: list[Check] = Field(default_factory=list)


class CandidateSkill(BaseModel):
    """Induced code awaiting verification."""

    site: str
    name: str
    code: str
    params: list[ParamSpec] = Field(default_factory=list)
    returns: str | None = None
    proposal_id: str
    flags: list[str] = Field(default_factory=list)


class TestRun(BaseModel):
    """One execution of a candidate on one input, in a fresh context against a reset site."""

    __test__ = False

    inputs: dict[str, Any]
    note: str = ""
    checks: list[Check] = Field(default_factory=list)
    passed: bool
    checked: str
    error: str | None = None
    returned: Any = None
    duration_s: float = 0.0
    expect_failure: bool = False


class VerificationReport(BaseModel):
    skill: str
    runs: list[TestRun] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)  # failures across runs
    # one-parameter-at-a-time variations that ended in an error: a combination of values the
    # site does not have (an issue number of another project); kept for the record
    inapplicable: list[TestRun] = Field(default_factory=list)
    # the failure is in the proposal (test cases that never vary a parameter, post-conditions
    # that also hold for a skill that only opens its start page), not in the code: a repair
    # cannot fix it
    unfixable: bool = False

    @property
    def passed(self) -> bool:
        positives = [r for r in self.runs if not r.expect_failure]
        return bool(positives) and all(r.passed for r in self.runs) and not self.problems

    @property
    def failure(self) -> str:
        failed = next((r for r in self.runs if not r.passed), None)
        if failed is not None:
            return failed.checked
        return "; ".join(self.problems) or "no test inputs"


TaskProposal.model_rebuild()

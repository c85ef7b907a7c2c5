"""The seam every exploration policy plugs into. A policy decides *what* to try and *how*:
it proposes tasks (with typed test cases and post-conditions), practises them, names and
parameterises the skill, and may repair a failing candidate. The round loop, the attempt, the
judge, induction from recorded locators, verification and storage are generic."""

from __future__ import annotations

from typing import Any, Protocol

from playwright.async_api import Page
from pydantic import BaseModel, Field

from agent.models import CandidateSkill, TaskProposal, Trajectory, VerificationReport
from agent.workbench import Workbench


class Practice(BaseModel):
    """What practising a proposal produced: the recorded trajectory, what it read off the page
    (an information task's answer) and how to read it again (a locator expression)."""

    trajectory: Trajectory
    returned: Any = None
    extraction: str | None = None  # e.g. 'page.get_by_role("article").get_by_role("heading")'
    readback: list[str] = Field(default_factory=list)  # pages that may show the effect
    # param -> option label -> submitted value, for parameters chosen in a <select>: a
    # listing address or a stored row carries the value, the caller passes the label
    choices: dict[str, dict[str, str]] = Field(default_factory=dict)


class AttemptOutcome(BaseModel):
    """What the generic attempt tells the policy about one proposal."""

    proposal: TaskProposal
    verified: bool
    stage: str
    reason: str = ""


class Policy(Protocol):
    name: str

    async def propose(self, wb: Workbench) -> list[TaskProposal] | None:
        """The next batch of proposals; None when the policy has nothing more to try."""
        ...

    async def prepare(self, wb: Workbench, proposal: TaskProposal) -> TaskProposal:
        """Last adjustments with the browser at hand (e.g. keep test entities that show the
        form); return the proposal unchanged when there is nothing to do."""
        ...

    async def practise(
        self, wb: Workbench, proposal: TaskProposal, page: Page, inputs: dict[str, Any]
    ) -> Practice:
        """Carry the task out once on `page` with `inputs` (credentials already resolved)."""
        ...

    def name_skill(self, proposal: TaskProposal, practice: Practice) -> TaskProposal:
        """Final name, parameters and docstring text of the skill (may return it unchanged)."""
        ...

    async def repair(
        self, wb: Workbench, candidate: CandidateSkill, report: VerificationReport
    ) -> CandidateSkill | None:
        """A repaired candidate, or None when the policy cannot repair it."""
        ...

    def learn(self, outcome: AttemptOutcome) -> None:
        """Hear how an attempt ended (a verified login becomes a setup step, …)."""
        ...

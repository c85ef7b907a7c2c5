"""The library's vocabulary: skills, their parameters, test records and provenance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

SkillStatus = Literal["candidate", "verified", "failing", "retired"]
SKILL_STATUSES: tuple[SkillStatus, ...] = ("candidate", "verified", "failing", "retired")
# Names used by libraries written before the lifecycle was settled; read and accepted as aliases.
LEGACY_STATUSES: dict[str, SkillStatus] = {"failed": "failing", "deprecated": "retired"}


def utc_now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


class TestRecord(BaseModel):
    """One execution of a skill on one set of inputs, with the post-condition it was checked by.

    `skill` and `version` may be left empty when the record is created before the skill is
    stored; the library fills them in when it records the test.
    """

    __test__ = False  # not a pytest test class

    skill: str = ""
    version: int | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)
    passed: bool
    error: str | None = None
    duration_s: float = 0.0
    checked: str = ""
    at: datetime = Field(default_factory=utc_now)
    run_id: str | None = None
    theme: str | None = None


class Provenance(BaseModel):
    """Where a skill came from."""

    run_id: str | None = None
    policy: Literal["heuristic", "llm"]
    source_task: str | None = None
    trajectory_path: str | None = None
    model: str | None = None
    form: Literal["ui", "url"] | None = None  # how the skill reaches its page (URL promotion)


class SkillParam(BaseModel):
    """A parameter of a skill (the leading `page` parameter is not listed)."""

    name: str
    annotation: str = ""
    default: str | None = None  # source text of the default (a literal), None if required
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None


class Skill(BaseModel):
    """One version of a skill: an `async def name(page, ...)` Playwright function.

    Lifecycle of a version: candidate → verified → failing → retired (a failing version may be
    verified again). Changed code is always a new version; old versions stay in the index.
    `calls`/`successes` count runs of this version inside Skillwright (MCP server, setup calls).
    """

    site: str
    name: str
    signature: str
    params: list[SkillParam] = Field(default_factory=list)
    returns: str | None = None
    docstring: str = ""
    code: str
    status: SkillStatus = "candidate"
    version: int = 1
    code_hash: str
    tests: list[TestRecord] = Field(default_factory=list)
    provenance: Provenance | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    verified_at: datetime | None = None
    calls: int = 0
    successes: int = 0
    last_used_at: datetime | None = None

    @property
    def pass_rate(self) -> float | None:
        """Fraction of recorded test runs of this version that passed; None if never tested."""
        if not self.tests:
            return None
        return sum(1 for t in self.tests if t.passed) / len(self.tests)

    @property
    def summary(self) -> str:
        """The first line of the docstring."""
        return self.docstring.strip().splitlines()[0].strip() if self.docstring.strip() else ""

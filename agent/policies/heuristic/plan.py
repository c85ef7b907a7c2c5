"""The heuristic policy's private plan of a proposal: which form or link it acts on and how.
Generic stages never read it; they see the proposal's typed test cases and post-conditions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class HeuristicPlan(BaseModel):
    kind: str  # login | register | search | entity | page | row | open
    page: str = "/"
    key: list[Any] = Field(default_factory=list)  # (method, action pattern, field names)
    signature: list[Any] = Field(default_factory=list)
    submit: str = ""
    fields: list[dict[str, Any]] = Field(default_factory=list)  # name, param, op, label
    entity: dict[str, Any] | None = None  # param, pattern, via, candidates
    hidden: dict[str, str] = Field(default_factory=dict)  # hidden inputs the form submits
    inputs: list[dict[str, Any]] = Field(default_factory=list)  # test rows, first = practise
    negatives: list[dict[str, Any]] = Field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        value = getattr(self, key, None)
        return default if value is None else value

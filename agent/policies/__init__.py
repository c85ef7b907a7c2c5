"""Exploration policies: each decides what to try and how; the stages around them are generic."""

from __future__ import annotations

from typing import Any

from agent.policy import Policy

POLICIES = ("heuristic", "llm")


def make_policy(
    name: str,
    *,
    iterations: int = 3,
    max_pages: int = 30,
    model: Any = None,
    max_steps: int = 8,
    per_round: int = 12,
    tasks: str | None = None,
) -> Policy:
    """A policy by name: `heuristic` (no model) or `llm` (needs `model`, a ChatModel)."""
    if name == "heuristic":
        from agent.policies.heuristic.policy import HeuristicPolicy

        return HeuristicPolicy(iterations=iterations, max_pages=max_pages)
    if name == "llm":
        if model is None:
            raise ValueError(
                "the llm policy needs a model: pass --llm SPEC or set $SKILLWRIGHT_LLM"
            )
        from agent.policies.llm.policy import LLMPolicy

        return LLMPolicy(
            model, iterations=iterations, max_steps=max_steps, per_round=per_round, tasks=tasks
        )
    raise ValueError(f"unknown policy {name!r}: use one of {', '.join(POLICIES)}")

"""Exploration policies: each decides what to try and how; the stages around them are generic."""

from __future__ import annotations

from agent.policy import Policy

POLICIES = ("heuristic",)


def make_policy(name: str, *, iterations: int = 3, max_pages: int = 30) -> Policy:
    """A policy by name (`heuristic`; `llm` arrives with the model-driven explorer)."""
    if name == "heuristic":
        from agent.policies.heuristic.policy import HeuristicPolicy

        return HeuristicPolicy(iterations=iterations, max_pages=max_pages)
    raise ValueError(f"unknown policy {name!r}: use one of {', '.join(POLICIES)}")

"""Agora: a Reddit/Postmill-like forum site (forums, posts, threaded comments, votes)."""

from __future__ import annotations

from pathlib import Path

from sites.definition import SiteDefinition
from sites.forum.accounts import accounts
from sites.forum.app import create_app
from sites.forum.seed import seed

SITE = SiteDefinition(
    name="forum",
    description=(
        "Agora, a Reddit-like forum: forums with subscriptions, posts sorted hot/new/top, "
        "threaded comments, votes, user profiles and search"
    ),
    seed=seed,
    create_app=create_app,
    seed_version="2",
    themes=("v1", "v2"),
    accounts=accounts(),
    tasks_file=Path(__file__).parent / "tasks.json",
)

__all__ = ["SITE"]

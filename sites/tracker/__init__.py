"""Tracker: a GitLab-issues-like bundled site (projects, issues, comments, milestones, wiki)."""

from __future__ import annotations

from pathlib import Path

from sites.definition import SiteDefinition
from sites.tracker.app import create_app
from sites.tracker.seed import ACCOUNTS, seed

SITE = SiteDefinition(
    name="tracker",
    description=(
        "A GitLab-like issue tracker: projects with members and roles, issues with labels, "
        "assignees, milestones and comments, and a wiki page per project."
    ),
    seed=seed,
    create_app=create_app,
    seed_version="1",
    themes=("v1", "v2"),
    accounts=dict(ACCOUNTS),
    tasks_file=Path(__file__).parent / "tasks.json",
)

__all__ = ["SITE"]

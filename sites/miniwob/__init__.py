"""MiniWoB++ served offline: the real benchmark pages from the installed `miniwob` package.

Unlike the other bundled sites there is no database, no login and no `tasks.json`: each task
page generates its own problem from a seed and scores itself in JavaScript. Use
`sites.miniwob.episodes` to start a seeded episode and read its reward, and
`sites.miniwob.tasks` to turn episodes into the project's task vocabulary.

    async with sites.serve("miniwob") as site:
        context = await browser.new_context(site.base_url)
        page = await context.new_page()
        episode = await start_episode(page, get_task("click-button"), seed=3)
        ...  # act on episode.utterance
        reward = await read_reward(page)  # reward.done, reward.raw (1.0 = solved)
"""

from __future__ import annotations

from pathlib import Path

from sites.definition import SiteDefinition
from sites.miniwob.app import create_app, html_dir
from sites.miniwob.episodes import (
    CURATED_TASKS,
    Episode,
    MiniWoBTask,
    Reward,
    get_task,
    read_reward,
    start_episode,
    wait_for_done,
)


def _no_seed(db_path: Path) -> None:
    """MiniWoB has no database: each page seeds its own problem (`Math.seedrandom`)."""
    del db_path


SITE = SiteDefinition(
    name="miniwob",
    description=(
        "MiniWoB++ benchmark pages (click, forms, widgets, email, social media, flights), "
        "served offline from the installed miniwob package; rewarded in the page."
    ),
    seed=_no_seed,
    create_app=create_app,
    seed_version="0",
    themes=("v1",),
    accounts={},
    login=None,
    has_database=False,
)

__all__ = [
    "CURATED_TASKS",
    "SITE",
    "Episode",
    "MiniWoBTask",
    "Reward",
    "get_task",
    "html_dir",
    "read_reward",
    "start_episode",
    "wait_for_done",
]

"""Habits of issue trackers (Roundup's) on a small fixture (see tracker_fixture.py): a note
typed into a textarea with wrap="hard" is kept with the line breaks the browser put where it
wrapped it, and the issue's page shows them: the created issue is still read back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.attempt import attempt
from agent.browser import BrowserSession
from agent.policies.heuristic.policy import HeuristicPolicy
from agent.policies.heuristic.propose import propose
from agent.policies.heuristic.sitemap import crawl
from agent.postconditions import shown
from agent.target import Target
from agent.workbench import Workbench
from skills_store import SkillLibrary
from tests.realsites.tracker_fixture import DeskServer


@pytest.fixture
def desk() -> Iterator[DeskServer]:
    server = DeskServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_a_note_the_browser_wraps_hard_is_still_read_back(
    desk: DeskServer, browser: BrowserSession, tmp_path: Path
) -> None:
    target = Target("desk", desk.base_url, accounts={}, start_path="/desk/", scope="/desk/")
    wb = Workbench(
        target, browser, SkillLibrary(tmp_path / "lib"), tmp_path / "run", skill_timeout_s=10
    )
    context = await browser.new_context(desk.base_url)
    try:
        page = await context.new_page()
        sitemap = await crawl(page, "/desk/", max_pages=20)
    finally:
        await context.close()
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    create = next(p for p in proposals if p.start_url == "/desk/new")
    assert [f["name"] for f in create.plan.fields] == ["title", "note"]  # type: ignore[union-attr]
    result, _ = await attempt(wb, HeuristicPolicy(), create, "run")
    assert result.verified, result.reason
    # the browser did wrap the notes: each was kept with a line break the test did not type
    notes = [n for _, kept in desk.state.issues.values() for n in kept if "check" in n]
    assert notes and all("\n" in n for n in notes)
    typed = {" ".join(str(c.inputs["note"]).split()) for c in create.positives()}
    assert typed <= {" ".join(n.split()) for n in notes}


def test_a_long_text_over_several_lines_of_a_row_is_shown_wherever_it_was_broken() -> None:
    note = "Skillwright check 1: this note was written by a verified skill. (re-check)"
    for lines in (
        ["Skillwright check 1: this note was written by a", "verified skill. (re-check)"],
        ["Skillwright check 1: this note was written by a verified skill. (re-", "check)"],
    ):
        assert shown(["Messages", *lines, "History"], note, None), lines
    assert not shown(["Skillwright check 1: this note was written", "by someone"], note, None)
    # a short value is never pieced together from several lines
    assert not shown(["bu", "g"], "bug", None)

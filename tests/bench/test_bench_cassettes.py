"""The committed real-model bench replays offline: ≥ 6 shop test tasks with and without skills,
from cassettes recorded through the llm-bridge (see `cassette_bench.py` for how to record).
Skipped until the cassettes are committed."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.benchmark import compare, load_suite, read_summary, run_bench, write_report
from agent.browser import BrowserSession
from agent.llm import from_spec
from tests.bench.cassette_bench import TASKS, WITH_SKILLS, WITHOUT_SKILLS, cassette_library

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (WITH_SKILLS.exists() and WITHOUT_SKILLS.exists()),
        reason="bench cassettes not recorded yet (tests/cassettes/bench_shop_*.jsonl)",
    ),
]


async def test_cassette_bench_replays_offline_and_reports(
    browser: BrowserSession, tmp_path: Path
) -> None:
    lib = cassette_library(tmp_path / "lib")
    runs = {}
    for name, cassette, use_skills in (
        ("without", WITHOUT_SKILLS, False),
        ("with", WITH_SKILLS, True),
    ):
        out = tmp_path / name
        summary = await run_bench(
            load_suite("shop", ids=TASKS),
            model=from_spec(f"replay:{cassette}"),
            out=out,
            library=lib,
            use_skills=use_skills,
            mode="program",
            workers=2,  # replay order does not matter: calls are keyed by their prompt
            browser=browser,
        )
        write_report(summary, out)
        # a replay miss (a prompt that changed) would be a model error on that task
        assert not [r.error for r in summary.tasks if r.verdict == "error"], summary.problems
        assert summary.totals.tasks == len(TASKS) >= 6 and summary.totals.passed >= 1
        runs[name] = out
    page = await browser.browser.new_page()
    try:
        await page.goto((runs["with"] / "report.html").as_uri())
        assert await page.locator("tr.task-row").count() == len(TASKS)
        assert await page.locator("img.shot").count() >= len(TASKS)
        await page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    finally:
        await page.close()
    cmp = compare(read_summary(runs["without"]), read_summary(runs["with"]))
    assert {m.key for m in cmp.metrics} >= {"success_rate", "tokens_per_solved"}
    assert len(cmp.tasks) == len(TASKS)

"""A bench on real shop tasks with scripted models: summary fields, report in Chromium, compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.benchmark import compare, read_summary
from agent.benchmark.compare import METRICS
from agent.browser import BrowserSession
from agent.cli import app
from tests.bench.scripted import BENCH_TASKS

pytestmark = pytest.mark.browser


def test_summary_has_every_field_and_skills_cut_steps(two_runs: tuple[Path, Path]) -> None:
    without, with_skills = (read_summary(p) for p in two_runs)
    for summary in (without, with_skills):
        assert [r.task_id for r in summary.tasks] == BENCH_TASKS
        assert [r.verdict for r in summary.tasks] == ["pass", "pass"], summary.tasks
        assert summary.totals.passed == 2 and summary.totals.errors == 0
        for r in summary.tasks:
            assert r.success is True and r.model_calls >= 1 and r.tokens_in > 0
            assert r.tokens_out > 0 and r.wall_s > 0 and r.steps >= 1 and r.eval_detail
    assert without.tasks[0].answer and "18.95" in str(without.tasks[0].answer)
    assert without.totals.skill_calls == 0 and not without.use_skills
    # with skills: one program per task, each calling a library skill
    assert [r.steps for r in with_skills.tasks] == [1, 1]
    assert [r.skill_calls for r in with_skills.tasks] == [["open_product"], ["add_to_cart"]]
    assert with_skills.totals.model_calls < without.totals.model_calls
    raw = json.loads((two_runs[1] / "summary.json").read_text())
    assert {"totals", "tasks", "problems", "llm", "mode", "use_skills"} <= set(raw)
    assert {
        "steps",
        "model_calls",
        "tokens_in",
        "tokens_out",
        "wall_s",
        "skill_calls",
        "error",
    } <= set(raw["tasks"][0])


async def test_report_opens_in_chromium_with_rows_and_screenshots(
    two_runs: tuple[Path, Path], browser: BrowserSession, tmp_path: Path
) -> None:
    report = two_runs[0] / "report.html"
    text = report.read_text()
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # offline
    page = await browser.browser.new_page()
    try:
        await page.goto(report.as_uri())
        assert await page.locator("tr.task-row").count() == 2
        assert await page.locator("section.task").count() == 2
        shots = page.locator("img.shot")
        # step mode without skills: 3 + 3 steps, a screenshot each
        assert await shots.count() == 6
        widths = await shots.evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
        assert all(w > 100 for w in widths), widths
        assert await page.get_by_text("What is the price of Bypass Pruning Shears?").count() >= 2
        assert await page.locator("pre", has_text="await ").count() == 6
        assert await page.get_by_text("Thought. step 3").count() == 2
        shot = tmp_path / "report.png"
        await page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    finally:
        await page.close()


def test_compare_prints_deltas_and_renders_charts(two_runs: tuple[Path, Path]) -> None:
    cmp = compare(read_summary(two_runs[0]), read_summary(two_runs[1]))
    calls = next(m for m in cmp.metrics if m.key == "model_calls_per_solved")
    assert calls.a == 3.0 and calls.b == 1.0 and calls.improved
    result = CliRunner().invoke(
        app, ["bench", "--compare", *map(str, two_runs)], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    out = result.output
    for label in (
        "success rate",
        "steps per solved task",
        "model calls per solved task",
        "tokens per solved task",
    ):
        assert label in out
    assert "without skills, step mode" in out and "with skills, program mode" in out
    assert "-2 (-67%)" in out  # model calls per solved task: 3 → 1
    assert "shop-024" in out and "3 → 1" in out
    html = (two_runs[1] / "compare.html").read_text()
    assert html.count("<svg") == len(METRICS)

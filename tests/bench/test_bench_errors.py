"""Bad input in a bench: unknown task ids, a library for another site, a model failing on one
task. The other tasks go on; the bad ones are `error` rows with their reason; the summary and
the terminal say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.benchmark import load_suite, run_bench
from agent.cli import app
from skills_store import SkillLibrary
from tests.bench.scripted import shop_solver
from tests.store.shop_skills import shop_library

pytestmark = pytest.mark.browser

FORUM_SKILL = '''
async def open_forum(page: Page, forum: str) -> None:
    """Open a forum by its name.

    Args:
        forum: Forum name, e.g. "General".
    """
    await page.goto("/")
    await page.get_by_role("link", name=forum).click()
'''


def test_unknown_ids_and_a_model_error_leave_the_other_tasks_running(tmp_path: Path) -> None:
    lib = shop_library(tmp_path / "lib")
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "shop",
            "--tasks",
            "shop-018,shop-999,shop-003,nonsense",
            "--llm",
            "langchain:tests.bench.scripted:failing_on_sticky_notes",
            "--library",
            str(lib.path),
            "--out",
            str(out),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    stdout = result.output
    summary = json.loads((out / "summary.json").read_text())
    rows = {r["task_id"]: r for r in summary["tasks"]}
    assert list(rows) == ["shop-018", "shop-999", "shop-003", "nonsense"]  # as requested
    assert rows["shop-003"]["verdict"] == "pass"  # ran after the failure
    assert rows["shop-018"]["verdict"] == "error"
    assert "503" in rows["shop-018"]["error"] and rows["shop-018"]["error"].startswith("model:")
    assert rows["shop-018"]["model_calls"] == 1
    for bad in ("shop-999", "nonsense"):
        assert rows[bad]["verdict"] == "error"
        assert f"unknown task id '{bad}'" in rows[bad]["error"]
    assert summary["totals"]["errors"] == 3 and summary["totals"]["passed"] == 1
    problems = " | ".join(summary["problems"])
    assert "unknown task id 'shop-999'" in problems and "shop-018: model:" in problems
    assert "problem:" in stdout and "1 error" not in stdout
    assert "3 error(s)" in stdout
    assert (out / "report.html").read_text().count('class="v v-error"') >= 3


async def test_a_library_for_another_site_is_an_error_per_task(tmp_path: Path) -> None:
    lib = SkillLibrary(tmp_path / "lib")
    lib.add(FORUM_SKILL, "forum", status="verified")
    model = shop_solver()
    summary = await run_bench(
        load_suite("shop", ids=["shop-003", "shop-024"]),
        model=model,
        out=tmp_path / "run",
        library=lib,
        use_skills=True,
    )
    assert [r.verdict for r in summary.tasks] == ["error", "error"]
    for r in summary.tasks:
        assert "no verified skills for site 'shop'" in (r.error or "")
        assert "it has verified skills for forum" in (r.error or "")
    assert summary.problems and "no task was run with skills" in summary.problems[0]
    assert summary.totals.errors == 2 and not model.calls  # nothing spent on a wrong library
    saved = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert saved["problems"] == summary.problems

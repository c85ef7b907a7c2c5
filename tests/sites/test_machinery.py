"""The shared site machinery: side-by-side instances, clear errors, the check and its CLI."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import sites
from agent.browser import BrowserSession
from sites.check import CheckReport, TaskCheck, check_site, check_task
from sites.harness import judge
from sites.tasks import Task, evaluate, load_tasks

REPO = Path(__file__).resolve().parents[2]
BAD_SQL = "SELECT no_such_column FROM no_such_table"

# ---------------------------------------------------------------- helpers


def dump(db: Path | None) -> list[str]:
    assert db is not None
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def execute(db: Path | None, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    assert db is not None
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(sql, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def shop_task_dicts() -> list[dict[str, Any]]:
    return json.loads((REPO / "sites" / "shop" / "tasks.json").read_text())


def state_task_with_bad_sql() -> dict[str, Any]:
    """A real shop state task whose evaluator SQL cannot run."""
    raw = next(t for t in shop_task_dicts() if t["eval"]["type"] == "state")
    raw["eval"]["sql"] = BAD_SQL
    return raw


def cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


# ---------------------------------------------------------------- instances side by side


async def test_two_shops_and_a_forum_run_side_by_side_without_interfering() -> None:
    shop_a, shop_b, forum = await asyncio.gather(
        sites.start_site("shop"), sites.start_site("shop"), sites.start_site("forum")
    )
    try:
        running = (shop_a, shop_b, forum)
        assert len({s.port for s in running}) == 3
        assert len({s.db_path for s in running}) == 3
        pristine_shop, pristine_forum = dump(shop_b.db_path), dump(forum.db_path)
        assert dump(shop_a.db_path) == pristine_shop

        # a write through shop A's HTTP lands in A's database only
        async with httpx.AsyncClient(base_url=shop_a.base_url) as http:
            r = await http.post("/newsletter", data={"email": "a@example.com", "next": "/"})
            assert r.status_code in (200, 303)
        assert execute(shop_a.db_path, "SELECT email FROM newsletter WHERE email = 'a@example.com'")
        assert dump(shop_b.db_path) == pristine_shop
        assert dump(forum.db_path) == pristine_forum

        # a write to shop B's database shows on B's pages, not on A's
        execute(shop_b.db_path, "UPDATE products SET name = 'Isolation Mug' WHERE id = 1")
        async with (
            httpx.AsyncClient(base_url=shop_a.base_url) as http_a,
            httpx.AsyncClient(base_url=shop_b.base_url) as http_b,
        ):
            assert "Isolation Mug" in (await http_b.get("/product/1")).text
            assert "Isolation Mug" not in (await http_a.get("/product/1")).text
        assert dump(forum.db_path) == pristine_forum

        # resetting A leaves B's change alone; resetting B restores it
        await shop_a.reset()
        assert dump(shop_a.db_path) == pristine_shop
        assert execute(shop_b.db_path, "SELECT name FROM products WHERE id = 1") == [
            ("Isolation Mug",)
        ]
        await shop_b.reset()
        assert dump(shop_b.db_path) == pristine_shop
    finally:
        await asyncio.gather(*(s.stop() for s in (shop_a, shop_b, forum)))


# ---------------------------------------------------------------- malformed tasks files


def test_tasks_file_with_invalid_json_names_file_and_task(tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    text = json.dumps(shop_task_dicts()[:3], indent=1)
    cut = text.index('"task_id": "shop-003"')
    path.write_text(text[:cut] + "{oops" + text[cut:])
    with pytest.raises(sites.TaskFileError) as err:
        load_tasks("shop", path)
    message = str(err.value)
    assert str(path) in message and "not valid JSON" in message and "shop-002" in message
    assert "\n" not in message


def test_tasks_file_with_a_missing_field_names_file_task_and_field(tmp_path: Path) -> None:
    raw = shop_task_dicts()[:3]
    del raw[1]["intent"]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(sites.TaskFileError) as err:
        load_tasks("shop", path)
    message = str(err.value)
    assert str(path) in message and "task shop-002" in message and "intent" in message


def test_tasks_file_with_a_wrong_eval_type_names_file_and_task(tmp_path: Path) -> None:
    raw = shop_task_dicts()[:3]
    raw[2]["eval"] = {"type": "vibes", "expected": "good"}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(sites.TaskFileError) as err:
        load_tasks("shop", path)
    message = str(err.value)
    assert str(path) in message and "task shop-003" in message and "eval" in message


def test_tasks_file_with_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    raw = shop_task_dicts()[:2]
    raw[1]["task_id"] = raw[0]["task_id"]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(sites.TaskFileError, match="duplicate task_id shop-001"):
        load_tasks("shop", path)


def test_evaluator_with_failing_sql_raises_evaluator_error_naming_the_task(
    tmp_path: Path,
) -> None:
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    task = Task.model_validate({**state_task_with_bad_sql(), "site": "shop"})
    with pytest.raises(sites.EvaluatorError, match=f"task {task.task_id}: evaluator SQL failed"):
        evaluate(task, answer=None, url="http://127.0.0.1/", db_path=db)


# ---------------------------------------------------------------- the check report


def _check(task_id: str, ref: bool, noop: bool, error: str | None = None) -> TaskCheck:
    return TaskCheck(
        task_id=task_id,
        reference_passed=ref,
        reference_detail="",
        noop_passed=noop,
        noop_detail="",
        error=error,
    )


def test_report_on_v1_needs_every_reference_and_no_noop() -> None:
    good = [_check("t1", True, False), _check("t2", True, False)]
    assert CheckReport(site="s", theme="v1", checks=good).ok
    broken = [_check("t1", True, False), _check("t2", False, False)]
    report = CheckReport(site="s", theme="v1", checks=broken)
    assert not report.ok
    assert report.summary() == "1/2 reference solutions pass; 2/2 no-op runs fail"


def test_report_on_v2_counts_broken_references_as_drift() -> None:
    checks = [_check("t1", True, False), _check("t2", False, False), _check("t3", False, False)]
    report = CheckReport(site="s", theme="v2", checks=checks, drift=True)
    assert report.ok
    assert report.summary() == "v2 drift: 2/3 reference solutions break; 3/3 no-op runs fail"
    noop_passes = CheckReport(
        site="s", theme="v2", checks=[*checks, _check("t4", False, True)], drift=True
    )
    assert not noop_passes.ok
    errored = CheckReport(
        site="s", theme="v2", checks=[*checks, _check("t4", False, False, "bad")], drift=True
    )
    assert not errored.ok
    assert "1 task(s) could not be evaluated" in errored.summary()


# ---------------------------------------------------------------- check_site on a live site


@pytest.mark.browser
async def test_check_reports_a_failing_evaluator_as_a_failed_task(
    browser: BrowserSession,
) -> None:
    good = load_tasks("shop")[0]
    bad = Task.model_validate({**state_task_with_bad_sql(), "site": "shop"})
    raising = good.model_copy(
        update={"task_id": "shop-raises", "reference": "raise RuntimeError('first\\n  second')"}
    )
    async with sites.serve("shop") as site:
        report = await check_site(site, [good, bad, raising], browser)
    assert [c.task_id for c in report.checks] == [good.task_id, bad.task_id, "shop-raises"]
    assert report.checks[0].ok
    broken = report.checks[2]
    assert not broken.ok and broken.error is None  # a broken reference, not a broken check
    assert broken.reference_detail == "reference raised RuntimeError: first second"
    failed = report.checks[1]
    assert not failed.ok and not failed.reference_passed
    assert failed.error is not None and f"task {bad.task_id}" in failed.error
    assert "evaluator SQL failed" in failed.error
    assert not report.ok
    assert "1 task(s) could not be evaluated" in report.summary()


@pytest.mark.browser
async def test_a_site_that_is_down_gives_a_clear_site_error(browser: BrowserSession) -> None:
    site = await sites.start_site("shop")
    task = load_tasks("shop")[0]
    context = await browser.new_context(site.base_url)
    try:
        page = await context.new_page()
        site.process.kill()
        await site.process.wait()
        with pytest.raises(sites.SiteError, match=r"'shop' .* is down"):
            await site.reset()
        with pytest.raises(sites.SiteError, match="is down"):
            judge(task, site, page, "75")
        with pytest.raises(sites.SiteError, match="is down"):
            await check_task(browser, site, task)
    finally:
        await context.close()
        await site.stop()
    with pytest.raises(sites.SiteError, match="is down"):
        await site.reset()


async def test_a_killed_site_is_noticed_without_waiting_on_the_event_loop() -> None:
    site = await sites.start_site("shop")
    try:
        site.process.kill()
        for _ in range(200):  # no `await`: asyncio has not recorded the exit yet
            try:
                site.ensure_running()
            except sites.SiteError as exc:
                assert "is down" in str(exc)
                break
            time.sleep(0.01)  # noqa: ASYNC251 (deliberately no event-loop turn)
        else:
            pytest.fail("ensure_running never noticed the killed server")
    finally:
        await site.stop()


# ---------------------------------------------------------------- CLI


def test_cli_check_unknown_site_is_one_line() -> None:
    assert_one_line_error(cli("sites", "check", "nosuch"), "unknown site 'nosuch'", "shop")


def test_cli_check_unknown_theme_is_one_line() -> None:
    assert_one_line_error(cli("sites", "check", "shop", "--theme", "v9"), "'v9'", "v1, v2")
    assert_one_line_error(cli("sites", "check", "miniwob", "--theme", "v2"), "'v2'")


def test_cli_check_malformed_tasks_file_is_one_line(tmp_path: Path) -> None:
    raw = shop_task_dicts()[:2]
    raw[1]["eval"]["type"] = "vibes"
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(raw))
    assert_one_line_error(
        cli("sites", "check", "shop", "--tasks", str(path)), str(path), "shop-002"
    )
    path.write_text("[{")
    assert_one_line_error(cli("sites", "check", "shop", "--tasks", str(path)), "not valid JSON")


@pytest.mark.browser
def test_cli_check_with_a_failing_evaluator_names_the_task(tmp_path: Path) -> None:
    bad = state_task_with_bad_sql()
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([bad]))
    result = cli("sites", "check", "shop", "--tasks", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    fail_lines = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(fail_lines) == 1, result.stdout
    assert bad["task_id"] in fail_lines[0] and "evaluator SQL failed" in fail_lines[0]
    assert "0/1 reference solutions pass" in result.stdout


def test_cli_list_counts_miniwob_curated_tasks() -> None:
    from sites.miniwob import CURATED_TASKS

    result = cli("sites", "list")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "miniwob" in line and "│" in line)
    cells = [c.strip() for c in row.split("│") if c.strip()]
    assert cells[:3] == ["miniwob", "v1", str(len(CURATED_TASKS))]
    shop = next(line for line in result.stdout.splitlines() if " shop " in line)
    assert str(len(load_tasks("shop"))) in shop

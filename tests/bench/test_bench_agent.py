"""The task agent itself: program mode falls back to step mode from where the program failed;
MiniWoB episodes through `bench`, judged by the page's own reward."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.benchmark import load_suite, run_bench
from agent.browser import BrowserSession
from agent.llm import ScriptedModel
from agent.target import Target
from agent.taskagent import run_task
from sites.tasks import load_tasks
from skills_store import SkillLibrary
from tests.bench.scripted import miniwob_solver, prompt_of, steps_done

pytestmark = pytest.mark.browser

MINIWOB = ["click-test", "click-button", "enter-text", "choose-list", "click-tab"]


async def test_program_failure_falls_back_to_steps_from_the_current_page(
    shop: Target, shop_lib: SkillLibrary, browser: BrowserSession, tmp_path: Path
) -> None:
    task = next(t for t in load_tasks("shop") if t.task_id == "shop-003")
    seen: list[str] = []

    def reply(messages: list[dict[str, Any]]) -> dict[str, Any]:
        prompt = prompt_of(messages)
        seen.append(prompt)
        if "Write ONE short" in prompt:  # the program: the search works, then a wrong call
            return {
                "thought": "search, then open the product",
                "code": 'await search_products(page, "Bypass Pruning Shears")\n'
                "await open_product(page)",
            }
        if steps_done(prompt) == 0:
            return {
                "thought": "the results are showing; open the product",
                "code": 'await click(page.get_by_role("link", name="Bypass Pruning Shears", '
                "exact=True))",
            }
        return {
            "thought": "read the price",
            "code": 'return await page.get_by_text("Price:").inner_text()',  # return answers
            "done": True,
        }

    await shop.reset()
    result = await run_task(
        shop,
        task,
        model=ScriptedModel(reply),
        library=shop_lib,
        mode="program",
        folder=tmp_path,
        browser=browser,
    )
    assert result.fell_back and result.verdict == "pass", result
    assert [s.kind for s in result.trace] == ["program", "step", "step"]
    assert "open_product: missing a required argument" in (result.trace[0].error or "")
    assert result.steps == 3 and result.model_calls == 3
    assert result.skill_calls == ["search_products"]
    # the step loop continued on the search results the program had reached
    assert result.trace[1].url.startswith("/search") and "q=Bypass" in result.trace[1].url
    assert "failed: " in seen[1] and "Continue from the current page" in seen[1]
    assert "127.0.0.1" not in "".join(seen)  # no origin/port in any prompt (cassettes replay)
    assert (tmp_path / "program.json").exists() and (tmp_path / "steps" / "02.png").exists()


async def test_miniwob_bench_reads_the_reward_from_the_page(
    miniwob: Target, browser: BrowserSession, tmp_path: Path
) -> None:
    suite = load_suite("miniwob", ids=MINIWOB)
    assert [s.task_id for s in suite.tasks] == [f"miniwob-{n}-10000" for n in MINIWOB]
    summary = await run_bench(
        suite,
        model=miniwob_solver(),
        out=tmp_path,
        use_skills=False,
        mode="program",
        targets=[miniwob],
        browser=browser,
    )
    assert [r.verdict for r in summary.tasks] == ["pass"] * 5, [
        (r.task_id, r.eval_detail, r.error) for r in summary.tasks
    ]
    assert all(r.eval_detail.startswith("raw reward 1") for r in summary.tasks)
    assert summary.tasks[1].intent.startswith("Click on the")  # the episode's own utterance
    assert summary.totals.success_rate == 1.0


async def test_miniwob_wrong_action_is_a_failure_not_a_pass(
    miniwob: Target, browser: BrowserSession, tmp_path: Path
) -> None:
    """The same run with a model that clicks the wrong button: the page's reward says fail."""

    def wrong(messages: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "thought": "guess",
            "code": "await click(page.locator('#area button').last)",
            "done": True,
        }

    summary = await run_bench(
        load_suite("miniwob", ids=["click-button"]),
        model=ScriptedModel(wrong),
        out=tmp_path,
        use_skills=False,
        mode="step",
        max_steps=2,
        targets=[miniwob],
        browser=browser,
    )
    (r,) = summary.tasks
    assert r.verdict == "fail" and r.success is False and "raw reward" in r.eval_detail

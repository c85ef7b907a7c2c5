"""Bench fixtures: one served shop for the module's tests, a library of hand-checked shop
skills, and two bench runs on the same shop tasks (no skills in step mode; skills in program
mode) that the report and compare tests read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from agent.benchmark import BenchSummary, load_suite, run_bench, write_report
from agent.browser import BrowserSession
from agent.target import Target, open_target
from skills_store import SkillLibrary
from tests.bench.scripted import BENCH_TASKS, shop_solver
from tests.store.shop_skills import shop_library


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def shop() -> AsyncIterator[Target]:
    target = await open_target("shop")
    try:
        yield target
    finally:
        await target.close()


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def miniwob() -> AsyncIterator[Target]:
    target = await open_target("miniwob")
    try:
        yield target
    finally:
        await target.close()


@pytest.fixture(scope="package")
def shop_lib(tmp_path_factory: pytest.TempPathFactory) -> SkillLibrary:
    return shop_library(tmp_path_factory.mktemp("bench-lib"))


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def two_runs(
    shop: Target,
    shop_lib: SkillLibrary,
    browser: BrowserSession,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path]:
    """(run without skills in step mode, run with skills in program mode), reports written."""
    runs = []
    for use_skills, mode in ((False, "step"), (True, "program")):
        out = tmp_path_factory.mktemp(f"bench-{'skills' if use_skills else 'noskills'}")
        summary: BenchSummary = await run_bench(
            load_suite("shop", ids=BENCH_TASKS),
            model=shop_solver(),
            out=out,
            library=shop_lib,
            use_skills=use_skills,
            mode=mode,
            targets=[shop],
            browser=browser,
        )
        write_report(summary, out)
        runs.append(out)
    return runs[0], runs[1]

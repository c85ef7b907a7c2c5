"""End-to-end fixtures: ONE real `skillwright explore shop --policy heuristic` per test session,
run through the CLI in a subprocess and shared by the tests that inspect its results."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import (
    EXPLORE_TIMEOUT_S,
    TIMINGS,
    Explored,
    explore_cmd,
    record_timing,
    run_cli,
    sandbox,
)


@pytest.fixture(scope="session")
def e2e_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pristine site databases for every process of the e2e session ($SKILLWRIGHT_CACHE)."""
    return tmp_path_factory.mktemp("e2e-cache")


@pytest.fixture(scope="session")
def explored(
    tmp_path_factory: pytest.TempPathFactory, e2e_cache: Path, pytestconfig: pytest.Config
) -> Iterator[Explored]:
    """The one real exploration of the shop, through the CLI, in a subprocess."""
    root = tmp_path_factory.mktemp("explore")
    box = sandbox(root, e2e_cache, columns=200)
    library, run_dir = root / "library", root / "run"
    began = time.perf_counter()
    try:
        result = run_cli(explore_cmd(library, run_dir), box, timeout_s=EXPLORE_TIMEOUT_S)
    finally:
        seconds = time.perf_counter() - began
        record_timing(pytestconfig, "explore shop (session fixture, CLI subprocess)", seconds)
    yield Explored(
        library=library,
        run_dir=run_dir,
        returncode=result.returncode,
        stdout=result.stdout,
        stderr=result.stderr,
        seconds=seconds,
        leftover=result.leftover,
        tmpdir=box.tmpdir,
    )


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    timings = config.stash.get(TIMINGS, {})
    if timings:
        terminalreporter.section("e2e timings")
        for name, seconds in timings.items():
            terminalreporter.write_line(f"{name}: {seconds:.1f} s")

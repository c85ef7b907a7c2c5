"""Shared fixtures: one browser per test session, an isolated cache of pristine site databases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from agent.browser import BrowserSession


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Pristine site databases go to a per-session temp dir ($SKILLWRIGHT_CACHE)."""
    path = tmp_path_factory.mktemp("skillwright-cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("SKILLWRIGHT_CACHE", str(path))
    try:
        yield path
    finally:
        patch.undo()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[BrowserSession]:
    """One headless Chromium for the whole test session (tests open their own contexts)."""
    async with BrowserSession() as session:
        yield session


TIMING_PREFIX = "e2e timing: "  # as tests/e2e/e2e_support.py attaches them to reports


class _E2ETimings:
    """Collects the e2e timings attached to test reports (from this process or from a
    pytest-xdist worker) and prints them after the run."""

    def __init__(self) -> None:
        self.shown: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if isinstance(name, str) and name.startswith(TIMING_PREFIX):
                self.shown[name.removeprefix(TIMING_PREFIX)] = str(value)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.shown:
            terminalreporter.section("e2e timings")
            for name, value in self.shown.items():
                terminalreporter.write_line(f"{name}: {value}")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`--dist loadgroup`) a test file runs on one worker, so its module
    fixtures are built once; groups set elsewhere (the e2e tests share one) are kept."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_E2ETimings(), "e2e-timings")

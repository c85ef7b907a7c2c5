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

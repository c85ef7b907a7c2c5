"""Security tests share the session's Chromium and one served shop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from security_listeners import Listeners, listening

from sites import RunningSite, start_site


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def shop_site() -> AsyncIterator[RunningSite]:
    site = await start_site("shop")
    try:
        yield site
    finally:
        await site.stop()


@pytest.fixture
def listeners() -> Iterator[Listeners]:
    with listening() as made:
        yield made

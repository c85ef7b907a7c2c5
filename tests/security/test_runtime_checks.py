"""The run-time checks refuse what they must and leave ordinary skill code alone (no browser)."""

from __future__ import annotations

import asyncio

import pytest

from agent.sandbox import ContainmentError, ResourceLimitError, compile_skill
from agent.skill_urls import checked_relative_url

ALLOWED = {
    "/": "/",
    "/search?q=mug&page=2": "/search?q=mug&page=2",
    "search?q=a:b": "search?q=a:b",
    "?q=1": "?q=1",
    "#top": "#top",
    "": "",
    "  /cart  ": "/cart",
    "/a\\b": "/a/b",
    "/%2F%2Fhost": "/%2F%2Fhost",
    "/path/javascript:x": "/path/javascript:x",
}
REFUSED = [
    "javascript:alert(1)",
    "JavaScript:1",
    " java\tscript:1",
    "java\nscript:1",
    "\x00javascript:1",
    "data:text/html,x",
    "blob:http://127.0.0.1/x",
    "file:///etc/passwd",
    "http://127.0.0.2/",
    "https://example.com/",
    "//127.0.0.2/",
    "/\\127.0.0.2/",
    "\\\\127.0.0.2/",
    "\t//127.0.0.2/",
    "/\t/127.0.0.2/",
    "ws://127.0.0.2/",
    "view-source:/",
    "about:blank",
    "chrome://settings",
]


@pytest.mark.parametrize("url", list(ALLOWED))
def test_relative_urls_are_kept_normalised(url: str) -> None:
    assert checked_relative_url(url) == ALLOWED[url]


@pytest.mark.parametrize("url", REFUSED)
def test_urls_leaving_the_origin_are_refused(url: str) -> None:
    with pytest.raises(ContainmentError, match="refused"):
        checked_relative_url(url)


ORDINARY = '''
async def tidy(page: Page, words: str, n: int = 3) -> dict:
    """Everyday Python a skill may use, all of it instrumented."""
    parts = [w.strip() for w in words.split(",") if w.strip()]
    counts = {}
    for w in parts:
        counts[w] = counts.get(w, 0) + 1
        counts[w] += 0
    total = 0
    i = 0
    while i < n:
        total += i ** 2
        i += 1
    label = ", ".join(sorted(parts)).replace("a", "A").ljust(3)
    pick = sorted(parts, key=lambda p: (len(p), p))
    grid = [[0] * 2] * 2
    return {"label": label, "total": total + sum(range(n)), "counts": counts,
            "pick": pick[:2], "grid": grid, "big": 2 ** 64 * 3, "shift": 1 << 10,
            "round": round(3.14159, 2), "text": "ab" * 3 + f"{total:>4}"}
'''


def test_ordinary_code_behaves_as_plain_python() -> None:
    fn = compile_skill(ORDINARY, "tidy")
    result = asyncio.run(fn.sandbox_inner(None, "b, a, b, c"))  # type: ignore[attr-defined]
    assert result == {
        "label": "A, b, b, c",
        "total": 0 + 1 + 4 + 3,
        "counts": {"b": 2, "a": 1, "c": 1},
        "pick": ["a", "b"],
        "grid": [[0, 0], [0, 0]],
        "big": 2**64 * 3,
        "shift": 1024,
        "round": 3.14,
        "text": "ababab   5",
    }


def test_size_checks_name_the_limit() -> None:
    fn = compile_skill(
        'async def grow(page: Page) -> int:\n    return len("x" * 10 ** 9)\n', "grow"
    )
    with pytest.raises(ResourceLimitError, match="beyond 10,000,000 items"):
        asyncio.run(fn.sandbox_inner(None))  # type: ignore[attr-defined]

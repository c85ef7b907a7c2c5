"""The runnable examples work against the library the main job built."""

from __future__ import annotations

import sys

import pytest
from e2e_support import REPO, Explored, Sandbox, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def test_import_skills_example(explored: Explored, box: Sandbox) -> None:
    script = str(REPO / "examples" / "import_skills.py")
    result = run_cli([sys.executable, script, "--library", str(explored.library)], box)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "search_products('mug') ->" in result.stdout
    assert "add_to_cart(" in result.stdout and "', 2)]" in result.stdout
    assert not result.leftover


def test_langchain_tools_example(explored: Explored, box: Sandbox) -> None:
    script = str(REPO / "examples" / "langchain_tools.py")
    result = run_cli([sys.executable, script, "--library", str(explored.library)], box)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"search_products"' in result.stdout.splitlines()[0]
    assert "open_product -> http://127.0.0.1:" in result.stdout
    assert "/product/" in result.stdout

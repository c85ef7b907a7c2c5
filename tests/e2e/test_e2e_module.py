"""Walking skeleton, part 3: the generated `shop.py` is lint-clean, documented, and free of
refs, generated ids and credentials."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_support import REPO, Explored

from sites import get_site
from skills_store import SkillLibrary

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

RUFF = Path(sys.executable).parent / "ruff"
REF_IN_STRING = re.compile(r"""['"]e\d+['"]""")
ID_SELECTOR = re.compile(r"(?:^|[\s>+~,(])#[A-Za-z_][\w-]*")


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    assert RUFF.is_file(), f"no ruff next to {sys.executable}"
    return subprocess.run(
        [str(RUFF), *args], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )


def module_functions(path: Path) -> dict[str, ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text())
    return {n.name: n for n in tree.body if isinstance(n, ast.AsyncFunctionDef)}


SELECTOR_METHODS = {
    "locator",
    "wait_for_selector",
    "query_selector",
    "query_selector_all",
    "click",
    "fill",
    "type",
    "press",
    "check",
    "hover",
    "select_option",
}


def selector_strings(fn: ast.AsyncFunctionDef) -> list[str]:
    """String literals passed as the first argument of a selector-taking call."""
    found: list[str] = []
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SELECTOR_METHODS
            and node.args
        ):
            found += [
                n.value
                for n in ast.walk(node.args[0])
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
    return found


def test_generated_module_passes_ruff(explored: Explored) -> None:
    assert explored.returncode == 0
    path = explored.library / "shop.py"
    assert path.is_file()
    isolated = ruff("check", "--no-cache", "--isolated", str(path))
    assert isolated.returncode == 0, isolated.stdout + isolated.stderr
    project = ruff("check", "--no-cache", "--config", str(REPO / "pyproject.toml"), str(path))
    assert project.returncode == 0, project.stdout + project.stderr
    formatted = ruff(
        "format", "--check", "--no-cache", "--config", str(REPO / "pyproject.toml"), str(path)
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_every_skill_is_documented(explored: Explored) -> None:
    assert explored.returncode == 0
    functions = module_functions(explored.library / "shop.py")
    stored = {s.name for s in SkillLibrary(explored.library).module_skills("shop")}
    assert set(functions) == stored, "the module and the index disagree on the skills"
    for name, fn in functions.items():
        doc = ast.get_docstring(fn)
        assert doc, f"{name} has no docstring"
        assert doc.splitlines()[0].strip(), f"{name}: the docstring has no summary line"
        assert "Returns:" in doc, f"{name}: no 'Returns:' section"
        params = [a.arg for a in fn.args.args + fn.args.kwonlyargs if a.arg != "page"]
        if params:
            assert "Args:" in doc, f"{name}: no 'Args:' section"
            args = doc.split("Args:", 1)[1].split("Returns:", 1)[0]
            for param in params:
                assert re.search(rf"^\s+{param}:", args, re.M), f"{name}: {param} undocumented"


def test_skill_code_has_no_refs_ids_or_credentials(explored: Explored) -> None:
    assert explored.returncode == 0
    passwords = set(get_site("shop").accounts.values())
    assert passwords
    module_text = (explored.library / "shop.py").read_text()
    stored = SkillLibrary(explored.library).list(site="shop")
    sources = {f"index:{s.name}": s.code for s in stored} | {"shop.py": module_text}
    for where, code in sources.items():
        assert "aria-ref" not in code, f"{where} uses an aria-ref locator"
        assert not REF_IN_STRING.search(code), f"{where}: {REF_IN_STRING.search(code)}"
        leaked = [p for p in passwords if p in code]
        assert not leaked, f"{where} contains a seeded account's password"
    for name, fn in module_functions(explored.library / "shop.py").items():
        ids = [s for s in selector_strings(fn) if ID_SELECTOR.search(s)]
        assert not ids, f"{name} uses #id CSS selectors: {ids}"

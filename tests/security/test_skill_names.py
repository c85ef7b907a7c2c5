"""Skill names never shadow builtins, `expect`, `Page` or other reserved names."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.sandbox import compile_library
from skills_store import PolicyViolation, SkillLibrary
from skills_store.policy import check_skill_name

RESERVED = ["len", "str", "sorted", "expect", "Page", "Locator", "print", "range", "annotations"]


@pytest.mark.parametrize("name", RESERVED)
def test_the_library_refuses_a_reserved_name(name: str, tmp_path: Path) -> None:
    library = SkillLibrary(tmp_path / "lib")
    code = f'async def {name}(page: Page) -> int:\n    """Shadows {name}."""\n    return 1\n'
    with pytest.raises(PolicyViolation, match="reserved"):
        library.add(code, "shop", status="verified")
    assert library.list(site="shop") == []


def test_a_plain_name_is_accepted_and_builtins_keep_working(tmp_path: Path) -> None:
    library = SkillLibrary(tmp_path / "lib")
    library.add(
        'async def count_words(page: Page, text: str) -> int:\n    """Count."""\n'
        "    return len(text.split())\n",
        "shop",
        status="verified",
    )
    check_skill_name("count_words")
    skills = compile_library({s.name: s.code for s in library.list(site="shop")})
    assert set(skills) == {"count_words"}


@pytest.mark.parametrize("name", ["_hidden", "__init__", "naïve", "match", "case"])
def test_other_unusable_names(name: str) -> None:
    with pytest.raises(PolicyViolation):
        check_skill_name(name)

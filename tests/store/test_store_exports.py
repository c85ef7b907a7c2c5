"""Agent Skills and package exports: spec-valid folders, runnable scripts, a package tree."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import skills_ref
from shop_skills import SHOP_SKILLS, shop_library
from store_helpers import skill_named

from skills_store import SkillLibrary
from skills_store.agent_skills import MAX_DESCRIPTION, agent_skill_name

REPO = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).parent / "ruff"
PROJECT_RULES = ["--select", "E,F,I,B,UP,ASYNC,RUF", "--line-length", "100", "--isolated"]


def test_agent_skills_export_of_the_shop_passes_the_spec_validator(tmp_path: Path) -> None:
    library = shop_library(tmp_path / "lib")
    library.add(SHOP_SKILLS[0].replace("first results page", "first page"), "shop")  # candidate
    out = tmp_path / "agent-skills"
    result = subprocess.run(
        [sys.executable, "-m", "agent.cli", "skills", "export", "shop", "--format",
         "agent-skills", "--out", str(out), "--library", str(library.path)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    folders = sorted(p for p in out.iterdir())
    assert [f.name for f in folders] == sorted(
        agent_skill_name("shop", s.name) for s in library.list("shop")
    )
    for folder in folders:
        assert skills_ref.validate(folder) == [], folder.name
        props = skills_ref.read_properties(folder)
        assert props.name == folder.name
        assert 0 < len(props.description) <= MAX_DESCRIPTION
        assert props.metadata["site"] == "shop"
        assert props.metadata["status"] == "verified"
        assert props.metadata["verified"]  # an ISO date
        name = props.metadata["skill"]
        assert props.metadata["version"] == str(library.list("shop")[0].version)
        script = folder / "scripts" / f"{name}.py"
        assert script.is_file()
        checked = subprocess.run(
            [str(RUFF), "check", *PROJECT_RULES, str(script)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout
    add = skills_ref.read_properties(out / "shop-add-to-cart")
    assert add.description.startswith("Add a product to the shopping cart. Use it when")
    helped = subprocess.run(
        [sys.executable, str(out / "shop-add-to-cart" / "scripts" / "add_to_cart.py"), "--help"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert helped.returncode == 0 and "--product PRODUCT" in helped.stdout
    # the script carries the skill it calls (add_to_cart opens the product first)
    text = (out / "shop-add-to-cart" / "scripts" / "add_to_cart.py").read_text()
    assert "async def open_product(" in text and "async def add_to_cart(" in text


def test_agent_skill_names_follow_the_spec(library: SkillLibrary, tmp_path: Path) -> None:
    assert agent_skill_name("shop", "add_to_cart") == "shop-add-to-cart"
    assert agent_skill_name("my_site.example-1", "__Odd__Name_") == "my-site-example-1-odd-name"
    long = agent_skill_name("shop", "x" * 100)
    assert len(long) == 64 and not long.endswith("-")
    for name in ("fill__twice", "z" * 70, "Capital_Letters"):
        library.add(skill_named(name), "s", status="verified")
    out = library.export("s", "agent-skills", tmp_path / "out")
    for folder in out.iterdir():
        assert skills_ref.validate(folder) == [], folder.name


def test_export_all_includes_other_statuses(library: SkillLibrary, tmp_path: Path) -> None:
    library.add(skill_named("kept"), "s", status="verified")
    library.add(skill_named("tried"), "s", status="candidate")
    library.add(skill_named("broke"), "s", status="failing")
    verified = library.export("s", "agent-skills", tmp_path / "v")
    assert sorted(p.name for p in verified.iterdir()) == ["s-kept"]
    everything = library.export("s", "agent-skills", tmp_path / "a", include_all=True)
    assert sorted(p.name for p in everything.iterdir()) == ["s-broke", "s-kept", "s-tried"]
    assert skills_ref.read_properties(everything / "s-broke").metadata["status"] == "failing"
    assert [t["function"]["name"] for t in library.as_openai_tools("s", include_all=True)] == [
        "broke", "kept", "tried",
    ]  # fmt: skip


def test_package_export_tree(tmp_path: Path) -> None:
    library = shop_library(tmp_path / "lib")
    dest = library.export_package("shop", tmp_path / "pkg")
    project = tomllib.loads((dest / "pyproject.toml").read_text())["project"]
    assert project["name"] == "skillwright-shop-skills"
    assert project["dependencies"] == ["playwright>=1.40"]
    package = dest / "src" / "skillwright_shop_skills"
    for path in (package / "__init__.py", package / "__main__.py"):
        checked = subprocess.run(
            [str(RUFF), "check", *PROJECT_RULES, str(path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "skillwright_shop_skills", "list"],
        capture_output=True, text=True, cwd=dest / "src", check=False,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "add_to_cart: Add a product to the shopping cart." in listed.stdout.splitlines()
    with pytest.raises(KeyError, match="no skills for site"):
        library.export_package("nowhere", tmp_path / "x")

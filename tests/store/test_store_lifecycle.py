"""Lifecycle (candidate → verified → failing → retired), history, usage counters, --all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import ADD_TO_CART, ADD_TO_CART_V2, VIEW_CART, skill_named

from skills_store import LibraryError, Provenance, SkillLibrary, TestRecord

REPO = Path(__file__).resolve().parents[2]


def test_a_version_moves_through_its_lifecycle(library: SkillLibrary) -> None:
    added = library.add(VIEW_CART, "shop")
    assert (added.status, added.verified_at) == ("candidate", None)
    assert library.list("shop") == [] and library.load("shop").__all__ == []
    verified = library.set_status("shop", "view_cart", "verified")
    assert verified.verified_at is not None
    assert library.load("shop").__all__ == ["view_cart"]
    failing = library.set_status("shop", "view_cart", "failing")
    assert failing.verified_at == verified.verified_at  # when it was last proven
    assert library.load("shop").__all__ == []  # a failing skill is not served
    assert [s.name for s in library.list("shop", status="failing")] == ["view_cart"]
    assert library.set_status("shop", "view_cart", "verified").status == "verified"  # repaired
    assert library.set_status("shop", "view_cart", "retired").status == "retired"
    assert library.search("cart", site="shop") == []
    assert [s.name for s in library.search("cart", site="shop", status="retired")] == ["view_cart"]
    # names used by libraries written before the lifecycle still work
    assert library.set_status("shop", "view_cart", "failed").status == "failing"  # type: ignore[arg-type]
    with pytest.raises(LibraryError, match="one of candidate, verified, failing, retired"):
        library.set_status("shop", "view_cart", "broken")  # type: ignore[arg-type]


def test_history_keeps_every_version_with_its_own_tests_and_provenance(
    library: SkillLibrary,
) -> None:
    first = Provenance(policy="heuristic", run_id="r1", source_task="add a mug")
    second = Provenance(policy="llm", run_id="r2", model="m")
    mug = TestRecord(passed=True, inputs={"product": "Mug"})
    tea = TestRecord(passed=False, inputs={"product": "Tea"}, error="timeout")
    library.add(ADD_TO_CART, "shop", status="verified", provenance=first, tests=[mug])
    library.add(ADD_TO_CART_V2, "shop", status="verified", provenance=second, tests=[tea])
    library.set_status("shop", "add_to_cart", "failing", version=2)
    history = library.history("shop", "add_to_cart")
    assert [(s.version, s.status) for s in history] == [(1, "verified"), (2, "failing")]
    assert [s.provenance for s in history] == [first, second]
    assert [[t.inputs for t in s.tests] for s in history] == [[mug.inputs], [tea.inputs]]
    assert history[1].tests[0].error == "timeout"
    # the module falls back to the newest version still verified
    assert 'name="Add to cart"' in library.module_path("shop").read_text()


def test_usage_counters_follow_the_version_that_runs(library: SkillLibrary) -> None:
    library.add(ADD_TO_CART, "shop", status="verified")
    library.add(ADD_TO_CART_V2, "shop")  # a newer candidate is not what runs
    library.record_usage("shop", "add_to_cart", ok=True)
    library.record_usage("shop", "add_to_cart", ok=False)
    library.record_usage("shop", "add_to_cart", ok=True, version=2)
    v1, v2 = library.history("shop", "add_to_cart")
    assert (v1.calls, v1.successes, v2.calls, v2.successes) == (2, 1, 1, 1)
    assert v1.last_used_at is not None


def test_usage_breaks_ties_in_search(library: SkillLibrary) -> None:
    library.add(skill_named("fill_alpha_field"), "s", status="verified")
    library.add(skill_named("fill_beta_field"), "s", status="verified")
    for _ in range(3):
        library.record_usage("s", "fill_beta_field", ok=True)
    assert library.search("fill field", site="s")[0].name == "fill_beta_field"


def test_cli_lists_and_searches_verified_by_default_and_all_with_flag(tmp_path: Path) -> None:
    library = SkillLibrary(tmp_path / "lib")
    library.add(VIEW_CART, "shop", status="verified")
    library.add(ADD_TO_CART, "shop", status="candidate")

    def cli(*args: str) -> list[str]:
        result = subprocess.run(
            [sys.executable, "-m", "agent.cli", "skills", *args, "--library", str(library.path),
             "--json"],
            capture_output=True, text=True, cwd=REPO, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return [s["name"] for s in json.loads(result.stdout)]

    assert cli("list") == ["view_cart"]
    assert cli("list", "--all") == ["add_to_cart", "view_cart"]
    assert cli("search", "cart") == ["view_cart"]
    assert sorted(cli("search", "cart", "--all")) == ["add_to_cart", "view_cart"]

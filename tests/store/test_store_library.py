"""Adding, deduplicating, versioning, listing, getting and searching skills."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_helpers import (
    ADD_ADDRESS,
    ADD_TO_CART,
    ADD_TO_CART_V2,
    POST_COMMENT,
    SEARCH_PRODUCTS,
    VIEW_CART,
)

from skills_store import (
    LibraryError,
    PolicyViolation,
    Provenance,
    SkillLibrary,
    SkillNotFoundError,
    TestRecord,
)


def _record(passed: bool = True, **inputs: object) -> TestRecord:
    return TestRecord(passed=passed, inputs=dict(inputs), checked="cart count", duration_s=0.5)


def test_add_parses_and_stores(library: SkillLibrary) -> None:
    provenance = Provenance(policy="heuristic", run_id="r1", source_task="t1")
    skill = library.add(
        SEARCH_PRODUCTS, "shop", status="verified", tests=[_record(query="mug")],
        provenance=provenance,
    )  # fmt: skip
    assert skill.name == "search_products"
    assert skill.version == 1
    assert skill.status == "verified"
    assert skill.signature.startswith("async def search_products(page: Page, query: str")
    assert skill.returns == "list[str]"
    assert [(p.name, p.annotation, p.default) for p in skill.params] == [
        ("query", "str", None),
        ("category", "str | None", "None"),
    ]
    assert skill.params[0].description == 'Words to search for, e.g. "mug".'
    assert skill.code.startswith("async def search_products")
    assert skill.provenance == provenance
    assert [t.inputs for t in skill.tests] == [{"query": "mug"}]
    assert skill.tests[0].skill == "search_products" and skill.tests[0].version == 1
    assert skill.pass_rate == 1.0
    assert library.get("search_products", "shop") == skill


def test_identical_code_dedups_and_accumulates_tests(library: SkillLibrary) -> None:
    first = library.add(ADD_TO_CART, "shop", tests=[_record(product="Mug")])
    reformatted = "\n\n" + ADD_TO_CART.replace("\n    await", "\n    # step\n    await") + "\n"
    again = library.add(reformatted, "shop", tests=[_record(False, product="Tea")])
    assert again.version == first.version == 1
    assert again.code == first.code
    assert len(again.tests) == 2
    assert again.pass_rate == 0.5
    assert again.status == "candidate"
    promoted = library.add(ADD_TO_CART, "shop", status="verified")
    assert promoted.version == 1 and promoted.status == "verified"
    not_demoted = library.add(ADD_TO_CART, "shop")
    assert not_demoted.status == "verified"
    assert len(library.versions("add_to_cart", "shop")) == 1


def test_changed_code_is_a_new_version_and_history_is_kept(library: SkillLibrary) -> None:
    library.add(ADD_TO_CART, "shop", status="verified")
    v2 = library.add(ADD_TO_CART_V2, "shop")
    assert v2.version == 2 and v2.status == "candidate"
    assert [s.version for s in library.versions("add_to_cart", "shop")] == [1, 2]
    assert library.get("add_to_cart", "shop").version == 2
    assert library.get("add_to_cart", "shop", version=1).status == "verified"
    # list(): per name, the latest version having the status asked for
    assert [s.version for s in library.list("shop")] == [1]
    assert [s.version for s in library.list("shop", status=None)] == [2]
    assert [s.version for s in library.list("shop", status="candidate")] == [2]
    # re-adding version 1's code returns version 1 rather than duplicating it
    assert library.add(ADD_TO_CART, "shop").version == 1


def test_status_and_tests_updates(library: SkillLibrary) -> None:
    library.add(VIEW_CART, "shop")
    assert library.list("shop") == []
    updated = library.record_tests("shop", "view_cart", [_record(), _record(False)])
    assert updated.pass_rate == 0.5
    assert library.set_status("shop", "view_cart", "verified").status == "verified"
    assert [s.name for s in library.list("shop")] == ["view_cart"]
    with pytest.raises(LibraryError, match="invalid status 'great'"):
        library.set_status("shop", "view_cart", "great")  # type: ignore[arg-type]


def test_list_sites_and_filters(library: SkillLibrary) -> None:
    library.add(SEARCH_PRODUCTS, "shop", status="verified")
    library.add(VIEW_CART, "shop", status="verified")
    library.add(POST_COMMENT, "forum", status="verified")
    library.add(ADD_ADDRESS, "shop", status="failed")
    assert library.sites() == ["forum", "shop"]
    assert [s.name for s in library.list("shop")] == ["search_products", "view_cart"]
    assert [s.name for s in library.list()] == ["post_comment", "search_products", "view_cart"]
    assert [s.name for s in library.list("shop", status="failed")] == ["add_address"]
    assert len(library.list(status=None)) == 4


def test_get_unknown_names_close_matches(library: SkillLibrary) -> None:
    library.add(ADD_TO_CART, "shop")
    library.add(VIEW_CART, "shop")
    with pytest.raises(KeyError) as caught:
        library.get("add_to_crt", "shop")
    assert str(caught.value) == "no skill 'add_to_crt' for site 'shop'; did you mean: add_to_cart?"
    with pytest.raises(SkillNotFoundError, match="known skills: add_to_cart, view_cart"):
        library.get("zzz", "shop")
    with pytest.raises(SkillNotFoundError, match="site 'forum' has no skills; known sites: shop"):
        library.get("post_comment", "forum")
    with pytest.raises(SkillNotFoundError, match="has no version 7"):
        library.get("add_to_cart", "shop", version=7)


def test_policy_violation_is_not_stored(library: SkillLibrary) -> None:
    with pytest.raises(PolicyViolation, match="line 2: name 'open' is not allowed"):
        library.add("async def steal(page: Page) -> str:\n    return open('/etc/passwd')\n", "x")
    assert library.sites() == []


def test_skills_may_call_other_skills_of_their_site(library: SkillLibrary) -> None:
    code = (
        "async def buy(page: Page, product: str) -> None:\n"
        '    """Add one product to the cart and open the cart."""\n'
        "    await add_to_cart(page, product)\n"
        "    await view_cart(page)\n"
    )
    with pytest.raises(PolicyViolation, match="name 'add_to_cart' is not allowed"):
        library.add(code, "shop")
    library.add(ADD_TO_CART, "shop")
    library.add(VIEW_CART, "shop")
    assert library.add(code, "shop").name == "buy"
    with pytest.raises(PolicyViolation):
        library.add(code, "forum")  # other sites' skills are not callable


def test_search_ranks_by_relevance(library: SkillLibrary) -> None:
    for code in (SEARCH_PRODUCTS, VIEW_CART, POST_COMMENT, ADD_ADDRESS, ADD_TO_CART):
        library.add(code, "shop", status="verified")
    hits = library.search("add to cart", site="shop")
    assert hits[0].name == "add_to_cart"
    assert {h.name for h in hits} >= {"add_to_cart", "view_cart", "add_address"}
    assert library.search("comment", k=1)[0].name == "post_comment"
    # porter stemming: "carts" finds "cart"; any-word fallback when no skill has every word
    assert {h.name for h in library.search("shopping carts", k=2)} == {"view_cart", "add_to_cart"}
    assert library.search("add to cart", site="forum") == []
    assert library.search("   ") == []


def test_search_falls_back_when_query_is_not_fts_syntax(library: SkillLibrary) -> None:
    library.add(ADD_TO_CART, "shop", status="verified")
    library.add(VIEW_CART, "shop", status="verified")
    assert library.search('cart" AND (', site="shop")[0].name in {"add_to_cart", "view_cart"}
    assert library.search("add-to-cart")[0].name == "add_to_cart"
    assert library.search("NOT") == []  # an FTS operator alone: no error, no hits


def test_search_sees_latest_versions_and_status(library: SkillLibrary) -> None:
    library.add(ADD_TO_CART, "shop", status="verified")
    library.add(ADD_TO_CART_V2, "shop", status="candidate")
    assert [(h.name, h.version) for h in library.search("cart")] == [("add_to_cart", 1)]
    assert [(h.name, h.version) for h in library.search("cart", status=None)] == [
        ("add_to_cart", 2)
    ]


def test_invalid_site_names_are_refused(library: SkillLibrary) -> None:
    for bad in ("../etc", "a/b", "", ".hidden"):
        with pytest.raises(LibraryError, match="invalid site name"):
            library.add(VIEW_CART, bad)


def test_unusable_directory_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    with pytest.raises(LibraryError) as caught:
        SkillLibrary(blocker / "library")
    message = str(caught.value)
    assert "\n" not in message
    assert str(blocker / "library") in message
    with pytest.raises(LibraryError, match="not a directory"):
        SkillLibrary(blocker)


def test_reopening_sees_the_same_data(tmp_path: Path) -> None:
    SkillLibrary(tmp_path / "lib").add(VIEW_CART, "shop", status="verified")
    assert [s.name for s in SkillLibrary(str(tmp_path / "lib")).list("shop")] == ["view_cart"]

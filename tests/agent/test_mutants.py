"""agent.mutants on real induced shop skills (pure AST work, no browser)."""

from __future__ import annotations

import ast
import runpy
import warnings
from pathlib import Path
from typing import Any

import pytest

from agent.mutants import Mutant, make_mutants
from skills_store.policy import PolicyViolation, check_skill_code

FIXTURE = Path(__file__).parent / "fixtures" / "shop_skills.py"
SHOP: str = runpy.run_path(str(FIXTURE))["SHOP_SKILLS"]
SKILLS: dict[str, str] = {
    node.name: ast.get_source_segment(SHOP, node) or ""
    for node in ast.parse(SHOP).body
    if isinstance(node, ast.AsyncFunctionDef)
}
NAMES: frozenset[str] = frozenset(SKILLS)
EXAMPLES: dict[str, list[Any]] = {
    "product": ["Blue Mug", "Desk Lamp", "Tea Pot"],
    "quantity": [2, 3, 4],
    "query": ["mug", "lamp"],
    "category": ["Kitchen", None],
    "full_name": ["Ada Lovelace", "Alan Turing"],
    "street_address": ["12 Market Street", "1 Bletchley Road"],
    "city": ["Springfield", "Dublin"],
    "postal_code": ["10115", "D02"],
    "country": ["Spain", "Ireland"],
    "username": ["swcheck1", "swcheck2"],
    "email": ["sw.check1@example.com", "sw.check2@example.com"],
    "password": ["pw-one-1", "pw-two-2"],
    "rating": ["5 stars", "1 star"],
    "review": ["Lovely.", "Awful."],
    "title": ["Cart"],
}


def mutants(name: str) -> list[Mutant]:
    return make_mutants(SKILLS[name], name, EXAMPLES, allowed_calls=NAMES)


def one(name: str, kind: str, target: str) -> Mutant:
    found = [m for m in mutants(name) if m.kind == kind and m.target == target]
    assert len(found) == 1, [(m.kind, m.target) for m in mutants(name)]
    return found[0]


def body_lines(code: str) -> list[str]:
    """The function body without the docstring, one unparsed statement per top-level item."""
    fn = ast.parse(code).body[0]
    assert isinstance(fn, ast.AsyncFunctionDef)
    return [ast.unparse(stmt) for stmt in fn.body[1:]]


def names_loaded(code: str) -> set[str]:
    fn = ast.parse(code).body[0]
    assert isinstance(fn, ast.AsyncFunctionDef)
    return {
        n.id
        for stmt in fn.body
        for n in ast.walk(stmt)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }


def test_fixture_has_the_real_skills() -> None:
    for name in ("add_to_cart", "place_order", "search_products", "login", "update_cart_item"):
        assert name in SKILLS
        check_skill_code(SKILLS[name], allowed_calls=NAMES)
    assert "register" in SKILLS


# --- hardcode_param --------------------------------------------------------------------------


def test_hardcode_product_in_add_to_cart_bakes_in_the_first_test_value() -> None:
    m = one("add_to_cart", "hardcode_param", "product")
    assert m.step == "value"
    lines = body_lines(m.code)
    assert lines[0] == "await search_products(page, query='Blue Mug')"
    assert lines[1] == "await page.get_by_role('link', name='Blue Mug', exact=True).first.click()"
    assert "product" not in names_loaded(m.code)
    assert "quantity" in names_loaded(m.code)  # the other parameter is untouched
    assert "'Blue Mug'" in m.description


def test_hardcode_keeps_the_docstring_and_signature() -> None:
    m = one("add_to_cart", "hardcode_param", "quantity")
    fn = ast.parse(m.code).body[0]
    original = ast.parse(SKILLS["add_to_cart"]).body[0]
    assert isinstance(fn, ast.AsyncFunctionDef) and isinstance(original, ast.AsyncFunctionDef)
    assert ast.get_docstring(fn) == ast.get_docstring(original)
    assert ast.dump(fn.args) == ast.dump(original.args)
    assert "await page.get_by_role('spinbutton', name='Quantity').fill(str(2))" in body_lines(
        m.code
    )


def test_hardcode_folds_f_strings() -> None:
    m = one("update_cart_item", "hardcode_param", "product")
    code = m.code
    assert "name='Quantity for Blue Mug'" in code
    assert "has_text='Quantity for Blue Mug'" in code
    assert "{product}" not in code


def test_hardcode_of_an_optional_param_folds_the_none_guard() -> None:
    m = one("search_products", "hardcode_param", "category")
    lines = body_lines(m.code)
    assert (
        "if True:\n    await page.get_by_label('Category').select_option(label='Kitchen')" in lines
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "'is not' with a literal" SyntaxWarning
        compile(m.code, "<mutant>", "exec")


def test_hardcode_skips_params_without_examples() -> None:
    found = make_mutants(SKILLS["add_to_cart"], "add_to_cart", {"quantity": [5]}, NAMES)
    assert [m.target for m in found if m.kind == "hardcode_param"] == ["quantity"]


# --- ignore_param ----------------------------------------------------------------------------


def test_ignore_quantity_removes_the_fill() -> None:
    m = one("add_to_cart", "ignore_param", "quantity")
    lines = body_lines(m.code)
    assert not any("fill" in line for line in lines)
    assert "await page.get_by_role('button', name='Add to cart').click()" in lines
    assert len(lines) == len(body_lines(SKILLS["add_to_cart"])) - 1
    assert m.description == "ignores quantity: never fills 'Quantity'"


def test_ignore_product_drops_the_keyword_of_the_called_skill() -> None:
    m = one("add_to_cart", "ignore_param", "product")
    lines = body_lines(m.code)
    assert lines[0] == "await search_products(page)"
    # the locator use stays (hardcode_param covers it)
    assert lines[1] == "await page.get_by_role('link', name=product, exact=True).first.click()"


def test_no_ignore_for_a_param_used_only_in_locators() -> None:
    assert not [
        m for m in mutants("update_cart_item") if m.kind == "ignore_param" and m.target == "product"
    ]
    assert not [m for m in mutants("remove_cart_item") if m.kind == "ignore_param"]
    assert not [m for m in mutants("open_category") if m.kind == "ignore_param"]


def test_ignore_optional_param_removes_its_guard_block() -> None:
    m = one("search_products", "ignore_param", "category")
    assert "category is not None" not in m.code
    assert "select_option" not in m.code
    assert "await page.get_by_role('searchbox', name='Search products').fill(query)" in m.code


def test_ignore_removes_every_action_use() -> None:
    m = one("register", "ignore_param", "password")
    assert ".fill(password)" not in m.code
    assert "Confirm password" not in m.code
    assert "await page.get_by_role('textbox', name='Email', exact=True).fill(email)" in m.code


def test_ignore_country_removes_the_select() -> None:
    m = one("place_order", "ignore_param", "country")
    assert "select_option" not in m.code
    assert "never selects in 'Country'" in m.description


# --- swap_params -----------------------------------------------------------------------------


def test_swap_full_name_and_street_address_in_place_order() -> None:
    m = one("place_order", "swap_params", "full_name<->street_address")
    lines = body_lines(m.code)
    assert "await page.get_by_role('textbox', name='Full name').fill(street_address)" in lines
    assert "await page.get_by_role('textbox', name='Street address').fill(full_name)" in lines
    assert "await page.get_by_role('textbox', name='City').fill(city)" in lines


def test_swap_pairs_need_the_same_annotation_and_action_uses() -> None:
    swaps = [m.target for m in mutants("place_order") if m.kind == "swap_params"]
    assert len(swaps) == 10  # five str fields, every pair
    assert swaps[:2] == ["full_name<->street_address", "full_name<->city"]
    assert [m.target for m in mutants("login") if m.kind == "swap_params"] == [
        "username<->password"
    ]
    assert not [m for m in mutants("add_to_cart") if m.kind == "swap_params"]  # str vs int
    assert not [m for m in mutants("search_products") if m.kind == "swap_params"]  # str | None
    assert not [m for m in mutants("update_cart_item") if m.kind == "swap_params"]


def test_swap_in_register_swaps_the_confirmation_too() -> None:
    m = one("register", "swap_params", "username<->password")
    lines = body_lines(m.code)
    assert "await page.get_by_role('textbox', name='Username').fill(password)" in lines
    assert "await page.get_by_role('textbox', name='Confirm password').fill(username)" in lines


# --- wrong_item ------------------------------------------------------------------------------


def test_wrong_item_first_becomes_nth_1() -> None:
    found = [m for m in mutants("add_to_cart") if m.kind == "wrong_item"]
    assert [(m.target, m.step) for m in found] == [
        ("page.get_by_role('link', name=product, exact=True).first", "locator"),
        ("refused.first", "error_check"),
        ("problems.first", "error_check"),
        ("page.get_by_role('link', name=product, exact=True)", "locator"),
    ]
    lines = body_lines(found[0].code)
    assert lines[1] == "await page.get_by_role('link', name=product, exact=True).nth(1).click()"
    assert "refused.first.get_attribute('name')" in found[0].code  # one occurrence at a time
    assert "name = await refused.nth(1).get_attribute('name')" in found[1].code
    assert "raise RuntimeError(await problems.nth(1).inner_text())" in found[2].code


def test_wrong_item_drops_the_name_of_a_param_locator() -> None:
    m = one("add_to_cart", "wrong_item", "page.get_by_role('link', name=product, exact=True)")
    assert body_lines(m.code)[1] == "await page.get_by_role('link').first.click()"  # one .first
    m = one(
        "remove_cart_item", "wrong_item", "page.get_by_role('button', name=f'Remove {product}')"
    )
    assert "await page.get_by_role('button').first.click()" in body_lines(m.code)
    # constant names are not touched
    assert not [m for m in mutants("login") if m.kind == "wrong_item" and "get_by_role" in m.target]


# --- drop_step -------------------------------------------------------------------------------


def test_drop_step_tags() -> None:
    drops = [(m.target, m.step) for m in mutants("add_to_cart") if m.kind == "drop_step"]
    assert drops[0] == ("await search_products(page, query=product)", "action")
    assert ("await page.wait_for_load_state()", "wait") in drops
    checks = [t.splitlines()[0] for t, step in drops if step == "error_check"]
    assert checks == ["if await refused.count() > 0:", "if await problems.count() > 0:"]
    # dropping `refused = ...` would leave an unbound name: not emitted
    assert not [t for t, _ in drops if t.startswith(("refused =", "problems ="))]
    # dropping the fill is the same code as ignore_param(quantity): deduplicated
    assert not [t for t, _ in drops if "fill" in t]


def test_drop_step_removes_exactly_one_statement() -> None:
    original = body_lines(SKILLS["place_order"])
    for m in mutants("place_order"):
        if m.kind == "drop_step":
            lines = body_lines(m.code)
            assert len(lines) == len(original) - 1
            assert m.target not in lines


def test_drop_step_never_drops_the_return() -> None:
    drops = [m for m in mutants("search_products") if m.kind == "drop_step"]
    assert drops and all(m.step != "return" for m in drops)
    assert all(body_lines(m.code)[-1].startswith("return [") for m in drops)


def test_drop_step_wait_tags_for_expect_and_wait_for_url() -> None:
    code = (
        "async def go_to_cart(page: Page, title: str) -> None:\n"
        "    await page.get_by_role('link', name='Cart').click()\n"
        "    await page.wait_for_url('/cart')\n"
        "    await expect(page.get_by_role('heading', level=1)).to_have_text(title)\n"
    )
    found = make_mutants(code, "go_to_cart", EXAMPLES)
    steps = {m.target: m.step for m in found if m.kind == "drop_step"}
    assert steps == {
        "await page.get_by_role('link', name='Cart').click()": "action",
        "await page.wait_for_url('/cart')": "wait",
        "await expect(page.get_by_role('heading', level=1)).to_have_text(title)": "wait",
    }


def test_drop_of_the_only_statement_leaves_pass() -> None:
    code = "async def home(page: Page) -> None:\n    await page.goto('/')\n"
    (m,) = make_mutants(code, "home", {})
    assert m.kind == "drop_step"
    assert m.code == "async def home(page: Page) -> None:\n    pass"


# --- return operators ------------------------------------------------------------------------


def test_truncate_and_constant_return_on_search_products() -> None:
    returns = [m for m in mutants("search_products") if m.step == "return"]
    assert [m.kind for m in returns] == ["truncate_return", "constant_return"]
    truncated, constant = (body_lines(m.code)[-1] for m in returns)
    assert truncated.startswith("return [' '.join(t.split()) for t in await page")
    assert truncated.endswith(".all_inner_texts()][:1]")
    assert constant == "return []"
    assert returns[0].target.startswith("return [' '.join(t.split())")


def test_truncate_parenthesises_an_await() -> None:
    code = (
        "async def headings(page: Page) -> list[str]:\n"
        "    return await page.get_by_role('heading').all_inner_texts()\n"
    )
    found = make_mutants(code, "headings", {})
    assert [m.code.splitlines()[-1] for m in found] == [
        "    return (await page.get_by_role('heading').all_inner_texts())[:1]",
        "    return []",
    ]


def test_no_return_mutants_for_none_skills() -> None:
    assert not [m for m in mutants("add_to_cart") if m.step == "return"]


# --- all mutants -----------------------------------------------------------------------------

REAL = ["add_to_cart", "place_order", "search_products", "login", "update_cart_item", "register"]


@pytest.mark.parametrize("name", sorted(SKILLS))
def test_every_mutant_passes_the_policy_and_differs(name: str) -> None:
    found = mutants(name)
    assert found
    original = ast.dump(ast.parse(SKILLS[name]).body[0])
    dumps = set()
    for m in found:
        assert m.skill == name
        tree = ast.parse(m.code)
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.AsyncFunctionDef)
        check_skill_code(m.code, allowed_calls=NAMES)
        dumped = ast.dump(tree.body[0])
        assert dumped != original
        dumps.add(dumped)
    assert len(dumps) == len(found)


def test_counts_per_kind_on_real_skills() -> None:
    counts = {}
    for name in REAL:
        for m in mutants(name):
            counts[m.kind] = counts.get(m.kind, 0) + 1
    assert set(counts) == {
        "hardcode_param",
        "ignore_param",
        "swap_params",
        "wrong_item",
        "drop_step",
        "truncate_return",
        "constant_return",
    }


def test_deterministic() -> None:
    for name in REAL:
        first = [m.model_dump() for m in mutants(name)]
        assert first == [m.model_dump() for m in mutants(name)]
    kinds = [m.kind for m in mutants("search_products")]
    order = ["hardcode_param", "ignore_param", "wrong_item", "drop_step", "truncate_return"]
    assert [kinds.index(k) for k in order] == sorted(kinds.index(k) for k in order)


def test_dedupe_against_the_original() -> None:
    code = "async def nothing(page: Page) -> list[str]:\n    return []\n"
    found = make_mutants(code, "nothing", {})
    # `return []` is the original; only the truncation is new
    assert [(m.kind, m.code.splitlines()[-1]) for m in found] == [
        ("truncate_return", "    return [][:1]")
    ]


def test_the_original_must_be_a_policy_clean_skill() -> None:
    with pytest.raises(ValueError, match="no 'async def nope'"):
        make_mutants(SKILLS["login"], "nope", EXAMPLES)
    with pytest.raises(PolicyViolation, match="search_products"):
        make_mutants(SKILLS["add_to_cart"], "add_to_cart", EXAMPLES)  # callee not allowed


def test_picks_the_named_skill_from_a_module() -> None:
    found = make_mutants(SHOP, "login", EXAMPLES, allowed_calls=NAMES)
    assert found and all(m.code.startswith("async def login(") for m in found)

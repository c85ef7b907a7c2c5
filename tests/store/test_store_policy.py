"""The AST policy refuses hostile code and accepts a good skill."""

from __future__ import annotations

import pytest
from store_helpers import ADD_TO_CART, SEARCH_PRODUCTS

from skills_store import PolicyViolation, check_module_code, check_skill_code
from skills_store.policy import normalized_code_hash


def _fn(*body: str, params: str = "page: Page") -> str:
    return f"async def f({params}):\n" + "".join(f"    {line}\n" for line in body)


def test_design_example_passes_and_is_described() -> None:
    parsed = check_skill_code(SEARCH_PRODUCTS)
    assert parsed.name == "search_products"
    assert [(p.name, p.annotation, p.default) for p in parsed.params] == [
        ("query", "str", None),
        ("category", "str | None", "None"),
    ]
    assert parsed.returns == "list[str]"
    assert parsed.docstring.startswith("Search the catalogue")
    assert parsed.signature == (
        "async def search_products(page: Page, query: str, category: str | None = None)"
        " -> list[str]"
    )


def test_expect_and_other_skills_are_allowed() -> None:
    check_skill_code(ADD_TO_CART)
    code = _fn("await search_products(page, 'mug')", "assert len([1]) == 1")
    with pytest.raises(PolicyViolation, match="name 'search_products' is not allowed"):
        check_skill_code(code)
    check_skill_code(code, allowed_calls={"search_products"})


def test_plain_python_is_allowed() -> None:
    code = _fn(
        "names = [n.strip() for n in await page.get_by_role('row').all_inner_texts() if n]",
        "total = 0",
        "for i, name in enumerate(sorted(names)):",
        "    total += len(name) * i",
        "if not any(names):",
        "    raise ValueError(f'no rows on {page.url}')",
        "pick = (lambda xs: xs[0])(names)",
        "try:",
        "    await page.get_by_text(pick).click()",
        "except Exception as exc:",
        "    raise RuntimeError('could not open the row') from exc",
        "return {'total': total, 'first': pick}",
    )
    check_skill_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (_fn("x = 1", "import os"), "line 3: import is not allowed"),
        (_fn("from os import system"), "line 2: import is not allowed"),
        (_fn("return page.__class__"), "line 2: attribute '__class__' (dunder) is not allowed"),
        (_fn("return ().__class__.__bases__"), "line 2: attribute '__bases__' (dunder)"),
        (_fn("return page._impl_obj"), "line 2: attribute '_impl_obj' (private)"),
        (_fn("return __builtins__"), "line 2: name '__builtins__' (dunder) is not allowed"),
        (_fn("x = {}", "return x['__builtins__']"), "line 3: string '__builtins__' (dunder)"),
        (_fn("exec('1')"), "line 2: name 'exec' is not allowed"),
        (_fn("return eval('1')"), "line 2: name 'eval' is not allowed"),
        (_fn("return open('/etc/passwd').read()"), "line 2: name 'open' is not allowed"),
        (_fn("return getattr(page, 'evaluate')"), "line 2: name 'getattr' is not allowed"),
        (_fn("return type(page)"), "line 2: name 'type' is not allowed"),
        (_fn("print(page)"), "line 2: name 'print' is not allowed"),
        (_fn("await page.evaluate('fetch(\"/x\")')"), "line 2: attribute 'evaluate'"),
        (_fn("await page.locator('a').evaluate_handle('x')"), "attribute 'evaluate_handle'"),
        (_fn("await page.context.new_page()"), "line 2: attribute 'context' is not allowed"),
        (_fn("await page.route('**', None)"), "attribute 'route' is not allowed"),
        (_fn("await page.add_init_script('x')"), "attribute 'add_init_script'"),
        (_fn("await page.expose_function('f', len)"), "attribute 'expose_function'"),
        (_fn("await page.wait_for_timeout(1000)"), "attribute 'wait_for_timeout'"),
        (_fn("await page.goto('https://evil.example/')"), "line 2: page.goto needs a relative"),
        (_fn("await page.goto('evil.example')"), "page.goto needs a relative URL"),
        (_fn("await page.goto('//evil.example/')"), "page.goto needs a relative URL"),
        (_fn("u = 'http://evil.example'"), "line 2: absolute URL literals are not allowed"),
        (_fn("u = f'file:///{page}'"), "absolute URL literals are not allowed"),
        (_fn("global x"), "line 2: global is not allowed"),
        (_fn("with page:", "    pass"), "line 2: with is not allowed"),
        (
            _fn("try:", "    await page.click('a')", "except Exception:", "    pass"),
            "line 4: except handler must re-raise",
        ),
        (_fn("return ValueError"), "name 'ValueError' is only allowed in raise"),
        (_fn("page.url = 'x'"), "assigning to attribute 'url' is not allowed"),
        (_fn("g = (x for x in [1])", "return g.gi_frame.f_globals"), "attribute 'f_globals'"),
        (_fn("return '{0.__class__}'.format(page)"), "attribute 'format' is not allowed"),
        (_fn("[0 for print in [1]]", "return print"), "line 3: name 'print' is not allowed"),
        (_fn("return x"), "line 2: name 'x' is not allowed"),
        (_fn("def g():", "    pass"), "nested function definition is not allowed"),
        (_fn("yield 1"), "yield is not allowed"),
        ("import os\n" + _fn("pass"), "line 1: import is not allowed"),
        ("def f(page):\n    pass\n", "line 1: a skill must be an 'async def'"),
        (_fn("pass", params="p"), "the first parameter of a skill must be 'page'"),
        (_fn("pass", params="page, x=[]"), "default of 'x' must be an immutable literal"),
        (_fn("pass", params="page, *a"), "*a is not allowed"),
        (_fn("pass", params="page, x: os.PathLike"), "Attribute is not allowed in an anno"),
        ("@decorator\n" + _fn("pass"), "line 1: decorators are not allowed"),
        ("async def f(page)\n", "line 1: syntax error"),
    ],
)
def test_hostile_code_is_refused(code: str, message: str) -> None:
    with pytest.raises(PolicyViolation) as caught:
        check_skill_code(code)
    assert message in str(caught.value)


def test_violation_carries_line() -> None:
    with pytest.raises(PolicyViolation) as caught:
        check_skill_code(_fn("x = 1", "y = 2", "import os"))
    assert caught.value.line == 4


def test_module_check() -> None:
    module = (
        '"""Skills."""\n\nfrom __future__ import annotations\n\n'
        "from playwright.async_api import Page, expect\n\n"
        + SEARCH_PRODUCTS
        + ADD_TO_CART
        + "\nasync def both(page: Page) -> None:\n    await add_to_cart(page, 'x')\n"
        + '\n__all__ = ["add_to_cart", "both", "search_products"]\n'
    )
    assert [s.name for s in check_module_code(module)] == [
        "search_products",
        "add_to_cart",
        "both",
    ]
    with pytest.raises(PolicyViolation, match="import from 'os' is not allowed"):
        check_module_code("from os import system\n" + SEARCH_PRODUCTS)
    with pytest.raises(PolicyViolation, match="import is not allowed at module level"):
        check_module_code("import os\n" + SEARCH_PRODUCTS)
    with pytest.raises(PolicyViolation, match="Assign is not allowed at module level"):
        check_module_code("x = open('/etc/passwd')\n" + SEARCH_PRODUCTS)
    with pytest.raises(PolicyViolation, match="defined more than once"):
        check_module_code(SEARCH_PRODUCTS + SEARCH_PRODUCTS)


def test_code_hash_ignores_formatting_and_comments() -> None:
    reformatted = SEARCH_PRODUCTS.replace('await page.goto("/")', "await page.goto( '/' )  # home")
    assert normalized_code_hash(SEARCH_PRODUCTS) == normalized_code_hash(reformatted)
    assert normalized_code_hash(SEARCH_PRODUCTS) != normalized_code_hash(
        SEARCH_PRODUCTS.replace('"/"', '"/shop"')
    )

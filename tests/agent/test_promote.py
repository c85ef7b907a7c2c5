"""URL promotion's generated code: the direct address from the practise run's final URL."""

from __future__ import annotations

import ast
from urllib.parse import parse_qsl, urlsplit

from agent.models import CandidateSkill, ParamSpec, TaskProposal
from agent.promote import url_form, url_template

UI_FORM = '''async def search(page: Page, query: str, category: str) -> list[str]:
    """Search the catalogue by keyword within a category and return the names of all
    matching products.

    Args:
        query: Search words.
        category: Category option.
    """
    await page.goto("/")
    await page.get_by_role("searchbox", name="Search").fill(query)
    await page.get_by_role("combobox", name="Category").select_option(label=category)
    await page.get_by_role("button", name="Search").click()
    return await page.get_by_role("heading").all_inner_texts()
'''


def _proposal() -> TaskProposal:
    return TaskProposal(
        id="p1",
        title="search",
        kind="information",
        skill_name="search",
        description="",
        start_url="/",
        params=[
            ParamSpec(name="query"),
            ParamSpec(name="category", choice_values={"Sports & Outdoors": "sports-outdoors"}),
        ],
    )


async def _address(code: str, query: str, category: str) -> str:
    """The address the promoted skill opens (a fake page records it)."""

    class Page:
        url = ""

        async def goto(self, url: str) -> None:
            self.url = url

        def get_by_role(self, *_: object, **__: object) -> Page:
            return self

        async def all_inner_texts(self) -> list[str]:
            return []

    namespace: dict[str, object] = {"Page": Page}
    exec(compile(code, "skill", "exec"), namespace)
    page = Page()
    await namespace["search"](page, query, category)  # type: ignore[operator]
    return page.url


async def test_the_direct_address_encodes_each_value_in_one_statement() -> None:
    template = url_template(
        _proposal(),
        "http://127.0.0.1:9/search?q=mug+set&category=sports-outdoors",
        {"query": "mug set", "category": "Sports & Outdoors"},
    )
    assert template is not None
    candidate = CandidateSkill(site="s", name="search", code=UI_FORM, proposal_id="p1")
    promoted = url_form(candidate, template)
    assert promoted is not None and "form: url" in promoted.flags
    fn = ast.parse(promoted.code).body[0]
    assert isinstance(fn, ast.AsyncFunctionDef)
    # one assignment per parameter: dropping the encoding drops the value (a NameError)
    assigned = [s.targets[0].id for s in fn.body if isinstance(s, ast.Assign)]  # type: ignore[attr-defined]
    assert assigned == ["v_query", "v_category"]
    # the note goes after the summary paragraph, not inside its wrapped sentence
    doc = ast.get_docstring(fn) or ""
    assert doc.startswith(
        "Search the catalogue by keyword within a category and return the names of all\n"
        "matching products.\n\nOpens the results address directly.\n\nArgs:"
    ), doc
    url = await _address(promoted.code, "50% off & #1 c++", "Sports & Outdoors")
    assert urlsplit(url).path == "/search"
    assert dict(parse_qsl(urlsplit(url).query)) == {
        "q": "50% off & #1 c++",
        "category": "sports-outdoors",
    }

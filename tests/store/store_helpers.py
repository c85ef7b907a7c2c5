"""Sample skills and a fake Playwright page for the skill-library tests."""

from __future__ import annotations

from typing import Any

SEARCH_PRODUCTS = '''
async def search_products(page: Page, query: str, category: str | None = None) -> list[str]:
    """Search the catalogue and return the product names on the first results page.

    Args:
        query: Words to search for, e.g. "mug".
        category: Category to restrict the search to, e.g. "Kitchen"; None for all.

    Returns:
        Product names in the order the site lists them.

    Example:
        names = await search_products(page, "mug", category="Kitchen")
    """
    await page.goto("/")
    await page.get_by_role("searchbox", name="Search products").fill(query)
    if category is not None:
        await page.get_by_role("combobox", name="Category").select_option(label=category)
    await page.get_by_role("button", name="Search").click()
    return await page.get_by_role("article").get_by_role("heading").all_inner_texts()
'''

ADD_TO_CART = '''
async def add_to_cart(page: Page, product: str, quantity: int = 1) -> None:
    """Add a product to the shopping cart.

    Args:
        product: Product name as listed, e.g. "Blue Mug".
        quantity: How many to add.
    """
    await page.goto("/")
    await page.get_by_role("searchbox", name="Search products").fill(product)
    await page.get_by_role("button", name="Search").click()
    await page.get_by_role("link", name=product).click()
    await page.get_by_label("Quantity").fill(str(quantity))
    await page.get_by_role("button", name="Add to cart").click()
    await expect(page.get_by_role("status")).to_contain_text("Added")
'''

ADD_TO_CART_V2 = ADD_TO_CART.replace('name="Add to cart"', 'name="Add to basket"')

VIEW_CART = '''
async def view_cart(page: Page) -> list[str]:
    """Open the shopping cart and return the names of the items in it."""
    await page.goto("/cart")
    return await page.get_by_role("row").all_inner_texts()
'''

POST_COMMENT = '''
async def post_comment(page: Page, thread: str, text: str) -> None:
    """Add a comment to a forum thread.

    Args:
        thread: Thread title.
        text: The comment.
    """
    await page.goto("/threads")
    await page.get_by_role("link", name=thread).click()
    await page.get_by_label("Comment").fill(text)
    await page.get_by_role("button", name="Post").click()
'''

ADD_ADDRESS = '''
async def add_address(page: Page, street: str, city: str) -> None:
    """Save a new shipping address in the account settings.

    Args:
        street: Street and number.
        city: City name.
    """
    await page.goto("/account/addresses")
    await page.get_by_label("Street").fill(street)
    await page.get_by_label("City").fill(city)
    await page.get_by_role("button", name="Save").click()
'''

TYPED = '''
async def typed(
    page: Page,
    name: str,
    count: int,
    ratio: float,
    flag: bool,
    tags: list[str],
    note: str | None = None,
    limit: int = 10,
) -> dict[str, int]:
    """Exercise every supported annotation.

    Args:
        name: A name.
        count: A count.
        ratio: A ratio.
        flag: A flag.
        tags: Some tags.
        note: An optional note.
        limit: An upper bound.
    """
    await page.goto("/")
    return {"count": count}
'''


def skill_named(name: str, body_text: str = "x") -> str:
    """A small valid skill called `name`."""
    return f'''
async def {name}(page: Page, value: str = "{body_text}") -> None:
    """Fill the {name.replace("_", " ")} field with a value."""
    await page.get_by_label("{name}").fill(value)
'''


class FakeLocator:
    """Records every Playwright call made through it (enough of the API for the samples)."""

    def __init__(self, calls: list[tuple[Any, ...]], description: str) -> None:
        self.calls = calls
        self.description = description

    def _child(self, method: str, *args: Any, **kwargs: Any) -> FakeLocator:
        return FakeLocator(self.calls, f"{self.description}.{method}{args}{kwargs or ''}")

    def get_by_role(self, role: str, **kwargs: Any) -> FakeLocator:
        return self._child("get_by_role", role, **kwargs)

    def get_by_label(self, label: str, **kwargs: Any) -> FakeLocator:
        return self._child("get_by_label", label, **kwargs)

    async def fill(self, value: str) -> None:
        self.calls.append(("fill", self.description, value))

    async def click(self) -> None:
        self.calls.append(("click", self.description))

    async def select_option(self, **kwargs: Any) -> None:
        self.calls.append(("select_option", self.description, kwargs))

    async def all_inner_texts(self) -> list[str]:
        self.calls.append(("all_inner_texts", self.description))
        return ["Blue Mug", "Red Mug"]


class FakePage(FakeLocator):
    def __init__(self) -> None:
        super().__init__([], "page")

    async def goto(self, url: str) -> None:
        self.calls.append(("goto", url))

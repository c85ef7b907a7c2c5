"""A small hand-checked library of bundled-shop skills, written the way induction writes them.

`add_to_cart` and `search_products` run against the served shop in the MCP and package tests;
the others give search and the exporters a realistic library to work on.
"""

from __future__ import annotations

from skills_store import SkillLibrary

SEARCH_PRODUCTS = '''
async def search_products(page: Page, query: str) -> list[str]:
    """Search the catalogue and return the product names on the first results page.

    Args:
        query: Words to search for, e.g. "mug".

    Returns:
        Product names in the order the site lists them.
    """
    await page.goto("/")
    await page.get_by_role("searchbox", name="Search products").fill(query)
    await page.get_by_role("button", name="Search").click()
    return await page.get_by_role("article").get_by_role("heading").all_inner_texts()
'''

OPEN_PRODUCT = '''
async def open_product(page: Page, product: str) -> None:
    """Open a product's page from the search results.

    Args:
        product: Product name as listed, e.g. "Blue Ceramic Mug".
    """
    await page.goto("/")
    await page.get_by_role("searchbox", name="Search products").fill(product)
    await page.get_by_role("button", name="Search").click()
    await page.get_by_role("link", name=product, exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(product)
'''

ADD_TO_CART = '''
async def add_to_cart(page: Page, product: str, quantity: int = 1) -> None:
    """Add a product to the shopping cart.

    Args:
        product: Product name as listed, e.g. "Blue Ceramic Mug".
        quantity: How many to add.
    """
    await open_product(page, product)
    await page.get_by_label("Quantity").fill(str(quantity))
    await page.get_by_role("button", name="Add to cart").click()
    await expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
'''

ADD_TO_WISHLIST = '''
async def add_to_wishlist(page: Page, product: str) -> None:
    """Save a product to the signed-in user's wishlist.

    Args:
        product: Product name as listed.
    """
    await open_product(page, product)
    await page.get_by_role("button", name="Add to wishlist").click()
'''

UPDATE_CART_ITEM = '''
async def update_cart_item(page: Page, product: str, quantity: int) -> None:
    """Change how many of a product the shopping cart holds.

    Args:
        product: Product name as it appears in the cart.
        quantity: The new quantity.
    """
    await page.goto("/cart")
    await page.get_by_label(f"Quantity for {product}").fill(str(quantity))
    await page.get_by_role("button", name="Update").first.click()
'''

REMOVE_CART_ITEM = '''
async def remove_cart_item(page: Page, product: str) -> None:
    """Take a product out of the shopping cart.

    Args:
        product: Product name as it appears in the cart.
    """
    await page.goto("/cart")
    await page.get_by_role("button", name=f"Remove {product}").click()
'''

PLACE_ORDER = '''
async def place_order(
    page: Page, full_name: str, street: str, city: str, postal_code: str, country: str
) -> None:
    """Check out the cart: fill in the shipping address and place the order.

    Args:
        full_name: Recipient's full name.
        street: Street address.
        city: City.
        postal_code: Postal code.
        country: Country.
    """
    await page.goto("/checkout")
    await page.get_by_label("Full name").fill(full_name)
    await page.get_by_label("Street address").fill(street)
    await page.get_by_label("City").fill(city)
    await page.get_by_label("Postal code").fill(postal_code)
    await page.get_by_label("Country").fill(country)
    await page.get_by_role("button", name="Place order").click()
'''

LOGIN = '''
async def login(page: Page, username: str, password: str) -> None:
    """Sign in to the shop with a username and password.

    Args:
        username: Account name.
        password: The account's password.
    """
    await page.goto("/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
'''

REGISTER = '''
async def register(page: Page, username: str, email: str, password: str) -> None:
    """Create a new shop account.

    Args:
        username: Account name to create.
        email: Email address.
        password: Password (typed twice).
    """
    await page.goto("/register")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_label("Confirm password").fill(password)
    await page.get_by_role("button", name="Register").click()
'''

SUBMIT_REVIEW = '''
async def submit_review(page: Page, product: str, rating: int, text: str) -> None:
    """Write a review of a product with a star rating.

    Args:
        product: Product name as listed.
        rating: Stars, 1 to 5.
        text: The review text.
    """
    await open_product(page, product)
    await page.get_by_label("Rating").select_option(str(rating))
    await page.get_by_label("Review").fill(text)
    await page.get_by_role("button", name="Submit review").click()
'''

SHOP_SKILLS = (
    SEARCH_PRODUCTS,
    OPEN_PRODUCT,
    ADD_TO_CART,
    ADD_TO_WISHLIST,
    UPDATE_CART_ITEM,
    REMOVE_CART_ITEM,
    PLACE_ORDER,
    LOGIN,
    REGISTER,
    SUBMIT_REVIEW,
)


def shop_library(path: object) -> SkillLibrary:
    """A library at `path` holding the shop skills, all verified."""
    library = SkillLibrary(str(path))
    library.add_many(list(SHOP_SKILLS), "shop", status="verified")
    return library

"""Skillwright Shop: a small, realistic e-commerce site (the first site the agent explores).

Catalogue of 160 products in 10 categories with reviews, search with sort and pagination,
session/user carts (`cart_items`), checkout into `orders`/`order_items`, wishlist, accounts and
a newsletter signup. Theme `v2` rewords and restructures the pages and renames
`/product/{id}` → `/item/{id}` and `/cart` → `/basket` (the v1 paths 404 under v2).
"""

from sites.definition import SiteDefinition
from sites.shop.app import create_app
from sites.shop.catalog import PASSWORDS
from sites.shop.seed import seed

SEEDED_ACCOUNTS: tuple[str, ...] = ("alice", "bob", "carol")

SITE = SiteDefinition(
    name="shop",
    description="E-commerce store: search, categories, product pages, cart, checkout, "
    "reviews, wishlist, accounts.",
    seed=seed,
    create_app=create_app,
    seed_version="1",
    themes=("v1", "v2"),
    accounts={name: PASSWORDS[name] for name in SEEDED_ACCOUNTS},
)

__all__ = ["SITE"]

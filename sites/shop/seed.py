"""Schema and deterministic seed data of the shop (fixed RNG, fixed timestamps)."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from datetime import timedelta
from pathlib import Path

from sites.common import FIXED_NOW
from sites.shop.catalog import CATEGORIES, PASSWORDS, REVIEW_TEXT, USERS

SEED = 20260115

SCHEMA = """
CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL
);
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    price_cents INTEGER NOT NULL CHECK (price_cents > 0),
    stock INTEGER NOT NULL CHECK (stock >= 0),
    description TEXT NOT NULL,
    featured INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (product_id, user_id)
);
CREATE TABLE cart_items (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id),
    session_id TEXT,
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    added_at TEXT NOT NULL,
    CHECK ((user_id IS NULL) != (session_id IS NULL)),
    UNIQUE (user_id, product_id),
    UNIQUE (session_id, product_id)
);
CREATE TABLE wishlist_items (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    added_at TEXT NOT NULL,
    UNIQUE (user_id, product_id)
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    full_name TEXT NOT NULL,
    street TEXT NOT NULL,
    city TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    country TEXT NOT NULL,
    total_cents INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE order_items (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    product_name TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL
);
CREATE TABLE newsletter (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    subscribed_at TEXT NOT NULL
);
CREATE INDEX products_category ON products(category_id);
CREATE INDEX reviews_product ON reviews(product_id);
CREATE INDEX order_items_order ON order_items(order_id);
"""

SEED_ADDRESSES: dict[str, tuple[str, str, str, str]] = {
    # street, city, postal code, country
    "alice": ("12 Maple Street", "Portland", "97201", "United States"),
    "bob": ("48 King Road", "Toronto", "M5V 2T6", "Canada"),
    "carol": ("7 Harbour Lane", "Bristol", "BS1 4DJ", "United Kingdom"),
}


def password_hash(username: str, password: str) -> str:
    """A salted PBKDF2 hash (salt derived from the username, so seeding is deterministic)."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), f"shop:{username}".encode(), 1000)
    return digest.hex()


def timestamp(seconds: int) -> str:
    """An ISO timestamp `seconds` after the fixed clock (negative = in the past)."""
    return (FIXED_NOW + timedelta(seconds=seconds)).isoformat(sep=" ")


def _products(rng: random.Random) -> list[tuple[str, int, int, int, str, int]]:
    rows: list[tuple[str, int, int, int, str, int]] = []
    for cat_id, category in enumerate(CATEGORIES, start=1):
        for item_index, item in enumerate(category.items):
            variants = sorted(rng.sample(item.variants, 2), key=item.variants.index)
            for variant_index, variant in enumerate(variants):
                name = f"{variant} {item.noun}"
                dollars = rng.uniform(item.min_price, item.max_price)
                price_cents = int(dollars) * 100 + rng.choice((0, 49, 95, 99, 99))
                stock = 0 if rng.random() < 0.05 else rng.randint(2, 60)
                description = (
                    f"The {name.lower()} {item.blurb}. "
                    f"Part of our {category.name.lower()} range, chosen for everyday use "
                    f"and backed by a 30-day return policy."
                )
                featured = 1 if item_index == variant_index == 0 else 0
                rows.append((name, cat_id, price_cents, stock, description, featured))
    return rows


def seed(db_path: Path) -> None:
    """Write the pristine shop database at `db_path` (same bytes of data for every call)."""
    rng = random.Random(SEED)
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.executescript(SCHEMA)
        conn.executemany(
            "INSERT INTO categories (id, slug, name, description) VALUES (?, ?, ?, ?)",
            [(i, c.slug, c.name, c.description) for i, c in enumerate(CATEGORIES, start=1)],
        )
        products = _products(rng)
        conn.executemany(
            "INSERT INTO products (id, name, category_id, price_cents, stock, description,"
            " featured) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(i, *row) for i, row in enumerate(products, start=1)],
        )
        conn.executemany(
            "INSERT INTO users (id, username, email, full_name, password_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (i, u, e, n, password_hash(u, PASSWORDS[u]), timestamp(-86400 * (400 - i)))
                for i, (u, e, n) in enumerate(USERS, start=1)
            ],
        )
        user_ids = list(range(1, len(USERS) + 1))
        # Reviews: every product gets 1-4 reviews from distinct users; quality varies per product.
        reviews: list[tuple[int, int, int, str, str]] = []
        for product_id in range(1, len(products) + 1):
            quality = rng.choice((2.5, 3.5, 4.0, 4.5, 4.8))
            count = rng.choice((1, 2, 2, 3, 3, 4))
            for user_id in sorted(rng.sample(user_ids, count)):
                rating = max(1, min(5, round(rng.gauss(quality, 0.9))))
                body = rng.choice(REVIEW_TEXT[rating])
                seconds = -86400 * rng.randint(1, 300) - rng.randint(0, 86399)
                reviews.append((product_id, user_id, rating, body, timestamp(seconds)))
        conn.executemany(
            "INSERT INTO reviews (product_id, user_id, rating, body, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            reviews,
        )
        _seed_orders(conn, rng, products)
        # Bob has a cart in progress; Carol and Bob have wishlists.
        in_stock = [i for i, row in enumerate(products, start=1) if row[3] >= 5]
        bob_cart = sorted(rng.sample(in_stock, 3))
        conn.executemany(
            "INSERT INTO cart_items (user_id, session_id, product_id, quantity, added_at)"
            " VALUES (2, NULL, ?, ?, ?)",
            [(pid, rng.randint(1, 3), timestamp(-3600 + n)) for n, pid in enumerate(bob_cart)],
        )
        wishes = [(3, pid) for pid in sorted(rng.sample(in_stock, 4))]
        wishes += [(2, pid) for pid in sorted(rng.sample(in_stock, 2))]
        conn.executemany(
            "INSERT INTO wishlist_items (user_id, product_id, added_at) VALUES (?, ?, ?)",
            [(u, p, timestamp(-7200 + n)) for n, (u, p) in enumerate(wishes)],
        )
        conn.executemany(
            "INSERT INTO newsletter (email, subscribed_at) VALUES (?, ?)",
            [
                ("grace@example.com", timestamp(-86400 * 30)),
                ("newsfan@example.org", timestamp(-86400 * 12)),
            ],
        )
        conn.commit()
    finally:
        conn.close()


def _seed_orders(
    conn: sqlite3.Connection,
    rng: random.Random,
    products: list[tuple[str, int, int, int, str, int]],
) -> None:
    order_id = 0
    for username, (street, city, postal, country) in SEED_ADDRESSES.items():
        user_id = next(i for i, u in enumerate(USERS, start=1) if u[0] == username)
        full_name = USERS[user_id - 1][2]
        for n in range(rng.randint(2, 3)):
            order_id += 1
            lines = sorted(rng.sample(range(1, len(products) + 1), rng.randint(1, 3)))
            items = [(pid, rng.randint(1, 2)) for pid in lines]
            total = sum(products[pid - 1][2] * qty for pid, qty in items)
            created = timestamp(-86400 * (90 - 25 * n) - 3600 * order_id)
            conn.execute(
                "INSERT INTO orders (id, user_id, full_name, street, city, postal_code, country,"
                " total_cents, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    order_id,
                    user_id,
                    full_name,
                    street,
                    city,
                    postal,
                    country,
                    total,
                    "Delivered" if n < 1 else "Shipped",
                    created,
                ),
            )
            conn.executemany(
                "INSERT INTO order_items (order_id, product_id, product_name, quantity,"
                " unit_price_cents) VALUES (?, ?, ?, ?, ?)",
                [
                    (order_id, pid, products[pid - 1][0], qty, products[pid - 1][2])
                    for pid, qty in items
                ],
            )

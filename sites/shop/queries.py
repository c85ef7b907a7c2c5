"""SQL the shop's pages run (reads and writes on one per-request connection)."""

from __future__ import annotations

import sqlite3
from typing import Any

PAGE_SIZE = 20

PRODUCT_COLUMNS = """
    p.id, p.name, p.price_cents, p.stock, p.description, p.featured,
    c.name AS category_name, c.slug AS category_slug,
    (SELECT ROUND(AVG(r.rating), 1) FROM reviews r WHERE r.product_id = p.id) AS avg_rating,
    (SELECT COUNT(*) FROM reviews r WHERE r.product_id = p.id) AS review_count
"""

SORTS: dict[str, str] = {
    "": "",  # relevance / default, filled in per listing
    "price_asc": "p.price_cents ASC, p.name ASC",
    "price_desc": "p.price_cents DESC, p.name ASC",
    "name": "p.name ASC",
    "rating": "avg_rating IS NULL, avg_rating DESC, review_count DESC, p.name ASC",
}

SORT_LABELS: tuple[tuple[str, str], ...] = (
    ("", "Relevance"),
    ("price_asc", "Price: low to high"),
    ("price_desc", "Price: high to low"),
    ("name", "Name"),
    ("rating", "Customer rating"),
)


def categories(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT id, slug, name, description FROM categories ORDER BY id").fetchall()


def category_by_slug(conn: sqlite3.Connection, slug: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT id, slug, name, description FROM categories WHERE slug = ?", (slug,)
    ).fetchone()


def product(conn: sqlite3.Connection, product_id: int) -> sqlite3.Row | None:
    return conn.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id"
        " WHERE p.id = ?",
        (product_id,),
    ).fetchone()


def featured(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id"
        " WHERE p.featured = 1 ORDER BY p.id"
    ).fetchall()


def search(
    conn: sqlite3.Connection, query: str, category: str, sort: str, page: int
) -> tuple[list[sqlite3.Row], int]:
    """One page of products matching every word of `query` (in name or description)."""
    where: list[str] = []
    params: list[Any] = []
    words = query.split()
    for word in words:
        where.append("(p.name LIKE ? OR p.description LIKE ?)")
        params += [f"%{word}%", f"%{word}%"]
    if category:
        where.append("c.slug = ?")
        params.append(category)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    order = SORTS.get(sort) or ""
    if not order:
        if words:
            order = "(p.name LIKE ?) DESC, p.name ASC"
            params_order: list[Any] = [f"%{query.strip()}%"]
        else:
            order, params_order = "p.featured DESC, p.name ASC", []
    else:
        params_order = []
    base = f"FROM products p JOIN categories c ON c.id = p.category_id {clause}"
    total = conn.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT {PRODUCT_COLUMNS} {base} ORDER BY {order}, p.id LIMIT ? OFFSET ?",
        [*params, *params_order, PAGE_SIZE, (page - 1) * PAGE_SIZE],
    ).fetchall()
    return rows, total


def category_products(
    conn: sqlite3.Connection, category_id: int, sort: str, page: int
) -> tuple[list[sqlite3.Row], int]:
    order = SORTS.get(sort) or "p.name ASC"
    total = conn.execute(
        "SELECT COUNT(*) FROM products WHERE category_id = ?", (category_id,)
    ).fetchone()[0]
    rows = conn.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id"
        f" WHERE p.category_id = ? ORDER BY {order}, p.id LIMIT ? OFFSET ?",
        (category_id, PAGE_SIZE, (page - 1) * PAGE_SIZE),
    ).fetchall()
    return rows, total


def reviews(conn: sqlite3.Connection, product_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT r.id, r.rating, r.body, r.created_at, u.username FROM reviews r"
        " JOIN users u ON u.id = r.user_id WHERE r.product_id = ?"
        " ORDER BY r.created_at DESC, r.id DESC",
        (product_id,),
    ).fetchall()


def user_by_name(conn: sqlite3.Connection, username: str | None) -> sqlite3.Row | None:
    if not username:
        return None
    return conn.execute(
        "SELECT id, username, email, full_name, password_hash FROM users WHERE username = ?",
        (username,),
    ).fetchone()


def owner_clause(owner: tuple[str, int | str]) -> tuple[str, int | str]:
    """`("user_id", 3)` or `("session_id", "ab12")` → SQL condition and its parameter."""
    column, value = owner
    if column not in ("user_id", "session_id"):
        raise ValueError(column)
    return f"ci.{column} = ?", value


def cart_lines(conn: sqlite3.Connection, owner: tuple[str, int | str] | None) -> list[sqlite3.Row]:
    if owner is None:
        return []
    cond, value = owner_clause(owner)
    return conn.execute(
        "SELECT ci.id, ci.product_id, ci.quantity, p.name, p.price_cents, p.stock,"
        " ci.quantity * p.price_cents AS line_cents"
        f" FROM cart_items ci JOIN products p ON p.id = ci.product_id WHERE {cond}"
        " ORDER BY ci.id",
        (value,),
    ).fetchall()


def cart_count(conn: sqlite3.Connection, owner: tuple[str, int | str] | None) -> int:
    if owner is None:
        return 0
    cond, value = owner_clause(owner)
    row = conn.execute(
        f"SELECT COALESCE(SUM(ci.quantity), 0) FROM cart_items ci WHERE {cond}", (value,)
    ).fetchone()
    return int(row[0])


def cart_quantity(conn: sqlite3.Connection, owner: tuple[str, int | str], product_id: int) -> int:
    cond, value = owner_clause(owner)
    row = conn.execute(
        f"SELECT quantity FROM cart_items ci WHERE {cond} AND ci.product_id = ?",
        (value, product_id),
    ).fetchone()
    return int(row[0]) if row else 0


def merge_session_cart(conn: sqlite3.Connection, session_id: str, user_id: int) -> None:
    """Move an anonymous cart into the user's cart (quantities add up, capped at stock)."""
    rows = conn.execute(
        "SELECT ci.product_id, ci.quantity, ci.added_at, p.stock FROM cart_items ci"
        " JOIN products p ON p.id = ci.product_id WHERE ci.session_id = ? ORDER BY ci.id",
        (session_id,),
    ).fetchall()
    for row in rows:
        have = cart_quantity(conn, ("user_id", user_id), row["product_id"])
        quantity = min(have + row["quantity"], max(row["stock"], 1))
        if have:
            conn.execute(
                "UPDATE cart_items SET quantity = ? WHERE user_id = ? AND product_id = ?",
                (quantity, user_id, row["product_id"]),
            )
        else:
            conn.execute(
                "INSERT INTO cart_items (user_id, session_id, product_id, quantity, added_at)"
                " VALUES (?, NULL, ?, ?, ?)",
                (user_id, row["product_id"], quantity, row["added_at"]),
            )
    conn.execute("DELETE FROM cart_items WHERE session_id = ?", (session_id,))


def in_wishlist(conn: sqlite3.Connection, user_id: int, product_id: int) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM wishlist_items WHERE user_id = ? AND product_id = ?",
            (user_id, product_id),
        ).fetchone()
        is not None
    )


def wishlist(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM wishlist_items w JOIN products p ON p.id = w.product_id"
        " JOIN categories c ON c.id = p.category_id WHERE w.user_id = ? ORDER BY w.id",
        (user_id,),
    ).fetchall()


def orders(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT o.*, (SELECT SUM(quantity) FROM order_items WHERE order_id = o.id) AS item_count"
        " FROM orders o WHERE o.user_id = ? ORDER BY o.created_at DESC, o.id DESC",
        (user_id,),
    ).fetchall()


def order(conn: sqlite3.Connection, user_id: int, order_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM orders WHERE id = ? AND user_id = ?", (order_id, user_id)
    ).fetchone()


def order_items(conn: sqlite3.Connection, order_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT product_id, product_name, quantity, unit_price_cents,"
        " quantity * unit_price_cents AS line_cents FROM order_items WHERE order_id = ?"
        " ORDER BY id",
        (order_id,),
    ).fetchall()

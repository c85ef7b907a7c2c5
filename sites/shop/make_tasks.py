"""Generate `sites/shop/tasks.json` from the seeded data: `python -m sites.shop.make_tasks`.

Answers and expected rows are computed from a freshly seeded database, so the task file stays
consistent with the seed. Every template has three instances: the first two are `train`, the
third `test`. References use semantic locators only (roles, labels, placeholders, text).
"""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sites.shop.seed import seed

TASKS_FILE = Path(__file__).with_name("tasks.json")

SORT_LABELS = {
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "name": "Name",
}


def _lines(*lines: str) -> str:
    return "\n".join(lines)


def _open_product(name: str) -> list[str]:
    return [
        f'await page.get_by_role("searchbox", name="Search products").fill({name!r})',
        'await page.get_by_role("button", name="Search", exact=True).click()',
        f'await page.get_by_role("link", name={name!r}, exact=True).click()',
        _expect_h1(name),
    ]


def _expect_status(text: str) -> str:
    """Wait for the flash message that confirms a form post."""
    return f'await expect(page.get_by_role("status")).to_contain_text({text!r})'


def _expect_h1(text: str) -> str:
    return f'await expect(page.get_by_role("heading", level=1)).to_have_text({text!r})'


def _open_cart() -> list[str]:
    return [
        'await page.get_by_role("link", name="Cart").click()',
        _expect_h1("Your cart"),
    ]


def _cart_rows_sql(username: str) -> str:
    return (
        "SELECT p.name, ci.quantity FROM cart_items ci JOIN users u ON u.id = ci.user_id"
        f" JOIN products p ON p.id = ci.product_id WHERE u.username = '{username}'"
        " ORDER BY ci.id"
    )


class Builder:
    """Accumulates tasks template by template."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.tasks: list[dict[str, Any]] = []
        self.template_id = 0

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[list[Any]]:
        return [list(r) for r in self.conn.execute(sql, params).fetchall()]

    def template(
        self,
        text: str,
        kind: str,
        instances: list[tuple[dict[str, Any], dict[str, Any], list[str]]],
        login_as: str | list[str] | None = None,
    ) -> None:
        """Add one intent template; each instance = (values, evaluator, reference lines).

        `login_as` is one user for every instance or one per instance (None: anonymous).
        """
        self.template_id += 1
        assert len(instances) >= 3, text
        for n, (values, evaluator, reference) in enumerate(instances):
            user = login_as[n] if isinstance(login_as, list) else login_as
            intent = text
            for key, value in values.items():
                intent = intent.replace("{{" + key + "}}", str(value))
            self.tasks.append(
                {
                    "task_id": f"shop-{len(self.tasks) + 1:03d}",
                    "intent_template_id": self.template_id,
                    "intent_template": text,
                    "instantiation_dict": values,
                    "intent": intent,
                    "kind": kind,
                    "start_url": "/",
                    "requires_login": user is not None,
                    "login_as": user,
                    "split": "train" if n < 2 else "test",
                    "eval": evaluator,
                    "reference": _lines(*reference),
                }
            )


def build(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rng = random.Random(7)
    b = Builder(conn)
    products = b.rows(
        "SELECT p.id, p.name, p.price_cents, p.stock, c.name, c.slug FROM products p"
        " JOIN categories c ON c.id = p.category_id ORDER BY p.id"
    )
    in_stock = [p for p in products if p[3] >= 5]
    picks = rng.sample(in_stock, 40)  # distinct products, handed out to templates below

    # 1. price of a product (info, numeric)
    b.template(
        "What is the price of {{product}}?",
        "info",
        [
            (
                {"product": p[1]},
                {"type": "answer", "match": "numeric", "expected": p[2] / 100},
                [*_open_product(p[1]), 'return await page.get_by_text("Price:").inner_text()'],
            )
            for p in picks[0:3]
        ],
    )

    # 2. how many products in a category cost less than $P (info, numeric)
    count_instances = []
    for slug, limit in (("kitchen", 25), ("electronics", 60), ("garden", 30)):
        cat_name, count = b.rows(
            "SELECT c.name, SUM(p.price_cents < ?) FROM products p"
            " JOIN categories c ON c.id = p.category_id WHERE c.slug = ?",
            (limit * 100, slug),
        )[0]
        count_instances.append(
            (
                {"category": cat_name, "price": limit},
                {"type": "answer", "match": "numeric", "expected": count},
                [
                    'nav = page.get_by_role("navigation", name="Categories")',
                    f'await nav.get_by_role("link", name={cat_name!r}, exact=True).click()',
                    _expect_h1(cat_name),
                    'prices = await page.get_by_role("article").get_by_text("$").all_inner_texts()',
                    f"cheap = [t for t in prices if float(t.strip().lstrip('$')) < {limit}]",
                    "return str(len(cheap))",
                ],
            )
        )
    b.template(
        "How many products in the {{category}} category cost less than ${{price}}?",
        "info",
        count_instances,
    )

    # 3. top-rated product of a category (info, exact); only categories with a unique best
    top_instances = []
    for slug, cat_name in b.rows("SELECT slug, name FROM categories ORDER BY id"):
        ranked = b.rows(
            "SELECT p.name, ROUND(AVG(r.rating), 1) AS avg FROM products p"
            " JOIN categories c ON c.id = p.category_id JOIN reviews r ON r.product_id = p.id"
            " WHERE c.slug = ? GROUP BY p.id ORDER BY avg DESC",
            (slug,),
        )
        if ranked[0][1] == ranked[1][1]:
            continue
        top_instances.append(
            (
                {"category": cat_name},
                {"type": "answer", "match": "exact", "expected": ranked[0][0]},
                [
                    'nav = page.get_by_role("navigation", name="Categories")',
                    f'await nav.get_by_role("link", name={cat_name!r}, exact=True).click()',
                    'await page.get_by_label("Sort by").select_option(label="Customer rating")',
                    'await page.get_by_role("button", name="Sort", exact=True).click()',
                    'await page.wait_for_url("**sort=rating**")',
                    'first = page.get_by_role("article").first',
                    'return await first.get_by_role("heading").inner_text()',
                ],
            )
        )
    b.template(
        "Which product in the {{category}} category has the highest average customer rating?",
        "info",
        top_instances[:3],
    )

    # 4. total of my most recent order (info, numeric, one template per seeded user)
    order_total_instances = []
    for user in ("alice", "bob", "carol"):
        total = b.rows(
            "SELECT o.total_cents FROM orders o JOIN users u ON u.id = o.user_id"
            " WHERE u.username = ? ORDER BY o.created_at DESC, o.id DESC LIMIT 1",
            (user,),
        )[0][0]
        order_total_instances.append(
            (
                {"user": user},
                {"type": "answer", "match": "numeric", "expected": total / 100},
                [
                    'await page.get_by_role("button", name="Account").click()',
                    'await page.get_by_role("link", name="My orders").click()',
                    'await page.get_by_role("link", name="Order #").first.click()',
                    'return await page.get_by_text("Order total:").inner_text()',
                ],
            )
        )
    b.template(
        "What was the total of my most recent order?",
        "info",
        order_total_instances,
        login_as=["alice", "bob", "carol"],
    )

    # 5. search results for a query in a category with a sort order (navigation, exact URL)
    search_instances = []
    for query, slug, sort in (
        ("mug", "kitchen", "price_asc"),
        ("lamp", "office", "price_desc"),
        ("jacket", "clothing", "name"),
    ):
        cat_name = b.rows("SELECT name FROM categories WHERE slug = ?", (slug,))[0][0]
        url = "/search?" + urlencode({"q": query, "category": slug, "sort": sort})
        search_instances.append(
            (
                {"query": query, "category": cat_name, "sort": SORT_LABELS[sort]},
                {"type": "url", "expected": url, "rule": "exact"},
                [
                    f'await page.get_by_role("searchbox", name="Search products").fill({query!r})',
                    'await page.get_by_role("combobox", name="Category")'
                    f".select_option(label={cat_name!r})",
                    'await page.get_by_role("button", name="Search", exact=True).click()',
                    'await page.get_by_role("combobox", name="Sort by")'
                    f".select_option(label={SORT_LABELS[sort]!r})",
                    'await page.get_by_role("button", name="Search", exact=True).click()',
                    f'await page.wait_for_url("**sort={sort}**")',
                ],
            )
        )
    b.template(
        'Show the search results for "{{query}}" in the {{category}} category, sorted by {{sort}}.',
        "navigation",
        search_instances,
    )

    # 6. open a product page (navigation, path)
    b.template(
        "Open the product page of {{product}}.",
        "navigation",
        [
            (
                {"product": p[1]},
                {"type": "url", "expected": f"/product/{p[0]}", "rule": "path"},
                _open_product(p[1]),
            )
            for p in picks[3:6]
        ],
    )

    # 7. a given page of all products in a sort order (navigation, exact URL)
    page_instances = []
    for sort, page in (("price_asc", 2), ("price_desc", 3), ("name", 4)):
        page_instances.append(
            (
                {"page": page, "sort": SORT_LABELS[sort]},
                {
                    "type": "url",
                    "expected": "/search?" + urlencode({"sort": sort, "page": page}),
                    "rule": "exact",
                },
                [
                    'await page.get_by_role("button", name="Search", exact=True).click()',
                    'await page.get_by_role("combobox", name="Sort by")'
                    f".select_option(label={SORT_LABELS[sort]!r})",
                    'await page.get_by_role("button", name="Search", exact=True).click()',
                    f'await page.wait_for_url("**sort={sort}**")',
                    'pages = page.get_by_role("navigation", name="Pagination")',
                    f'await pages.get_by_role("link", name="Page {page}", exact=True).click()',
                    f'await page.wait_for_url("**page={page}")',
                ],
            )
        )
    b.template(
        "Browse all products sorted by {{sort}} and open results page {{page}}.",
        "navigation",
        page_instances,
    )

    # 8. add N of a product to the cart, anonymously (state)
    cart_instances = []
    for p, qty in zip(picks[6:9], (2, 3, 1), strict=True):
        cart_instances.append(
            (
                {"quantity": qty, "product": p[1]},
                {
                    "type": "state",
                    "sql": "SELECT p.name, ci.quantity FROM cart_items ci"
                    " JOIN products p ON p.id = ci.product_id WHERE ci.user_id IS NULL"
                    " ORDER BY ci.id",
                    "expected": [[p[1], qty]],
                },
                [
                    *_open_product(p[1]),
                    f'await page.get_by_label("Quantity", exact=True).fill("{qty}")',
                    'await page.get_by_role("button", name="Add to cart").click()',
                    _expect_status("Added"),
                ],
            )
        )
    b.template("Add {{quantity}} × {{product}} to the cart.", "state", cart_instances)

    # 9. write a review as alice (state)
    reviewed = {
        r[0]
        for r in b.rows(
            "SELECT r.product_id FROM reviews r JOIN users u ON u.id = r.user_id"
            " WHERE u.username = 'alice'"
        )
    }
    review_picks = [p for p in picks[9:20] if p[0] not in reviewed][:3]
    texts = (
        (5, "Lovely quality and it arrived well packed."),
        (2, "It broke after a week of light use, sadly."),
        (4, "Works well, though the colour is a bit darker."),
    )
    review_instances = []
    for p, (rating, text) in zip(review_picks, texts, strict=True):
        review_instances.append(
            (
                {"rating": rating, "product": p[1], "text": text},
                {
                    "type": "state",
                    "sql": "SELECT r.rating, r.body FROM reviews r JOIN users u ON u.id = r.user_id"
                    f" WHERE u.username = 'alice' AND r.product_id = {p[0]}",
                    "expected": [[rating, text]],
                },
                [
                    *_open_product(p[1]),
                    f'await page.get_by_label("Rating").select_option("{rating}")',
                    f'await page.get_by_label("Review", exact=True).fill({text!r})',
                    'await page.get_by_role("button", name="Submit review").click()',
                    _expect_status("review has been posted"),
                ],
            )
        )
    b.template(
        'Write a {{rating}}-star review of {{product}} saying "{{text}}".',
        "state",
        review_instances,
        login_as="alice",
    )

    # 10. add to carol's wishlist (state)
    wished = {
        r[0]
        for r in b.rows(
            "SELECT w.product_id FROM wishlist_items w JOIN users u ON u.id = w.user_id"
            " WHERE u.username = 'carol'"
        )
    }
    wish_sql = (
        "SELECT p.name FROM wishlist_items w JOIN users u ON u.id = w.user_id"
        " JOIN products p ON p.id = w.product_id WHERE u.username = 'carol' ORDER BY p.name"
    )
    current = [r[0] for r in b.rows(wish_sql)]
    wish_instances = []
    for p in [p for p in picks[20:26] if p[0] not in wished][:3]:
        wish_instances.append(
            (
                {"product": p[1]},
                {
                    "type": "state",
                    "sql": wish_sql,
                    "expected": [[name] for name in sorted([*current, p[1]])],
                },
                [
                    *_open_product(p[1]),
                    'await page.get_by_role("button", name="Add to wishlist").click()',
                    _expect_status("to your wishlist"),
                ],
            )
        )
    b.template("Add {{product}} to my wishlist.", "state", wish_instances, login_as="carol")

    # 11. place an order as alice (state)
    addresses = (
        ("Maria Lopez", "221 Baker Street", "London", "NW1 6XE", "United Kingdom"),
        ("Kenji Sato", "3-1 Chiyoda", "Tokyo", "100-0001", "Japan"),
        ("Paul Weber", "Hauptstrasse 5", "Berlin", "10115", "Germany"),
    )
    order_instances = []
    for p, qty, addr in zip(picks[26:29], (1, 2, 3), addresses, strict=True):
        name, street, city, postal, country = addr
        order_instances.append(
            (
                {
                    "quantity": qty,
                    "product": p[1],
                    "name": name,
                    "street": street,
                    "city": city,
                    "postal_code": postal,
                    "country": country,
                },
                {
                    "type": "state",
                    "sql": "SELECT o.full_name, o.street, o.city, o.postal_code, o.country,"
                    " oi.product_name, oi.quantity FROM orders o"
                    " JOIN order_items oi ON oi.order_id = o.id JOIN users u ON u.id = o.user_id"
                    " WHERE u.username = 'alice' AND o.status = 'Processing' ORDER BY oi.id",
                    "expected": [[name, street, city, postal, country, p[1], qty]],
                },
                [
                    *_open_product(p[1]),
                    f'await page.get_by_label("Quantity", exact=True).fill("{qty}")',
                    'await page.get_by_role("button", name="Add to cart").click()',
                    'await page.get_by_role("link", name="Proceed to checkout").click()',
                    f'await page.get_by_label("Full name").fill({name!r})',
                    f'await page.get_by_label("Street address").fill({street!r})',
                    f'await page.get_by_label("City").fill({city!r})',
                    f'await page.get_by_label("Postal code").fill({postal!r})',
                    f'await page.get_by_label("Country").select_option(label={country!r})',
                    'await page.get_by_role("button", name="Place order").click()',
                    _expect_status("has been placed"),
                ],
            )
        )
    b.template(
        "Buy {{quantity}} × {{product}} and ship it to {{name}}, {{street}},"
        " {{city}} {{postal_code}}, {{country}}.",
        "state",
        order_instances,
        login_as="alice",
    )

    # 12. register a new account (state)
    register_instances = []
    for username, email, password in (
        ("dana_w", "dana@example.net", "sunflower-42"),
        ("mike2026", "mike.t@example.org", "correct-horse-9"),
        ("li_na", "lina@example.com", "green-tea-77"),
    ):
        register_instances.append(
            (
                {"username": username, "email": email, "password": password},
                {
                    "type": "state",
                    "sql": f"SELECT username, email FROM users WHERE username = '{username}'",
                    "expected": [[username, email]],
                },
                [
                    'await page.get_by_role("link", name="Register").click()',
                    f'await page.get_by_label("Username").fill({username!r})',
                    f'await page.get_by_label("Email").fill({email!r})',
                    f'await page.get_by_label("Password", exact=True).fill({password!r})',
                    f'await page.get_by_label("Confirm password").fill({password!r})',
                    'await page.get_by_role("button", name="Register").click()',
                    _expect_status("account has been created"),
                ],
            )
        )
    b.template(
        "Register a new account with username {{username}}, email {{email}} and password"
        " {{password}}.",
        "state",
        register_instances,
    )

    # 13. newsletter signup through the unlabeled footer input (state)
    newsletter_instances = []
    for email in ("sam.rivera@example.com", "deals.hunter@example.org", "pat@example.net"):
        newsletter_instances.append(
            (
                {"email": email},
                {
                    "type": "state",
                    "sql": f"SELECT email FROM newsletter WHERE email = '{email}'",
                    "expected": [[email]],
                },
                [
                    f'await page.get_by_placeholder("Your email").fill({email!r})',
                    'await page.get_by_role("button", name="Subscribe").click()',
                    _expect_status("Thanks for subscribing"),
                ],
            )
        )
    b.template("Subscribe {{email}} to the newsletter.", "state", newsletter_instances)

    # 14. change a quantity in bob's seeded cart (state)
    bob_cart = b.rows(
        "SELECT p.name, ci.quantity, p.stock FROM cart_items ci JOIN users u ON u.id = ci.user_id"
        " JOIN products p ON p.id = ci.product_id WHERE u.username = 'bob' ORDER BY ci.id"
    )
    change_instances = []
    for name, qty, stock in bob_cart:
        new_qty = qty + 2 if qty + 2 <= stock else 1
        expected = [[n, new_qty if n == name else q] for n, q, _ in bob_cart]
        change_instances.append(
            (
                {"product": name, "quantity": new_qty},
                {"type": "state", "sql": _cart_rows_sql("bob"), "expected": expected},
                [
                    *_open_cart(),
                    f'await page.get_by_label("Quantity for {name}").fill("{new_qty}")',
                    f'link = page.get_by_role("link", name={name!r}, exact=True)',
                    'line = page.get_by_role("listitem").filter(has=link)',
                    'await line.get_by_role("button", name="Update").click()',
                    _expect_status("Updated"),
                ],
            )
        )
    b.template(
        "Change the quantity of {{product}} in my cart to {{quantity}}.",
        "state",
        change_instances,
        login_as="bob",
    )

    # 15. remove an item from bob's seeded cart (state)
    remove_instances = []
    for name, _, _ in bob_cart:
        expected = [[n, q] for n, q, _ in bob_cart if n != name]
        remove_instances.append(
            (
                {"product": name},
                {"type": "state", "sql": _cart_rows_sql("bob"), "expected": expected},
                [
                    *_open_cart(),
                    f'await page.get_by_role("button", name={"Remove " + name!r}).click()',
                    _expect_status("Removed"),
                ],
            )
        )
    b.template("Remove {{product}} from my cart.", "state", remove_instances, login_as="bob")
    return b.tasks


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "shop.db"
        seed(db)
        conn = sqlite3.connect(db)
        try:
            tasks = build(conn)
        finally:
            conn.close()
    TASKS_FILE.write_text(json.dumps(tasks, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(tasks)} tasks to {TASKS_FILE}")


if __name__ == "__main__":
    main()

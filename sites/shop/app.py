"""The shop's Starlette app: catalogue, search, cart, checkout, accounts, reviews, wishlist.

Theme `v2` renames `/product/{id}` to `/item/{id}` and `/cart` to `/basket` (the v1 paths
404 under v2), changes wording ("Find items", "Add to basket", "Qty", "Post review") and
the markup (sidebar navigation, results as a table).
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sites.common import connect, make_templates, session_middleware
from sites.shop import forms
from sites.shop import queries as q
from sites.shop.catalog import COUNTRIES
from sites.shop.seed import password_hash, timestamp

SITE_DIR = Path(__file__).parent

LABELS: dict[str, dict[str, str]] = {
    "v1": {
        "search_label": "Search products",
        "search_button": "Search",
        "category": "Category",
        "all_categories": "All categories",
        "sort": "Sort by",
        "add_to_cart": "Add to cart",
        "cart": "Cart",
        "your_cart": "Your cart",
        "quantity": "Quantity",
        "submit_review": "Submit review",
        "add_to_wishlist": "Add to wishlist",
        "update_button": "Update",
        "remove": "Remove",
        "checkout": "Proceed to checkout",
        "place_order": "Place order",
        "categories_nav": "Categories",
    },
    "v2": {
        "search_label": "Find items",
        "search_button": "Find",
        "category": "Department",
        "all_categories": "All departments",
        "sort": "Order by",
        "add_to_cart": "Add to basket",
        "cart": "Basket",
        "your_cart": "Your basket",
        "quantity": "Qty",
        "submit_review": "Post review",
        "add_to_wishlist": "Save to wishlist",
        "update_button": "Save",
        "remove": "Delete",
        "checkout": "Go to checkout",
        "place_order": "Confirm order",
        "categories_nav": "Departments",
    },
}

PATHS: dict[str, dict[str, str]] = {
    "v1": {"product": "/product", "cart": "/cart"},
    "v2": {"product": "/item", "cart": "/basket"},
}

Owner = tuple[str, int | str]


def money(cents: int | None) -> str:
    return f"${(cents or 0) / 100:,.2f}"


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative redirects."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@dataclass
class Ctx:
    """Per-request state: the DB connection and who is asking."""

    request: Request
    conn: sqlite3.Connection
    user: sqlite3.Row | None

    @property
    def owner(self) -> Owner | None:
        if self.user is not None:
            return ("user_id", int(self.user["id"]))
        cart_id = self.request.session.get("cart_id")
        return ("session_id", cart_id) if cart_id else None

    def ensure_owner(self) -> Owner:
        owner = self.owner
        if owner is None:
            cart_id = secrets.token_hex(12)
            self.request.session["cart_id"] = cart_id
            owner = ("session_id", cart_id)
        return owner


class ShopApp:
    """Route handlers bound to one database file and one theme."""

    def __init__(self, db_path: Path, theme: str) -> None:
        if theme not in LABELS:
            raise ValueError(f"unknown theme {theme!r}")
        self.db_path = db_path
        self.theme = theme
        self.labels = LABELS[theme]
        self.paths = PATHS[theme]
        self.templates = make_templates(SITE_DIR, theme)
        env = self.templates.env
        env.filters["money"] = money
        env.globals.update(
            L=self.labels,
            P=self.paths,
            countries=COUNTRIES,
            sort_labels=q.SORT_LABELS,
            postal_pattern=forms.POSTAL_PATTERN,
            review_min=forms.REVIEW_MIN,
        )

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def ctx(self, request: Request) -> Iterator[Ctx]:
        conn = connect(self.db_path)
        try:
            user = q.user_by_name(conn, request.session.get("user"))
            yield Ctx(request, conn, user)
        finally:
            conn.close()

    def flash(self, request: Request, message: str) -> None:
        request.session["flash"] = [*request.session.get("flash", []), message]

    def render(
        self, c: Ctx, name: str, context: dict[str, Any] | None = None, status: int = 200
    ) -> Response:
        data: dict[str, Any] = {
            "user": c.user,
            "cart_count": q.cart_count(c.conn, c.owner),
            "categories": q.categories(c.conn),
            "flashes": c.request.session.pop("flash", []),
            "errors": [],
            "current_path": c.request.url.path
            + (f"?{c.request.url.query}" if c.request.url.query else ""),
        }
        data.update(context or {})
        return self.templates.TemplateResponse(c.request, name, data, status_code=status)

    def login_redirect(self, c: Ctx, next_url: str) -> RedirectResponse:
        self.flash(c.request, "Please log in to continue.")
        return redirect("/login?" + urlencode({"next": next_url}))

    def product_url(self, product_id: int) -> str:
        return f"{self.paths['product']}/{product_id}"

    @staticmethod
    def page_number(request: Request) -> int:
        raw = request.query_params.get("page", "1")
        return max(1, int(raw)) if raw.isdigit() else 1

    @staticmethod
    def pages(total: int) -> int:
        return max(1, (total + q.PAGE_SIZE - 1) // q.PAGE_SIZE)

    # -- catalogue --------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        with self.ctx(request) as c:
            return self.render(c, "home.html", {"products": q.featured(c.conn)})

    async def search(self, request: Request) -> Response:
        params = request.query_params
        query = params.get("q", "").strip()
        category = params.get("category", "")
        sort = params.get("sort", "")
        if sort not in q.SORTS:
            sort = ""
        page = self.page_number(request)
        with self.ctx(request) as c:
            if category and q.category_by_slug(c.conn, category) is None:
                category = ""
            rows, total = q.search(c.conn, query, category, sort, page)
            keep = {k: v for k, v in (("q", query), ("category", category), ("sort", sort)) if v}
            return self.render(
                c,
                "search.html",
                {
                    "query": query,
                    "category": category,
                    "sort": sort,
                    "products": rows,
                    "total": total,
                    "page": page,
                    "pages": self.pages(total),
                    "page_url": lambda n: "/search?" + urlencode({**keep, "page": n}),
                    "on_search_page": True,
                },
            )

    async def category(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        sort = request.query_params.get("sort", "")
        if sort not in q.SORTS:
            sort = ""
        page = self.page_number(request)
        with self.ctx(request) as c:
            cat = q.category_by_slug(c.conn, slug)
            if cat is None:
                raise HTTPException(404, "No such category")
            rows, total = q.category_products(c.conn, cat["id"], sort, page)
            keep = {"sort": sort} if sort else {}
            return self.render(
                c,
                "category.html",
                {
                    "category": cat,
                    "sort": sort,
                    "products": rows,
                    "total": total,
                    "page": page,
                    "pages": self.pages(total),
                    "page_url": lambda n: f"/category/{slug}?" + urlencode({**keep, "page": n}),
                },
            )

    def _product_page(
        self, c: Ctx, product_id: int, extra: dict[str, Any] | None = None, status: int = 200
    ) -> Response:
        product = q.product(c.conn, product_id)
        if product is None:
            raise HTTPException(404, "No such product")
        reviews = q.reviews(c.conn, product_id)
        context: dict[str, Any] = {
            "product": product,
            "reviews": reviews,
            "in_wishlist": c.user is not None and q.in_wishlist(c.conn, c.user["id"], product_id),
            "has_reviewed": c.user is not None
            and any(r["username"] == c.user["username"] for r in reviews),
            "in_cart": q.cart_quantity(c.conn, c.owner, product_id) if c.owner else 0,
            "quantity_value": "1",
            "cart_errors": [],
            "review_errors": [],
            "review_rating": "",
            "review_body": "",
        }
        context.update(extra or {})
        return self.render(c, "product.html", context, status)

    async def product(self, request: Request) -> Response:
        with self.ctx(request) as c:
            return self._product_page(c, request.path_params["product_id"])

    # -- cart -------------------------------------------------------------------------------

    async def add_to_cart(self, request: Request) -> Response:
        product_id = request.path_params["product_id"]
        form = await request.form()
        raw = str(form.get("quantity", ""))
        with self.ctx(request) as c:
            product = q.product(c.conn, product_id)
            if product is None:
                raise HTTPException(404, "No such product")
            have = q.cart_quantity(c.conn, c.owner, product_id) if c.owner else 0
            quantity, errors = forms.parse_quantity(raw, product["stock"] - have)
            if quantity is None:
                return self._product_page(
                    c, product_id, {"cart_errors": errors, "quantity_value": raw}, status=400
                )
            owner = c.ensure_owner()
            column, value = owner
            if have:
                c.conn.execute(
                    f"UPDATE cart_items SET quantity = quantity + ? WHERE {column} = ?"
                    " AND product_id = ?",
                    (quantity, value, product_id),
                )
            else:
                row_id = c.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cart_items")
                next_id = int(row_id.fetchone()[0])
                c.conn.execute(
                    f"INSERT INTO cart_items (id, {column}, product_id, quantity, added_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (next_id, value, product_id, quantity, self.now(next_id)),
                )
            c.conn.commit()
            self.flash(
                request,
                f"Added {quantity} × {product['name']} to your {self.labels['cart'].lower()}.",
            )
        return redirect(self.paths["cart"])

    @staticmethod
    def now(row_id: int) -> str:
        """Deterministic creation time of the row with id `row_id` (the fixed clock + id s)."""
        return timestamp(row_id)

    async def cart(self, request: Request) -> Response:
        with self.ctx(request) as c:
            return self._cart_page(c)

    def _cart_page(
        self, c: Ctx, extra: dict[str, Any] | None = None, status: int = 200
    ) -> Response:
        lines = q.cart_lines(c.conn, c.owner)
        context: dict[str, Any] = {
            "lines": lines,
            "total_cents": sum(line["line_cents"] for line in lines),
            "item_count": sum(line["quantity"] for line in lines),
            "line_values": {},
        }
        context.update(extra or {})
        return self.render(c, "cart.html", context, status)

    async def update_cart(self, request: Request) -> Response:
        product_id = request.path_params["product_id"]
        form = await request.form()
        raw = str(form.get("quantity", ""))
        with self.ctx(request) as c:
            line = next(
                (x for x in q.cart_lines(c.conn, c.owner) if x["product_id"] == product_id), None
            )
            if line is None or c.owner is None:
                raise HTTPException(404, "That product is not in your cart")
            quantity, errors = forms.parse_quantity(raw, line["stock"])
            if quantity is None:
                errors = [f"{line['name']}: {e}" for e in errors]
                return self._cart_page(
                    c, {"errors": errors, "line_values": {product_id: raw}}, status=400
                )
            column, value = c.owner
            c.conn.execute(
                f"UPDATE cart_items SET quantity = ? WHERE {column} = ? AND product_id = ?",
                (quantity, value, product_id),
            )
            c.conn.commit()
            self.flash(request, f"Updated {line['name']}: quantity is now {quantity}.")
        return redirect(self.paths["cart"])

    async def remove_from_cart(self, request: Request) -> Response:
        product_id = request.path_params["product_id"]
        with self.ctx(request) as c:
            line = next(
                (x for x in q.cart_lines(c.conn, c.owner) if x["product_id"] == product_id), None
            )
            if line is None or c.owner is None:
                raise HTTPException(404, "That product is not in your cart")
            column, value = c.owner
            c.conn.execute(
                f"DELETE FROM cart_items WHERE {column} = ? AND product_id = ?", (value, product_id)
            )
            c.conn.commit()
            self.flash(request, f"Removed {line['name']} from your {self.labels['cart'].lower()}.")
        return redirect(self.paths["cart"])

    # -- checkout and orders ----------------------------------------------------------------

    async def checkout(self, request: Request) -> Response:
        with self.ctx(request) as c:
            if c.user is None:
                return self.login_redirect(c, "/checkout")
            lines = q.cart_lines(c.conn, c.owner)
            if not lines:
                self.flash(request, f"Your {self.labels['cart'].lower()} is empty.")
                return redirect(self.paths["cart"])
            values = {
                "full_name": c.user["full_name"],
                "street": "",
                "city": "",
                "postal_code": "",
                "country": "",
            }
            if request.method == "GET":
                return self._checkout_page(c, lines, values)
            form = await request.form()
            values = {k: str(form.get(k, "")).strip() for k in values}
            errors = forms.shipping_errors(values)
            errors += [
                f"Only {line['stock']} of {line['name']} left in stock."
                for line in lines
                if line["quantity"] > line["stock"]
            ]
            if errors:
                return self._checkout_page(c, lines, values, errors, status=400)
            order_id = int(
                c.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM orders").fetchone()[0]
            )
            total = sum(line["line_cents"] for line in lines)
            c.conn.execute(
                "INSERT INTO orders (id, user_id, full_name, street, city, postal_code, country,"
                " total_cents, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    order_id,
                    c.user["id"],
                    values["full_name"],
                    values["street"],
                    values["city"],
                    values["postal_code"],
                    values["country"],
                    total,
                    "Processing",
                    self.now(order_id),
                ),
            )
            for line in lines:
                c.conn.execute(
                    "INSERT INTO order_items (order_id, product_id, product_name, quantity,"
                    " unit_price_cents) VALUES (?, ?, ?, ?, ?)",
                    (
                        order_id,
                        line["product_id"],
                        line["name"],
                        line["quantity"],
                        line["price_cents"],
                    ),
                )
                c.conn.execute(
                    "UPDATE products SET stock = stock - ? WHERE id = ?",
                    (line["quantity"], line["product_id"]),
                )
            c.conn.execute("DELETE FROM cart_items WHERE user_id = ?", (c.user["id"],))
            c.conn.commit()
            self.flash(request, f"Thank you! Your order #{order_id} has been placed.")
        return redirect(f"/orders/{order_id}")

    def _checkout_page(
        self,
        c: Ctx,
        lines: list[sqlite3.Row],
        values: dict[str, str],
        errors: list[str] | None = None,
        status: int = 200,
    ) -> Response:
        return self.render(
            c,
            "checkout.html",
            {
                "lines": lines,
                "total_cents": sum(line["line_cents"] for line in lines),
                "values": values,
                "errors": errors or [],
            },
            status,
        )

    async def orders(self, request: Request) -> Response:
        with self.ctx(request) as c:
            if c.user is None:
                return self.login_redirect(c, "/orders")
            return self.render(c, "orders.html", {"orders": q.orders(c.conn, c.user["id"])})

    async def order(self, request: Request) -> Response:
        order_id = request.path_params["order_id"]
        with self.ctx(request) as c:
            if c.user is None:
                return self.login_redirect(c, f"/orders/{order_id}")
            order = q.order(c.conn, c.user["id"], order_id)
            if order is None:
                raise HTTPException(404, "No such order")
            return self.render(
                c, "order.html", {"order": order, "items": q.order_items(c.conn, order_id)}
            )

    # -- accounts ---------------------------------------------------------------------------

    def _log_in(self, c: Ctx, username: str, user_id: int) -> None:
        cart_id = c.request.session.pop("cart_id", None)
        if cart_id:
            q.merge_session_cart(c.conn, cart_id, user_id)
            c.conn.commit()
        c.request.session["user"] = username

    async def login(self, request: Request) -> Response:
        next_url = safe_next(request.query_params.get("next"))
        with self.ctx(request) as c:
            if request.method == "GET":
                return self.render(c, "login.html", {"next": next_url, "username": ""})
            form = await request.form()
            username = str(form.get("username", "")).strip()
            password = str(form.get("password", ""))
            next_url = safe_next(str(form.get("next", "")) or None, next_url)
            user = q.user_by_name(c.conn, username)
            if user is None or user["password_hash"] != password_hash(username, password):
                return self.render(
                    c,
                    "login.html",
                    {
                        "next": next_url,
                        "username": username,
                        "errors": ["Invalid username or password."],
                    },
                    status=400,
                )
            self._log_in(c, username, user["id"])
            self.flash(request, f"Welcome back, {username}!")
        return redirect(next_url)

    async def logout(self, request: Request) -> Response:
        request.session.clear()
        self.flash(request, "You have been logged out.")
        return redirect("/")

    async def register(self, request: Request) -> Response:
        keys = ("username", "email", "password", "confirm_password")
        with self.ctx(request) as c:
            if request.method == "GET":
                return self.render(c, "register.html", {"values": dict.fromkeys(keys, "")})
            form = await request.form()
            values = {k: str(form.get(k, "")) for k in keys}
            values["username"] = values["username"].strip()
            values["email"] = values["email"].strip().lower()
            username_taken = q.user_by_name(c.conn, values["username"]) is not None
            email_taken = (
                c.conn.execute("SELECT 1 FROM users WHERE email = ?", (values["email"],)).fetchone()
                is not None
            )
            errors = forms.register_errors(values, username_taken, email_taken)
            if errors:
                shown = {**values, "password": "", "confirm_password": ""}
                return self.render(
                    c, "register.html", {"values": shown, "errors": errors}, status=400
                )
            user_id = int(
                c.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM users").fetchone()[0]
            )
            c.conn.execute(
                "INSERT INTO users (id, username, email, full_name, password_hash, created_at)"
                " VALUES (?, ?, ?, '', ?, ?)",
                (
                    user_id,
                    values["username"],
                    values["email"],
                    password_hash(values["username"], values["password"]),
                    self.now(user_id),
                ),
            )
            c.conn.commit()
            self._log_in(c, values["username"], user_id)
            self.flash(request, f"Welcome, {values['username']}! Your account has been created.")
        return redirect("/")

    # -- reviews and wishlist ---------------------------------------------------------------

    async def add_review(self, request: Request) -> Response:
        product_id = request.path_params["product_id"]
        form = await request.form()
        rating = str(form.get("rating", ""))
        body = str(form.get("body", ""))
        with self.ctx(request) as c:
            if c.user is None:
                return self.login_redirect(c, self.product_url(product_id))
            if q.product(c.conn, product_id) is None:
                raise HTTPException(404, "No such product")
            errors = forms.review_errors(rating, body)
            if any(r["username"] == c.user["username"] for r in q.reviews(c.conn, product_id)):
                errors.insert(0, "You have already reviewed this product.")
            if errors:
                return self._product_page(
                    c,
                    product_id,
                    {"review_errors": errors, "review_rating": rating, "review_body": body},
                    status=400,
                )
            review_id = int(
                c.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM reviews").fetchone()[0]
            )
            c.conn.execute(
                "INSERT INTO reviews (id, product_id, user_id, rating, body, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    review_id,
                    product_id,
                    c.user["id"],
                    int(rating),
                    body.strip(),
                    self.now(review_id),
                ),
            )
            c.conn.commit()
            self.flash(request, "Thanks! Your review has been posted.")
        return redirect(self.product_url(product_id) + "#reviews")

    async def add_to_wishlist(self, request: Request) -> Response:
        product_id = request.path_params["product_id"]
        with self.ctx(request) as c:
            if c.user is None:
                return self.login_redirect(c, self.product_url(product_id))
            product = q.product(c.conn, product_id)
            if product is None:
                raise HTTPException(404, "No such product")
            if q.in_wishlist(c.conn, c.user["id"], product_id):
                self.flash(request, f"{product['name']} is already in your wishlist.")
            else:
                wid = int(
                    c.conn.execute(
                        "SELECT COALESCE(MAX(id), 0) + 1 FROM wishlist_items"
                    ).fetchone()[0]
                )
                c.conn.execute(
                    "INSERT INTO wishlist_items (id, user_id, product_id, added_at)"
                    " VALUES (?, ?, ?, ?)",
                    (wid, c.user["id"], product_id, self.now(wid)),
                )
                c.conn.commit()
                self.flash(request, f"Added {product['name']} to your wishlist.")
        return redirect(self.product_url(product_id))

    async def wishlist(self, request: Request) -> Response:
        with self.ctx(request) as c:
            if c.user is None:
                return self.login_redirect(c, "/wishlist")
            return self.render(c, "wishlist.html", {"products": q.wishlist(c.conn, c.user["id"])})

    async def remove_from_wishlist(self, request: Request) -> Response:
        product_id = request.path_params["product_id"]
        with self.ctx(request) as c:
            if c.user is None:
                return self.login_redirect(c, "/wishlist")
            product = q.product(c.conn, product_id)
            c.conn.execute(
                "DELETE FROM wishlist_items WHERE user_id = ? AND product_id = ?",
                (c.user["id"], product_id),
            )
            c.conn.commit()
            if product is not None:
                self.flash(request, f"Removed {product['name']} from your wishlist.")
        return redirect("/wishlist")

    # -- newsletter -------------------------------------------------------------------------

    async def newsletter(self, request: Request) -> Response:
        form = await request.form()
        email = str(form.get("email", "")).strip().lower()
        next_url = safe_next(str(form.get("next", "")) or None)
        with self.ctx(request) as c:
            errors = forms.email_errors(email)
            if errors:
                return self.render(
                    c,
                    "newsletter.html",
                    {
                        "email": email,
                        "errors": errors,
                        "next": next_url,
                        "hide_footer_newsletter": True,
                    },
                    status=400,
                )
            exists = c.conn.execute("SELECT 1 FROM newsletter WHERE email = ?", (email,)).fetchone()
            if exists:
                self.flash(request, f"{email} is already subscribed to our newsletter.")
            else:
                nid = int(
                    c.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM newsletter").fetchone()[0]
                )
                c.conn.execute(
                    "INSERT INTO newsletter (id, email, subscribed_at) VALUES (?, ?, ?)",
                    (nid, email, self.now(nid)),
                )
                c.conn.commit()
                self.flash(request, f"Thanks for subscribing! We'll send our news to {email}.")
        return redirect(next_url)

    async def not_found(self, request: Request, exc: Exception) -> Response:
        detail = exc.detail if isinstance(exc, HTTPException) else "Not found"
        with self.ctx(request) as c:
            return self.render(c, "404.html", {"detail": detail}, status=404)

    # -- routing ----------------------------------------------------------------------------

    def routes(self) -> list[Route | Mount]:
        product, cart = self.paths["product"], self.paths["cart"]
        return [
            Route("/", self.home),
            Route("/search", self.search),
            Route("/category/{slug}", self.category),
            Route(product + "/{product_id:int}", self.product),
            Route(product + "/{product_id:int}/cart", self.add_to_cart, methods=["POST"]),
            Route(product + "/{product_id:int}/reviews", self.add_review, methods=["POST"]),
            Route(product + "/{product_id:int}/wishlist", self.add_to_wishlist, methods=["POST"]),
            Route(cart, self.cart),
            Route(cart + "/items/{product_id:int}", self.update_cart, methods=["POST"]),
            Route(cart + "/items/{product_id:int}/remove", self.remove_from_cart, methods=["POST"]),
            Route("/checkout", self.checkout, methods=["GET", "POST"]),
            Route("/orders", self.orders),
            Route("/orders/{order_id:int}", self.order),
            Route("/login", self.login, methods=["GET", "POST"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/register", self.register, methods=["GET", "POST"]),
            Route("/wishlist", self.wishlist),
            Route("/wishlist/{product_id:int}/remove", self.remove_from_wishlist, methods=["POST"]),
            Route("/newsletter", self.newsletter, methods=["POST"]),
            Mount("/static", StaticFiles(directory=SITE_DIR / "static"), name="static"),
        ]


def create_app(db_path: Path, theme: str = "v1") -> Starlette:
    """The shop as an ASGI app over `db_path` (opened per request) in `theme` ("v1" or "v2")."""
    shop = ShopApp(Path(db_path), theme)
    return Starlette(
        routes=shop.routes(),
        middleware=[session_middleware("shop")],
        exception_handlers={404: shop.not_found},
    )

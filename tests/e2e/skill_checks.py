"""Run every verified shop skill of a library against a fresh shop and check what it did.

Run as a script in a fresh process (the e2e tests do):

    python tests/e2e/skill_checks.py LIBRARY_DIR

It loads the library's `shop` module, starts a new shop, and for each stored verified skill
runs its checker below: every step starts from a freshly reset site in a new browser context,
preconditions (logging in, filling the cart) are established with other library skills, and
the effect is checked in the site's SQLite database or in the returned value. Inputs come from
the seed data and avoid the values the skill was verified with.

Prints one line per skill: `RESULT {"skill": ..., "ok": ..., "detail"|"error": ...}`.
A stored skill without a checker is reported as a failure naming it.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page

from agent.browser import BrowserSession
from sites import RunningSite, serve
from sites.shop.seed import SEED_ADDRESSES, password_hash
from skills_store import SkillLibrary

RESULT_PREFIX = "RESULT "
CHECK_TIMEOUT_S = 120

Checker = Callable[["Env"], Awaitable[dict[str, Any]]]
CHECKERS: dict[str, Checker] = {}


def checker(name: str) -> Callable[[Checker], Checker]:
    def register(fn: Checker) -> Checker:
        CHECKERS[name] = fn
        return fn

    return register


class CheckFailed(AssertionError):
    """The skill did not do what its docstring says."""


def expect(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


class Env:
    """What a checker needs: the module, the running site, fresh pages, DB queries."""

    def __init__(
        self, mod: ModuleType, lib: SkillLibrary, site: RunningSite, browser: BrowserSession
    ) -> None:
        self.mod = mod
        self.lib = lib
        self.site = site
        self.browser = browser
        self.accounts = site.accounts
        self.contexts: list[BrowserContext] = []

    async def fresh_page(self) -> Page:
        """A new page in a new context against a freshly reset site."""
        await self.close()
        await self.site.reset()
        context = await self.browser.new_context(self.site.base_url)
        self.contexts.append(context)
        return await context.new_page()

    async def close(self) -> None:
        while self.contexts:
            await self.contexts.pop().close()

    def rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        assert self.site.db_path is not None
        conn = sqlite3.connect(self.site.db_path)
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    def used_inputs(self, skill: str) -> set[str]:
        """Every value (lower-cased) the skill was verified with: we choose different ones."""
        values: set[str] = set()
        for version in self.lib.versions(skill, "shop"):
            for test in version.tests:
                values |= {str(v).lower() for v in test.inputs.values() if v is not None}
        return values

    def products(self, n: int, *, avoid: set[str], min_stock: int = 5) -> list[str]:
        """`n` in-stock products, from the end of the catalogue, not among `avoid`."""
        rows = self.rows("SELECT name FROM products WHERE stock >= ? ORDER BY id DESC", min_stock)
        names = [r["name"] for r in rows if r["name"].lower() not in avoid]
        expect(len(names) >= n, f"seed has fewer than {n} usable products")
        return names[:n]

    def user_id(self, username: str) -> int:
        return int(self.rows("SELECT id FROM users WHERE username = ?", username)[0]["id"])

    def cart(self, username: str) -> dict[str, int]:
        rows = self.rows(
            "SELECT p.name, c.quantity FROM cart_items c JOIN products p ON p.id = c.product_id"
            " WHERE c.user_id = ?",
            self.user_id(username),
        )
        return {r["name"]: r["quantity"] for r in rows}

    def wishlist(self, username: str) -> set[str]:
        rows = self.rows(
            "SELECT p.name FROM wishlist_items w JOIN products p ON p.id = w.product_id"
            " WHERE w.user_id = ?",
            self.user_id(username),
        )
        return {r["name"] for r in rows}

    async def login(self, page: Page, username: str) -> None:
        """Precondition: logged in as `username`, with the library's own login skill."""
        await precondition("login", self.mod.login(page, username, self.accounts[username]))

    async def add_to_cart(self, page: Page, username: str, product: str, qty: int = 1) -> None:
        await precondition("add_to_cart", self.mod.add_to_cart(page, product, qty))
        expect(
            self.cart(username).get(product) == qty,
            f"precondition add_to_cart({product!r}, {qty}) did not put it in the cart",
        )


async def precondition(skill: str, call: Awaitable[Any]) -> Any:
    try:
        return await call
    except Exception as exc:
        raise CheckFailed(f"precondition {skill} failed: {type(exc).__name__}: {exc}") from exc


def pick(candidates: list[str], avoid: set[str]) -> str:
    """The first candidate that is not among `avoid` (the verification inputs)."""
    left = [c for c in candidates if c.lower() not in avoid]
    expect(left, f"every candidate input {candidates} was a verification input")
    return left[0]


def first_user_without_cart(env: Env) -> str:
    for name in sorted(env.accounts):
        if not env.cart(name):
            return name
    raise CheckFailed("every seeded account already has a cart")


async def heading(page: Page) -> str:
    return " ".join((await page.get_by_role("heading", level=1).first.inner_text()).split())


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


# ---------------------------------------------------------------- accounts


@checker("login")
async def check_login(env: Env) -> dict[str, Any]:
    user = sorted(env.accounts)[-1]
    page = await env.fresh_page()
    await env.mod.login(page, user, env.accounts[user])
    body = await page.locator("body").inner_text()
    expect(user in body, f"after login({user!r}) the page does not show the username")
    await page.goto("/orders")  # needs a session: redirects to /login when logged out
    expect(path_of(page) == "/orders", f"after login the site still asks to log in: {page.url}")

    page = await env.fresh_page()
    try:
        await env.mod.login(page, user, env.accounts[user] + "-wrong")
    except Exception as exc:
        raised = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    else:
        raise CheckFailed("login with a wrong password returned normally instead of raising")
    await page.goto("/orders")
    expect(path_of(page) == "/login", "a failed login still left a logged-in session")
    return {"user": user, "wrong_password_raised": raised}


@checker("register")
async def check_register(env: Env) -> dict[str, Any]:
    username = "walker_e2e"
    email = "Walker.E2E@Example.net"
    password = secrets.token_urlsafe(12)
    page = await env.fresh_page()
    await env.mod.register(page, username, email, password)
    rows = env.rows("SELECT email, password_hash FROM users WHERE username = ?", username)
    expect(rows, f"register({username!r}) stored no users row")
    expect(rows[0]["email"] == email.lower(), f"users row has email {rows[0]['email']!r}")
    expect(
        rows[0]["password_hash"] == password_hash(username, password),
        "the stored password hash is not the password given",
    )
    body = await page.locator("body").inner_text()
    expect(username in body, "after register the page does not show the new username")
    return {"username": username, "email": email}


@checker("subscribe_newsletter")
async def check_newsletter(env: Env) -> dict[str, Any]:
    email = pick(
        ["walker.e2e@example.org", "walker.e2e2@example.org"],
        env.used_inputs("subscribe_newsletter"),
    )
    page = await env.fresh_page()
    before = len(env.rows("SELECT 1 FROM newsletter"))
    await env.mod.subscribe_newsletter(page, email)
    expect(env.rows("SELECT 1 FROM newsletter WHERE email = ?", email), "no newsletter row")
    expect(len(env.rows("SELECT 1 FROM newsletter")) == before + 1, "not exactly one new row")
    return {"email": email}


# ---------------------------------------------------------------- catalogue


def search_matches(env: Env, query: str, category: str | None = None) -> list[str]:
    """The site's search semantics: every word in the name or description (+ category)."""
    sql = "SELECT p.name FROM products p JOIN categories c ON c.id = p.category_id WHERE 1 = 1"
    args: list[Any] = []
    for word in query.split():
        sql += " AND (p.name LIKE ? OR p.description LIKE ?)"
        args += [f"%{word}%", f"%{word}%"]
    if category is not None:
        sql += " AND c.name = ?"
        args.append(category)
    return [r["name"] for r in env.rows(sql, *args)]


def site_first_page(env: Env, query: str, category: str | None) -> list[str]:
    """The names the site's own search query puts on its first results page, in order."""
    from sites.shop import queries

    slug = ""
    if category is not None:
        slug = env.rows("SELECT slug FROM categories WHERE name = ?", category)[0]["slug"]
    assert env.site.db_path is not None
    conn = sqlite3.connect(env.site.db_path)
    conn.row_factory = sqlite3.Row
    try:
        rows, _ = queries.search(conn, query, slug, "", 1)
    finally:
        conn.close()
    return [r["name"] for r in rows]


@checker("search_products")
async def check_search(env: Env) -> dict[str, Any]:
    avoid = env.used_inputs("search_products")
    category = next(
        r["name"]
        for r in env.rows("SELECT name FROM categories ORDER BY id DESC")
        if r["name"].lower() not in avoid and "&" in r["name"]
    )
    word = env.rows(
        "SELECT p.name FROM products p JOIN categories c ON c.id = p.category_id"
        " WHERE c.name = ? ORDER BY p.id",
        category,
    )[0]["name"].split()[-1]
    # a name match, a name-or-description match, more than one results page, a category
    cases: list[tuple[str, str | None]] = [
        (pick(["mug", "lamp"], avoid), None),  # a few names match
        (pick(["kit", "set"], avoid), None),  # some names and more descriptions match
        (pick(["everyday", "chosen"], avoid), None),  # every description: several pages
        (word, category),
    ]
    detail: dict[str, Any] = {}
    for query, cat in cases:
        page = await env.fresh_page()
        if cat is None:
            names = await env.mod.search_products(page, query)
        else:
            names = await env.mod.search_products(page, query, category=cat)
        call = f"search_products({query!r}, category={cat!r})"
        matching = search_matches(env, query, cat)
        expect(isinstance(names, list), f"{call} returned {type(names).__name__}")
        expect(names, f"{call} returned no names")
        stray = [n for n in names if n not in matching]
        expect(not stray, f"{call} returned names that do not match: {stray}")
        shown = site_first_page(env, query, cat)
        expect(
            names == shown,
            f"{call} returned {len(names)} names; the site's first results page lists "
            f"{len(shown)} (of {len(matching)} matches) in this order: {shown[:5]}...",
        )
        detail[f"{query}|{cat}"] = f"{len(names)} of {len(matching)}"
    return detail


@checker("open_category")
async def check_open_category(env: Env) -> dict[str, Any]:
    avoid = env.used_inputs("open_category")
    row = next(
        r
        for r in env.rows("SELECT slug, name FROM categories ORDER BY id DESC")
        if r["name"].lower() not in avoid and "&" in r["name"]
    )
    page = await env.fresh_page()
    await env.mod.open_category(page, row["name"])
    expect(path_of(page) == f"/category/{row['slug']}", f"open_category went to {page.url}")
    expect(await heading(page) == row["name"], f"heading is {await heading(page)!r}")
    return {"category": row["name"]}


@checker("open_product")
async def check_open_product(env: Env) -> dict[str, Any]:
    (name,) = env.products(1, avoid=env.used_inputs("open_product"), min_stock=0)
    product_id = env.rows("SELECT id FROM products WHERE name = ?", name)[0]["id"]
    page = await env.fresh_page()
    await env.mod.open_product(page, name)
    expect(path_of(page) == f"/product/{product_id}", f"open_product went to {page.url}")
    expect(await heading(page) == name, f"heading is {await heading(page)!r}, not {name!r}")
    return {"product": name}


# ---------------------------------------------------------------- cart and checkout


@checker("add_to_cart")
async def check_add_to_cart(env: Env) -> dict[str, Any]:
    first, second = env.products(2, avoid=env.used_inputs("add_to_cart"))
    # Logged out: the cart is the session's.
    page = await env.fresh_page()
    await env.mod.add_to_cart(page, first, 2)
    rows = env.rows(
        "SELECT p.name, c.quantity, c.session_id FROM cart_items c"
        " JOIN products p ON p.id = c.product_id WHERE c.user_id IS NULL"
    )
    expect(
        [(r["name"], r["quantity"]) for r in rows] == [(first, 2)],
        f"after add_to_cart({first!r}, 2) the session cart is "
        f"{[(r['name'], r['quantity']) for r in rows]}",
    )
    # Logged in, default quantity; adding again adds up.
    user = first_user_without_cart(env)
    page = await env.fresh_page()
    await env.login(page, user)
    await env.mod.add_to_cart(page, second)
    expect(env.cart(user) == {second: 1}, f"cart after add_to_cart({second!r}): {env.cart(user)}")
    await env.mod.add_to_cart(page, second, 2)
    expect(env.cart(user) == {second: 3}, f"cart after adding 2 more: {env.cart(user)}")
    return {"anonymous": [first, 2], "user": user, "logged_in": [second, 3]}


@checker("update_cart_item")
async def check_update_cart(env: Env) -> dict[str, Any]:
    first, second = env.products(2, avoid=env.used_inputs("update_cart_item"))
    user = first_user_without_cart(env)
    page = await env.fresh_page()
    await env.login(page, user)
    await env.add_to_cart(page, user, first)
    await env.add_to_cart(page, user, second)
    await env.mod.update_cart_item(page, first, 3)
    cart = env.cart(user)
    expect(cart == {first: 3, second: 1}, f"after update_cart_item({first!r}, 3): {cart}")
    await env.mod.update_cart_item(page, first)
    expect(env.cart(user)[first] == 1, f"default quantity did not set 1: {env.cart(user)}")
    return {"user": user, "product": first}


@checker("remove_cart_item")
async def check_remove_cart(env: Env) -> dict[str, Any]:
    first, second = env.products(2, avoid=env.used_inputs("remove_cart_item"))
    user = first_user_without_cart(env)
    page = await env.fresh_page()
    await env.login(page, user)
    await env.add_to_cart(page, user, first, 2)
    await env.add_to_cart(page, user, second)
    await env.mod.remove_cart_item(page, first)
    cart = env.cart(user)
    expect(cart == {second: 1}, f"after remove_cart_item({first!r}) the cart is {cart}")
    return {"user": user, "removed": first, "kept": second}


def order_address(env: Env) -> tuple[str, str, str, str, str]:
    """A seeded customer's name and address (not the verification inputs)."""
    avoid = env.used_inputs("place_order")
    customers = [
        c for c in sorted(SEED_ADDRESSES, reverse=True) if SEED_ADDRESSES[c][0].lower() not in avoid
    ]
    expect(customers, "every seeded address was a verification input")
    customer = customers[0]
    street, city, postal, country = SEED_ADDRESSES[customer]
    full_name = env.rows("SELECT full_name FROM users WHERE username = ?", customer)[0][0]
    return full_name, street, city, postal, country


async def place_order_and_find(
    env: Env, *, with_country: bool
) -> tuple[str, list[sqlite3.Row], str | None]:
    full_name, street, city, postal, country = order_address(env)
    (product,) = env.products(1, avoid=env.used_inputs("place_order"))
    user = first_user_without_cart(env)
    page = await env.fresh_page()
    await env.login(page, user)
    await env.add_to_cart(page, user, product, 2)
    before = {r["id"] for r in env.rows("SELECT id FROM orders")}
    raised: str | None = None
    try:
        if with_country:
            await env.mod.place_order(page, full_name, street, city, postal, country=country)
        else:
            await env.mod.place_order(page, full_name, street, city, postal)
    except Exception as exc:
        if with_country:
            raise
        raised = f"{type(exc).__name__}: {exc}"
    new = [
        r
        for r in env.rows(
            "SELECT o.*, u.username FROM orders o JOIN users u ON u.id = o.user_id ORDER BY o.id"
        )
        if r["id"] not in before
    ]
    return product, new, raised


@checker("place_order")
async def check_place_order(env: Env) -> dict[str, Any]:
    full_name, street, city, postal, country = order_address(env)
    product, new, _ = await place_order_and_find(env, with_country=True)
    expect(len(new) == 1, f"place_order created {len(new)} orders")
    order = new[0]
    got = (order["full_name"], order["street"], order["city"], order["postal_code"])
    expect(got == (full_name, street, city, postal), f"order address is {got}")
    expect(order["country"] == country, f"order country is {order['country']!r}")
    items = env.rows(
        "SELECT product_name, quantity FROM order_items WHERE order_id = ?", order["id"]
    )
    expect(
        [(r["product_name"], r["quantity"]) for r in items] == [(product, 2)],
        f"order items are {[tuple(r) for r in items]}",
    )
    expect(not env.cart(order["username"]), "the cart was not emptied by the order")
    detail: dict[str, Any] = {"order": order["id"], "city": city}

    # The docstring's own example leaves the optional country out ("None leaves it unset"):
    # the skill must then either place the order or raise, never silently do nothing.
    _, new, raised = await place_order_and_find(env, with_country=False)
    expect(
        new or raised,
        "place_order(page, full_name, street_address, city, postal_code) — the docstring's "
        "example, country=None — returned normally but placed no order (the site requires a "
        "country; the form was never submitted, and nothing was raised)",
    )
    detail["without_country"] = "order placed" if new else f"raised {raised}"
    return detail


# ---------------------------------------------------------------- reviews and wishlist


def unreviewed_product(env: Env, user: str, avoid: set[str], skip: set[str]) -> str:
    rows = env.rows(
        "SELECT name FROM products WHERE id NOT IN"
        " (SELECT product_id FROM reviews WHERE user_id = ?) ORDER BY id DESC",
        env.user_id(user),
    )
    return next(r["name"] for r in rows if r["name"].lower() not in avoid and r["name"] not in skip)


async def review_and_find(
    env: Env, product: str, text: str, rating: str | None
) -> tuple[list[sqlite3.Row], str | None]:
    user = sorted(env.accounts)[0]
    page = await env.fresh_page()
    await env.login(page, user)
    raised: str | None = None
    try:
        if rating is None:
            await env.mod.submit_review(page, product=product, review=text)
        else:
            await env.mod.submit_review(page, product=product, review=text, rating=rating)
    except Exception as exc:
        if rating is not None:
            raise
        raised = f"{type(exc).__name__}: {exc}"
    rows = env.rows(
        "SELECT r.body, r.rating FROM reviews r JOIN products p ON p.id = r.product_id"
        " WHERE p.name = ? AND r.user_id = ?",
        product,
        env.user_id(user),
    )
    return rows, raised


@checker("submit_review")
async def check_submit_review(env: Env) -> dict[str, Any]:
    user = sorted(env.accounts)[0]
    avoid = env.used_inputs("submit_review")
    product = unreviewed_product(env, user, avoid, set())
    text = "Walked it end to end: sturdy, quiet and exactly as described."
    rows, _ = await review_and_find(env, product, text, "4 stars")
    expect(rows, f"submit_review({product!r}, ..., rating='4 stars') stored no review")
    expect(rows[0]["body"] == text, f"stored review body is {rows[0]['body']!r}")
    expect(rows[0]["rating"] == 4, f"stored rating is {rows[0]['rating']}")
    detail: dict[str, Any] = {"user": user, "product": product}

    # Without a rating (the site requires one) the skill must post the review or raise
    # (a required parameter, or the site's refusal), never silently do nothing.
    other = unreviewed_product(env, user, avoid, {product})
    rows, raised = await review_and_find(env, other, text, None)
    expect(
        rows or raised,
        "submit_review(page, product=..., review=...) without a rating returned normally but "
        "stored no review (the site requires a rating; the form was never submitted, and "
        "nothing was raised)",
    )
    detail["without_rating"] = "review stored" if rows else f"raised {raised}"
    return detail


@checker("add_to_wishlist")
async def check_add_to_wishlist(env: Env) -> dict[str, Any]:
    user = sorted(env.accounts)[0]
    (product,) = [
        p
        for p in env.products(5, avoid=env.used_inputs("add_to_wishlist"))
        if p not in env.wishlist(user)
    ][:1]
    page = await env.fresh_page()
    await env.login(page, user)
    before = env.wishlist(user)
    await env.mod.add_to_wishlist(page, product)
    after = env.wishlist(user)
    expect(after == before | {product}, f"wishlist went from {before} to {after}")
    return {"user": user, "product": product}


@checker("remove_from_wishlist")
async def check_remove_from_wishlist(env: Env) -> dict[str, Any]:
    user = sorted(env.accounts)[0]
    avoid = env.used_inputs("remove_from_wishlist")
    first, second = [p for p in env.products(6, avoid=avoid) if p not in env.wishlist(user)][:2]
    page = await env.fresh_page()
    await env.login(page, user)
    before = env.wishlist(user)
    for product in (first, second):
        await precondition("add_to_wishlist", env.mod.add_to_wishlist(page, product))
    expect(env.wishlist(user) == before | {first, second}, "precondition add_to_wishlist failed")
    await env.mod.remove_from_wishlist(page, first)
    after = env.wishlist(user)
    expect(after == before | {second}, f"after remove_from_wishlist({first!r}): {after}")
    return {"user": user, "removed": first, "kept": second}


# ---------------------------------------------------------------- driver


async def run_all(library: Path) -> list[dict[str, Any]]:
    lib = SkillLibrary(library)
    mod = lib.load("shop")
    names = [s.name for s in lib.list(site="shop")]
    results: list[dict[str, Any]] = []
    async with serve("shop") as site, BrowserSession() as browser:
        env = Env(mod, lib, site, browser)
        for name in names:
            result: dict[str, Any] = {"skill": name, "ok": False}
            began = time.perf_counter()
            check = CHECKERS.get(name)
            if check is None:
                result["error"] = f"no checker for stored skill {name!r}: add one"
            elif not callable(getattr(mod, name, None)):
                result["error"] = f"{name!r} is verified in the index but not in the module"
            else:
                try:
                    result["detail"] = await asyncio.wait_for(check(env), CHECK_TIMEOUT_S)
                    result["ok"] = True
                except CheckFailed as exc:
                    result["error"] = str(exc)
                except Exception as exc:
                    tb = traceback.extract_tb(exc.__traceback__)
                    where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb)), "?")
                    first = str(exc).splitlines()[0] if str(exc) else ""
                    result["error"] = f"{type(exc).__name__} at {where}: {first}"
                finally:
                    await env.close()
            result["seconds"] = round(time.perf_counter() - began, 1)
            results.append(result)
            print(RESULT_PREFIX + json.dumps(result), flush=True)
    return results


if __name__ == "__main__":
    asyncio.run(run_all(Path(sys.argv[1])))

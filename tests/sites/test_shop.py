"""The bundled shop: seed, routes, validation, v2 drift, tasks, check, isolation and reset."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import expect
from starlette.testclient import TestClient

import sites
from agent.browser import BrowserSession
from sites.check import check_site
from sites.pristine import copy_db, pristine_db
from sites.shop import SITE
from sites.shop.make_tasks import TASKS_FILE, build
from sites.shop.seed import seed
from sites.tasks import load_tasks

# ---------------------------------------------------------------- helpers


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    copy_db(pristine_db(SITE), path)
    return path


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(SITE.create_app(db, "v1")) as c:
        yield c


@pytest.fixture
def client_v2(db: Path) -> Iterator[TestClient]:
    with TestClient(SITE.create_app(db, "v2")) as c:
        yield c


def log_in(client: TestClient, username: str) -> None:
    password = SITE.accounts[username]
    r = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert r.status_code == 303


def alert(html: str) -> str:
    match = re.search(r'role="alert"[^>]*>(.*?)</(div|section)>', html, re.S)
    assert match, "no role=alert element"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


# ---------------------------------------------------------------- seed


def test_seed_is_deterministic(tmp_path: Path) -> None:
    seed(tmp_path / "a.db")
    seed(tmp_path / "b.db")
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")
    mode = query(tmp_path / "a.db", "PRAGMA journal_mode")[0][0]
    assert mode == "delete"


def test_seed_meets_minimum_sizes(db: Path) -> None:
    def count(table: str) -> int:
        return int(query(db, f"SELECT COUNT(*) FROM {table}")[0][0])

    assert count("products") >= 150
    assert count("categories") >= 8
    assert count("reviews") >= 300
    assert count("users") >= 3
    assert count("orders") >= 3
    names = [r[0] for r in query(db, "SELECT name FROM products")]
    assert len(set(names)) == len(names)
    # no name is contained in another, so exact-name locators never collide
    assert not [(a, b) for a in names for b in names if a != b and a.lower() in b.lower()]
    assert set(SITE.accounts) >= {"alice", "bob", "carol"}
    assert count("cart_items") == 3 and count("newsletter") == 2  # bob's cart, two subscribers


# ---------------------------------------------------------------- routes (v1)


def test_key_routes_render(client: TestClient) -> None:
    for url in (
        "/",
        "/search?q=mug",
        "/search?category=kitchen&sort=price_desc",
        "/category/garden",
        "/product/1",
        "/cart",
        "/login",
        "/register",
        "/static/app.js",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/product/9999").status_code == 404
    assert client.get("/category/nope").status_code == 404
    assert client.get("/item/1").status_code == 404
    home = client.get("/").text
    assert '<nav aria-label="Categories"' in home and 'placeholder="Your email"' in home
    assert "<label" not in home.split('class="newsletter"')[1].split("</form>")[0]


def test_search_filters_sorts_and_paginates(client: TestClient) -> None:
    html = client.get("/search?q=&category=kitchen&sort=price_asc").text
    prices = [float(p) for p in re.findall(r'class="price">\$([\d.,]+)<', html)]
    assert len(prices) == 16 and prices == sorted(prices)
    assert '<label for="search-q">Search products</label>' in html
    assert 'type="search"' in html and ">All categories</option>" in html
    page2 = client.get("/search?sort=name&page=2").text
    assert "Showing 21–40 of 160 products" in page2
    assert ">Previous</a>" in page2 and ">Next</a>" in page2
    assert 'href="/search?sort=name&amp;page=3"' in page2
    assert page2.count("<article") == 20
    assert "No products found." in client.get("/search?q=zzzzqqq").text


def test_anonymous_cart_lives_in_cart_items_and_merges_on_login(
    client: TestClient, db: Path
) -> None:
    r = client.post("/product/2/cart", data={"quantity": "2"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cart"
    rows = query(db, "SELECT user_id, product_id, quantity FROM cart_items WHERE user_id IS NULL")
    assert rows == [(None, 2, 2)]
    cart = client.get("/cart").text
    assert 'role="status"' in cart and "Quantity for Grey Ceramic Mug" in cart
    assert ">Remove Grey Ceramic Mug</button>" in cart and ">Update</button>" in cart
    log_in(client, "alice")
    assert query(db, "SELECT COUNT(*) FROM cart_items WHERE session_id IS NOT NULL") == [(0,)]
    assert query(db, "SELECT product_id, quantity FROM cart_items WHERE user_id = 1") == [(2, 2)]


def test_checkout_creates_an_order_and_empties_the_cart(client: TestClient, db: Path) -> None:
    assert (
        client.get("/checkout", follow_redirects=False)
        .headers["location"]
        .startswith("/login?next=%2Fcheckout")
    )
    log_in(client, "bob")
    form = {
        "full_name": "Bob Martinez",
        "street": "48 King Road",
        "city": "Toronto",
        "postal_code": "M5V 2T6",
        "country": "Canada",
    }
    r = client.post("/checkout", data=form, follow_redirects=False)
    assert r.status_code == 303
    order_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert query(db, "SELECT COUNT(*) FROM cart_items WHERE user_id = 2") == [(0,)]
    assert query(db, "SELECT status, city FROM orders WHERE id = ?", (order_id,)) == [
        ("Processing", "Toronto")
    ]
    assert len(query(db, "SELECT * FROM order_items WHERE order_id = ?", (order_id,))) == 3
    page = client.get(r.headers["location"]).text
    assert f"Order #{order_id}" in page and "has been placed" in page
    assert client.get("/orders").text.count('href="/orders/') >= 3


def test_validation_errors_render_an_alert_and_keep_values(client: TestClient) -> None:
    r = client.post("/product/2/cart", data={"quantity": "0"})
    assert r.status_code == 400 and "at least 1" in alert(r.text)
    assert 'value="0"' in r.text
    r = client.post("/product/2/cart", data={"quantity": "9999"})
    assert r.status_code == 400 and "at most" in alert(r.text)

    r = client.post(
        "/register",
        data={"username": "alice", "email": "nope", "password": "short", "confirm_password": "x"},
    )
    text = alert(r.text)
    assert r.status_code == 400
    for message in ("already taken", "valid email", "at least 8", "do not match"):
        assert message in text
    assert 'value="alice"' in r.text and 'value="nope"' in r.text

    r = client.post("/login", data={"username": "alice", "password": "wrong"})
    assert r.status_code == 400 and "Invalid username or password" in alert(r.text)

    r = client.post("/newsletter", data={"email": "not-an-email"})
    assert r.status_code == 400 and "valid email" in alert(r.text)

    log_in(client, "alice")
    r = client.post("/product/2/reviews", data={"rating": "4", "body": "too short"})
    assert r.status_code == 400 and "at least 10 characters" in alert(r.text)
    assert ">too short</textarea>" in r.text
    r = client.post(
        "/checkout",
        data={"full_name": "A", "street": "1", "city": "", "postal_code": "!!", "country": "X"},
        follow_redirects=False,
    )
    # alice's cart is empty: checkout sends her back to the cart
    assert r.status_code == 303
    client.post("/product/2/cart", data={"quantity": "1"})
    r = client.post(
        "/checkout",
        data={
            "full_name": "Al",
            "street": "1 Road",
            "city": "Rome",
            "postal_code": "!!",
            "country": "Atlantis",
        },
    )
    assert r.status_code == 400
    assert "postal code" in alert(r.text) and "Choose a country" in alert(r.text)
    assert 'value="1 Road"' in r.text


def test_login_required_actions_redirect_to_login(client: TestClient, db: Path) -> None:
    for url in ("/product/5/wishlist", "/product/5/reviews"):
        r = client.post(url, data={"rating": "5", "body": "x" * 20}, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=%2Fproduct%2F5"
    assert client.get("/wishlist", follow_redirects=False).status_code == 303
    page = client.get("/product/5").text
    assert "Log in to write a review" in page and 'id="review-body"' not in page
    log_in(client, "carol")
    page = client.get("/product/5").text
    assert (
        '<label for="rating">Rating</label>' in page and '<label for="review-body">Review' in page
    )
    assert client.post("/product/5/wishlist", follow_redirects=False).status_code == 303
    assert query(
        db, "SELECT COUNT(*) FROM wishlist_items WHERE user_id = 3 AND product_id = 5"
    ) == [(1,)]


def test_rendering_is_deterministic(client: TestClient) -> None:
    assert client.get("/search?q=lamp").text == client.get("/search?q=lamp").text
    log_in(client, "alice")
    client.post("/product/3/cart", data={"quantity": "1"})
    first = client.get("/cart").text
    assert first == client.get("/cart").text


# ---------------------------------------------------------------- v2


def test_v2_changes_labels_markup_and_routes(client: TestClient, client_v2: TestClient) -> None:
    v1 = client.get("/search?q=mug").text
    v2 = client_v2.get("/search?q=mug").text
    assert "Search products" in v1 and "Search products" not in v2 and "Find items" in v2
    assert "<article" in v1 and "<article" not in v2 and "<table" in v2
    assert '<nav aria-label="Categories"' in v1 and '<aside class="sidebar">' in v2
    assert client_v2.get("/product/1").status_code == 404
    assert client_v2.get("/cart").status_code == 404
    item = client_v2.get("/item/1").text
    assert "Add to basket" in item and ">Qty</label>" in item and "Add to cart" not in item
    log_in(client_v2, "alice")
    assert "Post review" in client_v2.get("/item/2").text  # alice has not reviewed item 2
    r = client_v2.post("/item/1/cart", data={"quantity": "1"}, follow_redirects=False)
    assert r.headers["location"] == "/basket"
    basket = client_v2.get("/basket").text
    assert "Your basket" in basket and 'aria-label="Qty for Black Ceramic Mug"' in basket


# ---------------------------------------------------------------- tasks


def test_tasks_file_is_generated_from_the_seed(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        generated = build(conn)
    finally:
        conn.close()
    assert json.loads(TASKS_FILE.read_text()) == json.loads(json.dumps(generated))
    tasks = load_tasks("shop")
    assert len(tasks) >= 30
    per_template = Counter(t.intent_template_id for t in tasks)
    assert len(per_template) >= 8 and min(per_template.values()) >= 3
    assert {t.kind for t in tasks} == {"info", "navigation", "state"}
    assert {t.split for t in tasks} == {"train", "test"}
    for task in tasks:
        assert "password" not in task.reference.lower() or task.intent_template_id == 12
        assert not task.requires_login or task.login_as in SITE.accounts
        if task.eval.type == "state":
            rows = [list(r) for r in query(db, task.eval.sql)]
            assert rows != task.eval.expected, task.task_id


# ---------------------------------------------------------------- running site + browser


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shop_site() -> AsyncIterator[sites.RunningSite]:
    async with sites.serve("shop") as site:
        yield site


@pytest.mark.browser
async def test_check_passes_for_every_task(
    shop_site: sites.RunningSite, browser: BrowserSession
) -> None:
    report = await check_site(shop_site, shop_site.tasks(), browser)
    failures = [c for c in report.checks if not c.reference_passed or c.noop_passed]
    assert report.ok, [(c.task_id, c.reference_detail, c.noop_detail) for c in failures]
    assert len(report.checks) == len(shop_site.tasks())


@pytest.mark.browser
async def test_widgets_dropdown_modal_and_counter(
    shop_site: sites.RunningSite, browser: BrowserSession
) -> None:
    await shop_site.reset()
    context = await browser.new_context(shop_site.base_url)
    try:
        page = await context.new_page()
        await page.goto("/product/1")
        dialog = page.get_by_role("dialog", name="Size & shipping info")
        await expect(dialog).to_be_hidden()
        await page.get_by_role("button", name="Size & shipping info").click()
        await expect(dialog).to_be_visible()
        await dialog.get_by_role("button", name="Close").click()
        await expect(dialog).to_be_hidden()

        await page.goto("/login")
        await page.get_by_label("Username").fill("alice")
        await page.get_by_label("Password").fill(SITE.accounts["alice"])
        await page.get_by_role("button", name="Log in").click()
        await expect(page.get_by_role("status")).to_contain_text("Welcome back, alice")
        await page.goto("/product/2")
        await page.get_by_label("Review", exact=True).fill("Nice")
        await expect(page.get_by_text("4 characters (at least 10 needed)")).to_be_visible()
        orders = page.get_by_role("link", name="My orders")
        await expect(orders).to_be_hidden()
        await page.get_by_role("button", name="Account").click()
        await expect(orders).to_be_visible()
        await page.get_by_role("button", name="Log out").click()
        await expect(page.get_by_role("status")).to_contain_text("logged out")
    finally:
        await context.close()


async def test_instances_are_isolated_and_reset_restores() -> None:
    async with sites.serve("shop") as one, sites.serve("shop", theme="v2") as two:
        assert one.db_path != two.db_path
        before = dump(two.db_path)  # type: ignore[arg-type]
        async with httpx.AsyncClient(base_url=one.base_url) as http:
            r = await http.post("/newsletter", data={"email": "iso@example.com", "next": "/"})
            assert r.status_code in (200, 303)
            r = await http.get("/item/1")
            assert r.status_code == 404
        async with httpx.AsyncClient(base_url=two.base_url) as http:
            assert (await http.get("/item/1")).status_code == 200
        assert query(one.db_path, "SELECT email FROM newsletter WHERE email = 'iso@example.com'")  # type: ignore[arg-type]
        assert dump(two.db_path) == before  # type: ignore[arg-type]
        await one.reset()
        assert dump(one.db_path) == before  # type: ignore[arg-type]

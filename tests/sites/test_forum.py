"""The forum site (Agora): seed, routes, validation, v2 drift, isolation, and the task check."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

import sites
from agent.browser import BrowserSession
from sites.check import check_site
from sites.forum import SITE
from sites.forum.app import create_app
from sites.pristine import pristine_db
from sites.tasks import StateEval, load_tasks

TABLES = ("users", "forums", "posts", "comments", "votes", "subscriptions")


@pytest.fixture(scope="module")
def pristine() -> Path:
    return pristine_db(SITE)


@pytest.fixture
def db(tmp_path: Path, pristine: Path) -> Path:
    path = tmp_path / "forum.db"
    path.write_bytes(pristine.read_bytes())
    return path


@pytest.fixture
def v1(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db, "v1")) as client:
        yield client


@pytest.fixture
def v2(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db, "v2")) as client:
        yield client


def login(client: TestClient, user: str = "alice") -> None:
    response = client.post(
        "/login", data={"username": user, "password": SITE.accounts[user]}, follow_redirects=False
    )
    assert response.status_code == 303


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------- seed


def test_seed_is_deterministic(tmp_path: Path) -> None:
    dumps = []
    for name in ("a.db", "b.db"):
        SITE.seed(tmp_path / name)
        conn = sqlite3.connect(tmp_path / name)
        dumps.append("\n".join(conn.iterdump()))
        conn.close()
    assert dumps[0] == dumps[1]
    assert rows(tmp_path / "a.db", "PRAGMA journal_mode") == [("delete",)]


def test_seed_sizes(pristine: Path) -> None:
    counts = {t: rows(pristine, f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}
    assert counts["forums"] >= 10 and counts["posts"] >= 300
    assert counts["comments"] >= 1000 and counts["users"] >= 20
    replies = rows(pristine, "SELECT COUNT(*) FROM comments WHERE parent_id IS NOT NULL")[0][0]
    assert replies > 100
    assert rows(
        pristine, "SELECT COUNT(*) FROM comments WHERE created_at > '2026-01-15 12:00:00'"
    ) == [(0,)]
    for name in ("MarvelsGrantMan136", "alice", "bob"):
        assert name in SITE.accounts


# ---------------------------------------------------------------- routes (no browser)


def test_key_routes(v1: TestClient, db: Path) -> None:
    for path in ("/", "/?sort=new&page=2", "/forums", "/f/books?sort=top", "/search?q=Lisbon"):
        assert v1.get(path).status_code == 200, path
    front = v1.get("/?sort=top").text
    assert front.count('<li class="post-row">') == 25
    assert 'rel="next"' in front and ">Next<" in front
    assert ">Previous<" in v1.get("/?sort=top&page=2").text
    post_id = first_post(db, "space")
    page = v1.get(f"/f/space/{post_id}").text
    assert "comment-list" in page or "No comments yet" in page
    assert v1.get("/user/alice").status_code == 200
    assert "Karma:" in v1.get("/user/alice").text
    assert v1.get("/f/nope").status_code == 404
    assert v1.get("/r/books").status_code == 404
    assert v1.get("/submit", follow_redirects=False).headers["location"].startswith("/login")
    jump = v1.get("/jump?forum=Books", follow_redirects=False)
    assert jump.headers["location"] == "/f/books"
    # the messy bits: an unlabeled input, a dropdown menu, the autocomplete, the modal
    assert 'placeholder="Jump to forum…"' in front
    login(v1)
    assert 'aria-haspopup="menu"' in v1.get("/").text
    assert 'role="combobox"' in v1.get("/submit").text


def test_rendering_is_deterministic(v1: TestClient) -> None:
    assert v1.get("/?sort=hot").text == v1.get("/?sort=hot").text
    assert v1.get("/f/space?sort=new").text == v1.get("/f/space?sort=new").text


def test_validation_errors_show_an_alert(v1: TestClient, db: Path) -> None:
    login(v1)
    bad = v1.post("/submit", data={"forum": "", "title": "ab", "body": "kept body"})
    assert bad.status_code == 400
    alert = bad.text.split('role="alert"', 1)[1]
    assert "Please choose a forum." in alert and "at least 3 characters" in alert
    assert "kept body" in bad.text  # the form keeps what was typed
    too_long = v1.post("/submit", data={"forum": "books", "title": "x" * 201})
    assert too_long.status_code == 400 and "at most 200" in too_long.text
    unknown = v1.post("/submit", data={"forum_query": "nosuch", "title": "Fine title"})
    assert unknown.status_code == 400 and "no forum called" in unknown.text
    empty = v1.post("/f/books/" + str(first_post(db, "books")) + "/comment", data={"body": " "})
    assert empty.status_code == 400 and 'role="alert"' in empty.text
    assert v1.post("/login", data={"username": "alice", "password": "x"}).status_code == 400
    reg = v1.post("/register", data={"username": "a", "password": "short", "confirm": "other"})
    assert reg.status_code == 400 and reg.text.count("<li>") >= 3


def first_post(db: Path, forum: str) -> int:
    return rows(
        db,
        "SELECT p.id FROM posts p JOIN forums f ON f.id = p.forum_id"
        f" WHERE f.name = '{forum}' ORDER BY p.id LIMIT 1",
    )[0][0]


def test_writes_vote_comment_post_subscribe(v1: TestClient, db: Path) -> None:
    login(v1, "bob")
    pid = first_post(db, "books")
    bob = "(SELECT id FROM users WHERE username = 'bob')"
    before = rows(db, f"SELECT value FROM votes WHERE post_id = {pid} AND user_id = {bob}")
    v1.post(f"/f/books/{pid}/vote", data={"direction": "down"})
    assert rows(db, f"SELECT value FROM votes WHERE post_id = {pid} AND user_id = {bob}") == [(-1,)]
    page = v1.post(f"/f/books/{pid}/vote", data={"direction": "down"})  # toggles off
    assert 'role="status"' in page.text
    assert rows(db, f"SELECT value FROM votes WHERE post_id = {pid} AND user_id = {bob}") == []
    assert before in ([], [(1,)], [(-1,)])
    reply_to = rows(db, f"SELECT id FROM comments WHERE post_id = {pid} LIMIT 1")
    parent = reply_to[0][0] if reply_to else ""
    v1.post(f"/f/books/{pid}/comment", data={"body": "Nice thread", "parent_id": parent})
    got = rows(db, "SELECT parent_id, created_at FROM comments WHERE body = 'Nice thread'")
    assert got and got[0][0] == (parent or None) and got[0][1] > "2026-01-15 12:00:00"
    created = v1.post("/submit", data={"forum": "space", "title": "Hello space", "body": "hi"})
    assert "Your post was submitted." in created.text
    new_id = rows(db, "SELECT id FROM posts WHERE title = 'Hello space'")[0][0]
    assert v1.post(f"/f/space/{new_id}/edit", data={"title": "Hello again"}).status_code == 200
    assert rows(db, f"SELECT title FROM posts WHERE id = {new_id}") == [("Hello again",)]
    assert "Delete this post?" in v1.get(f"/f/space/{new_id}").text
    v1.post(f"/f/space/{new_id}/delete")
    assert rows(db, f"SELECT COUNT(*) FROM posts WHERE id = {new_id}") == [(0,)]
    sub = "SELECT COUNT(*) FROM subscriptions s JOIN forums f ON f.id = s.forum_id"
    sub += f" WHERE f.name = 'history' AND s.user_id = {bob}"
    v1.post("/f/history/unsubscribe")
    assert rows(db, sub) == [(0,)]
    assert ">Subscribe<" in v1.get("/f/history").text
    v1.post("/f/history/subscribe")
    assert rows(db, sub) == [(1,)]
    assert ">Unsubscribe<" in v1.get("/f/history").text


def test_only_the_author_may_edit(v1: TestClient, db: Path) -> None:
    login(v1, "bob")
    pid, forum = rows(
        db,
        "SELECT p.id, f.name FROM posts p JOIN forums f ON f.id = p.forum_id"
        " JOIN users u ON u.id = p.user_id WHERE u.username = 'alice' LIMIT 1",
    )[0]
    assert v1.get(f"/f/{forum}/{pid}/edit").status_code == 403
    assert v1.post(f"/f/{forum}/{pid}/delete").status_code == 403
    assert rows(db, f"SELECT COUNT(*) FROM posts WHERE id = {pid}") == [(1,)]


def test_v2_changes_wording_markup_and_routes(v1: TestClient, v2: TestClient, db: Path) -> None:
    login(v1)
    login(v2)
    assert v2.get("/f/books").status_code == 404 and v2.get("/r/books").status_code == 200
    assert v2.get("/submit").status_code == 404 and v2.get("/new").status_code == 200
    one, two = v1.get("/f/books").text, v2.get("/r/books").text
    assert '<ol class="post-list">' in one and '<div class="card-grid">' in two
    assert re.search(r">(Subscribe|Unsubscribe)<", one) and re.search(r">(Join|Leave)<", two)
    assert ">Submit</a>" in one and ">New post</a>" in two
    assert 'class="left-column"' in two and 'class="left-column"' not in one
    assert "<table" in v1.get("/forums").text and "<table" not in v2.get("/forums").text
    pid = first_post(db, "books")
    assert ">Post comment<" in v1.get(f"/f/books/{pid}").text
    assert ">Reply<" in v2.get(f"/r/books/{pid}").text
    assert "Submitted by" in one and "Posted by" in two


# ---------------------------------------------------------------- tasks


def test_task_suite_shape() -> None:
    tasks = load_tasks("forum")
    assert len(tasks) >= 30
    per_template = Counter(t.intent_template_id for t in tasks)
    assert len(per_template) >= 8 and min(per_template.values()) >= 3
    assert {t.kind for t in tasks} == {"info", "navigation", "state"}
    assert {t.split for t in tasks} == {"train", "test"}
    for task in tasks:
        assert "get_by_role" in task.reference or "get_by_text" in task.reference
        for secret in SITE.accounts.values():
            assert secret not in task.reference
        if task.kind == "state":
            assert task.requires_login and isinstance(task.eval, StateEval)


def test_state_expectations_differ_from_pristine(pristine: Path) -> None:
    for task in load_tasks("forum"):
        if isinstance(task.eval, StateEval):
            got = [list(r) for r in rows(pristine, task.eval.sql)]
            assert got != task.eval.expected, task.task_id


def test_tasks_json_is_generated_from_the_seed() -> None:
    from sites.forum import make_tasks

    conn = sites.common.connect(pristine_db(SITE))
    try:
        generated = make_tasks.build(conn)
    finally:
        conn.close()
    assert generated == json.loads(make_tasks.OUT.read_text())


# ---------------------------------------------------------------- browser


@pytest.mark.browser
async def test_check_all_tasks(browser: BrowserSession) -> None:
    async with sites.serve("forum") as site:
        report = await check_site(site, load_tasks("forum"), browser)
    failed = [c for c in report.checks if not c.reference_passed or c.noop_passed]
    assert report.ok, report.summary() + "\n" + "\n".join(map(str, failed))


@pytest.mark.browser
async def test_instances_are_isolated_and_reset_restores() -> None:
    count = "SELECT COUNT(*) FROM comments"
    async with sites.serve("forum") as a, sites.serve("forum", theme="v2") as b:
        assert a.db_path != b.db_path
        before = rows(a.db_path, count)
        async with httpx.AsyncClient(base_url=a.base_url) as client:
            await client.post("/login", data={"username": "bob", "password": SITE.accounts["bob"]})
            page = await client.get("/f/books")
            post = re.search(r'href="/f/books/(\d+)"', page.text)
            assert post is not None
            await client.post(f"/f/books/{post.group(1)}/comment", data={"body": "isolated"})
        assert rows(a.db_path, count)[0][0] == before[0][0] + 1
        assert rows(b.db_path, count) == before
        async with httpx.AsyncClient(base_url=b.base_url) as client:
            assert (await client.get("/r/books")).status_code == 200
        await a.reset()
        assert rows(a.db_path, count) == before

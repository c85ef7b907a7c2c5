"""The tracker site: deterministic seed, routes, validation, v2 drift, isolation, task check."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from agent.browser import BrowserSession
from sites import get_site, serve
from sites.check import check_site
from sites.tasks import StateEval, load_tasks
from sites.tracker import SITE
from sites.tracker.app import create_app

SEMANTIC = re.compile(r"get_by_(role|label|placeholder|text)\(")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tracker") / "pristine.db"
    SITE.seed(path)
    return path


@pytest.fixture
def db(pristine: Path, tmp_path: Path) -> Path:
    path = tmp_path / "tracker.db"
    shutil.copyfile(pristine, path)
    return path


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db, "v1")) as c:
        yield c


def login(client: TestClient, username: str) -> None:
    response = client.post(
        "/login",
        data={"username": username, "password": SITE.accounts[username]},
        follow_redirects=False,
    )
    assert response.status_code == 303


def outsider(db: Path, slug: str) -> str:
    """The first seeded user who is not a member of project `slug`."""
    return rows(
        db,
        "SELECT username FROM users WHERE id NOT IN (SELECT m.user_id FROM members m"
        " JOIN projects p ON p.id = m.project_id WHERE p.slug = ?) ORDER BY id LIMIT 1",
        slug,
    )[0][0]


def rows(db: Path, sql: str, *args: object) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------- seed


def test_seed_is_deterministic(tmp_path: Path) -> None:
    dumps = []
    for name in ("a.db", "b.db"):
        SITE.seed(tmp_path / name)
        conn = sqlite3.connect(tmp_path / name)
        dumps.append(list(conn.iterdump()))
        conn.close()
    assert dumps[0] == dumps[1]


def test_seed_sizes_and_shape(pristine: Path) -> None:
    count = {
        t: rows(pristine, f"SELECT COUNT(*) FROM {t}")[0][0]
        for t in (
            "users",
            "projects",
            "members",
            "issues",
            "labels",
            "issue_labels",
            "milestones",
            "comments",
            "wiki_pages",
        )
    }
    assert count["projects"] >= 8
    assert count["issues"] >= 400
    assert count["wiki_pages"] == count["projects"]
    assert count["comments"] >= 400
    assert count["milestones"] >= count["projects"]
    assert rows(pristine, "SELECT COUNT(DISTINCT state) FROM issues")[0][0] == 2
    assert {r[0] for r in rows(pristine, "SELECT DISTINCT name FROM labels")} >= {
        "bug",
        "feature",
        "docs",
    }
    # numbers are 1..n per project and every project has exactly one owner
    for pid, n, top, owners in rows(
        pristine,
        "SELECT p.id, COUNT(i.id), MAX(i.number),"
        " (SELECT COUNT(*) FROM members m WHERE m.project_id = p.id AND m.role = 'owner')"
        " FROM projects p JOIN issues i ON i.project_id = p.id GROUP BY p.id",
    ):
        assert n == top, pid
        assert owners == 1, pid
    assert get_site("tracker") is SITE
    assert set(SITE.accounts) >= {"byteblaze", "alice", "bob"}


# ---------------------------------------------------------------- tasks file


def test_task_suite_shape(pristine: Path) -> None:
    tasks = load_tasks("tracker")
    assert len(tasks) >= 30
    per_template = Counter(t.intent_template_id for t in tasks)
    assert len(per_template) >= 8
    assert min(per_template.values()) >= 3
    assert {t.kind for t in tasks} == {"info", "navigation", "state"}
    assert {t.split for t in tasks} == {"train", "test"}
    for task in tasks:
        assert SEMANTIC.search(task.reference), task.task_id
        assert ".locator(" not in task.reference, task.task_id
        for secret in SITE.accounts.values():
            assert secret not in task.reference
        if task.requires_login:
            assert task.login_as in SITE.accounts
        if isinstance(task.eval, StateEval):
            before = [list(r) for r in rows(pristine, task.eval.sql)]
            assert before != task.eval.expected, task.task_id


# ---------------------------------------------------------------- HTTP routes


def test_key_routes(client: TestClient) -> None:
    for url in (
        "/",
        "/p/kettle-cms",
        "/p/kettle-cms/issues",
        "/p/kettle-cms/issues/1",
        "/p/kettle-cms/milestones",
        "/p/kettle-cms/members",
        "/p/kettle-cms/wiki",
        "/u/alice",
        "/login",
        "/register",
        "/static/tracker.js",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/p/nope").status_code == 404
    assert client.get("/p/kettle-cms/issues/9999").status_code == 404
    home = client.get("/").text
    assert 'placeholder="Go to issue #"' not in home  # only on project pages
    page = client.get("/p/kettle-cms").text
    assert '<input type="text" name="number" placeholder="Go to issue #"' in page
    assert 'aria-haspopup="true"' not in page  # dropdowns only for signed-in users


def test_issue_list_filters_and_pagination(client: TestClient, db: Path) -> None:
    expected = rows(
        db,
        "SELECT COUNT(*) FROM issues i JOIN projects p ON p.id = i.project_id"
        " WHERE p.slug = 'kettle-cms' AND i.state = 'open' AND EXISTS (SELECT 1 FROM"
        " issue_labels il JOIN labels l ON l.id = il.label_id"
        " WHERE il.issue_id = i.id AND l.name = 'bug')",
    )[0][0]
    html = client.get("/p/kettle-cms/issues?state=open&label=bug").text
    assert f">{expected} issues<" in html
    for label in ("State", "Label", "Assignee", "Milestone", "Search issues"):
        assert f">{label}</label>" in html
    assert ">Filter</button>" in html

    total = rows(
        db,
        "SELECT COUNT(*) FROM issues i JOIN projects p ON p.id = i.project_id"
        " WHERE p.slug = 'kettle-cms'",
    )[0][0]
    first = client.get("/p/kettle-cms/issues?state=all").text
    second = client.get("/p/kettle-cms/issues?state=all&page=2").text
    links = re.compile(r'<h3><a href="/p/kettle-cms/issues/(\d+)">')
    one, two = links.findall(first), links.findall(second)
    assert len(one) == 20 and two and not set(one) & set(two)
    assert int(one[0]) == total  # newest first
    assert f"Page 1 of {-(-total // 20)}" in first
    assert 'rel="next"' in first and 'rel="prev"' in second

    title = rows(db, "SELECT title FROM issues WHERE project_id = 1 AND number = 5")[0][0]
    found = client.get("/p/kettle-cms/issues", params={"state": "all", "search": title}).text
    assert "/p/kettle-cms/issues/5" in found


def test_go_box_and_autocomplete(client: TestClient) -> None:
    response = client.get("/p/kettle-cms/issues/go?number=7", follow_redirects=False)
    assert response.headers["location"] == "/p/kettle-cms/issues/7"
    response = client.get("/p/kettle-cms/issues/go?number=abc")
    assert 'role="status"' in response.text and "no issue" in response.text
    users = client.get("/p/kettle-cms/members.json?q=ali").json()
    assert {"username": "alice", "name": "Alice Nguyen"} in users


def test_anonymous_writes_redirect_to_login(client: TestClient, db: Path) -> None:
    before = rows(db, "SELECT COUNT(*) FROM comments")
    response = client.post(
        "/p/kettle-cms/issues/1/comments", data={"body": "hi"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert rows(db, "SELECT COUNT(*) FROM comments") == before
    bad = client.post("/login", data={"username": "alice", "password": "wrong"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text


def test_issue_edit_validation_and_save(client: TestClient, db: Path) -> None:
    login(client, "byteblaze")
    bad = client.post(
        "/p/kettle-cms/issues/3/edit",
        data={"title": "ab", "description": "kept text", "labels": ["docs"], "assignee": "bob"},
    )
    assert bad.status_code == 400
    assert 'role="alert"' in bad.text and "minimum is 3 characters" in bad.text
    assert 'value="ab"' in bad.text and "kept text" in bad.text
    assert re.search(r'value="docs" checked', bad.text)
    long = client.post("/p/kettle-cms/issues/3/edit", data={"title": "x" * 256})
    assert long.status_code == 400 and "maximum is 255" in long.text
    stranger = client.post(
        "/p/kettle-cms/issues/3/edit",
        data={"title": "Fine title", "assignee": outsider(db, "kettle-cms")},
    )
    assert stranger.status_code == 400 and "not a member" in stranger.text

    ok = client.post(
        "/p/kettle-cms/issues/3/edit",
        data={"title": "Renamed issue", "labels": ["bug", "ux"], "assignee": "alice"},
    )
    assert ok.status_code == 200 and 'role="status"' in ok.text and "Issue updated." in ok.text
    assert rows(
        db,
        "SELECT i.title, u.username, group_concat(l.name) FROM issues i"
        " JOIN users u ON u.id = i.assignee_id JOIN issue_labels il ON il.issue_id = i.id"
        " JOIN labels l ON l.id = il.label_id WHERE i.project_id = 1 AND i.number = 3"
        " GROUP BY i.id",
    ) == [("Renamed issue", "alice", "bug,ux")]


def test_new_issue_comment_close_reopen(client: TestClient, db: Path) -> None:
    login(client, "alice")
    blank = client.post("/p/kettle-cms/issues/new", data={"title": "  "})
    assert blank.status_code == 400 and "Title can&#39;t be blank." in blank.text
    response = client.post(
        "/p/kettle-cms/issues/new",
        data={"title": "Brand new", "labels": ["feature"], "assignee": "bob"},
        follow_redirects=False,
    )
    number = int(response.headers["location"].rsplit("/", 1)[1])
    page = client.get(response.headers["location"]).text
    assert f"Issue #{number} created." in page and "Brand new" in page
    empty = client.post(f"/p/kettle-cms/issues/{number}/comments", data={"body": " "})
    assert empty.status_code == 400 and "Comment can&#39;t be blank." in empty.text
    client.post(f"/p/kettle-cms/issues/{number}/comments", data={"body": "First!"})
    client.post(f"/p/kettle-cms/issues/{number}/close")
    assert rows(db, "SELECT state FROM issues WHERE title = 'Brand new'") == [("closed",)]
    client.post(f"/p/kettle-cms/issues/{number}/reopen")
    assert rows(db, "SELECT state, closed_at FROM issues WHERE title = 'Brand new'") == [
        ("open", None)
    ]
    assert rows(db, "SELECT body FROM comments ORDER BY id DESC LIMIT 1") == [("First!",)]


def test_members_owner_only_with_validation(client: TestClient, db: Path) -> None:
    login(client, "bob")  # bob is a developer of orbit-cli, not its owner
    assert "Add member" not in client.get("/p/orbit-cli/members").text
    forbidden = client.post(
        "/p/orbit-cli/members", data={"username": outsider(db, "orbit-cli"), "role": "guest"}
    )
    assert forbidden.status_code == 403
    client.post("/logout")
    login(client, "byteblaze")
    unknown = client.post("/p/orbit-cli/members", data={"username": "nobody", "role": "guest"})
    assert unknown.status_code == 400 and 'role="alert"' in unknown.text
    assert 'value="nobody"' in unknown.text
    dup = client.post("/p/orbit-cli/members", data={"username": "bob", "role": "guest"})
    assert dup.status_code == 400 and "already a member" in dup.text
    newcomer = outsider(db, "orbit-cli")
    ok = client.post("/p/orbit-cli/members", data={"username": newcomer, "role": "developer"})
    assert f"Added {newcomer} as Developer." in ok.text
    assert 'role="status"' in ok.text


def test_wiki_and_register(client: TestClient, db: Path) -> None:
    login(client, "alice")
    bad = client.post("/p/kettle-cms/wiki/edit", data={"title": "Home", "body": "  "})
    assert bad.status_code == 400 and "Content can&#39;t be blank." in bad.text
    ok = client.post("/p/kettle-cms/wiki/edit", data={"title": "Home", "body": "# Hi\r\n- one"})
    assert "Wiki page saved." in ok.text and "<li>one</li>" in ok.text
    assert rows(db, "SELECT body FROM wiki_pages WHERE project_id = 1") == [("# Hi\n- one",)]
    client.post("/logout")
    reg = client.post(
        "/register", data={"username": "A", "name": "", "password": "x", "confirm": "y"}
    )
    assert reg.status_code == 400 and reg.text.count("<li>") >= 3
    taken = client.post(
        "/register",
        data={"username": "alice", "name": "A", "password": "longenough", "confirm": "longenough"},
    )
    assert taken.status_code == 400 and "already taken" in taken.text
    new = client.post(
        "/register",
        data={
            "username": "newbie",
            "name": "New Bie",
            "password": "secret-pw",
            "confirm": "secret-pw",
        },
    )
    assert new.status_code == 200 and "Welcome, New Bie!" in new.text


# ---------------------------------------------------------------- v2 theme


def test_v2_changes_wording_markup_and_routes(db: Path) -> None:
    with TestClient(create_app(db, "v1")) as v1, TestClient(create_app(db, "v2")) as v2:
        login(v1, "byteblaze")
        login(v2, "byteblaze")
        assert v2.get("/p/kettle-cms/issues").status_code == 404
        assert v2.get("/u/alice").status_code == 404
        assert v2.get("/users/alice").status_code == 200
        list1 = v1.get("/p/kettle-cms/issues").text
        list2 = v2.get("/p/kettle-cms/-/issues").text
        assert '<ul class="issue-list"' in list1 and "<table" not in list1
        assert '<table class="issue-table">' in list2 and "issue-list" not in list2
        assert ">Filter</button>" in list1 and ">Apply</button>" in list2
        assert "New issue" in list1 and "Report a problem" in list2 and "New issue" not in list2
        issue2 = v2.get("/p/kettle-cms/-/issues/1").text
        assert "Mark as done" in issue2 and "Close issue" not in issue2
        assert 'class="sidebar"' in issue2 and 'class="topbar"' not in issue2
        assert 'role="dialog"' in issue2
        home1, home2 = v1.get("/").text, v2.get("/").text
        assert '<ul class="project-list"' in home1 and "<table" in home2


# ---------------------------------------------------------------- running instances


async def _login_and_comment(base_url: str, text: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, follow_redirects=True) as http:
        await http.post("/login", data={"username": "bob", "password": SITE.accounts["bob"]})
        response = await http.post("/p/quillpad/issues/2/comments", data={"body": text})
        assert response.status_code == 200 and "Comment added." in response.text


async def test_instances_are_isolated_and_reset_restores() -> None:
    count_sql = "SELECT COUNT(*) FROM comments WHERE body = 'isolation check'"
    async with serve("tracker") as one, serve("tracker", theme="v2") as two:
        assert one.db_path != two.db_path
        await _login_and_comment(one.base_url, "isolation check")
        assert one.db_path is not None and two.db_path is not None
        assert rows(one.db_path, count_sql) == [(1,)]
        assert rows(two.db_path, count_sql) == [(0,)]
        await one.reset()
        assert rows(one.db_path, count_sql) == [(0,)]
        async with httpx.AsyncClient(base_url=one.base_url) as http:
            assert "isolation check" not in (await http.get("/p/quillpad/issues/2")).text


@pytest.mark.browser
async def test_check_passes_for_every_task(browser: BrowserSession) -> None:
    async with serve("tracker") as site:
        report = await check_site(site, site.tasks(), browser)
    failed = [c for c in report.checks if not c.reference_passed or c.noop_passed]
    assert report.ok, report.summary() + "".join(
        f"\n{c.task_id}: {c.reference_detail} | no-op: {c.noop_detail}" for c in failed
    )

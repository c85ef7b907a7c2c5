"""Read queries of the forum app (plain SQL over one per-request connection)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from sites.common import FIXED_NOW
from sites.forum.seed import stamp

PAGE_SIZE = 25
SORTS: tuple[str, ...] = ("hot", "new", "top")

POST_SELECT = """
SELECT p.id, p.title, p.body, p.url, p.created_at, p.edited_at,
       f.name AS forum, u.username AS author,
       COALESCE((SELECT SUM(v.value) FROM votes v WHERE v.post_id = p.id), 0) AS score,
       (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id) AS comment_count,
       MAX(0, (julianday(?) - julianday(p.created_at)) * 24) AS age_hours
FROM posts p
JOIN forums f ON f.id = p.forum_id
JOIN users u ON u.id = p.user_id
"""


def sort_posts(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Order posts: `new` by time, `top` by score, `hot` by score decayed with age (ties: id)."""
    if sort == "new":
        key = lambda r: (r["created_at"], r["id"])  # noqa: E731
    elif sort == "top":
        key = lambda r: (r["score"], r["created_at"], r["id"])  # noqa: E731
    else:
        key = lambda r: ((r["score"] + 1) / (r["age_hours"] + 2) ** 1.5, r["id"])  # noqa: E731
    return sorted(rows, key=key, reverse=True)


def posts(conn: sqlite3.Connection, where: str = "", params: tuple = ()) -> list[dict[str, Any]]:
    """Posts with score, comment count and age; `where` uses positional `?` parameters."""
    sql = POST_SELECT + (f" WHERE {where}" if where else "")
    return [dict(r) for r in conn.execute(sql, (stamp(FIXED_NOW), *params))]


def post(conn: sqlite3.Connection, post_id: int) -> dict[str, Any] | None:
    rows = posts(conn, "p.id = ?", (post_id,))
    return rows[0] if rows else None


def user_votes(
    conn: sqlite3.Connection, username: str | None, post_ids: list[int]
) -> dict[int, int]:
    """post_id → +1/-1 for the posts among `post_ids` that `username` voted on."""
    if not username or not post_ids:
        return {}
    marks = ",".join("?" * len(post_ids))
    rows = conn.execute(
        f"SELECT v.post_id, v.value FROM votes v JOIN users u ON u.id = v.user_id"
        f" WHERE u.username = ? AND v.post_id IN ({marks})",
        (username, *post_ids),
    )
    return {r["post_id"]: r["value"] for r in rows}


@dataclass
class Page:
    items: list[dict[str, Any]]
    number: int
    count: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(rows: list[dict[str, Any]], number: int) -> Page:
    count = max(1, -(-len(rows) // PAGE_SIZE))
    start = (number - 1) * PAGE_SIZE
    return Page(rows[start : start + PAGE_SIZE], number, count, len(rows))


def forums(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        """
        SELECT f.id, f.name, f.title, f.description, f.created_at,
               (SELECT COUNT(*) FROM subscriptions s WHERE s.forum_id = f.id) AS subscribers,
               (SELECT COUNT(*) FROM posts p WHERE p.forum_id = f.id) AS post_count
        FROM forums f ORDER BY f.name COLLATE NOCASE, f.id
        """
    )
    return [dict(r) for r in rows]


def forum(conn: sqlite3.Connection, name: str) -> dict[str, Any] | None:
    for row in forums(conn):
        if row["name"].lower() == name.lower():
            return row
    return None


def is_subscribed(conn: sqlite3.Connection, username: str | None, forum_id: int) -> bool:
    if not username:
        return False
    row = conn.execute(
        "SELECT 1 FROM subscriptions s JOIN users u ON u.id = s.user_id"
        " WHERE u.username = ? AND s.forum_id = ?",
        (username, forum_id),
    ).fetchone()
    return row is not None


def subscribed_names(conn: sqlite3.Connection, username: str | None) -> list[str]:
    if not username:
        return []
    rows = conn.execute(
        "SELECT f.name FROM subscriptions s JOIN users u ON u.id = s.user_id"
        " JOIN forums f ON f.id = s.forum_id WHERE u.username = ? ORDER BY f.name",
        (username,),
    )
    return [r["name"] for r in rows]


@dataclass
class CommentNode:
    id: int
    author: str
    body: str
    created_at: str
    parent_id: int | None
    children: list[CommentNode] = field(default_factory=list)


def comment_tree(conn: sqlite3.Connection, post_id: int) -> list[CommentNode]:
    """Top-level comments (oldest first), each with its replies nested."""
    rows = conn.execute(
        "SELECT c.id, u.username AS author, c.body, c.created_at, c.parent_id FROM comments c"
        " JOIN users u ON u.id = c.user_id WHERE c.post_id = ? ORDER BY c.created_at, c.id",
        (post_id,),
    )
    nodes = {r["id"]: CommentNode(**dict(r)) for r in rows}
    roots: list[CommentNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def user(conn: sqlite3.Connection, username: str) -> dict[str, Any] | None:
    row = conn.execute(
        """
        SELECT u.id, u.username, u.about, u.created_at,
               COALESCE((SELECT SUM(v.value) FROM votes v JOIN posts p ON p.id = v.post_id
                         WHERE p.user_id = u.id), 0) AS karma,
               (SELECT COUNT(*) FROM posts p WHERE p.user_id = u.id) AS post_count,
               (SELECT COUNT(*) FROM comments c WHERE c.user_id = u.id) AS comment_count
        FROM users u WHERE u.username = ?
        """,
        (username,),
    ).fetchone()
    return dict(row) if row else None


def user_comments(conn: sqlite3.Connection, user_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        """
        SELECT c.id, c.body, c.created_at, p.id AS post_id, p.title AS post_title,
               f.name AS forum
        FROM comments c JOIN posts p ON p.id = c.post_id JOIN forums f ON f.id = p.forum_id
        WHERE c.user_id = ? ORDER BY c.created_at DESC, c.id DESC
        """,
        (user_id,),
    )
    return [dict(r) for r in rows]


def search(conn: sqlite3.Connection, query: str) -> list[dict[str, Any]]:
    """Posts whose title or body contains every word of `query` (newest first)."""
    words = query.split()
    if not words:
        return []
    clause = "(p.title LIKE ? ESCAPE '\\' OR p.body LIKE ? ESCAPE '\\')"
    clauses = " AND ".join(clause for _ in words)
    params: list[str] = []
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pattern, pattern]
    return sort_posts(posts(conn, clauses, tuple(params)), "new")

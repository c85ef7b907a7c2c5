"""Deterministic seed for the forum site: users, forums, posts, threaded comments, votes,
subscriptions. Same code, same bytes: a fixed `random.Random` and timestamps before FIXED_NOW."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from sites.common import FIXED_NOW
from sites.forum.accounts import password_for
from sites.forum.content import (
    ABOUTS,
    BODY_CLOSERS,
    BODY_MIDDLES,
    BODY_OPENERS,
    COMMENT_BODIES,
    COMMENT_OPENERS,
    COMMENT_TAILS,
    FORUMS,
    LINK_DOMAINS,
    TITLES,
    USERNAMES,
)

SEED = 20260115
N_POSTS = 320
N_COMMENTS = 1250
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

SCHEMA = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    about TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE forums (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    forum_id INTEGER NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    url TEXT,
    created_at TEXT NOT NULL,
    edited_at TEXT
);
CREATE INDEX posts_forum ON posts(forum_id);
CREATE INDEX posts_user ON posts(user_id);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX comments_post ON comments(post_id);
CREATE INDEX comments_user ON comments(user_id);
CREATE TABLE votes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    value INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, post_id)
);
CREATE INDEX votes_post ON votes(post_id);
CREATE TABLE subscriptions (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    forum_id INTEGER NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, forum_id)
);
CREATE INDEX subscriptions_forum ON subscriptions(forum_id);
"""


def hash_password(username: str, password: str) -> str:
    """Salted PBKDF2 (salt = lower-cased username, so the seed stays byte-for-byte stable)."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), username.lower().encode(), 2000)
    return "pbkdf2$" + digest.hex()


def stamp(moment: datetime) -> str:
    return moment.strftime(TIME_FORMAT)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _ago(rng: random.Random, low_s: float, high_s: float) -> datetime:
    return FIXED_NOW - timedelta(seconds=int(rng.uniform(low_s, high_s)))


def _post_rows(rng: random.Random, n_users: int) -> list[tuple]:
    forum_weights = [pop + 0.3 for *_, pop in FORUMS]
    # A few prolific posters; the three named accounts post regularly.
    author_weights = [rng.lognormvariate(0, 0.7) for _ in range(n_users)]
    for i in range(3):
        author_weights[i] = 2.0
    used: set[str] = set()
    drafts: list[tuple[datetime, int, int, str, str, str | None]] = []
    while len(drafts) < N_POSTS:
        forum_index = rng.choices(range(len(FORUMS)), weights=forum_weights)[0]
        templates, fillers = TITLES[FORUMS[forum_index][0]]
        title = rng.choice(templates).format(x=rng.choice(fillers))
        title = title[0].upper() + title[1:]
        if title in used:
            continue
        used.add(title)
        author = rng.choices(range(n_users), weights=author_weights)[0] + 1
        created = _ago(rng, 3600, 90 * 86400)
        if rng.random() < 0.25:
            url = f"https://{rng.choice(LINK_DOMAINS)}/{_slug(title)[:60]}"
            body = ""
        else:
            url = None
            body = " ".join(
                [
                    rng.choice(BODY_OPENERS),
                    *rng.sample(BODY_MIDDLES, rng.randint(1, 3)),
                    rng.choice(BODY_CLOSERS),
                ]
            )
        drafts.append((created, forum_index + 1, author, title, body, url))
    drafts.sort(key=lambda d: (d[0], d[3]))
    return [
        (pid, forum, author, title, body, url, stamp(created))
        for pid, (created, forum, author, title, body, url) in enumerate(drafts, start=1)
    ]


def _comment_text(rng: random.Random) -> str:
    return f"{rng.choice(COMMENT_OPENERS)} {rng.choice(COMMENT_BODIES)}{rng.choice(COMMENT_TAILS)}"


def _comment_rows(rng: random.Random, posts: list[tuple], n_users: int) -> list[tuple]:
    weights = [rng.expovariate(1.0) ** 1.5 for _ in posts]
    per_post = [0] * len(posts)
    for index in rng.choices(range(len(posts)), weights=weights, k=N_COMMENTS):
        per_post[index] += 1
    # (created, post_id, draft_key, parent_draft_key, user_id, body)
    drafts: list[tuple[datetime, int, int, int | None, int, str]] = []
    key = 0
    for post, count in zip(posts, per_post, strict=True):
        post_id, created_s = post[0], post[6]
        post_created = datetime.strptime(created_s, TIME_FORMAT)
        in_post: list[tuple[int, datetime]] = []
        for _ in range(count):
            parent: tuple[int, datetime] | None = None
            if in_post and rng.random() < 0.45:
                parent = rng.choice(in_post)
            after = parent[1] if parent else post_created
            room = (FIXED_NOW - after).total_seconds() - 60
            created = after + timedelta(seconds=int(rng.uniform(30, max(60.0, min(room, 4e5)))))
            created = min(created, FIXED_NOW - timedelta(seconds=30))
            user = rng.randrange(n_users) + 1
            key += 1
            drafts.append(
                (created, post_id, key, parent[0] if parent else None, user, _comment_text(rng))
            )
            in_post.append((key, created))
    drafts.sort(key=lambda d: (d[0], d[2]))
    ids = {d[2]: i for i, d in enumerate(drafts, start=1)}
    return [
        (ids[k], post_id, ids[parent] if parent else None, user, body, stamp(created))
        for created, post_id, k, parent, user, body in drafts
    ]


def _vote_rows(rng: random.Random, posts: list[tuple], n_users: int) -> list[tuple]:
    rows: list[tuple] = []
    for post_id, _forum, author, *_rest, created_s in posts:
        voters_wanted = min(n_users - 1, int(rng.paretovariate(1.1) * 2.5) - 1)
        if voters_wanted <= 0:
            continue
        positive = rng.uniform(0.55, 0.95)
        candidates = [u for u in range(1, n_users + 1) if u != author]
        created = datetime.strptime(created_s, TIME_FORMAT)
        for user in sorted(rng.sample(candidates, voters_wanted)):
            value = 1 if rng.random() < positive else -1
            when = min(created + timedelta(seconds=rng.randint(60, 86400)), FIXED_NOW)
            rows.append((user, post_id, value, stamp(when)))
    return rows


def _subscription_rows(rng: random.Random, n_users: int) -> list[tuple]:
    rows: list[tuple] = []
    for user in range(1, n_users + 1):
        for forum_id, (*_, popularity) in enumerate(FORUMS, start=1):
            if rng.random() < popularity:
                rows.append((user, forum_id, stamp(_ago(rng, 86400, 400 * 86400))))
    return rows


def seed(db_path: Path) -> None:
    """Write the pristine forum database at `db_path` (deterministic)."""
    rng = random.Random(SEED)
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.executescript(SCHEMA)
        users = [
            (
                i,
                name,
                hash_password(name, password_for(name)),
                rng.choice(ABOUTS),
                stamp(_ago(rng, 100 * 86400, 1200 * 86400)),
            )
            for i, name in enumerate(USERNAMES, start=1)
        ]
        conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?)", users)
        conn.executemany(
            "INSERT INTO forums VALUES (?, ?, ?, ?, ?)",
            [
                (i, name, title, desc, stamp(FIXED_NOW - timedelta(days=900 - 17 * i)))
                for i, (name, title, desc, _pop) in enumerate(FORUMS, start=1)
            ],
        )
        posts = _post_rows(rng, len(users))
        conn.executemany(
            "INSERT INTO posts (id, forum_id, user_id, title, body, url, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            posts,
        )
        conn.executemany(
            "INSERT INTO comments VALUES (?, ?, ?, ?, ?, ?)",
            _comment_rows(rng, posts, len(users)),
        )
        votes = _vote_rows(rng, posts, len(users))
        conn.executemany("INSERT INTO votes VALUES (?, ?, ?, ?)", votes)
        conn.executemany(
            "INSERT INTO subscriptions VALUES (?, ?, ?)", _subscription_rows(rng, len(users))
        )
        conn.commit()
    finally:
        conn.close()

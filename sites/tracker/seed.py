"""Schema and deterministic seed data for the tracker site (a small GitLab-issues analogue)."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from datetime import timedelta
from pathlib import Path

from sites.common import FIXED_NOW

SEED = 20260115
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

SCHEMA = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE members (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'maintainer', 'developer', 'reporter', 'guest')),
    PRIMARY KEY (project_id, user_id)
);
CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    color TEXT NOT NULL,
    description TEXT NOT NULL,
    UNIQUE (project_id, name)
);
CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    due_date TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'closed')),
    UNIQUE (project_id, title)
);
CREATE TABLE issues (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    author_id INTEGER NOT NULL REFERENCES users(id),
    assignee_id INTEGER REFERENCES users(id),
    milestone_id INTEGER REFERENCES milestones(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    UNIQUE (project_id, number)
);
CREATE TABLE issue_labels (
    issue_id INTEGER NOT NULL REFERENCES issues(id),
    label_id INTEGER NOT NULL REFERENCES labels(id),
    PRIMARY KEY (issue_id, label_id)
);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    issue_id INTEGER NOT NULL REFERENCES issues(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE wiki_pages (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL UNIQUE REFERENCES projects(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX issues_project_state ON issues (project_id, state);
CREATE INDEX comments_issue ON comments (issue_id);
"""

ACCOUNTS: dict[str, str] = {
    "byteblaze": "tracker-pw-1",
    "alice": "alice-tracker-pw",
    "bob": "bob-tracker-pw",
}

USERS: tuple[tuple[str, str], ...] = (
    ("byteblaze", "Byte Blaze"),
    ("alice", "Alice Nguyen"),
    ("bob", "Bob Okafor"),
    ("carol", "Carol Diaz"),
    ("dmitri", "Dmitri Volkov"),
    ("emma", "Emma Walsh"),
    ("farah", "Farah Haddad"),
    ("gustavo", "Gustavo Lima"),
    ("hana", "Hana Sato"),
    ("ivan", "Ivan Petrov"),
    ("jules", "Jules Martin"),
    ("kofi", "Kofi Mensah"),
    ("lena", "Lena Fischer"),
    ("mateo", "Mateo Rossi"),
    ("nadia", "Nadia Rahman"),
    ("oscar", "Oscar Lindqvist"),
    ("priya", "Priya Raman"),
    ("quinn", "Quinn Harper"),
    ("rosa", "Rosa Alvarez"),
    ("sven", "Sven Berg"),
    ("tomoko", "Tomoko Ito"),
    ("umar", "Umar Farouk"),
    ("vera", "Vera Novak"),
    ("wei", "Wei Chen"),
    ("yusuf", "Yusuf Demir"),
    ("zoe", "Zoe Clarke"),
)

# slug, name, description, owner, extra fixed members (username, role)
PROJECTS: tuple[tuple[str, str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "kettle-cms",
        "Kettle CMS",
        "A flat-file content management system for small editorial teams.",
        "byteblaze",
        (("alice", "developer"), ("bob", "reporter")),
    ),
    (
        "orbit-cli",
        "Orbit CLI",
        "Command-line client for deploying static sites to object storage.",
        "byteblaze",
        (("bob", "developer"),),
    ),
    (
        "pixel-forge",
        "Pixel Forge",
        "Sprite editor and tile-map designer for retro-style games.",
        "alice",
        (("byteblaze", "maintainer"), ("bob", "developer")),
    ),
    (
        "ledger-lite",
        "Ledger Lite",
        "Plain-text double-entry bookkeeping with monthly reports.",
        "byteblaze",
        (("alice", "maintainer"),),
    ),
    (
        "river-sync",
        "River Sync",
        "Two-way folder synchronisation daemon with conflict resolution.",
        "byteblaze",
        (("alice", "developer"), ("bob", "developer")),
    ),
    (
        "nimbus-docs",
        "Nimbus Docs",
        "Documentation site generator with versioned pages and search.",
        "bob",
        (("byteblaze", "maintainer"), ("alice", "reporter")),
    ),
    (
        "tern-router",
        "Tern Router",
        "A tiny HTTP router with typed path parameters and middleware.",
        "byteblaze",
        (),
    ),
    (
        "quillpad",
        "Quillpad",
        "Distraction-free markdown notes app with offline sync.",
        "byteblaze",
        (("bob", "maintainer"),),
    ),
    (
        "a11y-webring",
        "A11y Webring",
        "A webring for accessible personal websites, with an automated checker.",
        "alice",
        (("byteblaze", "developer"),),
    ),
    (
        "harbor-ci",
        "Harbor CI",
        "Self-hosted continuous integration runner for container builds.",
        "byteblaze",
        (("alice", "developer"),),
    ),
)

LABELS: tuple[tuple[str, str, str], ...] = (
    ("bug", "#d9534f", "Something is not working"),
    ("feature", "#5cb85c", "A new capability"),
    ("docs", "#0275d8", "Documentation changes"),
    ("enhancement", "#5bc0de", "Improvement to an existing feature"),
    ("question", "#f0ad4e", "Further information is requested"),
    ("performance", "#6f42c1", "Speed or resource usage"),
    ("security", "#a94442", "Security-sensitive problem"),
    ("ux", "#e83e8c", "User experience and interface"),
)

COMPONENTS = (
    "editor",
    "settings page",
    "login form",
    "search index",
    "export dialog",
    "sidebar",
    "config loader",
    "plugin API",
    "sync engine",
    "dashboard",
    "CLI parser",
    "REST API",
    "cache layer",
    "upload widget",
    "notification panel",
    "theme switcher",
    "backup job",
    "webhook handler",
    "permissions check",
    "markdown renderer",
)

BUG_TITLES = (
    "{c} crashes when {a}",
    "{c} shows the wrong {t} after {a}",
    "Unhandled error in {c} when {a}",
    "{c} ignores the {t} setting",
    "Blank screen in {c} after {a}",
    "{c} leaks memory when {a}",
)
FEATURE_TITLES = (
    "Add {t} support to the {c}",
    "Allow {a} from the {c}",
    "Keyboard shortcut for {a}",
    "Support {t} in the {c}",
)
DOCS_TITLES = (
    "Document the {t} option of the {c}",
    "Fix typo in the {c} guide",
    "Explain {a} in the README",
    "Add examples for the {c}",
)
OTHER_TITLES = (
    "Improve {t} handling in the {c}",
    "How do I configure the {t} in the {c}?",
    "Slow {c} when {a}",
    "Escape user input in the {c}",
    "Make the {c} easier to find",
)
ACTIONS = (
    "saving a draft",
    "renaming a file",
    "switching accounts",
    "importing a large archive",
    "the network drops",
    "resizing the window",
    "pasting an image",
    "running offline",
    "deleting a folder",
    "opening two tabs",
    "using a non-ASCII filename",
    "logging out",
)
THINGS = (
    "timezone",
    "locale",
    "dark mode",
    "proxy",
    "retry limit",
    "date format",
    "file size limit",
    "default branch",
    "page size",
    "colour scheme",
)
COMMENT_BODIES = (
    "I can reproduce this on the latest release.",
    "Could you share the exact steps and your version number?",
    "This looks related to the caching change from last month.",
    "Working on a fix, should have a merge request up soon.",
    "Confirmed on Linux and macOS.",
    "Is there a workaround in the meantime?",
    "Thanks for the report! Labelling this for triage.",
    "The fix is merged and will ship in the next milestone.",
    "I think we should discuss the design before implementing this.",
    "+1, we hit this in production as well.",
    "Closing this as a duplicate would lose the context, so keeping it open.",
    "Added a failing test that shows the problem.",
)
ROLES_POOL = ("developer", "developer", "reporter", "maintainer", "guest")


def password_hash(username: str, password: str) -> str:
    """A salted PBKDF2 hash (salt = username, so seeding stays deterministic)."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), f"tracker:{username}".encode(), 2000)
    return digest.hex()


def ts(delta: timedelta) -> str:
    """A timestamp `delta` before the fixed clock, in the DB's text format."""
    return (FIXED_NOW - delta).strftime(TIME_FORMAT)


def _title(rng: random.Random, kind: str) -> str:
    pool = {
        "bug": BUG_TITLES,
        "feature": FEATURE_TITLES,
        "docs": DOCS_TITLES,
    }.get(kind, OTHER_TITLES)
    text = rng.choice(pool).format(
        c=rng.choice(COMPONENTS), a=rng.choice(ACTIONS), t=rng.choice(THINGS)
    )
    return text[0].upper() + text[1:]


def _description(rng: random.Random, kind: str, title: str) -> str:
    if kind == "bug":
        return (
            f"{title}.\n\n"
            "Steps to reproduce:\n"
            f"- Open the {rng.choice(COMPONENTS)}\n"
            f"- Try {rng.choice(ACTIONS)}\n\n"
            "Expected: it keeps working.\n"
            f"Actual: it fails about {rng.randint(2, 9)} times out of 10."
        )
    if kind == "feature":
        return (
            f"It would help if we could {title.lower()}.\n\n"
            f"Use case: our team relies on the {rng.choice(THINGS)} setting every day."
        )
    return f"{title}.\n\nReported while {rng.choice(ACTIONS)}."


def _wiki_body(name: str, description: str, rng: random.Random) -> str:
    return (
        f"# {name}\n\n"
        f"{description}\n\n"
        "## Getting started\n\n"
        "- Clone the repository\n"
        f"- Run `make setup` (takes about {rng.randint(2, 6)} minutes)\n"
        "- Open an issue if anything is unclear\n\n"
        "## Conventions\n\n"
        "Label every issue with **bug**, **feature** or **docs** so triage stays quick."
    )


def seed(db_path: Path) -> None:
    """Write the pristine tracker database to `db_path` (deterministic)."""
    rng = random.Random(SEED)
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.executescript(SCHEMA)
        _seed(conn, rng)
        conn.commit()
    finally:
        conn.close()


def _seed(conn: sqlite3.Connection, rng: random.Random) -> None:
    user_ids: dict[str, int] = {}
    for i, (username, name) in enumerate(USERS, start=1):
        password = ACCOUNTS.get(username, f"{username}-seed-only")
        conn.execute(
            "INSERT INTO users (id, username, name, email, password_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                i,
                username,
                name,
                f"{username}@tracker.test",
                password_hash(username, password),
                ts(timedelta(days=700 - i * 7)),
            ),
        )
        user_ids[username] = i
    others = [u for u, _ in USERS if u not in ACCOUNTS]

    label_id = 0
    milestone_id = 0
    issue_id = 0
    comment_id = 0
    for pid, (slug, name, description, owner, fixed) in enumerate(PROJECTS, start=1):
        conn.execute(
            "INSERT INTO projects (id, slug, name, description, created_at) VALUES (?, ?, ?, ?, ?)",
            (pid, slug, name, description, ts(timedelta(days=400 - pid * 11))),
        )
        roles: dict[str, str] = {owner: "owner"}
        roles.update(dict(fixed))
        for username in rng.sample(others, rng.randint(3, 6)):
            roles[username] = rng.choice(ROLES_POOL)
        for username, role in sorted(roles.items(), key=lambda kv: user_ids[kv[0]]):
            conn.execute(
                "INSERT INTO members (project_id, user_id, role) VALUES (?, ?, ?)",
                (pid, user_ids[username], role),
            )
        workers = [u for u, r in roles.items() if r != "guest"]
        workers.sort(key=lambda u: user_ids[u])

        labels: dict[str, int] = {}
        for lname, color, ldesc in LABELS:
            label_id += 1
            labels[lname] = label_id
            conn.execute(
                "INSERT INTO labels (id, project_id, name, color, description)"
                " VALUES (?, ?, ?, ?, ?)",
                (label_id, pid, lname, color, ldesc),
            )

        major = rng.randint(0, 3)
        milestones: list[int] = []
        for k, (minor, state, due_days) in enumerate(
            ((1, "closed", -40), (2, "active", 30), (3, "active", 90))
        ):
            milestone_id += 1
            milestones.append(milestone_id)
            conn.execute(
                "INSERT INTO milestones (id, project_id, title, description, due_date, state)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    milestone_id,
                    pid,
                    f"v{major}.{minor}",
                    f"Release {major}.{minor} of {name}.",
                    (FIXED_NOW + timedelta(days=due_days + k)).strftime("%Y-%m-%d"),
                    state,
                ),
            )

        count = rng.randint(38, 56)
        offsets = sorted((rng.randint(2 * 60, 300 * 24 * 60) for _ in range(count)), reverse=True)
        titles: set[str] = set()
        for number, minutes_ago in enumerate(offsets, start=1):
            issue_id += 1
            kind = rng.choice(("bug", "bug", "feature", "docs", "other"))
            title = _title(rng, kind)
            while title in titles:
                title = _title(rng, kind)
            titles.add(title)
            issue_labels = {kind} if kind != "other" else set()
            for extra in rng.sample([lb[0] for lb in LABELS], rng.choice((0, 0, 1, 1, 2))):
                issue_labels.add(extra)
            state = "closed" if rng.random() < 0.35 else "open"
            author = rng.choice(workers + rng.sample(others, 2))
            assignee = rng.choice(workers) if rng.random() < 0.75 else None
            milestone = rng.choice(milestones) if rng.random() < 0.6 else None
            created = timedelta(minutes=minutes_ago)
            updated = created - timedelta(minutes=rng.randint(0, min(minutes_ago - 60, 20000)))
            closed_at = ts(updated) if state == "closed" else None
            conn.execute(
                "INSERT INTO issues (id, project_id, number, title, description, state, author_id,"
                " assignee_id, milestone_id, created_at, updated_at, closed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    issue_id,
                    pid,
                    number,
                    title,
                    _description(rng, kind, title),
                    state,
                    user_ids[author],
                    user_ids[assignee] if assignee else None,
                    milestone,
                    ts(created),
                    ts(updated),
                    closed_at,
                ),
            )
            for lname in sorted(issue_labels):
                conn.execute(
                    "INSERT INTO issue_labels (issue_id, label_id) VALUES (?, ?)",
                    (issue_id, labels[lname]),
                )
            span = created - updated
            n_comments = rng.choice((0, 1, 1, 2, 2, 3, 4))
            for k in range(n_comments):
                comment_id += 1
                when = created - span * (k + 1) / (n_comments + 1)
                conn.execute(
                    "INSERT INTO comments (id, issue_id, author_id, body, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        comment_id,
                        issue_id,
                        user_ids[rng.choice(workers)],
                        rng.choice(COMMENT_BODIES),
                        ts(timedelta(seconds=int(when.total_seconds()))),
                    ),
                )

        conn.execute(
            "INSERT INTO wiki_pages (project_id, title, body, updated_at, updated_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                pid,
                "Home",
                _wiki_body(name, description, rng),
                ts(timedelta(days=rng.randint(3, 60))),
                user_ids[owner],
            ),
        )

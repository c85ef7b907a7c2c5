"""Generate `sites/forum/tasks.json` from a freshly seeded database.

Run `python -m sites.forum.make_tasks` after changing the seed; every expected answer and
state query below is computed from the seeded data, so the task file stays consistent.
"""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sites.common import connect
from sites.forum import queries as q
from sites.forum.seed import seed

OUT = Path(__file__).parent / "tasks.json"
INSTANCES = 3
TRAIN_PER_TEMPLATE = 2


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def first_page_of_search(conn: sqlite3.Connection, title: str) -> bool:
    return any(p["title"] == title for p in q.search(conn, title)[: q.PAGE_SIZE])


class Builder:
    """Accumulates tasks; each template contributes INSTANCES instances."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.rng = random.Random(7)
        self.tasks: list[dict[str, Any]] = []
        self.template_id = 0
        self.posts = q.posts(conn)

    def template(
        self,
        intent_template: str,
        kind: str,
        instances: list[dict[str, Any]],
        make: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> None:
        self.template_id += 1
        if len(instances) < INSTANCES:
            raise ValueError(f"template {intent_template!r}: only {len(instances)} instances")
        for i, values in enumerate(instances[:INSTANCES]):
            spec = make(values)
            intent = intent_template
            for key, value in values.items():
                intent = intent.replace("{{" + key + "}}", str(value))
            self.tasks.append(
                {
                    "task_id": f"forum-{len(self.tasks) + 1:03d}",
                    "intent_template_id": self.template_id,
                    "intent_template": intent_template,
                    "instantiation_dict": values,
                    "intent": intent,
                    "kind": kind,
                    "start_url": spec.get("start_url", "/"),
                    "requires_login": "login_as" in spec,
                    "login_as": spec.get("login_as"),
                    "split": "train" if i < TRAIN_PER_TEMPLATE else "test",
                    "eval": spec["eval"],
                    "reference": "\n".join(spec["reference"]),
                }
            )

    def pick_posts(self, ok: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        candidates = [
            p
            for p in self.posts
            if "'" not in p["title"] and ok(p) and first_page_of_search(self.conn, p["title"])
        ]
        return self.rng.sample(candidates, INSTANCES)

    def voted(self, username: str) -> set[int]:
        rows = self.conn.execute(
            "SELECT v.post_id FROM votes v JOIN users u ON u.id = v.user_id WHERE u.username = ?",
            (username,),
        )
        return {r[0] for r in rows}


OPEN_POST = [
    "await page.get_by_role('searchbox', name='Search').fill({title!r})",
    "await page.get_by_role('searchbox', name='Search').press('Enter')",
    "await page.get_by_role('link', name={title!r}, exact=True).click()",
    "await expect(page.get_by_role('heading', level=1)).to_have_text({title!r})",
]


def open_post(title: str) -> list[str]:
    return [line.format(title=title) for line in OPEN_POST]


def open_own_post(title: str) -> list[str]:
    """Reach one of the logged-in user's posts through the user menu and their profile."""
    return [
        "await page.get_by_role('button', name='User menu').click()",
        "await page.get_by_role('menuitem', name='My profile').click()",
        f"post = page.get_by_role('article', name={title!r}, exact=True)",
        f"await post.get_by_role('link', name={title!r}, exact=True).click()",
        f"await expect(page.get_by_role('heading', level=1)).to_have_text({title!r})",
    ]


def build(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    b = Builder(conn)
    forums = q.forums(conn)

    # 1. info: author of the top post of a forum (unique top score only).
    tops = []
    for f in forums:
        ranked = q.sort_posts([p for p in b.posts if p["forum"] == f["name"]], "top")
        if len(ranked) > 1 and ranked[0]["score"] > ranked[1]["score"]:
            tops.append({"forum": f["name"], "_author": ranked[0]["author"]})
    tops = b.rng.sample(tops, INSTANCES)
    b.template(
        "Who submitted the highest-scoring post of all time in the forum {{forum}}?",
        "info",
        [{"forum": t["forum"]} for t in tops],
        lambda v: {
            "eval": {
                "type": "answer",
                "match": "exact",
                "expected": next(t["_author"] for t in tops if t["forum"] == v["forum"]),
            },
            "reference": [
                "await page.get_by_role('link', name='Forums', exact=True).click()",
                f"await page.get_by_role('link', name={v['forum']!r}, exact=True).click()",
                "await page.get_by_role('link', name='Top', exact=True).click()",
                "meta = await page.get_by_role('article').first.get_by_text('Submitted by')"
                ".inner_text()",
                "return meta.split('Submitted by', 1)[1].split()[0]",
            ],
        },
    )

    # 2. info: number of comments on a post.
    chosen = b.pick_posts(lambda p: p["comment_count"] >= 3)
    counts = {p["title"]: p["comment_count"] for p in chosen}
    b.template(
        "How many comments does the post “{{title}}” have?",
        "info",
        [{"title": p["title"]} for p in chosen],
        lambda v: {
            "eval": {"type": "answer", "match": "numeric", "expected": counts[v["title"]]},
            "reference": [
                "import re",
                "await page.get_by_role('searchbox', name='Search').fill({!r})".format(v["title"]),
                "await page.get_by_role('searchbox', name='Search').press('Enter')",
                "post = page.get_by_role('article', name={!r}, exact=True)".format(v["title"]),
                "return await post.get_by_role('link', name=re.compile(r'^\\d+ comments?$'))"
                ".inner_text()",
            ],
        },
    )

    # 3. info: which of three forums has the most subscribers (unique maximum).
    by_name = {f["name"]: f["subscribers"] for f in forums}
    triples: list[list[str]] = []
    while len(triples) < INSTANCES:
        trio = sorted(b.rng.sample(sorted(by_name), 3))
        counts3 = sorted((by_name[n] for n in trio), reverse=True)
        if counts3[0] > counts3[1] and trio not in triples:
            triples.append(trio)
    b.template(
        "Which of these forums has the most subscribers: {{a}}, {{b}} or {{c}}?",
        "info",
        [{"a": t[0], "b": t[1], "c": t[2]} for t in triples],
        lambda v: {
            "eval": {
                "type": "answer",
                "match": "exact",
                "expected": max((v["a"], v["b"], v["c"]), key=lambda n: by_name[n]),
            },
            "reference": [
                "await page.get_by_role('link', name='Forums', exact=True).click()",
                "counts = {}",
                f"for name in {[v['a'], v['b'], v['c']]!r}:",
                "    row = page.get_by_role('row').filter("
                "has=page.get_by_role('link', name=name, exact=True))",
                "    counts[name] = int(await row.get_by_role('cell').nth(1).inner_text())",
                "return max(counts, key=counts.get)",
            ],
        },
    )

    # 4. info: a user's karma (karma differs from their post and comment counts).
    users = [
        q.user(conn, r["username"]) for r in conn.execute("SELECT username FROM users ORDER BY id")
    ]
    karma_users = [
        u
        for u in users
        if u and u["karma"] not in (u["post_count"], u["comment_count"]) and u["karma"] > 5
    ]
    karma_users = b.rng.sample(karma_users, INSTANCES)
    karma = {u["username"]: u["karma"] for u in karma_users}
    b.template(
        "What is the karma of the user {{user}}?",
        "info",
        [{"user": u["username"]} for u in karma_users],
        lambda v: {
            "eval": {"type": "answer", "match": "numeric", "expected": karma[v["user"]]},
            "reference": [
                f"await page.goto('/user/{v['user']}')",
                "text = await page.get_by_text('Karma:').inner_text()",
                "return text.split(':', 1)[1].strip()",
            ],
        },
    )

    # 5. navigation: a forum sorted by top.
    nav_forums = b.rng.sample([f["name"] for f in forums], INSTANCES)
    b.template(
        "Show the posts of the forum {{forum}} sorted by top score.",
        "navigation",
        [{"forum": n} for n in nav_forums],
        lambda v: {
            "eval": {"type": "url", "rule": "exact", "expected": f"/f/{v['forum']}?sort=top"},
            "reference": [
                "sidebar = page.get_by_role('complementary')",
                f"await sidebar.get_by_role('link', name={'f/' + v['forum']!r}, exact=True)"
                ".click()",
                "await page.get_by_role('link', name='Top', exact=True).click()",
                "await page.wait_for_url('**sort=top')",
            ],
        },
    )

    # 6. navigation: the profile of a post's author.
    chosen = b.pick_posts(lambda p: True)
    b.template(
        "Open the profile page of the user who submitted the post “{{title}}”.",
        "navigation",
        [{"title": p["title"]} for p in chosen],
        lambda v: {
            "eval": {
                "type": "url",
                "rule": "path",
                "expected": "/user/"
                + next(p["author"] for p in chosen if p["title"] == v["title"]),
            },
            "reference": [
                *open_post(v["title"]),
                "post = page.get_by_role('article').first",
                "meta = await post.get_by_text('Submitted by').inner_text()",
                "author = meta.split('Submitted by', 1)[1].split()[0]",
                "await post.get_by_role('link', name=author, exact=True).click()",
                "await page.wait_for_url('**/user/' + author)",
            ],
        },
    )

    # 7. navigation: a search.
    queries = b.rng.sample(
        ["sourdough", "James Webb", "Hollow Knight", "Lisbon", "deadlifts", "Radiohead"], INSTANCES
    )
    b.template(
        "Search the forums for “{{query}}”.",
        "navigation",
        [{"query": s} for s in queries],
        lambda v: {
            "eval": {
                "type": "url",
                "rule": "exact",
                "expected": "/search?" + urlencode({"q": v["query"]}),
            },
            "reference": [
                f"await page.get_by_role('searchbox', name='Search').fill({v['query']!r})",
                "await page.get_by_role('searchbox', name='Search').press('Enter')",
                "await page.wait_for_url('**/search?q=*')",
            ],
        },
    )

    # 8. state: upvote a post (alice has not voted on it yet).
    alice_voted = b.voted("alice")
    chosen = b.pick_posts(lambda p: p["id"] not in alice_voted and p["author"] != "alice")
    ids = {p["title"]: p["id"] for p in chosen}
    b.template(
        "Upvote the post “{{title}}”.",
        "state",
        [{"title": p["title"]} for p in chosen],
        lambda v: {
            "login_as": "alice",
            "eval": {
                "type": "state",
                "sql": "SELECT v.value FROM votes v JOIN users u ON u.id = v.user_id"
                f" WHERE v.post_id = {ids[v['title']]} AND u.username = 'alice'",
                "expected": [[1]],
            },
            "reference": [
                *open_post(v["title"]),
                "await page.get_by_role('button', name='Upvote', exact=True).click()",
                "await expect(page.get_by_role('status')).to_be_visible()",
            ],
        },
    )

    # 9. state: comment on a post.
    chosen = b.pick_posts(lambda p: p["author"] != "bob")
    ids.update({p["title"]: p["id"] for p in chosen})
    remarks = [
        "Thanks for the detailed write-up!",
        "I had the same experience last year.",
        "Could you share a source for this?",
    ]
    b.template(
        "Post the comment “{{text}}” on the post “{{title}}”.",
        "state",
        [{"text": t, "title": p["title"]} for t, p in zip(remarks, chosen, strict=True)],
        lambda v: {
            "login_as": "bob",
            "eval": {
                "type": "state",
                "sql": "SELECT u.username, c.parent_id FROM comments c"
                " JOIN users u ON u.id = c.user_id"
                f" WHERE c.post_id = {ids[v['title']]} AND c.body = {sql_str(v['text'])}",
                "expected": [["bob", None]],
            },
            "reference": [
                *open_post(v["title"]),
                f"await page.get_by_label('Comment', exact=True).fill({v['text']!r})",
                "await page.get_by_role('button', name='Post comment', exact=True).click()",
                "await expect(page.get_by_role('status')).to_be_visible()",
            ],
        },
    )

    # 10. state: create a post.
    new_posts = [
        ("cooking", "Best cast iron pan for a beginner?", "Mine keeps rusting. What am I doing?"),
        ("space", "Watching the meteor shower from a dark site", "Bring a blanket and patience."),
        ("books", "Looking for cozy mysteries set in Scotland", "Anything like Agatha Christie."),
    ]
    b.template(
        "Create a post in the forum {{forum}} titled “{{title}}” with the text “{{body}}”.",
        "state",
        [{"forum": f, "title": t, "body": body} for f, t, body in new_posts],
        lambda v: {
            "login_as": "MarvelsGrantMan136",
            "eval": {
                "type": "state",
                "sql": "SELECT f.name, u.username, p.body FROM posts p"
                " JOIN forums f ON f.id = p.forum_id JOIN users u ON u.id = p.user_id"
                f" WHERE p.title = {sql_str(v['title'])}",
                "expected": [[v["forum"], "MarvelsGrantMan136", v["body"]]],
            },
            "reference": [
                "await page.get_by_role('link', name='Submit', exact=True).click()",
                "forum = page.get_by_role('combobox', name='Forum')",
                f"await forum.fill({v['forum'][:3]!r})",
                f"await page.get_by_role('option', name={v['forum']!r}, exact=True).click()",
                f"await page.get_by_label('Title').fill({v['title']!r})",
                f"await page.get_by_label('Body').fill({v['body']!r})",
                "await page.get_by_role('button', name='Submit', exact=True).click()",
                "await expect(page.get_by_role('status')).to_be_visible()",
            ],
        },
    )

    # 11. state: subscribe to a forum alice is not subscribed to.
    mine = set(q.subscribed_names(conn, "alice"))
    targets = b.rng.sample([f["name"] for f in forums if f["name"] not in mine], INSTANCES)
    b.template(
        "Subscribe to the forum {{forum}}.",
        "state",
        [{"forum": n} for n in targets],
        lambda v: {
            "login_as": "alice",
            "eval": {
                "type": "state",
                "sql": "SELECT COUNT(*) FROM subscriptions s JOIN users u ON u.id = s.user_id"
                " JOIN forums f ON f.id = s.forum_id"
                f" WHERE u.username = 'alice' AND f.name = {sql_str(v['forum'])}",
                "expected": [[1]],
            },
            "reference": [
                "await page.get_by_role('link', name='Forums', exact=True).click()",
                f"await page.get_by_role('link', name={v['forum']!r}, exact=True).click()",
                "await page.get_by_role('button', name='Subscribe', exact=True).click()",
                "await expect(page.get_by_role('status')).to_be_visible()",
            ],
        },
    )

    # 12. state: retitle one's own post (through the user menu and profile).
    owners = ["alice", "bob", "MarvelsGrantMan136"]
    own: list[dict[str, Any]] = []
    for owner in owners:
        candidates = [p for p in b.posts if p["author"] == owner and "'" not in p["title"]]
        own.append(b.rng.choice(candidates))
    new_titles = [
        "Updated: my thoughts after a second look",
        "Revisited this topic with fresh eyes",
        "Edit: a better title for this discussion",
    ]
    b.template(
        "Change the title of your post “{{old}}” to “{{new}}”.",
        "state",
        [{"old": p["title"], "new": t} for p, t in zip(own, new_titles, strict=True)],
        lambda v: {
            "login_as": next(p["author"] for p in own if p["title"] == v["old"]),
            "eval": {
                "type": "state",
                "sql": "SELECT title FROM posts WHERE id = "
                + str(next(p["id"] for p in own if p["title"] == v["old"])),
                "expected": [[v["new"]]],
            },
            "reference": [
                *open_own_post(v["old"]),
                "await page.get_by_role('link', name='Edit', exact=True).click()",
                f"await page.get_by_label('Title').fill({v['new']!r})",
                "await page.get_by_role('button', name='Save changes').click()",
                "await expect(page.get_by_role('status')).to_be_visible()",
            ],
        },
    )

    # 13. state: delete one's own post (through the confirmation dialog).
    taken = {p["id"] for p in own}
    doomed: list[dict[str, Any]] = []
    for owner in ["bob", "MarvelsGrantMan136", "alice"]:
        candidates = [
            p
            for p in b.posts
            if p["author"] == owner and "'" not in p["title"] and p["id"] not in taken
        ]
        doomed.append(b.rng.choice(candidates))
    b.template(
        "Delete your post “{{title}}”.",
        "state",
        [{"title": p["title"]} for p in doomed],
        lambda v: {
            "login_as": next(p["author"] for p in doomed if p["title"] == v["title"]),
            "eval": {
                "type": "state",
                "sql": "SELECT COUNT(*) FROM posts WHERE id = "
                + str(next(p["id"] for p in doomed if p["title"] == v["title"])),
                "expected": [[0]],
            },
            "reference": [
                *open_own_post(v["title"]),
                "await page.get_by_role('button', name='Delete', exact=True).click()",
                "dialog = page.get_by_role('dialog', name='Delete this post?')",
                "await dialog.get_by_role('button', name='Delete', exact=True).click()",
                "await expect(page.get_by_role('status')).to_be_visible()",
            ],
        },
    )
    return b.tasks


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "forum.db"
        seed(db)
        conn = connect(db)
        try:
            tasks = build(conn)
        finally:
            conn.close()
    OUT.write_text(json.dumps(tasks, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(tasks)} tasks to {OUT}")


if __name__ == "__main__":
    main()

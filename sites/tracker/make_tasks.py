"""Generate `sites/tracker/tasks.json` from a freshly seeded database.

Run: `.venv/bin/python -m sites.tracker.make_tasks` (after changing the seed, then bump
`seed_version`). Answers and expected rows are read from the seed so they stay consistent.
Instances 1-2 of every template are `train`, the rest `test`.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from sites.tracker.seed import seed

TASKS_FILE = Path(__file__).parent / "tasks.json"
TRAIN_PER_TEMPLATE = 2


def q(value: str) -> str:
    """An SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def lit(value: str) -> str:
    """A Python string literal for reference code."""
    return json.dumps(value)


class Builder:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.tasks: list[dict[str, Any]] = []
        self.per_template: dict[int, int] = {}

    def one(self, sql: str, *args: Any) -> Any:
        row = self.conn.execute(sql, args).fetchone()
        assert row is not None, sql
        return row[0]

    def project_name(self, slug: str) -> str:
        return self.one("SELECT name FROM projects WHERE slug = ?", slug)

    def add(
        self,
        template_id: int,
        template: str,
        values: dict[str, Any],
        *,
        kind: str,
        evaluator: dict[str, Any],
        reference: str,
        start_url: str = "/",
        login_as: str | None = None,
    ) -> None:
        index = self.per_template.get(template_id, 0)
        self.per_template[template_id] = index + 1
        intent = template
        for key, value in values.items():
            intent = intent.replace("{{" + key + "}}", str(value))
        self.tasks.append(
            {
                "task_id": f"tracker-{template_id:02d}-{index + 1}",
                "intent_template_id": template_id,
                "intent_template": template,
                "instantiation_dict": values,
                "intent": intent,
                "kind": kind,
                "start_url": start_url,
                "requires_login": login_as is not None,
                "login_as": login_as,
                "split": "train" if index < TRAIN_PER_TEMPLATE else "test",
                "eval": evaluator,
                "reference": reference.strip() + "\n",
            }
        )


def open_project(name: str) -> str:
    return f"await page.get_by_role('link', name={lit(name)}, exact=True).click()\n"


def go_to_issue(number: int) -> str:
    return (
        f"await page.get_by_placeholder('Go to issue #').fill('{number}')\n"
        "await page.get_by_role('button', name='Go', exact=True).click()\n"
        f"await page.wait_for_url(re.compile(r'/{number}$'))\n"
    )


def build(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    b = Builder(conn)

    # 1. info/numeric: open issues with a label
    t1 = "How many open issues labelled {{label}} are there in the {{project}} project?"
    for slug, label in (("kettle-cms", "bug"), ("river-sync", "feature"), ("harbor-ci", "docs")):
        name = b.project_name(slug)
        count = b.one(
            "SELECT COUNT(*) FROM issues i JOIN projects p ON p.id = i.project_id"
            " WHERE p.slug = ? AND i.state = 'open' AND EXISTS (SELECT 1 FROM issue_labels il"
            " JOIN labels l ON l.id = il.label_id WHERE il.issue_id = i.id AND l.name = ?)",
            slug,
            label,
        )
        assert count > 0
        b.add(
            1,
            t1,
            {"label": label, "project": name},
            kind="info",
            evaluator={"type": "answer", "match": "numeric", "expected": count},
            reference="import re\n"
            + open_project(name)
            + "await page.get_by_role('navigation', name='Project')"
            ".get_by_role('link', name='Issues').click()\n"
            "await page.get_by_label('State', exact=True).select_option('open')\n"
            f"await page.get_by_label('Label', exact=True).select_option({lit(label)})\n"
            "await page.get_by_role('button', name='Filter').click()\n"
            f"await page.wait_for_url(re.compile(r'label={label}'))\n"
            "return await page.get_by_text(re.compile(r'^\\d+ issues?$')).inner_text()\n",
        )

    # 2. info/answer: who is assigned to issue #N
    t2 = "Who is assigned to issue #{{number}} in {{project}}? Give the username."
    for slug, nth in (("orbit-cli", 4), ("pixel-forge", 9), ("quillpad", 17)):
        name = b.project_name(slug)
        number, assignee = conn.execute(
            "SELECT i.number, u.username FROM issues i JOIN projects p ON p.id = i.project_id"
            " JOIN users u ON u.id = i.assignee_id WHERE p.slug = ? ORDER BY i.number"
            " LIMIT 1 OFFSET ?",
            (slug, nth),
        ).fetchone()
        b.add(
            2,
            t2,
            {"number": number, "project": name},
            kind="info",
            evaluator={"type": "answer", "match": "exact", "expected": assignee},
            reference="import re\n"
            + open_project(name)
            + go_to_issue(number)
            + "return await page.get_by_role('region', name='Assignee')"
            ".get_by_role('link').inner_text()\n",
        )

    # 3. info/answer: newest issue title
    t3 = "What is the title of the newest issue in the {{project}} project?"
    for slug in ("ledger-lite", "tern-router", "a11y-webring"):
        name = b.project_name(slug)
        title = b.one(
            "SELECT i.title FROM issues i JOIN projects p ON p.id = i.project_id"
            " WHERE p.slug = ? ORDER BY i.created_at DESC, i.number DESC LIMIT 1",
            slug,
        )
        b.add(
            3,
            t3,
            {"project": name},
            kind="info",
            evaluator={"type": "answer", "match": "exact", "expected": title},
            reference="import re\n"
            + open_project(name)
            + "await page.get_by_role('navigation', name='Project')"
            ".get_by_role('link', name='Issues').click()\n"
            "await page.get_by_label('State', exact=True).select_option('all')\n"
            "await page.get_by_role('button', name='Filter').click()\n"
            "await page.wait_for_url(re.compile(r'state=all'))\n"
            "return await page.get_by_role('list', name='Issues')"
            ".get_by_role('heading').first.inner_text()\n",
        )

    # 4. info/numeric: open issues assigned to a user
    t4 = "How many open issues are currently assigned to {{user}} across all projects?"
    for user in ("alice", "carol", "bob"):
        count = b.one(
            "SELECT COUNT(*) FROM issues i JOIN users u ON u.id = i.assignee_id"
            " WHERE u.username = ? AND i.state = 'open'",
            user,
        )
        assert count > 0, user
        b.add(
            4,
            t4,
            {"user": user},
            kind="info",
            evaluator={"type": "answer", "match": "numeric", "expected": count},
            reference="import re\n"
            f"await page.goto('/u/{user}')\n"
            "return await page.get_by_text(re.compile(r'^\\d+ open issues? assigned$'))"
            ".inner_text()\n",
        )

    # 5. navigation: filtered issue list
    t5 = "Show the open issues of the {{project}} project that have the label {{label}}."
    for slug, label in (("nimbus-docs", "docs"), ("orbit-cli", "bug"), ("quillpad", "security")):
        name = b.project_name(slug)
        b.add(
            5,
            t5,
            {"project": name, "label": label},
            kind="navigation",
            evaluator={
                "type": "url",
                "expected": f"/p/{slug}/issues?state=open&label={label}",
                "rule": "exact",
            },
            reference="import re\n"
            + open_project(name)
            + "await page.get_by_role('navigation', name='Project')"
            ".get_by_role('link', name='Issues').click()\n"
            f"await page.get_by_label('Label', exact=True).select_option({lit(label)})\n"
            "await page.get_by_role('button', name='Filter').click()\n"
            f"await page.wait_for_url(re.compile(r'label={label}'))\n",
        )

    # 6. navigation: open an issue by number
    t6 = "Open issue #{{number}} of the {{project}} project."
    for slug, number in (("kettle-cms", 12), ("ledger-lite", 31), ("harbor-ci", 7)):
        name = b.project_name(slug)
        b.one(
            "SELECT i.id FROM issues i JOIN projects p ON p.id = i.project_id"
            " WHERE p.slug = ? AND i.number = ?",
            slug,
            number,
        )
        b.add(
            6,
            t6,
            {"number": number, "project": name},
            kind="navigation",
            evaluator={"type": "url", "expected": f"/p/{slug}/issues/{number}", "rule": "path"},
            reference="import re\n" + open_project(name) + go_to_issue(number),
        )

    def open_issue(slug: str, offset: int, extra: str = "") -> int:
        return b.one(
            "SELECT i.number FROM issues i JOIN projects p ON p.id = i.project_id"
            f" WHERE p.slug = ? AND i.state = 'open' {extra} ORDER BY i.number LIMIT 1 OFFSET ?",
            slug,
            offset,
        )

    def state_sql(slug: str, number: int, column: str) -> str:
        return (
            f"SELECT {column} FROM issues i JOIN projects p ON p.id = i.project_id"
            f" LEFT JOIN users u ON u.id = i.assignee_id"
            f" WHERE p.slug = {q(slug)} AND i.number = {number}"
        )

    # 7. state: close an issue (confirmation dialog)
    t7 = "Close issue #{{number}} in the {{project}} project."
    for slug, offset in (("kettle-cms", 3), ("tern-router", 6), ("pixel-forge", 2)):
        name = b.project_name(slug)
        number = open_issue(slug, offset)
        b.add(
            7,
            t7,
            {"number": number, "project": name},
            kind="state",
            login_as="byteblaze",
            evaluator={
                "type": "state",
                "sql": state_sql(slug, number, "i.state"),
                "expected": [["closed"]],
            },
            reference=f"await page.goto('/p/{slug}/issues/{number}')\n"
            "await page.get_by_role('button', name='Close issue').click()\n"
            "await page.get_by_role('dialog').get_by_role('button', name='Yes, close issue')"
            ".click()\n"
            "await expect(page.get_by_role('status')).to_contain_text('closed')\n",
        )

    # 8. state: comment on an issue
    t8 = 'Comment "{{text}}" on issue #{{number}} in the {{project}} project.'
    for slug, number, text, user in (
        ("river-sync", 5, "I can reproduce this on version 2.4 as well.", "alice"),
        ("quillpad", 14, "Fixed in the nightly build, please retest.", "bob"),
        ("nimbus-docs", 22, "Could we add a screenshot of the broken page?", "byteblaze"),
    ):
        name = b.project_name(slug)
        b.add(
            8,
            t8,
            {"text": text, "number": number, "project": name},
            kind="state",
            login_as=user,
            evaluator={
                "type": "state",
                "sql": "SELECT cu.username, c.body FROM comments c"
                " JOIN issues i ON i.id = c.issue_id JOIN projects p ON p.id = i.project_id"
                " JOIN users cu ON cu.id = c.author_id"
                f" WHERE p.slug = {q(slug)} AND i.number = {number} AND c.body = {q(text)}",
                "expected": [[user, text]],
            },
            reference="import re\n"
            + open_project(name)
            + go_to_issue(number)
            + f"await page.get_by_label('Comment', exact=True).fill({lit(text)})\n"
            "await page.get_by_role('button', name='Comment').click()\n"
            "await expect(page.get_by_role('status')).to_contain_text('Comment added')\n",
        )

    # 9. state: create an issue with a label and an assignee (autocomplete)
    t9 = (
        'Create an issue in the {{project}} project titled "{{title}}" with the label '
        "{{label}}, assigned to {{assignee}}."
    )
    for slug, title, label, assignee in (
        ("kettle-cms", "Image captions disappear after publishing", "bug", "alice"),
        ("orbit-cli", "Support deploying to multiple buckets", "feature", "bob"),
        ("river-sync", "Explain conflict files in the FAQ", "docs", "alice"),
    ):
        name = b.project_name(slug)
        b.add(
            9,
            t9,
            {"project": name, "title": title, "label": label, "assignee": assignee},
            kind="state",
            login_as="byteblaze",
            evaluator={
                "type": "state",
                "sql": "SELECT i.state, au.username, u.username, group_concat(l.name)"
                " FROM issues i JOIN projects p ON p.id = i.project_id"
                " JOIN users au ON au.id = i.author_id"
                " LEFT JOIN users u ON u.id = i.assignee_id"
                " LEFT JOIN issue_labels il ON il.issue_id = i.id"
                " LEFT JOIN labels l ON l.id = il.label_id"
                f" WHERE p.slug = {q(slug)} AND i.title = {q(title)} GROUP BY i.id",
                "expected": [["open", "byteblaze", assignee, label]],
            },
            reference=f"await page.goto('/p/{slug}')\n"
            "await page.get_by_role('button', name='New…').click()\n"
            "await page.get_by_role('link', name='New issue').click()\n"
            f"await page.get_by_label('Title', exact=True).fill({lit(title)})\n"
            f"await page.get_by_label({lit(label)}, exact=True).check()\n"
            "await page.get_by_role('combobox', name='Assignee')"
            f".press_sequentially({lit(assignee[:3])})\n"
            f"await page.get_by_role('option', name={lit('@' + assignee)}).click()\n"
            "await page.get_by_role('button', name='Create issue').click()\n"
            "await expect(page.get_by_role('status')).to_contain_text('created')\n",
        )

    # 10. state: assign an issue
    t10 = "Assign issue #{{number}} in the {{project}} project to {{user}}."
    for slug, offset, user in (
        ("ledger-lite", 1, "alice"),
        ("harbor-ci", 5, "alice"),
        ("nimbus-docs", 3, "bob"),
    ):
        name = b.project_name(slug)
        number = open_issue(
            slug,
            offset,
            f"AND COALESCE(i.assignee_id, 0) != (SELECT id FROM users WHERE username = {q(user)})",
        )
        b.add(
            10,
            t10,
            {"number": number, "project": name, "user": user},
            kind="state",
            login_as="byteblaze",
            evaluator={
                "type": "state",
                "sql": state_sql(slug, number, "u.username"),
                "expected": [[user]],
            },
            reference=f"await page.goto('/p/{slug}/issues/{number}')\n"
            "await page.get_by_role('link', name='Edit issue').click()\n"
            f"await page.get_by_label('Assignee', exact=True).select_option({lit(user)})\n"
            "await page.get_by_role('button', name='Save changes').click()\n"
            "await expect(page.get_by_role('status')).to_contain_text('updated')\n",
        )

    # 11. state: add a member as developer (owner only)
    t11 = "Add {{user}} to the {{project}} project as a Developer."
    for slug, user, owner in (
        ("tern-router", "alice", "byteblaze"),
        ("quillpad", "farah", "byteblaze"),
        ("a11y-webring", "bob", "alice"),
    ):
        name = b.project_name(slug)
        role = conn.execute(
            "SELECT m.role FROM members m JOIN projects p ON p.id = m.project_id"
            " JOIN users u ON u.id = m.user_id WHERE p.slug = ? AND u.username = ?",
            (slug, user),
        ).fetchone()
        assert role is None, (slug, user)
        b.add(
            11,
            t11,
            {"user": user, "project": name},
            kind="state",
            login_as=owner,
            evaluator={
                "type": "state",
                "sql": "SELECT m.role FROM members m JOIN projects p ON p.id = m.project_id"
                " JOIN users u ON u.id = m.user_id"
                f" WHERE p.slug = {q(slug)} AND u.username = {q(user)}",
                "expected": [["developer"]],
            },
            reference=f"await page.goto('/p/{slug}/members')\n"
            f"await page.get_by_label('Username', exact=True).fill({lit(user)})\n"
            "await page.get_by_label('Role', exact=True).select_option('developer')\n"
            "await page.get_by_role('button', name='Add member').click()\n"
            "await expect(page.get_by_role('status')).to_contain_text('Added')\n",
        )

    # 12. state: append a line to the project's wiki page
    t12 = 'Add the line "{{line}}" at the end of the wiki page of the {{project}} project.'
    for slug, line, user in (
        ("harbor-ci", "Runners are restarted every Sunday at 02:00 UTC.", "byteblaze"),
        ("kettle-cms", "Ask in the chat before changing the theme API.", "alice"),
        ("orbit-cli", "Release notes live in CHANGELOG.md.", "bob"),
    ):
        name = b.project_name(slug)
        b.add(
            12,
            t12,
            {"line": line, "project": name},
            kind="state",
            login_as=user,
            evaluator={
                "type": "state",
                "sql": "SELECT substr(w.body, -length({line})) = {line},"
                " instr(w.body, '## Getting started') > 0"
                " FROM wiki_pages w JOIN projects p ON p.id = w.project_id"
                " WHERE p.slug = {slug}".format(line=q(line), slug=q(slug)),
                "expected": [[1, 1]],
            },
            reference=f"await page.goto('/p/{slug}/wiki')\n"
            "await page.get_by_role('link', name='Edit page').click()\n"
            "content = page.get_by_label('Content', exact=True)\n"
            "current = await content.input_value()\n"
            f"await content.fill(current.rstrip() + '\\n' + {lit(line)})\n"
            "await page.get_by_role('button', name='Save page').click()\n"
            "await expect(page.get_by_role('status')).to_contain_text('saved')\n",
        )

    return b.tasks


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "tracker.db"
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

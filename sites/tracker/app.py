"""The tracker web app: projects, issues, comments, milestones, members and a wiki per project.

Routes (v1; v2 renames `/p/{slug}/issues...` to `/p/{slug}/-/issues...` and `/u/{name}` to
`/users/{name}`; the old v1 paths answer 404 under v2):

    /                                   project list
    /p/{slug}                           project overview
    /p/{slug}/issues                    issue list (state, label, assignee, milestone, search, page)
    /p/{slug}/issues/new                new issue form (assignee autocomplete)
    /p/{slug}/issues/go?number=N        "Go to issue #" box -> redirect
    /p/{slug}/issues/{n}                issue page; POST .../comments, .../close, .../reopen
    /p/{slug}/issues/{n}/edit           edit form
    /p/{slug}/milestones                milestones with progress
    /p/{slug}/members                   members; owners can add
    /p/{slug}/members.json?q=           autocomplete source (usernames of members)
    /p/{slug}/wiki, /p/{slug}/wiki/edit the project's wiki page
    /u/{username}                       a user's profile and assigned issues
    /login, /logout, /register
"""

from __future__ import annotations

import math
import re
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sites.common import FIXED_NOW, current_user, make_templates, session_middleware
from sites.common.webapp import opened
from sites.tracker.markup import render_markup
from sites.tracker.seed import TIME_FORMAT, password_hash

SITE_DIR = Path(__file__).parent
PER_PAGE = 20
STATES = ("open", "closed", "all")
ROLES = ("guest", "reporter", "developer", "maintainer", "owner")
ISSUE_EDITORS = ("reporter", "developer", "maintainer", "owner")
WIKI_EDITORS = ("developer", "maintainer", "owner")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")

WORDING: dict[str, dict[str, str]] = {
    "v1": {
        "filter": "Filter",
        "search_issues": "Search issues",
        "new_issue": "New issue",
        "close_issue": "Close issue",
        "confirm_close": "Yes, close issue",
        "close_question": "Close this issue?",
        "reopen_issue": "Reopen issue",
        "comment": "Comment",
        "edit_issue": "Edit issue",
        "save_issue": "Save changes",
        "create_issue": "Create issue",
        "members": "Members",
        "add_member": "Add member",
        "log_in": "Log in",
        "log_out": "Log out",
        "register": "Register",
        "edit_wiki": "Edit page",
        "save_wiki": "Save page",
        "issues": "Issues",
        "open": "Open",
        "closed": "Closed",
    },
    "v2": {
        "filter": "Apply",
        "search_issues": "Find issues",
        "new_issue": "Report a problem",
        "close_issue": "Mark as done",
        "confirm_close": "Yes, mark as done",
        "close_question": "Mark this issue as done?",
        "reopen_issue": "Mark as not done",
        "comment": "Post comment",
        "edit_issue": "Edit",
        "save_issue": "Update issue",
        "create_issue": "Submit problem",
        "members": "Team",
        "add_member": "Add member",
        "log_in": "Sign in",
        "log_out": "Sign out",
        "register": "Create account",
        "edit_wiki": "Edit page",
        "save_wiki": "Save page",
        "issues": "Problems",
        "open": "To do",
        "closed": "Done",
    },
}


@dataclass(frozen=True)
class Urls:
    """Every URL the templates and handlers build, so a theme can rename routes in one place."""

    theme: str

    @property
    def _issues_part(self) -> str:
        return "issues" if self.theme == "v1" else "-/issues"

    def project(self, slug: str) -> str:
        return f"/p/{slug}"

    def issues(self, slug: str, **query: Any) -> str:
        base = f"/p/{slug}/{self._issues_part}"
        params = {k: v for k, v in query.items() if v not in (None, "")}
        return base + ("?" + urlencode(params) if params else "")

    def issue(self, slug: str, number: int, action: str = "") -> str:
        return f"/p/{slug}/{self._issues_part}/{number}" + (f"/{action}" if action else "")

    def new_issue(self, slug: str) -> str:
        return f"/p/{slug}/{self._issues_part}/new"

    def go_issue(self, slug: str) -> str:
        return f"/p/{slug}/{self._issues_part}/go"

    def milestones(self, slug: str) -> str:
        return f"/p/{slug}/milestones"

    def members(self, slug: str) -> str:
        return f"/p/{slug}/members"

    def members_json(self, slug: str) -> str:
        return f"/p/{slug}/members.json"

    def wiki(self, slug: str, edit: bool = False) -> str:
        return f"/p/{slug}/wiki" + ("/edit" if edit else "")

    def user(self, username: str) -> str:
        return f"/u/{username}" if self.theme == "v1" else f"/users/{username}"


def stamp(row_id: int) -> str:
    """Deterministic timestamp for a row a request creates or changes (fixed clock + id)."""
    return (FIXED_NOW + timedelta(seconds=row_id)).strftime(TIME_FORMAT)


def nice_time(value: str | None) -> str:
    if not value:
        return ""
    return datetime.strptime(value, TIME_FORMAT).strftime("%b %d, %Y %H:%M")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class Tracker:
    """Request handlers bound to one database path and theme."""

    def __init__(self, db_path: Path, theme: str) -> None:
        self.db_path = db_path
        self.theme = theme
        self.urls = Urls(theme)
        self.templates = make_templates(SITE_DIR, theme)
        env = self.templates.env
        env.globals.update(urls=self.urls, T=WORDING.get(theme, WORDING["v1"]))
        env.filters["nice_time"] = nice_time
        env.filters["markup"] = render_markup

    # ---- plumbing -------------------------------------------------------------------------

    def db(self) -> AbstractContextManager[sqlite3.Connection]:
        return opened(self.db_path)

    def render(
        self, request: Request, name: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        context = dict(context)
        context.setdefault("user", current_user(request))
        context["flash"] = request.session.pop("flash", None)
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    @staticmethod
    def redirect(url: str, flash: str | None = None, request: Request | None = None) -> Response:
        if flash and request is not None:
            request.session["flash"] = flash
        return RedirectResponse(url, status_code=303)

    @staticmethod
    def login_redirect(request: Request) -> Response:
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)

    @staticmethod
    def project_or_404(conn: sqlite3.Connection, slug: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM projects WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            raise HTTPException(404, f"No project named {slug!r}")
        return row

    @staticmethod
    def issue_or_404(conn: sqlite3.Connection, project_id: int, number: int) -> sqlite3.Row:
        row = conn.execute(
            "SELECT i.*, au.username AS author, au.name AS author_name,"
            " asg.username AS assignee, asg.name AS assignee_name,"
            " m.title AS milestone_title"
            " FROM issues i JOIN users au ON au.id = i.author_id"
            " LEFT JOIN users asg ON asg.id = i.assignee_id"
            " LEFT JOIN milestones m ON m.id = i.milestone_id"
            " WHERE i.project_id = ? AND i.number = ?",
            (project_id, number),
        ).fetchone()
        if row is None:
            raise HTTPException(404, f"No issue #{number}")
        return row

    @staticmethod
    def role_of(conn: sqlite3.Connection, project_id: int, username: str | None) -> str | None:
        if username is None:
            return None
        row = conn.execute(
            "SELECT m.role FROM members m JOIN users u ON u.id = m.user_id"
            " WHERE m.project_id = ? AND u.username = ?",
            (project_id, username),
        ).fetchone()
        return row["role"] if row else None

    @staticmethod
    def user_id(conn: sqlite3.Connection, username: str) -> int | None:
        row = conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
        return row["id"] if row else None

    @staticmethod
    def project_members(conn: sqlite3.Connection, project_id: int) -> list[sqlite3.Row]:
        return conn.execute(
            "SELECT u.username, u.name, m.role FROM members m JOIN users u ON u.id = m.user_id"
            " WHERE m.project_id = ? ORDER BY u.username",
            (project_id,),
        ).fetchall()

    @staticmethod
    def labels(conn: sqlite3.Connection, project_id: int) -> list[sqlite3.Row]:
        return conn.execute(
            "SELECT * FROM labels WHERE project_id = ? ORDER BY name", (project_id,)
        ).fetchall()

    @staticmethod
    def milestones_of(conn: sqlite3.Connection, project_id: int) -> list[sqlite3.Row]:
        return conn.execute(
            "SELECT * FROM milestones WHERE project_id = ? ORDER BY due_date, id", (project_id,)
        ).fetchall()

    @staticmethod
    def labels_by_issue(conn: sqlite3.Connection, issue_ids: list[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {i: [] for i in issue_ids}
        if not issue_ids:
            return found
        marks = ",".join("?" * len(issue_ids))
        for row in conn.execute(
            "SELECT il.issue_id, l.name FROM issue_labels il JOIN labels l ON l.id = il.label_id"
            f" WHERE il.issue_id IN ({marks}) ORDER BY l.name",
            issue_ids,
        ):
            found[row["issue_id"]].append(row["name"])
        return found

    def project_context(
        self, conn: sqlite3.Connection, request: Request, project: sqlite3.Row
    ) -> dict[str, Any]:
        role = self.role_of(conn, project["id"], current_user(request))
        open_count = conn.execute(
            "SELECT COUNT(*) FROM issues WHERE project_id = ? AND state = 'open'", (project["id"],)
        ).fetchone()[0]
        return {"project": project, "role": role, "open_count": open_count}

    # ---- pages ----------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        with self.db() as conn:
            projects = conn.execute(
                "SELECT p.*, (SELECT COUNT(*) FROM issues i WHERE i.project_id = p.id"
                " AND i.state = 'open') AS open_count,"
                " (SELECT COUNT(*) FROM members m WHERE m.project_id = p.id) AS member_count"
                " FROM projects p ORDER BY p.name, p.id"
            ).fetchall()
        return self.render(request, "home.html", {"projects": projects})

    async def project(self, request: Request) -> Response:
        with self.db() as conn:
            project = self.project_or_404(conn, request.path_params["slug"])
            ctx = self.project_context(conn, request, project)
            recent = conn.execute(
                "SELECT number, title, state, created_at FROM issues WHERE project_id = ?"
                " ORDER BY created_at DESC, number DESC LIMIT 5",
                (project["id"],),
            ).fetchall()
            closed_count = conn.execute(
                "SELECT COUNT(*) FROM issues WHERE project_id = ? AND state = 'closed'",
                (project["id"],),
            ).fetchone()[0]
            members = self.project_members(conn, project["id"])
        ctx.update(recent=recent, closed_count=closed_count, members=members)
        return self.render(request, "project.html", ctx)

    async def issues(self, request: Request) -> Response:
        q = request.query_params
        state = q.get("state") or "open"
        if state not in STATES:
            state = "open"
        label = q.get("label", "")
        assignee = q.get("assignee", "")
        milestone = q.get("milestone", "")
        search = q.get("search", "").strip()
        page = max(1, _int(q.get("page"), 1))
        with self.db() as conn:
            project = self.project_or_404(conn, request.path_params["slug"])
            ctx = self.project_context(conn, request, project)
            where = ["i.project_id = ?"]
            args: list[Any] = [project["id"]]
            if state != "all":
                where.append("i.state = ?")
                args.append(state)
            if label:
                where.append(
                    "EXISTS (SELECT 1 FROM issue_labels il JOIN labels l ON l.id = il.label_id"
                    " WHERE il.issue_id = i.id AND l.name = ?)"
                )
                args.append(label)
            if assignee:
                where.append("asg.username = ?")
                args.append(assignee)
            if milestone:
                where.append("m.title = ?")
                args.append(milestone)
            if search:
                where.append("(i.title LIKE ? OR i.description LIKE ?)")
                args += [f"%{search}%", f"%{search}%"]
            joins = (
                " FROM issues i JOIN users au ON au.id = i.author_id"
                " LEFT JOIN users asg ON asg.id = i.assignee_id"
                " LEFT JOIN milestones m ON m.id = i.milestone_id"
                " WHERE " + " AND ".join(where)
            )
            total = conn.execute("SELECT COUNT(*)" + joins, args).fetchone()[0]
            pages = max(1, math.ceil(total / PER_PAGE))
            page = min(page, pages)
            rows = conn.execute(
                "SELECT i.*, au.username AS author, asg.username AS assignee,"
                " m.title AS milestone_title,"
                " (SELECT COUNT(*) FROM comments c WHERE c.issue_id = i.id) AS comment_count"
                + joins
                + " ORDER BY i.created_at DESC, i.number DESC LIMIT ? OFFSET ?",
                [*args, PER_PAGE, (page - 1) * PER_PAGE],
            ).fetchall()
            issue_labels = self.labels_by_issue(conn, [r["id"] for r in rows])
            labels = self.labels(conn, project["id"])
            milestones = self.milestones_of(conn, project["id"])
            assignees = conn.execute(
                "SELECT DISTINCT u.username FROM users u WHERE u.id IN"
                " (SELECT user_id FROM members WHERE project_id = ?"
                "  UNION SELECT assignee_id FROM issues WHERE project_id = ?)"
                " ORDER BY u.username",
                (project["id"], project["id"]),
            ).fetchall()
        filters = {
            "state": state,
            "label": label,
            "assignee": assignee,
            "milestone": milestone,
            "search": search,
        }
        slug = project["slug"]
        ctx.update(
            issues=rows,
            issue_labels=issue_labels,
            total=total,
            page=page,
            pages=pages,
            prev_url=self.urls.issues(slug, **filters, page=page - 1) if page > 1 else None,
            next_url=self.urls.issues(slug, **filters, page=page + 1) if page < pages else None,
            filters=filters,
            labels=labels,
            milestones=milestones,
            assignees=[r["username"] for r in assignees],
            states=STATES,
        )
        return self.render(request, "issues.html", ctx)

    async def go_issue(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        raw = request.query_params.get("number", "").strip().lstrip("#")
        with self.db() as conn:
            project = self.project_or_404(conn, slug)
            if raw.isdigit():
                row = conn.execute(
                    "SELECT number FROM issues WHERE project_id = ? AND number = ?",
                    (project["id"], int(raw)),
                ).fetchone()
                if row is not None:
                    return self.redirect(self.urls.issue(slug, row["number"]))
        return self.redirect(
            self.urls.issues(slug), f"There is no issue #{raw or '?'} in this project.", request
        )

    def _issue_page(
        self,
        request: Request,
        conn: sqlite3.Connection,
        project: sqlite3.Row,
        number: int,
        *,
        errors: list[str] | None = None,
        comment: str = "",
        status: int = 200,
    ) -> Response:
        ctx = self.project_context(conn, request, project)
        issue = self.issue_or_404(conn, project["id"], number)
        comments = conn.execute(
            "SELECT c.*, u.username AS author, u.name AS author_name FROM comments c"
            " JOIN users u ON u.id = c.author_id WHERE c.issue_id = ?"
            " ORDER BY c.created_at, c.id",
            (issue["id"],),
        ).fetchall()
        user = current_user(request)
        ctx.update(
            issue=issue,
            issue_label_names=self.labels_by_issue(conn, [issue["id"]])[issue["id"]],
            comments=comments,
            can_edit=ctx["role"] in ISSUE_EDITORS or (user is not None and user == issue["author"]),
            errors=errors or [],
            comment=comment,
        )
        return self.render(request, "issue.html", ctx, status)

    async def issue(self, request: Request) -> Response:
        with self.db() as conn:
            project = self.project_or_404(conn, request.path_params["slug"])
            return self._issue_page(request, conn, project, request.path_params["number"])

    async def add_comment(self, request: Request) -> Response:
        user = current_user(request)
        if user is None:
            return self.login_redirect(request)
        slug, number = request.path_params["slug"], request.path_params["number"]
        form = await request.form()
        body = str(form.get("body", "")).replace("\r\n", "\n").strip()
        with self.db() as conn:
            project = self.project_or_404(conn, slug)
            issue = self.issue_or_404(conn, project["id"], number)
            errors = []
            if not body:
                errors.append("Comment can't be blank.")
            elif len(body) > 5000:
                errors.append("Comment is too long (maximum is 5000 characters).")
            if errors:
                return self._issue_page(
                    request, conn, project, number, errors=errors, comment=body, status=400
                )
            new_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM comments").fetchone()[0]
            conn.execute(
                "INSERT INTO comments (id, issue_id, author_id, body, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (new_id, issue["id"], self.user_id(conn, user), body, stamp(new_id)),
            )
            conn.execute(
                "UPDATE issues SET updated_at = ? WHERE id = ?", (stamp(new_id), issue["id"])
            )
            conn.commit()
        return self.redirect(
            self.urls.issue(slug, number) + f"#note-{new_id}", "Comment added.", request
        )

    async def set_state(self, request: Request) -> Response:
        user = current_user(request)
        if user is None:
            return self.login_redirect(request)
        slug, number = request.path_params["slug"], request.path_params["number"]
        new_state = "closed" if request.url.path.endswith("/close") else "open"
        with self.db() as conn:
            project = self.project_or_404(conn, slug)
            issue = self.issue_or_404(conn, project["id"], number)
            role = self.role_of(conn, project["id"], user)
            if role not in ISSUE_EDITORS and user != issue["author"]:
                raise HTTPException(403, "Only project members can change an issue's state.")
            conn.execute(
                "UPDATE issues SET state = ?, closed_at = ?, updated_at = ? WHERE id = ?",
                (
                    new_state,
                    stamp(issue["id"]) if new_state == "closed" else None,
                    stamp(issue["id"]),
                    issue["id"],
                ),
            )
            conn.commit()
        message = f"Issue #{number} {'closed' if new_state == 'closed' else 'reopened'}."
        return self.redirect(self.urls.issue(slug, number), message, request)

    # ---- issue forms ----------------------------------------------------------------------

    def _validate_issue_form(
        self, conn: sqlite3.Connection, project_id: int, form: Any
    ) -> tuple[dict[str, Any], list[str]]:
        values = {
            "title": str(form.get("title", "")).strip(),
            "description": str(form.get("description", "")).replace("\r\n", "\n").strip(),
            "labels": [str(v) for v in form.getlist("labels")],
            "assignee": str(form.get("assignee", "")).strip(),
            "milestone": str(form.get("milestone", "")).strip(),
        }
        errors: list[str] = []
        if not values["title"]:
            errors.append("Title can't be blank.")
        elif len(values["title"]) < 3:
            errors.append("Title is too short (minimum is 3 characters).")
        elif len(values["title"]) > 255:
            errors.append("Title is too long (maximum is 255 characters).")
        known = {r["name"] for r in self.labels(conn, project_id)}
        unknown = [lb for lb in values["labels"] if lb not in known]
        if unknown:
            errors.append(f"Unknown label: {', '.join(unknown)}.")
        if values["assignee"]:
            if self.role_of(conn, project_id, values["assignee"]) is None:
                errors.append(f"Assignee {values['assignee']} is not a member of this project.")
        if values["milestone"]:
            row = conn.execute(
                "SELECT id FROM milestones WHERE project_id = ? AND id = ?",
                (project_id, _int(values["milestone"], -1)),
            ).fetchone()
            if row is None:
                errors.append("Milestone does not belong to this project.")
        return values, errors

    def _issue_form(
        self,
        request: Request,
        conn: sqlite3.Connection,
        project: sqlite3.Row,
        values: dict[str, Any],
        *,
        issue: sqlite3.Row | None,
        errors: list[str],
        status: int = 200,
    ) -> Response:
        ctx = self.project_context(conn, request, project)
        ctx.update(
            values=values,
            issue=issue,
            errors=errors,
            labels=self.labels(conn, project["id"]),
            milestones=self.milestones_of(conn, project["id"]),
            members=self.project_members(conn, project["id"]),
        )
        return self.render(request, "issue_form.html", ctx, status)

    async def new_issue(self, request: Request) -> Response:
        user = current_user(request)
        if user is None:
            return self.login_redirect(request)
        slug = request.path_params["slug"]
        with self.db() as conn:
            project = self.project_or_404(conn, slug)
            if request.method == "GET":
                values = {"title": "", "description": "", "labels": [], "assignee": ""}
                values["milestone"] = ""
                return self._issue_form(request, conn, project, values, issue=None, errors=[])
            values, errors = self._validate_issue_form(conn, project["id"], await request.form())
            if errors:
                return self._issue_form(
                    request, conn, project, values, issue=None, errors=errors, status=400
                )
            new_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM issues").fetchone()[0]
            number = conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM issues WHERE project_id = ?",
                (project["id"],),
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO issues (id, project_id, number, title, description, state,"
                " author_id, assignee_id, milestone_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)",
                (
                    new_id,
                    project["id"],
                    number,
                    values["title"],
                    values["description"],
                    self.user_id(conn, user),
                    self.user_id(conn, values["assignee"]) if values["assignee"] else None,
                    _int(values["milestone"], 0) or None,
                    stamp(new_id),
                    stamp(new_id),
                ),
            )
            self._set_labels(conn, project["id"], new_id, values["labels"])
            conn.commit()
        return self.redirect(self.urls.issue(slug, number), f"Issue #{number} created.", request)

    @staticmethod
    def _set_labels(
        conn: sqlite3.Connection, project_id: int, issue_id: int, names: list[str]
    ) -> None:
        conn.execute("DELETE FROM issue_labels WHERE issue_id = ?", (issue_id,))
        for name in sorted(set(names)):
            conn.execute(
                "INSERT INTO issue_labels (issue_id, label_id)"
                " SELECT ?, id FROM labels WHERE project_id = ? AND name = ?",
                (issue_id, project_id, name),
            )

    async def edit_issue(self, request: Request) -> Response:
        user = current_user(request)
        if user is None:
            return self.login_redirect(request)
        slug, number = request.path_params["slug"], request.path_params["number"]
        with self.db() as conn:
            project = self.project_or_404(conn, slug)
            issue = self.issue_or_404(conn, project["id"], number)
            role = self.role_of(conn, project["id"], user)
            if role not in ISSUE_EDITORS and user != issue["author"]:
                raise HTTPException(403, "Only project members can edit this issue.")
            if request.method == "GET":
                values = {
                    "title": issue["title"],
                    "description": issue["description"],
                    "labels": self.labels_by_issue(conn, [issue["id"]])[issue["id"]],
                    "assignee": issue["assignee"] or "",
                    "milestone": str(issue["milestone_id"] or ""),
                }
                return self._issue_form(request, conn, project, values, issue=issue, errors=[])
            values, errors = self._validate_issue_form(conn, project["id"], await request.form())
            if errors:
                return self._issue_form(
                    request, conn, project, values, issue=issue, errors=errors, status=400
                )
            conn.execute(
                "UPDATE issues SET title = ?, description = ?, assignee_id = ?, milestone_id = ?,"
                " updated_at = ? WHERE id = ?",
                (
                    values["title"],
                    values["description"],
                    self.user_id(conn, values["assignee"]) if values["assignee"] else None,
                    _int(values["milestone"], 0) or None,
                    stamp(issue["id"]),
                    issue["id"],
                ),
            )
            self._set_labels(conn, project["id"], issue["id"], values["labels"])
            conn.commit()
        return self.redirect(self.urls.issue(slug, number), "Issue updated.", request)

    # ---- milestones, members, wiki ---------------------------------------------------------

    async def milestones(self, request: Request) -> Response:
        with self.db() as conn:
            project = self.project_or_404(conn, request.path_params["slug"])
            ctx = self.project_context(conn, request, project)
            rows = conn.execute(
                "SELECT m.*, (SELECT COUNT(*) FROM issues i WHERE i.milestone_id = m.id) AS total,"
                " (SELECT COUNT(*) FROM issues i WHERE i.milestone_id = m.id"
                "  AND i.state = 'closed') AS done"
                " FROM milestones m WHERE m.project_id = ? ORDER BY m.due_date, m.id",
                (project["id"],),
            ).fetchall()
        ctx["milestones"] = rows
        return self.render(request, "milestones.html", ctx)

    def _members_page(
        self,
        request: Request,
        conn: sqlite3.Connection,
        project: sqlite3.Row,
        *,
        errors: list[str] | None = None,
        values: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        ctx = self.project_context(conn, request, project)
        ctx.update(
            members=self.project_members(conn, project["id"]),
            roles=ROLES,
            errors=errors or [],
            values=values or {"username": "", "role": "developer"},
        )
        return self.render(request, "members.html", ctx, status)

    async def members(self, request: Request) -> Response:
        with self.db() as conn:
            project = self.project_or_404(conn, request.path_params["slug"])
            return self._members_page(request, conn, project)

    async def add_member(self, request: Request) -> Response:
        user = current_user(request)
        if user is None:
            return self.login_redirect(request)
        slug = request.path_params["slug"]
        form = await request.form()
        values = {
            "username": str(form.get("username", "")).strip().lstrip("@"),
            "role": str(form.get("role", "")),
        }
        with self.db() as conn:
            project = self.project_or_404(conn, slug)
            if self.role_of(conn, project["id"], user) != "owner":
                raise HTTPException(403, "Only the project owner can add members.")
            errors = []
            uid = self.user_id(conn, values["username"]) if values["username"] else None
            if not values["username"]:
                errors.append("Username can't be blank.")
            elif uid is None:
                errors.append(f"No user named {values['username']}.")
            elif self.role_of(conn, project["id"], values["username"]) is not None:
                errors.append(f"{values['username']} is already a member of this project.")
            if values["role"] not in ROLES:
                errors.append("Choose a role.")
            if errors:
                return self._members_page(
                    request, conn, project, errors=errors, values=values, status=400
                )
            conn.execute(
                "INSERT INTO members (project_id, user_id, role) VALUES (?, ?, ?)",
                (project["id"], uid, values["role"]),
            )
            conn.commit()
        return self.redirect(
            self.urls.members(slug),
            f"Added {values['username']} as {values['role'].capitalize()}.",
            request,
        )

    async def members_json(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip().lower()
        with self.db() as conn:
            project = self.project_or_404(conn, request.path_params["slug"])
            rows = [
                {"username": r["username"], "name": r["name"]}
                for r in self.project_members(conn, project["id"])
                if q in r["username"].lower() or q in r["name"].lower()
            ]
        return JSONResponse(rows[:10])

    def _wiki_row(self, conn: sqlite3.Connection, project_id: int) -> sqlite3.Row:
        row = conn.execute(
            "SELECT w.*, u.username AS editor FROM wiki_pages w JOIN users u ON u.id = w.updated_by"
            " WHERE w.project_id = ?",
            (project_id,),
        ).fetchone()
        if row is None:
            raise HTTPException(404, "This project has no wiki page.")
        return row

    async def wiki(self, request: Request) -> Response:
        with self.db() as conn:
            project = self.project_or_404(conn, request.path_params["slug"])
            ctx = self.project_context(conn, request, project)
            ctx["page"] = self._wiki_row(conn, project["id"])
            ctx["can_edit"] = ctx["role"] in WIKI_EDITORS
        return self.render(request, "wiki.html", ctx)

    async def edit_wiki(self, request: Request) -> Response:
        user = current_user(request)
        if user is None:
            return self.login_redirect(request)
        slug = request.path_params["slug"]
        with self.db() as conn:
            project = self.project_or_404(conn, slug)
            ctx = self.project_context(conn, request, project)
            if ctx["role"] not in WIKI_EDITORS:
                raise HTTPException(403, "Only developers and above can edit the wiki.")
            page = self._wiki_row(conn, project["id"])
            if request.method == "GET":
                ctx.update(values={"title": page["title"], "body": page["body"]}, errors=[])
                return self.render(request, "wiki_edit.html", ctx)
            form = await request.form()
            values = {
                "title": str(form.get("title", "")).strip(),
                "body": str(form.get("body", "")).replace("\r\n", "\n").rstrip(),
            }
            errors = []
            if not values["title"]:
                errors.append("Page title can't be blank.")
            elif len(values["title"]) > 100:
                errors.append("Page title is too long (maximum is 100 characters).")
            if not values["body"].strip():
                errors.append("Content can't be blank.")
            if errors:
                ctx.update(values=values, errors=errors)
                return self.render(request, "wiki_edit.html", ctx, 400)
            conn.execute(
                "UPDATE wiki_pages SET title = ?, body = ?, updated_at = ?, updated_by = ?"
                " WHERE id = ?",
                (
                    values["title"],
                    values["body"],
                    stamp(page["id"]),
                    self.user_id(conn, user),
                    page["id"],
                ),
            )
            conn.commit()
        return self.redirect(self.urls.wiki(slug), "Wiki page saved.", request)

    # ---- users and auth -------------------------------------------------------------------

    async def user_page(self, request: Request) -> Response:
        username = request.path_params["username"]
        with self.db() as conn:
            profile = conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
            if profile is None:
                raise HTTPException(404, f"No user named {username!r}")
            assigned = conn.execute(
                "SELECT i.number, i.title, i.state, i.created_at, p.slug, p.name AS project_name"
                " FROM issues i JOIN projects p ON p.id = i.project_id"
                " WHERE i.assignee_id = ? AND i.state = 'open'"
                " ORDER BY p.name, i.number",
                (profile["id"],),
            ).fetchall()
            memberships = conn.execute(
                "SELECT p.slug, p.name, m.role FROM members m"
                " JOIN projects p ON p.id = m.project_id WHERE m.user_id = ? ORDER BY p.name",
                (profile["id"],),
            ).fetchall()
        return self.render(
            request,
            "user.html",
            {"profile": profile, "assigned": assigned, "memberships": memberships},
        )

    async def login(self, request: Request) -> Response:
        next_url = request.query_params.get("next", "/")
        if not next_url.startswith("/") or next_url.startswith("//"):
            next_url = "/"
        if request.method == "GET":
            return self.render(
                request, "login.html", {"errors": [], "username": "", "next": next_url}
            )
        form = await request.form()
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        next_url = str(form.get("next", next_url)) or "/"
        if not next_url.startswith("/") or next_url.startswith("//"):
            next_url = "/"
        with self.db() as conn:
            row = conn.execute(
                "SELECT password_hash FROM users WHERE username = ?", (username,)
            ).fetchone()
        if row is None or row["password_hash"] != password_hash(username, password):
            return self.render(
                request,
                "login.html",
                {
                    "errors": ["Invalid username or password."],
                    "username": username,
                    "next": next_url,
                },
                400,
            )
        request.session["user"] = username
        return self.redirect(next_url, f"Signed in as {username}.", request)

    async def logout(self, request: Request) -> Response:
        request.session.pop("user", None)
        return self.redirect("/", "You have been signed out.", request)

    async def register(self, request: Request) -> Response:
        if request.method == "GET":
            return self.render(request, "register.html", {"errors": [], "values": {}})
        form = await request.form()
        values = {
            "username": str(form.get("username", "")).strip().lower(),
            "name": str(form.get("name", "")).strip(),
        }
        password = str(form.get("password", ""))
        confirm = str(form.get("confirm", ""))
        errors = []
        if not USERNAME_RE.match(values["username"]):
            errors.append(
                "Username must be 3–30 characters: lowercase letters, digits, '.', '_' or '-'."
            )
        if not values["name"]:
            errors.append("Full name can't be blank.")
        if len(password) < 8:
            errors.append("Password is too short (minimum is 8 characters).")
        elif password != confirm:
            errors.append("Password confirmation doesn't match.")
        with self.db() as conn:
            if not errors and self.user_id(conn, values["username"]) is not None:
                errors.append(f"Username {values['username']} is already taken.")
            if errors:
                return self.render(
                    request, "register.html", {"errors": errors, "values": values}, 400
                )
            new_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM users").fetchone()[0]
            conn.execute(
                "INSERT INTO users (id, username, name, email, password_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    new_id,
                    values["username"],
                    values["name"],
                    f"{values['username']}@tracker.test",
                    password_hash(values["username"], password),
                    stamp(new_id),
                ),
            )
            conn.commit()
        request.session["user"] = values["username"]
        return self.redirect("/", f"Welcome, {values['name']}! Your account is ready.", request)

    async def error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "Something went wrong."
        return self.render(request, "error.html", {"status": status, "detail": detail}, status)


def create_app(db_path: Path, theme: str = "v1") -> Starlette:
    """The tracker ASGI app for `theme` ("v1" or "v2") over the database at `db_path`."""
    t = Tracker(db_path, theme)
    issues = "/p/{slug}/issues" if theme == "v1" else "/p/{slug}/-/issues"
    user = "/u/{username}" if theme == "v1" else "/users/{username}"
    routes = [
        Route("/", t.home),
        Route("/login", t.login, methods=["GET", "POST"]),
        Route("/logout", t.logout, methods=["POST"]),
        Route("/register", t.register, methods=["GET", "POST"]),
        Route(user, t.user_page),
        Route("/p/{slug}", t.project),
        Route(issues, t.issues),
        Route(issues + "/new", t.new_issue, methods=["GET", "POST"]),
        Route(issues + "/go", t.go_issue),
        Route(issues + "/{number:int}", t.issue),
        Route(issues + "/{number:int}/edit", t.edit_issue, methods=["GET", "POST"]),
        Route(issues + "/{number:int}/comments", t.add_comment, methods=["POST"]),
        Route(issues + "/{number:int}/close", t.set_state, methods=["POST"]),
        Route(issues + "/{number:int}/reopen", t.set_state, methods=["POST"]),
        Route("/p/{slug}/milestones", t.milestones),
        Route("/p/{slug}/members", t.members),
        Route("/p/{slug}/members", t.add_member, methods=["POST"]),
        Route("/p/{slug}/members.json", t.members_json),
        Route("/p/{slug}/wiki", t.wiki),
        Route("/p/{slug}/wiki/edit", t.edit_wiki, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=SITE_DIR / "static"), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[session_middleware("tracker")],
        exception_handlers={HTTPException: t.error},
    )

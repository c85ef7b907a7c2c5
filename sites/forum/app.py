"""The forum web app: a small Reddit/Postmill-like site (Starlette + Jinja2 + SQLite).

The database is opened per request, so `RunningSite.reset()` can swap the file underneath.
Every timestamp a request writes is FIXED_NOW + (row id) seconds, so rendering is a function
of the database state alone.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sites.common import FIXED_NOW, current_user, make_templates, session_middleware
from sites.common.webapp import opened
from sites.forum import queries as q
from sites.forum.seed import TIME_FORMAT, hash_password, stamp
from sites.forum.theme import WORDS, Paths

SITE_DIR = Path(__file__).parent
USERNAME_RE = re.compile(r"^[A-Za-z0-9_-]{3,20}$")


def ago(value: str) -> str:
    """'3 days ago' relative to the fixed clock."""
    seconds = (FIXED_NOW - datetime.strptime(value, TIME_FORMAT)).total_seconds()
    if seconds < 60:
        return "just now"
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    if seconds >= 3600:
        n = int(seconds // 3600)
        return f"{n} hour{'s' if n != 1 else ''} ago"
    n = int(seconds // 60)
    return f"{n} minute{'s' if n != 1 else ''} ago"


def domain(url: str | None) -> str:
    return re.sub(r"^https?://(www\.)?", "", url or "").split("/")[0]


def int_param(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def safe_next(value: object, fallback: str) -> str:
    text = str(value or "")
    return text if text.startswith("/") and not text.startswith("//") else fallback


class ForumApp:
    """Routes and handlers for one theme of the forum site over one database file."""

    def __init__(self, db_path: Path, theme: str) -> None:
        self.db_path = db_path
        self.theme = theme
        self.words = WORDS[theme]
        self.paths = Paths.for_theme(theme)
        self.templates = make_templates(SITE_DIR, theme)
        env = self.templates.env
        env.globals.update(words=self.words, paths=self.paths)
        env.filters.update(ago=ago, domain=domain)

    # --- plumbing -----------------------------------------------------------------------

    def db(self) -> AbstractContextManager[sqlite3.Connection]:
        return opened(self.db_path)

    def render(
        self, request: Request, name: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        context.setdefault("errors", [])
        context["user"] = current_user(request)
        context["flash"] = request.session.pop("flash", None)
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    @staticmethod
    def redirect(url: str, flash: str | None = None, request: Request | None = None) -> Response:
        if flash and request is not None:
            request.session["flash"] = flash
        return RedirectResponse(url, status_code=303)

    @staticmethod
    def login_redirect(request: Request) -> Response:
        target = request.url.path
        if request.method == "POST":  # come back to the page the form was on
            referer = urlsplit(request.headers.get("referer", "/"))
            target = referer.path + (f"?{referer.query}" if referer.query else "")
        return RedirectResponse(Paths.with_query("/login", {"next": target}), status_code=303)

    @staticmethod
    def user_id(conn: sqlite3.Connection, username: str) -> int:
        row = conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            raise HTTPException(403, "Your account no longer exists; please log in again.")
        return int(row["id"])

    @staticmethod
    def next_id(conn: sqlite3.Connection, table: str) -> int:
        return int(conn.execute(f"SELECT COALESCE(MAX(rowid), 0) + 1 FROM {table}").fetchone()[0])

    @staticmethod
    def moment(n: int) -> str:
        return stamp(FIXED_NOW + timedelta(seconds=n))

    def load_post(self, conn: sqlite3.Connection, forum: str, post_id: int) -> dict[str, Any]:
        post = q.post(conn, post_id)
        if post is None or post["forum"].lower() != forum.lower():
            raise HTTPException(404, "That post does not exist (it may have been deleted).")
        return post

    # --- listings -------------------------------------------------------------------------

    def listing(
        self,
        request: Request,
        conn: sqlite3.Connection,
        rows: list[dict[str, Any]],
        context: dict[str, Any],
    ) -> Response:
        sort = request.query_params.get("sort", "hot")
        sort = sort if sort in q.SORTS else "hot"
        page = q.paginate(q.sort_posts(rows, sort), int_param(request.query_params.get("page")))
        user = current_user(request)
        votes = q.user_votes(conn, user, [p["id"] for p in page.items])
        base = context["base"]
        context.update(
            page=page,
            page_url=lambda n: Paths.with_query(base, {"sort": sort, "page": n}),
            sort=sort,
            votes=votes,
            forums=q.forums(conn),
            subscribed=q.subscribed_names(conn, user),
        )
        return self.render(request, "listing.html", context)

    async def front(self, request: Request) -> Response:
        with self.db() as conn:
            return self.listing(
                request, conn, q.posts(conn), {"forum": None, "base": "/", "here": "/"}
            )

    async def forum_page(self, request: Request) -> Response:
        name = request.path_params["forum"]
        with self.db() as conn:
            forum = q.forum(conn, name)
            if forum is None:
                raise HTTPException(404, f"There is no forum called “{name}”.")
            if forum["name"] != name:
                return self.redirect(self.paths.forum(forum["name"]))
            rows = q.posts(conn, "p.forum_id = ?", (forum["id"],))
            context = {
                "forum": forum,
                "base": self.paths.forum(forum["name"]),
                "is_subscribed": q.is_subscribed(conn, current_user(request), forum["id"]),
            }
            return self.listing(request, conn, rows, context)

    async def forums_page(self, request: Request) -> Response:
        missing = request.query_params.get("missing", "").strip()
        with self.db() as conn:
            context = {
                "all_forums": q.forums(conn),
                "subscribed": q.subscribed_names(conn, current_user(request)),
                "errors": [f"There is no forum called “{missing}”."] if missing else [],
            }
        return self.render(request, "forums.html", context)

    async def jump(self, request: Request) -> Response:
        name = request.query_params.get("forum", "").strip().removeprefix("f/").removeprefix("r/")
        with self.db() as conn:
            forum = q.forum(conn, name) if name else None
        if forum is None:
            return self.redirect(Paths.with_query("/forums", {"missing": name}))
        return self.redirect(self.paths.forum(forum["name"]))

    async def search(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        with self.db() as conn:
            rows = q.search(conn, query)
            page = q.paginate(rows, int_param(request.query_params.get("page")))
            votes = q.user_votes(conn, current_user(request), [p["id"] for p in page.items])
        context = {
            "query": query,
            "page": page,
            "votes": votes,
            "page_url": lambda n: Paths.with_query("/search", {"q": query, "page": n}),
        }
        return self.render(request, "search.html", context)

    async def user_page(self, request: Request) -> Response:
        name = request.path_params["name"]
        with self.db() as conn:
            profile = q.user(conn, name)
            if profile is None:
                raise HTTPException(404, f"There is no user called “{name}”.")
            posts = q.sort_posts(q.posts(conn, "p.user_id = ?", (profile["id"],)), "new")
            context = {
                "profile": profile,
                "posts": posts,
                "comments": q.user_comments(conn, profile["id"]),
                "votes": q.user_votes(conn, current_user(request), [p["id"] for p in posts]),
            }
        return self.render(request, "user.html", context)

    # --- a post and its comments ----------------------------------------------------------

    def post_context(
        self, request: Request, conn: sqlite3.Connection, post: dict[str, Any]
    ) -> dict[str, Any]:
        user = current_user(request)
        return {
            "post": post,
            "comments": q.comment_tree(conn, post["id"]),
            "votes": q.user_votes(conn, user, [post["id"]]),
            "comment_body": "",
            "reply_to": None,
        }

    async def post_page(self, request: Request) -> Response:
        forum, post_id = request.path_params["forum"], request.path_params["post_id"]
        with self.db() as conn:
            post = q.post(conn, post_id)
            if post is not None and post["forum"] != forum:
                return self.redirect(self.paths.post(post["forum"], post_id))
            post = self.load_post(conn, forum, post_id)
            context = self.post_context(request, conn, post)
        return self.render(request, "post.html", context)

    async def vote(self, request: Request) -> Response:
        user = current_user(request)
        if not user:
            return self.login_redirect(request)
        form = await request.form()
        forum, post_id = request.path_params["forum"], request.path_params["post_id"]
        direction = str(form.get("direction", ""))
        if direction not in ("up", "down"):
            raise HTTPException(400, "Unknown vote direction.")
        value = 1 if direction == "up" else -1
        with self.db() as conn:
            post = self.load_post(conn, forum, post_id)
            uid = self.user_id(conn, user)
            old = conn.execute(
                "SELECT value FROM votes WHERE user_id = ? AND post_id = ?", (uid, post_id)
            ).fetchone()
            if old is not None and old["value"] == value:
                conn.execute("DELETE FROM votes WHERE user_id = ? AND post_id = ?", (uid, post_id))
                message = self.words["flash_unvote"]
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO votes (user_id, post_id, value, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (uid, post_id, value, self.moment(post_id)),
                )
                message = self.words["flash_vote"]
            conn.commit()
        target = safe_next(form.get("next"), self.paths.post(post["forum"], post_id))
        return self.redirect(target, message, request)

    async def comment(self, request: Request) -> Response:
        user = current_user(request)
        if not user:
            return self.login_redirect(request)
        form = await request.form()
        forum, post_id = request.path_params["forum"], request.path_params["post_id"]
        body = str(form.get("body", "")).strip()
        parent_raw = str(form.get("parent_id", "")).strip()
        with self.db() as conn:
            post = self.load_post(conn, forum, post_id)
            parent_id: int | None = None
            errors: list[str] = []
            if parent_raw:
                row = conn.execute(
                    "SELECT id FROM comments WHERE id = ? AND post_id = ?",
                    (int_param(parent_raw, 0), post_id),
                ).fetchone()
                if row is None:
                    errors.append("The comment you replied to no longer exists.")
                else:
                    parent_id = int(row["id"])
            if not body:
                errors.append("Comment cannot be empty.")
            elif len(body) > 10000:
                errors.append("Comment must be at most 10000 characters.")
            if errors:
                context = self.post_context(request, conn, post)
                context.update(errors=errors, comment_body=body, reply_to=parent_id)
                return self.render(request, "post.html", context, status=400)
            new_id = self.next_id(conn, "comments")
            conn.execute(
                "INSERT INTO comments (id, post_id, parent_id, user_id, body, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (new_id, post_id, parent_id, self.user_id(conn, user), body, self.moment(new_id)),
            )
            conn.commit()
        url = f"{self.paths.post(post['forum'], post_id)}#comment-{new_id}"
        return self.redirect(url, self.words["flash_comment"], request)

    # --- creating, editing and deleting posts ---------------------------------------------

    @staticmethod
    def validate_post(form: dict[str, str], with_forum: bool = True) -> list[str]:
        errors: list[str] = []
        if with_forum and not form["forum"]:
            errors.append("Please choose a forum.")
        title = form["title"]
        if len(title) < 3:
            errors.append("Title must be at least 3 characters.")
        elif len(title) > 200:
            errors.append("Title must be at most 200 characters.")
        url = form["url"]
        if url and (not re.match(r"^https?://[^\s/]+\.[^\s]+$", url) or len(url) > 500):
            errors.append("URL must be a valid http:// or https:// address.")
        if len(form["body"]) > 20000:
            errors.append("Body must be at most 20000 characters.")
        return errors

    @staticmethod
    async def post_form(request: Request) -> dict[str, str]:
        form = await request.form()
        values = {key: str(form.get(key, "")).strip() for key in ("forum", "title", "url", "body")}
        # The autocomplete syncs the hidden <select name=forum>; its text box is the fallback.
        values["forum"] = values["forum"] or str(form.get("forum_query", "")).strip()
        return values

    async def submit(self, request: Request) -> Response:
        user = current_user(request)
        if not user:
            return self.login_redirect(request)
        with self.db() as conn:
            forums = q.forums(conn)
            if request.method == "GET":
                values = {"forum": request.query_params.get("forum", ""), "title": "", "url": ""}
                values["body"] = ""
                return self.render(request, "submit.html", {"values": values, "forums": forums})
            values = await self.post_form(request)
            errors = self.validate_post(values)
            forum = q.forum(conn, values["forum"]) if values["forum"] else None
            if values["forum"] and forum is None:
                errors.insert(0, f"There is no forum called “{values['forum']}”.")
            if errors:
                context = {"values": values, "forums": forums, "errors": errors}
                return self.render(request, "submit.html", context, status=400)
            assert forum is not None
            new_id = self.next_id(conn, "posts")
            conn.execute(
                "INSERT INTO posts (id, forum_id, user_id, title, body, url, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    new_id,
                    forum["id"],
                    self.user_id(conn, user),
                    values["title"],
                    values["body"],
                    values["url"] or None,
                    self.moment(new_id),
                ),
            )
            conn.commit()
        return self.redirect(
            self.paths.post(forum["name"], new_id), self.words["flash_post"], request
        )

    def own_post(self, request: Request, conn: sqlite3.Connection) -> dict[str, Any]:
        post = self.load_post(conn, request.path_params["forum"], request.path_params["post_id"])
        if post["author"] != current_user(request):
            raise HTTPException(403, "You can only change your own posts.")
        return post

    async def edit(self, request: Request) -> Response:
        if not current_user(request):
            return self.login_redirect(request)
        with self.db() as conn:
            post = self.own_post(request, conn)
            if request.method == "GET":
                values = {k: post[k] or "" for k in ("title", "url", "body")}
                return self.render(request, "edit.html", {"post": post, "values": values})
            values = await self.post_form(request)
            errors = self.validate_post(values, with_forum=False)
            if errors:
                context = {"post": post, "values": values, "errors": errors}
                return self.render(request, "edit.html", context, status=400)
            conn.execute(
                "UPDATE posts SET title = ?, body = ?, url = ?, edited_at = ? WHERE id = ?",
                (
                    values["title"],
                    values["body"],
                    values["url"] or None,
                    self.moment(post["id"]),
                    post["id"],
                ),
            )
            conn.commit()
        return self.redirect(
            self.paths.post(post["forum"], post["id"]), self.words["flash_edit"], request
        )

    async def delete(self, request: Request) -> Response:
        if not current_user(request):
            return self.login_redirect(request)
        with self.db() as conn:
            post = self.own_post(request, conn)
            conn.execute("DELETE FROM posts WHERE id = ?", (post["id"],))
            conn.commit()
        return self.redirect(self.paths.forum(post["forum"]), self.words["flash_delete"], request)

    async def subscription(self, request: Request) -> Response:
        user = current_user(request)
        if not user:
            return self.login_redirect(request)
        form = await request.form()
        with self.db() as conn:
            forum = q.forum(conn, request.path_params["forum"])
            if forum is None:
                raise HTTPException(404, "There is no such forum.")
            uid = self.user_id(conn, user)
            if request.url.path.endswith("/subscribe"):
                conn.execute(
                    "INSERT OR IGNORE INTO subscriptions (user_id, forum_id, created_at)"
                    " VALUES (?, ?, ?)",
                    (uid, forum["id"], self.moment(forum["id"])),
                )
                message = self.words["flash_subscribe"]
            else:
                conn.execute(
                    "DELETE FROM subscriptions WHERE user_id = ? AND forum_id = ?",
                    (uid, forum["id"]),
                )
                message = self.words["flash_unsubscribe"]
            conn.commit()
        target = safe_next(form.get("next"), self.paths.forum(forum["name"]))
        return self.redirect(target, message.format(forum=forum["name"]), request)

    # --- accounts -------------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        next_url = safe_next(request.query_params.get("next"), "/")
        if request.method == "GET":
            return self.render(request, "login.html", {"username": "", "next": next_url})
        form = await request.form()
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        next_url = safe_next(form.get("next"), "/")
        with self.db() as conn:
            row = conn.execute(
                "SELECT username, password_hash FROM users WHERE username = ?", (username,)
            ).fetchone()
        if row is None or row["password_hash"] != hash_password(row["username"], password):
            context = {
                "username": username,
                "next": next_url,
                "errors": ["Invalid username or password."],
            }
            return self.render(request, "login.html", context, status=400)
        request.session["user"] = row["username"]
        return self.redirect(next_url, f"Welcome back, {row['username']}!", request)

    async def logout(self, request: Request) -> Response:
        request.session.pop("user", None)
        return self.redirect("/", "You have been logged out.", request)

    async def register(self, request: Request) -> Response:
        if request.method == "GET":
            return self.render(request, "register.html", {"username": ""})
        form = await request.form()
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        confirm = str(form.get("confirm", ""))
        errors: list[str] = []
        if not USERNAME_RE.match(username):
            errors.append("Username must be 3–20 letters, digits, underscores or hyphens.")
        if len(password) < 8:
            errors.append("Password must be at least 8 characters.")
        if password != confirm:
            errors.append("Passwords do not match.")
        with self.db() as conn:
            taken = conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone()
            if taken:
                errors.append("That username is already taken.")
            if errors:
                context = {"username": username, "errors": errors}
                return self.render(request, "register.html", context, status=400)
            new_id = self.next_id(conn, "users")
            conn.execute(
                "INSERT INTO users (id, username, password_hash, about, created_at)"
                " VALUES (?, ?, ?, '', ?)",
                (new_id, username, hash_password(username, password), self.moment(new_id)),
            )
            conn.commit()
        request.session["user"] = username
        return self.redirect("/", f"Welcome to the forum, {username}!", request)

    async def error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "Something went wrong."
        if status == 404 and detail == "Not Found":
            detail = "The page you were looking for does not exist."
        return self.render(request, "error.html", {"status": status, "detail": detail}, status)

    # --- wiring ---------------------------------------------------------------------------

    def routes(self) -> list[Route | Mount]:
        f = self.paths.forum_root
        post = f + "/{forum}/{post_id:int}"
        both = ["GET", "POST"]
        return [
            Route("/", self.front),
            Route("/forums", self.forums_page),
            Route("/jump", self.jump),
            Route("/search", self.search),
            Route("/user/{name}", self.user_page),
            Route(self.paths.submit, self.submit, methods=both),
            Route("/login", self.login, methods=both),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/register", self.register, methods=both),
            Route(f + "/{forum}", self.forum_page),
            Route(f + "/{forum}/subscribe", self.subscription, methods=["POST"]),
            Route(f + "/{forum}/unsubscribe", self.subscription, methods=["POST"]),
            Route(post, self.post_page),
            Route(post + "/vote", self.vote, methods=["POST"]),
            Route(post + "/comment", self.comment, methods=["POST"]),
            Route(post + "/edit", self.edit, methods=both),
            Route(post + "/delete", self.delete, methods=["POST"]),
            Mount("/static", StaticFiles(directory=SITE_DIR / "static"), name="static"),
        ]

    def starlette(self) -> Starlette:
        return Starlette(
            routes=self.routes(),
            middleware=[session_middleware("forum")],
            exception_handlers={HTTPException: self.error},
        )


def create_app(db_path: Path, theme: str) -> Starlette:
    """The forum app for `theme` ("v1" or "v2") serving the database at `db_path`."""
    return ForumApp(db_path, theme).starlette()

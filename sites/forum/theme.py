"""What differs between themes besides templates: route names and wording.

v1 serves forums at `/f/{forum}` and the post form at `/submit`; v2 renames them to
`/r/{forum}` and `/new` (the v1 paths are 404 in v2, and vice versa).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

WORDS: dict[str, dict[str, str]] = {
    "v1": {
        "forum_prefix": "f/",
        "submit_nav": "Submit",
        "submit_heading": "Submit a new post",
        "submit_button": "Submit",
        "comment_label": "Comment",
        "comment_button": "Post comment",
        "reply_toggle": "Reply",
        "reply_button": "Post reply",
        "subscribe": "Subscribe",
        "unsubscribe": "Unsubscribe",
        "subscribers": "subscribers",
        "search_label": "Search",
        "search_button": "Search",
        "next": "Next",
        "previous": "Previous",
        "edit": "Edit",
        "save": "Save changes",
        "flash_vote": "Your vote has been recorded.",
        "flash_unvote": "Your vote has been removed.",
        "flash_comment": "Your comment was posted.",
        "flash_post": "Your post was submitted.",
        "flash_edit": "Your changes were saved.",
        "flash_delete": "The post was deleted.",
        "flash_subscribe": "You are now subscribed to f/{forum}.",
        "flash_unsubscribe": "You have unsubscribed from f/{forum}.",
    },
    "v2": {
        "forum_prefix": "r/",
        "submit_nav": "New post",
        "submit_heading": "Create a post",
        "submit_button": "New post",
        "comment_label": "Comment",
        "comment_button": "Reply",
        "reply_toggle": "Respond",
        "reply_button": "Send response",
        "subscribe": "Join",
        "unsubscribe": "Leave",
        "subscribers": "members",
        "search_label": "Search",
        "search_button": "Go",
        "next": "Next page",
        "previous": "Previous page",
        "edit": "Edit post",
        "save": "Update post",
        "flash_vote": "Vote saved.",
        "flash_unvote": "Vote withdrawn.",
        "flash_comment": "Reply posted.",
        "flash_post": "Post published.",
        "flash_edit": "Post updated.",
        "flash_delete": "Post removed.",
        "flash_subscribe": "You joined r/{forum}.",
        "flash_unsubscribe": "You left r/{forum}.",
    },
}


@dataclass(frozen=True)
class Paths:
    """URL builders for one theme (templates call these; never hard-code a route)."""

    forum_root: str
    submit: str

    @classmethod
    def for_theme(cls, theme: str) -> Paths:
        if theme == "v2":
            return cls(forum_root="/r", submit="/new")
        return cls(forum_root="/f", submit="/submit")

    def forum(self, name: str, **query: object) -> str:
        return self.with_query(f"{self.forum_root}/{quote(name)}", query)

    def post(self, forum: str, post_id: int) -> str:
        return f"{self.forum_root}/{quote(forum)}/{post_id}"

    def post_action(self, forum: str, post_id: int, action: str) -> str:
        return f"{self.post(forum, post_id)}/{action}"

    def forum_action(self, forum: str, action: str) -> str:
        return f"{self.forum_root}/{quote(forum)}/{action}"

    def user(self, name: str) -> str:
        return f"/user/{quote(name)}"

    @staticmethod
    def with_query(path: str, query: dict[str, object]) -> str:
        items = {
            k: v
            for k, v in query.items()
            if v not in (None, "") and (k, v) not in (("page", 1), ("sort", "hot"))
        }
        return path + ("?" + urlencode(items) if items else "")

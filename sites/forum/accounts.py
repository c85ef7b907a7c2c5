"""Seeded accounts (configuration: tasks log in through `login_as`, never with these literals)."""

from __future__ import annotations

from sites.forum.content import USERNAMES

SPECIAL_PASSWORDS: dict[str, str] = {"MarvelsGrantMan136": "forum-pw-1"}


def password_for(username: str) -> str:
    """The seeded password of `username` (`NAME-forum-pw`, a few accounts excepted)."""
    return SPECIAL_PASSWORDS.get(username, f"{username}-forum-pw")


def accounts() -> dict[str, str]:
    """Every seeded account, username → password, the named test accounts first."""
    return {name: password_for(name) for name in USERNAMES}

"""Errors of the skill library; their messages are one line, meant for users."""

from __future__ import annotations


class LibraryError(Exception):
    """The library cannot be used (bad path, unwritable, bad site name); one-line message."""


class SkillNotFoundError(KeyError, LibraryError):
    """No such skill or site. A `KeyError` whose message prints without quotes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class IndexCorruptError(LibraryError):
    """`index.db` is not a usable SQLite database; nothing was written to it."""

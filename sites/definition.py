"""What a bundled site package provides: the contract between `sites/NAME/` and the machinery."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class LoginForm:
    """How the harness logs a seeded user in (a plain form POST, as a browser would)."""

    path: str = "/login"
    username_field: str = "username"
    password_field: str = "password"


@dataclass(frozen=True)
class SiteDefinition:
    """A bundled site.

    `seed(db_path)` writes the pristine, deterministic database; `create_app(db_path, theme)`
    returns an ASGI app that opens `db_path` per request (so a reset can swap the file).
    `accounts` are the seeded test users (configuration, never skill code).
    """

    name: str
    description: str
    seed: Callable[[Path], None]
    create_app: Callable[[Path, str], Any]
    seed_version: str = "1"
    themes: tuple[str, ...] = ("v1", "v2")
    accounts: dict[str, str] = field(default_factory=dict)
    login: LoginForm | None = field(default_factory=LoginForm)
    has_database: bool = True
    tasks_file: Path | None = None

"""Database snapshots of a bundled site, to see what a skill changed (its post-condition)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pydantic import BaseModel, Field

Snapshot = dict[str, set[tuple[object, ...]]]


class TableChange(BaseModel):
    table: str
    added: list[list[object]] = Field(default_factory=list)
    removed: list[list[object]] = Field(default_factory=list)


def snapshot(db_path: Path) -> Snapshot:
    """Every row of every user table (the bundled sites are small enough for this)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'"
            )
        ]
        return {t: set(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
    finally:
        conn.close()


def diff(before: Snapshot, after: Snapshot) -> list[TableChange]:
    changes: list[TableChange] = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, set()), after.get(table, set())
        added, removed = new - old, old - new
        if added or removed:
            changes.append(
                TableChange(
                    table=table,
                    added=[list(r) for r in sorted(added, key=repr)],
                    removed=[list(r) for r in sorted(removed, key=repr)],
                )
            )
    return changes


def values_present(changes: list[TableChange], values: list[str]) -> list[str]:
    """The values that do NOT appear in any added row (empty list = all present)."""
    cells = {str(c).strip().lower() for ch in changes for row in ch.added for c in row}
    blob = " ".join(cells)
    return [v for v in values if v.strip().lower() not in cells and v.strip().lower() not in blob]


def describe(changes: list[TableChange]) -> list[str]:
    return [f"{c.table}: +{len(c.added)} -{len(c.removed)}" for c in changes]

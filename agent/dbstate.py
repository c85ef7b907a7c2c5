"""Database snapshots of a bundled site, to see exactly which rows a skill created, changed or
deleted (the raw material of row post-conditions)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

ChangeKind = Literal["created", "changed", "deleted"]


class TableState(BaseModel):
    columns: list[str]
    rows: dict[int, list[Any]]  # rowid -> values
    foreign_keys: dict[str, tuple[str, str]] = Field(default_factory=dict)  # col -> (table, col)


Snapshot = dict[str, TableState]


class RowChange(BaseModel):
    """One row that a run created, changed or deleted (values as dicts by column)."""

    table: str
    change: ChangeKind
    rowid: int
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    @property
    def values(self) -> dict[str, Any]:
        """The row as it is after the run (as it was, for a deleted row)."""
        return self.after if self.after is not None else (self.before or {})

    @property
    def changed_columns(self) -> list[str]:
        if self.before is None or self.after is None:
            return list(self.values)
        return [c for c in self.after if self.after[c] != self.before.get(c)]


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'"
        )
    ]


def snapshot(db_path: Path) -> Snapshot:
    """Every row of every user table, keyed by rowid, with column names and foreign keys."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        out: Snapshot = {}
        for table in _tables(conn):
            try:
                cursor = conn.execute(f'SELECT rowid AS "__rowid__", * FROM "{table}"')
            except sqlite3.OperationalError:  # WITHOUT ROWID tables: not tracked
                continue
            columns = [d[0] for d in cursor.description][1:]
            rows = {int(r[0]): list(r[1:]) for r in cursor.fetchall()}
            fks = {
                str(fk[3]): (str(fk[2]), str(fk[4] or "rowid"))
                for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
            }
            out[table] = TableState(columns=columns, rows=rows, foreign_keys=fks)
        return out
    finally:
        conn.close()


def changes(before: Snapshot, after: Snapshot) -> list[RowChange]:
    """Rows created, changed or deleted between two snapshots, in table order."""
    out: list[RowChange] = []
    for table in sorted(set(before) | set(after)):
        old = before.get(table)
        new = after.get(table)
        cols = (new or old).columns  # type: ignore[union-attr]
        old_rows = old.rows if old else {}
        new_rows = new.rows if new else {}
        for rowid in sorted(set(old_rows) | set(new_rows)):
            a, b = old_rows.get(rowid), new_rows.get(rowid)
            if a == b:
                continue
            kind: ChangeKind = "created" if a is None else "deleted" if b is None else "changed"
            out.append(
                RowChange(
                    table=table,
                    change=kind,
                    rowid=rowid,
                    before=dict(zip(cols, a, strict=False)) if a is not None else None,
                    after=dict(zip(cols, b, strict=False)) if b is not None else None,
                )
            )
    return out


def describe(found: list[RowChange]) -> list[str]:
    counts: dict[tuple[str, str], int] = {}
    for c in found:
        counts[(c.table, c.change)] = counts.get((c.table, c.change), 0) + 1
    return [f"{t}: {n} {kind}" for (t, kind), n in counts.items()]


def referenced(snap: Snapshot, table: str, column: str, value: Any) -> dict[str, Any] | None:
    """The row of `table` whose `column` equals `value` (a foreign key's target)."""
    state = snap.get(table)
    if state is None or value is None:
        return None
    if column == "rowid":
        row = state.rows.get(int(value)) if str(value).lstrip("-").isdigit() else None
        return dict(zip(state.columns, row, strict=False)) if row is not None else None
    if column not in state.columns:
        return None
    i = state.columns.index(column)
    for row in state.rows.values():
        if row[i] == value:
            return dict(zip(state.columns, row, strict=False))
    return None

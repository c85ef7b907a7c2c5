"""The SQLite index (`<library>/index.db`): skill versions, test records, FTS5 search.

Every operation opens its own short-lived connection, so a library object is safe to use from
threads and forked processes. The database runs in WAL mode with a busy timeout, and every write
happens inside `BEGIN IMMEDIATE ... COMMIT`, so concurrent writers queue instead of failing or
interleaving.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .models import Provenance, Skill, SkillParam, TestRecord

BUSY_TIMEOUT_S = 60.0
_SKILL_COLUMNS: dict[str, type] = {
    "site": str,
    "name": str,
    "version": int,
    "status": str,
    "signature": str,
    "docstring": str,
    "code": str,
    "code_hash": str,
    "params": str,
    "returns": str,
    "provenance": str,
    "created_at": str,
    "updated_at": str,
}
_TEST_COLUMNS: dict[str, type] = {
    "id": int,
    "site": str,
    "skill": str,
    "version": int,
    "inputs": str,
    "passed": int,
    "error": str,
    "duration_s": float,
    "checked": str,
    "at": str,
    "run_id": str,
    "theme": str,
}
_FTS_COLUMNS = ["name", "docstring", "signature"]
_FTS_WEIGHTS = "10.0, 2.0, 1.0"  # bm25 column weights: the name matters most
_WORD = re.compile(r"\w+", re.UNICODE)


class SkillIndex:
    """Opens sessions on the index database; creates the schema on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as db:
            if db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.conn.execute("PRAGMA journal_mode=WAL")
        with self.write() as session:
            session.ensure_schema()

    @contextmanager
    def _connect(self) -> Iterator[Database]:
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable on app crash, fewer fsyncs
            yield Database(conn, execute_plugins=False)
        finally:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[IndexSession]:
        """A session for reads (each statement sees a consistent snapshot)."""
        with self._connect() as db:
            yield IndexSession(db)

    @contextmanager
    def write(self) -> Iterator[IndexSession]:
        """A session whose work is one `BEGIN IMMEDIATE` transaction, rolled back on error."""
        with self._connect() as db:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield IndexSession(db)
            except BaseException:
                db.conn.rollback()
                raise
            db.conn.commit()


class IndexSession:
    """Typed queries over one connection."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # schema -------------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        db = self.db
        db["skills"].create(_SKILL_COLUMNS, pk=("site", "name", "version"), if_not_exists=True)
        db["tests"].create(_TEST_COLUMNS, pk="id", if_not_exists=True)
        db.conn.execute("CREATE INDEX IF NOT EXISTS tests_skill ON tests (site, skill, version)")
        if not db["skills_fts"].exists():
            db["skills"].enable_fts(_FTS_COLUMNS, create_triggers=True, tokenize="porter")

    # skills -------------------------------------------------------------------------------

    def versions(self, site: str, name: str) -> list[Skill]:
        rows = self.db.execute(
            "SELECT * FROM skills WHERE site = ? AND name = ? ORDER BY version",
            [site, name],
        )
        return [self._skill(row) for row in _dicts(rows)]

    def latest(
        self, site: str | None = None, status: str | None = None, name: str | None = None
    ) -> list[Skill]:
        """Per (site, name): the highest version among those with `status` (any if None)."""
        where, args = _filters(site=site, status=status, name=name, alias="s")
        status_sql = " AND l.status = s.status" if status is not None else ""
        rows = self.db.execute(
            f"""
            SELECT s.* FROM skills s
            WHERE s.version = (
                SELECT max(l.version) FROM skills l
                WHERE l.site = s.site AND l.name = s.name{status_sql}
            ){where}
            ORDER BY s.site, s.name
            """,
            args,
        )
        return [self._skill(row) for row in _dicts(rows)]

    def names(self, site: str) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT name FROM skills WHERE site = ? ORDER BY name", [site]
        )
        return [r[0] for r in rows]

    def sites(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT site FROM skills ORDER BY site")]

    def insert_skill(self, skill: Skill) -> None:
        self.db["skills"].insert(
            {
                "site": skill.site,
                "name": skill.name,
                "version": skill.version,
                "status": skill.status,
                "signature": skill.signature,
                "docstring": skill.docstring,
                "code": skill.code,
                "code_hash": skill.code_hash,
                "params": json.dumps([p.model_dump() for p in skill.params]),
                "returns": skill.returns,
                "provenance": skill.provenance.model_dump_json() if skill.provenance else None,
                "created_at": skill.created_at.isoformat(),
                "updated_at": skill.updated_at.isoformat(),
            }
        )
        self.insert_tests(skill.site, skill.name, skill.version, skill.tests)

    def set_status(self, site: str, name: str, version: int, status: str, at: str) -> None:
        self.db.conn.execute(
            "UPDATE skills SET status = ?, updated_at = ? "
            "WHERE site = ? AND name = ? AND version = ?",
            [status, at, site, name, version],
        )

    def touch(self, site: str, name: str, version: int, at: str) -> None:
        self.db.conn.execute(
            "UPDATE skills SET updated_at = ? WHERE site = ? AND name = ? AND version = ?",
            [at, site, name, version],
        )

    # tests --------------------------------------------------------------------------------

    def insert_tests(
        self, site: str, name: str, version: int, records: Iterable[TestRecord]
    ) -> None:
        rows = [
            {
                "site": site,
                "skill": name,
                "version": version,
                "inputs": json.dumps(r.inputs, default=str),
                "passed": int(r.passed),
                "error": r.error,
                "duration_s": r.duration_s,
                "checked": r.checked,
                "at": r.at.isoformat(),
                "run_id": r.run_id,
                "theme": r.theme,
            }
            for r in records
        ]
        if rows:
            self.db["tests"].insert_all(rows)

    def tests(self, site: str, name: str, version: int) -> list[TestRecord]:
        rows = self.db.execute(
            "SELECT * FROM tests WHERE site = ? AND skill = ? AND version = ? ORDER BY id",
            [site, name, version],
        )
        return [
            TestRecord(
                skill=row["skill"],
                version=row["version"],
                inputs=json.loads(row["inputs"] or "{}"),
                passed=bool(row["passed"]),
                error=row["error"],
                duration_s=row["duration_s"] or 0.0,
                checked=row["checked"] or "",
                at=row["at"],
                run_id=row["run_id"],
                theme=row["theme"],
            )
            for row in _dicts(rows)
        ]

    # search -------------------------------------------------------------------------------

    def search(self, query: str, site: str | None, status: str | None, k: int) -> list[Skill]:
        """FTS5 (bm25) search; the raw query first, then any of its words; LIKE on bad syntax."""
        found: dict[tuple[str, str], Skill] = {}
        words = _WORD.findall(query)
        attempts = [query]
        if len(words) > 1:
            attempts.append(" OR ".join(f'"{w}"' for w in words))
        for fts_query in attempts:
            try:
                hits = self._fts(fts_query, site, status, k)
            except sqlite3.OperationalError:
                hits = self._like(words, site, status, k)
            for skill in hits:
                found.setdefault((skill.site, skill.name), skill)
            if len(found) >= k:
                break
        return list(found.values())[:k]

    def _fts(self, query: str, site: str | None, status: str | None, k: int) -> list[Skill]:
        where, args = _filters(site=site, status=status, alias="s")
        status_sql = " AND l.status = s.status" if status is not None else ""
        rows = self.db.execute(
            f"""
            SELECT s.* FROM skills_fts JOIN skills s ON s.rowid = skills_fts.rowid
            WHERE skills_fts MATCH ?
              AND s.version = (
                SELECT max(l.version) FROM skills l
                WHERE l.site = s.site AND l.name = s.name{status_sql}
              ){where}
            ORDER BY bm25(skills_fts, {_FTS_WEIGHTS})
            LIMIT ?
            """,
            [query, *args, k],
        )
        return [self._skill(row) for row in _dicts(rows)]

    def _like(self, words: list[str], site: str | None, status: str | None, k: int) -> list[Skill]:
        if not words:
            return []
        scored: list[tuple[int, Skill]] = []
        for skill in self.latest(site=site, status=status):
            haystack = f"{skill.name} {skill.docstring} {skill.signature}".lower()
            score = sum(1 for w in words if w.lower() in haystack)
            if score:
                scored.append((score, skill))
        scored.sort(key=lambda pair: -pair[0])
        return [skill for _, skill in scored[:k]]

    # rows -> models -----------------------------------------------------------------------

    def _skill(self, row: dict[str, Any]) -> Skill:
        return Skill(
            site=row["site"],
            name=row["name"],
            signature=row["signature"],
            params=[SkillParam(**p) for p in json.loads(row["params"] or "[]")],
            returns=row["returns"],
            docstring=row["docstring"] or "",
            code=row["code"],
            status=row["status"],
            version=row["version"],
            code_hash=row["code_hash"],
            tests=self.tests(row["site"], row["name"], row["version"]),
            provenance=Provenance.model_validate_json(row["provenance"])
            if row["provenance"]
            else None,
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _filters(*, alias: str, **values: str | None) -> tuple[str, list[str]]:
    clauses: list[str] = []
    args: list[str] = []
    for column, value in values.items():
        if value is not None:
            clauses.append(f" AND {alias}.{column} = ?")
            args.append(value)
    return "".join(clauses), args

"""The SQLite index (`<library>/index.db`): skill versions, test records, usage, FTS5 search.

Every operation opens its own short-lived connection, so a library object is safe to use from
threads and forked processes. The database runs in WAL mode with a busy timeout, and every write
happens inside `BEGIN IMMEDIATE ... COMMIT`, so concurrent writers queue instead of failing or
interleaving.

Search uses one FTS5 row per *head* of a skill: the latest version having each status, and the
latest version of any status (tagged `any`). A row carries its site and tags as tokens, so a
query filters by site and status inside the full-text index instead of scanning.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .errors import IndexCorruptError
from .models import LEGACY_STATUSES, SKILL_STATUSES, Provenance, Skill, SkillParam, TestRecord
from .text import concept_fields

BUSY_TIMEOUT_S = 60.0
SCHEMA_VERSION = 7
_SKILL_COLUMNS = (
    "site", "name", "version", "status", "signature", "docstring", "code", "code_hash", "params",
    "returns", "provenance", "created_at", "updated_at", "formatted", "names", "verified_at",
    "calls", "successes", "last_used_at", "policy", "concepts",
)  # fmt: skip
_ADDED_COLUMNS = {
    "formatted": "TEXT",
    "names": "TEXT",
    "verified_at": "TEXT",
    "calls": "INTEGER NOT NULL DEFAULT 0",
    "successes": "INTEGER NOT NULL DEFAULT 0",
    "last_used_at": "TEXT",
    "policy": "TEXT",
    "concepts": "TEXT",
}
# bm25 weights of the search columns: name words, summary, rest of docstring, parameters
SEARCH_WEIGHTS = "8.0, 3.0, 1.0, 0.0, 0.0"  # name, parameters, docstring, site, tags
ANY = "any"


class ModuleSkill(NamedTuple):
    """What the module writer needs of a verified skill (no tests, no metadata)."""

    name: str
    version: int
    code_hash: str
    code: str  # the formatted code when there is one
    formatted: str | None
    names: frozenset[str]  # the other skills it calls and the Playwright names it uses
    policy: str | None


@dataclass(frozen=True)
class ModuleState:
    """What was last written to a site's module file."""

    generation: int
    fingerprint: str
    sha256: str
    size: int
    mtime_ns: int
    acc: str = ""  # the fingerprint's running sum (see module_writer.fingerprint_acc)


@dataclass(frozen=True)
class SearchRow:
    """A search candidate: enough to rerank without loading the whole skill."""

    rowid: int
    site: str
    name: str
    version: int
    docstring: str
    params: str
    concepts: str
    successes: int
    calls: int
    bm25: float


class SkillIndex:
    """Opens sessions on the index database; creates or migrates the schema on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # One connection per thread and process, kept open: opening one per operation would
        # make every close the last one, and SQLite checkpoints the whole WAL on the last close.
        self._local = threading.local()
        with self._connect() as conn:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
        if current != SCHEMA_VERSION:
            with self.write() as session:
                session.ensure_schema()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable on app crash, fewer fsyncs
        return conn

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (a fresh one when it is already in use, or after a fork);
        a damaged database file raises `IndexCorruptError` (one line)."""
        local = self._local
        pid = os.getpid()
        if getattr(local, "pid", None) != pid:
            # a connection must not cross a fork: keep the parent's open (closing it here could
            # touch the parent's WAL) and make a new one
            local.inherited = [*getattr(local, "inherited", []), getattr(local, "conn", None)]
            local.pid, local.conn, local.busy = pid, None, False
        temporary = local.busy  # a session inside a session: its own connection
        conn = None
        try:
            if temporary:
                conn = self._open()
            else:
                if local.conn is None:
                    local.conn = self._open()
                conn = local.conn
                local.busy = True
            yield conn
        except sqlite3.DatabaseError as exc:
            if _is_corruption(exc):
                raise IndexCorruptError(
                    f"skill index {self.path} is damaged ({exc}); it was not modified. "
                    "Recover the verified skills from the module files with "
                    "`skillwright skills rebuild-index`."
                ) from None
            raise
        finally:
            if not temporary:
                local.busy = False
            elif conn is not None:
                conn.close()

    @contextmanager
    def read(self) -> Iterator[IndexSession]:
        """A session for reads; one transaction, so every statement sees the same snapshot."""
        with self._connect() as conn:
            conn.execute("BEGIN")
            try:
                yield IndexSession(conn)
            finally:
                conn.rollback()

    @contextmanager
    def write(self) -> Iterator[IndexSession]:
        """A session whose work is one `BEGIN IMMEDIATE` transaction, rolled back on error."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield IndexSession(conn)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()


class IndexSession:
    """Typed queries over one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # schema -------------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the tables, or migrate an index written by an earlier version."""
        c = self.conn
        if c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return  # another process migrated it while we waited for the write lock
        c.execute(
            """CREATE TABLE IF NOT EXISTS skills (
                site TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,
                status TEXT NOT NULL, signature TEXT, docstring TEXT, code TEXT, code_hash TEXT,
                params TEXT, returns TEXT, provenance TEXT, created_at TEXT, updated_at TEXT,
                PRIMARY KEY (site, name, version))"""
        )
        have = {row[1] for row in c.execute("PRAGMA table_info(skills)")}
        for column, decl in _ADDED_COLUMNS.items():
            if column not in have:
                c.execute(f"ALTER TABLE skills ADD COLUMN {column} {decl}")
        c.execute(
            """CREATE TABLE IF NOT EXISTS tests (
                id INTEGER PRIMARY KEY, site TEXT, skill TEXT, version INTEGER, inputs TEXT,
                passed INTEGER, error TEXT, duration_s FLOAT, checked TEXT, at TEXT,
                run_id TEXT, theme TEXT)"""
        )
        c.execute("CREATE INDEX IF NOT EXISTS tests_skill ON tests (site, skill, version)")
        c.execute("CREATE INDEX IF NOT EXISTS skills_status ON skills (site, status, name)")
        c.execute(
            "CREATE TABLE IF NOT EXISTS sites (id INTEGER PRIMARY KEY, site TEXT UNIQUE NOT NULL,"
            " generation INTEGER NOT NULL DEFAULT 0)"
        )
        c.execute(
            "CREATE TABLE IF NOT EXISTS modules (site TEXT PRIMARY KEY, generation INTEGER,"
            " fingerprint TEXT, sha256 TEXT, size INTEGER, mtime_ns INTEGER)"
        )
        c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        if "acc" not in {row[1] for row in c.execute("PRAGMA table_info(modules)")}:
            c.execute("ALTER TABLE modules ADD COLUMN acc TEXT")
        c.execute(
            "CREATE TABLE IF NOT EXISTS module_written (site TEXT NOT NULL, name TEXT NOT NULL,"
            " version INTEGER NOT NULL, code_hash TEXT, names TEXT,"
            " PRIMARY KEY (site, name)) WITHOUT ROWID"
        )
        c.execute("DROP TABLE IF EXISTS module_heads")  # an earlier shape of module_members
        members = c.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'module_members'"
        ).fetchone()
        c.execute(
            "CREATE TABLE IF NOT EXISTS module_members (site TEXT NOT NULL, name TEXT NOT NULL,"
            " version INTEGER NOT NULL, code_hash TEXT, formatted INTEGER, names TEXT,"
            " policy TEXT, PRIMARY KEY (site, name)) WITHOUT ROWID"
        )
        c.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (site TEXT, name TEXT, version INTEGER,"
            " vector TEXT, PRIMARY KEY (site, name, version))"
        )
        c.execute(  # the contract a version was verified against (opaque JSON)
            "CREATE TABLE IF NOT EXISTS contracts (site TEXT NOT NULL, name TEXT NOT NULL,"
            " version INTEGER NOT NULL, contract TEXT NOT NULL,"
            " PRIMARY KEY (site, name, version)) WITHOUT ROWID"
        )
        for old, new in LEGACY_STATUSES.items():
            c.execute("UPDATE skills SET status = ? WHERE status = ?", [new, old])
        # Version 1 kept an FTS table maintained by triggers; search rows are now written here.
        for trigger in ("skills_ai", "skills_ad", "skills_au"):
            c.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for table in ("skills_fts", "skill_search"):  # skill_search: words before concepts
            c.execute(f"DROP TABLE IF EXISTS {table}")
        exists = c.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'skill_concepts'"
        ).fetchone()
        if not exists:
            c.execute(
                "CREATE VIRTUAL TABLE skill_concepts USING fts5("
                "name, params, docs, site, tags, tokenize = 'unicode61')"
            )
        self.backfill_names()
        self.backfill_concepts()
        if not exists or not members:
            for site in [r[0] for r in c.execute("SELECT DISTINCT site FROM skills")]:
                self.site_id(site)
                for name in self.names(site):
                    self.refresh_name(site, name)
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def backfill_names(self) -> None:
        """Versions stored before the `names` column: record the skills of their site that
        they call and the Playwright names they use (what the module writer needs)."""
        from .analysis import names_in  # only needed for old indexes
        from .module_writer import PLAYWRIGHT_NAMES

        rows = self.conn.execute(
            "SELECT rowid, site, code FROM skills WHERE names IS NULL"
        ).fetchall()
        site_names = {site: set(self.names(site)) | set(PLAYWRIGHT_NAMES) for _, site, _ in rows}
        self.conn.executemany(
            "UPDATE skills SET names = ? WHERE rowid = ?",
            [
                (" ".join(sorted(names_in(code) & site_names[site])), rowid)
                for rowid, site, code in rows
            ],
        )

    def backfill_concepts(self) -> None:
        rows = self.conn.execute(
            "SELECT rowid, name, docstring, params FROM skills WHERE concepts IS NULL"
        ).fetchall()
        self.conn.executemany(
            "UPDATE skills SET concepts = ? WHERE rowid = ?",
            [(_concepts(name, doc, params), rowid) for rowid, name, doc, params in rows],
        )

    # sites --------------------------------------------------------------------------------

    def site_id(self, site: str) -> int:
        row = self.conn.execute("SELECT id FROM sites WHERE site = ?", [site]).fetchone()
        if row is not None:
            return int(row[0])
        cursor = self.conn.execute("INSERT INTO sites (site) VALUES (?)", [site])
        return int(cursor.lastrowid or 0)

    def bump(self, site: str) -> None:
        """Mark the site's module as needing a rewrite (part of the same transaction)."""
        self.site_id(site)
        self.conn.execute("UPDATE sites SET generation = generation + 1 WHERE site = ?", [site])

    def generation(self, site: str) -> int:
        row = self.conn.execute("SELECT generation FROM sites WHERE site = ?", [site]).fetchone()
        return int(row[0]) if row else 0

    def generations(self) -> dict[str, int]:
        return {s: int(g) for s, g in self.conn.execute("SELECT site, generation FROM sites")}

    def module_state(self, site: str) -> ModuleState | None:
        row = self.conn.execute(
            "SELECT generation, fingerprint, sha256, size, mtime_ns, COALESCE(acc, '')"
            " FROM modules WHERE site = ?",
            [site],
        ).fetchone()
        return ModuleState(*row) if row else None

    def module_states(self) -> dict[str, ModuleState]:
        rows = self.conn.execute(
            "SELECT site, generation, fingerprint, sha256, size, mtime_ns, COALESCE(acc, '')"
            " FROM modules"
        )
        return {row[0]: ModuleState(*row[1:]) for row in rows}

    def set_module_state(self, site: str, state: ModuleState) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO modules (site, generation, fingerprint, sha256, size,"
            " mtime_ns, acc) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                site,
                state.generation,
                state.fingerprint,
                state.sha256,
                state.size,
                state.mtime_ns,
                state.acc,
            ],
        )

    def set_written(self, site: str, skills: Sequence[ModuleSkill]) -> None:
        """Record the skill versions the module file now holds (all of them)."""
        self.conn.execute("DELETE FROM module_written WHERE site = ?", [site])
        self.conn.executemany(
            "INSERT INTO module_written (site, name, version, code_hash, names)"
            " VALUES (?, ?, ?, ?, ?)",
            [(site, s.name, s.version, s.code_hash, " ".join(sorted(s.names))) for s in skills],
        )

    def set_written_one(self, site: str, name: str, skill: ModuleSkill | None) -> None:
        """Record that the module file's version of `name` is now `skill` (None: absent)."""
        self.conn.execute("DELETE FROM module_written WHERE site = ? AND name = ?", [site, name])
        if skill is not None:
            self.conn.execute(
                "INSERT INTO module_written (site, name, version, code_hash, names)"
                " VALUES (?, ?, ?, ?, ?)",
                [site, name, skill.version, skill.code_hash, " ".join(sorted(skill.names))],
            )

    def written(self, site: str, name: str) -> tuple[int, str, list[str]] | None:
        """(version, code_hash, names used) of `name` in the module file, None if absent."""
        row = self.conn.execute(
            "SELECT version, code_hash, names FROM module_written WHERE site = ? AND name = ?",
            [site, name],
        ).fetchone()
        return (int(row[0]), row[1], (row[2] or "").split()) if row else None

    def written_after(self, site: str, name: str) -> str | None:
        """The first name after `name` in the module file (its skills are sorted by name)."""
        row = self.conn.execute(
            "SELECT min(name) FROM module_written WHERE site = ? AND name > ?", [site, name]
        ).fetchone()
        return row[0] if row else None

    def written_names(self, site: str, names: Iterable[str]) -> set[str]:
        """Which of `names` the module file holds."""
        pool = sorted(set(names))
        if not pool:
            return set()
        marks = ", ".join("?" for _ in pool)
        rows = self.conn.execute(
            f"SELECT name FROM module_written WHERE site = ? AND name IN ({marks})", [site, *pool]
        )
        return {r[0] for r in rows}

    def callers(self, site: str, name: str) -> bool:
        """Whether any other member of the site's module set calls `name`."""
        row = self.conn.execute(
            "SELECT 1 FROM module_members WHERE site = ? AND name != ?"
            " AND instr(' ' || names || ' ', ?) > 0 LIMIT 1",
            [site, name, f" {name} "],
        ).fetchone()
        return row is not None

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])

    # skills -------------------------------------------------------------------------------

    def versions(self, site: str, name: str) -> list[Skill]:
        rows = self.conn.execute(
            f"SELECT {', '.join(_SKILL_COLUMNS)} FROM skills"
            " WHERE site = ? AND name = ? ORDER BY version",
            [site, name],
        )
        return self._skills(rows)

    def version_hashes(self, site: str, name: str) -> list[tuple[int, str, str]]:
        """(version, code_hash, status) of every version, oldest first."""
        rows = self.conn.execute(
            "SELECT version, code_hash, status FROM skills WHERE site = ? AND name = ?"
            " ORDER BY version",
            [site, name],
        )
        return [(int(v), h, s) for v, h, s in rows]

    def latest(
        self,
        site: str | None = None,
        status: str | None = None,
        name: str | None = None,
        *,
        with_tests: bool = True,
    ) -> list[Skill]:
        """Per (site, name): the highest version among those with `status` (any if None)."""
        where, args = _filters(site=site, status=status, name=name, alias="s")
        status_sql = " AND l.status = s.status" if status is not None else ""
        rows = self.conn.execute(
            f"""
            SELECT {", ".join("s." + c for c in _SKILL_COLUMNS)} FROM skills s
            WHERE s.version = (
                SELECT max(l.version) FROM skills l
                WHERE l.site = s.site AND l.name = s.name{status_sql}
            ){where}
            ORDER BY s.site, s.name
            """,
            args,
        )
        return self._skills(rows, with_tests=with_tests)

    def module_skills(
        self, site: str, *, texts: bool = True, names: Sequence[str] | None = None
    ) -> list[ModuleSkill]:
        """The latest verified version of each skill of `site` (`module_members`), or of the
        skills in `names`. Without `texts` the code is left out (`code` is "", `formatted` is
        "" when a formatted text is cached and None when not)."""
        if texts:
            sql = (
                "SELECT m.name, m.version, m.code_hash, COALESCE(s.formatted, s.code),"
                " s.formatted IS NOT NULL, m.names, m.policy FROM module_members m"
                " JOIN skills s ON s.site = m.site AND s.name = m.name AND s.version = m.version"
                " WHERE m.site = ?"
            )
        else:  # the members table alone: small rows, no code
            sql = (
                "SELECT m.name, m.version, m.code_hash, '', m.formatted, m.names, m.policy"
                " FROM module_members m WHERE m.site = ?"
            )
        args: list[Any] = [site]
        if names is not None:
            sql += f" AND m.name IN ({', '.join('?' for _ in names)})"
            args += list(names)
        rows = self.conn.execute(sql + " ORDER BY m.name", args)
        sets: dict[str, frozenset[str]] = {}  # most skills use the same few names
        return [
            ModuleSkill(
                n,
                v,
                h,
                text,
                text if done else None,
                sets.get(used) or sets.setdefault(used, frozenset((used or "").split())),
                pol,
            )
            for n, v, h, text, done, used, pol in rows
        ]

    def stale_policy(self, site: str, policy: str) -> list[ModuleSkill]:
        """Module members last checked under other policy rules (with their code)."""
        names = [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM module_members WHERE site = ? AND policy IS NOT ?",
                [site, policy],
            )
        ]
        return self.module_skills(site, names=names) if names else []

    def existing(self, site: str, candidates: Iterable[str]) -> set[str]:
        """Which of `candidates` are names of skills of `site`."""
        found: set[str] = set()
        pool = sorted(set(candidates))
        for start in range(0, len(pool), 500):
            chunk = pool[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.conn.execute(
                f"SELECT DISTINCT name FROM skills WHERE site = ? AND name IN ({marks})",
                [site, *chunk],
            )
            found.update(r[0] for r in rows)
        return found

    def names(self, site: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT name FROM skills WHERE site = ? ORDER BY name", [site]
        )
        return [r[0] for r in rows]

    def sites(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT site FROM skills ORDER BY site")]

    def insert_skill(
        self, skill: Skill, *, formatted: str | None, names: Iterable[str], policy: str
    ) -> None:
        values = {
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
            "formatted": formatted,
            "names": " ".join(sorted(names)),
            "verified_at": skill.updated_at.isoformat() if skill.status == "verified" else None,
            "calls": 0,
            "successes": 0,
            "last_used_at": None,
            "policy": policy,
            "concepts": concept_fields(
                skill.name, skill.docstring, [(p.name, p.description) for p in skill.params]
            ),
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.conn.execute(f"INSERT INTO skills ({columns}) VALUES ({marks})", list(values.values()))
        self.insert_tests(skill.site, skill.name, skill.version, skill.tests)

    def set_status(self, site: str, name: str, version: int, status: str, at: str) -> None:
        self.conn.execute(
            "UPDATE skills SET status = ?, updated_at = ?,"
            " verified_at = CASE WHEN ? = 'verified' THEN ? ELSE verified_at END"
            " WHERE site = ? AND name = ? AND version = ?",
            [status, at, status, at, site, name, version],
        )

    def touch(self, site: str, name: str, version: int, at: str) -> None:
        self.conn.execute(
            "UPDATE skills SET updated_at = ? WHERE site = ? AND name = ? AND version = ?",
            [at, site, name, version],
        )

    def set_formatted(self, site: str, items: Sequence[tuple[str, int, str]]) -> None:
        """Cache the formatted code of (name, version) pairs."""
        rows = [(text, site, name, version) for name, version, text in items]
        self.conn.executemany(
            "UPDATE skills SET formatted = ? WHERE site = ? AND name = ? AND version = ?", rows
        )
        self.conn.executemany(
            "UPDATE module_members SET formatted = 1 WHERE site = ? AND name = ? AND version = ?",
            [row[1:] for row in rows],
        )

    def set_policy(self, site: str, items: Sequence[tuple[str, int]], policy: str) -> None:
        """Record that (name, version) pairs passed the policy identified by `policy`."""
        rows = [(policy, site, name, version) for name, version in items]
        self.conn.executemany(
            "UPDATE skills SET policy = ? WHERE site = ? AND name = ? AND version = ?", rows
        )
        self.conn.executemany(
            "UPDATE module_members SET policy = ? WHERE site = ? AND name = ? AND version = ?",
            rows,
        )

    def record_usage(self, site: str, name: str, version: int, ok: bool, at: str) -> None:
        self.conn.execute(
            "UPDATE skills SET calls = calls + 1, successes = successes + ?, last_used_at = ?"
            " WHERE site = ? AND name = ? AND version = ?",
            [int(ok), at, site, name, version],
        )

    # contracts ----------------------------------------------------------------------------

    def set_contract(self, site: str, name: str, version: int, contract: str) -> None:
        """Record (or replace) the JSON contract version `version` was verified against."""
        self.conn.execute(
            "INSERT OR REPLACE INTO contracts (site, name, version, contract) VALUES (?, ?, ?, ?)",
            [site, name, version, contract],
        )

    def contract(self, site: str, name: str, version: int) -> str | None:
        row = self.conn.execute(
            "SELECT contract FROM contracts WHERE site = ? AND name = ? AND version = ?",
            [site, name, version],
        ).fetchone()
        return row[0] if row else None

    # tests --------------------------------------------------------------------------------

    def insert_tests(
        self, site: str, name: str, version: int, records: Iterable[TestRecord]
    ) -> None:
        rows = [
            (
                site,
                name,
                version,
                json.dumps(r.inputs, default=str),
                int(r.passed),
                r.error,
                r.duration_s,
                r.checked,
                r.at.isoformat(),
                r.run_id,
                r.theme,
            )
            for r in records
        ]
        if rows:
            self.conn.executemany(
                "INSERT INTO tests (site, skill, version, inputs, passed, error, duration_s,"
                " checked, at, run_id, theme) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def tests(self, site: str, name: str, version: int) -> list[TestRecord]:
        rows = self.conn.execute(
            f"SELECT {_TEST_SELECT} FROM tests WHERE site = ? AND skill = ? AND version = ?"
            " ORDER BY id",
            [site, name, version],
        )
        return [_test(row) for row in rows]

    def _tests_for(self, keys: set[tuple[str, str, int]]) -> dict[tuple[str, str, int], list]:
        """Test records of many versions at once (one query per site)."""
        found: dict[tuple[str, str, int], list[TestRecord]] = defaultdict(list)
        for site in sorted({k[0] for k in keys}):
            if sum(1 for k in keys if k[0] == site) <= 20:
                for key in (k for k in keys if k[0] == site):
                    found[key] = self.tests(*key)
                continue
            rows = self.conn.execute(
                f"SELECT site, {_TEST_SELECT} FROM tests WHERE site = ? ORDER BY id", [site]
            )
            for row in rows:
                key = (row[0], row[1], int(row[2]))
                if key in keys:
                    found[key].append(_test(row[1:]))
        return found

    # search -------------------------------------------------------------------------------

    def refresh_name(self, site: str, name: str) -> None:
        """After any change to a skill: rewrite its search rows and its module head."""
        rows = self.conn.execute(
            "SELECT rowid, version, status, concepts FROM skills"
            " WHERE site = ? AND name = ? ORDER BY version",
            [site, name],
        ).fetchall()
        self._refresh_head(site, name, [r for r in rows if r[2] == "verified"])
        self._refresh_search(site, name, rows)

    def _refresh_head(self, site: str, name: str, verified: list[Sequence[Any]]) -> None:
        if not verified:
            self.conn.execute(
                "DELETE FROM module_members WHERE site = ? AND name = ?", [site, name]
            )
            return
        self.conn.execute(
            "INSERT OR REPLACE INTO module_members"
            " (site, name, version, code_hash, formatted, names, policy)"
            " SELECT site, name, version, code_hash, formatted IS NOT NULL, names, policy"
            " FROM skills WHERE rowid = ?",
            [verified[-1][0]],
        )

    def _refresh_search(self, site: str, name: str, rows: list[Sequence[Any]]) -> None:
        """Rewrite the search rows of one skill: one per head version, tagged by status."""
        self.conn.executemany("DELETE FROM skill_concepts WHERE rowid = ?", [(r[0],) for r in rows])
        if not rows:
            return
        tags: dict[int, list[str]] = defaultdict(list)
        for status in SKILL_STATUSES:
            heads = [r for r in rows if r[2] == status]
            if heads:
                tags[heads[-1][0]].append(status)
        tags[rows[-1][0]].append(ANY)
        token = f"site{self.site_id(site)}"
        by_rowid = {r[0]: r for r in rows}
        self.conn.executemany(
            "INSERT INTO skill_concepts (rowid, name, params, docs, site, tags)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (rowid, *_by_field(by_rowid[rowid][3]), token, " ".join(t))
                for rowid, t in tags.items()
            ],
        )

    def search_rows(
        self,
        terms: Sequence[str],
        site: str | None,
        status: str | None,
        limit: int,
        *,
        every: bool = False,
    ) -> list[SearchRow]:
        """Heads matching any of `terms` (all of them with `every`), best bm25 first.

        `terms` are plain words (concepts); each is quoted, so none is FTS syntax.
        """
        if not terms:
            return []
        match = (" AND " if every else " OR ").join(f'"{t}"' for t in terms)
        filters = [f'tags : "{status or ANY}"']
        if site is not None:
            row = self.conn.execute("SELECT id FROM sites WHERE site = ?", [site]).fetchone()
            if row is None:
                return []
            filters.append(f'site : "site{row[0]}"')
        query = " AND ".join([*filters, f"({match})"])
        rows = self.conn.execute(
            f"""
            SELECT s.rowid, s.site, s.name, s.version, s.docstring, s.params, s.concepts,
                   s.successes, s.calls, h.rank
            FROM (SELECT rowid, bm25(skill_concepts, {SEARCH_WEIGHTS}) AS rank
                  FROM skill_concepts WHERE skill_concepts MATCH ? ORDER BY rank LIMIT ?) h
            JOIN skills s ON s.rowid = h.rowid
            ORDER BY h.rank
            """,
            [query, limit],
        )
        return [SearchRow(*row) for row in rows]

    def head_rows(self, site: str | None, status: str | None) -> list[SearchRow]:
        """Every head (for the embeddings hook), unranked."""
        where, args = _filters(site=site, status=status, alias="s")
        status_sql = " AND l.status = s.status" if status is not None else ""
        rows = self.conn.execute(
            f"""
            SELECT s.rowid, s.site, s.name, s.version, s.docstring, s.params, s.concepts,
                   s.successes, s.calls, 0.0 FROM skills s
            WHERE s.version = (
                SELECT max(l.version) FROM skills l
                WHERE l.site = s.site AND l.name = s.name{status_sql}
            ){where}
            """,
            args,
        )
        return [SearchRow(*row) for row in rows]

    def by_rowids(self, rowids: Sequence[int]) -> list[Skill]:
        if not rowids:
            return []
        marks = ", ".join("?" for _ in rowids)
        rows = self.conn.execute(
            f"SELECT rowid, {', '.join(_SKILL_COLUMNS)} FROM skills WHERE rowid IN ({marks})",
            list(rowids),
        ).fetchall()
        order = {rowid: i for i, rowid in enumerate(rowids)}
        rows.sort(key=lambda r: order[r[0]])
        return self._skills([r[1:] for r in rows])

    # embeddings ---------------------------------------------------------------------------

    def embeddings(self, keys: Iterable[tuple[str, str, int]]) -> dict[tuple[str, str, int], list]:
        found: dict[tuple[str, str, int], list[float]] = {}
        for site, name, version in keys:
            row = self.conn.execute(
                "SELECT vector FROM embeddings WHERE site = ? AND name = ? AND version = ?",
                [site, name, version],
            ).fetchone()
            if row is not None:
                found[(site, name, version)] = json.loads(row[0])
        return found

    def store_embeddings(self, items: Iterable[tuple[str, str, int, list[float]]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO embeddings (site, name, version, vector) VALUES (?, ?, ?, ?)",
            [(s, n, v, json.dumps(vec)) for s, n, v, vec in items],
        )

    def clear_embeddings(self) -> None:
        self.conn.execute("DELETE FROM embeddings")

    # rows -> models -----------------------------------------------------------------------

    def _skills(self, rows: Iterable[Sequence[Any]], *, with_tests: bool = True) -> list[Skill]:
        records = [dict(zip(_SKILL_COLUMNS, row, strict=True)) for row in rows]
        tests: dict[tuple[str, str, int], list[TestRecord]] = {}
        if with_tests and records:
            tests = self._tests_for({(r["site"], r["name"], int(r["version"])) for r in records})
        return [
            Skill(
                site=r["site"],
                name=r["name"],
                signature=r["signature"],
                params=[SkillParam(**p) for p in json.loads(r["params"] or "[]")],
                returns=r["returns"],
                docstring=r["docstring"] or "",
                code=r["code"],
                status=LEGACY_STATUSES.get(r["status"], r["status"]),
                version=r["version"],
                code_hash=r["code_hash"],
                tests=tests.get((r["site"], r["name"], int(r["version"])), []),
                provenance=Provenance.model_validate_json(r["provenance"])
                if r["provenance"]
                else None,
                created_at=r["created_at"],
                updated_at=r["updated_at"],
                verified_at=r["verified_at"],
                calls=r["calls"] or 0,
                successes=r["successes"] or 0,
                last_used_at=r["last_used_at"],
            )
            for r in records
        ]


_TEST_SELECT = "skill, version, inputs, passed, error, duration_s, checked, at, run_id, theme"


def _test(row: Sequence[Any]) -> TestRecord:
    skill, version, inputs, passed, error, duration_s, checked, at, run_id, theme = row
    return TestRecord(
        skill=skill,
        version=version,
        inputs=json.loads(inputs or "{}"),
        passed=bool(passed),
        error=error,
        duration_s=duration_s or 0.0,
        checked=checked or "",
        at=at,
        run_id=run_id,
        theme=theme,
    )


def _concepts(name: str, docstring: str | None, params_json: str | None) -> str:
    params = [(p["name"], p.get("description", "")) for p in json.loads(params_json or "[]")]
    return concept_fields(name, docstring or "", params)


def _by_field(concepts: str | None) -> tuple[str, str, str]:
    """The stored `n:x p:y d:z` concepts as the name, parameters and docstring columns."""
    fields: dict[str, list[str]] = {"n": [], "p": [], "d": []}
    for item in (concepts or "").split():
        field, _, word = item.partition(":")
        fields.setdefault(field, []).append(word)
    return " ".join(fields["n"]), " ".join(fields["p"]), " ".join(fields["d"])


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return False
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def _filters(*, alias: str, **values: str | None) -> tuple[str, list[str]]:
    clauses: list[str] = []
    args: list[str] = []
    for column, value in values.items():
        if value is not None:
            clauses.append(f" AND {alias}.{column} = ?")
            args.append(value)
    return "".join(clauses), args

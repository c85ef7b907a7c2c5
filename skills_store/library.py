"""`SkillLibrary`: a directory holding one importable module per site plus `index.db`."""

from __future__ import annotations

import builtins
import difflib
import os
import re
import sqlite3
import textwrap
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .docstrings import parse_docstring
from .exporters import ExportFormat
from .index import SkillIndex
from .loader import import_module_file, module_name_for
from .models import SKILL_STATUSES, Provenance, Skill, SkillParam, SkillStatus, TestRecord, utc_now
from .module_writer import (
    file_lock,
    fingerprint,
    format_source,
    read_fingerprint,
    render_module,
    self_contained,
    write_atomic,
)
from .policy import PolicyViolation, check_skill_code, normalized_code_hash
from .tool_schemas import openai_tool

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

_SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
INDEX_FILE = "index.db"
LOCK_FILE = ".skillwright.lock"


class LibraryError(Exception):
    """The library cannot be used (bad path, unwritable, bad site name); one-line message."""


class SkillNotFoundError(KeyError, LibraryError):
    """No such skill or site. A `KeyError` whose message prints without quotes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class SkillLibrary:
    """Skills per site: `<path>/<site>.py` (verified skills, importable) and `<path>/index.db`.

    Safe to share between processes: index writes are `BEGIN IMMEDIATE` transactions in a WAL
    database, module files are written atomically under a file lock and regenerated from the
    index whenever they are stale.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        if self.path.exists() and not self.path.is_dir():
            raise LibraryError(f"cannot use skill library at {self.path}: not a directory")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise LibraryError(
                f"cannot use skill library at {self.path}: a parent path is not a directory"
            ) from None
        except OSError as exc:
            raise LibraryError(
                f"cannot create skill library at {self.path}: {exc.strerror or exc}"
            ) from None
        if not self.path.is_dir():
            raise LibraryError(f"cannot use skill library at {self.path}: not a directory")
        if not os.access(self.path, os.W_OK | os.X_OK):
            raise LibraryError(f"cannot use skill library at {self.path}: not writable")
        try:
            self._index = SkillIndex(self.path / INDEX_FILE)
        except sqlite3.Error as exc:
            raise LibraryError(f"cannot open skill index {self.path / INDEX_FILE}: {exc}") from None

    def __repr__(self) -> str:
        return f"SkillLibrary({str(self.path)!r})"

    def module_path(self, site: str) -> Path:
        """Where the site's importable module lives."""
        return self.path / f"{_check_site(site)}.py"

    # writing --------------------------------------------------------------------------------

    def add(
        self,
        code: str,
        site: str,
        *,
        status: SkillStatus = "candidate",
        tests: Iterable[TestRecord] = (),
        provenance: Provenance | None = None,
    ) -> Skill:
        """Check `code` against the policy and store it; returns the stored version.

        Identical code (same normalised AST) to an existing version of the same skill returns
        that version, with `tests` recorded on it and its status set to `status` unless that is
        "candidate" (re-adding never demotes). Different code under an existing name becomes a
        new version; older versions stay in the index.
        """
        _check_site(site)
        _check_status(status)
        code = textwrap.dedent(code).strip() + "\n"
        with self._index.read() as session:
            known = set(session.names(site))
        parsed = check_skill_code(code, allowed_calls=known)
        code_hash = normalized_code_hash(code)
        now = utc_now()
        records = builtins.list(tests)
        with self._index.write() as session:
            versions = session.versions(site, parsed.name)
            same = next((v for v in versions if v.code_hash == code_hash), None)
            if same is not None:
                was_verified = same.status == "verified"
                version = same.version
                session.insert_tests(site, parsed.name, version, records)
                if status != "candidate" and status != same.status:
                    session.set_status(site, parsed.name, version, status, now.isoformat())
                else:
                    session.touch(site, parsed.name, version, now.isoformat())
            else:
                was_verified = False
                version = max((v.version for v in versions), default=0) + 1
                docs = parse_docstring(parsed.docstring)
                session.insert_skill(
                    Skill(
                        site=site,
                        name=parsed.name,
                        signature=parsed.signature,
                        params=[
                            SkillParam(
                                name=p.name,
                                annotation=p.annotation or "",
                                default=p.default,
                                description=docs.args.get(p.name, ""),
                            )
                            for p in parsed.params
                        ],
                        returns=parsed.returns,
                        docstring=parsed.docstring,
                        code=code,
                        status=status,
                        version=version,
                        code_hash=code_hash,
                        tests=records,
                        provenance=provenance,
                        created_at=now,
                        updated_at=now,
                    )
                )
            stored = next(v for v in session.versions(site, parsed.name) if v.version == version)
        if was_verified or stored.status == "verified":
            self.write_module(site)
        return stored

    def record_tests(
        self, site: str, name: str, records: Iterable[TestRecord], *, version: int | None = None
    ) -> Skill:
        """Append test records to a skill (its latest version unless `version` is given)."""
        skill = self.get(name, site, version=version)
        with self._index.write() as session:
            session.insert_tests(site, name, skill.version, records)
            session.touch(site, name, skill.version, utc_now().isoformat())
        return self.get(name, site, version=skill.version)

    def set_status(
        self, site: str, name: str, status: SkillStatus, *, version: int | None = None
    ) -> Skill:
        """Change a skill's status (its latest version unless `version` is given)."""
        _check_status(status)
        skill = self.get(name, site, version=version)
        with self._index.write() as session:
            session.set_status(site, name, skill.version, status, utc_now().isoformat())
        if "verified" in (status, skill.status):
            self.write_module(site)
        return self.get(name, site, version=skill.version)

    def module_skills(self, site: str) -> builtins.list[Skill]:
        """The skills the site's module holds: the latest verified version of each skill,
        minus any that call a skill of the site with no verified version (they could not run).
        """
        with self._index.read() as session:
            verified = session.latest(site=site, status="verified")
            site_names = set(session.names(site))
        return self_contained(verified, site_names)

    def write_module(self, site: str, *, force: bool = False) -> Path:
        """(Re)write `<site>.py` from the index (see `module_skills`), atomically.

        Skipped when the file already holds exactly these skill versions, unless `force`.
        """
        path = self.module_path(site)
        with file_lock(self.path / LOCK_FILE):
            # Every writer holds the lock while its temp file exists: any left now is debris.
            for leftover in self.path.glob(f".{path.name}.*.tmp"):
                leftover.unlink(missing_ok=True)
            skills = self.module_skills(site)
            if force or read_fingerprint(path) != fingerprint(site, skills):
                write_atomic(path, format_source(render_module(site, skills)))
        return path

    # reading --------------------------------------------------------------------------------

    def list(
        self, site: str | None = None, status: SkillStatus | None = "verified"
    ) -> builtins.list[Skill]:
        """Per skill name, the latest version with `status` (None: the latest of any status)."""
        if status is not None:
            _check_status(status)
        with self._index.read() as session:
            return session.latest(site=site, status=status)

    def versions(self, name: str, site: str) -> builtins.list[Skill]:
        """Every stored version of a skill, oldest first."""
        with self._index.read() as session:
            found = session.versions(site, name)
        if not found:
            raise self._not_found(name, site)
        return found

    def get(self, name: str, site: str, *, version: int | None = None) -> Skill:
        """One skill: its latest version (any status) unless `version` is given."""
        found = self.versions(name, site)
        if version is None:
            return found[-1]
        for skill in found:
            if skill.version == version:
                return skill
        raise SkillNotFoundError(
            f"skill '{name}' for site '{site}' has no version {version} "
            f"(versions: {', '.join(str(s.version) for s in found)})"
        )

    def search(
        self,
        query: str,
        site: str | None = None,
        k: int = 5,
        *,
        status: SkillStatus | None = "verified",
    ) -> builtins.list[Skill]:
        """Best-matching skills (FTS5 bm25 over name, docstring and signature)."""
        if status is not None:
            _check_status(status)
        if not query.strip() or k <= 0:
            return []
        with self._index.read() as session:
            return session.search(query, site=site, status=status, k=k)

    def sites(self) -> builtins.list[str]:
        """Sites that have at least one skill (any status)."""
        with self._index.read() as session:
            return session.sites()

    # using ----------------------------------------------------------------------------------

    def load(self, site: str) -> ModuleType:
        """Import the site's module: its attributes are the skills (see `module_skills`).

        The file is a cache of the index: it is regenerated when stale, and once more if it was
        edited into something the module policy refuses or that does not compile.
        """
        path = self.module_path(site)
        self._require_site(site)
        self.write_module(site)  # no-op when the file is current
        name = module_name_for(site, self.path)
        try:
            return import_module_file(path, name)
        except (PolicyViolation, SyntaxError):
            self.write_module(site, force=True)
            return import_module_file(path, name)

    def as_openai_tools(self, site: str) -> builtins.list[dict[str, Any]]:
        """OpenAI function-calling tool definitions for the site's verified skills."""
        self._require_site(site)
        return [openai_tool(skill) for skill in self.module_skills(site)]

    def as_langchain_tools(self, site: str, page: Any) -> builtins.list[StructuredTool]:
        """One `StructuredTool` per verified skill, each calling the skill with `page`."""
        from .langchain_tools import structured_tool  # langchain-core is slow to import

        module = self.load(site)
        return [
            structured_tool(skill, getattr(module, skill.name), page)
            for skill in self.module_skills(site)
            if hasattr(module, skill.name)
        ]

    def export(self, site: str, fmt: ExportFormat, out_path: str | Path) -> Path:
        """Export the site's verified skills as "python", "openai" (JSON) or "langchain"."""
        from .exporters import export

        return export(self, site, fmt, out_path)

    # helpers --------------------------------------------------------------------------------

    def _require_site(self, site: str) -> None:
        _check_site(site)
        known = self.sites()
        if site not in known:
            close = difflib.get_close_matches(site, known, n=3)
            hint = f"did you mean: {', '.join(close)}?" if close else _known("sites", known)
            raise SkillNotFoundError(f"no skills for site '{site}' in {self.path}; {hint}")

    def _not_found(self, name: str, site: str) -> SkillNotFoundError:
        with self._index.read() as session:
            names = session.names(site)
        if not names:
            return SkillNotFoundError(
                f"no skill '{name}': site '{site}' has no skills; " + _known("sites", self.sites())
            )
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"did you mean: {', '.join(close)}?" if close else _known("skills", names)
        return SkillNotFoundError(f"no skill '{name}' for site '{site}'; {hint}")


def _known(what: str, names: builtins.list[str]) -> str:
    if not names:
        return f"no {what} yet"
    shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    return f"known {what}: {shown}"


def _check_site(site: str) -> str:
    if not isinstance(site, str) or not _SITE_NAME.match(site) or ".." in site:
        raise LibraryError(
            f"invalid site name {site!r}: use letters, digits, '_', '-' or '.' (no slashes)"
        )
    return site


def _check_status(status: str) -> None:
    if status not in SKILL_STATUSES:
        raise LibraryError(f"invalid status {status!r}: one of {', '.join(SKILL_STATUSES)}")

"""`SkillLibrary`: a directory holding one importable module per site plus `index.db`."""

from __future__ import annotations

import builtins
import difflib
import hashlib
import json
import os
import re
import textwrap
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .analysis import AnalysedSkill, analyse, policy_fingerprint
from .docstrings import parse_docstring
from .errors import IndexCorruptError, LibraryError, SkillNotFoundError
from .index import ModuleState, SkillIndex
from .loader import import_module_file, module_name_for
from .models import (
    LEGACY_STATUSES,
    SKILL_STATUSES,
    Provenance,
    Skill,
    SkillParam,
    SkillStatus,
    TestRecord,
    utc_now,
)
from .module_writer import (
    PLAYWRIGHT_NAMES,
    adjust_acc,
    file_lock,
    fingerprint_acc,
    fingerprint_from,
    format_blocks,
    header_imports,
    patch_module,
    read_fingerprint,
    render_module,
    self_contained,
    write_atomic,
)
from .policy import PolicyViolation, check_skill_code

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

    from .embeddings import Embedder
    from .exporters import ExportFormat

__all__ = ["LibraryError", "NewSkill", "SkillLibrary", "SkillNotFoundError", "StoredRef"]

_SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
INDEX_FILE = "index.db"
LOCK_FILE = ".skillwright.lock"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEF_NAME = re.compile(r"\s*async\s+def\s+(\w+)")
CACHE_DIR = ".cache"


@dataclass
class NewSkill:
    """One skill for `add_many`: its code and what to store with it."""

    code: str
    status: SkillStatus = "candidate"
    tests: Sequence[TestRecord] = field(default_factory=list)
    provenance: Provenance | None = None
    contract: dict[str, Any] | None = None  # what it was verified against (see `contract`)


@dataclass(frozen=True)
class StoredRef:
    """Which version `add_many` stored (or found identical) for one input."""

    name: str
    version: int
    new: bool


class SkillLibrary:
    """Skills per site: `<path>/<site>.py` (verified skills, importable) and `<path>/index.db`.

    Safe to share between processes: index writes are `BEGIN IMMEDIATE` transactions in a WAL
    database, module files are written atomically under a file lock and regenerated from the
    index whenever they are stale. Opening a library repairs any module left stale by a writer
    that died between committing to the index and rewriting the module.
    """

    def __init__(self, path: str | Path, *, embedder: Embedder | None = None) -> None:
        self.path = Path(path).expanduser()
        self.embedder = embedder
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
        import sqlite3

        try:
            self._index = SkillIndex(self.path / INDEX_FILE)
        except IndexCorruptError:
            raise
        except sqlite3.Error as exc:
            raise LibraryError(f"cannot open skill index {self.path / INDEX_FILE}: {exc}") from None
        self.repair()

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
        contract: dict[str, Any] | None = None,
    ) -> Skill:
        """Check `code` against the policy and store it; returns the stored version.

        Identical code (same normalised AST) to an existing version of the same skill returns
        that version, with `tests` recorded on it and its status set to `status` unless that is
        "candidate" (re-adding never demotes). Different code under an existing name becomes a
        new version; older versions stay in the index (`history`). `contract` is what the
        version was verified against (JSON data: test cases and post-conditions), kept so the
        version can be verified again later (`contract`); it replaces any recorded before.
        """
        item = NewSkill(code, status, builtins.list(tests), provenance, contract)
        (ref,) = self.add_many([item], site)
        return self.get(ref.name, site, version=ref.version)

    def add_many(
        self, items: Iterable[NewSkill | str], site: str, *, status: SkillStatus = "candidate"
    ) -> builtins.list[StoredRef]:
        """Store many skills in one transaction and rewrite the module once.

        Plain strings are stored with `status`. All-or-nothing: if any code is refused by the
        policy, nothing is stored. Skills of the batch may call each other.
        """
        _check_site(site)
        batch = [i if isinstance(i, NewSkill) else NewSkill(i, status) for i in items]
        for item in batch:
            item.status = _check_status(item.status)
            item.code = textwrap.dedent(item.code).strip() + "\n"
        if not batch:
            return []
        with self._index.read() as session:
            known = session.existing(site, _identifiers(item.code for item in batch))
        if len(batch) < 50:
            analysed = self._analyse(batch, known)
            formatted = self._format_new(batch)
        else:  # the formatter runs in other processes while this one checks the code
            with ThreadPoolExecutor(max_workers=1) as pool:
                pending = pool.submit(self._format_new, batch)
                analysed = self._analyse(batch, known)
                formatted = pending.result()
        allowed = known | {a.parsed.name for a in analysed}
        policy = policy_fingerprint()
        now = utc_now()
        refs: builtins.list[StoredRef] = []
        touches_module = False
        mine: int | None = None  # the generation this change makes
        with self._index.write() as session:
            for item, info, text in zip(batch, analysed, formatted, strict=True):
                name = info.parsed.name
                versions = session.version_hashes(site, name)
                same = next((v for v in versions if v[1] == info.code_hash), None)
                records = builtins.list(item.tests)
                if same is not None:
                    version, _, old_status = same
                    session.insert_tests(site, name, version, records)
                    if item.status != "candidate" and item.status != old_status:
                        session.set_status(site, name, version, item.status, now.isoformat())
                        touches_module = touches_module or "verified" in (item.status, old_status)
                    else:
                        session.touch(site, name, version, now.isoformat())
                    refs.append(StoredRef(name, version, False))
                else:
                    version = max((v[0] for v in versions), default=0) + 1
                    session.insert_skill(
                        _new_skill(site, info, item, version, now),
                        formatted=text,
                        names=info.names & (allowed | set(PLAYWRIGHT_NAMES)),
                        policy=policy,
                    )
                    touches_module = touches_module or item.status == "verified"
                    refs.append(StoredRef(name, version, True))
                if item.contract is not None:
                    session.set_contract(site, name, version, json.dumps(item.contract))
                session.refresh_name(site, name)
            session.site_id(site)
            if touches_module:
                session.bump(site)
                mine = session.generation(site)
        if touches_module:
            one = refs[0].name if len(refs) == 1 else None
            self.write_module(site, changed=one, changed_at=mine if one else None)
        return refs

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
        """Move a version along its lifecycle (its latest version unless `version` is given).

        candidate → verified → failing → retired; a failing version may be verified again.
        """
        status = _check_status(status)
        skill = self.get(name, site, version=version)
        touches_module = "verified" in (status, skill.status)
        mine: int | None = None
        with self._index.write() as session:
            session.set_status(site, name, skill.version, status, utc_now().isoformat())
            session.refresh_name(site, name)
            if touches_module:
                session.bump(site)
                mine = session.generation(site)
        if touches_module:
            self.write_module(site, changed=name, changed_at=mine)
        return self.get(name, site, version=skill.version)

    def record_usage(self, site: str, name: str, *, ok: bool, version: int | None = None) -> None:
        """Count one run of a skill inside Skillwright (the version the module holds, unless
        `version` is given)."""
        with self._index.write() as session:
            if version is None:
                heads = {v: st for v, _, st in session.version_hashes(site, name)}
                if not heads:
                    raise self._not_found(name, site)
                verified = [v for v, st in heads.items() if st == "verified"]
                version = max(verified or heads)
            session.record_usage(site, name, version, ok, utc_now().isoformat())

    def module_skills(self, site: str) -> builtins.list[Skill]:
        """The skills the site's module holds: the latest verified version of each skill,
        minus any that call a skill of the site with no verified version (they could not run).
        """
        with self._index.read() as session:
            verified = session.latest(site=site, status="verified")
            members = session.module_skills(site, texts=False)
        # the members record which site skills each calls: no need to parse the code again
        kept = self_contained(members, {m.name for m in members} | _callees(members))
        names = {m.name for m in kept}
        return [s for s in verified if s.name in names]

    def write_module(
        self,
        site: str,
        *,
        force: bool = False,
        changed: str | None = None,
        changed_at: int | None = None,
    ) -> ModuleState:
        """(Re)write `<site>.py` from the index (see `module_skills`), atomically.

        Skipped when the file is what was last written and the index has not changed since,
        unless `force`. Code is formatted once per version (cached in the index). When the one
        change since the file was written is the skill `changed`, committed as generation
        `changed_at`, the file is patched: that skill's text is read and the unchanged skills
        are copied as they are, so the cost does not grow with the site's skill count beyond
        copying the file.
        """
        path = self.module_path(site)
        with file_lock(self.path / LOCK_FILE):
            # Every writer holds the lock while its temp file exists: any left now is debris.
            for leftover in self.path.glob(f".{path.name}.*.tmp"):
                leftover.unlink(missing_ok=True)
            if not force:
                with self._index.read() as session:
                    generation = session.generation(site)
                    state = session.module_state(site)
                    stale = session.stale_policy(site, policy_fingerprint())
                current = state is not None and _file_matches(path, state)
                if current and state is not None and state.generation == generation and state.acc:
                    if stale:
                        self._recheck(site, stale)
                    return state
                # Only our own change may be patched in: the one pending generation must be the
                # one our transaction made. (Another writer's change can be the one pending when
                # ours was already rendered whole by someone else; patching ours again would
                # record that generation as written and leave the other change out.)
                if changed is not None and changed_at == generation and current and state:
                    patched = self._patch(site, path, state, generation, changed)
                    if patched is not None:
                        return patched
            return self._write_whole(site, path, force=force)

    def _write_whole(self, site: str, path: Path, *, force: bool) -> ModuleState:
        """Render the module from every member (under the file lock)."""
        with self._index.read() as session:
            generation = session.generation(site)
            state = session.module_state(site)
            skills = session.module_skills(site, texts=False)
        # `names` holds only the site skills a version calls and the Playwright names
        kept = self_contained(skills, {s.name for s in skills} | _callees(skills))
        acc = fingerprint_acc(kept)
        print_ = fingerprint_from(site, acc)
        self._recheck(site, kept)
        if not force and state is not None and state.fingerprint == print_:
            if _file_matches(path, state):  # the same skills: only the bookkeeping is behind
                state = ModuleState(generation, *_tail(state)[:4], f"{acc:032x}")
                with self._index.write() as session:
                    session.set_module_state(site, state)
                    session.set_written(site, kept)
                return state
        full = {s.name: s for s in self._full(site, kept)}
        kept = [full[s.name] for s in kept]
        codes = self._formatted_codes(site, kept)
        return self._save(site, path, generation, print_, acc, [render_module(site, kept, codes)
                          .encode("utf-8")], written=kept)  # fmt: skip

    def _save(
        self,
        site: str,
        path: Path,
        generation: int,
        print_: str,
        acc: int,
        pieces: Sequence[bytes | memoryview],
        *,
        written: Sequence[Any] | None = None,
        one: tuple[str, Any] | None = None,
    ) -> ModuleState:
        # no fsync: the module is a cache of the index, checked and repaired on open
        write_atomic(path, pieces, durable=False)
        digest = hashlib.sha256()
        for piece in pieces:
            digest.update(piece)
        stat = path.stat()
        state = ModuleState(
            generation, print_, digest.hexdigest(), stat.st_size, stat.st_mtime_ns, f"{acc:032x}"
        )
        with self._index.write() as session:
            session.set_module_state(site, state)
            if written is not None:
                session.set_written(site, written)
            if one is not None:
                session.set_written_one(site, *one)
        return state

    def _patch(
        self, site: str, path: Path, state: ModuleState, generation: int, changed: str
    ) -> ModuleState | None:
        """The module patched for `changed` alone, if that is the one change since the file
        was written and it adds or replaces a skill; None otherwise (render it whole)."""
        if not state.acc or generation != state.generation + 1:
            return None  # not only our change is pending: other writers' changes too
        with self._index.read() as session:
            found = session.module_skills(site, names=[changed])
            old = session.written(site, changed)
            if not found:
                return None  # the skill leaves the module: rendered whole
            (new,) = found
            calls = set(new.names) - set(PLAYWRIGHT_NAMES) - {changed}
            if calls and session.written_names(site, calls) != calls:
                return None  # it calls a skill the module lacks
            if old is None and session.callers(site, changed):
                return None  # skills waiting for this one may join the module
            after = None if old is not None else session.written_after(site, changed)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != state.sha256:
            return None
        imports = header_imports(data)
        uses = set(new.names) & set(PLAYWRIGHT_NAMES)
        if imports is None or not uses <= imports:
            return None  # a new import: rendered whole
        if old is not None and not set(old[2]) & set(PLAYWRIGHT_NAMES) <= uses:
            return None  # the old version used an import the new one does not
        self._recheck(site, [new])
        text = self._formatted_codes(site, [new])[changed]
        acc = adjust_acc(
            int(state.acc, 16),
            (changed, old[0], old[1]) if old is not None else None,
            (changed, new.version, new.code_hash),
        )
        print_ = fingerprint_from(site, acc)
        pieces = patch_module(data, site, print_, changed, text, old is not None, after)
        if pieces is None:
            return None
        return self._save(site, path, generation, print_, acc, pieces, one=(changed, new))

    def _full(self, site: str, entries: Sequence[Any]) -> builtins.list[Any]:
        """The module entries again, with their code."""
        with self._index.read() as session:
            return session.module_skills(site, names=[e.name for e in entries])

    def repair(self) -> builtins.list[str]:
        """Rewrite every module that does not match the index (a writer died between the two,
        or the file was edited or deleted); returns the sites repaired. Runs on open."""
        with self._index.read() as session:
            generations = session.generations()
            states = session.module_states()
            with_verified = {
                r[0]
                for r in session.conn.execute(
                    "SELECT DISTINCT site FROM skills WHERE status = 'verified'"
                )
            }
        repaired: builtins.list[str] = []
        for site, generation in sorted(generations.items()):
            state = states.get(site)
            if state is None:
                stale = site in with_verified
            else:
                stale = state.generation != generation or not _file_matches(
                    self.module_path(site), state
                )
            if stale:
                before = read_fingerprint(self.module_path(site))
                try:
                    after = self.write_module(site)
                except PolicyViolation:
                    continue  # reported by `load`, which names the skill; opening still works
                if before != after.fingerprint:
                    repaired.append(site)
        return repaired

    @classmethod
    def rebuild_index(cls, path: str | Path) -> SkillLibrary:
        """Recover a library whose `index.db` is damaged: the damaged file is moved aside
        (`index.db.damaged-<time>`) and every skill in the site modules is stored again as
        verified (test records and older versions lived only in the damaged index)."""
        from .policy import check_module_code

        root = Path(path).expanduser()
        index = root / INDEX_FILE
        stamp = utc_now().strftime("%Y%m%dT%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{index}{suffix}")
            if part.exists():
                part.rename(Path(f"{index}.damaged-{stamp}{suffix}"))
        sources = {p.stem: p.read_text(encoding="utf-8") for p in sorted(root.glob("*.py"))}
        library = cls(root)
        for site, source in sources.items():
            if not _SITE_NAME.match(site):
                continue
            lines = source.splitlines()
            codes = [
                "\n".join(lines[s.node.lineno - 1 : s.node.end_lineno])
                for s in check_module_code(source)
            ]
            library.add_many(codes, site, status="verified")
        return library

    # reading --------------------------------------------------------------------------------

    def list(
        self, site: str | None = None, status: SkillStatus | None = "verified"
    ) -> builtins.list[Skill]:
        """Per skill name, the latest version with `status` (None: the latest of any status)."""
        if status is not None:
            status = _check_status(status)
        with self._index.read() as session:
            return session.latest(site=site, status=status)

    def contract(
        self, site: str, name: str, *, version: int | None = None
    ) -> dict[str, Any] | None:
        """The contract a version (the latest unless `version`) was verified against, as given
        to `add`; None for versions stored without one."""
        skill = self.get(name, site, version=version)
        with self._index.read() as session:
            text = session.contract(site, name, skill.version)
        return json.loads(text) if text is not None else None

    def versions(self, name: str, site: str) -> builtins.list[Skill]:
        """Every stored version of a skill, oldest first."""
        with self._index.read() as session:
            found = session.versions(site, name)
        if not found:
            raise self._not_found(name, site)
        return found

    def history(self, site: str, name: str) -> builtins.list[Skill]:
        """Every version of a skill, oldest first, with its status, tests, provenance, usage."""
        return self.versions(name, site)

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
        """Best-matching skills: by name, docstring and parameters (synonyms folded), then usage.

        `status=None` searches the latest version of every skill, whatever its status.
        """
        from .search import candidate_limit, parse_query, rerank

        if status is not None:
            status = _check_status(status)
        if not query.strip() or k <= 0:
            return []
        parsed = parse_query(query)
        limit = candidate_limit(k)
        with self._index.read() as session:
            # Skills having every concept first: a selective lookup. Only when there are too
            # few of those, skills having any of them (ranking those costs per match).
            several = len(parsed.terms) > 1
            rows = session.search_rows(parsed.terms, site, status, limit, every=several)
            if several and len(rows) < k:
                seen = {r.rowid for r in rows}
                rows += [
                    r
                    for r in session.search_rows(parsed.terms, site, status, limit)
                    if r.rowid not in seen
                ]
        similarity = None
        if self.embedder is not None:
            from .embeddings import semantic_candidates

            extra, similarity = semantic_candidates(
                self._index, self.embedder, query, site, status, candidate_limit(k)
            )
            seen = {r.rowid for r in rows}
            rows += [r for r in extra if r.rowid not in seen]
        ranked = rerank(parsed, rows, similarity=similarity)[:k]
        with self._index.read() as session:
            return session.by_rowids([r.rowid for r in ranked])

    def generation(self, site: str) -> int:
        """A number that changes whenever the site's verified skills may have changed (a cheap
        cache key for anything built from them)."""
        with self._index.read() as session:
            return session.generation(site)

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
        state = self.write_module(site)  # no-op when the file is current
        name = module_name_for(site, self.path)
        cache = self.path / CACHE_DIR
        try:
            return import_module_file(path, name, trusted_sha256=state.sha256, cache_dir=cache)
        except (PolicyViolation, SyntaxError):
            state = self.write_module(site, force=True)
            return import_module_file(path, name, trusted_sha256=state.sha256, cache_dir=cache)

    def as_openai_tools(
        self, site: str, *, include_all: bool = False
    ) -> builtins.list[dict[str, Any]]:
        """OpenAI function-calling tool definitions for the site's verified skills."""
        from .tool_schemas import openai_tool

        self._require_site(site)
        return [openai_tool(skill) for skill in self.export_skills(site, include_all=include_all)]

    def as_langchain_tools(self, site: str, page: Any) -> builtins.list[StructuredTool]:
        """One `StructuredTool` per verified skill, each calling the skill with `page`."""
        from .langchain_tools import structured_tool  # langchain-core is slow to import

        module = self.load(site)
        return [
            structured_tool(skill, getattr(module, skill.name), page)
            for skill in self.module_skills(site)
            if hasattr(module, skill.name)
        ]

    def export_skills(self, site: str, *, include_all: bool = False) -> builtins.list[Skill]:
        """What exports hold: the module's skills, or with `include_all` the latest version of
        every skill whatever its status (those that call a missing skill are still left out)."""
        if not include_all:
            return self.module_skills(site)
        with self._index.read() as session:
            latest = session.latest(site=site, status=None)
            site_names = set(session.names(site))
        return self_contained(latest, site_names)

    def export(
        self, site: str, fmt: ExportFormat, out_path: str | Path, *, include_all: bool = False
    ) -> Path:
        """Export the site's verified skills as "python", "openai" (JSON), "langchain",
        "agent-skills" (a folder per skill) or "package" (an installable package)."""
        from .exporters import export

        return export(self, site, fmt, out_path, include_all=include_all)

    def export_package(self, site: str, dest: str | Path, *, include_all: bool = False) -> Path:
        """Write an installable package of the site's skills (runtime dependency: playwright)."""
        from .package_export import export_package

        return export_package(self, site, dest, include_all=include_all)

    # helpers --------------------------------------------------------------------------------

    def _analyse(self, batch: Sequence[NewSkill], known: set[str]) -> builtins.list[AnalysedSkill]:
        """Policy-check every item (batch names may be called); raise before storing any."""
        batch_names = {m.group(1) for item in batch if (m := _DEF_NAME.match(item.code))}
        allowed = known | batch_names
        results: builtins.list[AnalysedSkill] = []
        for position, item in enumerate(batch):
            try:
                results.append(analyse(item.code, allowed_calls=allowed))
            except PolicyViolation as exc:
                if len(batch) == 1:
                    raise
                raise PolicyViolation(
                    f"skill {position + 1} of {len(batch)}: {exc}; nothing was stored"
                ) from None
        return results

    def _format_new(self, batch: Sequence[NewSkill]) -> builtins.list[str | None]:
        """Formatted code for verified items (one formatter run for the batch); None else."""
        wanted = [i for i, item in enumerate(batch) if item.status == "verified"]
        out: builtins.list[str | None] = [None] * len(batch)
        for index, text in zip(wanted, format_blocks([batch[i].code for i in wanted]), strict=True):
            out[index] = text
        return out

    def _formatted_codes(self, site: str, skills: Sequence[Any]) -> dict[str, str]:
        """Each module skill's formatted code, formatting (and caching) any not yet done."""
        missing = [s for s in skills if s.formatted is None]
        done = format_blocks([s.code for s in missing])
        fresh = [(s.name, s.version, text) for s, text in zip(missing, done, strict=True) if text]
        if fresh:
            with self._index.write() as session:
                session.set_formatted(site, fresh)
        codes = {s.name: s.formatted or s.code for s in skills}
        codes.update({name: text for name, _, text in fresh})
        return codes

    def _recheck(self, site: str, skills: Sequence[Any]) -> None:
        """Skills stored under other policy rules are checked again before the module holds
        them; a refused one is a clear error (nothing is changed or lost)."""
        policy = policy_fingerprint()
        stale = [s for s in skills if s.policy != policy]
        if not stale:
            return
        with self._index.read() as session:  # the skills a stored one may call
            names = set(session.names(site))
        for skill in self._full(site, stale) if not stale[0].code else stale:
            try:
                check_skill_code(skill.code, allowed_calls=names - {skill.name})
            except PolicyViolation as exc:
                raise PolicyViolation(
                    f"stored skill {site}.{skill.name} v{skill.version} is refused by the "
                    f"current policy: {exc}; mark it failing or retired "
                    f"(`SkillLibrary.set_status`) to write the module without it"
                ) from None
        with self._index.write() as session:
            session.set_policy(site, [(s.name, s.version) for s in stale], policy)

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


def _new_skill(site: str, info: AnalysedSkill, item: NewSkill, version: int, now: Any) -> Skill:
    parsed = info.parsed
    docs = parse_docstring(parsed.docstring)
    return Skill(
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
        code=item.code,
        status=item.status,
        version=version,
        code_hash=info.code_hash,
        tests=builtins.list(item.tests),
        provenance=item.provenance,
        created_at=now,
        updated_at=now,
    )


def _identifiers(codes: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for code in codes:
        found.update(_IDENTIFIER.findall(code))
    return found


def _callees(skills: Sequence[Any]) -> set[str]:
    out: set[str] = set()
    for skill in skills:
        out |= skill.names
    return out - set(PLAYWRIGHT_NAMES)


def _file_matches(path: Path, state: ModuleState) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    return stat.st_size == state.size and stat.st_mtime_ns == state.mtime_ns


def _tail(state: ModuleState) -> tuple[str, str, int, int]:
    return state.fingerprint, state.sha256, state.size, state.mtime_ns


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


def _check_status(status: str) -> SkillStatus:
    status = LEGACY_STATUSES.get(status, status)  # type: ignore[assignment]
    if status not in SKILL_STATUSES:
        raise LibraryError(f"invalid status {status!r}: one of {', '.join(SKILL_STATUSES)}")
    return status  # type: ignore[return-value]

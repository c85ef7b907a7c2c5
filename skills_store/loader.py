"""Import a generated skill module from its file, re-checking it against the policy first.

A module file whose SHA-256 is the one the library recorded when it wrote the file from the
index is *trusted*: each of its skills passed the policy when stored (and is re-checked when the
policy changes, see `SkillLibrary.load`), so the whole-module check is skipped and its compiled
code is cached under `<library>/.cache/` keyed by that hash. Any other file is checked in full.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path
from types import CodeType, ModuleType

from .policy import check_module_code


class _CheckedSourceLoader(importlib.machinery.SourceFileLoader):
    """Compiles from source after the module policy accepts it (no `__pycache__`).

    Skipping `__pycache__` matters: a module rewritten twice within one second with the same
    size would otherwise be served from stale bytecode.
    """

    def __init__(
        self, fullname: str, path: str, trusted_sha256: str | None, cache_dir: Path | None
    ) -> None:
        super().__init__(fullname, path)
        self.trusted_sha256 = trusted_sha256
        self.cache_dir = cache_dir

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        data = self.get_data(path)
        digest = hashlib.sha256(data).hexdigest()
        trusted = self.trusted_sha256 is not None and digest == self.trusted_sha256
        if not trusted:
            check_module_code(data.decode("utf-8"))
            return compile(data, path, "exec", dont_inherit=True)
        cached = self._cache_file(fullname, digest)
        if cached is not None:
            try:
                code = marshal.loads(cached.read_bytes())
                if isinstance(code, CodeType) and code.co_filename == path:
                    return code
            except (OSError, EOFError, ValueError, TypeError):
                pass
        code = compile(data, path, "exec", dont_inherit=True)
        if cached is not None:
            _store(cached, marshal.dumps(code), stale=f"{fullname}-*.code")
        return code

    def _cache_file(self, fullname: str, digest: str) -> Path | None:
        if self.cache_dir is None:
            return None
        tag = sys.implementation.cache_tag or "py"
        return self.cache_dir / f"{fullname}-{digest[:32]}.{tag}.code"


def _store(path: Path, data: bytes, *, stale: str) -> None:
    """Best effort: write the cache file atomically and drop older ones for the module."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(stale):
            if old != path:
                old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        pass


def module_name_for(site: str, library_dir: Path) -> str:
    """A unique, importable module name for `site` in the library at `library_dir`."""
    slug = re.sub(r"\W", "_", site)
    digest = hashlib.sha256(str(library_dir.resolve()).encode()).hexdigest()[:8]
    return f"skillwright_library_{slug}_{digest}"


def import_module_file(
    path: Path,
    module_name: str,
    *,
    trusted_sha256: str | None = None,
    cache_dir: Path | None = None,
) -> ModuleType:
    """Execute the module file at `path` as a fresh module registered as `module_name`.

    The file is checked against the module policy unless its SHA-256 equals `trusted_sha256`.
    """
    loader = _CheckedSourceLoader(module_name, str(path), trusted_sha256, cache_dir)
    spec = importlib.util.spec_from_file_location(module_name, path, loader=loader)
    if spec is None:  # pragma: no cover - only for paths without a loader
        raise ImportError(f"cannot import skill module {path}")
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(module_name)
    sys.modules[module_name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        if previous is not None:
            sys.modules[module_name] = previous
        else:
            sys.modules.pop(module_name, None)
        raise
    return module

"""Import a generated skill module from its file, re-checking it against the policy first.

A module file whose SHA-256 is the one the library recorded when it wrote the file from the
index is *trusted*: each of its skills passed the policy when stored (and is re-checked when the
policy changes, see `SkillLibrary.load`), so the whole-module check is skipped. A trusted module
is executed block by block (header, one block per skill, `__all__`), each block's compiled code
cached under `<library>/.cache/` by the hash of its text and moved to its line in the file, so a
module that gained one skill compiles one function, not ten thousand. Any other file is checked
and compiled in full.
"""

from __future__ import annotations
import __future__

import gc
import hashlib
import importlib.machinery
import importlib.util
import itertools
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from .policy import check_module_code

_BLOCK_START = b"\n\n\nasync def "
_ALL_START = b"\n\n\n__all__"
_FLAGS = __future__.annotations.compiler_flag


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
        check_module_code(data.decode("utf-8"))
        return compile(data, path, "exec", dont_inherit=True)

    def exec_module(self, module: ModuleType) -> None:
        path = self.get_filename(module.__name__)
        data = self.get_data(path)
        trusted = self.trusted_sha256 is not None
        if trusted and hashlib.sha256(data).hexdigest() == self.trusted_sha256:
            # thousands of code and function objects: the cyclic collector would walk them
            # again and again while they are made, and none of them is garbage yet
            collecting = gc.isenabled()
            gc.disable()
            try:
                codes = self._block_codes(module.__name__, path, data)
                if codes is not None:
                    for code in codes:
                        exec(code, module.__dict__)
                    return
            finally:
                if collecting:
                    gc.enable()
        super().exec_module(module)  # checked in full (get_code)

    def _block_codes(self, fullname: str, path: str, data: bytes) -> list[CodeType] | None:
        """The trusted module's code, one code object per block; None if it does not split."""
        blocks = _split_blocks(data)
        if blocks is None:
            return None
        cache_file = self._cache_file(fullname)
        cached: dict[str, CodeType] = {}
        if cache_file is not None:
            try:
                loaded = marshal.loads(cache_file.read_bytes())
                if isinstance(loaded, dict) and loaded.get("__file__") == path:
                    cached = loaded
            except (OSError, EOFError, ValueError, TypeError):
                pass
        fresh: dict[str, Any] = {"__file__": path}
        codes: list[CodeType] = []
        for line, text in blocks:
            key = hashlib.sha1(text).hexdigest()
            code = cached.get(key)
            if not isinstance(code, CodeType):
                try:
                    code = compile(text, path, "exec", flags=_FLAGS, dont_inherit=True)
                except SyntaxError:  # not split where expected: compile the file whole
                    return None
            fresh[key] = code
            codes.append(_relocate(code, line - 1))
        if cache_file is not None and fresh.keys() != cached.keys():
            _store(cache_file, marshal.dumps(fresh), stale=f"{fullname}.*.blocks")
        return codes

    def _cache_file(self, fullname: str) -> Path | None:
        if self.cache_dir is None:
            return None
        tag = sys.implementation.cache_tag or "py"
        return self.cache_dir / f"{fullname}.{tag}.blocks"


def _split_blocks(data: bytes) -> list[tuple[int, bytes]] | None:
    """(first line, text) of the header, each skill and the `__all__` tail of a module written
    by the library (two blank lines before every top-level definition and `__all__`)."""
    tail = data.rfind(_ALL_START)
    if tail < 0:
        return None
    cuts = [0]
    position = data.find(_BLOCK_START, 0, tail)
    while position >= 0:
        cuts.append(position + 3)
        position = data.find(_BLOCK_START, position + 3, tail)
    cuts += [tail + 3, len(data)]
    blocks: list[tuple[int, bytes]] = []
    line = 1
    for start, end in itertools.pairwise(cuts):
        text = data[start:end]
        blocks.append((line, text))
        line += text.count(b"\n")
    return blocks


def _relocate(code: CodeType, offset: int) -> CodeType:
    """`code` compiled as if it started `offset` lines further down its file."""
    if offset == 0:
        return code
    consts = tuple(_relocate(c, offset) if isinstance(c, CodeType) else c for c in code.co_consts)
    return code.replace(co_firstlineno=code.co_firstlineno + offset, co_consts=consts)


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

"""Import a generated skill module from its file, re-checking it against the policy first."""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import re
import sys
from pathlib import Path
from types import CodeType, ModuleType

from .policy import check_module_code


class _CheckedSourceLoader(importlib.machinery.SourceFileLoader):
    """Compiles straight from source (no bytecode cache) after the module policy accepts it.

    Skipping `__pycache__` matters: a module rewritten twice within one second with the same
    size would otherwise be served from stale bytecode.
    """

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        source = self.get_data(path).decode("utf-8")
        check_module_code(source)
        return compile(source, path, "exec", dont_inherit=True)


def module_name_for(site: str, library_dir: Path) -> str:
    """A unique, importable module name for `site` in the library at `library_dir`."""
    slug = re.sub(r"\W", "_", site)
    digest = hashlib.sha256(str(library_dir.resolve()).encode()).hexdigest()[:8]
    return f"skillwright_library_{slug}_{digest}"


def import_module_file(path: Path, module_name: str) -> ModuleType:
    """Execute the module file at `path` as a fresh module registered as `module_name`."""
    loader = _CheckedSourceLoader(module_name, str(path))
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

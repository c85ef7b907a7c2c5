"""Export a site's skills as an installable Python package whose only dependency is Playwright.

    <dest>/pyproject.toml                  name skillwright-<site>-skills, dependencies: playwright
    <dest>/README.md
    <dest>/src/<package>/__init__.py       the skills (import and await them with a Page)
    <dest>/src/<package>/__main__.py       python -m <package> list | <skill> --base-url URL ...
    <dest>/src/<package>/py.typed

`pip install <dest>` (or build a wheel from it) gives `import <package>` with no Skillwright,
library folder or index involved.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .module_writer import PLAYWRIGHT_NAMES, format_source, names_used, write_atomic
from .standalone import RUNNER, RUNNER_IMPORTS, skills_table

if TYPE_CHECKING:
    from .library import SkillLibrary
    from .models import Skill

PLAYWRIGHT_REQUIREMENT = "playwright>=1.40"


def package_name(site: str) -> str:
    """The import name: `shop` → `skillwright_shop_skills`."""
    return "skillwright_" + re.sub(r"\W+", "_", site.lower()).strip("_") + "_skills"


def distribution_name(site: str) -> str:
    return package_name(site).replace("_", "-")


def _init_source(site: str, skills: list[Skill]) -> str:
    used = names_used(s.code for s in skills) | {"Page"}
    imports = ", ".join(n for n in PLAYWRIGHT_NAMES if n in used)
    names = sorted(s.name for s in skills)
    parts = [
        f'"""Verified Playwright skills for the {site} site, exported by Skillwright.',
        "",
        "Each skill is `async def name(page, ...)`; give it a page whose browser context was",
        "created with `base_url` set to the site's address. From a shell:",
        f"python -m {package_name(site)} --help",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        f"from playwright.async_api import {imports}",
        "",
    ]
    for skill in sorted(skills, key=lambda s: s.name):
        parts += ["", skill.code.strip(), ""]
    parts += ["", f"__all__ = {names!r}", ""]
    return format_source("\n".join(parts))


def _main_source(site: str, skills: list[Skill]) -> str:
    package = package_name(site)
    functions = ", ".join(f'"{s.name}": {s.name}' for s in skills)
    parts = [
        f'"""python -m {package} [list | SKILL --base-url URL --PARAMETER VALUE ...]"""',
        "",
        "from __future__ import annotations",
        "",
        *RUNNER_IMPORTS,
        "",
        f"from {package} import {', '.join(sorted(s.name for s in skills)) or '__all__'}",
        "",
        f"SKILLS: dict[str, dict[str, Any]] = {skills_table(skills)}",
        f"FUNCTIONS: dict[str, Callable[..., Awaitable[Any]]] = {{{functions}}}",
        RUNNER,
        "",
        "def main(argv: list[str] | None = None) -> int:",
        "    args = sys.argv[1:] if argv is None else argv",
        '    if not args or args[0] in ("list", "-h", "--help"):',
        "        for name, spec in SKILLS.items():",
        "            print(f\"{name}: {spec['summary'].splitlines()[0]}\")",
        "        return 0",
        "    if args[0] not in SKILLS:",
        '        print(f"unknown skill {args[0]!r}; see `list`", file=sys.stderr)',
        "        return 2",
        "    return run_cli(args[0], args[1:])",
        "",
        "",
        'if __name__ == "__main__":',
        "    sys.exit(main())",
        "",
    ]
    return format_source("\n".join(parts))


def _pyproject(site: str, version: str) -> str:
    return "\n".join(
        [
            "[build-system]",
            'requires = ["setuptools>=61"]',
            'build-backend = "setuptools.build_meta"',
            "",
            "[project]",
            f'name = "{distribution_name(site)}"',
            f'version = "{version}"',
            f'description = "Verified Playwright skills for the {site} site (Skillwright export)"',
            'readme = "README.md"',
            'requires-python = ">=3.9"',
            f'dependencies = ["{PLAYWRIGHT_REQUIREMENT}"]',
            "",
            "[tool.setuptools.packages.find]",
            'where = ["src"]',
            "",
            "[tool.setuptools.package-data]",
            f'{package_name(site)} = ["py.typed"]',
            "",
        ]
    )


def _readme(site: str, skills: list[Skill]) -> str:
    package = package_name(site)
    lines = [
        f"# {distribution_name(site)}",
        "",
        f"Verified Playwright skills for the {site} site, exported by Skillwright. The only",
        "runtime dependency is `playwright`.",
        "",
        "```python",
        f"from {package} import {skills[0].name if skills else '...'}",
        "# page: a Playwright Page whose context has base_url set to the site's address",
        "```",
        "",
        f"From a shell: `python -m {package} list`, then",
        f"`python -m {package} SKILL --base-url URL --PARAMETER VALUE ...`",
        "(`--executable PATH` or `$PLAYWRIGHT_CHROMIUM_EXECUTABLE` picks the Chromium).",
        "",
        "| skill | version | signature |",
        "| --- | --- | --- |",
    ]
    for skill in skills:
        lines.append(f"| `{skill.name}` | {skill.version} | `{skill.signature}` |")
    return "\n".join(lines) + "\n"


def export_package(
    library: SkillLibrary, site: str, dest: str | Path, *, include_all: bool = False
) -> Path:
    """Write the package source tree at `dest` (replacing an earlier export); returns `dest`."""
    library.load(site)  # clear error for an unknown site
    skills = library.export_skills(site, include_all=include_all)
    out = Path(dest)
    src = out / "src" / package_name(site)
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    version = f"0.{sum(s.version for s in skills)}.{len(skills)}"
    write_atomic(out / "pyproject.toml", _pyproject(site, version))
    write_atomic(out / "README.md", _readme(site, skills))
    write_atomic(src / "__init__.py", _init_source(site, skills))
    write_atomic(src / "__main__.py", _main_source(site, skills))
    write_atomic(src / "py.typed", "")
    return out

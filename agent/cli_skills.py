"""`skillwright skills ...` command bodies beyond list/show/search: export, history, rebuild-index.

Kept out of `agent/cli.py` so the command table stays short; nothing here is imported until a
command runs (the skill library and exporters load on use).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agent.errors import SkillwrightError

if TYPE_CHECKING:
    from rich.console import Console

    from skills_store import Skill

EXPORT_FORMATS = ("python", "langchain", "openai", "agent-skills", "package")
LibraryOpt = Annotated[
    Path | None,
    typer.Option(
        "--library", help="Library folder (default $SKILLWRIGHT_LIBRARY or ./skill_library)."
    ),
]


def skills_table(console: Console, skills: Sequence[Skill], title: str) -> None:
    """The skills as a table: site, name, signature, status, tests passed, version, usage."""
    from rich.table import Table

    table = Table("site", "skill", "signature", "status", "tests", "v", "used", title=title)
    for skill in skills:
        passed = sum(1 for t in skill.tests if t.passed)
        table.add_row(
            skill.site,
            skill.name,
            skill.signature,
            skill.status,
            f"{passed}/{len(skill.tests)}",
            str(skill.version),
            f"{skill.successes}/{skill.calls}" if skill.calls else "",
        )
    console.print(table)


def export(
    site: str, fmt: str, out: Path, library: Path, include_all: bool, console: Console
) -> None:
    """`skills export`: one file (python, langchain, openai) or a folder (agent-skills, package)."""
    from skills_store import SkillLibrary

    if fmt not in EXPORT_FORMATS:
        raise SkillwrightError(f"unknown format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    lib = SkillLibrary(library)
    path = lib.export(site, fmt, out, include_all=include_all)  # type: ignore[arg-type]
    console.print(f"wrote {path}")


def register(
    skills_app: typer.Typer, console: Console, library_path: Callable[[Path | None], Path]
) -> None:
    """Add `skills history` and `skills rebuild-index` to the `skills` command group."""

    @skills_app.command("history")
    def skills_history(
        name: str,
        site: Annotated[str, typer.Option(help="Site of the skill.")],
        library: LibraryOpt = None,
    ) -> None:
        """Every version of a skill: status, tests passed, usage, when and where it came from."""
        from rich.table import Table

        from skills_store import SkillLibrary

        lib = SkillLibrary(library_path(library))
        table = Table("v", "status", "tests", "used", "created", "verified", "from", title=name)
        for skill in lib.history(site, name):
            passed = sum(1 for t in skill.tests if t.passed)
            origin = skill.provenance.source_task or "" if skill.provenance else ""
            table.add_row(
                str(skill.version),
                skill.status,
                f"{passed}/{len(skill.tests)}",
                f"{skill.successes}/{skill.calls}",
                skill.created_at.strftime("%Y-%m-%d %H:%M"),
                skill.verified_at.strftime("%Y-%m-%d %H:%M") if skill.verified_at else "",
                origin,
            )
        console.print(table)

    @skills_app.command("rebuild-index")
    def skills_rebuild_index(library: LibraryOpt = None) -> None:
        """Recover a damaged index.db from the site modules (the damaged file is kept aside)."""
        from skills_store import SkillLibrary

        lib = SkillLibrary.rebuild_index(library_path(library))
        kept = len(lib.list())
        console.print(f"rebuilt {lib.path / 'index.db'}: {kept} verified skills recovered")

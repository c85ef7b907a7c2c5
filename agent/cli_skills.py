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

    @skills_app.command("verify")
    def skills_verify(
        site: Annotated[
            str | None, typer.Option(help="Only this site (default: every site of the library).")
        ] = None,
        target: Annotated[
            str | None,
            typer.Option(
                help="Where to run the skills: a bundled site NAME or a URL "
                "(default: the site itself when it is a bundled site)."
            ),
        ] = None,
        theme: Annotated[
            str | None, typer.Option(help="Theme of a bundled site (e.g. v2: changed markup).")
        ] = None,
        repair: Annotated[
            bool,
            typer.Option(
                "--repair",
                help="Re-ground broken skills and store those that pass as new versions.",
            ),
        ] = False,
        llm: Annotated[
            str | None,
            typer.Option(help="LLM spec: its repair loop is tried where re-grounding fails."),
        ] = None,
        library: LibraryOpt = None,
    ) -> None:
        """Re-run each verified skill's stored test cases against the live, reset site; mark the
        broken ones failing (with --repair: re-ground them into new verified versions)."""
        from agent.interrupts import run_interruptible

        checks = verify_plan(library_path(library), site, target, theme)
        repairer = _model_repairer(llm) if llm else None
        still_failing = 0
        for lib, name, where, shown_theme in checks:
            console.print(f"[bold]{name}[/]: verifying against {where}"
                          + (f" (theme {shown_theme})" if shown_theme else ""))  # fmt: skip
            report = run_interruptible(
                _verify_one(lib, name, where, shown_theme, repair, repairer, console)
            )
            drift_summary(console, report, repair)
            still_failing += report.count("failing", "unrepaired")
        if still_failing:
            raise typer.Exit(1)

    @skills_app.command("rebuild-index")
    def skills_rebuild_index(library: LibraryOpt = None) -> None:
        """Recover a damaged index.db from the site modules (the damaged file is kept aside)."""
        from skills_store import SkillLibrary

        lib = SkillLibrary.rebuild_index(library_path(library))
        kept = len(lib.list())
        console.print(f"rebuilt {lib.path / 'index.db'}: {kept} verified skills recovered")


def verify_plan(
    library: Path, site: str | None, target: str | None, theme: str | None
) -> list[tuple[object, str, str, str | None]]:
    """(library, site, target, theme) per site to verify; one-line errors for bad input before
    any site starts."""
    from sites.registry import BUNDLED_SITES
    from skills_store import SkillLibrary

    if target is not None and "://" not in target and target not in BUNDLED_SITES:
        raise SkillwrightError(
            f"unknown target {target!r}: use a bundled site ({', '.join(BUNDLED_SITES)}) "
            "or an http(s) URL"
        )
    if target is not None and "://" in target:
        from agent.target import check_target_url

        check_target_url(target)
        if theme is not None:
            raise SkillwrightError("--theme applies to bundled sites, not to a URL target")
    if not library.is_dir():
        raise SkillwrightError(f"no skill library at {library}")
    lib = SkillLibrary(library)
    known = lib.sites()
    if not known:
        raise SkillwrightError(f"the library at {lib.path} has no skills")
    if site is not None and site not in known:
        import difflib

        close = difflib.get_close_matches(site, known, n=3)
        hint = f"did you mean: {', '.join(close)}?" if close else f"known sites: {', '.join(known)}"
        raise SkillwrightError(f"no skills for site {site!r} in {lib.path}; {hint}")
    sites = [site] if site is not None else known
    if target is not None and len(sites) > 1:
        raise SkillwrightError(
            f"--target runs one site's skills: add --site (one of {', '.join(known)})"
        )
    plan: list[tuple[object, str, str, str | None]] = []
    for name in sites:
        where = target or name
        if where not in BUNDLED_SITES and "://" not in where:
            raise SkillwrightError(
                f"site {name!r} is not a bundled site: give --target URL (and --site {name})"
            )
        shown = None if "://" in where else theme or "v1"
        plan.append((lib, name, where, shown))
    return plan


async def _verify_one(
    lib: object,
    site: str,
    target: str,
    theme: str | None,
    repair: bool,
    repairer: object,
    console: Console,
) -> object:
    from agent.drift import verify_library

    def show(check: object) -> None:
        from agent.drift import SkillCheck

        assert isinstance(check, SkillCheck)
        mark = {"passed": "[green]✓[/]", "repaired": "[yellow]↻[/]"}.get(check.outcome, "[red]✗[/]")
        text = f"{mark} {check.name} v{check.version}: {check.outcome}"
        if check.outcome == "passed" and check.was == "failing":
            text += " (verified again)"
        if check.new_version is not None:
            text += f" → v{check.new_version}"
        if check.checked_with == "records":
            text += " [dim](no stored contract: recorded inputs, no-error check only)[/]"
        if check.error:
            text += f" — {check.error[:160]}"
        console.print(text, highlight=False)
        for note in check.notes:
            console.print(f"    [dim]{note[:200]}[/]", highlight=False)

    return await verify_library(
        lib,  # type: ignore[arg-type]
        site,
        target,
        theme=theme if "://" not in target else None,
        repair=repair,
        repairer=repairer,  # type: ignore[arg-type]
        on_check=show,
    )


def drift_summary(console: Console, report: object, repair: bool) -> None:
    """One line: checked, flagged failing, repaired, still failing; and what was weaker."""
    from agent.drift import DriftReport

    assert isinstance(report, DriftReport)
    weak = sum(1 for c in report.checks if c.checked_with == "records")
    line = (
        f"{report.site}: {len(report.checks)} skills checked, {report.count('passed')} passed, "
        f"{report.flagged} flagged failing"
    )
    again = sum(1 for c in report.checks if c.outcome == "passed" and c.was == "failing")
    if again:
        line += f", {again} failing before and verified again"
    if repair:
        same = sum(
            1 for c in report.checks if c.outcome == "repaired" and c.new_version == c.version
        )
        kinds = f"{report.count('repaired') - same} as new verified versions"
        if same:
            kinds += f", {same} with the same code and a re-grounded URL contract"
        line += f", {report.count('repaired')} repaired ({kinds}), "
        line += f"{report.count('unrepaired')} still failing"
    if weak:
        line += (
            f"; {weak} had no stored contract (built by an older library): re-ran their "
            "recorded inputs and checked only that they raise no error"
        )
    console.print(line, highlight=False)


def _model_repairer(spec: str) -> object:
    """The LLM policy's repair loop, tried where deterministic re-grounding fails."""
    from agent.llm import from_spec
    from agent.policies import make_policy

    try:
        policy = make_policy("llm", model=from_spec(spec))  # type: ignore[call-arg]
    except (TypeError, ValueError, ImportError) as exc:
        raise SkillwrightError(
            f"--llm: the model repair loop is not available in this build ({exc}); "
            "run without --llm to repair deterministically"
        ) from None
    return policy.repair

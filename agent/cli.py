"""`skillwright` command line (typer). Errors meant for users print one line and exit non-zero."""

from __future__ import annotations

from agent.interrupts import exit_on_signals_while_starting, install_exit_on_signals

if __name__ == "__main__":  # before the heavy imports: Ctrl-C from here on ends in one line
    exit_on_signals_while_starting()

import asyncio
import contextlib
import json
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from agent import cli_bench, cli_mcp, cli_skills
from agent.errors import SkillwrightError

if TYPE_CHECKING:  # imported where used: `--help` must not pay for them
    from skills_store import SkillLibrary

app = typer.Typer(
    help="Explore websites, induce verified Playwright skills, and reuse them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
sites_app = typer.Typer(help="Bundled target websites.", no_args_is_help=True)
skills_app = typer.Typer(help="The skill library.", no_args_is_help=True)
app.add_typer(sites_app, name="sites")
app.add_typer(skills_app, name="skills")

console = Console()
err_console = Console(stderr=True, soft_wrap=True, highlight=False)
T = TypeVar("T")

LibraryOpt = Annotated[
    Path | None,
    typer.Option(
        "--library", help="Library folder (default $SKILLWRIGHT_LIBRARY or ./skill_library)."
    ),
]


def library_path(path: Path | None) -> Path:
    return path or Path(os.environ.get("SKILLWRIGHT_LIBRARY") or "skill_library")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; Ctrl-C or SIGTERM cancel it (its `finally` blocks clean up) and raise
    `Interrupted`, which `main` prints as one line with exit code 130/143. Every long command
    runs through here, so each one gets the same clean interrupt."""
    from agent.interrupts import run_interruptible

    return run_interruptible(coro)


# ---------------------------------------------------------------- sites


@sites_app.command("list")
def sites_list() -> None:
    """List bundled sites with their task counts by kind and split."""
    from sites.registry import available_sites
    from sites.tasks import load_tasks

    table = Table("site", "themes", "tasks", "info", "navigation", "state", "train", "test")
    notes: list[str] = []
    for site in available_sites():
        if site.name == "miniwob":
            from sites.miniwob import CURATED_TASKS
            from sites.miniwob.tasks import DEFAULT_TEST_SEEDS, DEFAULT_TRAIN_SEEDS

            n = str(len(CURATED_TASKS))
            table.add_row(site.name, ",".join(site.themes), n, "0", "0", n, "per seed", "per seed")
            notes.append(
                f"miniwob: {n} curated task pages, each instantiated per seed "
                f"({len(DEFAULT_TRAIN_SEEDS)} train seeds, {len(DEFAULT_TEST_SEEDS)} test seeds) "
                "and rewarded by the page itself"
            )
            continue
        tasks = load_tasks(site.name)
        kinds = Counter(t.kind for t in tasks)
        splits = Counter(t.split for t in tasks)
        table.add_row(
            site.name,
            ",".join(site.themes),
            str(len(tasks)),
            str(kinds["info"]),
            str(kinds["navigation"]),
            str(kinds["state"]),
            str(splits["train"]),
            str(splits["test"]),
        )
    console.print(table)
    for note in notes:
        console.print(note, soft_wrap=True)


@sites_app.command("serve")
def sites_serve(
    name: str,
    port: Annotated[int, typer.Option(help="Port (0 = a free one).")] = 0,
    theme: Annotated[str, typer.Option(help="Theme: v1 or v2.")] = "v1",
) -> None:
    """Serve a bundled site until interrupted."""
    from sites import serve

    async def main() -> None:
        async with serve(name, theme=theme, port=port) as site:
            console.print(
                f"{site.name} ({site.theme}) at [bold]{site.base_url}[/]  — Ctrl-C to stop"
            )
            if site.accounts:
                console.print(
                    f"test accounts: {', '.join(site.accounts)} (passwords in sites/{name})"
                )
            await asyncio.Event().wait()

    from agent.interrupts import Interrupted

    try:
        run_async(main())
    except Interrupted as exc:
        exc.message = f"stopped: {name} is no longer served"
        raise


@sites_app.command("check")
def sites_check(
    name: str,
    theme: Annotated[str, typer.Option(help="Theme: v1 or v2.")] = "v1",
    tasks_file: Annotated[
        Path | None,
        typer.Option("--tasks", help="Check this tasks file instead of sites/NAME/tasks.json."),
    ] = None,
) -> None:
    """Run every reference solution (must pass) and a no-op per task (must fail).

    On v2 the (v1) reference solutions are expected to break: the command prints
    "v2 drift: K/N reference solutions break" and fails only if a no-op run passes or an
    evaluator cannot run. For miniwob it runs the scripted solvers on seeds 0-2 (each must earn
    reward 1) and a no-op per seed (must earn none).
    """
    from rich.markup import escape

    from agent.browser import BrowserSession
    from sites import SiteError, serve
    from sites.check import TaskCheck, check_site
    from sites.registry import get_site
    from sites.tasks import load_tasks

    definition = get_site(name)
    if theme not in definition.themes:
        raise SiteError(
            f"site {name!r} has no theme {theme!r}; themes: {', '.join(definition.themes)}"
        )
    if name == "miniwob":
        if tasks_file is not None:
            raise SiteError("miniwob has no tasks file: it is checked with its scripted solvers")
        if not run_async(_sites_check_miniwob(theme)):
            raise typer.Exit(1)
        return
    tasks = load_tasks(name, tasks_file)
    if not tasks:
        raise SiteError(
            f"site {name!r} has no tasks ({tasks_file or 'sites/' + name + '/tasks.json'})"
        )
    drift = theme != definition.themes[0]

    def show(check: TaskCheck) -> None:
        if check.ok:
            return
        if check.error is not None:
            line = f"[red]FAIL[/] {check.task_id}: {escape(check.error[:200])}"
        elif check.noop_passed:
            line = (
                f"[red]FAIL[/] {check.task_id}: no-op run passes: {escape(check.noop_detail[:150])}"
            )
        elif drift:
            line = f"[yellow]broken[/] {check.task_id}: {escape(check.reference_detail[:150])}"
        else:
            line = (
                f"[red]FAIL[/] {check.task_id}: reference: {escape(check.reference_detail[:150])}"
            )
        console.print(line, soft_wrap=True)

    async def main() -> bool:
        async with serve(name, theme=theme) as site, BrowserSession() as browser:
            with console.status(f"checking {len(tasks)} tasks on {name} ({theme})") as status:

                def progress(check: TaskCheck) -> None:
                    status.update(f"{check.task_id} checked")
                    show(check)

                report = await check_site(site, tasks, browser, on_task=progress)
        console.print(report.summary(), soft_wrap=True)
        return report.ok

    if not run_async(main()):
        raise typer.Exit(1)


async def _sites_check_miniwob(theme: str) -> bool:
    """`sites check miniwob`: scripted solvers and no-ops on seeded episodes."""
    from rich.markup import escape

    from agent.browser import BrowserSession
    from sites import serve
    from sites.miniwob.check import check_miniwob
    from sites.miniwob.solvers import SOLVERS

    async with serve("miniwob", theme=theme) as site, BrowserSession() as browser:
        with console.status(f"checking {len(SOLVERS)} MiniWoB solvers on seeds 0-2"):
            report = await check_miniwob(browser, site.base_url)
    for row in report.rows:
        if not row.ok:
            why = row.error or f"solver reward {row.solver_reward}, no-op reward {row.noop_reward}"
            console.print(f"[red]FAIL[/] {row.task} seed {row.seed}: {escape(why)}", soft_wrap=True)
    console.print(report.summary(), soft_wrap=True)
    return report.ok


# ---------------------------------------------------------------- explore


@app.command()
def explore(
    target: Annotated[
        str, typer.Argument(help="A bundled site name (shop, forum, tracker) or a URL.")
    ],
    policy: Annotated[str, typer.Option(help="auto | llm | heuristic")] = "auto",
    llm: Annotated[str | None, typer.Option(help="LLM spec (default $SKILLWRIGHT_LLM).")] = None,
    iterations: Annotated[int, typer.Option(help="Exploration rounds.")] = 3,
    workers: Annotated[
        int, typer.Option(help="Proposals attempted in parallel (one site instance each).")
    ] = 1,
    library: LibraryOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Run folder for artifacts.")] = None,
    theme: Annotated[str, typer.Option(help="Theme of a bundled site.")] = "v1",
    max_pages: Annotated[int, typer.Option(help="Pages to crawl per round.")] = 30,
    username: Annotated[
        str | None,
        typer.Option(
            help="Account to log in with on a URL target; password from $SKILLWRIGHT_PASSWORD."
        ),
    ] = None,
    site: Annotated[
        str | None,
        typer.Option(help="Library module name (default: from the app's title, else its host)."),
    ] = None,
    scope: Annotated[
        str | None,
        typer.Option(help="Path prefix to stay under (default: the URL's folder; '/' = all)."),
    ] = None,
    resume: Annotated[
        Path | None, typer.Option(help="Continue an interrupted run in this run folder.")
    ] = None,
    max_calls: Annotated[int | None, typer.Option(help="Model-call budget (llm).")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Token budget (llm).")] = None,
    max_minutes: Annotated[float | None, typer.Option(help="Wall-time budget (llm).")] = None,
    max_steps: Annotated[int, typer.Option(help="Steps per practise (llm).")] = 8,
    from_tasks: Annotated[
        str | None,
        typer.Option(help="Learn the intents of this split of the site's tasks (train|test)."),
    ] = None,
) -> None:
    """Explore a site and store verified skills in the library."""
    from agent.explore import explore as run_explore
    from agent.progress import RichReporter
    from sites.registry import BUNDLED_SITES
    from skills_store import SkillLibrary

    if policy not in ("auto", "llm", "heuristic"):
        raise SkillwrightError(f"unknown policy {policy!r}: use auto, llm or heuristic")
    _check_explore_input(target, out=out, max_pages=max_pages, iterations=iterations)
    spec = llm or os.environ.get("SKILLWRIGHT_LLM")
    if spec:
        _check_llm(spec)
    accounts: dict[str, str] | None = None
    if username:
        password = os.environ.get("SKILLWRIGHT_PASSWORD")
        if not password:
            raise SkillwrightError("--username needs the password in $SKILLWRIGHT_PASSWORD")
        accounts = {username: password}
    if from_tasks is not None:
        if from_tasks not in ("train", "test"):
            raise SkillwrightError(f"--from-tasks must be train or test, not {from_tasks!r}")
        if not spec:
            raise SkillwrightError("--from-tasks needs a model: --llm SPEC or $SKILLWRIGHT_LLM")
        policy = "llm"
    if policy == "llm" and not spec:
        raise SkillwrightError(
            "--policy llm needs a model: pass --llm SPEC or set $SKILLWRIGHT_LLM"
        )
    chosen = "llm" if policy == "llm" or (policy == "auto" and spec) else "heuristic"
    if policy == "auto":
        console.print(
            f"[dim]policy auto: {'LLM ' + str(spec) if spec else 'no LLM configured'} → "
            f"exploring with the {chosen} policy.[/]"
        )
    if "://" not in target and target not in BUNDLED_SITES:
        raise SkillwrightError(
            f"unknown target {target!r}: use a bundled site ({', '.join(BUNDLED_SITES)}) "
            "or an http(s) URL"
        )
    if workers < 1:
        raise SkillwrightError(f"--workers must be positive, not {workers}")
    from agent.interrupts import Interrupted
    from agent.target import library_site_name

    if resume is not None and not (resume / "summary.json").exists():
        raise SkillwrightError(f"--resume {resume}: not a run folder (no summary.json)")
    explore_policy = None
    if chosen == "llm":
        explore_policy = _llm_policy(
            spec, target, iterations, max_steps, max_calls, max_tokens, max_minutes, from_tasks
        )
    lib = SkillLibrary(library_path(library))
    try:
        with RichReporter(console) as reporter:
            summary = run_async(
                run_explore(
                    target,
                    lib,
                    policy=explore_policy,
                    resume=resume,
                    workers=workers,
                    out=out,
                    iterations=iterations,
                    max_pages=max_pages,
                    theme=theme,
                    reporter=reporter,
                    accounts=accounts,
                    site_name=site,
                    scope=scope,
                )
            )
    except Interrupted as exc:
        kept = len(lib.list(site=site or library_site_name(target)))
        exc.message = f"interrupted: the library at {lib.path} keeps {kept} verified skills"
        raise
    _skills_table(lib, summary.site, title=f"Verified skills for {summary.site}")
    _stage_table(summary)
    if summary.stopped:
        console.print(f"[yellow]stopped early:[/] {summary.stopped}")
    console.print(
        f"{len(summary.verified)} skills verified this run, "
        f"{len(summary.attempts) - len(summary.verified)} rejected; "
        f"library: {lib.path}; artifacts: {summary.run_dir}"
    )
    if not summary.verified:
        raise SkillwrightError(f"no skill verified: {_nothing_verified_reason(summary)}")


def _check_explore_input(target: str, *, out: Path | None, max_pages: int, iterations: int) -> None:
    """Bad `explore` input → one-line SkillwrightError before anything starts."""
    from agent.target import check_target_url

    if max_pages < 1:
        raise SkillwrightError(f"--max-pages must be positive, not {max_pages}")
    if iterations < 1:
        raise SkillwrightError(f"--iterations must be positive, not {iterations}")
    if "://" in target:
        check_target_url(target)
    if out is not None and out.exists() and not out.is_dir():
        raise SkillwrightError(f"--out {out} is an existing file; give a folder for the run")


def _nothing_verified_reason(summary: Any) -> str:
    """Why an exploration verified nothing, from its summary and run folder."""
    if summary.attempts:
        stages = Counter(a.stage for a in summary.attempts)
        first = next((a.reason for a in summary.attempts if a.reason), "")
        where = ", ".join(f"{n} at {stage}" for stage, n in stages.most_common())
        return (
            f"{len(summary.attempts)} attempts failed ({where}); first reason: {first[:160]}; "
            f"details in {summary.run_dir}"
        )
    pages = 0
    for sitemap in sorted(Path(summary.run_dir).glob("sitemaps/*.json")):
        with contextlib.suppress(OSError, ValueError):
            pages += len(json.loads(sitemap.read_text()).get("pages", []))
    if pages == 0:
        return "nothing was crawled under the start page (no HTML page answered on the origin)"
    return f"{pages} pages crawled, but none has a form, search or list to practise on"


def _llm_policy(
    spec: str | None,
    target: str,
    iterations: int,
    max_steps: int,
    max_calls: int | None,
    max_tokens: int | None,
    max_minutes: float | None,
    from_tasks: str | None = None,
) -> Any:
    """The LLM policy over a budgeted model; a bundled site's passwords are secrets that no
    cassette may hold. With `from_tasks`, the split's intents are what it learns."""
    from agent.llm import from_spec
    from agent.llm.budget import Budgeted, Limits
    from agent.policies import make_policy
    from sites.registry import BUNDLED_SITES, get_site

    secrets = list(get_site(target).accounts.values()) if target in BUNDLED_SITES else []
    if os.environ.get("SKILLWRIGHT_PASSWORD"):
        secrets.append(os.environ["SKILLWRIGHT_PASSWORD"])
    model = Budgeted(
        from_spec(spec, secrets=secrets),
        Limits(
            calls=max_calls,
            tokens=max_tokens,
            seconds=max_minutes * 60 if max_minutes is not None else None,
        ),
    )
    tasks = None
    if from_tasks is not None:
        from agent.policies.llm.policy import task_templates
        from sites.tasks import load_tasks

        if target not in BUNDLED_SITES:
            raise SkillwrightError("--from-tasks needs a bundled site (its tasks.json)")
        chosen = [t for t in load_tasks(target) if t.split == from_tasks]
        if not chosen:
            raise SkillwrightError(f"{target} has no {from_tasks} tasks")
        tasks = task_templates(chosen)
    return make_policy("llm", iterations=iterations, model=model, max_steps=max_steps, tasks=tasks)


def _stage_table(summary: Any) -> None:
    """How far each attempt got: proposed / practised / judged / induced / verified / stored."""
    order = ["practise", "judge", "induce", "verify", "store"]
    reached = Counter(a.stage for a in summary.attempts)
    past = {s: sum(reached[t] for t in order[i:]) for i, s in enumerate(order)}
    table = Table(
        "proposed",
        "practised",
        "judged ok",
        "induced",
        "verified",
        "stored",
        "model calls",
        "tokens in/out",
        title="Exploration",
    )
    stored = reached["store"]
    table.add_row(
        str(len(summary.attempts)),
        str(past["practise"]),
        str(past["induce"]),
        str(past["verify"]),
        str(stored),
        str(stored),
        str(summary.model_calls),
        f"{summary.tokens_in}/{summary.tokens_out}",
    )
    console.print(table)


def _check_llm(spec: str) -> None:
    """Fail fast on a bad --llm spec: unknown scheme, missing key, unreachable server."""
    from agent.llm import check_reachable, from_spec

    model = from_spec(spec)
    run_async(check_reachable(model))


def _skills_table(lib: SkillLibrary, site: str | None, title: str) -> None:
    table = Table("site", "skill", "signature", "tests", "v", title=title)
    for skill in lib.list(site=site):
        passed = sum(1 for t in skill.tests if t.passed)
        table.add_row(
            skill.site,
            skill.name,
            skill.signature,
            f"{passed}/{len(skill.tests)}",
            str(skill.version),
        )
    console.print(table)


# ---------------------------------------------------------------- skills


@skills_app.command("list")
def skills_list(
    site: Annotated[str | None, typer.Option(help="Only this site.")] = None,
    library: LibraryOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    include_all: Annotated[
        bool, typer.Option("--all", help="Every skill, whatever its status (latest version).")
    ] = False,
) -> None:
    """List verified skills (--all: candidate, failing and retired ones too)."""
    from skills_store import SkillLibrary

    lib = SkillLibrary(library_path(library))
    skills = lib.list(site=site, status=None if include_all else "verified")
    if as_json:
        print(json.dumps([s.model_dump(mode="json", exclude={"code"}) for s in skills], indent=2))
        return
    cli_skills.skills_table(console, skills, "Skills" if include_all else "Verified skills")


@skills_app.command("show")
def skills_show(
    name: str,
    site: Annotated[str | None, typer.Option(help="Site of the skill.")] = None,
    library: LibraryOpt = None,
) -> None:
    """Show a skill's code, tests and provenance."""
    from skills_store import SkillLibrary

    lib = SkillLibrary(library_path(library))
    sites = [site] if site else lib.sites()
    for candidate in sites:
        try:
            skill = lib.get(name, candidate)
        except KeyError:
            continue
        console.print(f"[bold]{skill.site}.{skill.name}[/] v{skill.version} ({skill.status})")
        console.print(skill.code)
        for t in skill.tests:
            console.print(
                f"  {'PASS' if t.passed else 'FAIL'} {json.dumps(t.inputs)} — {t.checked}"
            )
        if skill.provenance:
            console.print(f"  provenance: {skill.provenance.model_dump_json()}")
        return
    raise SkillwrightError(f"no skill named {name!r} in {lib.path}")


@skills_app.command("search")
def skills_search(
    query: str,
    site: Annotated[str | None, typer.Option(help="Only this site.")] = None,
    library: LibraryOpt = None,
    k: Annotated[int, typer.Option(help="How many.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    include_all: Annotated[
        bool, typer.Option("--all", help="Search every skill, whatever its status.")
    ] = False,
) -> None:
    """Search skills by name, docstring, parameters and usage."""
    from skills_store import SkillLibrary

    lib = SkillLibrary(library_path(library))
    found = lib.search(query, site=site, k=k, status=None if include_all else "verified")
    if as_json:
        print(
            json.dumps(
                [{"site": s.site, "name": s.name, "signature": s.signature} for s in found],
                indent=2,
            )
        )
        return
    for s in found:
        console.print(f"{s.site}.{s.name}: {s.signature}")


@skills_app.command("export")
def skills_export(
    site: str,
    format: Annotated[
        str, typer.Option("--format", help="python | langchain | openai | agent-skills | package")
    ] = "python",
    out: Annotated[
        Path, typer.Option("--out", help="Output file (a folder for agent-skills and package).")
    ] = Path("skills_export"),
    library: LibraryOpt = None,
    include_all: Annotated[
        bool, typer.Option("--all", help="Export every skill's latest version, not only verified.")
    ] = False,
) -> None:
    """Export a site's verified skills."""
    cli_skills.export(site, format, out, library_path(library), include_all, console)


cli_skills.register(skills_app, console, library_path)
cli_mcp.register(app)
cli_bench.register(app, console)


def main() -> None:
    """Console entry point: user errors → one line on stderr, exit 2; Ctrl-C/SIGTERM → one
    line, exit 130/143; bad usage → one line, exit 2; OS and database errors → one line."""
    install_exit_on_signals()
    try:
        code = app(standalone_mode=False)
    except Exception as exc:
        _exit_for(exc)
        raise
    except KeyboardInterrupt:
        _exit_interrupted("interrupted", 130)
    if code == 130:  # typer turns a KeyboardInterrupt into Exit(130) without a word
        err_console.print("interrupted", highlight=False)
    if isinstance(code, int) and code:
        sys.exit(code)


def _exit_interrupted(message: str, code: int) -> NoReturn:
    from agent.interrupts import ignore_further_signals

    ignore_further_signals()
    err_console.print(message, highlight=False)
    sys.exit(code)


def _exit_for(exc: Exception) -> None:
    """Exit with one line for an interruption (anywhere in the exception's chain: a signal during
    an import can surface wrapped in Python's own RuntimeError) or a user-facing error; return
    for anything else, which the caller re-raises."""
    from agent.interrupts import interruption_in

    if (interrupted := interruption_in(exc)) is not None:
        _exit_interrupted(interrupted.message, interrupted.exit_code)
    if isinstance(exc, typer.Abort):
        _exit_interrupted("interrupted", 130)
    if isinstance(exc, sqlite3.DatabaseError):
        err_console.print(f"[red]error:[/] the library index is damaged: {exc}", highlight=False)
        sys.exit(2)
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        err_console.print(f"[red]error:[/] {exc.strerror or exc}{where}", highlight=False)
        sys.exit(2)
    from agent.llm.errors import LLMError
    from sites.errors import SiteError
    from skills_store.errors import LibraryError

    if type(exc).__name__ == "NoArgsIsHelpError" and getattr(exc, "ctx", None) is not None:
        console.print(exc.ctx.get_help(), highlight=False)  # type: ignore[attr-defined]
        sys.exit(2)
    if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # click usage error
        err_console.print(f"[red]error:[/] {exc.format_message()}", highlight=False)
        sys.exit(exc.exit_code)
    if isinstance(exc, SkillwrightError | SiteError | LibraryError | LLMError | KeyError):
        message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        err_console.print(f"[red]error:[/] {message}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()

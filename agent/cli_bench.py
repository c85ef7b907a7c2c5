"""`skillwright bench` and `skillwright run`: measure the library on a task suite, solve one
task. Registered on the main typer app by `agent.cli`."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from agent.errors import SkillwrightError

LlmOpt = Annotated[str | None, typer.Option("--llm", help="LLM spec (default $SKILLWRIGHT_LLM).")]
LibraryOpt = Annotated[
    Path | None,
    typer.Option(
        "--library", help="Library folder (default $SKILLWRIGHT_LIBRARY or ./skill_library)."
    ),
]
NoSkillsOpt = Annotated[
    bool, typer.Option("--no-skills", help="Solve without the library (the baseline).")
]
ModeOpt = Annotated[
    str,
    typer.Option(
        "--mode", help="program: one program over the skills (step mode if it fails) | step."
    ),
]
MaxStepsOpt = Annotated[int, typer.Option("--max-steps", help="Steps per task (step mode).")]


def _library(path: Path | None) -> Path:
    return path or Path(os.environ.get("SKILLWRIGHT_LIBRARY") or "skill_library")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _model(spec: str | None, site: str) -> tuple[Any, str]:
    """The model a spec names (bundled-site passwords are secrets no cassette may hold), checked
    to answer before any task starts."""
    from agent.interrupts import run_interruptible
    from agent.llm import check_reachable, from_spec
    from sites.registry import BUNDLED_SITES, get_site

    spec = spec or os.environ.get("SKILLWRIGHT_LLM")
    if not spec:
        raise SkillwrightError(
            "the task agent needs a model: pass --llm SPEC or set $SKILLWRIGHT_LLM"
        )
    secrets = list(get_site(site).accounts.values()) if site in BUNDLED_SITES else []
    model = from_spec(spec, secrets=secrets)
    run_interruptible(check_reachable(model))
    return model, spec


def _check_mode(mode: str) -> Any:
    if mode not in ("program", "step"):
        raise SkillwrightError(f"--mode must be program or step, not {mode!r}")
    return mode


def results_table(summary: Any) -> Table:
    colour = {"pass": "green", "fail": "red", "error": "yellow", "done": "blue"}
    table = Table(
        "task",
        "verdict",
        "steps",
        "calls",
        "tokens in/out",
        "time s",
        "skills",
        "note",
        title=f"{summary.site}: {summary.label}",
    )
    for r in summary.tasks:
        note = r.error or ("program failed → steps" if r.fell_back else r.eval_detail)
        table.add_row(
            r.task_id,
            f"[{colour.get(r.verdict, 'white')}]{r.verdict}[/]",
            str(r.steps),
            str(r.model_calls),
            f"{r.tokens_in}/{r.tokens_out}",
            f"{r.wall_s:.1f}",
            str(len(r.skill_calls)),
            escape((note or "")[:90]),
        )
    return table


def _totals_line(summary: Any) -> str:
    t = summary.totals

    def f(x: float | None) -> str:
        return "–" if x is None else f"{x:g}"

    return (
        f"solved {t.passed}/{t.tasks} ({t.success_rate:.0%}), {t.failed} failed, "
        f"{t.errors} error(s); per solved task: {f(t.steps_per_solved)} steps, "
        f"{f(t.model_calls_per_solved)} model calls, {f(t.tokens_per_solved)} tokens; "
        f"{t.skill_calls} skill calls; {t.fell_back} program(s) fell back to steps"
    )


def register(app: typer.Typer, console: Console) -> None:
    @app.command("bench")
    def bench(
        args: Annotated[
            list[str],
            typer.Argument(help="TARGET (a bundled site), or RUN_A RUN_B with --compare."),
        ],
        compare_runs: Annotated[
            bool, typer.Option("--compare", help="Compare two bench runs: RUN_A RUN_B.")
        ] = False,
        llm: LlmOpt = None,
        library: LibraryOpt = None,
        no_skills: NoSkillsOpt = False,
        tasks: Annotated[
            str | None, typer.Option("--tasks", help="Task ids, comma-separated.")
        ] = None,
        split: Annotated[
            str, typer.Option("--split", help="train | test (when --tasks is not given).")
        ] = "test",
        workers: Annotated[int, typer.Option("--workers", help="Tasks run in parallel.")] = 1,
        out: Annotated[Path | None, typer.Option("--out", help="Run folder.")] = None,
        mode: ModeOpt = "program",
        max_steps: MaxStepsOpt = 10,
    ) -> None:
        """Run a site's task suite with the task agent, or compare two runs.

        Each task runs on a freshly reset site, with the library's skills or without
        (--no-skills); the run folder gets summary.json and report.html. With --compare
        RUN_A RUN_B: the deltas per metric and per task, and RUN_B/compare.html (or
        --out/compare.html)."""
        if compare_runs:
            if len(args) != 2:
                raise SkillwrightError("--compare takes two run folders: RUN_A RUN_B")
            _compare(console, Path(args[0]), Path(args[1]), out)
            return
        if len(args) != 1:
            raise SkillwrightError("bench takes one TARGET (or --compare RUN_A RUN_B)")
        target = args[0]
        from agent.benchmark.report import write_report
        from agent.benchmark.runner import run_bench
        from agent.benchmark.suites import load_suite, parse_ids
        from agent.interrupts import Interrupted, run_interruptible
        from skills_store import SkillLibrary

        run_mode = _check_mode(mode)
        if workers < 1:
            raise SkillwrightError(f"--workers must be positive, not {workers}")
        if max_steps < 1:
            raise SkillwrightError(f"--max-steps must be positive, not {max_steps}")
        ids = parse_ids(tasks)
        suite = load_suite(target, ids=ids, split=split)
        if not suite.tasks and not suite.unknown:
            raise SkillwrightError(f"no {split} tasks for {target}")
        model, spec = _model(llm, target)
        lib = None if no_skills else SkillLibrary(_library(library))
        run_dir = out or Path("runs") / f"bench-{target}-{_stamp()}"
        n = len(suite.tasks) + len(suite.unknown)
        done: list[str] = []
        with console.status(f"bench {target}: 0/{n} tasks") as status:

            def progress(result: Any) -> None:
                done.append(result.task_id)
                status.update(f"bench {target}: {len(done)}/{n} tasks (last: {result.task_id})")

            try:
                summary = run_interruptible(
                    run_bench(
                        suite,
                        model=model,
                        out=run_dir,
                        library=lib,
                        use_skills=not no_skills,
                        mode=run_mode,
                        workers=workers,
                        max_steps=max_steps,
                        llm=spec,
                        split=None if ids else split,
                        requested=ids,
                        on_task=progress,
                    )
                )
            except Interrupted as exc:
                exc.message = (
                    f"interrupted after {len(done)}/{n} tasks; partial summary in {run_dir}"
                )
                raise
        report = write_report(summary, run_dir)
        console.print(results_table(summary))
        console.print(_totals_line(summary), soft_wrap=True)
        for problem in summary.problems:
            console.print(f"[yellow]problem:[/] {escape(problem)}", soft_wrap=True)
        console.print(f"summary: {run_dir / 'summary.json'}  report: {report}", soft_wrap=True)
        if summary.tasks and all(r.verdict == "error" for r in summary.tasks):
            raise typer.Exit(1)

    @app.command("run")
    def run(
        target: Annotated[str, typer.Argument(help="A bundled site name or a URL.")],
        task: Annotated[str, typer.Argument(help="What to do, or a task id of the site's suite.")],
        llm: LlmOpt = None,
        library: LibraryOpt = None,
        no_skills: NoSkillsOpt = False,
        mode: ModeOpt = "program",
        max_steps: MaxStepsOpt = 10,
        out: Annotated[
            Path | None, typer.Option("--out", help="Folder for step artifacts.")
        ] = None,
    ) -> None:
        """Solve one task with the site's skills and print the verdict and what it cost."""
        from agent.benchmark.suites import load_suite
        from agent.interrupts import run_interruptible
        from agent.target import library_site_name, open_target
        from agent.taskagent import run_task
        from sites.registry import BUNDLED_SITES
        from skills_store import SkillLibrary

        run_mode = _check_mode(mode)
        the_task: Any = task
        if target in BUNDLED_SITES:
            suite = load_suite(target, ids=[task])
            if suite.tasks:
                the_task = suite.tasks[0]
        model, _spec = _model(llm, target)
        lib = None if no_skills else SkillLibrary(_library(library))
        folder = out or Path("runs") / f"run-{_stamp()}"

        async def main() -> Any:
            t = await open_target(target)
            try:
                return await run_task(
                    t,
                    the_task,
                    model=model,
                    library=lib,
                    site=library_site_name(target),
                    use_skills=not no_skills,
                    mode=run_mode,
                    max_steps=max_steps,
                    folder=folder,
                )
            finally:
                await t.close()

        with console.status(f"solving on {target}"):
            result = run_interruptible(main())
        if result.error and not result.trace:  # nothing ran (a library for another site, …)
            hint = "; --no-skills solves without it" if "library" in result.error else ""
            raise SkillwrightError(result.error + hint)
        colour = {"pass": "green", "fail": "red", "error": "yellow", "done": "blue"}
        console.print(f"[{colour[result.verdict]}]{result.verdict}[/] {escape(result.intent)}")
        if result.answer is not None:
            console.print(f"answer: {escape(str(result.answer))}", soft_wrap=True)
        if result.eval_detail:
            console.print(f"evaluator: {escape(result.eval_detail)}", soft_wrap=True)
        console.print(
            f"{result.steps} step(s), {result.model_calls} model call(s), "
            f"{result.tokens_in}/{result.tokens_out} tokens, {result.wall_s:.1f} s, "
            f"skills called: {', '.join(result.skill_calls) or 'none'}"
            + ("; the program failed, continued step by step" if result.fell_back else ""),
            soft_wrap=True,
        )
        console.print(f"artifacts: {folder}", soft_wrap=True)
        if result.error:
            raise SkillwrightError(result.error)
        if result.verdict == "fail":
            raise typer.Exit(1)


def _compare(console: Console, run_a: Path, run_b: Path, out: Path | None) -> None:
    from agent.benchmark.compare import compare, fmt, fmt_delta, render_compare
    from agent.benchmark.summary import read_summary

    a, b = read_summary(run_a), read_summary(run_b)
    cmp = compare(a, b)
    table = Table("metric", "A", "B", "Δ (B − A)", title="Bench comparison")
    for m in cmp.metrics:
        style = "green" if m.improved else "red" if m.improved is False else ""
        delta = f"[{style}]{fmt_delta(m)}[/]" if style else fmt_delta(m)
        table.add_row(m.label, fmt(m.a), fmt(m.b), delta)
    console.print(f"A = {run_a}: {cmp.label_a} on {cmp.site_a}", soft_wrap=True, highlight=False)
    console.print(f"B = {run_b}: {cmp.label_b} on {cmp.site_b}", soft_wrap=True, highlight=False)
    console.print(table)
    per_task = Table("task", "verdict A → B", "steps", "model calls", "tokens", title="Per task")
    for t in cmp.tasks:
        per_task.add_row(
            t.task_id,
            f"{t.verdict_a} → {t.verdict_b}",
            f"{t.steps_a} → {t.steps_b}",
            f"{t.calls_a} → {t.calls_b}",
            f"{t.tokens_a} → {t.tokens_b}",
        )
    console.print(per_task)
    if cmp.only_a or cmp.only_b:
        console.print(
            f"only in A: {', '.join(cmp.only_a) or 'none'}; only in B: "
            f"{', '.join(cmp.only_b) or 'none'}"
        )
    folder = out or run_b
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "compare.html"
    path.write_text(render_compare(cmp), encoding="utf-8")
    console.print(f"compare: {path}", soft_wrap=True)

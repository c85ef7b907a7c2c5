"""Rich progress for long work: a live status line plus one line per attempted skill."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from agent.explore import AttemptResult, Reporter


class RichReporter(Reporter):
    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} attempts"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("starting", total=0)

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def stage(self, text: str) -> None:
        self.progress.update(self.task, description=text)

    def total(self, n: int) -> None:
        total = self.progress.tasks[0].total or 0
        self.progress.update(self.task, total=total + n)

    def attempt(self, result: AttemptResult) -> None:
        self.progress.advance(self.task)
        if result.verified:
            self.console.print(
                f"[green]✓[/] {result.skill} verified "
                f"({result.passed_runs}/{result.total_runs} runs passed)"
            )
        else:
            self.console.print(
                f"[yellow]✗[/] {result.skill} rejected at {result.stage}: {result.reason[:160]}"
            )

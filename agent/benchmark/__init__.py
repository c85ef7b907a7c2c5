"""The benchmark: run a site's task suite with the task agent (with or without skills) and
report success, steps, model calls, tokens, time and skill calls per task.

    suite = load_suite("shop", split="test")
    summary = await run_bench(suite, model=model, library=lib, out=Path("runs/b1"))
    write_report(summary, Path("runs/b1"))            # report.html
    compare(read_summary(a), read_summary(b))          # deltas; render_compare → compare.html
"""

from agent.benchmark.compare import Comparison, compare, render_compare
from agent.benchmark.report import render_report, write_report
from agent.benchmark.runner import run_bench
from agent.benchmark.suites import Suite, load_suite, parse_ids
from agent.benchmark.summary import BenchSummary, Totals, read_summary, totals_of

__all__ = [
    "BenchSummary",
    "Comparison",
    "Suite",
    "Totals",
    "compare",
    "load_suite",
    "parse_ids",
    "read_summary",
    "render_compare",
    "render_report",
    "run_bench",
    "totals_of",
    "write_report",
]

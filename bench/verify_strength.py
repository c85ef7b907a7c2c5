"""Mutation score of verification: explore each bundled site, then run faulty variants of every
stored skill (ignored / hard-coded / swapped parameters, wrong item, dropped step, truncated or
constant return) through `verify` with the proposal that verified it.

    .venv/bin/python bench/verify_strength.py [shop forum tracker] [--out DIR]
    .venv/bin/python bench/verify_strength.py shop --run RUN_DIR --library DIR  # a past run
        (any policy, e.g. an `explore --policy llm` run: its stored skills and proposals)
        [--skills a,b]  # only these of its skills

Prints per site: mutants, equivalent (with reasons), non-equivalent, killed, score, survivors.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.browser import BrowserSession
from agent.explore import explore_target
from agent.mutation import MutationReport, load_proposals, mutation_report
from agent.target import open_target
from agent.workbench import Workbench
from skills_store import SkillLibrary


async def one_site(site: str, out: Path) -> tuple[MutationReport, float, int]:
    began = time.perf_counter()
    target = await open_target(site)
    try:
        async with BrowserSession() as browser:
            library = SkillLibrary(out / site / "library")
            summary = await explore_target(
                target, library, run_dir=out / site / "run", browser=browser
            )
            wb = Workbench(target, browser, library, out / site / "mutants")
            report = await mutation_report(
                wb,
                summary.proposals,
                on_result=lambda r: print(
                    "." if r.killed else "e" if r.equivalent else "S", end=""
                ),
            )
    finally:
        await target.close()
    return report, time.perf_counter() - began, len(summary.verified)


def show(report: MutationReport, wall: float, verified: int) -> None:
    eq = [r for r in report.results if r.equivalent is not None]
    ne = report.non_equivalent
    killed = sum(r.killed for r in ne)
    print(
        f"\n{report.site}: {verified} verified skills, {len(report.results)} mutants, "
        f"{len(eq)} equivalent, {len(ne)} non-equivalent, {killed} killed, "
        f"score {report.score:.1%} ({wall:.0f} s)"
    )
    by_kind = Counter((r.kind, r.killed) for r in ne)
    for kind in sorted({k for k, _ in by_kind}):
        print(f"  {kind:16} killed {by_kind[(kind, True)]:3}  survived {by_kind[(kind, False)]:3}")
    for r in report.survivors:
        print(f"  SURVIVED {r.skill}: {r.kind} — {r.description}")
    reasons = Counter((r.equivalent, r.kind) for r in eq)
    for (why, kind), n in reasons.items():
        print(f"  equivalent ×{n} ({kind}): {why}")


async def from_run(
    site: str, run: Path, library_dir: Path, out: Path, only: set[str] | None = None
) -> tuple[MutationReport, float, int]:
    """Mutants of the skills a past run stored, verified with the proposals it verified them by."""
    began = time.perf_counter()
    library = SkillLibrary(library_dir)
    verified = {s.name for s in library.list(site=site, status="verified")}
    if only is not None:
        verified &= only
    proposals = load_proposals(run, verified)
    target = await open_target(site)
    try:
        async with BrowserSession() as browser:
            wb = Workbench(target, browser, library, out / site / "mutants")
            report = await mutation_report(
                wb,
                proposals,
                on_result=lambda r: print(
                    "." if r.killed else "e" if r.equivalent else "S", end="", flush=True
                ),
            )
    finally:
        await target.close()
    return report, time.perf_counter() - began, len(proposals)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sites", nargs="*", default=["shop", "forum", "tracker"])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--run", type=Path, default=None, help="a past run folder")
    parser.add_argument("--library", type=Path, default=None, help="its library")
    parser.add_argument("--skills", default=None, help="with --run: only these, comma-separated")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="verify-strength-"))
    if (args.run is None) != (args.library is None):
        parser.error("--run and --library go together")
    rows = []
    for site in args.sites:
        if args.run is not None:
            only = set(args.skills.split(",")) if args.skills else None
            report, wall, verified = await from_run(site, args.run, args.library, out, only)
        else:
            report, wall, verified = await one_site(site, out)
        show(report, wall, verified)
        (out / site / "mutation.json").write_text(report.model_dump_json(indent=2))
        rows.append((site, verified, report))
    print("\nsite      verified  mutants  equivalent  non-equiv  killed  score")
    for site, verified, r in rows:
        ne = r.non_equivalent
        print(
            f"{site:9} {verified:8} {len(r.results):8} {len(r.results) - len(ne):11} "
            f"{len(ne):10} {sum(x.killed for x in ne):7}  {r.score:.1%}"
        )
    print(f"artifacts: {out}")


if __name__ == "__main__":
    asyncio.run(main())

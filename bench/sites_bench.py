"""Time how fast the bundled sites start and reset.

    .venv/bin/python bench/sites_bench.py [--starts N] [--resets M] [SITE ...]

Start = `sites.start_site(NAME)` until the server answers its first HTTP request (the pristine
database is seeded once beforehand, outside the timing: seeding is a one-time cache fill).
Reset = `RunningSite.reset()` (copy the pristine database file over the working copy).
Each figure is the median of N starts / M resets, shown next to its goal.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sites import BUNDLED_SITES, get_site, start_site
from sites.pristine import pristine_db

START_GOAL_S = 2.0
RESET_GOAL_S = 0.200


async def _first_answer(base_url: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        await client.get(base_url + "/")


async def time_starts(name: str, n: int) -> list[float]:
    times: list[float] = []
    for _ in range(n):
        began = time.perf_counter()
        site = await start_site(name)
        try:
            await _first_answer(site.base_url)
            times.append(time.perf_counter() - began)
        finally:
            await site.stop()
    return times


async def time_resets(name: str, m: int) -> list[float]:
    site = await start_site(name)
    times: list[float] = []
    try:
        for _ in range(m):
            began = time.perf_counter()
            await site.reset()
            times.append(time.perf_counter() - began)
    finally:
        await site.stop()
    return times


def _verdict(value: float, goal: float) -> str:
    return "ok" if value < goal else "MISSED"


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="*", default=list(BUNDLED_SITES))
    parser.add_argument("--starts", type=int, default=5, help="starts per site (median)")
    parser.add_argument("--resets", type=int, default=20, help="resets per site (median)")
    args = parser.parse_args(argv)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPUs, 1-min load average {load:.2f}")
    header = ("site", f"start (median of {args.starts})", f"reset (median of {args.resets})")
    print(f"{header[0]:<9} {header[1]:<32} {header[2]}")
    missed = False
    for name in args.sites:
        definition = get_site(name)
        if definition.has_database:
            await asyncio.to_thread(pristine_db, definition)  # seed once, outside the timing
        start = statistics.median(await time_starts(name, args.starts))
        reset = statistics.median(await time_resets(name, args.resets))
        missed |= start >= START_GOAL_S or reset >= RESET_GOAL_S
        start_col = f"{start:.3f} s  (goal < {START_GOAL_S:g} s: {_verdict(start, START_GOAL_S)})"
        reset_col = (
            f"{reset * 1000:.2f} ms  (goal < {RESET_GOAL_S * 1000:g} ms: "
            f"{_verdict(reset, RESET_GOAL_S)})"
        )
        if not definition.has_database:
            reset_col += "  no database: nothing to copy"
        print(f"{name:<9} {start_col:<32} {reset_col}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

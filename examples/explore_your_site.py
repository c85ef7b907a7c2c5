"""Explore a site from Python instead of the CLI, and inspect what was verified.

    python examples/explore_your_site.py                      # the bundled shop
    python examples/explore_your_site.py http://localhost:8000 --library my_skills

The same as `skillwright explore TARGET`: every stored skill passed execution-based
verification; `summary.attempts` also says why the others were rejected.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from agent.explore import explore
from skills_store import SkillLibrary


async def main(target: str, library_dir: Path, out: Path | None) -> int:
    library = SkillLibrary(library_dir)
    summary = await explore(target, library, out=out)
    for attempt in summary.attempts:
        mark = "verified" if attempt.verified else f"rejected at {attempt.stage}"
        print(f"{attempt.skill:28} {mark} {attempt.reason[:80]}")
    for skill in library.list(site=summary.site):
        passed = sum(t.passed for t in skill.tests)
        print(f"{skill.signature}  [{passed}/{len(skill.tests)} test runs passed]")
    print(f"artifacts: {summary.run_dir}")
    return 0 if summary.verified else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", default="shop")
    parser.add_argument("--library", type=Path, default=Path("skill_library"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.target, args.library, args.out)))

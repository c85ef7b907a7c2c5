"""Skill-library scale bench: synthetic libraries of 1k / 10k / 100k skills.

    .venv/bin/python bench/library_scale.py                  # 1k, 10k, 100k (minutes at 100k)
    .venv/bin/python bench/library_scale.py --sizes 1000 10000

Per size it builds a fresh library (one site per 10k skills) and prints:
  bulk add        skills/s of `add_many` in batches of 1,000 verified skills
  single add      median ms of one more verified `add` to a full site (index + module write)
  load cold       s of `load(site)` in a fresh process right after building (compiles all)
  load            s of `load(site)` in a fresh process after one more add (compiles one)
  search p50/p95  ms over 200 mixed queries (hyphens, quotes, FTS operators, synonyms)
  cpu columns    CPU time of this process and its children (the formatter) for the same work:
                 on a shared machine wall time also counts the other programs' turns
  load           the 1-minute load average when the size finished
Then the start-up time of `skillwright --help` and `skillwright skills list` (median of 5).
Targets (issue 11): bulk ≥ 1,000/s, single add ≤ 50 ms, load of a 10k site ≤ 1 s,
search p95 ≤ 20 ms, `--help` ≤ 0.6 s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from skills_store import NewSkill, SkillLibrary  # noqa: E402

SITE_SIZE = 10_000
BATCH = 1_000
VERBS = "add remove update open search list submit register cancel export share rate".split()
OBJECTS = (
    "cart item order review issue comment thread message profile address invoice ticket "
    "wishlist coupon label project milestone newsletter payment shipment report"
).split()
ROLES = ["searchbox", "button", "link", "textbox", "combobox", "checkbox"]
QUERIES = [
    "add to cart", "put an item in my basket", "signed-in user profile", '"update" the order',
    "remove-item from wishlist", "search products", "log in", "sign-up newsletter",
    "cancel order AND refund", "open issue NOT closed", "rate a review", "export report (csv)",
    "share project-milestone", "submit payment", "list comments on thread", "coupon*",
    "address: billing", "message inbox", "shipment tracking", "invoice - pay",
]  # fmt: skip


def synthetic_skill(site: str, i: int) -> str:
    rng = random.Random(f"{site}:{i}")
    verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
    other = rng.choice(OBJECTS)
    name = f"{verb}_{obj}_{i}"
    return f'''
async def {name}(page: Page, {obj}: str, note: str = "") -> None:
    """{verb.capitalize()} a {obj} on the {other} page of {site}.

    Args:
        {obj}: Which {obj}, as the site names it.
        note: Optional text for the {other} form.
    """
    await page.goto("/{other}s")
    await page.get_by_role("{rng.choice(ROLES)}", name="{obj.capitalize()}").fill({obj})
    await page.get_by_label("Note").fill(note)
    await page.get_by_role("button", name="{verb.capitalize()}").click()
'''


def cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build(lib: SkillLibrary, sites: list[str], per_site: int) -> tuple[float, float]:
    """Bulk-add every skill; returns skills per second (wall) and CPU µs per skill."""
    began, cpu = time.perf_counter(), cpu_s()
    for site in sites:
        for start in range(0, per_site, BATCH):
            codes = [
                NewSkill(synthetic_skill(site, i), "verified")
                for i in range(start, min(per_site, start + BATCH))
            ]
            lib.add_many(codes, site)
    total = len(sites) * per_site
    return total / (time.perf_counter() - began), (cpu_s() - cpu) / total * 1e6


def single_adds(lib: SkillLibrary, site: str, start: int, n: int = 10) -> tuple[float, float]:
    """Median wall ms of one verified add, and mean CPU ms."""
    times = []
    cpu = cpu_s()
    for i in range(start, start + n):
        code = synthetic_skill(site, i)
        began = time.perf_counter()
        lib.add(code, site, status="verified")
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, (cpu_s() - cpu) / n * 1000


def load_in_fresh_process(path: Path, site: str) -> tuple[float, float]:
    """Wall and CPU seconds of `load(site)` in a new process (after opening the library)."""
    script = (
        "import sys, time; sys.path.insert(0, sys.argv[3]);"
        "from skills_store import SkillLibrary;"
        "lib = SkillLibrary(sys.argv[1]); t = time.perf_counter(); c = time.process_time();"
        "m = lib.load(sys.argv[2]);"
        "print(time.perf_counter() - t, time.process_time() - c, len(m.__all__))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), site, str(REPO)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def search_times(lib: SkillLibrary, sites: list[str]) -> tuple[float, float, float]:
    """p50 and p95 wall ms, and p95 CPU ms, of 200 searches (one in 11 over every site)."""
    rng = random.Random(7)
    times, cpus = [], []
    for n in range(200):
        query = QUERIES[n % len(QUERIES)]
        site = rng.choice([*sites, None])
        began, cpu = time.perf_counter(), time.process_time()
        lib.search(query, site=site, k=5)
        times.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu)
    times.sort()
    cpus.sort()
    p95 = int(0.95 * len(times)) - 1
    return statistics.median(times) * 1000, times[p95] * 1000, cpus[p95] * 1000


def cli_time(*args: str, runs: int = 5) -> float:
    exe = Path(sys.executable).parent / "skillwright"
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([str(exe), *args], capture_output=True, check=False, cwd=REPO)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def bench(total: int, root: Path) -> dict[str, float]:
    n_sites = max(1, total // SITE_SIZE)
    per_site = total // n_sites
    sites = [f"site{k}" for k in range(n_sites)]
    path = root / f"lib{total}"
    lib = SkillLibrary(path)
    rate, bulk_cpu = build(lib, sites, per_site)
    single, single_cpu = single_adds(lib, sites[0], per_site)
    cold, cold_cpu = load_in_fresh_process(path, sites[0])  # compiles every skill
    lib.add(synthetic_skill(sites[0], per_site + 100), sites[0], status="verified")
    after_add, after_add_cpu = load_in_fresh_process(path, sites[0])  # compiles one
    p50, p95, p95_cpu = search_times(lib, sites)
    return {
        "skills": total,
        "sites": n_sites,
        "bulk/s": rate,
        "bulk cpu µs": bulk_cpu,
        "add ms": single,
        "add cpu ms": single_cpu,
        "load cold s": cold,
        "cold cpu s": cold_cpu,
        "load s": after_add,
        "load cpu s": after_add_cpu,
        "search p50 ms": p50,
        "search p95 ms": p95,
        "p95 cpu ms": p95_cpu,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="skillwright-bench-") as tmp:
        for total in args.sizes:
            rows.append(bench(total, Path(tmp)))
            print("  ".join(f"{k}={v:.4g}" for k, v in rows[-1].items()), flush=True)
        with tempfile.TemporaryDirectory() as empty:
            lib_env = str(Path(empty) / "lib")
            SkillLibrary(lib_env)
            help_s = cli_time("--help")
            list_s = cli_time("skills", "list", "--library", lib_env)
    headers = list(rows[0])
    print()
    print(" | ".join(f"{h:>13}" for h in headers))
    for row in rows:
        print(" | ".join(f"{row[h]:>13.4g}" for h in headers))
    print(f"\nskillwright --help: {help_s:.3f} s   skillwright skills list: {list_s:.3f} s")


if __name__ == "__main__":
    main()

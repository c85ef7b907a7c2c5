"""Walking skeleton, part 2: a fresh Python process imports the library and every stored skill
does what its docstring says on a new shop (checked in the site's database)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from e2e_support import REPO, Explored, Sandbox, record_timing

from skills_store import SkillLibrary

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

CHECK_SCRIPT = Path(__file__).with_name("skill_checks.py")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_every_stored_skill_works_from_a_fresh_process(
    explored: Explored, box: Sandbox, pytestconfig: pytest.Config
) -> None:
    assert explored.returncode == 0, f"explore failed:\n{explored.stderr[-3000:]}"
    stored = sorted(s.name for s in SkillLibrary(explored.library).list(site="shop"))
    assert stored, "nothing to check: the library holds no verified shop skills"
    began, cpu_before = time.perf_counter(), children_cpu()
    proc = subprocess.run(
        [sys.executable, str(CHECK_SCRIPT), str(explored.library)],
        cwd=REPO,
        env=box.env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    record_timing(
        pytestconfig,
        "skill checks (fresh process)",
        time.perf_counter() - began,
        children_cpu() - cpu_before,
    )
    assert proc.returncode == 0, f"the check script crashed:\n{proc.stderr[-3000:]}"
    results = {
        r["skill"]: r
        for r in (
            json.loads(line.removeprefix("RESULT "))
            for line in proc.stdout.splitlines()
            if line.startswith("RESULT ")
        )
    }
    assert sorted(results) == stored, "the script did not report on every stored skill"
    unchecked = [n for n, r in results.items() if "no checker" in r.get("error", "")]
    assert not unchecked, f"stored skills without a checker in skill_checks.py: {unchecked}"
    failed = {n: r["error"] for n, r in results.items() if not r["ok"]}
    assert not failed, "skills that did not do what their docstring says:\n" + "\n".join(
        f"  {n}: {e}" for n, e in failed.items()
    )

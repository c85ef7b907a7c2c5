"""Walking skeleton, part 1: `skillwright explore shop --policy heuristic` stores verified skills
and leaves an inspectable run folder."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from e2e_support import Explored

from sites import get_site
from skills_store import SkillLibrary

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

MIN_VERIFIED = 8
ATTEMPT_FILES = ("proposal.json", "trajectory.json", "verdict.json", "verification.json")


def test_explore_exits_cleanly_and_prints_verified_skills(explored: Explored) -> None:
    assert explored.returncode == 0, f"explore failed:\n{explored.stderr[-3000:]}"
    assert "Traceback" not in explored.stderr + explored.stdout
    out = explored.stdout
    assert "Verified skills for shop" in out, f"no table of verified skills:\n{out[-2000:]}"
    assert "skills verified this run" in out
    stored = SkillLibrary(explored.library).list(site="shop")
    table_rows = [line for line in out.splitlines() if line.startswith("│ shop")]
    for skill in stored:
        assert any(f" {skill.name} " in row for row in table_rows), (
            f"{skill.name} is missing from the printed table"
        )
    assert len(table_rows) >= len(stored)
    assert not explored.leftover, f"explore left processes running: {explored.leftover}"
    assert not list(explored.tmpdir.glob("skillwright-*")), "site workdirs were not removed"


def test_explore_stores_enough_verified_skills_covering_the_shop(explored: Explored) -> None:
    assert explored.returncode == 0
    stored = SkillLibrary(explored.library).list(site="shop")
    names = sorted(s.name for s in stored)
    assert len(stored) >= MIN_VERIFIED, f"only {len(stored)} verified skills: {names}"
    assert all(s.status == "verified" for s in stored)
    covered = {
        "search": any("search" in n for n in names),
        "cart": any("cart" in n for n in names),
        "account (login/register)": any(n in ("login", "register") for n in names),
        "review or checkout form": any("review" in n or "order" in n for n in names),
    }
    assert all(covered.values()), f"not covered: {[k for k, v in covered.items() if not v]}"
    for skill in stored:
        passed = [t for t in skill.tests if t.passed]
        distinct = {json.dumps(t.inputs, sort_keys=True) for t in passed}
        # Verified only by execution: >= 3 distinct passing inputs where it has parameters.
        needed = 3 if skill.params else 1
        assert len(distinct) >= needed, f"{skill.name}: {len(distinct)} distinct passing runs"
        assert skill.provenance is not None and skill.provenance.policy == "heuristic"


def test_run_folder_has_per_attempt_artifacts(explored: Explored) -> None:
    assert explored.returncode == 0
    summary = json.loads((explored.run_dir / "summary.json").read_text())
    assert summary["site"] == "shop"
    assert summary["policy"] == "heuristic"
    attempts = summary["attempts"]
    verified = {a["skill"] for a in attempts if a["verified"]}
    stored = {s.name for s in SkillLibrary(explored.library).list(site="shop")}
    assert verified == stored, "summary.json and the library disagree on what was verified"
    for attempt in attempts:
        folder = explored.run_dir / "attempts" / attempt["proposal_id"]
        assert (folder / "proposal.json").is_file(), f"{folder} has no proposal.json"
        if not attempt["verified"]:
            continue
        for name in ATTEMPT_FILES:
            json.loads((folder / name).read_text())  # exists and is valid JSON
        verification = json.loads((folder / "verification.json").read_text())
        assert verification["runs"] and all(r["passed"] for r in verification["runs"])
        png = (folder / "practise.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000, f"{folder}: bad png"
        with zipfile.ZipFile(folder / "trace.zip") as trace:
            members = trace.namelist()
        assert any(m.endswith(".trace") for m in members), f"{folder}/trace.zip: {members[:5]}"


def test_run_json_artifacts_do_not_contain_account_passwords(explored: Explored) -> None:
    """The explorer redacts secrets ("[secret]") in verification.json and in a trajectory's
    inputs; every other JSON artifact must not hold them in clear either."""
    passwords = set(get_site("shop").accounts.values())
    leaks: list[str] = []
    for path in sorted(Path(explored.run_dir).rglob("*.json")):
        text = path.read_text()
        leaks += [
            f"{path.relative_to(explored.run_dir)} ({user})"
            for user, password in get_site("shop").accounts.items()
            if password in text
        ]
    assert passwords and not leaks, f"account passwords in clear in run artifacts: {leaks}"

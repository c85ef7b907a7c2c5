"""Real-model cassettes (recorded through the llm-bridge) replayed offline: the LLM policy's
exploration of a bundled site stores the same verified skills, code for code, as the recorded
run did, and a replay that misses raises instead of guessing."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from agent.browser import BrowserSession
from agent.explore import explore_target
from agent.llm import ReplayMissError, from_spec
from agent.llm.budget import Budgeted, Limits
from agent.policies import make_policy
from agent.target import open_target
from sites.registry import get_site
from skills_store import SkillLibrary

pytestmark = pytest.mark.browser
CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"


def expected_skills(site: str) -> dict[str, str]:
    return json.loads((CASSETTES / f"{site}_explore.skills.json").read_text())


async def replay(site: str, browser: BrowserSession, root: Path) -> tuple[Any, SkillLibrary]:
    model = Budgeted(from_spec(f"replay:{CASSETTES / f'{site}_explore.jsonl'}"), Limits())
    lib = SkillLibrary(root / "lib")
    target = await open_target(site)
    try:
        summary = await explore_target(
            target,
            lib,
            run_dir=root / "run",
            browser=browser,
            policy=make_policy("llm", model=model, iterations=3),
        )
    finally:
        await target.close()
    return summary, lib


def calls_skills(code: str, names: set[str]) -> bool:
    tree = ast.parse(code)
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in names
        for n in ast.walk(tree)
    )


@pytest.mark.timeout(900)
async def test_shop_cassette_replays_to_the_recorded_library(
    browser: BrowserSession, tmp_path: Path
) -> None:
    summary, lib = await replay("shop", browser, tmp_path)
    stored = {s.name: s for s in lib.list(site="shop")}
    assert summary.stopped is None
    assert len(stored) >= 8, sorted(stored)
    # the same code as the recorded run: the library is reproducible offline
    assert {n: s.code for n, s in stored.items()} == expected_skills("shop")
    # at least one skill composed from another, and one reached by its direct address
    assert any(calls_skills(s.code, set(stored) - {n}) for n, s in stored.items())
    assert any(s.provenance and s.provenance.form == "url" for s in stored.values())
    # nothing the model saw or the run kept holds a password
    passwords = list(get_site("shop").accounts.values())
    kept = [(CASSETTES / "shop_explore.jsonl").read_text()]
    kept += [f.read_text(errors="replace") for f in (tmp_path / "run").rglob("*.json")]
    assert not [p for p in passwords for text in kept if p in text]


async def test_a_replay_miss_raises_and_names_the_changed_prompt_line() -> None:
    """A prompt template change shows up as a miss whose diff names the changed line."""
    from agent.llm import read_cassette
    from agent.policies.llm.drafts import ProposalBatch

    path = CASSETTES / "shop_explore.jsonl"
    first = next(e for e in read_cassette(path) if e.stage == "propose")
    messages = [dict(m) for m in first.messages]
    messages[-1]["content"] = messages[-1]["content"].replace("Propose up to 12", "Propose up to 3")
    with pytest.raises(ReplayMissError) as err:
        await from_spec(f"replay:{path}").complete(messages, schema=ProposalBatch)
    assert "-Propose up to 12 tasks" in str(err.value)
    assert "+Propose up to 3 tasks" in str(err.value)

"""A benchmark run's `summary.json`: per-task results and the totals people compare."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

from agent.taskagent.models import TaskResult


class Totals(BaseModel):
    tasks: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    success_rate: float = 0.0  # passed / tasks (an error counts as not solved)
    steps: int = 0
    model_calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    wall_s: float = 0.0
    skill_calls: int = 0
    fell_back: int = 0
    # means over the solved tasks: what a success costs
    steps_per_solved: float | None = None
    model_calls_per_solved: float | None = None
    tokens_per_solved: float | None = None
    wall_s_per_solved: float | None = None


class BenchSummary(BaseModel):
    site: str
    llm: str = ""
    mode: str = "program"
    use_skills: bool = True
    library: str | None = None
    skills_in_library: int = 0
    split: str | None = None
    requested: list[str] = Field(default_factory=list)
    started_at: str = ""
    wall_s: float = 0.0
    problems: list[str] = Field(default_factory=list)
    totals: Totals = Field(default_factory=Totals)
    tasks: list[TaskResult] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{'with' if self.use_skills else 'without'} skills, {self.mode} mode"


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def totals_of(results: list[TaskResult]) -> Totals:
    solved = [r for r in results if r.verdict == "pass"]
    t = Totals(
        tasks=len(results),
        passed=len(solved),
        failed=sum(r.verdict == "fail" for r in results),
        errors=sum(r.verdict == "error" for r in results),
        steps=sum(r.steps for r in results),
        model_calls=sum(r.model_calls for r in results),
        tokens_in=sum(r.tokens_in for r in results),
        tokens_out=sum(r.tokens_out for r in results),
        wall_s=round(sum(r.wall_s for r in results), 2),
        skill_calls=sum(len(r.skill_calls) for r in results),
        fell_back=sum(r.fell_back for r in results),
    )
    t.success_rate = round(t.passed / t.tasks, 4) if t.tasks else 0.0
    t.steps_per_solved = _mean([r.steps for r in solved])
    t.model_calls_per_solved = _mean([r.model_calls for r in solved])
    t.tokens_per_solved = _mean([r.tokens_in + r.tokens_out for r in solved])
    t.wall_s_per_solved = _mean([r.wall_s for r in solved])
    return t


def write_summary(summary: BenchSummary, run_dir: Path) -> Path:
    path = run_dir / "summary.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("summary.json.tmp")
    tmp.write_text(summary.model_dump_json(indent=2))
    tmp.replace(path)
    return path


def read_summary(run_dir: Path) -> BenchSummary:
    """A run's summary (the folder, or its summary.json); SkillwrightError when it is not one."""
    from agent.errors import SkillwrightError

    path = run_dir / "summary.json" if run_dir.is_dir() else run_dir
    try:
        return BenchSummary.model_validate(json.loads(path.read_text()))
    except FileNotFoundError:
        raise SkillwrightError(f"{run_dir} is not a bench run (no summary.json)") from None
    except (ValueError, OSError) as exc:
        raise SkillwrightError(f"{path}: not a bench summary ({str(exc)[:200]})") from None

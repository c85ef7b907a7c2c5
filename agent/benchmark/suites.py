"""Which tasks a benchmark runs: a bundled site's `tasks.json` (or MiniWoB's seeded episodes),
by split or by id. Unknown ids are kept so each becomes an `error` row, not a crash."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agent.errors import SkillwrightError
from sites.miniwob.tasks import (
    DEFAULT_TEST_SEEDS,
    DEFAULT_TRAIN_SEEDS,
    MiniWoBTaskSpec,
    make_specs,
)
from sites.registry import BUNDLED_SITES
from sites.tasks import Task, load_tasks


class Suite(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    site: str
    tasks: list[Task | MiniWoBTaskSpec] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list)


def parse_ids(text: str | None) -> list[str] | None:
    """`--tasks "shop-003, shop-018"` → ids in order, duplicates dropped."""
    if text is None:
        return None
    ids = [part.strip() for part in text.replace(" ", ",").split(",") if part.strip()]
    return list(dict.fromkeys(ids))


def _miniwob(ids: list[str] | None, split: str) -> Suite:
    specs = make_specs()
    by_id = {s.task_id: s for s in specs}
    first_seed = (DEFAULT_TEST_SEEDS if split == "test" else DEFAULT_TRAIN_SEEDS)[0]
    if ids is None:  # one episode per curated task, on the split's first seed
        return Suite(site="miniwob", tasks=[s for s in specs if s.seed == first_seed])
    suite = Suite(site="miniwob")
    for tid in ids:
        spec = by_id.get(tid) or by_id.get(f"miniwob-{tid}-{first_seed}")
        if spec is None:
            suite.unknown.append(tid)
        else:
            suite.tasks.append(spec)
    return suite


def load_suite(site: str, *, ids: list[str] | None = None, split: str = "test") -> Suite:
    """The tasks to run on `site`: `ids` when given (unknown ones listed apart), else the split.

    MiniWoB ids are `miniwob-NAME-SEED`, or a task NAME for its first seed of the split."""
    if site not in BUNDLED_SITES:
        raise SkillwrightError(
            f"bench needs a bundled site with a task suite ({', '.join(BUNDLED_SITES)}), "
            f"not {site!r}"
        )
    if split not in ("train", "test"):
        raise SkillwrightError(f"--split must be train or test, not {split!r}")
    if site == "miniwob":
        return _miniwob(ids, split)
    tasks = load_tasks(site)
    if ids is None:
        return Suite(site=site, tasks=[t for t in tasks if t.split == split])
    by_id = {t.task_id: t for t in tasks}
    suite = Suite(site=site)
    for tid in ids:
        if tid in by_id:
            suite.tasks.append(by_id[tid])
        else:
            suite.unknown.append(tid)
    return suite


def unknown_reason(site: str, task_id: str) -> str:
    if site == "miniwob":
        return f"unknown task id {task_id!r}: miniwob ids look like miniwob-click-button-10000"
    ids = [t.task_id for t in load_tasks(site)]
    span = f"{ids[0]} … {ids[-1]}" if ids else "none"
    return f"unknown task id {task_id!r}: {site} has {len(ids)} tasks ({span})"

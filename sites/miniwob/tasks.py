"""MiniWoB++ episodes in the project's task vocabulary (the WebArena shape of `sites.tasks`).

MiniWoB has no `tasks.json`: a task page invents its problem from a seed and scores itself.
So a MiniWoB "task instance" is a (task page, seed) pair, and its intent is only known once
the episode has started in a browser:

1. `make_specs()` lists (task, seed, split) pairs: train seeds and disjoint test seeds.
2. `await begin(page, spec)` starts the seeded episode (`episodes.start_episode`) and returns
   the `Episode` plus a `MiniWoBTaskInstance` shaped like `sites.tasks.Task`:
   * `intent` = the page's utterance, e.g. `Click on the "Ok" button.`;
   * `intent_template` = the utterance with the extracted field values replaced by
     `{{field}}` (`Click on the "{{target}}" button.`), `instantiation_dict` = the fields;
   * `eval` = a `RewardEval`: the page's own reward, not an answer/url/state check.
3. The agent acts on the page *as it is* (never `page.goto(start_url)`: that reloads the page
   and loses the episode; `start_url` is informational), then `await judge(page, instance)`.

Success: the episode is done and `WOB_RAW_REWARD_GLOBAL` is 1.0 (`rule="full"`, the default
and the number MiniWoB papers report as success), or > 0 (`rule="positive"`, for tasks with
partial credit such as click-checkboxes-soft or the FlightWoB forms). A run that never ends the
episode (a no-op) is a failure. Every instance is `kind="state"`: the page state is judged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from playwright.async_api import Page
from pydantic import BaseModel, ConfigDict

from sites.miniwob.episodes import CURATED_TASKS, Episode, MiniWoBTask, Reward, read_reward
from sites.miniwob.episodes import start_episode as _start_episode
from sites.miniwob.solvers import SOLVERS
from sites.tasks import EvalResult

DEFAULT_TRAIN_SEEDS: tuple[int, ...] = tuple(range(0, 5))
DEFAULT_TEST_SEEDS: tuple[int, ...] = tuple(range(10_000, 10_005))


class RewardEval(BaseModel):
    """Judge an episode by the page's raw reward."""

    type: Literal["reward"] = "reward"
    rule: Literal["full", "positive"] = "full"

    def judge(self, reward: Reward) -> EvalResult:
        if not reward.done:
            return EvalResult(passed=False, detail="episode not finished (no reward yet)")
        ok = reward.raw >= 1.0 - 1e-9 if self.rule == "full" else reward.raw > 0
        detail = f"raw reward {reward.raw:g} ({self.rule})"
        if reward.reason:
            detail += f"; {reward.reason}"
        return EvalResult(passed=ok, detail=detail)


class MiniWoBTaskSpec(BaseModel):
    """A (task page, seed) pair before its episode is started."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    task: MiniWoBTask
    seed: int
    split: Literal["train", "test"]
    data_mode: str = "train"


class MiniWoBTaskInstance(BaseModel):
    """A started episode as a task, with the fields of `sites.tasks.Task` that apply."""

    task_id: str
    site: str = "miniwob"
    miniwob_task: str
    seed: int
    intent_template_id: int
    intent_template: str
    instantiation_dict: dict[str, str]
    intent: str
    kind: Literal["state"] = "state"
    start_url: str
    requires_login: bool = False
    login_as: str | None = None
    split: Literal["train", "test"]
    eval: RewardEval
    reference: str | None = None  # name of a scripted solver in `solvers.SOLVERS`, if any


def make_specs(
    tasks: Iterable[MiniWoBTask] = CURATED_TASKS,
    *,
    train_seeds: Sequence[int] = DEFAULT_TRAIN_SEEDS,
    test_seeds: Sequence[int] = DEFAULT_TEST_SEEDS,
) -> list[MiniWoBTaskSpec]:
    """Every task with every seed; the split follows the seed (train and test seeds disjoint)."""
    overlap = set(train_seeds) & set(test_seeds)
    if overlap:
        raise ValueError(f"seeds in both splits: {sorted(overlap)}")
    specs: list[MiniWoBTaskSpec] = []
    for task in tasks:
        for split, seeds in (("train", train_seeds), ("test", test_seeds)):
            for seed in seeds:
                specs.append(
                    MiniWoBTaskSpec(
                        task_id=f"miniwob-{task.name}-{seed}", task=task, seed=seed, split=split
                    )
                )
    return specs


def intent_template(utterance: str, fields: dict[str, str]) -> str:
    """The utterance with each field value replaced by `{{key}}`.

    Longer values are replaced first; when several keys share a value, its occurrences go to
    those keys in order. A JSON utterance (FlightWoB) keeps its shape: `{"key": "{{key}}"}`.
    """
    if utterance.startswith("{"):
        try:
            instruction = json.loads(utterance)
        except json.JSONDecodeError:
            instruction = None
        if isinstance(instruction, dict):
            return json.dumps({key: "{{" + key + "}}" for key in instruction})
    keys_by_value: dict[str, list[str]] = {}
    for key, value in fields.items():
        if value:
            keys_by_value.setdefault(value, []).append(key)
    if not keys_by_value:
        return utterance
    pattern = re.compile("|".join(re.escape(v) for v in sorted(keys_by_value, key=len)[::-1]))
    used: dict[str, int] = {}

    def placeholder(match: re.Match[str]) -> str:
        keys = keys_by_value[match.group(0)]
        i = used.get(match.group(0), 0)
        used[match.group(0)] = i + 1
        return "{{" + keys[min(i, len(keys) - 1)] + "}}"

    return pattern.sub(placeholder, utterance)


def _template_id(task: MiniWoBTask) -> int:
    for i, curated in enumerate(CURATED_TASKS):
        if curated.name == task.name:
            return i
    return len(CURATED_TASKS)


def to_instance(
    spec: MiniWoBTaskSpec, episode: Episode, rule: Literal["full", "positive"] = "full"
) -> MiniWoBTaskInstance:
    """The task-vocabulary view of a started episode."""
    return MiniWoBTaskInstance(
        task_id=spec.task_id,
        miniwob_task=spec.task.name,
        seed=spec.seed,
        intent_template_id=_template_id(spec.task),
        intent_template=intent_template(episode.utterance, episode.fields),
        instantiation_dict=dict(episode.fields),
        intent=episode.utterance,
        start_url=spec.task.path,
        split=spec.split,
        eval=RewardEval(rule=rule),
        reference=spec.task.name if spec.task.name in SOLVERS else None,
    )


async def begin(
    page: Page,
    spec: MiniWoBTaskSpec,
    *,
    time_limit_s: float | None = None,
    rule: Literal["full", "positive"] = "full",
) -> tuple[Episode, MiniWoBTaskInstance]:
    """Start `spec`'s seeded episode in `page`; return it and its task instance."""
    episode = await _start_episode(
        page, spec.task, spec.seed, time_limit_s=time_limit_s, data_mode=spec.data_mode
    )
    return episode, to_instance(spec, episode, rule)


async def judge(page: Page, instance: MiniWoBTaskInstance) -> EvalResult:
    """Read the page's reward and judge it with the instance's `RewardEval`."""
    return instance.eval.judge(await read_reward(page))

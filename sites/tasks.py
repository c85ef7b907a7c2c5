"""WebArena-shaped task suites (`sites/NAME/tasks.json`) and their evaluators.

A task file is a JSON list of objects:

```json
{
  "task_id": "shop-003",
  "intent_template_id": 2,
  "intent_template": "What is the price of {{product}}?",
  "instantiation_dict": {"product": "Blue Mug"},
  "intent": "What is the price of Blue Mug?",
  "kind": "info" | "navigation" | "state",
  "start_url": "/",
  "requires_login": false,
  "login_as": null,
  "split": "train" | "test",
  "eval": {"type": "answer", "match": "exact" | "must_include" | "numeric", "expected": ...}
       | {"type": "url", "expected": "/search?q=mug", "rule": "exact" | "path" | "prefix"}
       | {"type": "state", "sql": "SELECT ...", "expected": [[...], ...]},
  "reference": "await page.goto('/')\nreturn await page.get_by_role(...).inner_text()"
}
```

`reference` is the body of `async def solve(page)`; it returns the answer for info tasks.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from sites.errors import EvaluatorError, TaskFileError


class AnswerEval(BaseModel):
    type: Literal["answer"] = "answer"
    match: Literal["exact", "must_include", "numeric"] = "exact"
    expected: str | list[str] | float
    tolerance: float = 0.01


class UrlEval(BaseModel):
    type: Literal["url"] = "url"
    expected: str
    rule: Literal["exact", "path", "prefix"] = "exact"


class StateEval(BaseModel):
    type: Literal["state"] = "state"
    sql: str
    expected: list[list[Any]]


Evaluator = Annotated[AnswerEval | UrlEval | StateEval, Field(discriminator="type")]


class Task(BaseModel):
    task_id: str
    site: str
    intent_template_id: int
    intent_template: str
    instantiation_dict: dict[str, Any] = Field(default_factory=dict)
    intent: str
    kind: Literal["info", "navigation", "state"]
    start_url: str = "/"
    requires_login: bool = False
    login_as: str | None = None
    split: Literal["train", "test"] = "train"
    eval: Evaluator
    reference: str


class EvalResult(BaseModel):
    passed: bool
    detail: str


_TASKS = TypeAdapter(list[Task])


def tasks_path(site: str) -> Path:
    return Path(__file__).parent / site / "tasks.json"


def load_tasks(site: str, path: Path | None = None) -> list[Task]:
    """Load and validate a task file; TaskFileError names the file and the bad task."""
    path = path or tasks_path(site)
    if not path.exists():
        return []
    text = path.read_text()
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        ids = re.findall(r'"task_id"\s*:\s*"([^"]*)"', text[: exc.pos])
        where = f" in or after task {ids[-1]}" if ids else ""
        raise TaskFileError(f"{path}: not valid JSON{where} ({exc})") from None
    if not isinstance(raw, list):
        raise TaskFileError(f"{path}: expected a JSON list of tasks")
    for i, item in enumerate(raw):
        if isinstance(item, dict):
            item.setdefault("site", site)
        try:
            Task.model_validate(item)
        except ValidationError as exc:
            tid = item.get("task_id", f"#{i}") if isinstance(item, dict) else f"#{i}"
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise TaskFileError(f"{path}: task {tid}: {loc}: {first['msg']}") from None
    tasks = _TASKS.validate_python(raw)
    seen: set[str] = set()
    for task in tasks:
        if task.task_id in seen:
            raise TaskFileError(f"{path}: duplicate task_id {task.task_id}")
        seen.add(task.task_id)
    return tasks


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _number(text: str) -> float | None:
    match = re.search(r"-?\d[\d,]*(?:\.\d+)?", text)
    return float(match.group().replace(",", "")) if match else None


def _answer(ev: AnswerEval, answer: Any) -> EvalResult:
    if answer is None:
        return EvalResult(passed=False, detail="no answer given")
    got = answer if isinstance(answer, str) else json.dumps(answer)
    if ev.match == "exact":
        ok = _norm(got) == _norm(str(ev.expected))
    elif ev.match == "must_include":
        items = ev.expected if isinstance(ev.expected, list) else [str(ev.expected)]
        ok = all(_norm(str(item)) in _norm(got) for item in items)
    else:
        value = _number(got)
        ok = value is not None and abs(value - float(ev.expected)) <= ev.tolerance  # type: ignore[arg-type]
    return EvalResult(passed=ok, detail=f"answer {got!r} vs expected {ev.expected!r}")


def _url(ev: UrlEval, url: str) -> EvalResult:
    got, want = urlsplit(url), urlsplit(ev.expected)
    if ev.rule == "prefix":
        ok = (got.path + ("?" + got.query if got.query else "")).startswith(ev.expected)
    elif ev.rule == "path":
        ok = got.path.rstrip("/") == want.path.rstrip("/")
    else:
        ok = got.path.rstrip("/") == want.path.rstrip("/") and sorted(
            parse_qsl(got.query)
        ) == sorted(parse_qsl(want.query))
    return EvalResult(passed=ok, detail=f"url {got.path}?{got.query} vs {ev.expected} ({ev.rule})")


def _state(ev: StateEval, db_path: Path | None, task_id: str) -> EvalResult:
    if db_path is None:
        raise EvaluatorError(f"task {task_id}: state evaluator needs the site's database")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = [list(r) for r in conn.execute(ev.sql).fetchall()]
    except sqlite3.Error as exc:
        raise EvaluatorError(f"task {task_id}: evaluator SQL failed: {exc}") from None
    finally:
        conn.close()
    return EvalResult(passed=rows == ev.expected, detail=f"rows {rows!r} vs {ev.expected!r}")


def evaluate(task: Task, *, answer: Any, url: str, db_path: Path | None) -> EvalResult:
    """Judge one finished attempt at `task` (the agent's answer, the page's final URL, the DB)."""
    ev = task.eval
    if isinstance(ev, AnswerEval):
        return _answer(ev, answer)
    if isinstance(ev, UrlEval):
        return _url(ev, url)
    return _state(ev, db_path, task.task_id)

"""Record/replay of model calls in JSONL cassettes.

`RecordingModel` wraps a model and appends one JSON line per successful call;
`ReplayModel` serves those lines back with no network. A call is keyed by the
sha256 of canonical JSON of (model name, messages, schema JSON schema,
temperature), computed after secrets are redacted, so a cassette never holds a
secret and replays the same whatever key the replaying machine has. A replay
miss raises `ReplayMissError` naming the key and showing a diff against the
nearest recorded prompt.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import json
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.llm.completion import Completion, Message
from agent.llm.errors import LLMConfigError, ReplayMissError
from agent.llm.preflight import check_reachable
from agent.llm.protocol import ChatModel
from agent.llm.redaction import Redactor
from agent.llm.structured import json_schema_of

CASSETTE_VERSION = 1
_MAX_DIFF_LINES = 40
_NEAREST_CANDIDATES = 5


class CassetteEntry(BaseModel):
    """One recorded call: one line of a cassette."""

    version: int = CASSETTE_VERSION
    key: str
    model: str
    messages: list[Message]
    schema_name: str | None = None
    temperature: float | None = None
    stage: str | None = None
    completion: dict[str, Any]
    recorded_at: str = ""


def cassette_key(
    model_name: str,
    messages: Sequence[Message],
    schema: type[BaseModel] | None,
    temperature: float | None,
) -> str:
    """sha256 of canonical JSON of what determines a reply."""
    payload = {
        "model": model_name,
        "messages": list(messages),
        "schema": json_schema_of(schema),
        "temperature": temperature,
    }
    canonical = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_cassette(path: str | Path) -> list[CassetteEntry]:
    """Load a cassette; a truncated last line (a write cut short) is ignored."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise LLMConfigError(f"replay cassette {path} does not exist") from exc
    except OSError as exc:
        raise LLMConfigError(f"cannot read replay cassette {path}: {exc}") from exc
    entries: list[CassetteEntry] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(CassetteEntry.model_validate_json(line))
        except ValidationError as exc:
            if number == len(lines):
                break
            raise LLMConfigError(f"{path}:{number} is not a cassette entry: {exc}") from exc
    return entries


def append_entry(path: Path, entry: CassetteEntry) -> None:
    """Append one line with a single write, then flush and fsync."""
    line = entry.model_dump_json() + "\n"
    with path.open("ab") as handle:
        handle.write(line.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())


def render_prompt(messages: Sequence[Message]) -> str:
    """Messages as plain text lines, for similarity and diffs."""
    blocks: list[str] = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, list):
            parts = []
            for part in content:
                if isinstance(part, dict) and part.get("type") == "text":
                    parts.append(str(part.get("text", "")))
                elif isinstance(part, dict) and part.get("type") == "image_url":
                    url = str((part.get("image_url") or {}).get("url", ""))
                    parts.append(f"[image {hashlib.sha256(url.encode()).hexdigest()[:12]}]")
                else:
                    parts.append(json.dumps(part, sort_keys=True, default=str))
            text = "\n".join(parts)
        else:
            text = "" if content is None else str(content)
        blocks.append(f"[{message.get('role', '?')}]\n{text}")
    return "\n".join(blocks)


class RecordingModel:
    """Wraps a model and appends each successful call to a cassette."""

    def __init__(
        self,
        inner: ChatModel,
        path: str | Path,
        *,
        secrets: Iterable[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._inner = inner
        self._path = Path(path)
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LLMConfigError(f"cannot create the folder for cassette {path}: {exc}") from exc
        self._redactor = Redactor(secrets, env=env)
        self._lock = threading.Lock()
        # calls already on the cassette are served from it, so an interrupted or repeated
        # recording only asks the model what it has not answered yet
        self._known: dict[str, list[CassetteEntry]] = {}
        if self._path.is_file():
            for entry in read_cassette(self._path):
                self._known.setdefault(entry.key, []).append(entry)
        self._served: dict[str, int] = {}

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def path(self) -> Path:
        return self._path

    @property
    def inner(self) -> ChatModel:
        return self._inner

    async def preflight(self, timeout_s: float = 5.0) -> None:
        await check_reachable(self._inner, timeout_s)

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: type[BaseModel] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stage: str | None = None,
    ) -> Completion:
        redacted = self._redactor.data(list(messages))
        key = cassette_key(self.name, redacted, schema, temperature)
        known = self._known.get(key)
        if known:
            served = self._served.get(key, 0)
            self._served[key] = served + 1
            if served < len(known):
                return _completion(known[served], schema)
        completion = await self._inner.complete(
            messages, schema=schema, temperature=temperature, max_tokens=max_tokens, stage=stage
        )
        entry = CassetteEntry(
            key=key,
            model=self.name,
            messages=redacted,
            schema_name=schema.__name__ if schema else None,
            temperature=temperature,
            stage=stage,
            completion=self._redactor.data(completion.model_dump(mode="json")),
            recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        await asyncio.to_thread(self._append, entry)
        return completion

    def _append(self, entry: CassetteEntry) -> None:
        with self._lock:
            append_entry(self._path, entry)


class ReplayModel:
    """Serves recorded completions from a cassette; never touches the network.

    Several entries under one key (the same call recorded more than once) are
    served in recorded order, the last one repeating.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        model_name: str | None = None,
        secrets: Iterable[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._path = Path(path)
        if not self._path.is_file():
            raise LLMConfigError(f"replay cassette {self._path} does not exist")
        self._entries = read_cassette(self._path)
        self._by_key: dict[str, list[CassetteEntry]] = {}
        for entry in self._entries:
            self._by_key.setdefault(entry.key, []).append(entry)
        recorded_models = list(dict.fromkeys(entry.model for entry in self._entries))
        self._models = [model_name] if model_name else recorded_models
        if model_name:
            self._name = model_name
        elif len(recorded_models) == 1:
            self._name = recorded_models[0]
        else:
            self._name = f"replay:{self._path.name}"
        self._served: dict[str, int] = {}
        self._redactor = Redactor(secrets, env=env)

    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> Path:
        return self._path

    def __len__(self) -> int:
        return len(self._entries)

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: type[BaseModel] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stage: str | None = None,
    ) -> Completion:
        redacted = self._redactor.data(list(messages))
        keys = [cassette_key(model, redacted, schema, temperature) for model in self._models]
        for key in keys:
            entries = self._by_key.get(key)
            if entries:
                served = self._served.get(key, 0)
                self._served[key] = served + 1
                return _completion(entries[min(served, len(entries) - 1)], schema)
        raise self._miss(keys[0] if keys else "-", redacted, schema, temperature)

    def _miss(
        self,
        key: str,
        messages: list[Message],
        schema: type[BaseModel] | None,
        temperature: float | None,
    ) -> ReplayMissError:
        schema_name = schema.__name__ if schema else None
        head = (
            f"replay miss in {self._path}: no recorded reply for key {key[:16]} "
            f"(model={self._models[0] if self._models else '?'}, schema={schema_name}, "
            f"temperature={temperature})."
        )
        if not self._entries:
            return ReplayMissError(f"{head} The cassette is empty.", key=key)
        requested = render_prompt(messages)
        nearest, ratio = _nearest(self._entries, requested)
        recorded = render_prompt(nearest.messages)
        diff = list(
            difflib.unified_diff(
                recorded.splitlines(),
                requested.splitlines(),
                "recorded",
                "requested",
                n=2,
                lineterm="",
            )
        )
        if len(diff) > _MAX_DIFF_LINES:
            diff = [*diff[:_MAX_DIFF_LINES], f"... ({len(diff) - _MAX_DIFF_LINES} more lines)"]
        if not diff:
            diff = [
                "(the prompts are identical: what changed is the model, schema or temperature; "
                f"recorded model={nearest.model}, schema={nearest.schema_name}, "
                f"temperature={nearest.temperature})"
            ]
        return ReplayMissError(
            f"{head}\nNearest recorded prompt: key {nearest.key[:16]} "
            f"(stage={nearest.stage}, similarity {ratio:.2f}). Diff recorded -> requested:\n"
            + "\n".join(diff),
            key=key,
            nearest_key=nearest.key,
        )


def _nearest(entries: Sequence[CassetteEntry], requested: str) -> tuple[CassetteEntry, float]:
    rendered = {entry.key: render_prompt(entry.messages) for entry in entries}
    unique = list({entry.key: entry for entry in entries}.values())

    def quick(entry: CassetteEntry) -> float:
        return difflib.SequenceMatcher(None, rendered[entry.key], requested).quick_ratio()

    shortlist = sorted(unique, key=quick, reverse=True)[:_NEAREST_CANDIDATES]
    scored = [
        (difflib.SequenceMatcher(None, rendered[entry.key], requested).ratio(), entry)
        for entry in shortlist
    ]
    ratio, entry = max(scored, key=lambda pair: pair[0])
    return entry, ratio


def _completion(entry: CassetteEntry, schema: type[BaseModel] | None) -> Completion:
    data = dict(entry.completion)
    parsed_data = data.pop("parsed", None)
    completion = Completion.model_validate(data)
    if schema is None or parsed_data is None:
        return completion
    return completion.model_copy(update={"parsed": schema.model_validate(parsed_data)})

"""What a page says, read robustly: forms, links, headings, alerts, notices (page_facts.js)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Page
from pydantic import BaseModel, Field


class Option(BaseModel):
    label: str
    value: str


class FieldFact(BaseModel):
    tag: str
    type: str
    name: str
    id: str = ""
    label: str = ""
    has_label: bool = False
    placeholder: str = ""
    required: bool = False
    value: str = ""
    checked: bool = False
    min: str | None = None
    max: str | None = None
    minlength: str | None = None
    maxlength: str | None = None
    pattern: str | None = None
    readonly: bool = False
    role: str = ""
    visible: bool = True
    options: list[Option] = Field(default_factory=list)


class SubmitFact(BaseModel):
    text: str
    visible: bool = True


class FormFact(BaseModel):
    index: int
    method: str
    action: str
    action_url: str
    fields: list[FieldFact]
    submits: list[SubmitFact]
    visible: bool
    heading: str = ""
    in_dialog: bool = False
    in_main: bool = False
    row_text: str = ""

    @property
    def inputs(self) -> list[FieldFact]:
        return [f for f in self.fields if f.visible and f.type != "hidden" and f.name]

    @property
    def action_path(self) -> str:
        return urlsplit(self.action_url).path

    def matches(self, key: list[Any] | tuple[Any, ...]) -> bool:
        """Whether this form is an instance of the form identified by `key` (method, action
        pattern such as `/f/{slug}/{id}/comment`, field names)."""
        method, pattern, fields = key
        return (
            self.visible
            and self.method == method
            and tuple(sorted(f.name for f in self.inputs)) == tuple(fields)
            and matches_pattern(self.action_path, pattern)
        )

    def signature(self) -> tuple[str, str, tuple[str, ...]]:
        """Identity of a form across pages: method, action pattern and field names."""
        return (
            self.method,
            url_pattern(self.action_path),
            tuple(sorted(f.name for f in self.inputs)),
        )


class LinkFact(BaseModel):
    href: str
    text: str
    in_main: bool = False
    in_nav: bool = False
    visible: bool = True


class PageFacts(BaseModel):
    url: str
    title: str
    h1: str
    forms: list[FormFact]
    links: list[LinkFact]
    alerts: list[str]
    statuses: list[str]
    text: str = ""

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


@cache
def _script() -> str:
    return (Path(__file__).with_name("page_facts.js")).read_text()


async def page_facts(page: Page) -> PageFacts:
    return PageFacts.model_validate(await page.evaluate(_script()))


_NUMERIC = re.compile(r"^\d+$")


def matches_pattern(path: str, pattern: str) -> bool:
    """`/product/12` matches `/product/{id}`; `/f/books` matches `/f/{slug}`."""
    regex = re.escape(pattern).replace(r"\{id\}", r"\d+").replace(r"\{slug\}", r"[^/]+")
    return re.fullmatch(regex, path.rstrip("/") or "/") is not None


def url_pattern(path: str) -> str:
    """`/product/17` → `/product/{id}` (numeric segments become `{id}`)."""
    segments = [("{id}" if _NUMERIC.match(s) else s) for s in path.split("/")]
    return "/".join(segments) or "/"


def generalise(paths: list[str]) -> dict[str, str]:
    """Map each path to its pattern: numeric segments → {id}; a non-first segment that takes
    ≥ 4 values after the same leading segments (in paths of any length) → {slug}."""
    patterns = {p: url_pattern(urlsplit(p).path) for p in paths}
    values: dict[tuple[int, tuple[str, ...]], set[str]] = defaultdict(set)
    for pat in set(patterns.values()):
        segs = pat.split("/")
        for k in range(2, len(segs)):
            if not segs[k].startswith("{") and segs[k]:
                values[(k, tuple(segs[:k]))].add(segs[k])

    def slugged(pat: str) -> str:
        segs = pat.split("/")
        for k in range(2, len(segs)):
            if len(values.get((k, tuple(segs[:k])), ())) >= 4:
                segs[k] = "{slug}"
        return "/".join(segs)

    cache = {pat: slugged(pat) for pat in set(patterns.values())}
    return {p: cache[patterns[p]] for p in paths}

"""What a page says, read robustly: forms, links, headings, alerts, notices (page_facts.js)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Page
from pydantic import BaseModel, Field, ValidationError


def url_path(url: str) -> str:
    """The address's path and query (`/search?q=mug`), without scheme, host and fragment."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


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
    required: bool = False  # the browser checks it
    marked_required: bool = False  # the page marks it required, the site checks it
    value: str = ""
    checked: bool = False
    min: str | None = None
    max: str | None = None
    minlength: str | None = None
    maxlength: str | None = None
    pattern: str | None = None
    readonly: bool = False
    disabled: bool = False
    role: str = ""
    visible: bool = True
    options: list[Option] = Field(default_factory=list)
    # a field in a tab panel not shown: a CSS selector of the tab that shows it ("Promote")
    tab: str = ""


class SubmitFact(BaseModel):
    text: str
    visible: bool = True
    name: str = ""
    disabled: bool = False


# buttons that change nothing (a preview, a review of changes) or go away (cancel, back)
NON_PRIMARY = re.compile(
    r"\b(preview|review|cancel|reset|back|clear|close|discard|delete|remove)\b", re.IGNORECASE
)


def primary_submit(submits: list[SubmitFact]) -> SubmitFact | None:
    """The submit button that does what the form is for: visible, enabled, named, and not a
    preview or a cancel (a preview changes nothing); the first such, else the first visible."""
    usable = [s for s in submits if s.visible and not s.disabled and s.text]
    doing = [s for s in usable if not NON_PRIMARY.search(s.text)]
    return (doing or usable or [None])[0]


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
    novalidate: bool = False  # the browser does not check required fields; the site does

    @property
    def inputs(self) -> list[FieldFact]:
        """The fields a user fills in: visible, enabled, named, never hidden."""
        return [
            f for f in self.fields if f.visible and not f.disabled and f.type != "hidden" and f.name
        ]

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
    notices: list[str] = Field(default_factory=list)  # live regions, flash/message boxes
    errors: list[str] = Field(default_factory=list)  # error notices that are not role=alert
    has_main: bool = False
    text: str = ""

    @property
    def path(self) -> str:
        return url_path(self.url)


@cache
def _script() -> str:
    return (Path(__file__).with_name("page_facts.js")).read_text()


class PageReadError(Exception):
    """The page could not be read (its script threw, or it returned something unexpected)."""


async def page_facts(page: Page) -> PageFacts:
    """The page's facts; `PageReadError` (one line) when the page cannot be read."""
    try:
        raw = await page.evaluate(_script())
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PageReadError(f"reading {page.url} failed: {first}") from None
    try:
        return PageFacts.model_validate(raw)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(x) for x in problem["loc"])
        raise PageReadError(f"reading {page.url}: {where}: {problem['msg']}") from None


_NUMERIC = re.compile(r"^\d+$")
_NUMBERED = re.compile(r"^([A-Za-z][A-Za-z_-]{2,})(\d+)$")  # issue12, user3


def _segment(seg: str) -> str:
    if _NUMERIC.match(seg):
        return "{id}"
    m = _NUMBERED.match(seg)
    return f"{m.group(1)}{{id}}" if m else seg


def matches_pattern(path: str, pattern: str) -> bool:
    """`/product/12` matches `/product/{id}`; `/f/books` matches `/f/{slug}`."""
    pattern = pattern.rstrip("/") or "/"
    regex = re.escape(pattern).replace(r"\{id\}", r"\d+").replace(r"\{slug\}", r"[^/]+")
    return re.fullmatch(regex, path.rstrip("/") or "/") is not None


def url_pattern(path: str) -> str:
    """`/product/17` → `/product/{id}`, `/app/issue12` → `/app/issue{id}` (numbers become
    `{id}`, also after a word in the same segment)."""
    segments = [_segment(s) for s in path.split("/")]
    return "/".join(segments) or "/"


def generalise(paths: list[str], root: str = "/") -> dict[str, str]:
    """Map each path to its pattern: numbers → {id}; a segment below `root`, not its first
    (an app's sections under its mount point stay apart), that takes ≥ 4 values after the
    same leading segments (in paths of any length) → {slug}."""
    patterns = {p: url_pattern(urlsplit(p).path) for p in paths}
    first = len([s for s in root.split("/") if s]) + 2  # index of the 2nd segment below root
    values: dict[tuple[int, tuple[str, ...]], set[str]] = defaultdict(set)
    for pat in set(patterns.values()):
        segs = pat.split("/")
        for k in range(first, len(segs)):
            if "{" not in segs[k] and segs[k]:
                values[(k, tuple(segs[:k]))].add(segs[k])

    def slugged(pat: str) -> str:
        segs = pat.split("/")
        for k in range(first, len(segs)):
            named_id = "{" in segs[k] and not segs[k].startswith("{")  # issue{id} stays
            if len(values.get((k, tuple(segs[:k])), ())) >= 4 and not named_id:
                segs[k] = "{slug}"
        return "/".join(segs)

    cache = {pat: slugged(pat) for pat in set(patterns.values())}
    return {p: cache[patterns[p]] for p in paths}

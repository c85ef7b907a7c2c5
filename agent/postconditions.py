"""Typed post-conditions: what must be true after a skill ran, *for the values it was given*.

Any policy emits them; one generic judge evaluates them (`agent.judge`). Each kind says how a
parameter's value is observed:

* `RowEffect` — a database row created / changed / deleted whose columns carry the parameters
  (entity parameters through foreign keys: `product_id>products.name`). The columns are learned
  from the practise run (`ground`) and must then hold on every test input.
* `PageShows` — the page, its heading, or a read-back page (e.g. the cart row of the product)
  shows the parameters' values. Live sites, which have no database to look at, use this.
* `UrlMatches` — the URL matches a pattern filled with the parameters.
* `ResultsMatchListing` — the skill returned exactly what the site's own listing shows for that
  input (an independent read of the results URL).
* `CredentialsWork` — a secret is checked by its effect: the new account logs in with the
  password, and not with a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Protocol
from urllib.parse import parse_qsl, quote_plus, unquote_plus, urlencode, urlsplit

from pydantic import BaseModel, Field

from agent.dbstate import ChangeKind, RowChange, Snapshot, referenced

SLOT = re.compile(r"\{(\w+)\}")  # a parameter's slot in a template: "/search?q={query}"


class RowEffect(BaseModel):
    kind: Literal["row"] = "row"
    params: list[str]
    change: ChangeKind | None = None  # None until grounded
    table: str | None = None
    columns: dict[str, list[str]] = Field(default_factory=dict)  # param -> column paths
    alone: bool = True  # exactly one row of the table has this change
    readback: list[str] = Field(default_factory=list)  # pages that show the row (no database)
    existing: bool = False  # params[0] names an item that exists before the run
    # a changed row: the columns the practise run changed that no parameter explains, with the
    # value it left in them (an unassigned issue's assignee_id = None). Each run must leave the
    # same value or change the column too (a timestamp), so a skill that skips the step that
    # set it fails even when the form's save touched the row.
    effects: dict[str, Any] = Field(default_factory=dict)
    # the effects whose value no row had before (a timestamp, a counter): they vary by nature;
    # the others are a choice, and runs that all choose the same other value chose wrong
    fresh: list[str] = Field(default_factory=list)


class PageShows(BaseModel):
    kind: Literal["page_shows"] = "page_shows"
    params: list[str]
    where: Literal["page", "heading", "readback"] = "page"
    url: str | None = None  # the read-back page, once grounded
    candidates: list[str] = Field(default_factory=list)  # read-back pages to choose from
    row: bool = False  # params[0] names a row (a cart line) that must show the other values
    absent: bool = False  # the row named by params[0] must be gone
    # param -> the row's fields that showed its value when grounded (a settings form): the
    # value must be in one of them again, not in another field's place
    fields: dict[str, list[str]] = Field(default_factory=dict)
    # a log-in: the page must also have no password field left (the form is gone); a user's
    # name alone may be on the page before anyone logs in (as the author of every item)
    signed_in: bool = False


class UrlMatches(BaseModel):
    kind: Literal["url"] = "url"
    pattern: str  # "/product/{id}", "/f/{slug}", or with parameters: "/search?q={query}"


class ResultsMatchListing(BaseModel):
    kind: Literal["results"] = "results"
    listing: str  # "/search?q={query}&category={category}"
    values: dict[str, dict[str, str]] = Field(default_factory=dict)  # param -> label -> value
    # param -> the value the form submits when the parameter is left unset (a select's
    # selected option: a select without an empty option always submits one)
    defaults: dict[str, str] = Field(default_factory=dict)
    slugs: list[str] = Field(default_factory=list)  # params written as a slug in the path


class CredentialsWork(BaseModel):
    kind: Literal["credentials"] = "credentials"
    login_skill: str
    username: str
    password: str


Postcondition = Annotated[
    RowEffect | PageShows | UrlMatches | ResultsMatchListing | CredentialsWork,
    Field(discriminator="kind"),
]


class Check(BaseModel):
    """The outcome of one post-condition on one run."""

    kind: str
    passed: bool
    reason: str
    observed: dict[str, list[str]] = Field(default_factory=dict)  # param -> how it was seen
    count: int | None = None  # results returned
    # a changed row's practised effects, other than fresh ones, that this run changed to
    # another value (a counter; or the wrong choice, when every run picks the same one)
    effects: dict[str, str] = Field(default_factory=dict)


class Probe(Protocol):
    """Independent reads the judge may make after a run (a browser in production, recorded
    fixtures in tests)."""

    async def text(self, url: str | None) -> tuple[str, str, str]:
        """(path, heading + title, body text) of `url` read fresh, or of the current page."""
        ...

    async def listing(self, url: str) -> list[str]:
        """The names of the dominant repeated group of links on `url`."""
        ...

    async def row_values(self, url: str, key: str) -> list[str] | None:
        """Texts and field values of the row-like element on `url` that names `key`."""
        ...

    async def row_fields(self, url: str, key: str) -> list[tuple[str, str]] | None:
        """(field name, value) of the fields of that row-like element."""
        ...

    async def login(self, skill: str, username: str, password: str) -> str | None:
        """Run the login skill in a new context; None if it succeeded, else the error."""
        ...


class Evidence(BaseModel):
    """What one run produced, as the judge sees it."""

    inputs: dict[str, Any]
    returned: Any = None
    error: str | None = None
    alerts: list[str] = Field(default_factory=list)
    changes: list[RowChange] | None = None  # None: no database visible
    before: Snapshot | None = None
    after: Snapshot | None = None
    choices: dict[str, dict[str, str]] = Field(default_factory=dict)  # param -> label -> value
    rows_before: dict[str, list[str] | None] = Field(default_factory=dict)  # read-back, before
    password_fields: int = 0  # visible password inputs on the page the run ended on


def norm(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return " ".join(str(value).split()).casefold()


def _forms(value: Any, choices: dict[str, str] | None) -> set[str]:
    out = {norm(value)}
    if isinstance(value, bool):
        out.add("true" if value else "false")
    if choices and str(value) in choices:
        out.add(norm(choices[str(value)]))
    return out


def value_matches(cell: Any, value: Any, choices: dict[str, str] | None = None) -> bool:
    """A stored cell carries a passed value: equal after normalising whitespace and case, or,
    for long texts, contains it whole (sites may wrap or append to what was submitted)."""
    if cell is None or value is None:
        return False
    have = norm(cell)
    for want in _forms(value, choices):
        if have == want or (len(want) >= 12 and want in have):
            return True
        # a displayed name decorates the stored one: "f/music" is forum "music", "@ada" is "ada"
        bare = re.split(r"[/@#:]", want)[-1]
        if bare != want and len(bare) >= 3 and have == bare:
            return True
    return False


def column_paths(
    change: RowChange,
    snap: Snapshot | None,
    table_fks: dict[str, tuple[str, str]],
    *,
    linked: bool = False,
) -> Iterator[tuple[str, Any]]:
    """(path, value) for every column of the row and, through foreign keys, of the rows it
    references and the rows those reference: `quantity`, `product_id>products.name`,
    `issue_id>issues.project_id>projects.slug` (a label taken off an issue of a project).
    With `linked`, also of the rows of other tables that reference it and of the rows those
    reference (an issue's labels kept in a join table):
    `<issue_labels(issue_id).label_id>labels.name`."""
    for col, val in change.values.items():
        yield col, val
        fk = table_fks.get(col)
        if fk is not None and snap is not None:
            yield from _referenced_paths(snap, col, fk, val, hops=FK_HOPS)
    if linked and snap is not None:
        yield from _linked_paths(change, snap)


FK_HOPS = 2  # foreign keys followed from a changed row: its issue, and that project


def _referenced_paths(
    snap: Snapshot, prefix: str, fk: tuple[str, str], value: Any, *, hops: int
) -> Iterator[tuple[str, Any]]:
    ref = referenced(snap, fk[0], fk[1], value)
    if ref is None:
        return
    fks = snap[fk[0]].foreign_keys
    for rcol, rval in ref.items():
        path = f"{prefix}>{fk[0]}.{rcol}"
        yield path, rval
        if hops > 1 and rcol in fks:
            yield from _referenced_paths(snap, path, fks[rcol], rval, hops=hops - 1)


def _linked_paths(change: RowChange, snap: Snapshot) -> Iterator[tuple[str, Any]]:
    for table, state in snap.items():
        if table == change.table:
            continue
        for col, (target, key_col) in state.foreign_keys.items():
            if target != change.table or col not in state.columns:
                continue
            key = change.rowid if key_col == "rowid" else change.values.get(key_col)
            if key is None:
                continue
            i = state.columns.index(col)
            for row in state.rows.values():
                if row[i] != key:
                    continue
                prefix = f"<{table}({col})"
                for rcol, rval in zip(state.columns, row, strict=False):
                    if rcol == col:
                        continue
                    yield f"{prefix}.{rcol}", rval
                    fk = state.foreign_keys.get(rcol)
                    ref = referenced(snap, fk[0], fk[1], rval) if fk is not None else None
                    for ref_col, ref_val in (ref or {}).items():
                        yield f"{prefix}.{rcol}>{fk[0]}.{ref_col}", ref_val  # type: ignore[index]


def _row_matches(
    change: RowChange,
    ev: Evidence,
    params: list[str],
    allowed: dict[str, list[str]] | None,
    *,
    linked: bool = False,
) -> dict[str, list[str]]:
    snap = ev.after if change.after is not None else ev.before
    fks = {}
    for s in (ev.after, ev.before):
        if s is not None and change.table in s:
            fks = s[change.table].foreign_keys
            break
    seen: dict[str, list[str]] = {}
    for p in params:
        value = ev.inputs.get(p)
        paths = [
            path
            for path, cell in column_paths(change, snap, fks, linked=linked)
            if value_matches(cell, value, ev.choices.get(p))
            and (allowed is None or path in allowed.get(p, []))
        ]
        if paths:
            seen[p] = paths
    return seen


def _is_linked(columns: dict[str, list[str]]) -> bool:
    return any(path.startswith("<") for paths in columns.values() for path in paths)


def ground_row(pc: RowEffect, ev: Evidence) -> RowEffect | None:
    """Learn table, change kind and column paths from a practise run: the changed row that
    carries the most of the parameters' values. None when no row carries any. Rows of other
    tables that reference a row (a join table's labels of an issue) are looked at only when no
    row carries every value, or none carries one in its own columns (a join row carrying the
    issue's title and the label's name through its two keys: the issue is the row changed)."""
    if ev.changes is None:
        return None
    params = [p for p in pc.params if ev.inputs.get(p) is not None]
    best = _best_row(pc, ev, params, linked=False)
    if best is None or best[0][0] < len(params) or best[0][1] == 0:
        wider = _best_row(pc, ev, params, linked=True)
        if wider is not None and (best is None or wider[0] > best[0]):
            best = wider
    if best is None:
        return None
    _, change, seen = best
    effects = _effects(change, seen)
    table = (ev.before or {}).get(change.table)
    had = {
        col: {row[table.columns.index(col)] for row in table.rows.values()}
        for col in effects
        if table is not None and col in table.columns
    }
    return pc.model_copy(
        update={
            "change": change.change,
            "table": change.table,
            "columns": seen,
            "effects": effects,
            "fresh": [col for col, value in effects.items() if value not in had.get(col, set())],
        }
    )


def _effects(change: RowChange, seen: dict[str, list[str]]) -> dict[str, Any]:
    if change.change != "changed" or change.after is None:
        return {}
    explained = {path for paths in seen.values() for path in paths}
    return {
        col: change.after[col]
        for col in change.changed_columns
        if not any(path == col or path.startswith(f"{col}>") for path in explained)
    }


def _effects_missing(pc: RowEffect, change: RowChange) -> dict[str, Any]:
    """The practise run's unexplained effects this run's row shows neither way (the column
    kept another value and did not change), with the value it kept."""
    if change.before is None or change.after is None:
        return {}
    after, before = change.after, change.before
    return {
        col: after[col]
        for col, value in pc.effects.items()
        if col in after and after[col] != value and after[col] == before.get(col)
    }


def _best_row(
    pc: RowEffect, ev: Evidence, params: list[str], *, linked: bool
) -> tuple[tuple[int, int, int], RowChange, dict[str, list[str]]] | None:
    best: tuple[tuple[int, int, int], RowChange, dict[str, list[str]]] | None = None
    order = {"created": 0, "changed": 1, "deleted": 2}
    for change in ev.changes or []:
        if (pc.table and change.table != pc.table) or (pc.change and change.change != pc.change):
            continue
        seen = _row_matches(change, ev, params, None, linked=linked)
        if not seen:
            continue
        # most parameters carried, then most carried by the row's own columns (not through a
        # foreign key: an order, not its order lines), then created before changed or deleted
        direct = sum(
            any(">" not in path and "<" not in path for path in paths) for paths in seen.values()
        )
        score = (len(seen), direct, -order[change.change])
        if best is None or score > best[0]:
            best = (score, change, seen)
    return best


def slugify(text: str) -> str:
    """The usual slug of a name: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).casefold()).strip("-")


def fill(
    template: str,
    inputs: dict[str, Any],
    values: dict[str, dict[str, str]],
    defaults: dict[str, str] | None = None,
    slugs: list[str] | None = None,
) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in ("id", "slug"):
            return m.group(0)
        raw = inputs.get(name)
        if raw is None:
            return quote_plus((defaults or {}).get(name, ""))
        raw = values.get(name, {}).get(str(raw), raw)
        if name in (slugs or []):
            return slugify(str(raw))
        return quote_plus(str(raw))

    return SLOT.sub(sub, template)


def listing_from(
    path: str,
    inputs: dict[str, Any],
    values: dict[str, dict[str, str]],
    template: str | None = None,
) -> tuple[str, list[str]] | None:
    """Where a run's results were shown, as a listing template: query values and path segments
    that carry an input become `{param}` (a path segment as the input's slug); a query key that
    `template` gives a parameter the run left unset keeps its slot, or gets it back when the
    run's page left it out (another input sets it). None when the address carries no input."""
    slots = {
        key: m.group(1)
        for key, value in parse_qsl(urlsplit(template or "").query, keep_blank_values=True)
        if (m := SLOT.fullmatch(value)) and inputs.get(m.group(1)) is None
    }
    parts = urlsplit(path)
    used: set[str] = set()
    slugs: list[str] = []

    def param_of(text: str, *, slug: bool) -> str | None:
        for name, value in inputs.items():
            if value is None or name in used or str(value) == "":
                continue
            forms = {str(value), values.get(name, {}).get(str(value), str(value))}
            if text in forms or (slug and text == slugify(str(value))):
                used.add(name)
                return name
        return None

    segments = []
    for seg in parts.path.split("/"):
        name = param_of(unquote_plus(seg), slug=True) if seg else None
        if name is not None and unquote_plus(seg) not in (str(inputs[name]),):
            slugs.append(name)
        segments.append(f"{{{name}}}" if name else seg)
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        name = param_of(value, slug=False) or slots.get(key)
        query.append(f"{key}={{{name}}}" if name else f"{key}={quote_plus(value)}")
    # the run's page may leave out a field it left empty; another input sets it
    given = {key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    query += [f"{key}={{{name}}}" for key, name in slots.items() if key not in given]
    if not used:
        return None
    return "/".join(segments) + ("?" + "&".join(query) if query else ""), slugs


def url_regex(pattern: str, inputs: dict[str, Any]) -> re.Pattern[str]:
    """A path (its trailing slash optional, as on the pattern: `/pages/{id}/edit/`) that the
    pattern filled with `inputs` describes."""
    parts = re.split(r"(\{\w+\})", pattern.rstrip("/"))
    out = []
    for part in parts:
        if part == "{id}":
            out.append(r"\d+")
        elif part == "{slug}":
            out.append(r"[^/?#]+")
        elif re.fullmatch(r"\{\w+\}", part):
            value = inputs.get(part[1:-1])
            out.append(re.escape(quote_plus(str(value))) if value is not None else "[^&#]*")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out) + "/?")


async def evaluate(pc: Any, ev: Evidence, probe: Probe, path: str) -> Check:
    """Evaluate one post-condition on one run's evidence."""
    if isinstance(pc, RowEffect):
        return _eval_row(pc, ev)
    if isinstance(pc, UrlMatches):
        ok = url_regex(pc.pattern, ev.inputs).fullmatch(path.rstrip("/") or "/") is not None
        return Check(kind=pc.kind, passed=ok, reason=f"url {path} matches {pc.pattern}: {ok}")
    if isinstance(pc, PageShows):
        return await _eval_shows(pc, ev, probe)
    if isinstance(pc, ResultsMatchListing):
        return await _eval_results(pc, ev, probe)
    if isinstance(pc, CredentialsWork):
        return await _eval_credentials(pc, ev, probe)
    raise TypeError(f"unknown post-condition {pc!r}")


def _eval_row(pc: RowEffect, ev: Evidence) -> Check:
    if ev.changes is None:
        return Check(kind=pc.kind, passed=False, reason="no database to check the row in")
    if pc.table is None or pc.change is None:
        return Check(kind=pc.kind, passed=False, reason="row post-condition was never grounded")
    rows = [c for c in ev.changes if c.table == pc.table and c.change == pc.change]
    if not rows:
        return Check(kind=pc.kind, passed=False, reason=f"no row {pc.change} in {pc.table}")
    params = [p for p in pc.params if ev.inputs.get(p) is not None]
    linked = _is_linked(pc.columns)
    unmet: list[str] = []
    for change in rows:
        seen = _row_matches(change, ev, params, pc.columns, linked=linked)
        if not all(p in seen for p in params):
            continue
        kept = _effects_missing(pc, change)
        if kept:
            unmet += [
                f"{col} stayed {kept[col]!r} (practised: {pc.effects[col]!r})" for col in kept
            ]
            continue
        if pc.alone and len(rows) > 1:
            return Check(
                kind=pc.kind,
                passed=False,
                reason=f"{len(rows)} rows {pc.change} in {pc.table}, expected one",
            )
        what = ", ".join(f"{p}={ev.inputs[p]!r} in {seen[p][0]}" for p in params)
        return Check(
            kind=pc.kind,
            passed=True,
            reason=f"{pc.table} row {pc.change}: {what or 'as expected'}",
            observed=seen,
            effects={
                col: repr(change.values[col])
                for col, value in pc.effects.items()
                if col not in pc.fresh and col in change.values and change.values[col] != value
            },
        )
    if unmet:
        return Check(
            kind=pc.kind,
            passed=False,
            reason=f"{pc.table} row {pc.change} but {'; '.join(dict.fromkeys(unmet))}",
        )
    missing = {
        p
        for p in params
        if not any(p in _row_matches(c, ev, [p], pc.columns, linked=linked) for c in rows)
    }
    detail = ", ".join(f"{p}={ev.inputs[p]!r}" for p in sorted(missing)) or "the values together"
    return Check(
        kind=pc.kind,
        passed=False,
        reason=f"{pc.table} row {pc.change} does not carry {detail}",
    )


def shown(values: list[str], value: Any, choices: dict[str, str] | None) -> bool:
    """A row's texts show a passed value: one text is it or holds it as words of their own. A
    long text may run over several of the row's lines: a site keeps it with line breaks of
    its own (a textarea with wrap="hard" submits breaks where it wrapped, after a space or a
    hyphen) and shows them; it is then compared without its whitespace."""
    wants = _forms(value, choices)
    for v in values:
        have = norm(v)
        for want in wants:
            if have == want:
                return True
            if re.search(rf"(?<![\w.]){re.escape(want)}(?![\w.])", have):
                return True
    joined = _squash("".join(values))
    return any(len(want) >= 12 and _squash(want) in joined for want in wants)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def field_shows(field_value: str, value: Any, choices: dict[str, str] | None) -> bool:
    """A form field holds a passed value: the whole field equals it (a select's label, or the
    value its option submits), a long text may be kept with more around it. Never a word
    inside another field's text (a priority submitted as "1" is not in "check 1: …")."""
    have = norm(field_value)
    return any(
        have == want or (len(want) >= 12 and want in have) for want in _forms(value, choices)
    )


def _in_text(want: str, hay: str) -> bool:
    """`want` occurs in `hay`; a short value (an id "1") as a word of its own, not inside
    "12" or "2019"."""
    if len(want) > 3:
        return want in hay
    return re.search(rf"(?<![\w.]){re.escape(want)}(?![\w.])", hay) is not None


async def _eval_shows(pc: PageShows, ev: Evidence, probe: Probe) -> Check:
    params = [p for p in pc.params if ev.inputs.get(p) is not None]
    if pc.where == "readback" and pc.row:
        if pc.url is None:
            return Check(kind=pc.kind, passed=False, reason="no read-back page was grounded")
        key, rest = params[0], params[1:]
        values = await probe.row_values(pc.url, str(ev.inputs[key]))
        if pc.absent:
            ok = values is None
            return Check(
                kind=pc.kind,
                passed=ok,
                reason=f"{pc.url}: row {ev.inputs[key]!r} is gone: {ok}",
                observed={key: [pc.url]} if ok else {},
            )
        if values is None:
            return Check(
                kind=pc.kind, passed=False, reason=f"{pc.url} has no row for {ev.inputs[key]!r}"
            )
        observed: dict[str, list[str]] = {key: [pc.url]}
        missing = []
        fielded = [p for p in params if pc.fields.get(p)]
        fields = await probe.row_fields(pc.url, str(ev.inputs[key])) if fielded else []
        for p in params:
            if p in fielded:
                # in the field that showed it when grounded, not in another field's place
                names = [
                    n
                    for n, v in fields or []
                    if n in pc.fields[p] and field_shows(v, ev.inputs[p], ev.choices.get(p))
                ]
                if names:
                    observed[p] = [f"{pc.url}#{n}" for n in names]
                else:
                    missing.append(p)
            elif p != key:
                if shown(values, ev.inputs[p], ev.choices.get(p)):
                    observed[p] = [pc.url]
                else:
                    missing.append(p)
        ok = not missing
        return Check(
            kind=pc.kind,
            passed=ok,
            reason=f"{pc.url}: row {ev.inputs[key]!r} "
            + ("shows " + ", ".join(f"{p}={ev.inputs[p]!r}" for p in rest) if ok else "")
            + (
                f"lacks {', '.join(f'{p}={ev.inputs[p]!r}' for p in missing)}"
                + (" in its own field" if set(missing) & set(fielded) else "")
                if missing
                else ""
            ),
            observed={p: seen for p, seen in observed.items() if p not in missing},
        )
    url = pc.url if pc.where == "readback" else None
    _path, heading, body = await probe.text(url)
    hay = norm(heading if pc.where == "heading" else f"{heading}\n{body}")
    missing = [p for p in params if not _in_text(norm(ev.inputs[p]), hay)]
    where = pc.where if url is None else url
    form_left = pc.signed_in and ev.password_fields > 0
    return Check(
        kind=pc.kind,
        passed=not missing and not form_left,
        reason=f"{where} shows {', '.join(params)}: {not missing}"
        + (f" (missing {missing})" if missing else "")
        + ("; but a password field is still on the page" if form_left else ""),
        observed={p: [where] for p in params if p not in missing} if not form_left else {},
    )


async def _eval_results(pc: ResultsMatchListing, ev: Evidence, probe: Probe) -> Check:
    returned = ev.returned
    if not isinstance(returned, list) or not all(isinstance(x, str) for x in returned):
        return Check(kind=pc.kind, passed=False, reason=f"returned {type(returned).__name__}")
    url = fill(pc.listing, ev.inputs, pc.values, pc.defaults, pc.slugs)
    expected = [" ".join(x.split()) for x in await probe.listing(url)]
    got = [" ".join(x.split()) for x in returned]
    if got != expected and len(got) > len(expected):
        every = await _every_page(url, probe)
        if every is not None and got == every[1]:
            url, expected = every
    if got != expected:
        extra = [x for x in got if x not in expected][:3]
        lost = [x for x in expected if x not in got][:3]
        return Check(
            kind=pc.kind,
            passed=False,
            reason=f"returned {len(got)} items, the site lists {len(expected)} at {url}"
            + (f"; not listed: {extra}" if extra else "")
            + (f"; missing: {lost}" if lost else ""),
            count=len(got),
        )
    if ev.after is not None and got:
        cells = {norm(c) for t in ev.after.values() for r in t.rows.values() for c in r}
        unknown = [x for x in got if norm(x) not in cells]
        if unknown:
            return Check(
                kind=pc.kind,
                passed=False,
                reason=f"returned items not in the site's database: {unknown[:3]}",
                count=len(got),
            )
    return Check(
        kind=pc.kind,
        passed=True,
        reason=f"returned the {len(got)} items the site lists at {url}",
        observed={p: [pc.listing] for p in SLOT.findall(pc.listing)},
        count=len(got),
    )


PAGE_KEYS = ("page", "p", "pg")
MAX_PAGES = 20


async def _every_page(url: str, probe: Probe) -> tuple[str, list[str]] | None:
    """A paged listing's items from its first page to its last (a skill may return them
    all): the address's page number (`page=2`) counted from 1 until a page lists nothing new.
    None when the address carries no page number."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    key = next((k for k, v in pairs if k in PAGE_KEYS and v.isdigit()), None)
    if key is None:
        return None
    items: list[str] = []
    last: list[str] | None = None
    for number in range(1, MAX_PAGES + 1):
        query = urlencode([(k, str(number) if k == key else v) for k, v in pairs])
        page = [" ".join(x.split()) for x in await probe.listing(f"{parts.path}?{query}")]
        if not page or page == last:  # past the end (or a site that repeats its last page)
            break
        items += page
        last = page
    pattern = urlencode([(k, "{1..}" if k == key else v) for k, v in pairs], safe="{}.")
    return f"{parts.path}?{pattern}", items


async def _eval_credentials(pc: CredentialsWork, ev: Evidence, probe: Probe) -> Check:
    user, password = ev.inputs.get(pc.username), ev.inputs.get(pc.password)
    if user is None or password is None:
        return Check(kind=pc.kind, passed=False, reason="credentials not among the inputs")
    error = await probe.login(pc.login_skill, str(user), str(password))
    if error is not None:
        return Check(
            kind=pc.kind, passed=False, reason=f"{pc.login_skill} with the password failed: {error}"
        )
    wrong = await probe.login(pc.login_skill, str(user), str(password) + "-wrong")
    if wrong is None:
        return Check(
            kind=pc.kind, passed=False, reason=f"{pc.login_skill} accepted a wrong password"
        )
    return Check(
        kind=pc.kind,
        passed=True,
        reason=f"{pc.login_skill} logs {user!r} in with the password, not with a wrong one",
        observed={pc.username: ["login"], pc.password: ["login"]},
    )

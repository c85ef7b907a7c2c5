"""Re-ground a skill that broke when its site changed, deterministically (no model).

The skill is run on one test input in a fresh context with a short action timeout. Where it
stops, the page it stopped on is the current page:

* a navigation the site now answers with an error (`page.goto("/cart")` → 404): the start page
  is searched for the link most like the old address (its words, synonyms folded), and the
  `goto` is pointed at that link's address;
* a locator on the failing line that no longer matches one element: the element of the current
  page most like it (role, accessible name or label, synonyms folded; a select that offers the
  value passed; a name that still holds the parameter's value) replaces it, written as a
  semantic locator (`stable_locator`) with the task values turned back into parameters;
* a skill that runs but returns other results than the site lists: the results locator is read
  again from the page (`results_locator`).

The rewritten skill is run again until it completes (a bounded number of fixes); the caller
verifies it like any other candidate.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
import traceback
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page

from agent.browser.facts import page_facts
from agent.browser.locators import parameterise, stable_locator
from agent.browser.readback import result_names, results_locator
from agent.induce import _ExactNames
from agent.models import TaskProposal, TestCase
from agent.sandbox import compile_skill, run_skill
from agent.workbench import Workbench, resolve_args
from skills_store.text import concepts

MAX_FIXES = 6
ACTION_TIMEOUT_MS = 2_500  # a locator that resolves does so at once on a bundled or local site
LOCATOR_METHODS = frozenset(
    {
        "get_by_role",
        "get_by_label",
        "get_by_placeholder",
        "get_by_text",
        "get_by_title",
        "get_by_alt_text",
        "get_by_test_id",
        "locator",
        "filter",
    }
)
# actions that need exactly one element (Playwright's strict mode)
STRICT_ACTIONS = frozenset(
    {
        "click",
        "fill",
        "select_option",
        "set_checked",
        "check",
        "uncheck",
        "press",
        "inner_text",
        "text_content",
        "get_attribute",
        "input_value",
        "hover",
        "type",
    }
)
FAMILIES: dict[str, frozenset[str]] = {
    "fill": frozenset({"textbox", "searchbox", "combobox", "spinbutton"}),
    "type": frozenset({"textbox", "searchbox", "combobox", "spinbutton"}),
    "press": frozenset({"textbox", "searchbox", "combobox", "spinbutton", "button"}),
    "select_option": frozenset({"combobox", "listbox"}),
    "set_checked": frozenset({"checkbox", "radio", "switch"}),
    "check": frozenset({"checkbox", "radio", "switch"}),
    "uncheck": frozenset({"checkbox", "radio", "switch"}),
    "click": frozenset({"button", "link", "menuitem", "tab", "checkbox", "radio", "option"}),
}
_SNAPSHOT_LINE = re.compile(
    r'^(\s*)- (\w+)(?: "((?:[^"\\]|\\.)*)")?[^\n]*?\[ref=([a-z]*\d+(?:e\d+)?)\]'
)
_URL_LINE = re.compile(r"^\s*- /url: (\S+)")
MIN_SIMILARITY = 0.5


@dataclass
class Regrounded:
    """The outcome of a repair: new code (None when nothing could be fixed) and what was done."""

    code: str | None
    notes: list[str] = field(default_factory=list)
    proposal: TaskProposal | None = None  # the contract re-grounded too (a renamed route)


@dataclass
class _Run:
    context: BrowserContext
    page: Page
    args: dict[str, Any]
    error: BaseException | None = None
    line: int | None = None  # the skill's own line that failed
    returned: Any = None
    status: int | None = None  # HTTP status of the last page navigation
    secret: set[str] = field(default_factory=set)  # parameters never written into code


@dataclass
class _Element:
    ref: str
    role: str
    name: str
    url: str | None = None


@dataclass
class _Old:
    """What a broken locator looked for: the last `get_by_*` of its chain, evaluated."""

    method: str
    role: str | None
    name: str


async def reground(
    wb: Workbench, name: str, code: str, proposal: TaskProposal, case: TestCase | None = None
) -> Regrounded:
    """Rewrite `code` (the skill `name`) so it runs on the site as it is now, from the page
    where each run stops; `case` is the test input to run (else the first positive one)."""
    case = case or next(iter(proposal.positives()), TestCase())
    notes: list[str] = []
    current = code
    contract: TaskProposal | None = None
    for _ in range(MAX_FIXES):
        run = await _run(wb, name, current, proposal, case)
        try:
            if run.error is None:
                fixed = await _fix_results(run, current, proposal) if proposal.returns else None
                if fixed is not None:
                    current, note = fixed
                    notes.append(note)
                contract = _reground_urls(proposal, urlsplit(run.page.url).path, run.args, notes)
                break
            fixed = await _fix(wb, run, name, current)
            if fixed is None:
                notes.append(f"cannot re-ground: {_first_line(run.error)}")
                return Regrounded(None, notes)
            current, note = fixed
            notes.append(note)
        finally:
            with contextlib.suppress(Exception):
                await wb.close(run.context)
    else:
        notes.append(f"still failing after {MAX_FIXES} fixes")
        return Regrounded(None, notes)
    changed = current if current != code else None
    if changed is None and contract is None:
        return Regrounded(None, notes or ["nothing to re-ground"])
    return Regrounded(changed or code, notes, contract)


async def _run(wb: Workbench, name: str, code: str, proposal: TaskProposal, case: TestCase) -> _Run:
    """Run the skill once on a fresh page (after the proposal's setup; a failing setup raises
    SetupError), keeping the page open where it stopped."""
    context, page = await wb.fresh_page(proposal.setup)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    secret = {p.name for p in proposal.params if p.role == "secret"}
    run = _Run(context, page, dict(case.inputs), secret=secret)

    def on_response(response: Any) -> None:
        with contextlib.suppress(Exception):
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                run.status = response.status

    page.on("response", on_response)
    try:
        run.args = resolve_args(case.inputs, wb.target.accounts)
        fn = compile_skill(code, name, wb.skills())
        run.returned = await run_skill(fn, page, run.args, wb.skill_timeout_s)
    except Exception as exc:
        run.error = exc
        run.line = _failing_line(exc, name)
    return run


def _failing_line(exc: BaseException, name: str) -> int | None:
    """The line of the skill's own code the error came through (its innermost frame)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == f"<skill {name}>":
            line = frame.lineno
    return line


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


# ---------------------------------------------------------------- finding what broke


def _function(code: str) -> ast.AsyncFunctionDef:
    tree = ast.parse(code)
    fn = next(n for n in tree.body if isinstance(n, ast.AsyncFunctionDef))
    return fn


def _root_is_page(node: ast.expr) -> bool:
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and node.id == "page"


def _is_locator_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in LOCATOR_METHODS
        and _root_is_page(node)
    )


def _chains(node: ast.AST) -> list[tuple[ast.Call, str | None]]:
    """Maximal locator chains under `node` (`page.get_by_role(...).filter(...)`), each with the
    method then applied to it (`click`, `count`, `first`, …), in source order."""
    inner: set[int] = set()
    calls = [n for n in ast.walk(node) if _is_locator_call(n)]
    for call in calls:
        assert isinstance(call.func, ast.Attribute)
        inner.add(id(call.func.value))
    parents: dict[int, ast.AST] = {}
    for parent in ast.walk(node):
        for child in ast.iter_child_nodes(parent):
            parents[id(child)] = parent
    out: list[tuple[ast.Call, str | None]] = []
    for call in calls:
        if id(call) in inner:
            continue
        parent = parents.get(id(call))
        action = parent.attr if isinstance(parent, ast.Attribute) else None
        out.append((call, action))
    out.sort(key=lambda item: (item[0].lineno, item[0].col_offset))
    return out


def _statements_at(fn: ast.AsyncFunctionDef, line: int) -> list[ast.AST]:
    """The innermost statement holding `line`, plus the test of each `if`/`while` around it
    (`if await loc.count() == 0: raise ...` fails on the `raise`)."""
    found: list[ast.AST] = []

    def visit(stmts: list[ast.stmt]) -> bool:
        for stmt in stmts:
            end = stmt.end_lineno or stmt.lineno
            if not stmt.lineno <= line <= end:
                continue
            bodies = [getattr(stmt, k) for k in ("body", "orelse", "finalbody") if hasattr(stmt, k)]
            if isinstance(stmt, ast.If | ast.While) and not stmt.test.lineno <= line <= (
                stmt.test.end_lineno or stmt.test.lineno
            ):
                found.append(stmt.test)
            for body in bodies:
                if isinstance(body, list) and visit(body):
                    return True
            found.append(stmt)
            return True
        return False

    visit(fn.body)
    found.reverse()  # innermost first
    return found


def _evaluate(node: ast.expr, page: Page, args: dict[str, Any]) -> Any:
    """A locator expression of the skill, built on `page` with the call's arguments (code that
    already passed the skill policy; no builtins)."""
    expression = ast.Expression(body=node)
    ast.fix_missing_locations(expression)
    return eval(
        compile(expression, "<locator>", "eval"), {"__builtins__": {}}, {**args, "page": page}
    )


async def _fix(wb: Workbench, run: _Run, name: str, code: str) -> tuple[str, str] | None:
    """One rewrite of `code` that gets the run past where it stopped; None when none is
    found."""
    if run.line is None:
        return None  # it failed before or outside its own code (a setup, a called skill)
    fn = _function(code)
    if run.status is not None and run.status >= 400:
        fixed = await _fix_goto(wb, run, fn, code)
        if fixed is not None:
            return fixed
    for node in _statements_at(fn, run.line):
        for chain, action in _chains(node):
            try:
                locator = _evaluate(chain, run.page, run.args)
                count = await locator.count()
            except Exception:
                continue
            if count == 1 or (count > 1 and action not in STRICT_ACTIONS):
                continue
            fixed = await _fix_locator(run, code, chain, action, fn)
            if fixed is not None:
                return fixed
            return None
    return None


# ---------------------------------------------------------------- similarity


def _similarity(old: str, new: str) -> float:
    """How alike two accessible names are: characters, or concepts with synonyms folded
    ("Add to cart" ~ "Add to basket", "Search products" ~ "Find items")."""
    a, b = " ".join(old.lower().split()), " ".join(new.lower().split())
    if not a or not b:
        return 1.0 if a == b else 0.0
    ratio = SequenceMatcher(None, a, b).ratio()
    ca, cb = set(concepts(a)), set(concepts(b))
    overlap = len(ca & cb) / len(ca | cb) if ca | cb else 0.0
    return max(ratio, overlap)


def _elements(snapshot: str) -> list[_Element]:
    """The snapshot's elements that have a ref, with the address of each link."""
    out: list[_Element] = []
    lines = snapshot.splitlines()
    for i, raw_line in enumerate(lines):
        line = raw_line
        indent = len(line) - len(line.lstrip())
        body = line.strip()
        if body.startswith("- '") and body.endswith(("':", "'")):  # YAML-quoted ("a: b")
            body = "- " + body[3:].rstrip(":").removesuffix("'").replace("''", "'")
        m = _SNAPSHOT_LINE.match(body)
        if not m:
            continue
        _, role, name, ref = m.groups()
        element = _Element(ref=ref, role=role, name=json.loads(f'"{name}"') if name else "")
        for nxt in lines[i + 1 :]:
            depth = len(nxt) - len(nxt.lstrip())
            if depth <= indent:
                break
            u = _URL_LINE.match(nxt)
            if u and depth == indent + 2:
                element.url = u.group(1)
                break
        out.append(element)
    return out


def _words(value: str | None) -> str:
    """An attribute value as words: `confirm_password` → "confirm password"."""
    return " ".join(re.findall(r"[A-Za-z]+", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value or "")))


FEATURES_SCRIPT = """(e) => ({
  name: e.getAttribute("name") || "",
  id: e.id || "",
  placeholder: e.getAttribute("placeholder") || "",
  form: e.form ? Array.from(document.forms).indexOf(e.form)
      : e.closest("form") ? Array.from(document.forms).indexOf(e.closest("form")) : -1,
  taken: e.hasAttribute("data-sw-taken"),
  options: e.options ? Array.from(e.options).map((o) => o.label.replace(/\\s+/g, " ").trim()) : [],
})"""
MARK_SCRIPT = """(e) => { e.setAttribute("data-sw-taken", ""); return e.form
  ? Array.from(document.forms).indexOf(e.form)
  : e.closest("form") ? Array.from(document.forms).indexOf(e.closest("form")) : -1; }"""
UNMARK_SCRIPT = """() => document.querySelectorAll("[data-sw-taken]")
  .forEach((e) => e.removeAttribute("data-sw-taken"))"""
LOCALITY = 0.15


def _old_of(chain: ast.Call, page: Page, args: dict[str, Any]) -> _Old | None:
    """The last `get_by_*` call of a chain, with its name evaluated."""
    node: ast.expr = chain
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        method = node.func.attr
        if method.startswith("get_by_"):
            try:
                values = [_evaluate(a, page, args) for a in node.args]
                keywords = {k.arg: _evaluate(k.value, page, args) for k in node.keywords if k.arg}
            except Exception:
                return None
            if method == "get_by_role":
                role = str(values[0]) if values else str(keywords.get("role", ""))
                return _Old(method, role, str(keywords.get("name") or ""))
            text = values[0] if values else keywords.get("text", "")
            return _Old(method, None, str(text))
        node = node.func.value
    return None


# ---------------------------------------------------------------- rewrites


async def _fix_locator(
    run: _Run, code: str, chain: ast.Call, action: str | None, fn: ast.AsyncFunctionDef
) -> tuple[str, str] | None:
    """Replace the broken locator `chain` by the current page's element most like it."""
    page = run.page
    old = _old_of(chain, page, run.args)
    if old is None:
        return None
    family = FAMILIES.get(action or "") or (frozenset({old.role}) if old.role else frozenset())
    values = {
        k: str(v) for k, v in run.args.items() if isinstance(v, str | int) and k not in run.secret
    }
    # a name that held a parameter's value must hold it still (the cart line of this product)
    held = [v for v in values.values() if len(v) >= 3 and v in old.name]
    select_value = _select_value(fn, chain, run.args) if action == "select_option" else None
    try:
        anchors = await _mark_others(page, code, chain, fn, run.args)
        snapshot = await page.aria_snapshot(mode="ai")
        scored = []
        for element in _elements(snapshot):
            if family and element.role not in family:
                continue
            if held and not all(v in element.name for v in held):
                continue
            features = await page.locator(f"aria-ref={element.ref}").evaluate(FEATURES_SCRIPT)
            if features["taken"]:
                continue  # another line of the skill uses it
            if select_value is not None and select_value not in features["options"]:
                continue
            texts = [element.name, _words(features["name"]), _words(features["id"])]
            texts.append(features["placeholder"])
            old_name, news = old.name, texts
            for v in held:
                old_name, news = old_name.replace(v, " "), [t.replace(v, " ") for t in news]
            similarity = max(_similarity(old_name, t) for t in news if t) if old.name else 0.0
            role_score = 1.0 if element.role == old.role else 0.7 if not old.role else 0.5
            locality = 0.0
            if anchors:
                locality = LOCALITY if features["form"] in anchors else -LOCALITY
            score = 0.3 * role_score + 0.7 * similarity + locality
            scored.append((score, similarity, locality, element))
    except Exception:
        return None
    finally:
        with contextlib.suppress(Exception):
            await page.evaluate(UNMARK_SCRIPT)
    if not scored:
        return None
    scored.sort(key=lambda s: -s[0])
    best_score, similarity, locality, best = scored[0]
    clear = len(scored) == 1 or best_score - scored[1][0] >= 0.05
    only_in_form = locality > 0 and not any(s[2] > 0 for s in scored[1:])
    # the only element that fits, the only one in the skill's form, or the clearly most alike
    if not (len(scored) == 1 or only_in_form or (similarity >= MIN_SIMILARITY and clear)):
        return None
    params = {
        k: str(v)
        for k, v in run.args.items()
        if isinstance(v, str) and len(v) >= 3 and k in _param_names(fn) and k not in run.secret
    }
    source = await _semantic_source(page, best, list(params.values()))
    if source is None:
        return None
    source, _ = parameterise(source, params)
    source = ast.unparse(_ExactNames().visit(ast.parse(source, mode="eval")))
    segment = ast.get_source_segment(code, chain)
    if segment is None or segment == source:
        return None
    description = f'{old.role or old.method} "{old.name}"' if old.name else segment
    return code.replace(segment, source), f'{description} → {best.role} "{best.name}": {source}'


async def _mark_others(
    page: Page, code: str, chain: ast.Call, fn: ast.AsyncFunctionDef, args: dict[str, Any]
) -> set[int]:
    """Mark the elements the skill's other locators find on this page (each exactly one); the
    forms holding them are the skill's forms here."""
    broken = ast.get_source_segment(code, chain)
    forms: set[int] = set()
    seen: set[str] = set()
    for other, _action in _chains(fn):
        segment = ast.get_source_segment(code, other)
        if segment is None or segment == broken or segment in seen:
            continue
        seen.add(segment)
        try:
            locator = _evaluate(other, page, args)
            if await locator.count() != 1:
                continue
            form = await locator.evaluate(MARK_SCRIPT)
        except Exception:
            continue  # it names a value this input does not have, or is not a single element
        if form >= 0:
            forms.add(form)
    return forms


CONTAINERS = ("row", "listitem", "article")


async def _semantic_source(page: Page, element: _Element, values: list[str]) -> str | None:
    """A semantic locator for the element: role and name when that is unique; else the same
    inside the row (list item, article, form) that holds one of the call's values (the cart
    line of this product); else Playwright's normalised locator. Never a position."""
    target = page.locator(f"aria-ref={element.ref}")

    async def same(locator: Any) -> bool:
        return bool(
            await locator.count() == 1
            and await locator.evaluate("(a, b) => a === b", await target.element_handle())
        )

    role, name = element.role, element.name
    try:
        for exact in (False, True) if name else ():
            flag = ", exact=True" if exact else ""
            if await same(page.get_by_role(role, name=name, exact=exact)):  # type: ignore[arg-type]
                return f"page.get_by_role({role!r}, name={name!r}{flag})"
        named = f", name={name!r}" if name else ""
        for value in values:
            scopes = [(f"page.get_by_role({c!r})", page.get_by_role(c)) for c in CONTAINERS]  # type: ignore[arg-type]
            scopes.append(("page.locator('form')", page.locator("form")))
            for text, scope in scopes:
                inner = scope.filter(has_text=value).get_by_role(role, name=name or None)  # type: ignore[arg-type]
                if await same(inner):
                    return f"{text}.filter(has_text={value!r}).get_by_role({role!r}{named})"
        _, source, anchoring = await stable_locator(page, target)
    except Exception:
        return None
    return None if anchoring == "nth" else source


def _param_names(fn: ast.AsyncFunctionDef) -> set[str]:
    return {a.arg for a in [*fn.args.args, *fn.args.kwonlyargs]} - {"page"}


def _select_value(fn: ast.AsyncFunctionDef, chain: ast.Call, args: dict[str, Any]) -> str | None:
    """The label a `select_option(label=...)` on this chain picks, evaluated."""
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "select_option"
            and ast.dump(node.func.value) == ast.dump(chain)
        ):
            for kw in node.keywords:
                if kw.arg == "label":
                    with contextlib.suppress(Exception):
                        return str(eval(compile(ast.Expression(kw.value), "<v>", "eval"),
                                        {"__builtins__": {}}, dict(args)))  # fmt: skip
    return None


async def _fix_goto(
    wb: Workbench, run: _Run, fn: ast.AsyncFunctionDef, code: str
) -> tuple[str, str] | None:
    """The run ended on an error page reached by a literal `page.goto(PATH)`: point it at the
    link most like PATH (its address or its words, synonyms folded) found on the error page, on
    the pages above PATH, or on the start page; the new address must answer."""
    here = urlsplit(run.page.url).path or "/"
    gotos = [
        n
        for n in ast.walk(fn)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "goto"
        and n.args
        and isinstance(n.args[0], ast.Constant)
        and isinstance(n.args[0].value, str)
        and (urlsplit(n.args[0].value).path or "/") == here
    ]
    if not gotos:
        return None
    old_url = str(gotos[0].args[0].value)  # type: ignore[attr-defined]
    old_path = urlsplit(old_url).path
    status = run.status  # (the searches below navigate)
    wanted = _words(old_path)
    page = run.page
    parts = [p for p in old_path.split("/") if p]
    pages = [None, *("/" + "/".join(parts[:k]) for k in range(len(parts) - 1, 0, -1))]
    pages.append(wb.target.start_path)
    scored: dict[str, tuple[float, _Element]] = {}
    for address in dict.fromkeys(pages):
        try:
            if address is not None:
                response = await page.goto(address)
                if response is None or response.status >= 400:
                    continue
            links = [e for e in _elements(await page.aria_snapshot(mode="ai")) if e.role == "link"]
        except Exception:
            continue
        for link in links:
            url = link.url or ""
            if not url.startswith("/") or url.startswith("//") or url == old_url:
                continue
            name = re.sub(r"[:(]?\s*\d+\s*\w*\)?$", " ", link.name)  # "Basket: 2 items"
            path = urlsplit(url).path
            score = max(
                _similarity(wanted, name),
                _similarity(wanted, _words(path)),
                SequenceMatcher(None, old_path, path).ratio(),
            )
            if score > scored.get(url, (0.0, link))[0]:
                scored[url] = (score, link)
    ranked = sorted(scored.items(), key=lambda kv: -kv[1][0])
    if not ranked or ranked[0][1][0] < MIN_SIMILARITY:
        return None
    if len(ranked) > 1 and ranked[0][1][0] - ranked[1][1][0] < 0.05:
        return None  # two links alike: not a decision to make without a model
    new_url, (_, link) = ranked[0]
    try:
        response = await page.goto(new_url)
        if response is None or response.status >= 400:
            return None
    except Exception:
        return None
    segment = ast.get_source_segment(code, gotos[0].args[0])
    if segment is None:
        return None
    new_code = code.replace(f"goto({segment})", f"goto({json.dumps(new_url)})")
    note = f'goto "{old_url}" answered {status} → link "{link.name}": goto "{new_url}"'
    return new_code, note


async def _fix_results(run: _Run, code: str, proposal: TaskProposal) -> tuple[str, str] | None:
    """The skill ran: if what it returned is not what the page lists, read the results with the
    locator that now reads exactly the listing."""
    try:
        pattern, names = result_names(await page_facts(run.page))
    except Exception:
        return None
    returned = run.returned if isinstance(run.returned, list) else None
    if not names or returned == names:
        return None
    source = await results_locator(run.page, names, pattern)
    if source is None:
        return None
    fn = _function(code)
    for node in ast.walk(fn):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        for chain, action in _chains(node.value):
            if action != "all_inner_texts":
                continue
            segment = ast.get_source_segment(code, chain)
            if segment is None or segment == source:
                return None
            shown = f"returned {len(returned or [])}, page lists {len(names)}"
            note = f"results read with {source} ({shown})"
            return code.replace(segment, source), note
    return None


def _reground_urls(
    proposal: TaskProposal, path: str, args: dict[str, Any], notes: list[str]
) -> TaskProposal | None:
    """URL post-conditions whose route was renamed (`/product/{id}` → `/item/{id}`,
    `/p/{slug}/issues/{id}` → `/p/{slug}/-/issues/{id}`): where the run ended on a page whose
    address keeps the pattern's variable parts in place, the pattern takes its fixed parts
    from that address. The other post-conditions still decide whether this is the right
    page."""
    from agent.postconditions import UrlMatches, url_regex

    changed = False
    pcs = []
    for pc in proposal.postconditions:
        new = None
        if isinstance(pc, UrlMatches) and "?" not in pc.pattern and "{" in pc.pattern:
            here = path.rstrip("/") or "/"
            if url_regex(pc.pattern, args).fullmatch(here) is None:
                new = _renamed_route(pc.pattern, here, args)
        if new is not None:
            notes.append(f"contract: url pattern {pc.pattern} → {new} (route renamed)")
            pcs.append(pc.model_copy(update={"pattern": new}))
            changed = True
        else:
            pcs.append(pc)
    return proposal.model_copy(update={"postconditions": pcs}) if changed else None


def _renamed_route(pattern: str, path: str, args: dict[str, Any]) -> str | None:
    """`pattern` with its fixed segments renamed after `path`, when its variable segments
    still line up: a fixed segment becomes one segment (renamed: `product` → `item`) or two
    that keep it (`issues` → `-/issues`); a variable one must hold a letter or digit. Of the
    alignments, the one that keeps the most fixed segments; None when there is none."""
    from agent.postconditions import url_regex

    segments = pattern.strip("/").split("/")
    parts = path.strip("/").split("/")
    best: tuple[int, list[str]] | None = None

    def walk(i: int, j: int, out: list[str], kept: int) -> None:
        nonlocal best
        if i == len(segments):
            if j == len(parts) and (best is None or kept > best[0]):
                best = (kept, list(out))
            return
        segment = segments[i]
        if "{" in segment:
            if j < len(parts) and re.search(r"[A-Za-z0-9]", parts[j]):
                if url_regex(segment, args).fullmatch(parts[j]):
                    walk(i + 1, j + 1, [*out, segment], kept)
            return
        if j < len(parts):
            walk(i + 1, j + 1, [*out, parts[j]], kept + (parts[j] == segment))
        if j + 1 < len(parts) and segment in parts[j : j + 2]:
            walk(i + 1, j + 2, [*out, "/".join(parts[j : j + 2])], kept)

    walk(0, 0, [], 0)
    if best is None:
        return None
    new = "/" + "/".join(best[1]) + ("/" if pattern.endswith("/") and pattern != "/" else "")
    return new if new != pattern else None

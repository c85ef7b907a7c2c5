"""URL promotion: a skill whose effect is a GET navigation with query parameters (search,
filter, sort, page) also gets a direct-URL form, which opens the results address at once.

The form is built from the practise run's final address: each query value that equals an
input becomes that parameter, encoded for a query string; the rest stays literal. It is
verified like the UI form (the same test cases and post-conditions: the same results as the
site's own listing). When it passes it is kept: it reaches the same page with one navigation
instead of the form's actions (both forms' verification times are written to the run folder)."""

from __future__ import annotations

import ast
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from agent.models import CandidateSkill, TaskProposal

# str methods only (the skill policy allows no imports): form-encode a value for a query
_ENCODE = (
    ".replace('%', '%25').replace('&', '%26').replace('#', '%23')"
    ".replace('+', '%2B').replace(' ', '+')"
)


def url_template(proposal: TaskProposal, final_url: str, inputs: dict[str, Any]) -> str | None:
    """The f-string body of the direct address, or None when the run's effect is not a GET
    address carrying every parameter in its query."""
    parts = urlsplit(final_url)
    if not parts.query:
        return None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    specs = {p.name: p for p in proposal.params}
    if any(p.choice_values or p.role in ("secret", "username") for p in specs.values()):
        return None
    used: set[str] = set()
    pieces: list[str] = []
    for key, value in pairs:
        param = next(
            (
                name
                for name, v in inputs.items()
                if name in specs and name not in used and v is not None and str(v) == value
            ),
            None,
        )
        if param is None:
            if "{" in value or "}" in value or "{" in key or "}" in key:
                return None
            pieces.append(f"{key}={value}")
            continue
        used.add(param)
        if specs[param].annotation.startswith(("int", "float")):
            pieces.append(f"{key}={{{param}}}")
        else:
            pieces.append(f"{key}={{{param}{_ENCODE}}}")
    required = {p.name for p in proposal.params if p.default is None}
    if not required <= used or set(specs) - used:
        return None
    if "{" in parts.path or "}" in parts.path:
        return None
    return f"{parts.path}?{'&'.join(pieces)}"


def url_form(candidate: CandidateSkill, template: str) -> CandidateSkill | None:
    """The candidate with its steps up to the results page replaced by one `page.goto`."""
    tree = ast.parse(candidate.code)
    fn = tree.body[0]
    if not isinstance(fn, ast.AsyncFunctionDef):
        return None
    body = fn.body
    doc = body[:1] if body and isinstance(body[0], ast.Expr) else []
    # keep the checks that follow the last action (error notices, the results read-back)
    rest = body[len(doc) :]
    last_action = max(
        (i for i, stmt in enumerate(rest) if _acts(stmt)),
        default=None,
    )
    if last_action is None:
        return None
    goto = ast.parse(f'await page.goto(f"{template}")').body
    fn.body = [*doc, *goto, *rest[last_action + 1 :]]
    if isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant):
        text = str(fn.body[0].value.value)
        first, _, more = text.partition("\n")
        fn.body[0].value.value = f"{first}\n\n    Opens the results address directly.{_nl(more)}"
    code = ast.unparse(tree) + "\n"
    return candidate.model_copy(update={"code": code, "flags": [*candidate.flags, "form: url"]})


def _nl(more: str) -> str:
    return "\n" + more if more else ""


_ACTIONS = re.compile(r"\.(click|fill|press|select_option|set_checked|goto)\(")


def _acts(stmt: ast.stmt) -> bool:
    return bool(_ACTIONS.search(ast.unparse(stmt))) or (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Await)
        and isinstance(stmt.value.value, ast.Call)
        and isinstance(stmt.value.value.func, ast.Name)  # a library skill call
    )

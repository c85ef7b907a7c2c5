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


def url_template(
    proposal: TaskProposal, final_url: str, inputs: dict[str, Any]
) -> tuple[str, list[str]] | None:
    """The f-string body of the direct address and the lines that compute its values, or None
    when the run's effect is not a GET address carrying every parameter in its query.

    A parameter chosen in a <select> is passed as the option's label; the address carries the
    option's value, so the label is looked up in the options the practise run read."""
    parts = urlsplit(final_url)
    if not parts.query:
        return None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    specs = {p.name: p for p in proposal.params}
    if any(p.role in ("secret", "username") for p in specs.values()):
        return None
    used: list[str] = []
    pieces: list[str] = []
    for key, value in pairs:
        param = None
        for name, given in inputs.items():
            if name not in specs or name in used or given is None or str(given) == "":
                continue
            forms = {str(given), specs[name].choice_values.get(str(given), str(given))}
            if value in forms:
                param = name
                break
        if param is None:
            if "{" in value or "}" in value or "{" in key or "}" in key:
                return None
            pieces.append(f"{key}={value}")
            continue
        used.append(param)
        pieces.append(f"{key}={{v_{param}}}")
    if set(specs) - set(used) or "{" in parts.path or "}" in parts.path:
        return None
    prelude = []
    for name in used:
        choices = specs[name].choice_values
        text = f"str({name})"
        if choices:
            text = f"{dict(choices)!r}.get(str({name}), str({name}))"
        # one statement per value: looking it up and encoding it are one step, not two
        prelude.append(f'v_{name} = ({text} if {name} is not None else ""){_ENCODE}')
    return f"{parts.path}?{'&'.join(pieces)}", prelude


def url_form(candidate: CandidateSkill, template: tuple[str, list[str]]) -> CandidateSkill | None:
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
    address, prelude = template
    goto = ast.parse("\n".join([*prelude, f'await page.goto(f"{address}")'])).body
    fn.body = [*doc, *goto, *rest[last_action + 1 :]]
    docstring = fn.body[0].value if isinstance(fn.body[0], ast.Expr) else None
    if isinstance(docstring, ast.Constant):
        # after the summary paragraph (which may wrap over several lines), not inside it
        first, _, more = str(docstring.value).partition("\n\n")
        note = "Opens the results address directly."
        docstring.value = f"{first.rstrip()}\n\n    {note}{_nl(more)}"
    code = ast.unparse(tree) + "\n"
    return candidate.model_copy(update={"code": code, "flags": [*candidate.flags, "form: url"]})


def _nl(more: str) -> str:
    return "\n\n" + more if more else ""


_ACTIONS = re.compile(r"\.(click|fill|press|select_option|set_checked|goto)\(")


def _acts(stmt: ast.stmt) -> bool:
    return bool(_ACTIONS.search(ast.unparse(stmt))) or (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Await)
        and isinstance(stmt.value.value, ast.Call)
        and isinstance(stmt.value.value.func, ast.Name)  # a library skill call
    )

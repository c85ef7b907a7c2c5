"""Induce a parameterised skill from a successful trajectory (code from the recorded locators)."""

from __future__ import annotations

import ast
import re
import textwrap

from agent.browser.locators import parameterise
from agent.models import ActionRecord, CandidateSkill, ParamSpec, TaskProposal, Trajectory

ALERT_CHECK = """\
await page.wait_for_load_state()
refused = page.locator(":user-invalid")
if await refused.count() > 0:
    name = await refused.first.get_attribute("name")
    raise RuntimeError(f"the browser refused the form: field {name} is invalid")
problems = page.locator(ERROR_NOTICES).filter(visible=True)
if await problems.count() > 0:
    raise RuntimeError(await problems.first.inner_text())
"""

# the site's error reports: role=alert (not on a heading: "There is one matching page" is an
# announcement), and the error boxes sites show without it (the list page facts reads)
ERROR_NOTICES = (
    "[role=alert]:not(h1, h2, h3, h4, h5, h6), .error-message, .errorlist, .errornote, "
    ".alert-danger, .alert-error, .flash-error, .system-message:not([id=notice]), "
    "[id=warning], .messages .error"
)


DOC_WIDTH = 80
_ACTS = ("click", "fill", "select", "check", "uncheck")


class _ExactNames(ast.NodeTransformer):
    """`get_by_role(..., name=<param>)` matches substrings; make it exact."""

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute) and node.func.attr in (
            "get_by_role",
            "get_by_text",
        ):
            keys = {kw.arg for kw in node.keywords}
            named = any(isinstance(kw.value, ast.Name) for kw in node.keywords if kw.arg == "name")
            text_param = node.func.attr == "get_by_text" and any(
                isinstance(a, ast.Name) for a in node.args
            )
            if (named or text_param) and "exact" not in keys:
                node.keywords.append(ast.keyword(arg="exact", value=ast.Constant(True)))
        return node


class _ExactValue(ast.NodeTransformer):
    """A string that is exactly the value of the action's own parameter becomes the parameter,
    however short (an item listed as "1" in an id column); never a substring of a longer one."""

    def __init__(self, name: str, raw: str) -> None:
        self.name, self.raw = name, raw

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        role = isinstance(node.func, ast.Attribute) and node.func.attr == "get_by_role"
        for i, arg in enumerate(node.args):
            if not role and isinstance(arg, ast.Constant) and arg.value == self.raw:
                node.args[i] = ast.Name(id=self.name, ctx=ast.Load())
        for kw in node.keywords:
            if isinstance(kw.value, ast.Constant) and kw.value.value == self.raw:
                kw.value = ast.Name(id=self.name, ctx=ast.Load())
        return node


def _locator(rec: ActionRecord, values: dict[str, str], own: tuple[str, str] | None = None) -> str:
    assert rec.locator is not None
    source, _ = parameterise(rec.locator, values)
    tree = ast.parse(source, mode="eval")
    if own is not None:
        tree = _ExactValue(*own).visit(tree)
    tree = _ExactNames().visit(tree)
    return ast.unparse(tree)


_ELEMENT = re.compile(
    r"""get_by_(role|label|text|placeholder)\((['"])([^'"]+)\2(?:, name=(['"])(.+?)\4)?"""
)


def _describe(rec: ActionRecord) -> str:
    """A short name of the element a step acts on, for error messages."""
    m = _ELEMENT.search(rec.locator or "")
    if m is None:
        return "the element the skill acts on"
    what, first, name = m.group(1), m.group(3), m.group(5)
    if what == "role":
        return f"{first} {name!r}" if name else first
    return f"{what} {first!r}"


def _value_expr(spec: ParamSpec | None, param: str) -> str:
    if spec is not None and spec.annotation.startswith(("int", "float")):
        return f"str({param})"
    return param


def _signature(name: str, params: list[ParamSpec], returns: str | None) -> str:
    required = [p for p in params if p.default is None]
    optional = [p for p in params if p.default is not None]
    parts = ["page: Page"]
    parts += [f"{p.name}: {p.annotation}" for p in required]
    parts += [f"{p.name}: {p.annotation} = {p.default}" for p in optional]
    return f"async def {name}({', '.join(parts)}) -> {returns or 'None'}:"


def _docstring(proposal: TaskProposal, params: list[ParamSpec], returns: str | None) -> str:
    lines = [*textwrap.wrap(proposal.description, DOC_WIDTH), ""]
    if params:
        lines.append("Args:")
        for p in params:
            example = ""
            if p.example not in (None, "") and p.role not in ("secret", "username"):
                example = f", e.g. {p.example!r}"
            optional = "; None leaves it unset" if p.default == "None" else ""
            lines += textwrap.wrap(
                f"{p.name}: {p.description}{example}{optional}.",
                DOC_WIDTH,
                initial_indent="    ",
                subsequent_indent="        ",
            )
        lines.append("")
    lines.append("Returns:")
    if returns:
        lines.append("    The names listed on the results page, in the order the site shows them.")
    else:
        lines += [
            "    None. Raises RuntimeError with the site's message if the site reports",
            "    an error.",
        ]
    arg_list = [
        repr(p.example)
        if p.example is not None
        and p.role not in ("secret", "username")
        and len(repr(p.example)) <= 30
        else p.name
        for p in params
        if p.default is None
    ]
    args = ", ".join(arg_list)
    prefix = "result = " if returns else ""
    call = f"{prefix}await {proposal.skill_name}(page{', ' if args else ''}{args})"
    lines += ["", "Example:"]
    if len(call) <= DOC_WIDTH - 4:
        lines.append(f"    {call}")
    else:  # one argument per line keeps the docstring within the line length
        lines.append(f"    {prefix}await {proposal.skill_name}(")
        lines += [f"        {arg}," for arg in ["page", *arg_list]]
        lines.append("    )")
    return "\n".join(lines)


def induce(
    proposal: TaskProposal,
    trajectory: Trajectory,
    *,
    site: str,
    results_expr: str | None = None,
) -> CandidateSkill:
    """Turn the recorded actions into `async def skill(page, ...)` source code."""
    specs = {p.name: p for p in proposal.params}
    values = {
        k: str(v)
        for k, v in trajectory.inputs.items()
        if isinstance(v, str) and len(v) >= 3 and specs.get(k) and specs[k].role != "secret"
    }
    body: list[str] = []
    flags: list[str] = []
    navigated = False  # the previous step loaded another page
    for rec in trajectory.actions:
        if not rec.ok:
            continue
        entity = bool(rec.param and specs.get(rec.param) and specs[rec.param].role == "entity")
        if navigated and rec.locator and rec.kind in _ACTS and not entity:
            # the page a step needs may not be there (an unknown number, a refused request):
            # say so with the page's own title now, not after a locator timeout
            missing = " — not found: " + _describe(rec)
            body.append("await page.wait_for_load_state()")
            body.append(
                f"if await {_locator(rec, values)}.count() == 0:\n"
                f"    raise RuntimeError(await page.title() + {missing!r})"
            )
        # a click or key press that loaded another page (not the skill's own first goto)
        navigated = rec.kind in ("click", "press") and rec.url_before != rec.url_after
        if rec.anchored == "nth":
            flags.append(f"nth-anchored locator: {rec.locator}")
        if rec.kind == "call":
            args = ", ".join(f"{k}={v}" for k, v in rec.args.items())
            body.append(f"await {rec.value}(page, {args})")
        elif rec.kind == "goto":
            body.append(f"await page.goto({rec.value!r})")
        elif rec.kind == "click":
            raw = trajectory.inputs.get(rec.param or "")
            own = (rec.param, raw) if entity and isinstance(raw, str) and raw else None
            loc = _locator(rec, values, own)  # type: ignore[arg-type]
            if entity:
                # every link named exactly like the item leads to it (title, image, "more…")
                if not loc.endswith(".first") and ".nth(" not in loc:
                    loc += ".first"
                # an unknown item is the caller's error: say so now, not after a timeout
                noun = rec.param.removesuffix("_name").replace("_", " ")
                body.append("await page.wait_for_load_state()")
                body.append(
                    f"if await {loc.removesuffix('.first')}.count() == 0:\n"
                    f"    raise RuntimeError(f'no {noun} named {{{rec.param}!r}}')"
                )
            body.append(f"await {loc}.click()")
        elif rec.kind in ("fill", "select", "check", "uncheck"):
            param = rec.param or ""
            spec = specs.get(param)
            loc = _locator(rec, values)
            # a value that is no parameter was typed as it is (verification shows whether a
            # parameter should have been used instead)
            expr = _value_expr(spec, param) if param else repr(rec.value or "")
            if rec.kind == "fill":
                line = f"await {loc}.fill({expr})"
                if rec.derived:  # the page fills these from this field once it loses focus
                    waits = "".join(
                        f'\n    await expect({d}).not_to_have_value("")' for d in rec.derived
                    )
                    line += f"\nawait {loc}.blur()\nif {expr}:{waits}"
            elif rec.kind == "select":
                line = f"await {loc}.select_option(label={expr})"
            else:
                line = f"await {loc}.set_checked({param or rec.kind == 'check'})"
            if spec is not None and spec.default == "None":
                body.append(f"if {param} is not None:\n" + textwrap.indent(line, "    "))
            else:
                body.append(line)
        elif rec.kind == "press":
            body.append(f"await {_locator(rec, values)}.press({rec.value!r})")
    returns: str | None = None
    if proposal.kind == "navigational":
        body.append("await page.wait_for_load_state()")
    else:
        # the selector list is the framework's fixed error boxes (no item ids); written as
        # short string pieces so the generated module stays within the line length
        pieces = textwrap.wrap(ERROR_NOTICES, 70, drop_whitespace=False, break_on_hyphens=False)
        selector = "\n    " + "\n    ".join(repr(p) for p in pieces) + "\n"
        body.append(ALERT_CHECK.rstrip().replace("ERROR_NOTICES", selector))
    if results_expr:
        returns = "list[str]"
        body.append(f"return [' '.join(t.split()) for t in await {results_expr}.all_inner_texts()]")
    params = [p for p in proposal.params]
    doc = _docstring(proposal, params, returns)
    source = (
        _signature(proposal.skill_name, params, returns)
        + "\n"
        + textwrap.indent('"""' + doc + '\n"""', "    ")
        + "\n"
        + textwrap.indent("\n".join(body), "    ")
        + "\n"
    )
    ast.parse(source)  # generated code must at least parse
    return CandidateSkill(
        site=site,
        name=proposal.skill_name,
        code=source,
        params=params,
        returns=returns,
        proposal_id=proposal.id,
        flags=flags,
    )

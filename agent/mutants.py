"""Faulty variants ("mutants") of a skill, for measuring how strong verification is.

`make_mutants(code, name, examples)` rewrites one `async def` skill into variants that each
change ONE thing a careless induction could get wrong: a parameter hard-coded to the first
test value, a parameter ignored, two parameters swapped, the wrong item of a list picked, a
step dropped, a result truncated or replaced by a constant. A verifier that accepts one of
them (when it is not equivalent to the original) is too weak.

Everything is pure `ast` work: no browser, no I/O. Every mutant parses, passes the skill
policy (`skills_store.policy.check_skill_code`) and differs from the original and from every
other mutant (compared by `ast.dump`).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel

from skills_store.policy import (
    EXCEPTION_NAMES,
    SAFE_BUILTINS,
    PolicyViolation,
    check_skill_code,
)

MutantKind = Literal[
    "hardcode_param",
    "ignore_param",
    "swap_params",
    "wrong_item",
    "drop_step",
    "truncate_return",
    "constant_return",
]
MutantStep = Literal["action", "wait", "error_check", "return", "locator", "value"]


class Mutant(BaseModel):
    """One faulty variant of a skill."""

    skill: str  # function name
    kind: MutantKind
    target: str  # what was mutated: a parameter, "a<->b", the dropped statement's source, ...
    step: MutantStep = "action"
    code: str  # the full mutated source: one `async def`, as `ast.unparse` writes it
    description: str  # one line a person can read


# Locator/page methods whose argument is the value typed, chosen or pressed.
ACTION_VALUE_METHODS: frozenset[str] = frozenset(
    {"fill", "type", "press", "press_sequentially", "select_option", "set_checked", "insert_text"}
)
# Statements that only wait for the page.
WAIT_METHODS: frozenset[str] = frozenset(
    {"wait_for_load_state", "wait_for_url", "wait_for_selector", "wait_for_event", "wait_for"}
)
# `str(p)` and friends still count as "p used as a value".
VALUE_WRAPPERS: frozenset[str] = frozenset({"str", "int", "float"})
# Locator methods that take an accessible name as `name=`.
NAMED_LOCATORS: frozenset[str] = frozenset({"get_by_role"})

_ACTION_VERBS: Mapping[str, str] = MappingProxyType(
    {
        "fill": "fills",
        "type": "types into",
        "press": "presses a key in",
        "press_sequentially": "types into",
        "select_option": "selects in",
        "set_checked": "sets",
        "insert_text": "inserts text in",
    }
)
_NOT_SKILLS: frozenset[str] = SAFE_BUILTINS | EXCEPTION_NAMES | {"page", "expect"}


@dataclass(frozen=True)
class _Change:
    """A mutated copy of the function, before it is rendered and checked."""

    kind: MutantKind
    target: str
    step: MutantStep
    fn: ast.AsyncFunctionDef
    description: str


def make_mutants(
    code: str,
    name: str,
    examples: Mapping[str, list[Any]],
    allowed_calls: Collection[str] = frozenset(),
) -> list[Mutant]:
    """Faulty variants of the skill `name` defined in `code`, in a deterministic order.

    `examples` maps each parameter to the values verification will test it with; the first one
    is what `hardcode_param` bakes in. `allowed_calls` are the other skills the code may call
    (as for `check_skill_code`). Raises `ValueError` if `code` has no `async def name`, and
    `PolicyViolation` if the original itself is refused by the policy.
    """
    fn = _find_function(ast.parse(code), name)
    original = ast.unparse(fn)
    check_skill_code(original, allowed_calls=allowed_calls)
    seen = {_dump(original)}
    mutants: list[Mutant] = []
    for change in _changes(fn, examples):
        mutated = change.fn
        if not mutated.body:
            mutated.body = [ast.Pass()]
        text = ast.unparse(ast.fix_missing_locations(mutated))
        dumped = _dump(text)
        if dumped in seen:
            continue
        try:
            check_skill_code(text, allowed_calls=allowed_calls)
        except PolicyViolation:
            continue
        seen.add(dumped)
        mutants.append(
            Mutant(
                skill=name,
                kind=change.kind,
                target=change.target,
                step=change.step,
                code=text,
                description=change.description,
            )
        )
    return mutants


def _changes(fn: ast.AsyncFunctionDef, examples: Mapping[str, list[Any]]) -> Iterator[_Change]:
    params = _params(fn)
    for param in params:
        yield from _hardcode_param(fn, param, examples)
    for param in params:
        yield from _ignore_param(fn, param)
    yield from _swap_params(fn, params)
    yield from _wrong_item(fn, params)
    yield from _drop_step(fn)
    yield from _return_mutants(fn)


# --- helpers ---------------------------------------------------------------------------------


def _find_function(tree: ast.Module, name: str) -> ast.AsyncFunctionDef:
    for node in tree.body:
        if isinstance(node, ast.AsyncFunctionDef) and node.name == name:
            return node
    raise ValueError(f"no 'async def {name}' in the code")


def _dump(code: str) -> str:
    return ast.dump(ast.parse(code), include_attributes=False)


def _params(fn: ast.AsyncFunctionDef) -> list[ast.arg]:
    """The parameters after `page`, positional then keyword-only."""
    return [*fn.args.args[1:], *fn.args.kwonlyargs]


def _annotation(param: ast.arg) -> str | None:
    return ast.unparse(param.annotation) if param.annotation is not None else None


def _body_start(fn: ast.AsyncFunctionDef) -> int:
    """Index of the first statement after the docstring."""
    first = fn.body[0] if fn.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return 1
    return 0


def _body_nodes(fn: ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """Every node of the body (not the signature, not the docstring), in source order."""
    nodes = [n for stmt in fn.body[_body_start(fn) :] for n in ast.walk(stmt)]
    return iter(sorted(nodes, key=_position))


def _position(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _loads(node: ast.AST, name: str) -> list[ast.Name]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
    ]


def _uses(fn: ast.AsyncFunctionDef, name: str) -> bool:
    return any(_loads(stmt, name) for stmt in fn.body[_body_start(fn) :])


def _copy(fn: ast.AsyncFunctionDef) -> ast.AsyncFunctionDef:
    return copy.deepcopy(fn)


def _literal(value: Any) -> ast.expr | None:
    """`value` as a literal expression, or None if it has none."""
    try:
        node = ast.parse(repr(value), mode="eval").body
        if ast.literal_eval(node) != value:
            return None
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return None
    return node


def _short(node: ast.AST, limit: int = 90) -> str:
    text = ast.unparse(node).splitlines()[0]
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_value_of(expr: ast.expr, param: str) -> bool:
    """`p`, or `str(p)`/`int(p)`/`float(p)`."""
    if isinstance(expr, ast.Name):
        return expr.id == param
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id in VALUE_WRAPPERS
        and len(expr.args) == 1
        and not expr.keywords
        and _is_value_of(expr.args[0], param)
    )


def _action_call(stmt: ast.stmt) -> ast.Call | None:
    """The call of `await <locator>.fill(...)`-like statements."""
    if not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Await):
        return None
    call = stmt.value.value
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ACTION_VALUE_METHODS
    ):
        return call
    return None


def _is_action_statement_for(stmt: ast.stmt, param: str) -> bool:
    """`await X.fill(p)`-like: `p` is the value of the action and is not used in `X`."""
    call = _action_call(stmt)
    if call is None or _loads(call.func, param):
        return False
    values = [*call.args, *(k.value for k in call.keywords)]
    return any(_is_value_of(v, param) for v in values)


def _skill_calls(fn: ast.AsyncFunctionDef) -> list[ast.Call]:
    return [
        n
        for n in _body_nodes(fn)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id not in _NOT_SKILLS
    ]


def _skill_keywords_for(call: ast.Call, param: str) -> list[ast.keyword]:
    return [k for k in call.keywords if k.arg is not None and _is_value_of(k.value, param)]


def _is_action_value(fn: ast.AsyncFunctionDef, param: str) -> bool:
    """Whether `param` is typed/chosen somewhere or passed by keyword to another skill."""
    if any(isinstance(n, ast.stmt) and _is_action_statement_for(n, param) for n in _body_nodes(fn)):
        return True
    return any(_skill_keywords_for(call, param) for call in _skill_calls(fn))


def _label(call: ast.Call) -> str:
    """A readable name for the element an action call acts on."""
    node: ast.AST = call.func
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return repr(keyword.value.value)
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr.startswith("get_by_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.func.attr != "get_by_role"
            ):
                return repr(node.args[0].value)
            node = node.func
        else:
            node = node.value
    return _short(call.func.value) if isinstance(call.func, ast.Attribute) else _short(call)


class _Replace(ast.NodeTransformer):
    """Replace loads of names by expressions (all at once, so swaps work)."""

    def __init__(self, replacements: Mapping[str, Callable[[], ast.expr]]) -> None:
        self.replacements = replacements

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if isinstance(node.ctx, ast.Load) and node.id in self.replacements:
            return ast.copy_location(self.replacements[node.id](), node)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        """Fold `'Mug' is not None` (a SyntaxWarning once compiled) into its value."""
        self.generic_visit(node)
        if (
            len(node.ops) == 1
            and isinstance(node.ops[0], ast.Is | ast.IsNot)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.comparators[0], ast.Constant)
            and None in (node.left.value, node.comparators[0].value)
        ):
            same = node.left.value is node.comparators[0].value
            return ast.copy_location(ast.Constant(same == isinstance(node.ops[0], ast.Is)), node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.expr:
        """Fold constants substituted into an f-string (`f"Remove {'Mug'}"` -> "Remove Mug")."""
        self.generic_visit(node)
        values: list[ast.expr] = []
        for value in node.values:
            if (
                isinstance(value, ast.FormattedValue)
                and isinstance(value.value, ast.Constant)
                and value.conversion == -1
                and value.format_spec is None
                and isinstance(value.value.value, str | int | float | bool | type(None))
            ):
                value = ast.Constant(format(value.value.value, ""))
            if isinstance(value, ast.Constant) and values and isinstance(values[-1], ast.Constant):
                values[-1] = ast.Constant(values[-1].value + value.value)
            else:
                values.append(value)
        if len(values) == 1 and isinstance(values[0], ast.Constant):
            return ast.copy_location(values[0], node)
        node.values = values
        return node


def _replace_in_body(
    fn: ast.AsyncFunctionDef, replacements: Mapping[str, Callable[[], ast.expr]]
) -> ast.AsyncFunctionDef:
    mutated = _copy(fn)
    start = _body_start(mutated)
    transformer = _Replace(replacements)
    mutated.body[start:] = [transformer.visit(stmt) for stmt in mutated.body[start:]]
    return mutated


# --- hardcode_param --------------------------------------------------------------------------


def _hardcode_param(
    fn: ast.AsyncFunctionDef, param: ast.arg, examples: Mapping[str, list[Any]]
) -> Iterator[_Change]:
    values = examples.get(param.arg) or []
    if not values or not _uses(fn, param.arg):
        return
    constant = _literal(values[0])
    if constant is None:
        return
    mutated = _replace_in_body(fn, {param.arg: lambda: copy.deepcopy(constant)})
    yield _Change(
        "hardcode_param",
        param.arg,
        "value",
        mutated,
        f"always uses {param.arg}={values[0]!r} (the first test value) whatever it is given",
    )


# --- ignore_param ----------------------------------------------------------------------------


def _ignore_param(fn: ast.AsyncFunctionDef, param: ast.arg) -> Iterator[_Change]:
    name = param.arg
    mutated = _copy(fn)
    removed: list[str] = []
    start = _body_start(mutated)
    mutated.body[start:] = _strip_actions(mutated.body[start:], name, removed)
    for call in _skill_calls(mutated):
        for keyword in _skill_keywords_for(call, name):
            call.keywords.remove(keyword)
            assert isinstance(call.func, ast.Name)
            removed.append(f"calls {call.func.id} without {keyword.arg}=")
    if not removed:
        return  # only used in locators (or not at all): hardcode_param covers it
    yield _Change("ignore_param", name, "value", mutated, f"ignores {name}: " + "; ".join(removed))


def _strip_actions(body: list[ast.stmt], param: str, removed: list[str]) -> list[ast.stmt]:
    """`body` without the statements that only use `param` as an action value."""
    kept: list[ast.stmt] = []
    for stmt in body:
        if _is_action_statement_for(stmt, param):
            call = _action_call(stmt)
            assert call is not None and isinstance(call.func, ast.Attribute)
            verb = _ACTION_VERBS.get(call.func.attr, call.func.attr)
            removed.append(f"never {verb} {_label(call)}")
            continue
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(stmt, field, _strip_actions(block, param, removed))
        if isinstance(stmt, ast.Try):
            for handler in stmt.handlers:
                handler.body = _strip_actions(handler.body, param, removed) or [ast.Pass()]
        if isinstance(stmt, ast.If) and not stmt.body:
            test_names = {n.id for n in ast.walk(stmt.test) if isinstance(n, ast.Name)}
            if not stmt.orelse and test_names <= {param}:
                continue  # `if p is not None: <removed>`
            stmt.body = [ast.Pass()]
        elif isinstance(stmt, ast.For | ast.AsyncFor | ast.While | ast.Try) and not stmt.body:
            stmt.body = [ast.Pass()]
        kept.append(stmt)
    return kept


# --- swap_params -----------------------------------------------------------------------------


def _swap_params(fn: ast.AsyncFunctionDef, params: list[ast.arg]) -> Iterator[_Change]:
    values = [p for p in params if _is_action_value(fn, p.arg)]
    for i, first in enumerate(values):
        for second in values[i + 1 :]:
            if _annotation(first) != _annotation(second):
                continue
            a, b = first.arg, second.arg
            mutated = _replace_in_body(
                fn, {a: lambda b=b: ast.Name(b, ast.Load()), b: lambda a=a: ast.Name(a, ast.Load())}
            )
            yield _Change(
                "swap_params",
                f"{a}<->{b}",
                "value",
                mutated,
                f"uses {b} where {a} belongs and {a} where {b} belongs",
            )


# --- wrong_item ------------------------------------------------------------------------------


def _wrong_item(fn: ast.AsyncFunctionDef, params: list[ast.arg]) -> Iterator[_Change]:
    checks = _error_check_statements(fn)
    names = {p.arg for p in params}

    def step_of(mutated: ast.AsyncFunctionDef, node: ast.AST) -> MutantStep:
        for index, stmt in enumerate(mutated.body):
            if index in checks and any(n is node for n in ast.walk(stmt)):
                return "error_check"
        return "locator"

    def firsts(f: ast.AsyncFunctionDef) -> list[ast.Attribute]:
        return [
            n
            for n in _body_nodes(f)
            if isinstance(n, ast.Attribute) and n.attr == "first" and isinstance(n.ctx, ast.Load)
        ]

    for index, original in enumerate(firsts(fn)):
        mutated = _copy(fn)
        node = firsts(mutated)[index]
        step = step_of(mutated, node)
        target = ast.unparse(original)
        _ParentReplace(node, _nth(node.value, 1)).visit(mutated)
        yield _Change(
            "wrong_item", target, step, mutated, f"acts on the second match: {_short(original)}"
        )

    def named(f: ast.AsyncFunctionDef) -> list[ast.Call]:
        return [
            n
            for n in _body_nodes(f)
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in NAMED_LOCATORS
            and any(
                k.arg == "name"
                and {x.id for x in ast.walk(k.value) if isinstance(x, ast.Name)} & names
                for k in n.keywords
            )
        ]

    for index, original in enumerate(named(fn)):
        mutated = _copy(fn)
        call = named(mutated)[index]
        step = step_of(mutated, call)
        name_kw = next(k for k in call.keywords if k.arg == "name")
        target = ast.unparse(original)
        call.keywords = [k for k in call.keywords if k.arg not in ("name", "exact")]
        parents = _parents(mutated)
        parent = parents.get(id(call))
        if not (isinstance(parent, ast.Attribute) and parent.attr == "first"):
            _ParentReplace(call, ast.Attribute(call, "first", ast.Load())).visit(mutated)
        role = ast.unparse(call.args[0]) if call.args else "element"
        yield _Change(
            "wrong_item",
            target,
            step,
            mutated,
            f"acts on the first {role} whatever its name (drops name={ast.unparse(name_kw.value)})",
        )


def _nth(value: ast.expr, index: int) -> ast.expr:
    return ast.Call(ast.Attribute(value, "nth", ast.Load()), [ast.Constant(index)], [])


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


class _ParentReplace(ast.NodeTransformer):
    """Replace one node (by identity) with another."""

    def __init__(self, old: ast.AST, new: ast.AST) -> None:
        self.old = old
        self.new = new

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.old:
            return ast.copy_location(self.new, node)
        return super().visit(node)


# --- drop_step -------------------------------------------------------------------------------


def _drop_step(fn: ast.AsyncFunctionDef) -> Iterator[_Change]:
    checks = _error_check_statements(fn)
    start = _body_start(fn)
    for index in range(start, len(fn.body)):
        stmt = fn.body[index]
        if isinstance(stmt, ast.Return):
            continue  # the return operators cover it
        rest = fn.body[start:index] + fn.body[index + 1 :]
        if _binds_name_used_elsewhere(stmt, rest):
            continue  # the rest would read an unbound name (the policy refuses that)
        mutated = _copy(fn)
        del mutated.body[index]
        step: MutantStep = (
            "error_check" if index in checks else "wait" if _is_wait(stmt) else "action"
        )
        yield _Change(
            "drop_step", ast.unparse(stmt), step, mutated, f"skips the step {_short(stmt)}"
        )


def _binds_name_used_elsewhere(stmt: ast.stmt, rest: list[ast.stmt]) -> bool:
    bound = {
        n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    bound |= {n.target.id for n in ast.walk(stmt) if isinstance(n, ast.NamedExpr)}
    still_bound = {
        n.id
        for s in rest
        for n in ast.walk(s)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    return any(_loads(s, name) for s in rest for name in bound - still_bound)


def _is_wait(stmt: ast.stmt) -> bool:
    """`await page.wait_for_*(...)` or `await expect(...).to_...(...)`."""
    if not isinstance(stmt, ast.Expr):
        return False
    value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
        return False
    if value.func.attr in WAIT_METHODS:
        return True
    receiver = value.func.value
    return (
        isinstance(receiver, ast.Call)
        and isinstance(receiver.func, ast.Name)
        and receiver.func.id == "expect"
    )


def _error_check_statements(fn: ast.AsyncFunctionDef) -> set[int]:
    """Indexes (in `fn.body`) of the induced error checks.

    An error check is an `if` whose block ends in `raise` (`if await problems.count() > 0:
    raise ...`), or an assignment of a name used only by such blocks (`problems =
    page.get_by_role("alert")`, `refused = page.locator(":user-invalid")`).
    """
    start = _body_start(fn)
    ifs = {
        i
        for i in range(start, len(fn.body))
        if isinstance(fn.body[i], ast.If)
        and fn.body[i].body
        and isinstance(fn.body[i].body[-1], ast.Raise)
    }
    checks = set(ifs)
    for i in range(start, len(fn.body)):
        stmt = fn.body[i]
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            continue
        target = stmt.targets[0].id
        users = {j for j in range(start, len(fn.body)) if j != i and _loads(fn.body[j], target)}
        if _is_error_locator(stmt.value) or (users and users <= ifs):
            checks.add(i)
    return checks


def _is_error_locator(value: ast.expr) -> bool:
    """`page.locator(":user-invalid")` or `page.get_by_role("alert")`."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.args
        and isinstance(value.args[0], ast.Constant)
    ):
        return False
    pattern = (value.func.attr, value.args[0].value)
    return pattern in {("locator", ":user-invalid"), ("get_by_role", "alert")}


# --- truncate_return / constant_return -------------------------------------------------------

_CONSTANTS: Mapping[str, Callable[[], ast.expr]] = MappingProxyType(
    {
        "list": lambda: ast.List([], ast.Load()),
        "str": lambda: ast.Constant(""),
        "int": lambda: ast.Constant(0),
        "float": lambda: ast.Constant(0.0),
        "bool": lambda: ast.Constant(False),
        "dict": lambda: ast.Dict([], []),
    }
)


def _return_type(fn: ast.AsyncFunctionDef) -> str | None:
    """The outer name of a plain return annotation (`list[str]` -> "list"), if any."""
    node = fn.returns
    if isinstance(node, ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _returns(f: ast.AsyncFunctionDef) -> list[ast.Return]:
    return [
        n
        for n in _body_nodes(f)
        if isinstance(n, ast.Return)
        and n.value is not None
        and not (isinstance(n.value, ast.Constant) and n.value.value is None)
    ]


def _return_mutants(fn: ast.AsyncFunctionDef) -> Iterator[_Change]:
    kind = _return_type(fn)
    if kind not in _CONSTANTS:
        return
    for index, original in enumerate(_returns(fn)):
        assert original.value is not None
        target = ast.unparse(original)
        if kind == "list":
            mutated = _copy(fn)
            ret = _returns(mutated)[index]
            assert ret.value is not None
            ret.value = ast.Subscript(ret.value, ast.Slice(upper=ast.Constant(1)), ast.Load())
            yield _Change(
                "truncate_return", target, "return", mutated, "returns only the first item"
            )
        mutated = _copy(fn)
        ret = _returns(mutated)[index]
        ret.value = _CONSTANTS[kind]()
        yield _Change(
            "constant_return",
            target,
            "return",
            mutated,
            f"always returns {ast.unparse(ret.value)} instead of what it found",
        )

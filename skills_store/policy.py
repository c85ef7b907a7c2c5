"""AST allow-list policy for untrusted (model-written or induced) skill code.

A skill is one `async def name(page, ...)` that may use the Playwright `page`/`Locator`/`expect`
API, its own parameters and locals, other skills of the same site and a few safe builtins.
Everything else is refused with a `PolicyViolation` naming the line and the offending node.
The policy is a static filter; the runtime sandbox (own browser context, off-origin requests
blocked, timeout) is the second layer.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import keyword
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

SAFE_BUILTINS: frozenset[str] = frozenset(
    {
        "len", "str", "int", "float", "bool", "list", "dict", "tuple", "set", "range",
        "enumerate", "zip", "min", "max", "sum", "sorted", "any", "all", "abs", "round",
        "isinstance", "None", "True", "False",
    }
)  # fmt: skip
EXCEPTION_NAMES: frozenset[str] = frozenset(
    {"ValueError", "RuntimeError", "AssertionError", "Exception"}
)
PAGE_API_NAMES: frozenset[str] = frozenset({"page", "expect"})
TYPE_NAMES: frozenset[str] = frozenset(
    {"Page", "Locator", "str", "int", "float", "bool", "list", "dict", "tuple", "set", "None"}
)
MODULE_IMPORTS: frozenset[str] = frozenset({"Page", "Locator", "expect"})

FORBIDDEN_NAMES: frozenset[str] = frozenset(
    {
        "exec", "eval", "compile", "open", "globals", "locals", "vars", "getattr", "setattr",
        "delattr", "__import__", "input", "breakpoint", "help", "dir", "type", "object", "super",
        "os", "sys", "subprocess", "time", "asyncio", "importlib", "builtins",
    }
)  # fmt: skip
# Attributes that would leave the sandbox (run page JavaScript, touch the browser context,
# the network or the file system) or stall the run.
FORBIDDEN_ATTRIBUTES: frozenset[str] = frozenset(
    {
        "evaluate", "evaluate_handle", "evaluate_all", "eval_on_selector", "eval_on_selector_all",
        "wait_for_function", "add_init_script", "add_script_tag", "add_style_tag", "set_content",
        "route", "route_from_har", "route_web_socket", "unroute", "unroute_all",
        "expose_function", "expose_binding", "context", "set_extra_http_headers", "request",
        "wait_for_timeout", "sleep", "pause", "screenshot", "pdf", "save_as", "set_input_files",
        "video", "format", "format_map", "set_files", "mro", "translate", "maketrans",
        "expandtabs",
    }
)  # fmt: skip
# Names a skill may not take: they would shadow a builtin, the names every skill module
# imports, or the names generated modules and the sandbox define, for every skill of the site.
RESERVED_SKILL_NAMES: frozenset[str] = frozenset(
    {name for name in dir(builtins) if not name.startswith("_")}
    | set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {"page", "expect", "Page", "Locator", "annotations", "skill", "skills"}
)
# Format specs in f-strings: constant, and no width or precision beyond three digits.
_FORMAT_SPEC = re.compile(r"^[^{}]*$")
_LARGE_NUMBER = re.compile(r"\d{4,}")
# Navigation methods: their URL is checked at run time, so they may not be passed around.
CALL_ONLY_ATTRIBUTES: frozenset[str] = frozenset({"goto"})
FORBIDDEN_URL_PREFIXES: tuple[str, ...] = (
    "http://", "https://", "file:", "javascript:", "ws://", "wss://", "data:",
)  # fmt: skip

# Frame/code/function internals reachable from generators, coroutines and tracebacks.
_FORBIDDEN_ATTRIBUTE_PREFIX = re.compile(r"^(gi|cr|ag|f|tb|co|func)_")

_ALLOWED_STATEMENTS: tuple[type[ast.stmt], ...] = (
    ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.If, ast.For,
    ast.AsyncFor, ast.While, ast.Break, ast.Continue, ast.Pass, ast.Raise, ast.Assert, ast.Try,
)  # fmt: skip
_ALLOWED_EXPRESSIONS: tuple[type[ast.AST], ...] = (
    ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Lambda, ast.IfExp, ast.Dict, ast.Set, ast.ListComp,
    ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Await, ast.Compare, ast.Call,
    ast.FormattedValue, ast.JoinedStr, ast.Constant, ast.Attribute, ast.Subscript, ast.Starred,
    ast.Name, ast.List, ast.Tuple, ast.Slice, ast.NamedExpr,
)  # fmt: skip
_STATEMENT_WORDS: dict[type[ast.AST], str] = {
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.With: "with",
    ast.AsyncWith: "async with",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.ClassDef: "class definition",
    ast.FunctionDef: "nested function definition",
    ast.AsyncFunctionDef: "nested function definition",
    ast.Delete: "del",
    ast.Match: "match",
    ast.TryStar: "try/except*",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
}


class PolicyViolation(Exception):
    """Code was refused by the policy; the message names the line and the offending node."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class ParsedParam:
    """A parameter as written: name, annotation source and default source (None if required)."""

    name: str
    annotation: str | None
    default: str | None
    kind: str = "positional"  # "positional" or "keyword"


@dataclass(frozen=True)
class ParsedSkill:
    """What the policy learned about an accepted skill."""

    name: str
    params: list[ParsedParam]  # without the leading `page` parameter
    returns: str | None
    docstring: str
    signature: str
    node: ast.AsyncFunctionDef = field(repr=False, compare=False)

    @property
    def page_param(self) -> str:
        return self.node.args.args[0].arg


def _line(node: ast.AST) -> int | None:
    return getattr(node, "lineno", None)


def _fail(node: ast.AST, message: str) -> PolicyViolation:
    return PolicyViolation(message, _line(node))


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


def _parse(code: str) -> ast.Module:
    try:
        return ast.parse(code, type_comments=False)
    except SyntaxError as exc:
        raise PolicyViolation(f"syntax error: {exc.msg}", exc.lineno) from None


def check_skill_name(name: str) -> None:
    """Refuse a skill name that is not a plain identifier or would shadow a reserved name
    (a builtin such as `len` or `sorted`, `expect`, `Page`, ...) for the other skills."""
    if not name.isidentifier() or not name.isascii():
        raise PolicyViolation(f"skill name {name!r} is not a plain ASCII identifier")
    if name.startswith("_"):
        raise PolicyViolation(f"skill name {name!r} must not start with an underscore")
    if name in RESERVED_SKILL_NAMES or name in FORBIDDEN_NAMES:
        raise PolicyViolation(
            f"skill name {name!r} is reserved: it would shadow the builtin or API name "
            f"{name!r} for every skill of the site; choose another name"
        )


def check_skill_code(code: str, *, allowed_calls: Iterable[str] = frozenset()) -> ParsedSkill:
    """Check one skill (exactly one top-level `async def`) and describe it.

    `allowed_calls` are the names of other skills of the same site the code may call.
    Raises `PolicyViolation` on the first problem found.
    """
    tree = _parse(code)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.AsyncFunctionDef):
        first = tree.body[0] if tree.body else tree
        if tree.body and isinstance(tree.body[0], ast.AsyncFunctionDef):
            first = tree.body[1]
        if isinstance(first, ast.FunctionDef):
            raise _fail(first, "a skill must be an 'async def', not a plain 'def'")
        raise _fail(
            first,
            f"{_describe_stmt(first)} is not allowed: a skill is exactly one top-level "
            "'async def' and nothing else",
        )
    return _check_function(tree.body[0], frozenset(allowed_calls))


def check_module_code(code: str) -> list[ParsedSkill]:
    """Check a generated skill module: docstring, allowed imports, async defs and `__all__`.

    The skills in the module may call each other.
    """
    tree = _parse(code)
    functions: list[ast.AsyncFunctionDef] = []
    for index, stmt in enumerate(tree.body):
        if isinstance(stmt, ast.AsyncFunctionDef):
            functions.append(stmt)
        elif index == 0 and _is_docstring(stmt):
            continue
        elif isinstance(stmt, ast.ImportFrom):
            _check_module_import(stmt)
        elif _is_all_assignment(stmt):
            continue
        elif isinstance(stmt, ast.FunctionDef):
            raise _fail(stmt, f"'{stmt.name}' must be an 'async def', not a plain 'def'")
        else:
            raise _fail(stmt, f"{_describe_stmt(stmt)} is not allowed at module level")
    names = [f.name for f in functions]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise PolicyViolation(f"skill defined more than once: {', '.join(sorted(duplicates))}")
    return [_check_function(f, frozenset(names)) for f in functions]


def normalized_code_hash(code: str) -> str:
    """A hash of the code's AST: ignores formatting and comments, not docstrings."""
    dumped = ast.dump(_parse(code), annotate_fields=True, include_attributes=False)
    return hashlib.sha256(dumped.encode()).hexdigest()


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _is_all_assignment(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Assign):
        targets, value = stmt.targets, stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets, value = [stmt.target], stmt.value
    else:
        return False
    return (
        len(targets) == 1
        and isinstance(targets[0], ast.Name)
        and targets[0].id == "__all__"
        and isinstance(value, ast.List | ast.Tuple)
        and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts)
    )


def _check_module_import(stmt: ast.ImportFrom) -> None:
    if stmt.module == "__future__" and [a.name for a in stmt.names] == ["annotations"]:
        return
    if stmt.module == "playwright.async_api" and stmt.level == 0:
        for alias in stmt.names:
            if alias.name not in MODULE_IMPORTS or alias.asname not in (None, alias.name):
                raise _fail(stmt, f"import of '{alias.name}' is not allowed")
        return
    raise _fail(stmt, f"import from '{stmt.module}' is not allowed")


def _describe_stmt(stmt: ast.AST) -> str:
    return _STATEMENT_WORDS.get(type(stmt), type(stmt).__name__)


# --- the function checker -------------------------------------------------------------------


def _check_function(fn: ast.AsyncFunctionDef, allowed_calls: frozenset[str]) -> ParsedSkill:
    if fn.decorator_list:
        raise _fail(fn.decorator_list[0], "decorators are not allowed")
    if getattr(fn, "type_params", None):
        raise _fail(fn, "type parameters are not allowed")
    try:
        check_skill_name(fn.name)
    except PolicyViolation as exc:
        raise _fail(fn, str(exc)) from None
    params = _check_arguments(fn)
    if fn.returns is not None:
        _check_annotation(fn.returns)
    checker = _BodyChecker(allowed_calls | {fn.name})
    checker.check_function(fn)
    docstring = ast.get_docstring(fn, clean=True) or ""
    return ParsedSkill(
        name=fn.name,
        params=params,
        returns=ast.unparse(fn.returns) if fn.returns is not None else None,
        docstring=docstring,
        signature=_signature(fn),
        node=fn,
    )


def _check_arguments(fn: ast.AsyncFunctionDef) -> list[ParsedParam]:
    args = fn.args
    if args.posonlyargs:
        raise _fail(fn, "positional-only parameters are not allowed")
    if args.vararg is not None:
        raise _fail(args.vararg, f"*{args.vararg.arg} is not allowed")
    if args.kwarg is not None:
        raise _fail(args.kwarg, f"**{args.kwarg.arg} is not allowed")
    if not args.args or args.args[0].arg != "page":
        raise _fail(fn, "the first parameter of a skill must be 'page'")
    positional_defaults: list[ast.expr | None] = [None] * (
        len(args.args) - len(args.defaults)
    ) + list(args.defaults)
    if positional_defaults[0] is not None:
        raise _fail(fn, "'page' must not have a default")
    pairs: list[tuple[ast.arg, ast.expr | None, str]] = [
        (a, d, "positional") for a, d in zip(args.args, positional_defaults, strict=True)
    ]
    pairs += [(a, d, "keyword") for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    seen: list[ParsedParam] = []
    for arg, default, kind in pairs:
        if _is_dunder(arg.arg):
            raise _fail(arg, f"name '{arg.arg}' (dunder) is not allowed")
        if arg.arg in FORBIDDEN_NAMES:
            raise _fail(arg, f"name '{arg.arg}' is not allowed")
        if arg.annotation is not None:
            _check_annotation(arg.annotation)
        if default is not None:
            _check_default(arg.arg, default)
        seen.append(
            ParsedParam(
                name=arg.arg,
                annotation=ast.unparse(arg.annotation) if arg.annotation is not None else None,
                default=ast.unparse(default) if default is not None else None,
                kind=kind,
            )
        )
    return seen[1:]


def _check_annotation(node: ast.expr) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            if sub.id not in TYPE_NAMES:
                raise _fail(sub, f"type '{sub.id}' is not allowed in an annotation")
        elif isinstance(sub, ast.Constant):
            if sub.value is not None:
                raise _fail(sub, "string annotations are not allowed")
        elif isinstance(sub, ast.BinOp):
            if not isinstance(sub.op, ast.BitOr):
                raise _fail(sub, "only 'X | Y' unions are allowed in an annotation")
        elif not isinstance(sub, ast.Subscript | ast.Tuple | ast.Load | ast.BitOr):
            raise _fail(sub, f"{type(sub).__name__} is not allowed in an annotation")


def _check_default(name: str, node: ast.expr) -> None:
    def literal(n: ast.expr) -> bool:
        if isinstance(n, ast.Constant):
            return not (isinstance(n.value, str) and _bad_url(n.value))
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub | ast.UAdd):
            return isinstance(n.operand, ast.Constant) and isinstance(n.operand.value, int | float)
        if isinstance(n, ast.Tuple):
            return all(literal(e) for e in n.elts)
        return False

    if not literal(node):
        raise _fail(node, f"default of '{name}' must be an immutable literal")


def _bad_url(text: str) -> bool:
    return text.strip().lower().startswith(FORBIDDEN_URL_PREFIXES)


def _signature(fn: ast.AsyncFunctionDef) -> str:
    parts: list[str] = []
    args = fn.args
    defaults: list[ast.expr | None] = [None] * (len(args.args) - len(args.defaults)) + list(
        args.defaults
    )
    for arg, default in zip(args.args, defaults, strict=True):
        parts.append(_format_param(arg, default))
    if args.kwonlyargs:
        parts.append("*")
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            parts.append(_format_param(arg, default))
    text = f"async def {fn.name}({', '.join(parts)})"
    if fn.returns is not None:
        text += f" -> {ast.unparse(fn.returns)}"
    return text


def _format_param(arg: ast.arg, default: ast.expr | None) -> str:
    text = arg.arg
    if arg.annotation is not None:
        text += f": {ast.unparse(arg.annotation)}"
        if default is not None:
            text += f" = {ast.unparse(default)}"
    elif default is not None:
        text += f"={ast.unparse(default)}"
    return text


class _BodyChecker:
    """Walks a function body with a stack of scopes and refuses anything not allowed."""

    def __init__(self, allowed_calls: frozenset[str]) -> None:
        self.globals = allowed_calls | PAGE_API_NAMES | SAFE_BUILTINS
        self.scopes: list[set[str]] = []
        self.in_raise = 0
        self.called: set[int] = set()  # ids of Attribute nodes that are the callee of a call

    # scopes ---------------------------------------------------------------------------------

    def check_function(self, fn: ast.AsyncFunctionDef) -> None:
        names = {a.arg for a in fn.args.args + fn.args.kwonlyargs}
        names |= set(_function_scope_bindings(fn.body))
        self.scopes.append(names)
        for stmt in fn.body:
            self.stmt(stmt)
        self.scopes.pop()

    def visible(self, name: str) -> bool:
        return name in self.globals or any(name in scope for scope in self.scopes)

    # statements -----------------------------------------------------------------------------

    def stmt(self, node: ast.stmt) -> None:
        if not isinstance(node, _ALLOWED_STATEMENTS):
            raise _fail(node, f"{_describe_stmt(node)} is not allowed")
        if isinstance(node, ast.Try):
            self.check_try(node)
        if isinstance(node, ast.Raise):
            self.in_raise += 1
            self.children(node)
            self.in_raise -= 1
            return
        self.children(node)

    def check_try(self, node: ast.Try) -> None:
        for handler in node.handlers:
            if not handler.body or not isinstance(handler.body[-1], ast.Raise):
                raise _fail(
                    handler, "except handler must re-raise (no try/except that hides failure)"
                )
            _check_no_escape(handler.body, "an except handler")
            if handler.type is not None:
                self.in_raise += 1
                self.expr(handler.type)
                self.in_raise -= 1
            if handler.name is not None:
                self.check_binding(handler, handler.name)
            for stmt in handler.body:
                self.stmt(stmt)
        _check_no_escape(node.finalbody, "a finally block")
        for block in (node.body, node.orelse, node.finalbody):
            for stmt in block:
                self.stmt(stmt)

    def children(self, node: ast.AST) -> None:
        if isinstance(node, ast.Try):
            return  # handled by check_try
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.stmt(child)
            elif isinstance(child, ast.expr):
                self.expr(child)
            elif isinstance(child, ast.keyword):
                self.check_keyword(child)
            elif isinstance(child, ast.comprehension):
                raise _fail(node, "comprehension outside an expression")  # unreachable
            else:
                self.leaf(child)

    def leaf(self, node: ast.AST) -> None:
        # operators, contexts and the like carry no names
        if isinstance(node, ast.arguments | ast.arg | ast.ExceptHandler | ast.alias):
            raise _fail(node, f"{type(node).__name__} is not allowed here")

    def check_keyword(self, node: ast.keyword) -> None:
        if node.arg is not None and _is_dunder(node.arg):
            raise _fail(node, f"keyword '{node.arg}' (dunder) is not allowed")
        self.expr(node.value)

    # expressions ----------------------------------------------------------------------------

    def expr(self, node: ast.expr) -> None:
        if not isinstance(node, _ALLOWED_EXPRESSIONS):
            raise _fail(node, f"{_describe_stmt(node)} is not allowed")
        if isinstance(node, ast.Name):
            self.check_name(node)
        elif isinstance(node, ast.Attribute):
            self.check_attribute(node)
        elif isinstance(node, ast.Constant):
            self.check_constant(node)
        elif isinstance(node, ast.FormattedValue):
            self.check_format_spec(node)
        elif isinstance(node, ast.Call):
            self.check_call(node)
        elif isinstance(node, ast.Lambda):
            self.check_lambda(node)
            return
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            self.check_comprehension(node)
            return
        self.children(node)

    def check_name(self, node: ast.Name) -> None:
        self.check_binding(node, node.id)
        if isinstance(node.ctx, ast.Load) and not self.visible(node.id):
            if node.id in EXCEPTION_NAMES:
                if not self.in_raise:
                    raise _fail(node, f"name '{node.id}' is only allowed in raise")
                return
            raise _fail(node, f"name '{node.id}' is not allowed")

    def check_binding(self, node: ast.AST, name: str) -> None:
        if _is_dunder(name):
            raise _fail(node, f"name '{name}' (dunder) is not allowed")
        if name in FORBIDDEN_NAMES:
            raise _fail(node, f"name '{name}' is not allowed")

    def check_attribute(self, node: ast.Attribute) -> None:
        attr = node.attr
        if _is_dunder(attr):
            raise _fail(node, f"attribute '{attr}' (dunder) is not allowed")
        if attr.startswith("_"):
            raise _fail(node, f"attribute '{attr}' (private) is not allowed")
        if attr in FORBIDDEN_ATTRIBUTES or _FORBIDDEN_ATTRIBUTE_PREFIX.match(attr):
            raise _fail(node, f"attribute '{attr}' is not allowed")
        if not isinstance(node.ctx, ast.Load):
            raise _fail(node, f"assigning to attribute '{attr}' is not allowed")
        if attr in CALL_ONLY_ATTRIBUTES and id(node) not in self.called:
            raise _fail(node, f"'.{attr}' may only be called directly, as in page.{attr}('/...')")

    def check_constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and _bad_url(node.value):
            raise _fail(node, "absolute URL literals are not allowed (use a relative path '/...')")
        if isinstance(node.value, str) and _is_dunder(node.value.strip()):
            raise _fail(node, f"string '{node.value.strip()}' (dunder) is not allowed")
        if isinstance(node.value, bytes):
            raise _fail(node, "bytes literals are not allowed")

    def check_format_spec(self, node: ast.FormattedValue) -> None:
        spec = node.format_spec
        if spec is None:
            return
        parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
        text = ""
        for part in parts:
            if not isinstance(part, ast.Constant) or not isinstance(part.value, str):
                raise _fail(node, "format specs must be constant (no '{...}' inside a spec)")
            text += part.value
        if not _FORMAT_SPEC.match(text) or _LARGE_NUMBER.search(text):
            raise _fail(node, f"format spec ':{text}' is not allowed (width/precision > 999)")

    def check_call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            self.called.add(id(func))
        if isinstance(func, ast.Attribute) and func.attr == "goto":
            url = node.args[0] if node.args else None
            for kw in node.keywords:
                if kw.arg == "url":
                    url = kw.value
            if url is not None:
                _check_goto_url(url)

    def check_lambda(self, node: ast.Lambda) -> None:
        args = node.args
        if args.vararg or args.kwarg or args.posonlyargs:
            raise _fail(node, "lambda may only take plain parameters")
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.expr(default)
        names = {a.arg for a in args.args + args.kwonlyargs}
        names |= set(_walrus_targets(node.body))
        for name in names:
            self.check_binding(node, name)
        self.scopes.append(names)
        self.expr(node.body)
        self.scopes.pop()

    def check_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        # The first iterable is evaluated in the enclosing scope.
        generators = node.generators
        self.expr(generators[0].iter)
        scope: set[str] = set()
        self.scopes.append(scope)
        for index, gen in enumerate(generators):
            if index:
                self.expr(gen.iter)
            for name_node in _target_names(gen.target):
                scope.add(name_node.id)
            self.expr(gen.target)
            for cond in gen.ifs:
                self.expr(cond)
        if isinstance(node, ast.DictComp):
            self.expr(node.key)
            self.expr(node.value)
        else:
            self.expr(node.elt)
        self.scopes.pop()


def _check_no_escape(body: list[ast.stmt], where: str) -> None:
    """`return`, or `break`/`continue` of an outer loop, in an except handler or a finally
    block would swallow the exception being handled (including a timeout): refuse them."""
    stack: list[tuple[ast.AST, bool]] = [(stmt, False) for stmt in body]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, ast.Return) or (
            isinstance(node, ast.Break | ast.Continue) and not in_loop
        ):
            word = type(node).__name__.lower()
            raise _fail(node, f"'{word}' in {where} is not allowed: it would swallow the error")
        if isinstance(node, ast.Lambda | ast.expr):
            continue
        nested = in_loop or isinstance(node, ast.For | ast.AsyncFor | ast.While)
        for child in ast.iter_child_nodes(node):
            if isinstance(node, ast.For | ast.AsyncFor | ast.While) and child in node.orelse:
                stack.append((child, in_loop))  # a loop's else clause is outside that loop
            else:
                stack.append((child, nested))


def _check_goto_url(url: ast.expr) -> None:
    first: ast.expr | None = url
    if isinstance(url, ast.JoinedStr):
        first = url.values[0] if url.values else None
        if not isinstance(first, ast.Constant):
            return  # f"{base}..." — an expression; the browser context blocks off-origin
    if isinstance(first, ast.Constant):
        text = first.value
        if not isinstance(text, str) or not text.startswith("/") or text.startswith("//"):
            raise _fail(url, "page.goto needs a relative URL starting with '/'")


def _target_names(target: ast.expr) -> Iterator[ast.Name]:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node


def _walrus_targets(node: ast.AST) -> Iterator[str]:
    """Names bound by `:=` in an expression, not descending into nested lambdas."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.NamedExpr):
            yield current.target.id
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, ast.Lambda):
                stack.append(child)


def _function_scope_bindings(body: list[ast.stmt]) -> Iterator[str]:
    """Names a function body binds in its own scope (assignments, loop targets, `:=`, except)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            # comprehension targets are local to the comprehension; `:=` binds outside it
            for gen in node.generators:
                stack.append(gen.iter)
                stack.extend(gen.ifs)
            stack.extend([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt])
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        elif isinstance(node, ast.NamedExpr):
            yield node.target.id
        elif isinstance(node, ast.ExceptHandler) and node.name:
            yield node.name
        stack.extend(ast.iter_child_nodes(node))

"""Compile run-time checks into skill code that the policy has already accepted.

The rewrite only adds calls to helpers whose names are dunders (`__sw_*__`), which the policy
refuses in skill code, so a skill can neither call nor replace them:

* `X.goto(...)` → `__sw_goto__(X, ...)`: the URL is checked and normalised when it is used;
* every `for`/`while` body starts with `__sw_tick__()`, every comprehension iterates through
  `__sw_iter__(...)` and every lambda ticks when called: spinning code meets its deadline;
* `a + b`, `a * b`, `a ** b`, `a << b`, `a % b` (and their augmented forms) and the methods in
  `CHECKED_METHODS` check the size of their result before computing it.
"""

from __future__ import annotations

import ast

from agent.skill_limits import CHECKED_METHODS

_BINOP_HELPERS: dict[type[ast.operator], str] = {
    ast.Add: "__sw_add__",
    ast.Mult: "__sw_mul__",
    ast.Pow: "__sw_pow__",
    ast.LShift: "__sw_lshift__",
    ast.Mod: "__sw_mod__",
}
_AUG_HELPERS: dict[type[ast.operator], str] = {
    ast.Add: "__sw_iadd__",
    ast.Mult: "__sw_imul__",
    ast.Pow: "__sw_pow__",
    ast.LShift: "__sw_lshift__",
    ast.Mod: "__sw_mod__",
}


def _call(helper: str, *args: ast.expr, keywords: list[ast.keyword] | None = None) -> ast.Call:
    return ast.Call(
        func=ast.Name(id=helper, ctx=ast.Load()), args=list(args), keywords=keywords or []
    )


def _tick() -> ast.stmt:
    return ast.Expr(value=_call("__sw_tick__"))


class _Instrument(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "goto":
            return _call("__sw_goto__", func.value, *node.args, keywords=node.keywords)
        if isinstance(func, ast.Attribute) and func.attr in CHECKED_METHODS:
            return _call(
                "__sw_method__",
                func.value,
                ast.Constant(func.attr),
                *node.args,
                keywords=node.keywords,
            )
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        helper = _BINOP_HELPERS.get(type(node.op))
        return _call(helper, node.left, node.right) if helper else node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        helper = _AUG_HELPERS.get(type(node.op))
        if helper is None:
            return node
        target = node.target
        if isinstance(target, ast.Name):
            value = _call(helper, ast.Name(id=target.id, ctx=ast.Load()), node.value)
            return ast.Assign(targets=[ast.Name(id=target.id, ctx=ast.Store())], value=value)
        if isinstance(target, ast.Subscript):
            key = target.slice
            if isinstance(key, ast.Slice):
                key = _call(
                    "__sw_slice__",
                    *(part or ast.Constant(None) for part in (key.lower, key.upper, key.step)),
                )
            return ast.Expr(
                value=_call("__sw_aug_item__", target.value, key, ast.Constant(helper), node.value)
            )
        return node  # attribute targets are refused by the policy

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While) -> ast.AST:
        self.generic_visit(node)
        node.body.insert(0, _tick())
        return node

    visit_For = _loop
    visit_AsyncFor = _loop
    visit_While = _loop

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        if not node.is_async:
            node.iter = _call("__sw_iter__", node.iter)
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        self.generic_visit(node)
        ticked = ast.Tuple(elts=[_call("__sw_tick__"), node.body], ctx=ast.Load())
        node.body = ast.Subscript(value=ticked, slice=ast.Constant(1), ctx=ast.Load())
        return node


def instrument(tree: ast.Module) -> ast.Module:
    """Add the run-time checks to a parsed skill module (in place) and return it."""
    result = _Instrument().visit(tree)
    assert isinstance(result, ast.Module)
    return ast.fix_missing_locations(result)

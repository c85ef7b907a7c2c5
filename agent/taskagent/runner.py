"""The step runner the task agent uses: a `return value` in the model's code gives the task's
answer. Models end a program with `return price` as often as with `answer(price)`: both answer.
(Library skills hand their return value back in `agent.steps.StepRunner` itself.)"""

from __future__ import annotations

import ast
import textwrap
from typing import Any

from agent.steps import StepOutcome, StepRunner


class _ReturnAsAnswer(ast.NodeTransformer):
    def visit_Return(self, node: ast.Return) -> Any:
        if node.value is None or (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            return node
        call = ast.Call(func=ast.Name("answer", ast.Load()), args=[node.value], keywords=[])
        return [ast.Expr(call), ast.Return(value=None)]


def returns_as_answer(code: str) -> str:
    """`code` with each `return X` turned into `answer(X); return` (unchanged when it has none
    or does not parse: the runner reports the syntax error)."""
    body = textwrap.dedent(code).strip()
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return code
    if not any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(tree)):
        return code
    return ast.unparse(ast.fix_missing_locations(_ReturnAsAnswer().visit(tree)))


class TaskStepRunner(StepRunner):
    async def run(self, code: str) -> StepOutcome:
        return await super().run(returns_as_answer(code))

"""Skill parameters as JSON schema (OpenAI function calling) and as Python types (pydantic)."""

from __future__ import annotations

import ast
import functools
import operator
from typing import Any

from .docstrings import parse_docstring
from .models import Skill, SkillParam

_JSON_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "list": {"type": "array"},
    "tuple": {"type": "array"},
    "set": {"type": "array", "uniqueItems": True},
    "dict": {"type": "object"},
    "None": {"type": "null"},
}
_PY_TYPES: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list,
    "tuple": tuple,
    "set": set,
    "dict": dict,
    "None": type(None),
}


def _parse_annotation(annotation: str) -> ast.expr | None:
    if not annotation:
        return None
    try:
        return ast.parse(annotation, mode="eval").body
    except SyntaxError:
        return None


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [node]


def _is_none(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, ast.Name) and node.id == "None"
    )


def is_nullable(annotation: str) -> bool:
    node = _parse_annotation(annotation)
    return node is not None and any(_is_none(m) for m in _union_members(node))


def json_schema(annotation: str) -> dict[str, Any]:
    """JSON schema for an annotation such as `str`, `int | None` or `list[str]`."""
    node = _parse_annotation(annotation)
    return _json(node) if node is not None else {}


def _json(node: ast.expr) -> dict[str, Any]:
    members = _union_members(node)
    if len(members) > 1:
        schemas = [_json(m) for m in members]
        types = [s.get("type") for s in schemas]
        if all(isinstance(t, str) for t in types) and all(len(s) == 1 for s in schemas):
            return {"type": types}
        return {"anyOf": schemas}
    if _is_none(node):
        return {"type": "null"}
    if isinstance(node, ast.Name):
        return dict(_JSON_TYPES.get(node.id, {}))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        base = node.value.id
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base in ("list", "set") or (base == "tuple" and len(args) == 2 and _ellipsis(args[1])):
            return {**_JSON_TYPES[base], "items": _json(args[0])}
        if base == "tuple":
            return {"type": "array", "prefixItems": [_json(a) for a in args]}
        if base == "dict" and len(args) == 2:
            return {"type": "object", "additionalProperties": _json(args[1])}
        return dict(_JSON_TYPES.get(base, {}))
    return {}


def _ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def python_type(annotation: str) -> Any:
    """The Python type for an annotation (for a pydantic model); `Any` if unknown."""
    node = _parse_annotation(annotation)
    return _py(node) if node is not None else Any


def _py(node: ast.expr) -> Any:
    members = _union_members(node)
    if len(members) > 1:
        return functools.reduce(operator.or_, [_py(m) for m in members])
    if _is_none(node):
        return type(None)
    if isinstance(node, ast.Name):
        return _PY_TYPES.get(node.id, Any)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        base = _PY_TYPES.get(node.value.id)
        if base is None:
            return Any
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        params = tuple(... if _ellipsis(a) else _py(a) for a in args)
        try:
            return base[params if len(params) > 1 else params[0]]
        except TypeError:
            return base
    return Any


def default_value(param: SkillParam) -> Any:
    """The default as a Python value (defaults are literals, checked by the policy)."""
    return ast.literal_eval(param.default) if param.default is not None else None


def is_required(param: SkillParam) -> bool:
    """Required for a tool caller: no default and not `X | None`."""
    return param.default is None and not is_nullable(param.annotation)


def tool_description(skill: Skill) -> str:
    """The docstring's summary paragraph, plus what it returns."""
    parts = parse_docstring(skill.docstring)
    text = parts.summary or skill.name.replace("_", " ")
    if parts.returns:
        text += f"\n\nReturns: {parts.returns}"
    return text


def parameters_schema(skill: Skill) -> dict[str, Any]:
    """The JSON schema of a skill's arguments (without `page`)."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for param in skill.params:
        schema = json_schema(param.annotation)
        if param.description:
            schema["description"] = param.description
        if param.default is not None:
            schema["default"] = default_value(param)
        properties[param.name] = schema
        if is_required(param):
            required.append(param.name)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def openai_tool(skill: Skill) -> dict[str, Any]:
    """One OpenAI function-calling tool definition for a skill."""
    return {
        "type": "function",
        "function": {
            "name": skill.name,
            "description": tool_description(skill),
            "parameters": parameters_schema(skill),
        },
    }

"""Skills as LangChain `StructuredTool`s bound to one Playwright page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field, create_model

from .models import Skill
from .tool_schemas import default_value, is_nullable, python_type, tool_description

SkillFunction = Callable[..., Awaitable[Any]]


def args_model(skill: Skill) -> type[BaseModel]:
    """A pydantic model of the skill's arguments (without `page`), described from the docstring."""
    fields: dict[str, Any] = {}
    for param in skill.params:
        annotation = python_type(param.annotation)
        if param.default is not None:
            default: Any = default_value(param)
        elif is_nullable(param.annotation):
            default = None
        else:
            default = ...
        fields[param.name] = (annotation, Field(default, description=param.description or None))
    model_name = "".join(part.capitalize() for part in skill.name.split("_")) + "Args"
    return create_model(model_name, **fields)


def structured_tool(skill: Skill, function: SkillFunction, page: Any) -> StructuredTool:
    """A tool whose coroutine calls `function(page, **arguments)`."""
    nullable_without_default = {
        p.name: None for p in skill.params if p.default is None and is_nullable(p.annotation)
    }

    async def run(**arguments: Any) -> Any:
        return await function(page, **{**nullable_without_default, **arguments})

    return StructuredTool.from_function(
        coroutine=run,
        name=skill.name,
        description=tool_description(skill),
        args_schema=args_model(skill),
        infer_schema=False,
    )

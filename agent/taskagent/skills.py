"""The library skills a task is offered: the site's most relevant verified skills by search,
compiled under the sandbox policy, with their signatures and docstrings for the prompt."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agent.sandbox import compile_library
from skills_store import SkillLibrary

DEFAULT_K = 8


class OfferedSkills(BaseModel):
    """Callable skills by name, and what the prompt says about each."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    functions: dict[str, Callable[..., Any]] = Field(default_factory=dict)
    described: dict[str, str] = Field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.functions)


def library_problem(library: SkillLibrary, site: str) -> str | None:
    """Why `library` cannot serve `site` (no verified skills for it), or None."""
    if library.list(site=site, status="verified"):
        return None
    sites = [s for s in library.sites() if library.list(site=s, status="verified")]
    where = f"it has verified skills for {', '.join(sites)}" if sites else "it has none"
    return f"the library at {library.path} has no verified skills for site {site!r} ({where})"


def describe(signature: str, docstring: str) -> str:
    """`async def name(page, ...)` and its docstring, indented under it."""
    head = signature.strip().removesuffix(":")
    doc = textwrap.dedent(docstring).strip()
    return head + ("\n" + textwrap.indent(doc, "      ") if doc else "")


def offered_skills(
    library: SkillLibrary, site: str, intent: str, k: int = DEFAULT_K
) -> OfferedSkills:
    """The `k` verified skills of `site` that best match `intent`, callable.

    Search ranks them; when it finds fewer than `k`, the site's other skills fill the list in
    name order (a small library is offered whole). All of the site's module skills are compiled
    together (a chosen skill may call others); only the chosen ones are offered."""
    members = library.module_skills(site)
    if not members or k <= 0:
        return OfferedSkills()
    by_name = {s.name: s for s in members}
    chosen = [s.name for s in library.search(intent, site=site, k=k) if s.name in by_name]
    chosen += sorted(set(by_name) - set(chosen))
    compiled = compile_library({s.name: s.code for s in members})
    offered = OfferedSkills()
    for name in chosen[:k]:
        fn = compiled.get(name)
        if fn is None:
            continue
        offered.functions[name] = fn
        offered.described[name] = describe(by_name[name].signature, by_name[name].docstring)
    return offered

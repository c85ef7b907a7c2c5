"""Export a site's skills as Agent Skills (https://agentskills.io): one folder per skill.

    <out>/<site>-<skill-name>/SKILL.md             frontmatter (name, description, license,
                                                   compatibility, metadata) + instructions
    <out>/<site>-<skill-name>/scripts/<skill>.py    the skill, the skills it calls, and a runner:
                                                   python scripts/<skill>.py --base-url URL ...

Names follow the spec: lowercase letters, digits and single hyphens, at most 64 characters,
equal to the folder name; descriptions are at most 1,024 characters.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .docstrings import parse_docstring
from .models import Skill
from .module_writer import PLAYWRIGHT_NAMES, format_source, names_used, write_atomic
from .standalone import RUNNER, RUNNER_IMPORTS, cli_params, skills_table, with_dependencies

if TYPE_CHECKING:
    from .library import SkillLibrary

MAX_NAME = 64
MAX_DESCRIPTION = 1024
MAX_COMPATIBILITY = 500
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def agent_skill_name(site: str, name: str) -> str:
    """`shop` + `add_to_cart` → `shop-add-to-cart` (spec-valid, at most 64 characters)."""
    slug = _NOT_NAME.sub("-", f"{site}-{name}".lower()).strip("-") or "skill"
    if len(slug) > MAX_NAME:
        digest = hashlib.sha256(slug.encode()).hexdigest()[:6]
        slug = slug[: MAX_NAME - 7].rstrip("-") + "-" + digest
    return slug


def description(skill: Skill) -> str:
    """What the skill does and when to use it, within the spec's 1,024 characters."""
    docs = parse_docstring(skill.docstring)
    what = docs.summary or skill.name.replace("_", " ").capitalize() + "."
    if not what.endswith("."):
        what += "."
    params = ", ".join(p.name for p in skill.params)
    when = (
        f" Use it when a task on the {skill.site} website needs this done in a browser"
        + (f" (inputs: {params})" if params else "")
        + "; it drives the site's own pages with Playwright"
        + (" and returns what the page shows." if skill.returns not in (None, "None") else ".")
    )
    text = " ".join((what + when).split())
    if len(text) > MAX_DESCRIPTION:
        text = text[: MAX_DESCRIPTION - 3].rsplit(" ", 1)[0] + "..."
    return text


def _yaml(value: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=True)


def skill_md(skill: Skill, folder: str, script: str) -> str:
    """SKILL.md for one skill."""
    verified = skill.verified_at or skill.updated_at
    passed = sum(1 for t in skill.tests if t.passed)
    metadata = {
        "site": skill.site,
        "skill": skill.name,
        "version": str(skill.version),
        "status": skill.status,
        "verified": verified.date().isoformat() if skill.status == "verified" else "",
        "tests-passed": f"{passed}/{len(skill.tests)}",
        "generator": "skillwright",
    }
    front = [
        "---",
        f"name: {folder}",
        f"description: {_yaml(description(skill))}",
        "license: MIT",
        "compatibility: "
        + _yaml(
            "Needs Python 3.11+ with Playwright (pip install playwright) and a Chromium; "
            f"the {skill.site} site must be reachable from the agent's machine."
        ),
        "metadata:",
        *(f"  {key}: {_yaml(value)}" for key, value in metadata.items()),
        "---",
    ]
    docs = parse_docstring(skill.docstring)
    flags = " ".join(
        f"--{p['name'].replace('_', '-')} {p['name'].upper()}"
        if p["required"]
        else f"[--{p['name'].replace('_', '-')} {p['name'].upper()}]"
        for p in cli_params(skill)
    )
    lines = [
        *front,
        "",
        f"# {skill.name.replace('_', ' ').capitalize()} ({skill.site})",
        "",
        docs.summary or description(skill),
        "",
        "## Parameters",
        "",
    ]
    for param in skill.params:
        need = "required" if param.required else f"default `{param.default}`"
        lines.append(
            f"- `{param.name}` ({param.annotation or 'any'}, {need}): {param.description}".rstrip()
        )
    if not skill.params:
        lines.append("None besides the browser page.")
    if docs.returns:
        lines += ["", "## Returns", "", docs.returns]
    lines += [
        "",
        "## How to run it",
        "",
        "From a shell, against the site's address (prints the result as JSON; on failure it",
        "prints the error and exits with status 1):",
        "",
        "```bash",
        f"python scripts/{script} --base-url http://SITE-HOST:PORT {flags}".rstrip(),
        "```",
        "",
        "From Python, with a Playwright page whose browser context has `base_url` set to the",
        "site's address:",
        "",
        "```python",
        f"from {script.removesuffix('.py')} import {skill.name}",
        "",
        f"await {skill.name}(page{''.join(f', {p.name}=...' for p in skill.params)})",
        "```",
        "",
        "## Provenance",
        "",
        f"Version {skill.version} of `{skill.name}`, status {skill.status}; "
        f"{passed} of {len(skill.tests)} recorded test runs passed"
        + (
            f" (verified by execution on {verified.date().isoformat()})."
            if skill.status == "verified"
            else "."
        ),
        "",
    ]
    return "\n".join(lines)


def script_source(skill: Skill, pool: Sequence[Skill]) -> str:
    """scripts/<skill>.py: the skill with the skills it calls, and a command-line runner."""
    needed = with_dependencies(skill, pool)
    used = names_used(s.code for s in needed) | {"Page"}
    imports = ", ".join(n for n in PLAYWRIGHT_NAMES if n in used)
    parts = [
        f'"""{skill.name} for the {skill.site} site, exported by Skillwright (version '
        f"{skill.version}).",
        "",
        f"Run: python {skill.name}.py --base-url URL [--PARAMETER VALUE ...]  (--help lists them)",
        f"Import: from {skill.name} import {skill.name}; await {skill.name}(page, ...)",
        "Needs only Playwright.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *RUNNER_IMPORTS,
        "",
        f"from playwright.async_api import {imports}",
        "",
    ]
    for item in needed:
        parts += ["", item.code.strip(), ""]
    functions = ", ".join(f'"{s.name}": {s.name}' for s in needed)
    parts += [
        "",
        f"SKILLS: dict[str, dict[str, Any]] = {skills_table(needed)}",
        f"FUNCTIONS: dict[str, Callable[..., Awaitable[Any]]] = {{{functions}}}",
        RUNNER,
        "",
        'if __name__ == "__main__":',
        f'    sys.exit(run_cli("{skill.name}"))',
        "",
    ]
    return format_source("\n".join(parts))


def export_agent_skills(
    library: SkillLibrary, site: str, out_path: str | Path, *, include_all: bool = False
) -> Path:
    """Write one Agent Skills folder per skill under `out_path` (replacing earlier exports of
    the same skills); returns `out_path`."""
    library.load(site)  # clear error for an unknown site
    skills = library.export_skills(site, include_all=include_all)
    out = Path(out_path)
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    for skill in skills:
        folder = agent_skill_name(site, skill.name)
        while folder in taken:  # two names that differ only in punctuation
            folder = agent_skill_name(site, f"{skill.name}-{len(taken)}")
        taken.add(folder)
        target = out / folder
        if target.exists():
            shutil.rmtree(target)
        (target / "scripts").mkdir(parents=True)
        script = f"{skill.name}.py"
        write_atomic(target / "SKILL.md", skill_md(skill, folder, script))
        write_atomic(target / "scripts" / script, script_source(skill, skills))
    return out

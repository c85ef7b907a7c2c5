"""Reading Google-style docstrings: summary, `Args:` descriptions and `Returns:`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SECTION = re.compile(
    r"^(Args|Arguments|Parameters|Returns|Return|Raises|Example|Examples|Note|Notes):\s*$"
)
_ARG_LINE = re.compile(r"^(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


@dataclass(frozen=True)
class DocParts:
    summary: str = ""
    args: dict[str, str] = field(default_factory=dict)
    returns: str = ""


def parse_docstring(doc: str) -> DocParts:
    """Split a cleaned docstring into its summary paragraph, per-argument text and returns."""
    lines = doc.strip().splitlines()
    summary: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_summary = True
    for raw in lines:
        match = _SECTION.match(raw.strip())
        if match and not raw.startswith((" ", "\t")):
            name = match.group(1)
            key = {"Arguments": "Args", "Parameters": "Args", "Return": "Returns"}.get(name, name)
            current = sections.setdefault(key, [])
            in_summary = False
            continue
        if in_summary:
            if not raw.strip() and summary:
                in_summary = False
            elif raw.strip():
                summary.append(raw.strip())
            continue
        if current is not None:
            current.append(raw)
    return DocParts(
        summary=" ".join(summary),
        args=_parse_args(sections.get("Args", [])),
        returns=" ".join(line.strip() for line in sections.get("Returns", []) if line.strip()),
    )


def _parse_args(lines: list[str]) -> dict[str, str]:
    args: dict[str, list[str]] = {}
    indent: int | None = None
    name: str | None = None
    for raw in lines:
        if not raw.strip():
            continue
        this_indent = len(raw) - len(raw.lstrip())
        match = _ARG_LINE.match(raw.strip())
        if match and (indent is None or this_indent <= indent):
            indent = this_indent
            name = match.group(1)
            args[name] = [match.group(2).strip()]
        elif name is not None:
            args[name].append(raw.strip())
    return {k: " ".join(p for p in v if p) for k, v in args.items()}

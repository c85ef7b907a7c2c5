"""Per-skill analysis done once, when a version is stored: policy check, hash, names used."""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .policy import ParsedSkill, PolicyViolation, check_skill_code

# Names the generated module itself binds: a skill with one of these names would shadow them.
MODULE_NAMES = frozenset({"Page", "Locator", "expect", "annotations"})


@dataclass(frozen=True)
class AnalysedSkill:
    """A skill accepted by the policy, with what the library stores about its code."""

    parsed: ParsedSkill
    code_hash: str
    names: frozenset[str]


def analyse(code: str, *, allowed_calls: Iterable[str] = frozenset()) -> AnalysedSkill:
    """Check `code` against the policy and compute its normalised hash and the names it uses.

    The hash equals `policy.normalized_code_hash(code)` but reuses the policy's parse tree.
    """
    parsed = check_skill_code(code, allowed_calls=allowed_calls)
    if parsed.name in MODULE_NAMES:
        raise PolicyViolation(
            f"a skill may not be called '{parsed.name}': the skill module imports that name",
            parsed.node.lineno,
        )
    tree = ast.Module(body=[parsed.node], type_ignores=[])
    dumped = ast.dump(tree, annotate_fields=True, include_attributes=False)
    names = frozenset(n.id for n in ast.walk(parsed.node) if isinstance(n, ast.Name))
    return AnalysedSkill(parsed, hashlib.sha256(dumped.encode()).hexdigest(), names)


def names_in(code: str) -> frozenset[str]:
    """Every bare name the code uses (skills it may call are among them)."""
    return frozenset(n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name))


def policy_fingerprint() -> str:
    """Identifies the policy's rules: stored versions checked under other rules are re-checked."""
    from . import policy

    return hashlib.sha256(Path(policy.__file__).read_bytes()).hexdigest()[:16]

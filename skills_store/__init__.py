"""Skillwright's skill library: verified Playwright skills as importable modules + a SQLite index.

from skills_store import SkillLibrary
lib = SkillLibrary("skill_library")
lib.add(code, "shop", status="verified")
shop = lib.load("shop")  # await shop.add_to_cart(page, "Blue Mug", 2)
"""

from .library import LibraryError, SkillLibrary, SkillNotFoundError
from .models import Provenance, Skill, SkillParam, TestRecord
from .policy import ParsedSkill, PolicyViolation, check_module_code, check_skill_code

__all__ = [
    "LibraryError",
    "ParsedSkill",
    "PolicyViolation",
    "Provenance",
    "Skill",
    "SkillLibrary",
    "SkillNotFoundError",
    "SkillParam",
    "TestRecord",
    "check_module_code",
    "check_skill_code",
]

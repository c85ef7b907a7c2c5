"""Skillwright's skill library: verified Playwright skills as importable modules + a SQLite index.

from skills_store import SkillLibrary
lib = SkillLibrary("skill_library")
lib.add(code, "shop", status="verified")
shop = lib.load("shop")  # await shop.add_to_cart(page, "Blue Mug", 2)
"""

from .embeddings import Embedder
from .errors import IndexCorruptError, LibraryError, SkillNotFoundError
from .library import NewSkill, SkillLibrary, StoredRef
from .models import SKILL_STATUSES, Provenance, Skill, SkillParam, SkillStatus, TestRecord
from .policy import ParsedSkill, PolicyViolation, check_module_code, check_skill_code

__all__ = [
    "SKILL_STATUSES",
    "Embedder",
    "IndexCorruptError",
    "LibraryError",
    "NewSkill",
    "ParsedSkill",
    "PolicyViolation",
    "Provenance",
    "Skill",
    "SkillLibrary",
    "SkillNotFoundError",
    "SkillParam",
    "SkillStatus",
    "StoredRef",
    "TestRecord",
    "check_module_code",
    "check_skill_code",
]

from __future__ import annotations

from pathlib import Path

import pytest

from skills_store import SkillLibrary


@pytest.fixture
def library(tmp_path: Path) -> SkillLibrary:
    return SkillLibrary(tmp_path / "lib")

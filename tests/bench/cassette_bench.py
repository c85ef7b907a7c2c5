"""The committed real-model bench: which shop test tasks, which library, which cassettes.

The library is a shop module induced and verified by `skillwright explore shop --policy
heuristic`, committed as `tests/cassettes/bench_shop_library/shop.py`; `cassette_library(DIR)`
rebuilds a library from it (the index is derived: every skill in the module, verified).

    python -m tests.bench.cassette_bench DIR     # write that library to DIR (for recording)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from skills_store import SkillLibrary

REPO = Path(__file__).resolve().parents[2]
CASSETTES = REPO / "tests" / "cassettes"
LIBRARY_MODULE = CASSETTES / "bench_shop_library" / "shop.py"
WITH_SKILLS = CASSETTES / "bench_shop_skills.jsonl"
WITHOUT_SKILLS = CASSETTES / "bench_shop_noskills.jsonl"
TASKS = [
    "shop-003", "shop-018", "shop-024", "shop-030",
    "shop-036", "shop-039", "shop-042", "shop-045",
]  # fmt: skip


def cassette_library(dest: Path) -> SkillLibrary:
    """A library at `dest` holding the committed shop module's skills, verified."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LIBRARY_MODULE, dest / "shop.py")
    return SkillLibrary.rebuild_index(dest)


if __name__ == "__main__":
    lib = cassette_library(Path(sys.argv[1]))
    names = [s.name for s in lib.list(site="shop")]
    print(f"{lib.path}: {len(names)} verified shop skills ({', '.join(names)})")

"""Work that scaled with the library size is done once per change (small libraries, no timing)."""

from __future__ import annotations

import random
from pathlib import Path

from store_helpers import skill_named

from agent.target import Target
from agent.workbench import Workbench
from skills_store import NewSkill, SkillLibrary


def test_bulk_add_is_one_transaction_and_one_module_write(library: SkillLibrary) -> None:
    refs = library.add_many([NewSkill(skill_named(f"field_{i}"), "verified") for i in range(300)],
                            "s")  # fmt: skip
    assert len(refs) == 300 and all(r.new for r in refs)
    assert library.generation("s") == 1  # one bump: the module was written once
    assert len(library.load("s").__all__) == 300
    again = library.add_many([skill_named(f"field_{i}") for i in range(300)], "s")
    assert not any(r.new for r in again)  # identical code dedups, candidates never demote
    assert library.generation("s") == 1


def test_loading_after_an_add_reuses_the_compiled_blocks(library: SkillLibrary) -> None:
    library.add_many([NewSkill(skill_named(f"field_{i}"), "verified") for i in range(50)], "s")
    first = library.load("s")
    library.add(skill_named("field_new"), "s", status="verified")
    second = library.load("s")
    assert len(second.__all__) == len(first.__all__) + 1
    (cache,) = (library.path / ".cache").glob("*.blocks")
    assert cache.stat().st_size > 0
    # functions sit at their own lines in the file (tracebacks, inspect.getsource)
    lines = library.module_path("s").read_text().splitlines()
    for name in second.__all__:
        first_line = getattr(second, name).__code__.co_firstlineno
        assert lines[first_line - 1].startswith(f"async def {name}(")


class _NoBrowser:
    """Compiling skills needs no browser."""

    def log_blocked_to(self, path: Path) -> None:
        pass


def test_workbench_compiles_the_site_skills_once_per_change(tmp_path: Path) -> None:
    library = SkillLibrary(tmp_path / "lib")
    library.add(skill_named("field_a"), "shop", status="verified")
    bench = Workbench(Target("shop", "http://127.0.0.1:1"), _NoBrowser(), library, tmp_path)  # type: ignore[arg-type]
    first = bench.skills()
    assert bench.skills()["field_a"] is first["field_a"]  # cached
    library.add(skill_named("field_b"), "shop", status="candidate")  # not verified: same set
    assert bench.skills()["field_a"] is first["field_a"]
    library.add(skill_named("field_b"), "shop", status="verified")
    changed = bench.skills()
    assert sorted(changed) == ["field_a", "field_b"]
    assert changed["field_a"] is not first["field_a"]


def test_a_module_patched_for_one_change_equals_a_full_render(library: SkillLibrary) -> None:
    rng = random.Random(3)
    names = [f"f_{i:02d}" for i in range(12)]
    caller = (
        "async def z_caller(page: Page) -> None:\n"
        '    """Fill the first field twice."""\n'
        "    await f_00(page)\n"
        "    await f_00(page)\n"
    )
    library.add(skill_named("f_00"), "s", status="verified")
    library.add(caller, "s", status="verified")
    path = library.module_path("s")
    for step in range(40):
        name = rng.choice(names)
        roll = rng.random()
        if roll < 0.6:
            library.add(skill_named(name, body_text=f"v{step}"), "s", status="verified")
        elif roll < 0.8 and name in {s.name for s in library.list("s")}:
            library.set_status("s", name, rng.choice(["failing", "retired"]))
        else:
            library.add(skill_named(name, body_text=f"c{step}"), "s")
        patched = path.read_text()
        library.write_module("s", force=True)
        assert path.read_text() == patched, f"step {step}: {name}"
        held = library.load("s").__all__
        assert ("z_caller" in held) == ("f_00" in held)

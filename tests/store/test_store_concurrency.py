"""Two processes adding to one library at the same time."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from store_helpers import skill_named

from skills_store import SkillLibrary
from skills_store.module_writer import fingerprint, read_fingerprint


def _add_many(path: str, prefix: str, count: int) -> None:
    library = SkillLibrary(path)
    for i in range(count):
        status = "verified" if i % 2 == 0 else "candidate"
        library.add(skill_named(f"{prefix}_field_{i}"), "shop", status=status)
        library.add(skill_named("shared_skill", body_text=f"{prefix}{i}"), "shop")


def test_concurrent_adds_from_two_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "lib")
    # fork: no re-import per worker; each worker opens its own SkillLibrary after the fork
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    workers = [context.Process(target=_add_many, args=(path, p, 10)) for p in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    library = SkillLibrary(path)
    names = {s.name for s in library.list("shop", status=None)}
    expected = {f"{p}_field_{i}" for p in "ab" for i in range(10)} | {"shared_skill"}
    assert names == expected
    assert [s.version for s in library.versions("shared_skill", "shop")] == list(range(1, 21))
    # the module file left behind is the one for the final state (writes are serialised)
    verified = library.list("shop")
    assert read_fingerprint(library.module_path("shop")) == fingerprint("shop", verified)
    shop = library.load("shop")
    assert sorted(shop.__all__) == sorted(f"{p}_field_{i}" for p in "ab" for i in range(0, 10, 2))
    assert not list(Path(path).glob(".*.tmp"))

"""A single add patches the module only when the one pending change is its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_helpers import skill_named

from skills_store import SkillLibrary
from skills_store.module_writer import fingerprint, read_fingerprint


def test_a_change_rendered_by_another_writer_does_not_hide_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = SkillLibrary(tmp_path / "lib")
    lib.add(skill_named("first"), "shop", status="verified")
    generation = lib.generation("shop")

    # writer A commits `mine` but has not rewritten the module yet ...
    with monkeypatch.context() as m:
        m.setattr(lib, "write_module", lambda *args, **kwargs: None)
        lib.add(skill_named("mine"), "shop", status="verified")
    # ... another writer renders it whole meanwhile (opening repairs a stale module) ...
    SkillLibrary(tmp_path / "lib")
    # ... and writer C commits `theirs`, its module write still to come
    with monkeypatch.context() as m:
        m.setattr(lib, "write_module", lambda *args, **kwargs: None)
        lib.add(skill_named("theirs"), "shop", status="verified")

    # A's module write: one change is pending, but it is C's, not A's
    lib.write_module("shop", changed="mine", changed_at=generation + 1)

    held = lib.module_skills("shop")
    assert {s.name for s in held} == {"first", "mine", "theirs"}
    assert read_fingerprint(lib.module_path("shop")) == fingerprint("shop", held)
    assert sorted(lib.load("shop").__all__) == ["first", "mine", "theirs"]


def test_a_single_add_patches_the_module(tmp_path: Path) -> None:
    lib = SkillLibrary(tmp_path / "lib")
    lib.add_many([skill_named(f"skill_{i}") for i in range(60)], "shop", status="verified")
    before = lib.module_path("shop").read_text()

    lib.add(skill_named("skill_30b"), "shop", status="verified")

    after = lib.module_path("shop").read_text()
    held = lib.module_skills("shop")
    assert read_fingerprint(lib.module_path("shop")) == fingerprint("shop", held)
    assert '"skill_30b",' in after and len(after) > len(before)
    assert sorted(lib.load("shop").__all__) == sorted(s.name for s in held)

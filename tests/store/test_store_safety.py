"""Safety: many writers, writers killed at random points, damaged files, clear errors."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from store_helpers import VIEW_CART, skill_named

from skills_store import IndexCorruptError, LibraryError, PolicyViolation, SkillLibrary
from skills_store.module_writer import fingerprint, read_fingerprint

_CTX = multiprocessing.get_context(
    "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
)


def _assert_module_matches_index(library: SkillLibrary, site: str) -> list[str]:
    held = library.module_skills(site)
    assert read_fingerprint(library.module_path(site)) == fingerprint(site, held)
    module = library.load(site)
    assert sorted(module.__all__) == sorted(s.name for s in held)
    return list(module.__all__)


def _add_fifty(path: str, worker: int) -> None:
    library = SkillLibrary(path)
    for i in range(50):
        library.add(skill_named(f"w{worker}_skill_{i}"), "shop", status="verified")


def test_eight_processes_adding_fifty_skills_each(tmp_path: Path) -> None:
    path = str(tmp_path / "lib")
    SkillLibrary(path)
    workers = [_CTX.Process(target=_add_fifty, args=(path, w)) for w in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
        assert worker.exitcode == 0
    library = SkillLibrary(path)
    expected = {f"w{w}_skill_{i}" for w in range(8) for i in range(50)}
    assert {s.name for s in library.list("shop")} == expected
    assert set(_assert_module_matches_index(library, "shop")) == expected
    assert not list(Path(path).glob(".*.tmp"))


def _writer(path: str, start: int, acks: Connection) -> None:
    library = SkillLibrary(path)
    for i in range(start, start + 1000):
        library.add(skill_named(f"kept_{i}"), "shop", status="verified")
        acks.send(i)  # only after `add` returned: this skill must survive the kill


def test_writer_killed_at_random_points_loses_no_verified_skill(tmp_path: Path) -> None:
    path = str(tmp_path / "lib")
    SkillLibrary(path)
    rng = random.Random(11)
    acknowledged: set[str] = set()
    start = 0
    for _ in range(20):
        receive, send = _CTX.Pipe(duplex=False)
        writer = _CTX.Process(target=_writer, args=(path, start, send))
        writer.start()
        send.close()
        for _ in range(rng.randint(0, 3)):
            acknowledged.add(f"kept_{receive.recv()}")
        time.sleep(rng.uniform(0, 0.03))  # lands the kill anywhere inside the next add
        os.kill(writer.pid or 0, signal.SIGKILL)
        writer.join()
        try:
            while receive.poll():  # acknowledgements sent before the kill
                acknowledged.add(f"kept_{receive.recv()}")
        except EOFError:
            pass  # the writer's end closed when it died
        receive.close()
        start += 1000
        library = SkillLibrary(path)  # opening repairs a module the writer left stale
        verified = {s.name for s in library.list("shop")}
        assert acknowledged <= verified
        assert set(_assert_module_matches_index(library, "shop")) == verified
    assert len(acknowledged) >= 20


def test_module_left_stale_by_a_crash_is_repaired_on_open(tmp_path: Path) -> None:
    library = SkillLibrary(tmp_path / "lib")
    library.add(skill_named("first"), "shop", status="verified")
    old = library.module_path("shop").read_bytes()
    library.add(skill_named("second"), "shop", status="verified")
    library.module_path("shop").write_bytes(old)  # as if the writer died before the rewrite
    reopened = SkillLibrary(tmp_path / "lib")
    assert sorted(reopened.load("shop").__all__) == ["first", "second"]
    library.module_path("shop").unlink()
    assert SkillLibrary(tmp_path / "lib").repair() == []  # already repaired by opening
    assert library.module_path("shop").exists()


def test_damaged_index_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    library = SkillLibrary(tmp_path / "lib")
    library.add(VIEW_CART, "shop", status="verified")
    library.add(skill_named("fill_name"), "shop", status="verified")
    library.add(skill_named("draft"), "shop", status="candidate")
    index = library.path / "index.db"
    for extra in ("index.db-wal", "index.db-shm"):
        (library.path / extra).unlink(missing_ok=True)
    damaged = b"this is not a database" * 100
    index.write_bytes(damaged)
    with pytest.raises(IndexCorruptError) as caught:
        SkillLibrary(library.path)
    message = str(caught.value)
    assert "\n" not in message and "damaged" in message and "rebuild-index" in message
    assert isinstance(caught.value, LibraryError)
    assert index.read_bytes() == damaged  # not modified
    rebuilt = SkillLibrary.rebuild_index(library.path)
    assert sorted(s.name for s in rebuilt.list("shop")) == ["fill_name", "view_cart"]
    assert [p.read_bytes() for p in library.path.glob("index.db.damaged-*")] == [damaged]


def test_unusable_code_and_names_are_clear_errors_and_store_nothing(
    library: SkillLibrary,
) -> None:
    library.add(VIEW_CART, "shop", status="verified")
    with pytest.raises(PolicyViolation, match="'Page'"):  # the module imports that name
        library.add("async def Page(page: Page) -> None:\n    await page.goto('/')\n", "shop")
    with pytest.raises(PolicyViolation, match="must be an 'async def'"):
        library.add("def view_cart(page):\n    return 1\n", "shop")
    with pytest.raises(PolicyViolation, match=r"skill 2 of 2: .*nothing was stored"):
        library.add_many([skill_named("good"), "async def bad(page):\n    import os\n"], "shop")
    assert [s.name for s in library.list("shop", status=None)] == ["view_cart"]
    with pytest.raises(KeyError, match="did you mean: view_cart"):
        library.history("shop", "view_crt")
    with pytest.raises(KeyError, match="did you mean: view_cart"):
        library.record_usage("shop", "view_crt", ok=True)


def test_index_written_by_the_first_release_is_migrated(tmp_path: Path) -> None:
    """An index.db from before the lifecycle (sqlite-utils schema, FTS triggers, 'failed')."""
    root = tmp_path / "lib"
    root.mkdir()
    conn = sqlite3.connect(root / "index.db")
    conn.executescript(
        """
        CREATE TABLE [skills] ([site] TEXT, [name] TEXT, [version] INTEGER, [status] TEXT,
          [signature] TEXT, [docstring] TEXT, [code] TEXT, [code_hash] TEXT, [params] TEXT,
          [returns] TEXT, [provenance] TEXT, [created_at] TEXT, [updated_at] TEXT,
          PRIMARY KEY ([site], [name], [version]));
        CREATE TABLE [tests] ([id] INTEGER PRIMARY KEY, [site] TEXT, [skill] TEXT,
          [version] INTEGER, [inputs] TEXT, [passed] INTEGER, [error] TEXT,
          [duration_s] FLOAT, [checked] TEXT, [at] TEXT, [run_id] TEXT, [theme] TEXT);
        CREATE VIRTUAL TABLE [skills_fts] USING FTS5 ([name], [docstring], [signature],
          tokenize='porter', content=[skills]);
        CREATE TRIGGER [skills_ai] AFTER INSERT ON [skills] BEGIN
          INSERT INTO [skills_fts] (rowid, [name], [docstring], [signature])
          VALUES (new.rowid, new.[name], new.[docstring], new.[signature]); END;
        """
    )
    rows = [
        ("view_cart", VIEW_CART, "verified"),
        ("fill_x", skill_named("fill_x"), "failed"),
    ]
    for name, code, status in rows:
        conn.execute(
            "INSERT INTO skills VALUES (?, ?, 1, ?, ?, ?, ?, ?, '[]', NULL, NULL, ?, ?)",
            ["shop", name, status, f"async def {name}(page: Page)", f"Open the {name}.",
             code.strip() + "\n", "h-" + name, "2025-01-01T00:00:00+00:00",
             "2025-01-01T00:00:00+00:00"],
        )  # fmt: skip
    conn.execute(
        "INSERT INTO tests (site, skill, version, inputs, passed, at)"
        " VALUES ('shop', 'view_cart', 1, '{}', 1, '2025-01-01T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    library = SkillLibrary(root)
    assert [(s.name, s.status) for s in library.list("shop", status=None)] == [
        ("fill_x", "failing"),
        ("view_cart", "verified"),
    ]
    assert library.get("view_cart", "shop").pass_rate == 1.0
    assert [s.name for s in library.search("shopping cart", site="shop")] == ["view_cart"]
    assert library.load("shop").__all__ == ["view_cart"]


def test_stored_code_refused_by_the_current_policy_is_named_on_load(tmp_path: Path) -> None:
    """A version stored under other rules (or written into the index by hand) is checked again
    before the module holds it; the library still opens and nothing is lost."""
    library = SkillLibrary(tmp_path / "lib")
    library.add(VIEW_CART, "shop", status="verified")
    conn = sqlite3.connect(library.path / "index.db")
    conn.execute(
        "UPDATE skills SET code = ?, formatted = NULL, policy = 'older-rules'",
        ["async def view_cart(page: Page) -> str:\n    return open('/etc/passwd').read()\n"],
    )
    conn.execute("UPDATE module_members SET formatted = 0, policy = 'older-rules'")
    conn.execute("UPDATE sites SET generation = generation + 1")
    conn.commit()
    conn.close()
    reopened = SkillLibrary(library.path)  # opens: the refused skill is reported by load
    with pytest.raises(PolicyViolation, match=r"stored skill shop.view_cart v1 is refused"):
        reopened.load("shop")
    assert "open(" not in library.module_path("shop").read_text()
    reopened.set_status("shop", "view_cart", "failing")
    assert reopened.load("shop").__all__ == []
    assert reopened.history("shop", "view_cart")[0].status == "failing"

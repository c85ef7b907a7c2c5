"""The real-app bench's checker on names as sites show them (bench/realapps.py): decorations
the site adds (an id token, text cut at an ellipsis, "name: detail", "(status)") are not the
skill's fault, but every undecorated part must still be stored, in one row."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    # bench/realapps.py sits beside the bench/realapps/ package: load the file itself
    spec = importlib.util.spec_from_file_location("realapps_bench", ROOT / "bench" / "realapps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ROWS = {
    ("WikiStart", 1, "= Welcome to Trac\n\nTrac is a minimalistic approach to tracking"),
    (1, "Active Tickets", "SELECT ..."),
    (6, "defect", "Login page crashes on empty password", "new"),
}


def test_decorated_names_are_stored_when_every_part_is_in_one_row() -> None:
    bench = _bench()
    for shown in (
        "WikiStart: = Welcome to Trac Trac is a minimalistic approach to ...",  # cut, joined
        "{1} Active Tickets",  # the site's numbering
        "#6: defect: Login page crashes on empty password (new)",
        "Active Tickets",
    ):
        assert bench._stored(shown, ROWS), shown


def test_names_with_a_part_not_stored_or_parts_from_two_rows_are_not() -> None:
    bench = _bench()
    for shown in (
        "WikiStart: = Goodbye from Trac ...",
        "{2} Closed Tickets",
        "Active Tickets: Login page crashes",  # two rows' texts
        "#6: defect: Login page crashes on empty password (closed)",
    ):
        assert not bench._stored(shown, ROWS), shown


def test_a_text_kept_with_the_line_breaks_of_a_hard_wrapped_textarea_is_kept() -> None:
    bench = _bench()
    rows = {(7, "Skillwright check 1: this note was written by a\r\nverified skill. (re-check)")}
    assert bench._kept(
        "Skillwright check 1: this note was written by a verified skill. (re-check)", rows
    )
    assert not bench._kept("Skillwright check 2: this note was written by a verified skill.", rows)
    broken = {(8, "this note was written by a verified skill. (re-\r\ncheck)")}
    assert bench._kept("this note was written by a verified skill. (re-check)", broken)

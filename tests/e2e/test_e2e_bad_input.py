"""Walking skeleton, part 5: bad input gives a one-line error, a non-zero exit, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import Sandbox, exception_lines, explore_cmd, run_cli

CASES = {
    "unknown site": (["nosuchsite"], {}, "nosuchsite"),
    "unreachable URL": (["http://127.0.0.1:9/"], {}, "127.0.0.1:9"),
    "no Chromium": (["shop"], {"SKILLWRIGHT_CHROMIUM": "/nonexistent"}, "/nonexistent"),
    # An executable that is not a working Chromium: launching it fails.
    "Chromium that cannot start": (["shop"], {"SKILLWRIGHT_CHROMIUM": "/bin/false"}, "chromium"),
    "library under a regular file": (["shop"], {}, "not a directory"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_error(case: str, tmp_path: Path, box: Sandbox) -> None:
    (target,), env, mentions = CASES[case]
    box.env.update(env)
    library = tmp_path / "library"
    if case == "library under a regular file":
        (tmp_path / "plain-file").write_text("not a directory\n")
        library = tmp_path / "plain-file" / "library"
    args = explore_cmd(library, tmp_path / "run")
    args[args.index("shop")] = target
    result = run_cli(args, box, timeout_s=90)
    assert result.returncode != 0
    output = result.stderr + result.stdout
    assert "Traceback" not in output, f"a traceback:\n{exception_lines(output)}"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected a one-line error, got:\n{result.stderr}"
    assert lines[0].startswith("error: "), lines[0]
    assert mentions.lower() in lines[0].lower(), lines[0]
    assert not result.leftover, f"processes left running: {result.leftover}"
    assert not list(box.tmpdir.glob("skillwright-*")), "a site workdir was not removed"

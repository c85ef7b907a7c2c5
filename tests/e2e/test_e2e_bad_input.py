"""Walking skeleton, part 5: bad input gives a one-line error, a non-zero exit, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import explore_cmd, run_cli, sandbox

pytestmark = pytest.mark.timeout(300)

CASES = {
    "unknown site": (["nosuchsite"], {}, "nosuchsite"),
    "unreachable URL": (["http://127.0.0.1:9/"], {}, "127.0.0.1:9"),
    "no Chromium": (["shop"], {"SKILLWRIGHT_CHROMIUM": "/nonexistent"}, "/nonexistent"),
    "library under a regular file": (["shop"], {}, "not a directory"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_error(case: str, tmp_path: Path, e2e_cache: Path) -> None:
    (target,), env, mentions = CASES[case]
    box = sandbox(tmp_path, e2e_cache)
    box.env.update(env)
    library = tmp_path / "library"
    if case == "library under a regular file":
        (tmp_path / "plain-file").write_text("not a directory\n")
        library = tmp_path / "plain-file" / "library"
    args = explore_cmd(library, tmp_path / "run")
    args[args.index("shop")] = target
    result = run_cli(args, box, timeout_s=90)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected a one-line error, got:\n{result.stderr}"
    assert lines[0].startswith("error: "), lines[0]
    assert mentions in lines[0], lines[0]
    assert not result.leftover, f"processes left running: {result.leftover}"
    assert not list(box.tmpdir.glob("skillwright-*")), "a site workdir was not removed"

"""Walking skeleton, part 4: interrupting an exploration keeps every skill verified so far."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from e2e_support import (
    REPO,
    Sandbox,
    exception_lines,
    explore_cmd,
    kill_marked,
    record_timing,
    wait_for_no_marked,
    wait_with_cpu,
)

from skills_store import SkillLibrary

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

WANT_VERIFIED = 2
VERIFIED_DEADLINE_S = 150
EXIT_DEADLINE_S = 60

LOAD_SCRIPT = """
import inspect, json, sys
from skills_store import SkillLibrary
lib = SkillLibrary(sys.argv[1])
mod = lib.load("shop")
names = [s.name for s in lib.list(site="shop")]
print(json.dumps({
    "verified": names,
    "callable": [n for n in names if inspect.iscoroutinefunction(getattr(mod, n, None))],
}))
"""


def verified_names(library: Path) -> set[str]:
    if not (library / "index.db").exists():  # let the explorer create the library first
        return set()
    return {s.name for s in SkillLibrary(library).list(site="shop")}


@pytest.mark.parametrize(
    ("how", "signum"),
    [
        pytest.param("SIGTERM to the process", signal.SIGTERM, id="sigterm"),
        pytest.param("Ctrl-C (SIGINT) to the process group", signal.SIGINT, id="sigint-group"),
    ],
)
def test_interrupted_explore_keeps_verified_skills(
    how: str, signum: int, tmp_path: Path, box: Sandbox, pytestconfig: pytest.Config
) -> None:
    library = tmp_path / "library"
    out, err = (tmp_path / "stdout.txt").open("w"), (tmp_path / "stderr.txt").open("w")
    began = time.perf_counter()
    proc = subprocess.Popen(
        # Fewer pages to crawl: the first skills are verified sooner.
        explore_cmd(library, tmp_path / "run", "--max-pages", "5"),
        cwd=REPO,
        env=box.env,
        stdout=out,
        stderr=err,
        start_new_session=True,  # its own process group, like a job in a terminal
    )
    try:
        deadline = time.monotonic() + VERIFIED_DEADLINE_S
        before: set[str] = set()
        while len(before) < WANT_VERIFIED:
            assert time.monotonic() < deadline, f"< {WANT_VERIFIED} skills in time: {before}"
            try:
                code = proc.wait(timeout=0.5)  # the poll interval; wakes early if it exits
            except subprocess.TimeoutExpired:
                before = verified_names(library)
            else:
                pytest.fail(f"explore exited ({code}) before {WANT_VERIFIED} skills: {before}")
        if signum == signal.SIGINT:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        else:
            proc.send_signal(signal.SIGTERM)
        code, cpu_s = wait_with_cpu(proc, EXIT_DEADLINE_S)
        leftover = wait_for_no_marked(box.mark)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_marked(box.mark)
        out.close()
        err.close()
    record_timing(pytestconfig, f"interrupted explore ({how})", time.perf_counter() - began, cpu_s)
    stderr = (tmp_path / "stderr.txt").read_text()
    stdout = (tmp_path / "stdout.txt").read_text()
    assert code == 128 + signum, f"exit code {code}; stderr:\n{stderr[-3000:]}"
    assert "Traceback" not in stderr + stdout, exception_lines(stderr + stdout)
    said = re.search(
        r"interrupted: the library at .* keeps (\d+) verified skills", " ".join(stderr.split())
    )
    assert said, f"no interruption message on stderr:\n{stderr[-2000:]}"
    assert int(said.group(1)) >= len(before)
    assert not leftover, f"processes left running after the interrupt: {leftover}"
    assert not list(box.tmpdir.glob("skillwright-*")), "the site's workdir was not removed"

    loaded = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(library)],
        cwd=REPO,
        env=box.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert loaded.returncode == 0, f"the library does not load:\n{loaded.stderr[-3000:]}"
    after = json.loads(loaded.stdout)
    assert before <= set(after["verified"]), f"lost: {before - set(after['verified'])}"
    assert before <= set(after["callable"]), f"not importable: {before - set(after['callable'])}"
    assert int(said.group(1)) == len(after["verified"])

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
    cli,
    exception_lines,
    explore_cmd,
    kill_marked,
    record_timing,
    sandbox,
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


# Moments (seconds after the CLI's own code started) at which Ctrl-C reaches the process
# group: import and parsing, site start, Chromium launch, crawl, practise, verification.
MOMENTS_S = [0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1, 1.3, 1.6, 2, 2.5, 3, 3.6, 4.3, 5, 6, 7, 8, 9]
SIGTERM_BIT = 1 << (signal.SIGTERM - 1)


def _handlers_installed(pid: int) -> bool:
    """The CLI installs its SIGTERM handler as its first act (Python itself never does)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & SIGTERM_BIT)


def _interrupt_at(moment_s: float, root: Path, cache: Path) -> str | None:
    """Run a short explore, Ctrl-C its process group `moment_s` after it started; return what
    went wrong, or None."""
    box = sandbox(cache)
    library = root / "library"
    try:
        with (root / "out.txt").open("w") as out, (root / "err.txt").open("w") as err:
            proc = subprocess.Popen(
                explore_cmd(library, root / "run", "--max-pages", "2", "--iterations", "1"),
                cwd=REPO,
                env=box.env,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
            try:
                deadline = time.monotonic() + 30
                while not _handlers_installed(proc.pid) and proc.poll() is None:
                    if time.monotonic() > deadline:
                        return "the CLI never started"
                    time.sleep(0.01)  # polling interval, not a timing assumption
                time.sleep(moment_s)  # the moment to interrupt at (the variable under test)
                if proc.poll() is not None:
                    return f"explore ended (exit {proc.returncode}) before {moment_s} s"
                os.killpg(proc.pid, signal.SIGINT)
                code = proc.wait(timeout=EXIT_DEADLINE_S)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        leftover = wait_for_no_marked(box.mark)
        output = (root / "err.txt").read_text() + (root / "out.txt").read_text()
        lines = [line for line in (root / "err.txt").read_text().splitlines() if line.strip()]
        problems = []
        if code != 130:
            problems.append(f"exit {code}")
        if "Traceback" in output:
            problems.append(exception_lines(output))
        if len(lines) != 1 or not lines[0].startswith("interrupted"):
            problems.append(f"stderr {lines}")
        if leftover:
            problems.append(f"left running: {leftover}")
        if list(box.tmpdir.glob("skillwright-*")):
            problems.append("site workdir left behind")
        if (library / "index.db").exists():
            SkillLibrary(library).list(site="shop")  # the library opens and reads
        return "; ".join(problems) or None
    finally:
        box.cleanup()


def test_ctrl_c_at_twenty_moments_exits_cleanly(
    tmp_path: Path, e2e_cache: Path, pytestconfig: pytest.Config
) -> None:
    """Ctrl-C to the process group at 20 moments of a short explore: 20 clean exits."""
    from concurrent.futures import ThreadPoolExecutor

    began = time.perf_counter()
    roots = [tmp_path / f"at-{i:02d}" for i in range(len(MOMENTS_S))]
    for root in roots:
        root.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: minutes → one
        results = list(pool.map(_interrupt_at, MOMENTS_S, roots, [e2e_cache] * len(roots)))
    record_timing(pytestconfig, "20 interrupted explores", time.perf_counter() - began)
    failed = {m: r for m, r in zip(MOMENTS_S, results, strict=True) if r is not None}
    assert not failed, f"{len(failed)}/20 unclean: {failed}"


@pytest.mark.parametrize(
    ("signum", "group"),
    [
        pytest.param(signal.SIGINT, True, id="ctrl-c-to-group"),
        pytest.param(signal.SIGTERM, False, id="sigterm"),
    ],
)
def test_interrupted_sites_serve(signum: int, group: bool, tmp_path: Path, box: Sandbox) -> None:
    """`sites serve` stops on Ctrl-C/SIGTERM with one line, exit 130/143, nothing left."""
    out, err = (tmp_path / "stdout.txt"), (tmp_path / "stderr.txt")
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(
            cli("sites", "serve", "shop"),
            cwd=REPO,
            env=box.env,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while "Ctrl-C to stop" not in " ".join(out.read_text().split()):
                assert proc.poll() is None, f"serve exited: {err.read_text()[-2000:]}"
                assert time.monotonic() < deadline, "the site was not served in time"
                time.sleep(0.1)  # polling interval; the deadline decides
            if group:
                os.killpg(proc.pid, signum)
            else:
                proc.send_signal(signum)
            code = proc.wait(timeout=EXIT_DEADLINE_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    leftover = wait_for_no_marked(box.mark)
    lines = [line for line in err.read_text().splitlines() if line.strip()]
    assert code == 128 + signum, f"exit {code}: {lines}"
    assert "Traceback" not in err.read_text() + out.read_text()
    assert lines == ["stopped: shop is no longer served"], lines
    assert not leftover, f"processes left running: {leftover}"
    assert not list(box.tmpdir.glob("skillwright-*")), "the site's workdir was not removed"

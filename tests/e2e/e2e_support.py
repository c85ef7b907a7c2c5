"""Helpers shared by the end-to-end tests: running the real CLI in sandboxed subprocesses.

Every process the e2e tests start gets a unique marker in its environment (inherited by the
site server, the Playwright driver and Chromium), so a test can tell whether a run left any
process behind without guessing by name.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MARK_VAR = "SKILLWRIGHT_E2E_MARK"
EXPLORE_TIMEOUT_S = 480
# timings measured during a test, attached to its report (so they reach the terminal summary
# from a pytest-xdist worker too); see tests/conftest.py
TIMINGS = pytest.StashKey[dict[str, str]]()
TIMING_PREFIX = "e2e timing: "


def cli(*args: str) -> list[str]:
    """The real CLI, as `python -m agent.cli ...` with this interpreter."""
    return [sys.executable, "-m", "agent.cli", *args]


def explore_cmd(library: Path, out: Path, *extra: str) -> list[str]:
    return cli(
        "explore",
        "shop",
        "--policy",
        "heuristic",
        "--library",
        str(library),
        "--out",
        str(out),
        *extra,
    )


@dataclass
class Sandbox:
    """Environment for one CLI process: own cache, own TMPDIR, a unique process marker."""

    env: dict[str, str]
    tmpdir: Path
    mark: str

    def cleanup(self) -> None:
        kill_marked(self.mark)
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def sandbox(cache: Path, *, columns: int | None = None) -> Sandbox:
    """A fresh sandbox. Its TMPDIR is short on purpose: Chromium puts a Unix socket there,
    and socket paths longer than 107 bytes (pytest's tmp_path can be) make it abort."""
    tmpdir = Path(tempfile.mkdtemp(prefix="swe2e-", dir="/tmp" if os.path.isdir("/tmp") else None))
    mark = uuid.uuid4().hex
    env = dict(os.environ)
    for var in ("SKILLWRIGHT_LLM", "SKILLWRIGHT_LIBRARY", "SKILLWRIGHT_CHROMIUM", "COLUMNS"):
        env.pop(var, None)
    env.update(
        SKILLWRIGHT_CACHE=str(cache),
        TMPDIR=str(tmpdir),
        PYTHONUNBUFFERED="1",
        **{MARK_VAR: mark},
    )
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return Sandbox(env, tmpdir, mark)


def marked_processes(mark: str) -> dict[int, str]:
    """Live processes (pid → command line) whose environment carries `mark`."""
    needle = f"{MARK_VAR}={mark}".encode()
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone, or not ours to read
            continue
        found[int(entry.name)] = cmdline.strip()[:200]
    return found


def wait_for_no_marked(mark: str, timeout_s: float = 20.0) -> dict[int, str]:
    """Poll until no process carries `mark` (or the deadline passes); returns what is left."""
    deadline = time.monotonic() + timeout_s
    left = marked_processes(mark)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)  # polling interval, not a timing assumption: the deadline decides
        left = marked_processes(mark)
    return left


def kill_marked(mark: str) -> None:
    """Kill (by pid) whatever a test's own process tree left running."""
    for pid in marked_processes(mark):
        try:
            os.kill(pid, 9)
        except OSError:
            pass


@dataclass
class Explored:
    library: Path
    run_dir: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    leftover: dict[int, str]
    tmpdir: Path


def record_timing(
    config: pytest.Config, name: str, seconds: float, cpu_s: float | None = None
) -> None:
    """Shown in the "e2e timings" section of the test report."""
    cpu = "" if cpu_s is None else f" (CPU of the process tree: {cpu_s:.1f} s)"
    config.stash.setdefault(TIMINGS, {})[name] = f"{seconds:.1f} s{cpu}"


def wait_with_cpu(proc: subprocess.Popen[bytes], timeout_s: float) -> tuple[int, float]:
    """Wait for `proc` (raising TimeoutExpired after `timeout_s`); return its exit code and the
    CPU seconds used by it and every descendant it reaped (site server, driver, Chromium)."""
    deadline = time.monotonic() + timeout_s
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout_s)
        time.sleep(0.25)  # polling interval; the deadline decides


def exception_lines(output: str) -> str:
    """The `SomeError: message` lines of a traceback (what to show when one was printed)."""
    found = [line for line in output.splitlines() if re.match(r"^[\w.]+(Error|Exception)\b", line)]
    return "\n".join(found) or output[-1500:]


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str
    leftover: dict[int, str]


def run_cli(args: list[str], box: Sandbox, timeout_s: float = 120) -> CliResult:
    """Run the CLI to completion; report processes it left behind (and then kill them)."""
    try:
        proc = subprocess.run(
            args, cwd=REPO, env=box.env, capture_output=True, text=True, timeout=timeout_s
        )
    finally:
        leftover = wait_for_no_marked(box.mark)
        kill_marked(box.mark)
    return CliResult(proc.returncode, proc.stdout, proc.stderr, leftover)

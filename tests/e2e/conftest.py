"""End-to-end fixtures: ONE real `skillwright explore shop --policy heuristic` per test session,
through the CLI in a subprocess, shared by the tests that inspect its results.

The exploration is the slow part (minutes), so it starts in the background as soon as the
first e2e test runs, and the e2e tests that do not need it (bad input, interrupts) are ordered
first to run meanwhile; the first test that needs it waits for it.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from e2e_support import (
    EXPLORE_TIMEOUT_S,
    REPO,
    TIMING_PREFIX,
    TIMINGS,
    Explored,
    Sandbox,
    explore_cmd,
    record_timing,
    sandbox,
    wait_for_no_marked,
    wait_with_cpu,
)

HERE = Path(__file__).parent


def _needs_exploration(item: pytest.Item) -> bool:
    return "explored" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Among the e2e tests (others keep their places), run those not needing the shared
    exploration first, so they overlap with it. Under pytest-xdist they all go to one worker
    (`--dist loadgroup`), which then runs the one shared exploration."""
    slots = [i for i, item in enumerate(items) if HERE in Path(str(item.path)).parents]
    for i in slots:
        items[i].add_marker(pytest.mark.xdist_group("e2e"))
    ordered = sorted((items[i] for i in slots), key=_needs_exploration)
    for slot, item in zip(slots, ordered, strict=True):
        items[slot] = item


@dataclass
class Launched:
    proc: subprocess.Popen[bytes]
    box: Sandbox
    library: Path
    run_dir: Path
    stdout: Path
    stderr: Path
    began: float


@pytest.fixture(scope="session")
def e2e_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pristine site databases for every process of the e2e session ($SKILLWRIGHT_CACHE)."""
    return tmp_path_factory.mktemp("e2e-cache")


@pytest.fixture
def box(e2e_cache: Path) -> Iterator[Sandbox]:
    """A sandbox (environment, short TMPDIR, process marker) for one test's subprocesses."""
    made = sandbox(e2e_cache)
    try:
        yield made
    finally:
        made.cleanup()


@pytest.fixture(scope="session", autouse=True)
def background_exploration(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, e2e_cache: Path
) -> Iterator[Launched | None]:
    """Start the one exploration (if any selected test needs it) when the e2e tests begin."""
    if not any(_needs_exploration(item) for item in request.session.items):
        yield None
        return
    root = tmp_path_factory.mktemp("explore")
    box = sandbox(e2e_cache, columns=200)
    stdout, stderr = root / "stdout.txt", root / "stderr.txt"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        launched = Launched(
            proc=subprocess.Popen(
                explore_cmd(root / "library", root / "run"),
                cwd=REPO,
                env=box.env,
                stdout=out,
                stderr=err,
                start_new_session=True,
            ),
            box=box,
            library=root / "library",
            run_dir=root / "run",
            stdout=stdout,
            stderr=stderr,
            began=time.perf_counter(),
        )
    try:
        yield launched
    finally:
        if launched.proc.poll() is None:
            launched.proc.kill()
            launched.proc.wait()
        box.cleanup()


@pytest.fixture(scope="session")
def explored(background_exploration: Launched | None, pytestconfig: pytest.Config) -> Explored:
    """The finished exploration: exit code, output, library and run folder."""
    launched = background_exploration
    assert launched is not None
    remaining = EXPLORE_TIMEOUT_S - (time.perf_counter() - launched.began)
    try:
        code, cpu_s = wait_with_cpu(launched.proc, max(remaining, 1))
    except subprocess.TimeoutExpired:
        pytest.fail(f"`skillwright explore shop` did not finish in {EXPLORE_TIMEOUT_S} s")
    seconds = time.perf_counter() - launched.began
    record_timing(pytestconfig, "explore shop (CLI subprocess, in the background)", seconds, cpu_s)
    leftover = wait_for_no_marked(launched.box.mark)
    return Explored(
        library=launched.library,
        run_dir=launched.run_dir,
        returncode=code,
        stdout=launched.stdout.read_text(),
        stderr=launched.stderr.read_text(),
        seconds=seconds,
        leftover=leftover,
        tmpdir=launched.box.tmpdir,
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Timings recorded so far ride on the test's report (tests/conftest.py shows them)."""
    report = yield
    pending = item.config.stash.get(TIMINGS, {})
    report.user_properties.extend((TIMING_PREFIX + k, v) for k, v in pending.items())
    pending.clear()
    return report

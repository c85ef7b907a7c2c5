"""Start a bundled site on a free loopback port, reset it, stop it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from sites.definition import SiteDefinition
from sites.errors import SiteError
from sites.pristine import copy_db, pristine_db
from sites.registry import get_site

START_TIMEOUT_S = 30.0


class RunningSite:
    """A bundled site served by its own process, with its own copy of the database."""

    def __init__(
        self,
        definition: SiteDefinition,
        theme: str,
        process: asyncio.subprocess.Process,
        port: int,
        workdir: Path,
        db_path: Path | None,
        pristine_path: Path | None,
    ) -> None:
        self.definition = definition
        self.theme = theme
        self.process = process
        self.port = port
        self.workdir = workdir
        self.db_path = db_path
        self.pristine_path = pristine_path
        self.started_s = 0.0

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def accounts(self) -> dict[str, str]:
        return dict(self.definition.accounts)

    def _exit_reason(self) -> str | None:
        """Why the server process has ended, or None while it runs (checked without reaping)."""
        code = self.process.returncode
        if code is None:
            try:
                info = os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:  # already reaped by asyncio's child watcher
                return "exited"
            except (AttributeError, OSError):  # no waitid on this platform
                return None
            if info is None:
                return None
            killed = info.si_code in (os.CLD_KILLED, os.CLD_DUMPED)
            code = -info.si_status if killed else info.si_status
        return f"killed by signal {-code}" if code < 0 else f"exited with status {code}"

    def ensure_running(self) -> None:
        """Raise SiteError if this site's server process has ended (crashed, killed, stopped)."""
        reason = self._exit_reason()
        if reason is not None:
            raise SiteError(f"site {self.name!r} at {self.base_url} is down (its server {reason})")

    async def reset(self) -> None:
        """Restore the pristine seeded state (copies the pristine DB file; no re-seeding)."""
        self.ensure_running()
        if self.db_path is None or self.pristine_path is None:
            return
        await asyncio.to_thread(copy_db, self.pristine_path, self.db_path)

    async def save_state(self, dest: Path) -> None:
        """Copy the current database to `dest` (a checkpoint to `restore` later)."""
        self.ensure_running()
        if self.db_path is not None:
            await asyncio.to_thread(copy_db, self.db_path, dest)

    async def restore(self, source: Path) -> None:
        """Put the database back to a checkpoint taken with `save_state`."""
        self.ensure_running()
        if self.db_path is not None:
            await asyncio.to_thread(copy_db, source, self.db_path)

    def tasks(self) -> list:
        """The site's task suite (see `sites.tasks`)."""
        from sites.tasks import load_tasks

        return load_tasks(self.name)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


async def start_site(name: str, *, theme: str = "v1", port: int = 0) -> RunningSite:
    """Start bundled site `name`; raises SiteError with a one-line reason on failure."""
    definition = get_site(name)
    if theme not in definition.themes:
        raise SiteError(
            f"site {name!r} has no theme {theme!r}; themes: {', '.join(definition.themes)}"
        )
    began = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix=f"skillwright-{name}-"))
    process: asyncio.subprocess.Process | None = None
    try:
        db_path: Path | None = None
        pristine: Path | None = None
        if definition.has_database:
            pristine = await asyncio.to_thread(pristine_db, definition)
            db_path = workdir / f"{name}.db"
            await asyncio.to_thread(copy_db, pristine, db_path)
        else:
            db_path = workdir / "none.db"
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "sites.runner",
            name,
            "--db",
            str(db_path),
            "--theme",
            theme,
            "--port",
            str(port),
            "--watch-parent",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT_S)
        except TimeoutError:
            process.kill()
            raise SiteError(f"site {name!r} did not start within {START_TIMEOUT_S:.0f} s") from None
        text = line.decode().strip()
        if not text.startswith("READY "):
            err = b""
            if process.stderr is not None:
                with contextlib.suppress(TimeoutError):
                    err = await asyncio.wait_for(process.stderr.read(), 5)
            await process.wait()
            shutil.rmtree(workdir, ignore_errors=True)
            last = (err.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
            raise SiteError(f"site {name!r} failed to start: {last}")
    except BaseException:  # failed, or interrupted (Ctrl-C) while starting: leave nothing behind
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(process.wait(), 5)
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    site = RunningSite(
        definition,
        theme,
        process,
        int(text.split()[1]),
        workdir,
        db_path if definition.has_database else None,
        pristine,
    )
    site.started_s = time.perf_counter() - began
    return site


@contextlib.asynccontextmanager
async def serve(name: str, *, theme: str = "v1", port: int = 0) -> AsyncIterator[RunningSite]:
    """`async with serve("shop") as site:` — a running, pristine site; stopped on exit."""
    site = await start_site(name, theme=theme, port=port)
    try:
        yield site
    finally:
        await site.stop()


async def wait_reachable(url: str, timeout_s: float = 5.0) -> None:
    """Raise SiteError unless `url` answers an HTTP request within `timeout_s`."""
    try:
        async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=True) as client:
            await client.get(url)
    except httpx.HTTPError as exc:
        raise SiteError(f"cannot reach {url}: {type(exc).__name__}") from None

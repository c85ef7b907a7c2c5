"""Shared plumbing of the real-app bench: a cache folder, a venv per app, free ports, waiting
for a server, and a generic read of an app's SQLite database (for the checkers)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def cache_root() -> Path:
    """Where apps are installed: $SKILLWRIGHT_REALAPPS, else ~/.cache/skillwright-realapps."""
    root = os.environ.get("SKILLWRIGHT_REALAPPS")
    path = Path(root) if root else Path.home() / ".cache" / "skillwright-realapps"
    path.mkdir(parents=True, exist_ok=True)
    return path


def venv(home: Path, packages: list[str]) -> Path:
    """A venv under `home` with `packages` installed (once); returns its python."""
    python = home / "venv" / "bin" / "python"
    marker = home / "venv" / f".installed-{'-'.join(sorted(packages))}"
    if marker.exists():
        return python
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    marker.touch()
    return python


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except Exception as exc:  # not up yet
            last = exc
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout_s:.0f}s: {last}")


FILES_TABLE = "(files)"  # db_cells' rows for the files an app keeps beside its database


def db_cells(db: Path, files: Path | None = None) -> dict[str, set[tuple[object, ...]]]:
    """Every row of every table of a SQLite database (a checker compares before and after);
    with `files`, the folder where the app keeps texts outside it (Roundup's messages), one
    more table FILES_TABLE of (path, text) rows."""
    out: dict[str, set[tuple[object, ...]]] = {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            out[table] = set(con.execute(f'select * from "{table}"').fetchall())
    finally:
        con.close()
    if files is not None and files.is_dir():
        out[FILES_TABLE] = {
            (str(f.relative_to(files)), f.read_text(errors="replace"))
            for f in files.rglob("*")
            if f.is_file()
        }
    return out


class Served:
    """A running app: its base URL, where to start exploring, an account, and its database."""

    def __init__(
        self,
        *,
        name: str,
        base_url: str,
        start_path: str,
        username: str,
        password: str,
        db: Path,
        process: subprocess.Popen[bytes],
        log: Path,
        files: Path | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.start_path = start_path
        self.username = username
        self.password = password
        self.db = db
        self.files = files  # texts the app keeps outside its database (see db_cells)
        self.process = process
        self.log = log

    @property
    def url(self) -> str:
        return self.base_url + self.start_path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def spawn(cmd: list[str], log: Path, *, cwd: Path, env: dict[str, str] | None = None):
    """Start a server process with its output in `log`."""
    handle = log.open("wb")
    return subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=handle,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )

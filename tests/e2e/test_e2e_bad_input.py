"""Walking skeleton, part 5: bad input gives a one-line error, a non-zero exit, no traceback."""

from __future__ import annotations

import contextlib
import http.server
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from e2e_support import CliResult, Sandbox, cli, exception_lines, explore_cmd, run_cli

from skills_store import SkillLibrary

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


# --------------------------------------------------------------------------- more bad input
# Each case: CLI arguments (after `skillwright`), what the one-line error must mention.


class _Answers(http.server.BaseHTTPRequestHandler):
    """A loopback server answering what an explorer cannot use (and one bare HTML page)."""

    PAGES: ClassVar[dict[str, tuple[int, str, bytes]]] = {
        "/error": (500, "text/html", b"<h1>Internal Server Error</h1>"),
        "/missing": (404, "text/html", b"<h1>Not Found</h1>"),
        "/api": (200, "application/json", b'{"items": []}'),
        "/blob": (200, "application/octet-stream", bytes(range(256)) * 8),
        "/": (200, "text/html", b"<!doctype html><title>Bare</title><p>Nothing here.</p>"),
    }

    def do_GET(self) -> None:
        status, kind, body = self.PAGES.get(self.path, self.PAGES["/missing"])
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def answers() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def _one_line_error(result: CliResult, mentions: str) -> str:
    output = result.stderr + result.stdout
    assert result.returncode != 0, f"exit 0:\n{output[-2000:]}"
    assert "Traceback" not in output, f"a traceback:\n{exception_lines(output)}"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected a one-line error, got:\n{result.stderr}"
    assert lines[0].startswith("error: "), lines[0]
    assert mentions.lower() in " ".join(lines[0].split()).lower(), lines[0]
    assert not result.leftover, f"processes left running: {result.leftover}"
    return lines[0]


URL_CASES = {
    "server error": ("/error", "HTTP 500"),
    "not found": ("/missing", "HTTP 404"),
    "JSON": ("/api", "not an HTML page (application/json)"),
    "binary": ("/blob", "not an HTML page (application/octet-stream)"),
}


@pytest.mark.parametrize("case", list(URL_CASES))
def test_unexplorable_url_is_one_line_error(
    case: str, answers: str, tmp_path: Path, box: Sandbox
) -> None:
    path, mentions = URL_CASES[case]
    args = explore_cmd(tmp_path / "library", tmp_path / "run")
    args[args.index("shop")] = answers + path
    _one_line_error(run_cli(args, box, timeout_s=60), mentions)


ARG_CASES = {
    "malformed IPv6 URL": (["http://[::1"], "not a valid URL"),
    "negative --max-pages": (["shop", "--max-pages", "-5"], "--max-pages must be positive"),
    "zero --iterations": (["shop", "--iterations", "0"], "--iterations must be positive"),
    "unknown option": (["shop", "--no-such-option"], "no such option"),
}


@pytest.mark.parametrize("case", list(ARG_CASES))
def test_bad_explore_arguments_are_one_line_errors(case: str, tmp_path: Path, box: Sandbox) -> None:
    (target, *extra), mentions = ARG_CASES[case]
    args = explore_cmd(tmp_path / "library", tmp_path / "run", *extra)
    args[args.index("shop")] = target
    _one_line_error(run_cli(args, box, timeout_s=60), mentions)


def test_out_naming_an_existing_file(tmp_path: Path, box: Sandbox) -> None:
    plain = tmp_path / "plain-file"
    plain.write_text("keep me\n")
    result = run_cli(explore_cmd(tmp_path / "library", plain), box, timeout_s=60)
    _one_line_error(result, "is an existing file")
    assert plain.read_text() == "keep me\n"


@pytest.mark.parametrize("command", [["explore", "shop"], ["sites", "serve", "shop"]])
def test_os_error_while_starting_a_site_server(
    command: list[str], tmp_path: Path, box: Sandbox
) -> None:
    """The site's working copy cannot be created: its cache folder lies under a regular file."""
    (tmp_path / "plain-file").write_text("")
    box.env["SKILLWRIGHT_CACHE"] = str(tmp_path / "plain-file" / "cache")
    args = cli(*command, "--library", str(tmp_path / "library"))
    if command[0] == "sites":
        args = cli(*command)
    _one_line_error(run_cli(args, box, timeout_s=60), "Not a directory")
    assert not list(box.tmpdir.glob("skillwright-*")), "a site workdir was not removed"


def _damaged_library(path: Path) -> Path:
    library = SkillLibrary(path)
    for i in range(30):
        library.add(
            f'async def find_item_{i}(page: Page, q: str) -> None:\n    """Find {i}."""\n'
            f'    await page.goto(f"/search?q={{q}}&n={i}")\n',
            "shop",
            status="verified",
        )
    index = path / "index.db"
    with contextlib.closing(sqlite3.connect(index)) as db:  # everything into the main file
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(index.read_bytes())
    assert len(data) > 8192, "nothing to damage"
    data[4096:] = b"\xff" * (len(data) - 4096)  # header page kept; no valid b-tree page left
    index.write_bytes(bytes(data))
    for extra in ("index.db-wal", "index.db-shm"):
        (path / extra).unlink(missing_ok=True)
    return path


@pytest.mark.parametrize("command", [["skills", "list"], ["skills", "search", "mug"]])
def test_damaged_index_is_one_line_error(command: list[str], tmp_path: Path, box: Sandbox) -> None:
    library = _damaged_library(tmp_path / "library")
    result = run_cli(cli(*command, "--library", str(library)), box, timeout_s=60)
    _one_line_error(result, "damaged")


def test_explore_that_verifies_nothing_says_why(answers: str, tmp_path: Path, box: Sandbox) -> None:
    """A bare HTML page: nothing to practise on; the run says so and exits non-zero."""
    args = explore_cmd(tmp_path / "library", tmp_path / "run", "--max-pages", "2")
    args[args.index("shop")] = answers + "/"
    line = _one_line_error(run_cli(args, box, timeout_s=120), "no skill verified")
    assert "crawled" in line or "attempts failed" in line, line


@pytest.mark.parametrize("fmt", ["python", "openai", "agent-skills"])
def test_export_where_no_folder_can_be_made(fmt: str, tmp_path: Path, box: Sandbox) -> None:
    library = SkillLibrary(tmp_path / "library")
    library.add(
        'async def find_item(page: Page, q: str) -> None:\n    """Find."""\n'
        '    await page.goto(f"/search?q={q}")\n',
        "shop",
        status="verified",
    )
    (tmp_path / "plain-file").write_text("")
    out = tmp_path / "plain-file" / "export" / "skills.out"
    args = cli("skills", "export", "shop", "--format", fmt, "--out", str(out))
    result = run_cli([*args, "--library", str(library.path)], box, timeout_s=60)
    _one_line_error(result, "plain-file")

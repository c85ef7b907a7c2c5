"""Subprocess entry point that serves one bundled site: `python -m sites.runner NAME --db PATH`.

It binds 127.0.0.1 (port 0 = a free one), prints `READY <port>` and serves until killed or until
its parent process goes away (so a crashed agent leaves no orphan servers).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn

from sites.registry import get_site


def _exit_when_orphaned(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(1.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sites.runner")
    parser.add_argument("site")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--theme", default="v1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--watch-parent", action="store_true")
    args = parser.parse_args(argv)

    site = get_site(args.site)
    app = site.create_app(args.db, args.theme)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(128)
    port = sock.getsockname()[1]
    if args.watch_parent:
        threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    print(f"READY {port}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())

"""Roundup (PyPI `roundup`): an issue tracker, classic template, SQLite, served under /demo/
by a small WSGI host (roundup's own server refuses to run as root)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.realapps.common import Served, cache_root, free_port, spawn, venv, wait_http

NAME = "roundup"
USER, PASSWORD = "admin", "admin-pass-1"

SEED = """
import sys
from roundup import instance
home, password = sys.argv[1], sys.argv[2]
tr = instance.open(home)
db = tr.open("admin")
db.user.set(db.user.lookup("admin"), password=password)
users = [db.user.create(username=n, realname=r, address=f"{n}@example.org", roles="User")
         for n, r in (("ada", "Ada Lovelace"), ("alan", "Alan Turing"), ("grace", "Grace Hopper"))]
for title, pr in (("Login page crashes on empty password", "critical"),
                  ("Search ignores accented letters", "bug"),
                  ("Export tickets as CSV", "feature"),
                  ("Dark theme for the tracker", "wish"),
                  ("Attachments larger than 1 MB fail", "urgent"),
                  ("Typo on the help page", "bug")):
    msg = db.msg.create(content=f"Report: {title}.", author=users[0])
    db.issue.create(title=title, priority=db.priority.lookup(pr), messages=[msg],
                    assignedto=users[len(title) % 3])
db.commit()
db.close()
"""

HOST = """
import sys
from wsgiref.simple_server import WSGIServer, make_server
from socketserver import ThreadingMixIn
from roundup.cgi.wsgi_handler import RequestDispatcher
home, port = sys.argv[1], int(sys.argv[2])
dispatch = RequestDispatcher(home)
def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if not path.startswith("/demo"):
        start_response("302 Found", [("Location", "/demo/")])
        return [b""]
    environ["SCRIPT_NAME"], environ["PATH_INFO"] = "/demo", path[len("/demo"):]
    return dispatch(environ, start_response)
class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
make_server("127.0.0.1", port, app, server_class=Server).serve_forever()
"""


def start(port: int | None = None) -> Served:
    home = cache_root() / NAME
    python = venv(home, ["roundup"])
    port = port or free_port()
    tracker = home / "tracker"
    shutil.rmtree(tracker, ignore_errors=True)
    admin = str(python.parent / "roundup-admin")
    subprocess.run(
        [admin, "-i", str(tracker), "install", "classic", "sqlite"],
        check=True,
        capture_output=True,
    )
    web = f"http://127.0.0.1:{port}/demo/"
    config = tracker / "config.ini"
    text = config.read_text()
    text = re.sub(r"(?m)^#?web = .*$", f"web = {web}", text, count=1)
    text = re.sub(r"(?m)^#?domain = .*$", "domain = example.org", text, count=1)
    config.write_text(text)
    (tracker / "detectors" / "nosyreaction.py").unlink()  # no e-mail: nothing leaves loopback
    subprocess.run(
        [admin, "-i", str(tracker), "initialise", PASSWORD],
        check=True,
        capture_output=True,
        input=b"y\n",
    )
    subprocess.run([str(python), "-c", SEED, str(tracker), PASSWORD], check=True)
    log = home / "server.log"
    proc = spawn([str(python), "-c", HOST, str(tracker), str(port)], log, cwd=home)
    wait_http(web)
    return Served(
        name=NAME,
        base_url=f"http://127.0.0.1:{port}",
        start_path="/demo/",
        username=USER,
        password=PASSWORD,
        db=tracker / "db" / "db",
        files=tracker / "db" / "files",  # messages' texts are files, not rows
        process=proc,
        log=log,
    )


if __name__ == "__main__":
    served = start(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(served.url, "user", served.username, "password", served.password, flush=True)
    try:
        served.process.wait()
    except KeyboardInterrupt:
        served.stop()

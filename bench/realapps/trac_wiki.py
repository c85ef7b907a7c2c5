"""Trac (PyPI `Trac` + `TracAccountManager`): a wiki and ticket tracker on SQLite, with a login
form (the AccountManager plugin), served by tracd under /demo/."""

from __future__ import annotations

import base64
import configparser
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.realapps.common import Served, cache_root, free_port, spawn, venv, wait_http

NAME = "trac"
USER, PASSWORD = "admin", "admin-pass-1"

CONFIG = """
[components]
acct_mgr.admin.* = enabled
acct_mgr.api.accountmanager = enabled
acct_mgr.htfile.htpasswdstore = enabled
acct_mgr.web_ui.loginmodule = enabled
acct_mgr.web_ui.resetpwstore = disabled
acct_mgr.register.* = disabled
trac.web.auth.loginmodule = disabled

[account-manager]
password_store = HtPasswdStore
htpasswd_file = {htpasswd}
htpasswd_hash_type = sha
login_attempt_max_count = 0
auth_init = false
persistent_sessions = true

[notification]
smtp_enabled = false
"""

SEED = """
import sys
from trac.env import Environment
from trac.ticket.model import Ticket
from trac.wiki.model import WikiPage
env = Environment(sys.argv[1])
for summary, kind, prio in (("Login page crashes on empty password", "defect", "critical"),
                            ("Search ignores accented letters", "defect", "major"),
                            ("Export tickets as CSV", "enhancement", "minor"),
                            ("Dark theme for the wiki", "enhancement", "trivial"),
                            ("Attachments larger than 1 MB fail", "defect", "blocker"),
                            ("Typo on the help page", "task", "minor")):
    t = Ticket(env)
    t["summary"], t["type"], t["priority"] = summary, kind, prio
    t["reporter"], t["description"] = "ada", f"Report: {summary}."
    t["status"] = "new"
    t.insert()
for name, text in (("GardenPlanning", "Planning the community garden beds."),
                   ("ReleaseChecklist", "Steps before every release."),
                   ("MeetingNotes", "Notes of the weekly meeting."),
                   ("StyleGuide", "How we write documentation.")):
    page = WikiPage(env, name)
    page.text = f"= {name} =\\n{text}\\n"
    page.save("ada", "seeded")
"""


def start(port: int | None = None) -> Served:
    home = cache_root() / NAME
    python = venv(home, ["Trac", "TracAccountManager"])
    port = port or free_port()
    env = home / "demo"
    shutil.rmtree(env, ignore_errors=True)
    admin = str(python.parent / "trac-admin")
    subprocess.run(
        [admin, str(env), "initenv", "Skillwright Demo", "sqlite:db/trac.db"],
        check=True,
        capture_output=True,
    )
    htpasswd = home / "htpasswd"
    digest = base64.b64encode(hashlib.sha1(PASSWORD.encode()).digest()).decode()
    htpasswd.write_text(f"{USER}:{{SHA}}{digest}\n")
    ini = configparser.RawConfigParser()
    ini.read(env / "conf" / "trac.ini")
    ini.read_string(CONFIG.format(htpasswd=htpasswd))
    with (env / "conf" / "trac.ini").open("w") as out:
        ini.write(out)
    subprocess.run([admin, str(env), "permission", "add", USER, "TRAC_ADMIN"], check=True)
    subprocess.run([str(python), "-c", SEED, str(env)], check=True)
    log = home / "server.log"
    tracd = str(python.parent / "tracd")
    proc = spawn([tracd, "--hostname", "127.0.0.1", "--port", str(port), str(env)], log, cwd=home)
    base = f"http://127.0.0.1:{port}"
    wait_http(base + "/demo/")
    return Served(
        name=NAME,
        base_url=base,
        start_path="/demo/",
        username=USER,
        password=PASSWORD,
        db=env / "db" / "trac.db",
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

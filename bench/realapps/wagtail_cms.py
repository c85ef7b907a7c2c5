"""Wagtail (PyPI `wagtail`): a Django CMS with its admin, on SQLite; a site made by
`wagtail start`, seeded with pages, served by Django's runserver on loopback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.realapps.common import Served, cache_root, free_port, spawn, venv, wait_http

NAME = "wagtail"
USER, PASSWORD = "admin", "admin-pass-1"

SEED = """
from django.contrib.auth.models import User
from wagtail.models import Collection, Page
from home.models import HomePage
User.objects.create_superuser("admin", "admin@example.org", "{password}")
for name in ("Ada Lovelace", "Alan Turing", "Grace Hopper"):
    first, last = name.split()
    User.objects.create_user(first.lower(), f"{{first.lower()}}@example.org", "x-pass-1",
                             first_name=first, last_name=last)
home = HomePage.objects.first()
# titles share words, as a real site's do (a search is proven on a query listing >= 2 pages)
for title in ("Garden planning", "Garden tools", "Release checklist", "Release notes",
              "Meeting notes", "Opening hours"):
    home.add_child(instance=Page(title=title, slug=title.lower().replace(" ", "-")))
root = Collection.get_first_root_node()
for name in ("Photos", "Posters", "Reports"):
    root.add_child(name=name)
"""


def start(port: int | None = None) -> Served:
    home = cache_root() / NAME
    python = venv(home, ["wagtail"])
    port = port or free_port()
    site = home / "site"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    wagtail = str(python.parent / "wagtail")
    subprocess.run([wagtail, "start", "mysite", str(site)], check=True, capture_output=True)
    manage = [str(python), "manage.py"]
    env = {"DJANGO_SETTINGS_MODULE": "mysite.settings.dev"}
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=site, check=True, env=_env(env))
    seed = SEED.format(password=PASSWORD)
    subprocess.run([*manage, "shell", "-c", seed], cwd=site, check=True, env=_env(env))
    log = home / "server.log"
    cmd = [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"]
    proc = spawn(cmd, log, cwd=site, env=env)
    base = f"http://127.0.0.1:{port}"
    wait_http(base + "/admin/login/")
    return Served(
        name=NAME,
        base_url=base,
        start_path="/admin/",
        username=USER,
        password=PASSWORD,
        db=site / "db.sqlite3",
        process=proc,
        log=log,
    )


def _env(extra: dict[str, str]) -> dict[str, str]:
    import os

    return {**os.environ, **extra}


if __name__ == "__main__":
    served = start(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(served.url, "user", served.username, "password", served.password, flush=True)
    try:
        served.process.wait()
    except KeyboardInterrupt:
        served.stop()

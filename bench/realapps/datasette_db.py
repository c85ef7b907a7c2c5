"""Datasette (PyPI `datasette`): publishes a SQLite database as a browsable, searchable site;
seeded with a small library catalogue (full-text search on titles), served read-only under
/library (no accounts: the app has no login form)."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.realapps.common import Served, cache_root, free_port, spawn, venv, wait_http

NAME = "datasette"

BOOKS = [
    ("Garden Planning Basics", "Ada Lovelace", 2019, "Gardening"),
    ("Garden Tools Handbook", "Alan Turing", 2020, "Gardening"),
    ("Planning Small Kitchens", "Grace Hopper", 2018, "Home"),
    ("Kitchen Garden Recipes", "Ada Lovelace", 2021, "Cooking"),
    ("Bread and Pastry", "Grace Hopper", 2017, "Cooking"),
    ("Birds of the Garden", "Alan Turing", 2016, "Nature"),
    ("River Walks", "Ada Lovelace", 2015, "Nature"),
]


def _seed(db: Path) -> None:
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.executescript(
        """create table authors (id integer primary key, name text);
        create table books (id integer primary key, title text, author_id integer
            references authors(id), year integer, shelf text);
        create virtual table books_fts using fts5(title, content='books', content_rowid='id');"""
    )
    authors = sorted({b[1] for b in BOOKS})
    con.executemany("insert into authors (name) values (?)", [(a,) for a in authors])
    for title, author, year, shelf in BOOKS:
        con.execute(
            "insert into books (title, author_id, year, shelf) values (?, ?, ?, ?)",
            (title, authors.index(author) + 1, year, shelf),
        )
    con.execute("insert into books_fts (rowid, title) select id, title from books")
    con.commit()
    con.close()


def start(port: int | None = None) -> Served:
    home = cache_root() / NAME
    python = venv(home, ["datasette"])
    port = port or free_port()
    db = home / "library.db"
    _seed(db)
    log = home / "server.log"
    cmd = [str(python.parent / "datasette"), "serve", str(db), "-h", "127.0.0.1", "-p", str(port)]
    cmd += ["--setting", "sql_time_limit_ms", "3000"]
    metadata = home / "metadata.json"  # full-text search on book titles
    tables = {"books": {"fts_table": "books_fts", "fts_pk": "id", "label_column": "title"}}
    tables["authors"] = {"label_column": "name"}
    metadata.write_text(json.dumps({"databases": {"library": {"tables": tables}}}))
    cmd += ["--metadata", str(metadata)]
    proc = spawn(cmd, log, cwd=home)
    base = f"http://127.0.0.1:{port}"
    wait_http(base + "/library")
    return Served(
        name=NAME,
        base_url=base,
        start_path="/library",
        username="",
        password="",
        db=db,
        process=proc,
        log=log,
    )


if __name__ == "__main__":
    served = start(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(served.url, flush=True)
    try:
        served.process.wait()
    except KeyboardInterrupt:
        served.stop()

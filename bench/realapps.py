"""Explore real open-source web apps (installed from PyPI into their own venvs, served on
loopback) with the heuristic policy, and check every verified skill against the app itself.

    python bench/realapps.py                 # every app in bench/realapps/
    python bench/realapps.py roundup trac    # some of them
    REALAPPS_POLICY=llm REALAPPS_LLM=SPEC python bench/realapps.py roundup   # a model explores

Per app: verified skills, rejections by cause, the checker's result, wall time. The checker
runs each verified skill once more (its first passing test input, after its setup calls) in a
fresh browser context and confirms its effect on the app's own SQLite database (and the
texts it keeps in files beside it: Roundup's messages) or pages:
* a skill that returns names: ≥ 1 name, each stored in the app's database;
* a login: the page afterwards shows the user's name;
* an "open" skill: the page's heading or title shows the name, and the name is stored;
  (a name as the site shows it may be decorated: a leading id token such as "{1}" or "#12:",
  text cut at a trailing "..."/"…", a "name: detail" title, a trailing "(status)"; then every
  undecorated part must be stored in one row)
* any other skill: rows were added or changed in the database, carrying every text value passed
  (free texts with a space are passed with " (re-check)" added: the app keeps what verification
  made, and may keep names unique)
  (a chosen option may be stored as a link: a column named after a table holds the id of that
  table's row with the option's name).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.browser import BrowserSession
from agent.browser.facts import page_facts
from agent.workbench import SECRET_PREFIX, WRONG_SUFFIX
from bench.realapps.common import Served, db_cells
from skills_store import SkillLibrary

APPS = {
    "roundup": "bench.realapps.roundup_tracker",
    "trac": "bench.realapps.trac_wiki",
    "wagtail": "bench.realapps.wagtail_cms",
    "datasette": "bench.realapps.datasette_db",
}
ROOT = Path(__file__).resolve().parents[1]


def cause(stage: str, reason: str) -> str:
    """A short cause for a rejection (for the table)."""
    rules = [
        (r"not found on|no link named", "form or link not found"),
        (r"no read-back page", "effect not read back"),
        (r"fewer than \d+ distinct|never varied", "too few test inputs"),
        (r"site reported|RuntimeError", "site reported an error"),
        (r"Timeout", "timeout"),
        (r"no semantic locator", "results not located"),
        (r"did not raise|must refuse", "a refused input was accepted"),
        (r"returned \d+ items, the site lists", "results differ from the listing"),
        (r"does not show|shows .*: False|matches .*: False", "page does not show the effect"),
    ]
    for pattern, name in rules:
        if re.search(pattern, reason):
            return f"{stage}: {name}"
    return f"{stage}: other"


def _resolve(inputs: dict[str, Any], served: Served) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for k, v in inputs.items():
        if v == "[secret]":
            return None
        if isinstance(v, str) and v.startswith(SECRET_PREFIX):
            wrong = v.endswith(WRONG_SUFFIX)
            out[k] = served.password + ("-wrong" if wrong else "")
        else:
            out[k] = v
    return out


def _links_to(
    db: Path,
    changed: dict[str, set[tuple[object, ...]]],
    after: dict[str, set[tuple[object, ...]]],
    label: str,
) -> bool:
    """A chosen option stored as a link: a changed row's column named after a table (`_priority`
    or `priority_id` for table `_priority`) holds the id of that table's row named `label`."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        cols = {t: [r[1] for r in con.execute(f'pragma table_info("{t}")')] for t in after}
    finally:
        con.close()
    ids: dict[str, set[str]] = {}  # table -> ids of its rows named label
    for table, rows in after.items():
        at = cols[table].index("id") if "id" in cols.get(table, []) else 0
        for row in rows:
            if any(str(c).casefold() == label.casefold() for i, c in enumerate(row) if i != at):
                ids.setdefault(table.strip("_").casefold(), set()).add(str(row[at]))
    for table, rows in changed.items():
        names = cols.get(table, [])
        for row in rows:
            for name, cell in zip(names, row, strict=False):
                key = re.sub(r"_id$", "", name.strip("_").casefold())
                if str(cell) in ids.get(key, set()) | ids.get(key + "s", set()):
                    return True
    return False


def _cells_text(rows: set[tuple[object, ...]]) -> str:
    return "\n".join(str(c) for r in rows for c in r if c is not None).casefold()


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _kept(value: str, rows: set[tuple[object, ...]]) -> bool:
    """A passed text is kept in one of the rows' cells, whitespace aside: a textarea with
    wrap="hard" submits line breaks where the browser wrapped it, after a space or a hyphen
    (Roundup's change note: "(re-" and "check)" on two lines)."""
    want = _squash(value)
    return any(want in _squash(str(c)) for r in rows for c in r if c is not None)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


ID_TOKEN = re.compile(r"^\s*(?:\{\d+\}|#\d+|\[\d+\])(?::\s*|\s+)")
ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*$")


def _shown_parts(name: str) -> list[str]:
    """What a site shows for an item, undecorated: a leading id token ("{1} ", "#12: ") is the
    site's numbering, not stored with the name; a trailing ellipsis ("..." / "…") marks text
    the site cut (the word before it may be cut too, so it is dropped); a "name: detail" title
    joins several stored texts, and a trailing "(status)" is one more."""
    text = ID_TOKEN.sub("", name.strip())
    cut = ELLIPSIS.search(text)
    if cut:
        text = text[: cut.start()].rsplit(None, 1)[0] if " " in text[: cut.start()] else ""
    status = re.search(r"\s\(([^()]+)\)$", text)
    parts = [text[: status.start()], status.group(1)] if status else [text]
    return [_norm(p) for piece in parts for p in piece.split(": ") if p.strip()]


def _stored(name: str, rows: set[tuple[object, ...]]) -> bool:
    """`name` (as the site shows it) is stored: verbatim anywhere, or every undecorated part of
    it (see `_shown_parts`) in one row's cells (whitespace aside)."""
    if name.casefold() in _cells_text(rows):
        return True
    parts = _shown_parts(name)
    if not parts:
        return False
    for row in rows:
        cells = [_norm(str(c)) for c in row if c is not None]
        if all(any(part in cell for cell in cells) for part in parts):
            return True
    return False


async def check_skill(
    browser: BrowserSession,
    module: Any,
    served: Served,
    attempt_dir: Path,
    skill: str,
) -> tuple[bool, str]:
    proposal = json.loads((attempt_dir / "proposal.json").read_text())
    report = json.loads((attempt_dir / "verification.json").read_text())
    run = next((r for r in report["runs"] if r["passed"] and not r["expect_failure"]), None)
    if run is None:
        return False, "no passing run recorded"
    inputs = _resolve(run["inputs"], served)
    if inputs is None:
        return True, "skipped: a generated secret is not kept"
    if proposal["kind"] == "procedural":
        # the app keeps what verification made: a free text made anew (a title whose slug the
        # app keeps unique would be refused a second time)
        roles = {p["name"]: p for p in proposal["params"]}
        inputs = {
            k: f"{v} (re-check)"
            if isinstance(v, str)
            and " " in v
            and roles.get(k, {}).get("role") == "value"
            and not roles.get(k, {}).get("choices")
            else v
            for k, v in inputs.items()
        }
    context = await browser.new_context(served.base_url)
    try:
        page = await context.new_page()
        for call in proposal.get("setup", []):
            args = _resolve(call["args"], served) or {}
            await getattr(module, call["skill"])(page, **args)
        before = db_cells(served.db, served.files)
        returned = await asyncio.wait_for(getattr(module, skill)(page, **inputs), 60)
        after = db_cells(served.db, served.files)
        facts = await page_facts(page)
    finally:
        await context.close()
    all_rows = {r for rows in after.values() for r in rows}
    params = {p["name"]: p for p in proposal["params"]}
    if isinstance(returned, list):
        missing = [n for n in returned if not _stored(str(n), all_rows)]
        ok = bool(returned) and not missing
        return ok, f"returned {len(returned)} names" + (
            f"; not stored: {missing[:3]}" if missing else ""
        )
    roles = {p["role"] for p in params.values()}
    if roles <= {"username", "secret"} and roles:
        user = next(v for k, v in inputs.items() if params[k]["role"] == "username")
        ok = str(user).casefold() in facts.text.casefold()
        return ok, f"the page after logging in shows {user!r}: {ok}"
    if proposal["kind"] == "navigational":
        name = str(next(iter(inputs.values())))
        shown = name.casefold() in f"{facts.h1}\n{facts.title}".casefold()
        kept = _stored(name, all_rows)
        ok = shown and kept
        return ok, f"heading/title shows {name!r}: {shown}; stored: {kept}"
    changed = {t: after[t] - before.get(t, set()) for t in after}
    changed_rows = {r for rows in changed.values() for r in rows}
    tables = sorted(t for t, rows in changed.items() if rows)
    values = [
        str(v)
        for k, v in inputs.items()
        if isinstance(v, str) and len(v) >= 3 and params.get(k, {}).get("role") == "value"
    ]
    choices = {str(v) for k, v in inputs.items() if params.get(k, {}).get("choice_values")}
    missing = [
        v
        for v in values
        if not _kept(v, changed_rows)
        and not (v in choices and _links_to(served.db, changed, after, v))
    ]
    ok = bool(tables) and not missing
    return ok, f"rows changed in {tables[:4]}" + (
        f"; values not stored: {missing}" if missing else ""
    )


async def check_all(
    served: Served, library: Path, run_dir: Path, site: str
) -> list[dict[str, Any]]:
    lib = SkillLibrary(library)
    module = lib.load(site)
    summary = json.loads((run_dir / "summary.json").read_text())
    out: list[dict[str, Any]] = []
    async with BrowserSession() as browser:
        for attempt in summary["attempts"]:
            if not attempt["verified"]:
                continue
            folder = run_dir / "attempts" / attempt["proposal_id"]
            try:
                ok, why = await check_skill(browser, module, served, folder, attempt["skill"])
            except Exception as exc:
                ok, why = False, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            out.append({"skill": attempt["skill"], "ok": ok, "why": why})
    return out


def run_app(name: str, out: Path) -> dict[str, Any]:
    app = importlib.import_module(APPS[name])
    began = time.monotonic()
    served: Served = app.start()
    try:
        library, run_dir = out / name / "library", out / name / "run"
        cmd = [
            str(ROOT / ".venv" / "bin" / "skillwright"),
            "explore",
            served.url,
            "--policy",
            os.environ.get("REALAPPS_POLICY", "heuristic"),
            "--library",
            str(library),
            "--out",
            str(run_dir),
            "--site",
            name,
        ]
        if served.username:
            cmd += ["--username", served.username]
        if os.environ.get("REALAPPS_LLM"):  # e.g. record:CASSETTE=openai:MODEL@URL
            cmd += ["--llm", os.environ["REALAPPS_LLM"]]
        env = {**os.environ, "SKILLWRIGHT_PASSWORD": served.password}
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        (out / name).mkdir(parents=True, exist_ok=True)
        (out / name / "explore.log").write_text(done.stdout + done.stderr)
        explore_s = time.monotonic() - began
        if not (run_dir / "summary.json").exists():
            tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["no output"]
            return {"app": name, "crashed": True, "why": tail[0], "wall_s": explore_s}
        summary = json.loads((run_dir / "summary.json").read_text())
        rejected: dict[str, int] = {}
        for a in summary["attempts"]:
            if not a["verified"]:
                key = cause(a["stage"], a["reason"])
                rejected[key] = rejected.get(key, 0) + 1
        verified = [a for a in summary["attempts"] if a["verified"]]
        checks = asyncio.run(check_all(served, library, run_dir, name)) if verified else []
        return {
            "app": name,
            # a clear stop (login failed, nothing to explore) exits non-zero without a traceback
            "crashed": "Traceback" in done.stdout + done.stderr,
            "exit": done.returncode,
            "why": (done.stdout + done.stderr).strip().splitlines()[-1] if done.returncode else "",
            "verified": [a["skill"] for a in summary["attempts"] if a["verified"]],
            "rejected": rejected,
            "checks": checks,
            "wall_s": time.monotonic() - began,
            "explore_s": explore_s,
        }
    finally:
        served.stop()


def main(argv: list[str]) -> int:
    names = argv or list(APPS)
    out = Path(os.environ.get("REALAPPS_OUT", "runs/realapps")).resolve()
    results = []
    for name in names:
        print(f"== {name}", flush=True)
        result = run_app(name, out)
        results.append(result)
        print(json.dumps(result, indent=1), flush=True)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    print("\n| app | verified | rejected by cause | checker | wall time |")
    print("|---|---|---|---|---|")
    for r in results:
        if "verified" not in r:
            print(f"| {r['app']} | crashed: {r['why']} | | | {r['wall_s']:.0f}s |")
            continue
        rej = ", ".join(f"{k} ×{v}" for k, v in sorted(r["rejected"].items())) or "none"
        good = sum(c["ok"] for c in r["checks"])
        bad = [f"{c['skill']}: {c['why']}" for c in r["checks"] if not c["ok"]]
        checker = f"{good}/{len(r['checks'])} pass" + (f" ({'; '.join(bad)})" if bad else "")
        verified = f"{len(r['verified'])}: {', '.join(r['verified'])}"
        print(f"| {r['app']} | {verified} | {rej} | {checker} | {r['wall_s']:.0f}s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

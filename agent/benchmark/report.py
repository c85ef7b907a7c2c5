"""`report.html`: one self-contained page per benchmark run, viewable offline.

Inline CSS, no scripts; step screenshots are embedded as data URIs. Per task: intent, verdict,
answer, error, skills offered and called, and each step's thought, code and screenshot."""

from __future__ import annotations

import base64
import json
from html import escape
from pathlib import Path

from agent.benchmark.summary import BenchSummary
from agent.taskagent.models import StepView, TaskResult

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d2330;
background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:20px} header p{margin:0;color:#c8cdd8}
main{padding:18px 28px;max-width:1200px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:0 0 18px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:20px}.card span{color:#5b6475;font-size:12px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde1e8}
th,td{padding:6px 9px;border-bottom:1px solid #e8ebf0;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums}
.v{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px}
.v-pass{background:#d8f3dc;color:#1b5e20}.v-fail{background:#fde2e1;color:#9b1c1c}
.v-error{background:#fff1c2;color:#7a5200}.v-done{background:#e3e8f5;color:#27408b}
.problems{background:#fff8e1;border:1px solid #f0d98c;border-radius:8px;padding:8px 14px}
section.task{background:#fff;border:1px solid #dde1e8;border-radius:8px;margin:18px 0;
padding:12px 16px}
section.task h2{font-size:16px;margin:0 0 6px}
.meta{color:#5b6475;margin:2px 0}
.step{display:grid;grid-template-columns:minmax(0,1fr) 420px;gap:14px;border-top:1px solid
#e8ebf0;padding:10px 0}
.step h3{font-size:13px;margin:0 0 4px}
pre{background:#f3f4f7;border:1px solid #e2e5eb;border-radius:6px;padding:8px;white-space:
pre-wrap;word-break:break-word;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;
margin:4px 0}
.err{color:#9b1c1c}
img.shot{width:420px;border:1px solid #cfd4dc;border-radius:4px}
"""


def _data_uri(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _verdict(v: str) -> str:
    return f'<span class="v v-{escape(v)}">{escape(v)}</span>'


def _card(value: object, label: str) -> str:
    return f'<div class="card"><b>{escape(str(value))}</b><span>{escape(label)}</span></div>'


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:g}"


def _step(run_dir: Path, result: TaskResult, step: StepView) -> str:
    title = "Program" if step.kind == "program" else f"Step {step.n}"
    parts = [f"<h3>{title} <span class='meta'>on {escape(step.url)}</span></h3>"]
    if step.thought:
        parts.append(f"<p><b>Thought.</b> {escape(step.thought)}</p>")
    parts.append(f"<pre>{escape(step.code or '(no code)')}</pre>")
    outcome = f"error: {step.error}" if step.error else f"ok, {step.actions} action(s)"
    cls = "err" if step.error else "meta"
    parts.append(f"<p class='{cls}'>{escape(outcome)}{' · done' if step.done else ''}</p>")
    shot = ""
    if step.screenshot and result.folder:
        uri = _data_uri(run_dir / result.folder / step.screenshot)
        if uri:
            shot = (
                f'<img class="shot" alt="{escape(title)} screenshot" src="{uri}">'
                "<div class='meta'>the page after it ran</div>"
            )
    return f'<div class="step"><div>{"".join(parts)}</div><div>{shot}</div></div>'


def _task(run_dir: Path, r: TaskResult) -> str:
    rows = [
        f'<section class="task" id="{escape(r.task_id)}">',
        f"<h2>{escape(r.task_id)} {_verdict(r.verdict)}</h2>",
        f"<p><b>Intent.</b> {escape(r.intent or '(unknown)')}</p>",
    ]
    if r.eval_detail:
        rows.append(f"<p class='meta'>Evaluator: {escape(r.eval_detail)}</p>")
    if r.answer is not None:
        rows.append(f"<p class='meta'>Answer: {escape(json.dumps(r.answer, default=str))}</p>")
    if r.error:
        rows.append(f"<p class='err'>Error: {escape(r.error)}</p>")
    rows.append(
        f"<p class='meta'>{r.steps} step(s) · {r.model_calls} model call(s) · "
        f"{r.tokens_in}/{r.tokens_out} tokens · {r.wall_s:.1f} s"
        + (" · program failed, continued step by step" if r.fell_back else "")
        + "</p>"
    )
    if r.skills_offered:
        rows.append(f"<p class='meta'>Skills offered: {escape(', '.join(r.skills_offered))}</p>")
    if r.skill_calls:
        rows.append(f"<p class='meta'>Skills called: {escape(', '.join(r.skill_calls))}</p>")
    rows += [_step(run_dir, r, s) for s in r.trace]
    rows.append("</section>")
    return "\n".join(rows)


def render_report(summary: BenchSummary, run_dir: Path) -> str:
    t = summary.totals
    head = (
        f"<header><h1>Skillwright bench: {escape(summary.site)}</h1>"
        f"<p>{escape(summary.label)} · model {escape(summary.llm or '?')} · "
        f"library {escape(summary.library or 'none')} · started {escape(summary.started_at)} · "
        f"{summary.wall_s:.1f} s</p></header>"
    )
    cards = "".join(
        [
            _card(f"{t.passed}/{t.tasks}", "solved"),
            _card(f"{t.success_rate:.0%}", "success rate"),
            _card(t.errors, "errors"),
            _card(_fmt(t.steps_per_solved), "steps per solved task"),
            _card(_fmt(t.model_calls_per_solved), "model calls per solved task"),
            _card(_fmt(t.tokens_per_solved), "tokens per solved task"),
            _card(t.skill_calls, "skill calls"),
        ]
    )
    problems = ""
    if summary.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in summary.problems)
        problems = f'<div class="problems"><b>Problems</b><ul>{items}</ul></div>'
    header = (
        "<tr><th>task</th><th>verdict</th><th>intent</th><th>steps</th><th>calls</th>"
        "<th>tokens in/out</th><th>time s</th><th>skill calls</th><th>error</th></tr>"
    )
    body = "".join(
        f'<tr class="task-row"><td><a href="#{escape(r.task_id)}">{escape(r.task_id)}</a></td>'
        f"<td>{_verdict(r.verdict)}</td><td>{escape(r.intent)}</td>"
        f'<td class="num">{r.steps}</td><td class="num">{r.model_calls}</td>'
        f'<td class="num">{r.tokens_in}/{r.tokens_out}</td><td class="num">{r.wall_s:.1f}</td>'
        f'<td class="num">{len(r.skill_calls)}</td><td>{escape((r.error or "")[:160])}</td></tr>'
        for r in summary.tasks
    )
    tasks = "\n".join(_task(run_dir, r) for r in summary.tasks)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Bench {escape(summary.site)}: {escape(summary.label)}</title>"
        f"<style>{CSS}</style></head><body>{head}<main>"
        f'<div class="cards">{cards}</div>{problems}'
        f"<table><thead>{header}</thead><tbody>{body}</tbody></table>{tasks}</main></body></html>"
    )


def write_report(summary: BenchSummary, run_dir: Path) -> Path:
    path = run_dir / "report.html"
    path.write_text(render_report(summary, run_dir), encoding="utf-8")
    return path

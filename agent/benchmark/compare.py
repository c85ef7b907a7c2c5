"""`bench --compare RUN_A RUN_B`: the deltas between two runs (e.g. without and with skills),
per metric and per task, printed and rendered as `compare.html` with one inline SVG chart per
metric."""

from __future__ import annotations

from html import escape

from pydantic import BaseModel, Field

from agent.benchmark.summary import BenchSummary

# (key, label, which way is better)
METRICS: tuple[tuple[str, str, str], ...] = (
    ("success_rate", "success rate (%)", "higher"),
    ("passed", "tasks solved", "higher"),
    ("steps_per_solved", "steps per solved task", "lower"),
    ("model_calls_per_solved", "model calls per solved task", "lower"),
    ("tokens_per_solved", "tokens per solved task", "lower"),
    ("wall_s_per_solved", "seconds per solved task", "lower"),
    ("model_calls", "model calls (all tasks)", "lower"),
    ("tokens", "tokens in+out (all tasks)", "lower"),
    ("skill_calls", "skill calls", "higher"),
    ("errors", "errors", "lower"),
)


class MetricDelta(BaseModel):
    key: str
    label: str
    better: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else round(self.b - self.a, 4)

    @property
    def relative(self) -> float | None:
        d = self.delta
        return None if d is None or not self.a else round(d / self.a, 4)

    @property
    def improved(self) -> bool | None:
        d = self.delta
        if d is None or d == 0:
            return None
        return d > 0 if self.better == "higher" else d < 0


class TaskDelta(BaseModel):
    task_id: str
    verdict_a: str
    verdict_b: str
    steps_a: int
    steps_b: int
    calls_a: int
    calls_b: int
    tokens_a: int
    tokens_b: int


class Comparison(BaseModel):
    label_a: str
    label_b: str
    site_a: str
    site_b: str
    metrics: list[MetricDelta] = Field(default_factory=list)
    tasks: list[TaskDelta] = Field(default_factory=list)
    only_a: list[str] = Field(default_factory=list)
    only_b: list[str] = Field(default_factory=list)


def _value(summary: BenchSummary, key: str) -> float | None:
    t = summary.totals
    if key == "success_rate":
        return round(100 * t.success_rate, 2)
    if key == "tokens":
        return float(t.tokens_in + t.tokens_out)
    value = getattr(t, key)
    return None if value is None else float(value)


def compare(a: BenchSummary, b: BenchSummary) -> Comparison:
    cmp = Comparison(
        label_a=a.label,
        label_b=b.label,
        site_a=a.site,
        site_b=b.site,
    )
    for key, label, better in METRICS:
        cmp.metrics.append(
            MetricDelta(key=key, label=label, better=better, a=_value(a, key), b=_value(b, key))
        )
    by_b = {r.task_id: r for r in b.tasks}
    ids_a = [r.task_id for r in a.tasks]
    for ra in a.tasks:
        rb = by_b.get(ra.task_id)
        if rb is None:
            continue
        cmp.tasks.append(
            TaskDelta(
                task_id=ra.task_id,
                verdict_a=ra.verdict,
                verdict_b=rb.verdict,
                steps_a=ra.steps,
                steps_b=rb.steps,
                calls_a=ra.model_calls,
                calls_b=rb.model_calls,
                tokens_a=ra.tokens_in + ra.tokens_out,
                tokens_b=rb.tokens_in + rb.tokens_out,
            )
        )
    cmp.only_a = [t for t in ids_a if t not in by_b]
    cmp.only_b = [r.task_id for r in b.tasks if r.task_id not in set(ids_a)]
    return cmp


def fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"


def fmt_delta(m: MetricDelta) -> str:
    d = m.delta
    if d is None:
        return "–"
    rel = f" ({m.relative:+.0%})" if m.relative is not None else ""
    sign = "+" if d > 0 else ""
    return f"{sign}{fmt(d)}{rel}"


def _chart(m: MetricDelta, label_a: str, label_b: str) -> str:
    """Two horizontal bars (A, B) with their values: an inline SVG."""
    width, bar_w, label_w = 460, 280, 110
    top = max(m.a or 0, m.b or 0) or 1
    colour_b = "#2e7d32" if m.improved else "#c62828" if m.improved is False else "#5c6bc0"
    rows = []
    for i, (name, value, colour) in enumerate(
        ((label_a, m.a, "#90a4ae"), (label_b, m.b, colour_b))
    ):
        y = 26 + i * 28
        w = 0 if value is None else max(1.0, bar_w * value / top)
        rows.append(
            f'<text x="0" y="{y + 14}" font-size="12">{escape(name)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="20" fill="{colour}" rx="3"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 14}" font-size="12">{fmt(value)}</text>'
        )
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="86" '
        f'role="img" aria-label="{escape(m.label)}">'
        f'<text x="0" y="14" font-size="13" font-weight="600">{escape(m.label)} '
        f"(Δ {escape(fmt_delta(m))}, {m.better} is better)</text>{''.join(rows)}</svg>"
    )


def render_compare(cmp: Comparison) -> str:
    css = (
        "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330}"
        "table{border-collapse:collapse;margin:12px 0}th,td{padding:5px 9px;border-bottom:"
        "1px solid #e3e6ec;text-align:left}td.num{text-align:right}"
        ".charts{display:flex;flex-wrap:wrap;gap:18px}.chart{background:#fff;border:1px solid "
        "#e3e6ec;border-radius:6px;padding:6px}.up{color:#2e7d32}.down{color:#c62828}"
    )
    rows = "".join(
        f"<tr><td>{escape(m.label)}</td><td class='num'>{fmt(m.a)}</td>"
        f"<td class='num'>{fmt(m.b)}</td><td class='num "
        f"{'up' if m.improved else 'down' if m.improved is False else ''}'>"
        f"{escape(fmt_delta(m))}</td></tr>"
        for m in cmp.metrics
    )
    charts = "".join(_chart(m, "A", "B") for m in cmp.metrics)
    per_task = "".join(
        f"<tr><td>{escape(t.task_id)}</td><td>{escape(t.verdict_a)} → {escape(t.verdict_b)}</td>"
        f"<td class='num'>{t.steps_a} → {t.steps_b}</td>"
        f"<td class='num'>{t.calls_a} → {t.calls_b}</td>"
        f"<td class='num'>{t.tokens_a} → {t.tokens_b}</td></tr>"
        for t in cmp.tasks
    )
    note = ""
    if cmp.only_a or cmp.only_b:
        note = (
            f"<p>Only in A: {escape(', '.join(cmp.only_a) or 'none')}; "
            f"only in B: {escape(', '.join(cmp.only_b) or 'none')}.</p>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Bench comparison</title><style>{css}</style></head><body>"
        f"<h1>Bench comparison</h1><p>A = {escape(cmp.label_a)} on {escape(cmp.site_a)}<br>"
        f"B = {escape(cmp.label_b)} on {escape(cmp.site_b)}</p>"
        f"<table><thead><tr><th>metric</th><th>A</th><th>B</th><th>Δ (B − A)</th></tr>"
        f"</thead><tbody>{rows}</tbody></table><div class='charts'>{charts}</div>"
        "<h2>Per task</h2><table><thead><tr><th>task</th><th>verdict</th><th>steps</th>"
        f"<th>model calls</th><th>tokens</th></tr></thead><tbody>{per_task}</tbody></table>"
        f"{note}</body></html>"
    )

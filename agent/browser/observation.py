"""Observe a page: url, title, open tabs, the ARIA snapshot with refs, the last error.

The snapshot is Playwright's AI snapshot (`page.aria_snapshot(mode="ai")`) compacted by
`agent.browser.compact.compact_snapshot`: about a third of the page's HTML on the bundled sites,
with every interactive element still addressable by its `[ref=eN]`
(`page.locator("aria-ref=eN")`). Two things the AI snapshot cannot show are read from the page
for the few elements concerned (one small `evaluate` each, run concurrently):

* text fields: read-only (a calendar or picker to click, not to fill), a date/time type, an
  autocomplete (type, then pick a suggestion);
* clickable elements Playwright can only call `generic` (icons): their `title`, `aria-label`,
  id or class, so the model can tell a "reply" icon from a "delete" one.

`observe(page, raw=True)` returns Playwright's snapshot unchanged (for debugging).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from agent.browser.compact import clickable_refs, compact_snapshot, field_refs
from agent.models import Observation

HINT_TIMEOUT_MS = 2_500  # per element; they are read concurrently, right after the snapshot
MAX_HINTED = 40  # elements read per kind and observation (fields, unnamed clickables)

_FIELD_JS = """(el) => {
  const out = [];
  const aria = (n) => (el.getAttribute(n) || '').toLowerCase();
  if (el.readOnly || aria('aria-readonly') === 'true') out.push('[readonly]');
  const type = aria('type');
  if (['date', 'time', 'datetime-local', 'month', 'week', 'color', 'file'].includes(type))
    out.push(`[type=${type}]`);
  const cls = typeof el.className === 'string' ? el.className : '';
  if (/datepicker/i.test(cls) && !out.includes('[readonly]')) out.push('[datepicker]');
  const auto = aria('aria-autocomplete');
  if ((auto && auto !== 'none') || el.hasAttribute('list') || /autocomplete/i.test(cls))
    out.push('[autocomplete]');
  return out.join(' ');
}"""

_ICON_JS = """(el) => {
  const clip = (s) => s.replace(/\\s+/g, ' ').trim().slice(0, 40);
  for (const name of ['title', 'aria-label', 'alt', 'data-tooltip', 'data-title', 'data-icon',
                      'data-original-title']) {
    const value = el.getAttribute(name);
    if (value && value.trim()) return clip(value);
  }
  const inner = el.querySelector('[title], [aria-label], img[alt]');
  if (inner) return clip(inner.getAttribute('title') || inner.getAttribute('aria-label') ||
                         inner.getAttribute('alt') || '');
  if (el.id) return '#' + clip(el.id);
  const cls = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
  const generic = /^(fa|fas|far|icon|glyphicon|material-icons|btn|ui-.*)$/;
  const useful = cls.filter((c) => c && !generic.test(c));
  if (useful.length) return '.' + clip(useful.slice(0, 2).join('.'));
  const text = el.innerText || el.textContent || '';
  return text.trim() ? clip(text) : '';
}"""


async def _read(page: Page, ref: str, script: str) -> str:
    try:
        value = await page.locator(f"aria-ref={ref}").evaluate(script, timeout=HINT_TIMEOUT_MS)
    except PlaywrightError:  # gone since the snapshot, or in a frame we cannot reach
        return ""
    return value if isinstance(value, str) else ""


async def dom_hints(page: Page, snapshot: str) -> dict[str, str]:
    """Per-ref notes the AI snapshot lacks: read-only/date/autocomplete fields, icon names."""
    fields = field_refs(snapshot)[:MAX_HINTED]
    icons = clickable_refs(snapshot)[:MAX_HINTED]
    if not fields and not icons:
        return {}
    found = await asyncio.gather(
        *(_read(page, ref, _FIELD_JS) for ref in fields),
        *(_read(page, ref, _ICON_JS) for ref in icons),
    )
    hints: dict[str, str] = {}
    for ref, value in zip(fields, found[: len(fields)], strict=True):
        if value:
            hints[ref] = value
    for ref, value in zip(icons, found[len(fields) :], strict=True):
        if value:
            quoted = value.replace('"', "'")
            hints[ref] = f'hint="{quoted}"'
    return hints


async def observe(
    page: Page,
    *,
    last_error: str | None = None,
    screenshot_to: Path | None = None,
    raw: bool = False,
) -> Observation:
    """An `Observation` of `page`; the snapshot's `[ref=eN]` handles address elements.

    The snapshot is the compact outline (`compact_snapshot`), with DOM hints for read-only
    fields and unnamed icons; `raw=True` keeps Playwright's AI snapshot as it is.
    """
    snapshot = await page.aria_snapshot(mode="ai")
    if not raw:
        snapshot = compact_snapshot(snapshot, await dom_hints(page, snapshot))
    shot: str | None = None
    if screenshot_to is not None:
        screenshot_to.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(screenshot_to))
        shot = str(screenshot_to)
    tabs = [p.url for p in page.context.pages]
    return Observation(
        url=page.url,
        title=await page.title(),
        tabs=tabs,
        snapshot=snapshot,
        last_error=last_error,
        screenshot=shot,
    )

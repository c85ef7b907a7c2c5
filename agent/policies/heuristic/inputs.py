"""Test inputs drawn from the page: select options, listed items, field constraints."""

from __future__ import annotations

import re
from typing import Any

from agent.browser.facts import FieldFact


def _from_pattern(pattern: str, n: int) -> str | None:
    """A value for simple HTML `pattern`s such as `\\d{5}` or `[A-Z]{2}\\d{3}`."""
    out = []
    for token, count in re.findall(r"(\\d|\[A-Z\]|\[a-z\]|\[0-9\])\{(\d+)\}", pattern):
        unit = "1234567890" if token in ("\\d", "[0-9]") else "ABCDEFGHIJ"
        if token == "[a-z]":
            unit = unit.lower()
        out.append((unit[n:] + unit[:n])[: int(count)])
    return "".join(out) or None


def text_value(field: FieldFact, n: int, purpose: str) -> str:
    """A plausible, distinct value for a free-text field (n = 0, 1, 2 …)."""
    hay = f"{field.name} {field.label} {field.placeholder}".lower()
    if field.pattern:
        made = _from_pattern(field.pattern, n)
        if made:
            return made
    if field.type == "email" or "email" in hay.replace("-", "").replace("_", ""):
        return f"sw.check{n + 1}@example.com"
    if field.type == "password":
        return f"Check-pass-{n + 1}-word"
    if "user" in hay and "name" in hay:
        return f"swcheck{n + 1}"
    if any(w in hay for w in ("postal", "zip", "postcode")):
        return f"{10115 + n * 1111}"
    if "city" in hay:
        return ["Springfield", "Riverton", "Lakeside"][n % 3]
    if "street" in hay or "address" in hay:
        return f"{12 + n} Market Street"
    if "full name" in hay or hay.strip().startswith("name") or "your name" in hay:
        return ["Ada Lovelace", "Alan Turing", "Grace Hopper"][n % 3]
    if "phone" in hay or field.type == "tel":
        return f"555-010{n}"
    if field.type == "url" or "url" in hay or "link" in hay:
        return f"https://example.org/check-{n + 1}"
    if "title" in hay or "subject" in hay:
        return f"Skillwright check {n + 1}: {purpose}"[:80]
    minimum = int(field.minlength or 0)
    text = f"Skillwright check {n + 1}: this {purpose} was written by a verified skill."
    while len(text) < minimum:
        text += " More detail follows."
    if field.maxlength:
        text = text[: int(field.maxlength)]
    return text


def number_values(field: FieldFact) -> list[int]:
    low = int(float(field.min)) if field.min not in (None, "") else 1
    high = int(float(field.max)) if field.max not in (None, "") else low + 5
    start = max(low, 1) if low <= 1 else low
    values = [v for v in range(start, high + 1)][:3]
    return values or [low]


PLACEHOLDER_OPTION = re.compile(r"^\W*(no selection|none|select\b|choose|please|any\b)|^\W+$", re.I)


def option_values(field: FieldFact) -> list[str]:
    """Up to three real choices (not "- no selection -", "Choose…", "---")."""
    real = [
        o.label
        for o in field.options
        if o.value not in ("", "-1") and o.label and not PLACEHOLDER_OPTION.search(o.label)
    ]
    return real[:3]


def all_numeric(labels: list[str]) -> bool:
    return bool(labels) and all(re.fullmatch(r"-?\d+", s) for s in labels)


def distinct(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    for row in rows:
        if row not in seen:
            seen.append(row)
    return seen

"""Where a skill may navigate: relative URLs only, normalised the way a browser parses them.

Every `.goto(url)` in skill code is routed here at run time (see `agent.skill_rewrite`), so a URL
built while the skill runs (`'java' + 'script:'`, `'/\\\\host:port/x'`, `'\\t//host'`) is checked
when it is used, not only when it is written. The check follows the WHATWG URL parser's
preprocessing (leading/trailing C0 controls and spaces stripped, tabs and newlines removed,
`\\` read as `/` for http(s)) and then accepts only a reference with no scheme and no
authority. The *normalised* string is what the browser receives, so what was checked is what
is navigated: it resolves against the context's `base_url`, i.e. always the target's origin.
"""

from __future__ import annotations

import re

from agent.errors import SkillwrightError

_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_END_OF_SCHEME_PART = re.compile(r"[/?#]")


class ContainmentError(SkillwrightError):
    """A skill tried to leave the target's origin (or the browser context refused it)."""


def checked_relative_url(url: object) -> str:
    """The normalised form of `url` if it stays on the context's origin; else ContainmentError.

    Allowed: "/path?q#f", "path", "?q", "#f", "". Refused: anything with a scheme
    (javascript:, data:, blob:, file:, http:, ...) or an authority ("//host", "/\\\\host").
    """
    if not isinstance(url, str):
        raise ContainmentError(f"page.goto needs a string URL, not {type(url).__name__}")
    text = _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE)).replace("\\", "/")
    shown = url if len(url) <= 80 else url[:77] + "..."
    if text.startswith("//"):
        raise ContainmentError(
            f"navigation to {shown!r} refused: it names another host; use a path like '/...'"
        )
    head = _END_OF_SCHEME_PART.split(text, maxsplit=1)[0]
    if ":" in head:
        scheme = head.split(":", 1)[0].lower() or "?"
        raise ContainmentError(
            f"navigation to {shown!r} refused: the {scheme}: scheme is not allowed; "
            "skills navigate with relative paths on the target's origin"
        )
    return text

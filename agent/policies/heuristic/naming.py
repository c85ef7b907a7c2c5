"""Names for skills and parameters, derived from what the page says."""

from __future__ import annotations

import keyword
import re

STOP = {"the", "a", "an", "your", "my", "this", "of", "and", "or", "please"}
RESERVED = {"page", "expect", "self"}


def slug(text: str, *, max_words: int = 4) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP]
    name = "_".join(words[:max_words])
    if not name:
        return ""
    if name[0].isdigit():
        name = "n_" + name
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    return name


def param_of(noun: str) -> str:
    """The parameter naming an item of kind `noun`: the noun, unless that is a reserved name
    (a skill's first argument is `page`: items at /pages/{id} are passed as `page_name`)."""
    return f"{noun}_name" if keyword.iskeyword(noun) or noun in RESERVED else noun


def plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    i = 2
    while f"{name}_{i}" in taken:
        i += 1
    return f"{name}_{i}"

"""Words for search: splitting names, a light stemmer, stop words and a small synonym table.

The synonym table is generic web-task vocabulary (not any one site's): a word maps to a
*concept* (its group's first word). Skills are indexed by their concepts and queries are
turned into concepts, so "basket" finds a skill that says "cart".
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

STOP_WORDS = frozenset(
    """a an and are as at be by do does for from how i in into is it its me my of on or our
    please some that the their them then there this to up want was we what when where which
    who will with would you your can could should not no yes""".split()
)

# Each group: a concept word first, then words (or two-word phrases) meaning the same in tasks.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("add", "put", "insert", "place", "append", "include"),
    ("cart", "basket", "bag", "trolley"),
    ("item", "product", "article", "goods", "thing"),
    ("remove", "delete", "drop", "discard", "erase", "take out"),
    ("update", "change", "edit", "modify", "set", "adjust"),
    ("search", "find", "look for", "lookup", "query", "browse"),
    ("login", "log in", "sign in", "signin", "logon", "authenticate"),
    ("logout", "log out", "sign out", "signout"),
    ("register", "sign up", "signup", "create account", "enrol", "enroll"),
    ("order", "purchase", "buy", "checkout", "check out"),
    ("review", "rating", "rate", "feedback", "opinion"),
    ("comment", "reply", "respond", "answer"),
    ("post", "publish", "submit", "send"),
    ("open", "view", "show", "display", "see", "visit", "go to", "navigate"),
    ("list", "get", "fetch", "read", "retrieve"),
    ("wishlist", "wish list", "favourites", "favorites", "saved"),
    ("subscribe", "newsletter", "mailing list"),
    ("issue", "ticket", "bug"),
    ("message", "mail", "email", "inbox"),
    ("user", "account", "profile", "member"),
    ("quantity", "amount", "count", "number"),
    ("price", "cost"),
    ("thread", "topic", "discussion"),
    ("assign", "allocate"),
    ("close", "resolve", "finish"),
)


def stem(word: str) -> str:
    """A light suffix stripper: plural and verb endings ("carts", "adding", "ordered")."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "es" and not word.endswith(("ches", "shes", "sses", "xes")):
                continue
            if suffix == "s" and word.endswith("ss"):
                continue
            word = word[: -len(suffix)] + keep
            if suffix in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2]:
                word = word[:-1]  # "shopping" -> "shop", "dropped" -> "drop"
            return word
    return word


def _build_concepts() -> tuple[dict[str, str], dict[str, str]]:
    single: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        concept = stem(group[0])
        for entry in group:
            if " " in entry:
                phrases[entry] = concept
            else:
                single.setdefault(stem(entry), concept)
    return single, phrases


_SINGLE, _PHRASES = _build_concepts()


def words(text: str) -> list[str]:
    """Lower-case words of free text, names split at underscores and camel case."""
    return _WORD.findall(_CAMEL.sub(" ", text).replace("_", " ").lower())


def concept(word: str) -> str:
    """The concept a (stemmed) word stands for: its synonym group's head, else the stem."""
    stemmed = stem(word)
    return _SINGLE.get(stemmed, stemmed)


def concepts(text: str, *, drop_stop_words: bool = True) -> list[str]:
    """The distinct concepts of a text, in order; two-word phrases ("sign in") count as one."""
    found: list[str] = []
    tokens = words(text)
    i = 0
    while i < len(tokens):
        pair = " ".join(tokens[i : i + 2])
        if pair in _PHRASES:
            item, i = _PHRASES[pair], i + 2
        else:
            token, i = tokens[i], i + 1
            if drop_stop_words and token in STOP_WORDS:
                continue
            item = concept(token)
        if item not in found:
            found.append(item)
    return found


def concept_fields(name: str, docstring: str, params: list[tuple[str, str]]) -> str:
    """A skill's concepts by where they occur, as stored for reranking: `n:` in its name,
    `p:` in a parameter (name or description), `d:` only in its docstring."""
    in_name = concepts(name)
    in_params: list[str] = []
    for param, description in params:
        in_params += [c for c in concepts(f"{param} {description}") if c not in in_params]
    in_doc = concepts(docstring)
    parts = [f"n:{c}" for c in in_name]
    parts += [f"p:{c}" for c in in_params if c not in in_name]
    parts += [f"d:{c}" for c in in_doc if c not in in_name and c not in in_params]
    return " ".join(parts)

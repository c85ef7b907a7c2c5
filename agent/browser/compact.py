"""Compact Playwright's AI snapshot into an outline a model can afford.

`page.aria_snapshot(mode="ai")` prints every node of the accessibility tree as YAML: two spaces of
indentation per level, a `[ref=eN]` on every element, `[cursor=pointer]` on everything clickable,
a `/url` under every link and one `generic` line per wrapper `<div>`. On the bundled sites that is
more text than the HTML it describes. `compact_snapshot` keeps what a model acts on and reads:

* every interactive element (links, buttons, fields, options with refs, tabs, ...) and every
  clickable one (`[cursor=pointer]`) keeps its `[ref=eN]`, in Playwright's own
  `role "name" [ref=eN]` form; refs of plain structure (paragraphs, list items, headings, wrapper
  `generic`s) are dropped, since nothing is done to them;
* wrappers without a name fold into their parent; a container whose parts each fit on one line
  becomes one line (`link "Mug" [ref=e5] · $17.49 · In stock`); inline runs of text and links
  read as the sentence they are;
* headings become `#`-prefixed lines, landmarks and named groups stay as `role "name":` section
  lines, indentation is one space per level;
* `[cursor=pointer]` and `/url` lines are dropped (a link keeps its URL only when it has no name),
  native `<select>` options fold into their combobox's line, a label's text is dropped when the
  field next to it carries the same name;
* clickable elements Playwright can only call `generic` are shown as `clickable [ref=eN]`, with a
  hint (their `title`, `aria-label`, id or class) when the caller read one from the page.

The function is pure: it takes the snapshot text (and optional per-ref hints) and returns text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Roles a model acts on: their refs always survive compaction.
INTERACTIVE_ROLES: frozenset[str] = frozenset(
    {
        "button",
        "checkbox",
        "combobox",
        "gridcell",
        "link",
        "listbox",
        "menuitem",
        "menuitemcheckbox",
        "menuitemradio",
        "option",
        "radio",
        "scrollbar",
        "searchbox",
        "slider",
        "spinbutton",
        "switch",
        "tab",
        "textbox",
        "treeitem",
    }
)

#: Roles whose value is typed in (a read-only one is a widget to click instead).
FIELD_ROLES: frozenset[str] = frozenset({"textbox", "searchbox", "combobox", "spinbutton"})

# Structure shown as a section line (`role "name":`) with its content indented under it.
_SECTION_ROLES = frozenset(
    {
        "alertdialog",
        "banner",
        "complementary",
        "contentinfo",
        "dialog",
        "form",
        "grid",
        "iframe",
        "main",
        "menu",
        "menubar",
        "navigation",
        "radiogroup",
        "region",
        "search",
        "tabpanel",
        "table",
        "tablist",
        "toolbar",
        "tree",
        "treegrid",
    }
)
# Landmarks by their HTML names, which are shorter and as well known.
_SECTION_NAMES = MappingProxyType(
    {"banner": "header", "contentinfo": "footer", "navigation": "nav", "complementary": "aside"}
)
# Structure shown only when it has a name (an unnamed one folds into its parent).
_NAMED_SECTION_ROLES = frozenset({"group", "list", "rowgroup", "figure", "article"})
# Live text whose role matters to the reader.
_LIVE_ROLES = frozenset({"alert", "status", "log", "marquee", "timer", "progressbar", "meter"})
# Roles shown as a `role "name"` leaf (the name is the content).
_NAMED_LEAF_ROLES = frozenset({"img", "image", "math"})
# Content that reads as one sentence (its parts are joined with a space, not a separator).
_INLINE_ROLES = frozenset({"strong", "emphasis", "code", "time", "mark", "label", "caption"})
# Table cells: Playwright names them after their text (better spaced than the text itself).
_CELL_ROLES = frozenset({"cell", "columnheader", "rowheader"})
# Dropped outright (unless clickable).
_NOISE_ROLES = frozenset({"separator", "presentation", "none"})
# Attributes worth keeping, in Playwright's order; `level` becomes `#`s, `cursor` is dropped.
_KEPT_ATTRS = ("checked", "disabled", "expanded", "active", "invalid", "pressed", "selected")

_MAX_OPTIONS = 30  # native <select> options listed on the combobox's line
_MAX_ROW = 240  # a container's one-line parts are joined while the line stays this short
_MAX_SECTION_ROW = 120  # ... and a section's, when they are all one-line parts
_ROW_SEP = " · "
_ROW_RE = re.compile(r"^(\s*)- (.*)$")
_NAME_RE = re.compile(r'"(?:[^"\\]|\\.)*"')
_ATTR_RE = re.compile(r"\[([a-z-]+)(?:=([^\]]*))?\]")
_REF_RE = re.compile(r"\[ref=([a-z0-9]+)\]")
# zero-width and soft-hyphen characters, and private-use code points (icon-font glyphs)
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad\ue000-\uf8ff]")


@dataclass
class _Node:
    role: str
    name: str = ""
    ref: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    props: dict[str, str] = field(default_factory=dict)
    children: list[_Node] = field(default_factory=list)

    @property
    def clickable(self) -> bool:
        return self.attrs.get("cursor") == "pointer"

    @property
    def interactive(self) -> bool:
        return self.ref is not None and (self.role in INTERACTIVE_ROLES or self.clickable)


@dataclass
class _Item:
    """One output line (`head`) and the lines indented under it."""

    head: str
    children: list[_Item] = field(default_factory=list)
    leaf_text: bool = False  # plain text (dropped when it only repeats a field's label)
    run: bool = False  # bare text or inline markup: its container reads as one sentence
    row: bool = False  # parts already joined with ` · ` (rows do not nest)
    control: str | None = None  # the name of an interactive element, for label de-duplication
    heading: bool = False


# ---------------------------------------------------------------------------------------------
# parsing


def _unquote_value(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        body = re.sub(r"\\x([0-9a-fA-F]{2})", r"\\u00\1", raw)
        try:
            return str(json.loads(body))
        except ValueError:
            return raw[1:-1]
    if len(raw) >= 2 and raw[0] == "'" and raw[-1] == "'":
        return raw[1:-1].replace("''", "'")
    return raw


def _split_entry(entry: str) -> tuple[str, str | None]:
    """`key: value` / `key:` / `key` → (key, value or "" for a block or None for nothing)."""
    if entry.startswith("'"):
        i = 1
        while i < len(entry):
            if entry[i] == "'":
                if i + 1 < len(entry) and entry[i + 1] == "'":
                    i += 2
                    continue
                break
            i += 1
        key = entry[1:i].replace("''", "'")
        rest = entry[i + 1 :]
    else:
        cut = entry.find(": ")
        if cut >= 0:
            key, rest = entry[:cut], entry[cut:]
        elif entry.endswith(":"):
            key, rest = entry[:-1], ":"
        else:
            key, rest = entry, ""
    if rest.startswith(": "):
        return key, rest[2:]
    if rest.startswith(":"):
        return key, ""
    return key, None


def _parse_key(key: str) -> _Node:
    role, _, rest = key.partition(" ")
    node = _Node(role=role)
    rest = rest.strip()
    if rest.startswith('"'):
        match = _NAME_RE.match(rest)
        if match:
            try:
                node.name = str(json.loads(match.group(0)))
            except ValueError:
                node.name = match.group(0)[1:-1]
            rest = rest[match.end() :]
    for attr in _ATTR_RE.finditer(rest):
        name, value = attr.group(1), attr.group(2) or ""
        if name == "ref":
            node.ref = value
        else:
            node.attrs[name] = value
    return node


def parse_snapshot(text: str) -> list[_Node]:
    """The nodes of an AI snapshot (top level), with their children."""
    roots: list[_Node] = []
    stack: list[tuple[int, _Node]] = []
    for line in text.splitlines():
        match = _ROW_RE.match(line)
        if not match:
            continue
        depth = len(match.group(1))
        entry = match.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        if entry.startswith("/"):
            if parent is not None:
                prop, _, value = entry[1:].partition(":")
                parent.props[prop] = _unquote_value(value)
            continue
        if entry == "text" or entry.startswith("text:"):
            node = _Node(role="text", text=_unquote_value(entry[5:]))
        else:
            key, value = _split_entry(entry)
            node = _parse_key(key)
            if value:
                node.text = _unquote_value(value)
        (parent.children if parent is not None else roots).append(node)
        stack.append((depth, node))
    return roots


def interactive_refs(text: str) -> list[str]:
    """Refs of the interactive or clickable elements in an AI snapshot, in document order."""
    found: list[str] = []

    def walk(nodes: list[_Node]) -> None:
        for node in nodes:
            if node.interactive and node.ref is not None:
                found.append(node.ref)
            walk(node.children)

    walk(parse_snapshot(text))
    return found


def clickable_refs(text: str) -> list[str]:
    """Refs of elements Playwright marks clickable but cannot name (`generic`, `img`, ...)."""
    found: list[str] = []

    def walk(nodes: list[_Node]) -> None:
        for node in nodes:
            if node.ref and node.clickable and node.role not in INTERACTIVE_ROLES:
                if not node.name and not _has_text(node):
                    found.append(node.ref)
            if node.ref and node.role in ("button", "link") and not node.name:
                if not _has_text(node):
                    found.append(node.ref)
            walk(node.children)

    walk(parse_snapshot(text))
    return found


def field_refs(text: str) -> list[str]:
    """Refs of text-entry fields (whose read-only state the snapshot does not show)."""
    found: list[str] = []

    def walk(nodes: list[_Node]) -> None:
        for node in nodes:
            if node.ref and node.role in FIELD_ROLES and not _has_options(node):
                found.append(node.ref)
            walk(node.children)

    walk(parse_snapshot(text))
    return found


def _has_text(node: _Node) -> bool:
    if node.text and node.text.strip():
        return True
    return any(child.name or _has_text(child) for child in node.children)


def _has_options(node: _Node) -> bool:
    """A native `<select>`'s options (no refs: chosen by label through the combobox). An ARIA
    listbox's options carry refs, are clicked one by one and keep their own lines."""
    options = [child for child in node.children if child.role == "option"]
    return bool(options) and all(option.ref is None for option in options)


# ---------------------------------------------------------------------------------------------
# rendering


def _one_line(text: str, *, keep_breaks: bool = False) -> str:
    """Text on one line: a field's line breaks are shown as `\\n`, other whitespace collapses."""
    text = _INVISIBLE_RE.sub("", text)
    if keep_breaks:
        text = text.strip().replace("\r\n", "\n").replace("\n", "\\n")
    return re.sub(r"\s+", " ", text).strip()


def _norm(text: str) -> str:
    return _one_line(text).rstrip(":*").strip().casefold()


def _attrs(node: _Node, hint: str | None) -> str:
    out = ""
    for name in _KEPT_ATTRS:
        if name in node.attrs:
            if name == "active" and not node.interactive:
                continue
            value = node.attrs[name]
            out += f" [{name}={value}]" if value else f" [{name}]"
    if hint:
        out += f" {hint}"
    return out


def _descriptor(node: _Node, role: str, hint: str | None) -> str:
    head = role
    name = _INVISIBLE_RE.sub("", node.name).strip()
    if name:
        head += " " + json.dumps(name, ensure_ascii=False)
    if node.ref is not None:
        head += f" [ref={node.ref}]"
    head += _attrs(node, hint)
    placeholder = node.props.get("placeholder")
    if placeholder and placeholder != node.name:
        head += " placeholder=" + json.dumps(placeholder, ensure_ascii=False)
    if node.role == "link" and not node.name and node.props.get("url"):
        head += " url=" + json.dumps(node.props["url"], ensure_ascii=False)
    return head


def _options_line(node: _Node) -> str:
    labels: list[str] = []
    options = [c for c in node.children if c.role == "option" and c.ref is None]
    for option in options[:_MAX_OPTIONS]:
        label = option.name or (option.text or "")
        labels.append(label + (" [selected]" if "selected" in option.attrs else ""))
    line = " | ".join(labels)
    if len(options) > _MAX_OPTIONS:
        line += f" | … (+{len(options) - _MAX_OPTIONS} more)"
    return line


def _join(items: list[_Item], *, inline: bool) -> str:
    """One line from one-line parts: a run of text reads as a sentence, blocks are separated."""
    return (" " if inline else _ROW_SEP).join(item.head for item in items)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _repeats(label: str, name: str) -> bool:
    """Whether text `label` says nothing the control name `name` does not (`Tags:` / "Tags:",
    `From ● , required.` / "From , required.")."""
    if _norm(label) == _norm(name):
        return True
    words = _words(label)
    return bool(words) and len(label) <= 60 and words <= _words(name)


def _glyphs(text: str) -> bool:
    return not re.search(r"\w", text)


def _dedupe_labels(items: list[_Item]) -> list[_Item]:
    """Drop empty parts, text parts that only repeat the name of the field or control next to
    them (`From` `, required.` before textbox "From , required."), repeated glyph-only parts."""
    while True:
        kept = _dedupe_once(items)
        if len(kept) == len(items):
            return kept
        items = kept


def _dedupe_once(items: list[_Item]) -> list[_Item]:
    kept: list[_Item] = []
    for i, item in enumerate(items):
        if not item.head and not item.children:
            continue
        if item.leaf_text and not item.children:
            neighbours = items[max(0, i - 1) : i] + items[i + 1 : i + 2]
            if any(n.control and _repeats(item.head, n.control) for n in neighbours):
                continue
            if _glyphs(item.head) and kept and kept[-1].leaf_text and _glyphs(kept[-1].head):
                continue
        kept.append(item)
    return kept


def _fold(items: list[_Item], *, inline: bool, join: bool = True) -> list[_Item]:
    """Parts of a container: one joined line when each part is one line and it stays short.

    A sentence (`inline`: the container has bare text) always joins with spaces. Other parts
    join with ` · ` into a row, unless a part is already a row (rows do not nest) or a heading
    other than the first (a heading starts a card's row, it never sits inside one).
    """
    items = _dedupe_labels(items)
    if len(items) <= 1 or not join or any(it.children for it in items):
        return items
    inline = inline or any(it.run for it in items)
    if inline:
        return [_Item(_join(items, inline=True), leaf_text=all(it.leaf_text for it in items))]
    if any(it.row for it in items) or any(it.heading for it in items[1:]):
        return items
    joined = _join(items, inline=False)
    if len(joined) > _MAX_ROW:
        return items
    return [_Item(joined, row=True, heading=items[0].heading)]


class _Renderer:
    def __init__(self, hints: Mapping[str, str]) -> None:
        self.hints = hints
        self.in_clickable = 0  # depth of clickable containers whose text parts keep their refs

    def children(self, node: _Node) -> list[_Item]:
        out: list[_Item] = []
        for child in node.children:
            out.extend(self.render(child))
        return out

    def content(self, node: _Node, *, inline: bool = False, join: bool = True) -> list[_Item]:
        """A node's own text (if any) and its children's items, folded."""
        parts: list[_Item] = []
        if node.text and node.text.strip():
            text = _one_line(node.text, keep_breaks=node.role in FIELD_ROLES)
            parts.append(_Item(text, leaf_text=True, run=node.role in _INLINE_ROLES))
        parts.extend(self.children(node))
        return _fold(parts, inline=inline or node.role in _INLINE_ROLES, join=join)

    @staticmethod
    def with_head(head: str, body: list[_Item], control: str | None = None) -> _Item:
        """`head: body` on one line when the body is one line, else `head:` with body under it."""
        if not body:
            return _Item(head, control=control)
        if len(body) == 1 and not body[0].children:
            return _Item(f"{head}: {body[0].head}", control=control)
        return _Item(head + ":", body, control=control)

    def render(self, node: _Node) -> list[_Item]:
        role = node.role
        hint = self.hints.get(node.ref or "")
        if role == "text":
            text = _one_line(node.text or "")
            if not text or (_glyphs(text) and len(text) > 3):  # empty, or a row of `»`s
                return []
            return [_Item(text, leaf_text=True, run=True)]
        if "aria-hidden" in node.attrs and not node.children and _glyphs(node.text or ""):
            return []  # a decorative glyph (a `●` marking a required field)
        if node.interactive:
            return [self.control(node, hint)]
        if self.in_clickable and node.ref and not node.children and node.text:
            # a part of a clickable container (e.g. "Reply" in a clickable action bar): the
            # snapshot cannot tell whether it has its own handler, so it stays addressable
            return [_Item(f"{_one_line(node.text)} [ref={node.ref}]", leaf_text=True)]
        if role in _NOISE_ROLES:
            return self.content(node)
        if role == "heading":
            return self.heading(node)
        if role in _SECTION_ROLES or (role in _NAMED_SECTION_ROLES and node.name):
            return self.section(node)
        if role in _LIVE_ROLES:
            body = self.content(node, inline=True)
            if not body and not node.name:
                return []
            head = role + (" " + json.dumps(node.name, ensure_ascii=False) if node.name else "")
            return [self.with_head(head, body)]
        if role in _NAMED_LEAF_ROLES:
            body = self.content(node, inline=True)
            if not node.name:
                return body
            return [self.with_head(f"{role} {json.dumps(node.name, ensure_ascii=False)}", body)]
        if role == "row":
            cells = self.children(node)
            if cells and all(not c.children for c in cells):
                return [_Item(" | ".join(c.head for c in cells), row=True)]
            return cells
        if role == "listitem":
            body = self.content(node)
            if len(body) > 1 or (body and body[0].children):
                first, rest = body[0], body[1:]
                bullet = "" if first.heading else "- "  # a heading already starts the item
                return [_Item(bullet + first.head, first.children + rest, heading=first.heading)]
            return body
        if role in _CELL_ROLES:
            if node.children:
                return self.content(node, inline=True)
            return [_Item(_one_line(node.name or node.text or ""), leaf_text=True)]
        if node.name:  # a named wrapper (e.g. `generic "Score": 12`)
            return [self.with_head(_one_line(node.name), self.content(node, inline=True))]
        return self.content(node)

    def section(self, node: _Node) -> list[_Item]:
        body = self.content(node, join=False)
        role = _SECTION_NAMES.get(node.role, node.role)
        head = _descriptor(node, role, None).replace(f" [ref={node.ref}]", "")
        if not body and not node.name:
            return []
        if node.name and body and not body[0].children and _norm(body[0].head) == _norm(node.name):
            body = body[1:]  # a caption that repeats the table's name
        if node.name and body and body[0].heading and not body[0].children:
            title = body[0].head.lstrip("#").strip()
            if _norm(title) == _norm(node.name):  # `region "X":` then `## X`: keep one
                head = body[0].head if node.role == "region" else f"{role} {body[0].head}"
                rest = body[1:]
                return [_Item(head + (":" if rest else ""), rest, heading=True)]
        if len(body) > 1 and not any(it.children or it.row or it.heading for it in body):
            joined = _join(body, inline=False)
            if len(joined) <= _MAX_SECTION_ROW:  # a small form or menu reads on one line
                body = [_Item(joined)]
        item = self.with_head(head, body)
        item.row = True  # a section never joins into its parent's line
        return [item]

    def heading(self, node: _Node) -> list[_Item]:
        level = node.attrs.get("level", "")
        marks = "#" * int(level) if level.isdigit() else "#"
        body = self.content(node, inline=True)
        head = marks + (" " + _one_line(node.name) if node.name else "")
        if node.ref is not None and node.clickable:
            head += f" [ref={node.ref}]"
        if not body:
            return [_Item(head, heading=True)] if node.name else []
        if len(body) == 1 and not body[0].children:
            sep = ": " if node.name else " "
            return [_Item(head + sep + body[0].head, heading=True)]
        return [_Item(head + ":", body, heading=True)]

    def control(self, node: _Node, hint: str | None) -> _Item:
        role = node.role
        plain = role not in INTERACTIVE_ROLES  # clickable by its cursor only
        if role in ("generic", "none", "presentation"):
            role = "clickable"
        head = _descriptor(node, role, hint)
        if _has_options(node) and role in ("combobox", "listbox"):
            return _Item(f"{head} options: {_options_line(node)}", control=node.name)
        if plain and len(node.children) > 1:
            self.in_clickable += 1
            try:
                body = self.content(node)
            finally:
                self.in_clickable -= 1
        else:
            body = self.content(node, inline=not plain)
        if node.name and body and len(body) == 1 and not body[0].children:
            text = body[0].head
            if _norm(text) == _norm(node.name) or _glyphs(text):
                body = []  # a glyph (▲, ▼) or the name again
        return self.with_head(head, body, control=node.name or None)


def _lines(items: list[_Item], depth: int, out: list[str]) -> None:
    for item in items:
        out.append(" " * depth + item.head)
        _lines(item.children, depth + 1, out)


def compact_snapshot(text: str, hints: Mapping[str, str] | None = None) -> str:
    """The compact outline of AI snapshot `text` (see the module docstring).

    `hints` maps a ref to a short note appended to its element's line, e.g. `[readonly]` for a
    read-only field or `hint="close-email"` for an icon Playwright can only call `generic`.
    """
    renderer = _Renderer(hints or {})
    items: list[_Item] = []
    for root in parse_snapshot(text):
        items.extend(renderer.render(root))
    out: list[str] = []
    _lines(items, 0, out)
    return "\n".join(out)


def refs_in(text: str) -> set[str]:
    """Every `[ref=...]` handle in a snapshot (raw or compact)."""
    return set(_REF_RE.findall(text))

"""Turn Playwright's normalised locators into source code, make them unique, parameterise them."""

from __future__ import annotations

import ast
import json

from playwright.async_api import ElementHandle, Locator, Page


def locator_source(locator: Locator) -> str:
    """`get_by_role("button", name="Go")` → `page.get_by_role("button", name="Go")`."""
    text = str(locator)
    if text.startswith("Locator@"):
        text = text[len("Locator@") :]
    return "page." + text


def is_unique_source(source: str) -> bool:
    """Whether a locator expression parses as a page.* chain (a sanity check for generated code)."""
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return False
    while isinstance(node, ast.Call | ast.Attribute):
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and node.id == "page"


async def _index_of(candidates: Locator, element: ElementHandle) -> int:
    handles = await candidates.element_handles()
    for i, handle in enumerate(handles):
        same = await handle.evaluate("(a, b) => a === b", element)
        if same:
            return i
    return -1


SELECT_TEXTS = """e => e.tagName !== 'SELECT' ? [] : [
  Array.from(e.options).map((o) => o.text).join(""),
  e.selectedIndex >= 0 ? e.options[e.selectedIndex].label : "",
]"""


async def _label_without_choice(page: Page, normal: Locator, element: ElementHandle) -> str | None:
    """A select inside its <label> is named by the label's text *and its own text* (its
    options, or the one chosen: "Default handler: AdminModule"): once a skill picks another
    option or the site lists others, the name changes. The label's own words name it
    (`get_by_label` matches a part of the name)."""
    try:
        node = ast.parse(locator_source(normal), mode="eval").body
    except SyntaxError:
        return None
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get_by_label"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and not node.keywords
    ):
        return None
    name = node.args[0].value
    # the name takes the select's text: every option's, or the chosen one's
    texts = [t for t in await element.evaluate(SELECT_TEXTS) if t and name.endswith(t)]
    if not texts or not name[: -len(texts[0])].strip():
        return None
    words = name[: -len(texts[0])].strip()
    trimmed = page.get_by_label(words)
    if await trimmed.count() != 1:
        return None
    same = await (await trimmed.element_handle()).evaluate("(a, b) => a === b", element)  # type: ignore[union-attr]
    return words if same else None


async def stable_locator(page: Page, target: Locator) -> tuple[Locator, str, str]:
    """Normalise `target` and make sure the result matches exactly that one element.

    Returns (locator, source, anchoring) where anchoring is "none", "scope" (under <main>),
    "filter" or "nth" (a last resort, flagged by the caller).
    """
    element = await target.element_handle()
    normal = await target.normalize()
    if element is not None:
        label = await _label_without_choice(page, normal, element)
        if label is not None:
            return page.get_by_label(label), f"page.get_by_label({json.dumps(label)})", "none"
    if await normal.count() == 1:
        return normal, locator_source(normal), "none"
    main = page.get_by_role("main")
    if await main.count() == 1:
        scoped = main.locator(normal)
        if await scoped.count() == 1:
            return scoped, 'page.get_by_role("main").' + str(normal), "scope"
    index = await _index_of(normal, element) if element is not None else -1
    if index < 0:
        return normal, locator_source(normal), "none"
    picked = normal.nth(index)
    return picked, locator_source(normal) + f".nth({index})", "nth"


def _shortened_tail(value: str, raw: str) -> int | None:
    """Length of the end of `value` that is a shortened start of `raw` (≥ 6 characters, ending
    at a word boundary of `raw`), as Playwright writes long accessible names; else None."""
    for k in range(min(len(value), len(raw) - 1), 5, -1):
        if value.endswith(raw[:k]) and (raw[k] == " " or raw[k - 1] == " "):
            if k < len(value) and value[-k - 1] not in " \"'(":
                continue
            return k
    return None


def _replace_in_constant(
    value: str, params: dict[str, str], keyword: str | None
) -> ast.expr | None:
    """An expression for string `value` with parameter values replaced, or None if none occur."""
    for name, raw in sorted(params.items(), key=lambda kv: -len(kv[1])):
        if raw and len(value) >= 8 and value in raw:
            # Playwright shortens long accessible names: a part of the value stands for it
            return ast.Name(id=name, ctx=ast.Load())
        if raw and raw not in value:
            tail = _shortened_tail(value, raw)
            if tail is not None:
                # `name="Quantity for Ceramic Table"` stands for "… Ceramic Table Lamp"
                head = value[: len(value) - tail]
                name_node = ast.FormattedValue(ast.Name(id=name, ctx=ast.Load()), -1, None)
                return ast.JoinedStr([ast.Constant(head), name_node])
        if not raw or raw not in value:
            continue
        if value == raw:
            return ast.Name(id=name, ctx=ast.Load())
        if keyword in ("has_text", None) or value.count(raw) != 1:
            # text filters match substrings: the parameter alone is the robust anchor
            return ast.Name(id=name, ctx=ast.Load())
        before, after = value.split(raw)
        parts: list[ast.expr] = []
        if before:
            parts.append(ast.Constant(before))
        parts.append(ast.FormattedValue(ast.Name(id=name, ctx=ast.Load()), -1, None))
        if after:
            parts.append(ast.Constant(after))
        return ast.JoinedStr(parts)
    return None


class _Parameterise(ast.NodeTransformer):
    def __init__(self, params: dict[str, str]) -> None:
        self.params = params
        self.used: set[str] = set()

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        for i, arg in enumerate(node.args):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
                keyword = None if method in ("get_by_text", "filter") else "positional"
                if method == "get_by_role":
                    continue  # the role itself is never a task value
                new = _replace_in_constant(arg.value, self.params, keyword)
                if new is not None:
                    node.args[i] = new
                    self.used.update(n.id for n in ast.walk(new) if isinstance(n, ast.Name))
        for kw in node.keywords:
            if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                new = _replace_in_constant(kw.value.value, self.params, kw.arg)
                if new is not None:
                    kw.value = new
                    self.used.update(n.id for n in ast.walk(new) if isinstance(n, ast.Name))
        return node


def parameterise(source: str, params: dict[str, str]) -> tuple[str, set[str]]:
    """Replace task values baked into a locator's strings by parameter names.

    `page.get_by_label("Quantity for Blue Mug")` with {"product": "Blue Mug"} becomes
    `page.get_by_label(f"Quantity for {product}")`; a `filter(has_text="Blue Mug Qty…")`
    becomes `filter(has_text=product)`.
    """
    tree = ast.parse(source, mode="eval")
    transformer = _Parameterise({k: v for k, v in params.items() if isinstance(v, str)})
    tree = transformer.visit(tree)
    return ast.unparse(tree), transformer.used

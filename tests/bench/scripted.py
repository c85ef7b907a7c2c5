"""Scripted models that solve a few bundled tasks like a model would: they read the task from
the prompt (program or step prompt) and answer with code over skills or primitives.

The factories at the bottom serve `--llm langchain:tests.bench.scripted:NAME` in CLI tests."""

from __future__ import annotations

import re
from typing import Any

from agent.llm import LLMCallError, ScriptedModel

BENCH_TASKS = ["shop-003", "shop-024"]  # the shop tasks the bench tests run

SEARCH = (
    'await fill(page.get_by_role("searchbox", name="Search products"), "{p}")\n'
    'await click(page.get_by_role("button", name="Search", exact=True))'
)
OPEN = 'await click(page.get_by_role("link", name="{p}", exact=True))'
PRICE = 'answer(await page.get_by_text("Price:").inner_text())'
ADD = (
    'await fill(page.get_by_label("Quantity"), "{n}")\n'
    'await click(page.get_by_role("button", name="Add to cart"))'
)

# intent → (program over skills, steps with primitives only)
SHOP: dict[str, tuple[str, list[str]]] = {
    "What is the price of Bypass Pruning Shears?": (
        'await open_product(page, "Bypass Pruning Shears")\n' + PRICE,
        [SEARCH.format(p="Bypass Pruning Shears"), OPEN.format(p="Bypass Pruning Shears"), PRICE],
    ),
    "Open the product page of Neon Sticky Notes.": (
        'await open_product(page, "Neon Sticky Notes")',
        [SEARCH.format(p="Neon Sticky Notes"), OPEN.format(p="Neon Sticky Notes")],
    ),
    "Add 1 × Walnut Table Lamp to the cart.": (
        'await add_to_cart(page, "Walnut Table Lamp", 1)',
        [
            SEARCH.format(p="Walnut Table Lamp"),
            OPEN.format(p="Walnut Table Lamp"),
            ADD.format(n=1),
        ],
    ),
}


def prompt_of(messages: list[dict[str, Any]]) -> str:
    return str(messages[-1]["content"])


def task_of(prompt: str) -> str:
    """The first line under `## Task`."""
    return prompt.split("## Task\n", 1)[1].split("\n", 1)[0].strip()


def steps_done(prompt: str) -> int:
    """How many steps the step prompt's history lists."""
    history = prompt.split("## Steps so far\n", 1)[1].split("\n## ", 1)[0]
    return len(re.findall(r"^\d+\. on ", history, flags=re.M))


def is_program(prompt: str) -> bool:
    return "Write ONE short" in prompt


def has_skills(prompt: str) -> bool:
    return "async def open_product" in prompt


def shop_reply(messages: list[dict[str, Any]]) -> dict[str, Any]:
    prompt = prompt_of(messages)
    program, steps = SHOP[task_of(prompt)]
    if is_program(prompt):
        if has_skills(prompt):
            return {"thought": "the library does it", "code": program}
        return {"thought": "search, open, act", "code": "\n".join(steps)}
    n = steps_done(prompt)
    if n >= len(steps):
        return {"thought": "finished", "code": "", "done": True}
    return {"thought": f"step {n + 1}", "code": steps[n], "done": n + 1 == len(steps)}


def shop_solver() -> ScriptedModel:
    return ScriptedModel(shop_reply, name="scripted-shop")


def failing_on(intent_part: str) -> ScriptedModel:
    """Solves the shop tasks but the model service fails on the task whose intent has
    `intent_part`."""

    def reply(messages: list[dict[str, Any]]) -> Any:
        if intent_part in task_of(prompt_of(messages)):
            return LLMCallError("HTTP 503 from the model server (scripted)", status_code=503)
        return shop_reply(messages)

    return ScriptedModel(reply, name="scripted-shop")


def failing_on_sticky_notes() -> ScriptedModel:
    return failing_on("Neon Sticky Notes")


# ------------------------------------------------------------------ MiniWoB

AREA = 'page.locator("#area")'
SUBMIT = 'await click(page.get_by_role("button", name="Submit"))'


def miniwob_code(utterance: str) -> str:
    """Code for a MiniWoB utterance, as a model would write it (primitives over locators)."""
    if m := re.fullmatch(r'Click on the "(.+)" button\.', utterance):
        return f'await click({AREA}.get_by_role("button", name="{m[1]}", exact=True).first)'
    if utterance.startswith("Click the button"):  # click-test
        return 'await click(page.get_by_role("button", name="Click Me!"))'
    if m := re.fullmatch(r'Enter "(.+)" into the text field and press Submit\.', utterance):
        return f'await fill({AREA}.get_by_role("textbox"), "{m[1]}")\n{SUBMIT}'
    if m := re.fullmatch(r"Select (.+) from the list and click Submit\.", utterance):
        return f'await select({AREA}.get_by_role("combobox"), "{m[1]}")\n{SUBMIT}'
    if m := re.fullmatch(r"Click on Tab #(\d+)\.", utterance):
        return f'await click(page.get_by_role("tab", name="Tab #{m[1]}"))'
    if m := re.fullmatch(r'Click on the link "(.+)"\.', utterance):
        return f'await click({AREA}.get_by_text("{m[1]}", exact=True).first)'
    if utterance.startswith("Close the dialog box"):
        return 'await click(page.get_by_role("dialog").get_by_role("button", name="Close"))'
    raise AssertionError(f"no scripted code for {utterance!r}")


def miniwob_reply(messages: list[dict[str, Any]]) -> dict[str, Any]:
    prompt = prompt_of(messages)
    code = miniwob_code(task_of(prompt))
    return {"thought": "do what the instruction says", "code": code, "done": True}


def miniwob_solver() -> ScriptedModel:
    return ScriptedModel(miniwob_reply, name="scripted-miniwob")

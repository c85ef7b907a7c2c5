"""Run one model-written step: a few lines calling ref-addressed primitives and library skills.

The model sees the page as a compact snapshot with `[ref=eN]` handles and answers with code
such as::

    await fill("e12", "Blue Mug")
    await click("e15")

The code is wrapped in `async def step(page)`, passes the skill AST policy (the primitives and
the site's verified skills are the only extra names it may call), and runs with a timeout
under the sandbox. Every primitive is recorded by the `Actor` with its normalised locator;
every library skill called is recorded as a `call` step whose arguments are mapped back to the
task's parameters (so the induced skill calls it too). Credentials are placeholders in the
model's view (`$account:alice`); they are replaced by the real value only when filled.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable, Mapping
from typing import Any

from playwright.async_api import Locator, Page
from pydantic import BaseModel, Field

from agent.browser.actions import Actor, record_call
from agent.models import ActionRecord
from agent.sandbox import compile_skill, run_skill
from agent.skill_urls import checked_relative_url
from skills_store.policy import PolicyViolation

_OPTIONS_JS = "(el) => Array.from(el.options || []).map(o => [o.label.trim(), o.value])"
_REF = re.compile(r"^(f\d+)?e\d+$")  # snapshot refs: e12, or f1e35 after a navigation

# Playwright methods that act on the page: step code must use the recorded primitives instead.
_UNRECORDED_ACTIONS = frozenset(
    {
        "click", "dblclick", "fill", "type", "press", "press_sequentially", "select_option",
        "check", "uncheck", "set_checked", "tap", "goto", "go_back", "go_forward", "reload",
        "dispatch_event", "drag_to", "clear",
    }
)  # fmt: skip

PRIMITIVES_HELP = """\
await click(ref)                 click an element, e.g. await click("e12")
await fill(ref, text)            type into a field (replaces its content)
await select(ref, label)         choose an option of a <select> by its visible label
await check(ref) / uncheck(ref)  tick or untick a checkbox or radio
await press(ref, key)            press a key in an element, e.g. "Enter"
await goto(path)                 open a path of this site, e.g. "/search?q=mug"
await scroll(ref=None)           scroll an element into view (or the page down)
answer(value)                    give the task's answer (information tasks)
Targets are refs from the snapshot; a Playwright locator (page.get_by_role(...)) also works.
Read-only Playwright calls are allowed (await page.get_by_role(...).inner_text(), .count())."""


class StepReply(BaseModel):
    """What the model returns for one step."""

    thought: str = ""
    code: str = ""
    done: bool = False
    answer: Any = None


class StepOutcome(BaseModel):
    """What running one step's code did."""

    records: list[ActionRecord] = Field(default_factory=list)
    error: str | None = None
    answer: Any = None
    answered: bool = False
    skill_calls: list[str] = Field(default_factory=list)


class StepCodeError(ValueError):
    """Step code that cannot run (syntax, AST policy, an unrecorded page action)."""


def _unrecorded(tree: ast.Module) -> str | None:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _UNRECORDED_ACTIONS
        ):
            return node.func.attr
    return None


def wrap_step(code: str) -> str:
    """`code` as the body of `async def step(page)` (checked by the AST policy later)."""
    body = textwrap.dedent(code).strip() or "pass"
    try:
        tree = ast.parse(body)
    except SyntaxError as exc:
        raise StepCodeError(f"syntax error in step code, line {exc.lineno}: {exc.msg}") from None
    method = _unrecorded(tree)
    if method is not None:
        raise StepCodeError(
            f"`.{method}(...)` acts on the page unrecorded: use the primitive instead "
            f"(e.g. await click(ref), await fill(ref, text), await goto(path))"
        )
    return "async def step(page):\n" + textwrap.indent(body, "    ") + "\n"


class StepRunner:
    """Runs steps on one page, keeping the records of every primitive and skill call.

    `shown` are the task's inputs as the model sees them (credentials as placeholders) and
    `inputs` the same with real values: a value the model writes that equals a shown input is
    recorded as that parameter and filled with the real value.
    """

    def __init__(
        self,
        page: Page,
        skills: Mapping[str, Callable[..., Any]],
        *,
        shown: Mapping[str, Any] | None = None,
        inputs: Mapping[str, Any] | None = None,
        timeout_s: float = 20.0,
    ) -> None:
        self.page = page
        self.actor = Actor(page)
        self.skills = dict(skills)
        self.shown = dict(shown or {})
        self.inputs = dict(inputs or self.shown)
        self.timeout_s = timeout_s
        self._outcome = StepOutcome()
        self.choices: dict[str, dict[str, str]] = {}

    @property
    def records(self) -> list[ActionRecord]:
        return self.actor.records

    # -- values ------------------------------------------------------------------------------

    def _param_of(self, value: Any) -> str | None:
        for name, shown in self.shown.items():
            if shown is not None and str(shown) == str(value) and str(value) != "":
                return name
        return None

    def _secret(self, param: str | None) -> bool:
        """Whether the model saw this input as a credential placeholder."""
        return param is not None and str(self.shown.get(param, "")).startswith("$account:")

    def _real(self, value: Any) -> tuple[str, str | None]:
        param = self._param_of(value)
        if param is not None:
            return str(self.inputs.get(param, value)), param
        text = str(value)
        if text.startswith("$account:"):
            raise StepCodeError(f"{text} is not an input of this task")
        return text, None

    # -- primitives --------------------------------------------------------------------------

    def _target(self, target: str | Locator) -> str | Locator:
        if isinstance(target, str) and not _REF.match(target):
            raise StepCodeError(f"{target!r} is not a ref (refs look like 'e12')")
        return target

    def _checked(self, rec: ActionRecord) -> None:
        if not rec.ok:
            raise RuntimeError(f"{rec.kind} failed: {rec.error}")

    def namespace(self) -> dict[str, Callable[..., Any]]:
        actor = self.actor

        async def click(target: str | Locator) -> None:
            self._checked(await actor.click(self._target(target)))

        async def fill(target: str | Locator, text: Any) -> None:
            value, param = self._real(text)
            rec = await actor.fill(self._target(target), value, param=param)
            if self._secret(param):
                rec.value = str(self.shown[param])  # the record keeps the placeholder
            self._checked(rec)

        async def select(target: str | Locator, label: Any) -> None:
            value, param = self._real(label)
            element = self._target(target)
            self._checked(await actor.select(element, value, param=param))
            if param is not None:
                await self._read_options(element, param)

        async def check(target: str | Locator) -> None:
            self._checked(await actor.check(self._target(target)))

        async def uncheck(target: str | Locator) -> None:
            self._checked(await actor.uncheck(self._target(target)))

        async def press(target: str | Locator, key: str = "Enter") -> None:
            self._checked(await actor.press(self._target(target), key))

        async def goto(path: str) -> None:
            self._checked(await actor.goto(checked_relative_url(path)))

        async def scroll(target: str | Locator | None = None) -> None:
            await actor.scroll(self._target(target) if target is not None else None)

        def answer(value: Any) -> None:
            self._outcome.answer = value
            self._outcome.answered = True

        prims: dict[str, Callable[..., Any]] = {
            "click": click,
            "fill": fill,
            "select": select,
            "check": check,
            "uncheck": uncheck,
            "press": press,
            "goto": goto,
            "scroll": scroll,
            "answer": answer,
        }
        for name, fn in self.skills.items():
            prims[name] = self._recorded_skill(name, fn)
        return prims

    def _recorded_skill(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        inner = getattr(fn, "sandbox_inner", fn)
        try:
            signature = inspect.signature(inner)
        except (TypeError, ValueError):
            signature = None

        async def call(page: Page, *args: Any, **kwargs: Any) -> Any:
            bound: dict[str, Any] = dict(kwargs)
            if signature is not None:
                try:
                    bound = dict(signature.bind(page, *args, **kwargs).arguments)
                    bound.pop(next(iter(signature.parameters)), None)  # the page
                except TypeError as exc:
                    raise RuntimeError(f"{name}: {exc}") from None
            real: dict[str, Any] = {}
            arg_params: dict[str, str] = {}
            for key, value in bound.items():
                param = self._param_of(value)
                if param is not None:
                    real[key] = self.inputs.get(param, value)
                    arg_params[key] = param
                else:
                    real[key] = value
                    arg_params[key] = repr(value)
            kept: dict[str, Any] = {}

            async def keep(page: Page, **kw: Any) -> None:
                kept["value"] = await fn(page, **kw)

            rec = await record_call(self.actor, name, keep, real, arg_params)
            self._outcome.skill_calls.append(name)
            if not rec.ok:
                raise RuntimeError(f"{name} failed: {rec.error}")
            return kept.get("value")  # what the skill returned (a list of names, …)

        return call

    async def _read_options(self, target: str | Locator, param: str) -> None:
        """label -> value of the <select> a parameter was chosen in: an address or a stored
        row carries the value where the caller passes the label."""
        locator = (
            self.actor.page.locator(f"aria-ref={target}") if isinstance(target, str) else target
        )
        try:
            pairs = await locator.evaluate(_OPTIONS_JS, timeout=2_000)
        except Exception:  # not a native select (a custom listbox): nothing to map
            return
        options = {str(label): str(value) for label, value in pairs if label}
        if any(label != value for label, value in options.items()):
            self.choices[param] = options

    # -- running -----------------------------------------------------------------------------

    async def run(self, code: str) -> StepOutcome:
        """Run one step's code; errors (policy, timeout, a failed action) come back in
        `StepOutcome.error` for the model's next observation."""
        self._outcome = StepOutcome()
        start = len(self.actor.records)
        try:
            source = wrap_step(code)
            namespace = self.namespace()
            fn = compile_skill(source, "step", library=namespace)
            await run_skill(fn, self.page, {}, self.timeout_s)
        except PolicyViolation as exc:
            self._outcome.error = f"refused by the code policy: {exc}"
        except StepCodeError as exc:
            self._outcome.error = str(exc)
        except Exception as exc:  # the step failed on the page: the model sees why
            first = str(exc).splitlines()[0] if str(exc) else ""
            self._outcome.error = f"{type(exc).__name__}: {first}"[:500]
        self._outcome.records = list(self.actor.records[start:])
        return self._outcome

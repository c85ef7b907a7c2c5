"""MiniWoB++ tasks, and how to start an episode and read its reward in a Playwright page.

A MiniWoB++ task page loads, shows a "START" cover and waits. The `miniwob` package (see its
`selenium_instance.py`) starts an episode by running, in the page:

    Math.seedrandom(seed); core.setDataMode("train"); core.startEpisodeReal();

then waits until `WOB_TASK_READY` is true (FlightWoB tasks load their form in an iframe first),
reads the instruction with `core.getUtterance()` (a string, or `{utterance, fields}` for a few
tasks) and, after each action, reads `WOB_DONE_GLOBAL` and `WOB_RAW_REWARD_GLOBAL` (the reward
before the time discount; -1..1, 1 = solved). `start_episode`/`read_reward` do exactly that.

The time limit: `core.startEpisodeReal()` arms `setTimeout(endEpisode(-1, "timed out"),
core.EPISODE_MAX_TIME)`, where each page sets `core.EPISODE_MAX_TIME` (10 s by default, 15-60 s
on some pages): made for RL agents, far too short for an LLM agent. `start_episode` overwrites
`core.EPISODE_MAX_TIME` before starting, so the episode gets `task.episode_time_limit_s`
(or `time_limit_s`). It cannot be disabled outright: `setTimeout` treats delays above 2^31-1 ms
(or `Infinity`) as 0, so the limit is capped at `MAX_TIME_LIMIT_S`. The time-discounted reward
(`WOB_REWARD_GLOBAL`) therefore changes meaning; use the raw reward.

When an episode ends the page shows the START cover again; clicking it would start a new,
unseeded episode, so an agent should stop acting once `read_reward(page).done`.
"""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import urlsplit

from playwright.async_api import Page
from pydantic import BaseModel, ConfigDict, Field

DEFAULT_TIME_LIMIT_S = 600.0
MAX_TIME_LIMIT_S = 86_400.0  # well below setTimeout's 2**31-1 ms ceiling
READY_TIMEOUT_MS = 15_000

Category = Literal[
    "click",
    "checkbox",
    "text-entry",
    "form",
    "widget",
    "email",
    "social",
    "search",
    "reading",
    "flight",
]


class MiniWoBTask(BaseModel):
    """One MiniWoB++ task page, addressed relative to the server root."""

    model_config = ConfigDict(frozen=True)

    name: str
    path: str
    category: Category
    episode_time_limit_s: float = DEFAULT_TIME_LIMIT_S
    description: str = ""

    @property
    def is_flight(self) -> bool:
        """FlightWoB tasks (the form lives in an iframe; needs HTTP, not file://)."""
        return self.path.startswith("/flight/")


class Episode(BaseModel):
    """A started episode: the instruction the agent must carry out."""

    task: MiniWoBTask
    seed: int
    utterance: str
    fields: dict[str, str] = Field(default_factory=dict)
    data_mode: str = "train"
    time_limit_s: float
    original_time_limit_s: float


class Reward(BaseModel):
    """The page's reward globals. `raw` is only meaningful once `done` is true."""

    raw: float
    done: bool
    discounted: float = 0.0
    reason: str | None = None

    @property
    def success(self) -> bool:
        return self.done and self.raw > 0


def _mw(name: str, category: Category, description: str) -> MiniWoBTask:
    return MiniWoBTask(
        name=name, path=f"/miniwob/{name}.html", category=category, description=description
    )


def _flight(name: str, description: str) -> MiniWoBTask:
    return MiniWoBTask(
        name=f"flight.{name}",
        path=f"/flight/{name}/wrapper.html",
        category="flight",
        description=description,
    )


# Tasks a DOM-reading agent can do: no canvas/SVG drawing, dragging, colours or shapes.
CURATED_TASKS: tuple[MiniWoBTask, ...] = (
    # clicking buttons, links, tabs, dialogs, menus
    _mw("click-test", "click", "Click the only button."),
    _mw("click-test-2", "click", "Click the button named ONE, not TWO."),
    _mw("click-button", "click", "Click the button with the given text."),
    _mw("click-button-sequence", "click", "Click button ONE, then button TWO."),
    _mw("click-link", "click", "Click the link with the given text in a paragraph."),
    _mw("click-dialog", "click", "Close a jQuery UI dialog with its x button."),
    _mw("click-dialog-2", "click", "Click a named button in a dialog."),
    _mw("click-widget", "click", "Click a widget of the given kind (button, checkbox, ...)."),
    _mw("click-tab", "click", "Click the numbered tab."),
    _mw("click-tab-2", "click", "Open tabs until the link with the given text shows; click it."),
    _mw("click-tab-2-hard", "click", "click-tab-2 with more tabs and links."),
    _mw("click-collapsible", "click", "Expand a collapsible section, then click Submit."),
    _mw("click-collapsible-2", "click", "Expand sections to find and click the named link."),
    _mw("click-menu", "click", "Open nested menu items to select the given path."),
    _mw("click-scroll-list", "click", "Select items from a scrollable multi-select list."),
    _mw("navigate-tree", "click", "Expand folders in a file tree and click the named file."),
    # checkboxes and radio buttons
    _mw("click-checkboxes", "checkbox", "Tick exactly the named checkboxes, then Submit."),
    _mw("click-checkboxes-large", "checkbox", "click-checkboxes with many boxes."),
    _mw("click-checkboxes-soft", "checkbox", "Tick the boxes with words similar to the given."),
    _mw("click-checkboxes-transfer", "checkbox", "click-checkboxes, train/test split of words."),
    _mw("click-option", "checkbox", "Select the named radio button, then Submit."),
    # text entry
    _mw("enter-text", "text-entry", "Type the given text into the field and Submit."),
    _mw("enter-text-2", "text-entry", "Type the given text transformed (case) and Submit."),
    _mw("enter-text-dynamic", "text-entry", "Type a randomly generated string and Submit."),
    _mw("enter-password", "text-entry", "Type a password into both fields and Submit."),
    _mw("focus-text", "text-entry", "Focus the text field."),
    _mw("focus-text-2", "text-entry", "Focus the n-th text field."),
    _mw("find-word", "text-entry", "Type the n-th word of a paragraph and Submit."),
    _mw("copy-paste", "text-entry", "Copy a textarea's text into the field and Submit."),
    _mw("copy-paste-2", "text-entry", "Copy the n-th textarea's text into the field."),
    _mw("simple-arithmetic", "text-entry", "Type the result of a sum shown as text."),
    _mw("simple-algebra", "text-entry", "Solve a one-step equation for x and Submit."),
    _mw("terminal", "text-entry", "Use a fake terminal to delete the named file."),
    # forms
    _mw("login-user", "form", "Log in with the given username and password."),
    _mw("login-user-popup", "form", "Log in, dismissing a popup that may appear."),
    _mw("form-sequence", "form", "Set a slider, tick the n-th checkbox, then Submit."),
    _mw("form-sequence-2", "form", "Pick a radio button and type a number, then Submit."),
    _mw("form-sequence-3", "form", "Pick a dropdown option and click the named button."),
    _mw("multi-layouts", "form", "Fill a form whose layout varies (labels, placeholders)."),
    _mw("multi-orderings", "form", "Fill a form whose field order varies."),
    _mw("sign-agreement", "form", "Scroll an agreement, tick the box, click Sign."),
    # widgets
    _mw("choose-list", "widget", "Choose an item in a <select> and Submit."),
    _mw("choose-date", "widget", "Pick a date in a jQuery UI datepicker and Submit."),
    _mw("choose-date-easy", "widget", "choose-date within the current month."),
    _mw("enter-date", "widget", "Type a date into a date input and Submit."),
    _mw("enter-time", "widget", "Type a time into a time input and Submit."),
    _mw("use-autocomplete", "widget", "Type a prefix, pick the suggestion, Submit."),
    _mw("use-spinner", "widget", "Set a spinner to the given number and Submit."),
    # email client
    _mw("email-inbox", "email", "Do one action (reply, forward, delete, star) on an email."),
    _mw("email-inbox-delete", "email", "Delete the email from the given sender."),
    _mw("email-inbox-forward", "email", "Forward an email to a given recipient."),
    _mw("email-inbox-forward-nl", "email", "email-inbox-forward, natural-language instruction."),
    _mw("email-inbox-important", "email", "Mark an email as important."),
    _mw("email-inbox-noscroll", "email", "email-inbox with a short inbox."),
    _mw("email-inbox-reply", "email", "Reply to an email with the given text."),
    _mw("email-inbox-star-reply", "email", "Star an email and reply to it."),
    _mw("email-inbox-nl-turk", "email", "email-inbox with crowd-written instructions."),
    # social media feed
    _mw("social-media", "social", "Do an action (like, share, ...) on a user's post."),
    _mw("social-media-all", "social", "Do an action on every post of a user."),
    _mw("social-media-some", "social", "Do an action on a number of a user's posts."),
    # search and reading
    _mw("search-engine", "search", "Search and open the n-th result (with pagination)."),
    _mw("phone-book", "search", "Find a contact in a paged phone book and act on it."),
    _mw("read-table", "reading", "Read a value from a table into a field."),
    _mw("read-table-2", "reading", "Read two values from a table into fields."),
    _mw("buy-ticket", "reading", "Buy the ticket with the cheapest/shortest/... flight."),
    _mw("order-food", "reading", "Order menu items by name or by type."),
    # flights
    _mw("book-flight", "flight", "Search flights and book the cheapest/shortest one."),
    _flight("AA", "FlightWoB: fill American Airlines' flight search form."),
    _flight("Alaska", "FlightWoB: fill Alaska Airlines' flight search form."),
)


def get_task(name: str) -> MiniWoBTask:
    """The curated task called `name` (e.g. "click-button", "flight.AA")."""
    for task in CURATED_TASKS:
        if task.name == name:
            return task
    raise KeyError(f"no curated MiniWoB task {name!r}")


_START_JS = """({seed, mode, limitMs}) => {
  core.EPISODE_MAX_TIME = limitMs;
  Math.seedrandom(seed);
  core.setDataMode(mode);
  core.startEpisodeReal();
}"""

_REWARD_JS = """() => ({
  done: WOB_DONE_GLOBAL,
  raw: WOB_RAW_REWARD_GLOBAL,
  discounted: WOB_REWARD_GLOBAL,
  reason: WOB_REWARD_REASON,
})"""


_LOADED_JS = (
    "() => window.core !== undefined && core.cover_div !== null && typeof genProblem === 'function'"
)


async def _showing(page: Page, task: MiniWoBTask) -> bool:
    """Whether `page` has `task`'s page loaded (so an episode can be restarted in place)."""
    if urlsplit(page.url).path != task.path:
        return False
    return bool(await page.evaluate(_LOADED_JS))


def _extract_fields(task: MiniWoBTask, utterance: str, given: Any) -> dict[str, str]:
    """Fields from the page itself when it gives them, else the package's regex extractor."""
    if isinstance(given, dict):
        return {str(k): str(v) for k, v in given.items()}
    from miniwob.fields import FIELD_EXTRACTORS  # imports gymnasium: keep it lazy

    extractor = FIELD_EXTRACTORS.get(task.name)
    if extractor is None:
        return {}
    try:
        pairs = extractor(utterance)
    except ValueError:  # the package's regex does not cover this utterance variant
        return {}
    return {str(k): str(v) for k, v in pairs}


async def start_episode(
    page: Page,
    task: MiniWoBTask,
    seed: int,
    *,
    time_limit_s: float | None = None,
    data_mode: str = "train",
    base_url: str | None = None,
    reuse_page: bool = False,
) -> Episode:
    """Open `task`'s page in `page`, start a seeded episode and return its instruction.

    `page` must belong to a context whose `base_url` is the MiniWoB server (as
    `BrowserSession.new_context(site.base_url)` gives), or pass `base_url`.
    With `reuse_page=True` a page already showing `task` is not reloaded: the running episode
    is force-stopped and a new one generated in place, as the `miniwob` package does between
    episodes (about 5x faster; a fresh load is the cleaner default).
    """
    limit_s = min(time_limit_s or task.episode_time_limit_s, MAX_TIME_LIMIT_S)
    if reuse_page and await _showing(page, task):
        await page.evaluate("() => core.endEpisode(0, false, 'reset')")
    else:
        url = (base_url.rstrip("/") + task.path) if base_url else task.path
        await page.goto(url)
        # window.onload -> core.startEpisode() puts up the START cover; then it is ready.
        await page.wait_for_function(_LOADED_JS, timeout=READY_TIMEOUT_MS)
        # Remember the page's own limit before the first start overwrites it.
        await page.evaluate("() => { window.skillwrightPageMaxTime = core.EPISODE_MAX_TIME; }")
    original_ms = await page.evaluate("() => window.skillwrightPageMaxTime")
    await page.evaluate(
        _START_JS, {"seed": seed, "mode": data_mode, "limitMs": int(limit_s * 1000)}
    )
    await page.wait_for_function("() => WOB_TASK_READY === true", timeout=READY_TIMEOUT_MS)
    got = await page.evaluate("() => core.getUtterance()")
    if isinstance(got, dict):
        utterance, given = str(got.get("utterance", "")), got.get("fields")
    else:
        utterance, given = str(got), None
    return Episode(
        task=task,
        seed=seed,
        utterance=utterance,
        fields=_extract_fields(task, utterance, given),
        data_mode=data_mode,
        time_limit_s=limit_s,
        original_time_limit_s=float(original_ms) / 1000.0,
    )


async def read_reward(page: Page) -> Reward:
    """The episode's reward so far (`done` false while it is still running)."""
    got = await page.evaluate(_REWARD_JS)
    reason = got.get("reason")
    if reason is not None and not isinstance(reason, str):
        reason = json.dumps(reason)
    return Reward(
        raw=float(got["raw"]),
        done=bool(got["done"]),
        discounted=float(got["discounted"]),
        reason=reason,
    )


async def wait_for_done(page: Page, timeout_s: float = 5.0) -> Reward:
    """Wait until the episode has ended, then return its reward (TimeoutError otherwise)."""
    await page.wait_for_function("() => WOB_DONE_GLOBAL === true", timeout=timeout_s * 1000)
    return await read_reward(page)

"""Scripted solvers for some MiniWoB++ tasks: reference solutions that prove the adapter works.

Each solver reads the episode's instruction (`episode.fields`, which come from
`episode.utterance`) and acts with semantic Playwright locators, as an induced skill would.
They do not wait for the reward; call `episodes.wait_for_done(page)` afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from playwright.async_api import Locator, Page, expect

from sites.miniwob.episodes import Episode

Solver = Callable[[Page, Episode], Awaitable[None]]


def _area(page: Page) -> Locator:
    """The task's own widgets (not the instruction strip or the score panel)."""
    return page.locator("#area")


async def solve_click_test(page: Page, episode: Episode) -> None:
    await page.get_by_role("button", name="Click Me!").click()


async def solve_click_button(page: Page, episode: Episode) -> None:
    target = episode.fields["target"]
    await _area(page).get_by_role("button", name=target, exact=True).first.click()


async def solve_click_link(page: Page, episode: Episode) -> None:
    # The "links" are styled <span>s inside a paragraph; any one with the text is right.
    target = episode.fields["target"]
    await _area(page).get_by_text(target, exact=True).first.click()


async def solve_click_dialog(page: Page, episode: Episode) -> None:
    await page.get_by_role("dialog").get_by_role("button", name="Close").click()


async def solve_click_tab(page: Page, episode: Episode) -> None:
    await page.get_by_role("tab", name=f"Tab #{episode.fields['target']}").click()


async def solve_click_option(page: Page, episode: Episode) -> None:
    await page.get_by_role("radio", name=episode.fields["target"], exact=True).check()
    await page.get_by_role("button", name="Submit").click()


async def solve_click_checkboxes(page: Page, episode: Episode) -> None:
    wanted = {v for k, v in episode.fields.items() if k.startswith("target")}
    boxes = _area(page).get_by_role("checkbox")
    for i in range(await boxes.count()):
        box = boxes.nth(i)
        label = (await box.locator("xpath=..").inner_text()).strip()
        await box.set_checked(label in wanted)
    await page.get_by_role("button", name="Submit").click()


async def solve_enter_text(page: Page, episode: Episode) -> None:
    await _area(page).get_by_role("textbox").fill(episode.fields["target"])
    await page.get_by_role("button", name="Submit").click()


async def solve_enter_password(page: Page, episode: Episode) -> None:
    password = episode.fields["target"]
    # Labels are not tied to their inputs (`<p><label>Password</label><input ...></p>`).
    await page.locator("p", has_text=re.compile(r"^Password$")).locator("input").fill(password)
    await page.locator("p", has_text="Verify password").locator("input").fill(password)
    await page.get_by_role("button", name="Submit").click()


async def solve_login_user(page: Page, episode: Episode) -> None:
    await (
        page.locator("p", has_text="Username")
        .get_by_role("textbox")
        .fill(episode.fields["username"])
    )
    await page.locator("p", has_text="Password").locator("input").fill(episode.fields["password"])
    await page.get_by_role("button", name="Login").click()


async def solve_focus_text(page: Page, episode: Episode) -> None:
    await _area(page).get_by_role("textbox").focus()


async def solve_choose_list(page: Page, episode: Episode) -> None:
    await _area(page).get_by_role("combobox").select_option(label=episode.fields["target"])
    await page.get_by_role("button", name="Submit").click()


async def solve_use_autocomplete(page: Page, episode: Episode) -> None:
    start, end = episode.fields["start"], episode.fields.get("end", "")
    field = page.get_by_label("Tags")
    # Click first so the mouse rests on the field: a menu opening under a resting pointer makes
    # jQuery UI activate the item beneath it, and a later click selects *that* item.
    await field.click()
    await field.press_sequentially(start)
    # jQuery UI renders the suggestions as a plain list (no listbox/option roles).
    suggestions = page.get_by_role("list").get_by_role("listitem")
    await expect(suggestions.first).to_be_visible()
    for text in await suggestions.all_inner_texts():
        if text.startswith(start) and text.endswith(end):
            await suggestions.filter(has_text=re.compile(f"^{re.escape(text)}$")).first.click()
            break
    else:
        raise AssertionError(f"no suggestion starts with {start!r} and ends with {end!r}")
    await page.get_by_role("button", name="Submit").click()


async def solve_enter_date(page: Page, episode: Episode) -> None:
    month, day, year = episode.fields["target"].split("/")
    await _area(page).locator("input[type=date]").fill(f"{year}-{month}-{day}")
    await page.get_by_role("button", name="Submit").click()


SOLVERS: Mapping[str, Solver] = MappingProxyType(
    {
        "click-test": solve_click_test,
        "click-button": solve_click_button,
        "click-link": solve_click_link,
        "click-dialog": solve_click_dialog,
        "click-tab": solve_click_tab,
        "click-option": solve_click_option,
        "click-checkboxes": solve_click_checkboxes,
        "enter-text": solve_enter_text,
        "enter-password": solve_enter_password,
        "login-user": solve_login_user,
        "focus-text": solve_focus_text,
        "choose-list": solve_choose_list,
        "use-autocomplete": solve_use_autocomplete,
        "enter-date": solve_enter_date,
    }
)

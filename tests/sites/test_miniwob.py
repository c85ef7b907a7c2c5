"""The MiniWoB++ adapter: static serving, seeded episodes, rewards, scripted solvers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Page
from starlette.testclient import TestClient

import sites
from agent.browser import BrowserSession
from sites.miniwob import (
    CURATED_TASKS,
    SITE,
    get_task,
    html_dir,
    read_reward,
    start_episode,
    wait_for_done,
)
from sites.miniwob.app import create_app
from sites.miniwob.check import check_miniwob
from sites.miniwob.solvers import SOLVERS
from sites.miniwob.tasks import begin, intent_template, judge, make_specs

SOLVED_TASKS = (
    "click-button",
    "click-checkboxes",
    "enter-text",
    "login-user",
    "click-link",
    "choose-list",
    "click-tab",
)
SEEDS = range(10)


# ---------------------------------------------------------------- no browser


def test_curated_list_is_large_and_every_file_exists() -> None:
    assert len(CURATED_TASKS) >= 40
    names = [t.name for t in CURATED_TASKS]
    assert len(set(names)) == len(names)
    root = html_dir()
    for task in CURATED_TASKS:
        assert task.path.startswith("/")
        assert (root / task.path.lstrip("/")).is_file(), task.path
    assert any(t.is_flight for t in CURATED_TASKS)


def test_site_definition_has_no_database_or_login() -> None:
    assert sites.get_site("miniwob") is SITE
    assert SITE.has_database is False
    assert SITE.login is None
    assert SITE.accounts == {}
    assert SITE.themes == ("v1",)


def test_app_serves_the_package_html(tmp_path) -> None:
    client = TestClient(create_app(tmp_path / "none.db", "v1"))
    index = client.get("/")
    assert index.status_code == 200
    assert 'href="/miniwob/click-button.html"' in index.text
    page = client.get("/miniwob/click-button.html")
    assert page.status_code == 200 and "genProblem" in page.text
    assert client.get("/core/core.js").status_code == 200
    assert client.get("/flight/AA/wrapper.html").status_code == 200
    assert client.get("/miniwob/no-such-task.html").status_code == 404


def test_intent_template_replaces_field_values() -> None:
    fields = {"username": "vina", "password": "US"}
    utterance = 'Enter the username "vina" and the password "US" into the text fields.'
    assert intent_template(utterance, fields) == (
        'Enter the username "{{username}}" and the password "{{password}}" into the text fields.'
    )
    assert intent_template("Click the button.", {}) == "Click the button."
    same = {"Departure Month": "3", "Returning Month": "3"}
    assert intent_template("Leave 3/1, back 3/9", same) == (
        "Leave {{Departure Month}}/1, back {{Returning Month}}/9"
    )
    assert json.loads(intent_template('{"Departure Day": 9, "Departure City": "Boston"}', {})) == {
        "Departure Day": "{{Departure Day}}",
        "Departure City": "{{Departure City}}",
    }


def test_specs_split_by_disjoint_seeds() -> None:
    specs = make_specs([get_task("click-button")], train_seeds=[0, 1], test_seeds=[7])
    assert [(s.seed, s.split) for s in specs] == [(0, "train"), (1, "train"), (7, "test")]
    assert len({s.task_id for s in specs}) == 3
    with pytest.raises(ValueError):
        make_specs(train_seeds=[1], test_seeds=[1])


# ---------------------------------------------------------------- browser


# `browser` is the session-wide BrowserSession from tests/sites/conftest.py.


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def miniwob_site() -> AsyncIterator[sites.RunningSite]:
    async with sites.serve("miniwob") as site:
        yield site


@pytest.fixture
async def page(miniwob_site: sites.RunningSite, browser: BrowserSession) -> AsyncIterator[Page]:
    context = await browser.new_context(miniwob_site.base_url)
    try:
        yield await context.new_page()
    finally:
        await context.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", SOLVED_TASKS)
async def test_scripted_solver_gets_full_reward_on_ten_seeds(page: Page, name: str) -> None:
    task, solve = get_task(name), SOLVERS[name]
    rewards: dict[int, float] = {}
    for seed in SEEDS:  # one page load, then episodes restarted in place as miniwob does
        episode = await start_episode(page, task, seed, reuse_page=True)
        await solve(page, episode)
        rewards[seed] = (await wait_for_done(page)).raw
    assert rewards == dict.fromkeys(SEEDS, 1.0)


@pytest.mark.browser
async def test_same_seed_same_utterance_and_seeds_differ(page: Page) -> None:
    task = get_task("enter-text")
    first = await start_episode(page, task, 5)
    reloaded = await start_episode(page, task, 5)
    in_place = await start_episode(page, task, 5, reuse_page=True)
    assert first.fields["target"] in first.utterance
    assert {(e.utterance, tuple(e.fields.items())) for e in (first, reloaded, in_place)} == {
        (first.utterance, tuple(first.fields.items()))
    }
    utterances = {
        (await start_episode(page, task, seed, reuse_page=True)).utterance for seed in range(6)
    }
    assert len(utterances) >= 4


@pytest.mark.browser
async def test_episode_gets_a_generous_time_limit(page: Page) -> None:
    episode = await start_episode(page, get_task("click-button"), 1)
    assert episode.original_time_limit_s == 10.0
    assert episode.time_limit_s == get_task("click-button").episode_time_limit_s >= 300
    assert await page.evaluate("() => core.EPISODE_MAX_TIME") == episode.time_limit_s * 1000


@pytest.mark.browser
async def test_flight_task_loads_over_http_and_starts(page: Page) -> None:
    task = get_task("flight.AA")
    assert task.is_flight
    episode = await start_episode(page, task, 3)
    instruction = json.loads(episode.utterance)
    assert instruction["Departure City"] and instruction["Destination City"]
    assert episode.fields["Departure City"] == instruction["Departure City"]
    assert page.url.startswith("http://127.0.0.1:")
    form = page.frame_locator("#wrap").locator("form.miniwob-main-form")
    assert await form.count() == 1
    assert (await read_reward(page)).done is False


@pytest.mark.browser
async def test_doing_nothing_earns_no_positive_reward(page: Page) -> None:
    spec = make_specs([get_task("click-button")], train_seeds=[2], test_seeds=[])[0]
    episode, instance = await begin(page, spec, time_limit_s=0.5)
    assert instance.intent == episode.utterance
    assert not (await judge(page, instance)).passed  # not done yet
    reward = await wait_for_done(page, timeout_s=5)
    assert reward.done and reward.raw == -1.0 and reward.reason == "timed out"
    assert not (await judge(page, instance)).passed


@pytest.mark.browser
async def test_task_instance_judges_the_page_reward(page: Page) -> None:
    spec = make_specs([get_task("login-user")], train_seeds=[], test_seeds=[10_001])[0]
    episode, instance = await begin(page, spec)
    assert instance.split == "test" and instance.reference == "login-user"
    assert "{{username}}" in instance.intent_template
    await SOLVERS["login-user"](page, episode)
    await wait_for_done(page)
    assert (await judge(page, instance)).passed

    spec = make_specs([get_task("enter-text")], train_seeds=[4], test_seeds=[])[0]
    episode, instance = await begin(page, spec)
    await page.locator("#area").get_by_role("textbox").fill(episode.fields["target"] + "x")
    await page.get_by_role("button", name="Submit").click()
    assert (await wait_for_done(page)).raw == -1.0
    assert not (await judge(page, instance)).passed


@pytest.mark.browser
async def test_one_curated_task_per_category_starts_an_episode(page: Page) -> None:
    # All curated tasks start (checked when the list was made); one per category keeps this fast.
    sample = {t.category: t for t in reversed(CURATED_TASKS)}
    failed = []
    for task in sample.values():
        episode = await start_episode(page, task, 0)
        if not episode.utterance or (await read_reward(page)).done:
            failed.append(task.name)
    assert len(sample) >= 8 and failed == []


@pytest.mark.browser
async def test_check_runs_solvers_and_noops(
    miniwob_site: sites.RunningSite, browser: BrowserSession
) -> None:
    report = await check_miniwob(
        browser, miniwob_site.base_url, tasks=["click-test", "focus-text"], seeds=[3]
    )
    assert report.ok, report.rows
    assert report.summary() == "2/2 solver runs earn reward 1; 2/2 no-op runs earn none"
    assert all(row.noop_reward == -1.0 for row in report.rows)

"""The habits of real sites that broke exploring them, each on a small fixture app (see
fixture_app.py): clobbered forms, no <main>, notices without role=status, Preview/Create
buttons, hidden and disabled fields, a URL with a path, a login with "remember me", a failing
login, pages that answer 500 or cannot be read, an unknown item name."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.attempt import attempt
from agent.browser import BrowserSession
from agent.browser.facts import page_facts, primary_submit
from agent.browser.readback import result_names, row_values
from agent.errors import TargetError
from agent.policies.heuristic.plan import HeuristicPlan
from agent.policies.heuristic.policy import HeuristicPolicy
from agent.policies.heuristic.practise import practise
from agent.policies.heuristic.propose import propose
from agent.policies.heuristic.sitemap import crawl
from agent.postconditions import ResultsMatchListing
from agent.sandbox import compile_skill, run_skill
from agent.target import Target, open_target
from agent.workbench import Workbench
from skills_store import SkillLibrary
from tests.realsites.fixture_app import PASSWORD, USER, FixtureServer


@pytest.fixture
def app() -> Iterator[FixtureServer]:
    server = FixtureServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_a_form_whose_inputs_clobber_its_properties_is_read(
    app: FixtureServer, browser: BrowserSession
) -> None:
    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        await page.goto("/lib/clobbered")
        facts = await page_facts(page)
    finally:
        await context.close()
    # <form name="title"> shadows document.title; inputs named action/method/elements
    assert facts.title == "Clobbered - Fixture Library"
    form = next(f for f in facts.forms if f.action_path == "/lib/prefs" and f.heading)
    assert form.method == "post"
    assert [f.name for f in form.inputs] == ["action", "elements", "method"]


async def test_results_are_read_on_a_page_without_main(
    app: FixtureServer, browser: BrowserSession
) -> None:
    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        await page.goto("/lib/search?q=garden")
        facts = await page_facts(page)
    finally:
        await context.close()
    assert not facts.has_main
    pattern, names = result_names(facts)
    assert pattern == "/lib/book{id}"
    assert names == ["Garden Planning Basics", "Garden Tools Handbook", "Kitchen Garden Recipes"]


async def test_a_notice_without_role_status_and_a_form_saved_in_place_are_seen(
    app: FixtureServer, browser: BrowserSession
) -> None:
    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        await page.goto("/lib/prefs")
        before = await row_values(page, "Grace Hopper")
        await page.get_by_label("Real name").fill("Grace Hopper")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_load_state()
        facts = await page_facts(page)
        after = await row_values(page, "Grace Hopper")
    finally:
        await context.close()
    assert facts.statuses == []
    assert "Your preferences were saved" in facts.notices
    assert facts.url.endswith("/lib/prefs")  # the URL did not change
    assert before is None and after is not None and "Grace Hopper" in after


async def test_an_error_box_without_role_alert_is_an_error(
    app: FixtureServer, browser: BrowserSession
) -> None:
    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        await page.goto("/lib/")
        await page.get_by_label("Username").fill(USER)
        await page.get_by_label("Password").fill("wrong")
        await page.get_by_role("button", name="Log in").click()
        await page.wait_for_load_state()
        facts = await page_facts(page)
    finally:
        await context.close()
    assert facts.alerts == [] and facts.errors == ["Invalid login"]


async def _sitemap(app: FixtureServer, browser: BrowserSession):  # type: ignore[no-untyped-def]
    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        return await crawl(page, "/lib/", max_pages=20)
    finally:
        await context.close()


async def test_the_create_button_is_pressed_not_preview_and_hidden_fields_are_left_alone(
    app: FixtureServer, browser: BrowserSession
) -> None:
    sitemap = await _sitemap(app, browser)
    new_page = sitemap.page_for("/lib/new")
    assert new_page is not None
    form = next(f for f in new_page.forms if f.action_path == "/lib/new")
    assert [s.text for s in form.submits] == ["Preview", "Create book"]
    assert primary_submit(form.submits).text == "Create book"  # type: ignore[union-attr]
    # the hidden token and the disabled shelf are not the user's to fill
    assert [f.name for f in form.inputs] == ["title"]
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    create = next(p for p in proposals if p.start_url == "/lib/new")
    assert create.skill_name == "create_book"
    assert isinstance(create.plan, HeuristicPlan)
    assert create.plan.submit == "Create book"
    assert [f["name"] for f in create.plan.fields] == ["title"]
    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        inputs = create.positives()[0].inputs
        trajectory = await practise(create, inputs, page, {})
    finally:
        await context.close()
    assert trajectory.error is None
    assert inputs["title"] in app.state.books.values()  # created, not previewed
    clicked = [r.locator for r in trajectory.actions if r.kind == "click"]
    assert clicked == ['page.get_by_role("button", name="Create book")']


async def test_a_url_with_a_path_is_explored_under_it_and_bad_pages_are_skipped(
    app: FixtureServer, browser: BrowserSession
) -> None:
    target = await open_target(app.base_url + "/lib/")
    assert (target.start_path, target.scope, target.name) == ("/lib/", "/lib/", "fixture_library")
    named = await open_target(app.base_url + "/lib/", site_name="books", scope="/")
    assert (named.name, named.scope) == ("books", "/")
    sitemap = await _sitemap(app, browser)
    paths = [p.path for p in sitemap.pages]
    assert paths[0] == "/lib/" and all(p.startswith("/lib/") for p in paths)
    reasons = {s.path: s.reason for s in sitemap.skipped}
    assert reasons["/lib/broken"] == "the site answered 500"
    assert reasons["/lib/unreadable"].startswith("reading ")
    # items at /lib/book1 are one kind, named after their segment
    assert "/lib/book{id}" in sitemap.entities
    assert sitemap.entities["/lib/book{id}"].noun == "book"


def _workbench(app: FixtureServer, browser: BrowserSession, tmp: Path, password: str) -> Workbench:
    target = Target(
        "fixture", app.base_url, accounts={USER: password}, start_path="/lib/", scope="/lib/"
    )
    return Workbench(target, browser, SkillLibrary(tmp / "lib"), tmp / "run", skill_timeout_s=10)


async def test_a_login_with_remember_me_and_one_account_is_verified_by_its_refusals(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    wb = _workbench(app, browser, tmp_path, PASSWORD)
    policy = HeuristicPolicy(iterations=1, max_pages=20)
    first = await policy.propose(wb)
    assert first is not None
    login = next(p for p in first if p.skill_name == "login")
    assert len(login.positives()) == 1
    notes = sorted(c.note for c in login.test_cases if c.expect == "rejected")
    assert notes == [
        "the browser must refuse: a required field is empty",
        "the site must refuse a wrong password",
    ]
    result, grounded = await attempt(wb, policy, login, "run")
    assert result.verified, result.reason
    assert result.total_runs == 3  # the account, a wrong password, an empty user name
    policy.learn(__import__("agent.attempt", fromlist=["outcome"]).outcome(result, grounded))
    assert policy.state.login_skill == "login"


async def test_a_failing_login_stops_exploring_with_a_clear_message(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    from agent.attempt import outcome

    wb = _workbench(app, browser, tmp_path, "not-the-password")
    policy = HeuristicPolicy(iterations=1, max_pages=20)
    first = await policy.propose(wb)
    assert first is not None
    login = next(p for p in first if p.skill_name == "login")
    result, grounded = await attempt(wb, policy, login, "run")
    assert not result.verified
    policy.learn(outcome(result, grounded))
    with pytest.raises(TargetError, match="logging in as 'ada' failed"):
        await policy.propose(wb)


async def test_an_open_skill_names_an_unknown_item_at_once(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    from agent.attempt import outcome

    wb = _workbench(app, browser, tmp_path, PASSWORD)
    wb.target.accounts = {}
    policy = HeuristicPolicy(iterations=1, max_pages=20)
    proposals: list = []
    while (batch := await policy.propose(wb)) is not None:
        proposals += batch
        if any(p.skill_name == "open_book" for p in proposals):
            break
    opener = next(p for p in proposals if p.skill_name == "open_book")
    result, grounded = await attempt(wb, policy, opener, "run")
    assert result.verified, result.reason
    policy.learn(outcome(result, grounded))
    code = wb.library.list(site="fixture")[0].code
    assert "raise RuntimeError(f'no book named {book!r}')" in code
    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        fn = compile_skill(code, "open_book", wb.skills())
        began = time.monotonic()
        with pytest.raises(RuntimeError, match="no book named 'Moby Dick'"):
            await run_skill(fn, page, {"book": "Moby Dick"}, 10)
        assert time.monotonic() - began < 5
    finally:
        await context.close()


async def test_a_created_item_is_read_back_from_the_page_its_skill_ends_on(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    wb = _workbench(app, browser, tmp_path, PASSWORD)
    wb.target.accounts = {}
    sitemap = await _sitemap(app, browser)
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    create = next(p for p in proposals if p.skill_name == "create_book")
    result, _ = await attempt(wb, HeuristicPolicy(), create, "run")
    assert result.verified, result.reason
    report = (tmp_path / "run" / "attempts" / create.id / "verification.json").read_text()
    assert (
        '"url": "@current"'
        in (tmp_path / "run" / "attempts" / create.id / "proposal.json").read_text()
    )
    titles = [c.inputs["title"] for c in create.positives()]
    assert set(titles) <= set(app.state.books.values()), report[:500]


async def test_a_settings_form_read_back_wants_each_value_in_its_own_field(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    from agent.models import CandidateSkill
    from agent.mutants import make_mutants
    from agent.postconditions import PageShows
    from agent.verify import verify

    wb = _workbench(app, browser, tmp_path, PASSWORD)
    wb.target.accounts = {}
    sitemap = await _sitemap(app, browser)
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    prefs = next(p for p in proposals if p.start_url == "/lib/prefs")
    assert [p.name for p in prefs.params] == ["real_name", "city"]
    result, grounded = await attempt(wb, HeuristicPolicy(), prefs, "run")
    assert result.verified, result.reason
    shows = grounded.postconditions[0]
    assert isinstance(shows, PageShows)
    assert shows.fields == {"real_name": ["realname"], "city": ["city"]}

    # the page shows both values after a run that swaps them: each must be in its own field
    code = (tmp_path / "run" / "attempts" / prefs.id / "candidate.py").read_text()
    examples = {p: [c.inputs[p] for c in prefs.positives()] for p in ("real_name", "city")}
    swap = next(
        m for m in make_mutants(code, prefs.skill_name, examples) if m.kind == "swap_params"
    )
    bad = CandidateSkill(site="fixture", name=prefs.skill_name, code=swap.code, proposal_id="p")
    report = await verify(wb, bad, grounded)
    assert not report.passed
    assert "in its own field" in report.failure, report.failure


async def test_a_long_table_form_fills_the_field_its_header_marks_required(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    from agent.verify import gather

    wb = _workbench(app, browser, tmp_path, PASSWORD)
    wb.target.accounts = {}
    sitemap = await _sitemap(app, browser)
    page_facts_ = sitemap.page_for("/lib/report")
    assert page_facts_ is not None
    form = next(f for f in page_facts_.forms if f.action_path == "/lib/report")
    fields = {f.name: f for f in form.inputs}
    # labelled by the header cell before it; required by the page's mark, not the browser's
    assert fields["priority"].label == "Priority"
    assert fields["priority"].marked_required and not fields["priority"].required
    assert not fields["shelf"].marked_required
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    create = next(p for p in proposals if p.start_url == "/lib/report")
    assert isinstance(create.plan, HeuristicPlan)
    # a long form: the marked-required select is filled with the core texts, not shelf/tags
    assert sorted(f["name"] for f in create.plan.fields) == ["note", "priority", "title"]
    result, _ = await attempt(wb, HeuristicPolicy(), create, "run")
    assert result.verified, result.reason
    assert {r["priority"] for r in app.state.reports.values()} >= {"low", "normal"}

    # a refusal shown in an error box without role=alert is the site reporting an error
    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        await page.goto("/lib/report")
        await page.locator("input[name=title]").fill("No priority")
        await page.get_by_role("button", name="Submit report").click()
        await page.wait_for_load_state()
        ev, _ = await gather(wb, page, create, {"title": "No priority"}, None, None, None)
    finally:
        await context.close()
    assert ev.alerts == ["Required property priority not supplied"]


async def test_items_called_pages_at_slash_ended_addresses_are_opened(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    wb = _workbench(app, browser, tmp_path, PASSWORD)
    wb.target.accounts = {}
    sitemap = await _sitemap(app, browser)
    assert sitemap.entities["/lib/pages/{id}/"].noun == "page"
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    opener = next(p for p in proposals if p.skill_name == "open_page")
    # `page` is the skill's browser page: the item is passed as `page_name`
    assert [p.name for p in opener.params] == ["page_name"]
    result, _ = await attempt(wb, HeuristicPolicy(), opener, "run")
    assert result.verified, result.reason  # /lib/pages/2/ matches /lib/pages/{id}/
    code = wb.library.list(site="fixture")[0].code
    assert "no page named {page_name!r}" in code


async def test_a_table_browser_names_rows_by_id_and_its_search_returns_the_rows(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        await page.goto("/lib/rows?_search=garden&_op=contains")
        facts = await page_facts(page)
    finally:
        await context.close()
    # each row's author link is a column of the row, not a result
    assert result_names(facts) == ("/lib/rows/{id}", ["1", "2", "4", "12"])

    wb = _workbench(app, browser, tmp_path, PASSWORD)
    wb.target.accounts = {}
    sitemap = await _sitemap(app, browser)
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    opener = next(p for p in proposals if p.skill_name == "open_row")
    assert [c.inputs["row"] for c in opener.positives()] == ["1", "2", "3"]
    result, _ = await attempt(wb, HeuristicPolicy(), opener, "run")
    assert result.verified, result.reason
    code = wb.library.list(site="fixture")[0].code
    # the id is the parameter, matched exactly ("1" is not "12")
    assert "get_by_role('link', name=row, exact=True)" in code
    search = next(p for p in proposals if p.start_url == "/lib/rows")
    # left unset, the match select submits its selected option (the listing does too)
    listing = search.postconditions[0]
    assert isinstance(listing, ResultsMatchListing) and listing.defaults == {"match": "contains"}
    result, _ = await attempt(wb, HeuristicPolicy(), search, "run")
    assert result.verified, result.reason


async def test_an_item_is_named_as_its_own_page_names_it_not_as_a_menu_does(
    app: FixtureServer, browser: BrowserSession
) -> None:
    sitemap = await _sitemap(app, browser)
    books = sitemap.entities["/lib/book{id}"]
    # the header's "Featured" links book 3 on every page; the listing names it, and so do
    # the titles of the book pages the crawler read
    assert "Featured" not in books.examples
    assert books.examples["Planning Small Kitchens"] == "/lib/book3"
    assert set(books.examples) == set(app.state.books.values())


async def test_a_button_on_an_item_that_changes_nothing_shown_is_not_verified(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    wb = _workbench(app, browser, tmp_path, PASSWORD)
    wb.target.accounts = {}
    sitemap = await _sitemap(app, browser)
    proposals = propose(
        sitemap, accounts={}, known=set(), taken_names=set(), setup=[], search_skill=None
    )
    save = next(p for p in proposals if p.skill_name == "save_draft")
    assert [p.name for p in save.params] == ["book"]
    result, _ = await attempt(wb, HeuristicPolicy(), save, "run")
    # the book's own page, where the skill ends, shows its name whether or not it saved
    assert app.state.touched  # the practise run pressed the button
    assert not result.verified
    assert "no read-back page shows ['book']" in result.reason, result.reason


async def test_a_select_inside_its_label_is_named_by_the_label_not_its_choice(
    app: FixtureServer, browser: BrowserSession
) -> None:
    from agent.browser.locators import stable_locator

    context = await browser.new_context(app.base_url)
    try:
        page = await context.new_page()
        await page.goto("/lib/display")
        _, source, anchoring = await stable_locator(page, page.locator("select[name=view]"))
        assert (source, anchoring) == ('page.get_by_label("Default view:")', "none")
        await page.get_by_label("Default view:").select_option(label="Grid")
        await page.get_by_role("button", name="Apply").click()
        await page.wait_for_load_state()
        # whatever the select shows, the label's words find it
        assert await page.get_by_label("Default view:").count() == 1
        assert app.state.view == "Grid"
    finally:
        await context.close()


async def test_a_setup_that_fails_before_a_crawl_stops_with_a_clear_message(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    from agent.models import SetupCall

    wb = _workbench(app, browser, tmp_path, PASSWORD)
    policy = HeuristicPolicy(iterations=2, max_pages=20)
    # the login the explorer logs in with before crawling is gone (or keeps timing out)
    policy.state.setup = [SetupCall(skill="login", args={"username": USER})]
    with pytest.raises(TargetError, match="setup skill login is not in the library; so exploring"):
        await policy._crawl(wb)


async def test_a_clear_stop_keeps_the_run_summary(
    app: FixtureServer, browser: BrowserSession, tmp_path: Path
) -> None:
    import json

    from agent.explore import explore_target

    wb = _workbench(app, browser, tmp_path, "not-the-password")
    with pytest.raises(TargetError, match="logging in as 'ada' failed"):
        await explore_target(
            wb.target, wb.library, run_dir=tmp_path / "run", browser=browser, max_pages=20
        )
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["stopped"].startswith("logging in as 'ada' failed")
    assert summary["attempts"][0]["skill"] == "login"  # then the first batch


async def test_a_section_of_many_named_pages_does_not_use_up_the_crawl(
    browser: BrowserSession,
) -> None:
    names = [f"Topic{chr(65 + i)}" for i in range(10)]
    wiki = "".join(f'<li><a href="/wiki/{n}">{n}</a></li>' for n in names)
    pages = {
        "/": '<h1>Home</h1><a href="/wiki/Start">Wiki</a>',
        "/wiki/Start": f'<h1>Start</h1><ul>{wiki}</ul><a href="/tickets">Tickets</a>',
        "/tickets": "<h1>Tickets</h1>"
        + "".join(f'<p><a href="/ticket/{i}">Bug {i}</a></p>' for i in (1, 2, 3)),
    }

    async def serve(route) -> None:  # type: ignore[no-untyped-def]
        path = route.request.url.split("wiki.test", 1)[1] or "/"
        body = pages.get(path) or f"<h1>{path.rsplit('/', 1)[-1]}</h1><ul>{wiki}</ul>"
        await route.fulfill(status=200, content_type="text/html", body=f"<title>t</title>{body}")

    context = await browser.new_context("http://wiki.test")
    try:
        await context.route("**/*", serve)
        page = await context.new_page()
        sitemap = await crawl(page, "/", max_pages=7)
    finally:
        await context.close()
    paths = [p.path for p in sitemap.pages]
    # two pages of /wiki/{slug}, then the other kinds; more wiki pages only with budget left
    assert "/tickets" in paths and "/ticket/1" in paths
    assert len([p for p in paths if p.startswith("/wiki/Topic")]) <= 2

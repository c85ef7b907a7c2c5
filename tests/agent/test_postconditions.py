"""The judge and each post-condition on recorded evidence, without a browser."""

from __future__ import annotations

from typing import Any

from agent.dbstate import TableState, changes
from agent.judge import JudgeChain, ground
from agent.models import CandidateSkill, ParamSpec, TaskProposal, TestCase, TestRun
from agent.postconditions import (
    Check,
    CredentialsWork,
    Evidence,
    PageShows,
    ResultsMatchListing,
    RowEffect,
    UrlMatches,
)
from agent.verify import (
    consistency_problems,
    coverage_problems,
    differential_cases,
    listing_problems,
    verify,
)


class FakeProbe:
    def __init__(self, **pages: Any) -> None:
        self.pages = pages
        self.logins: list[tuple[str, str]] = []

    async def text(self, url: str | None) -> tuple[str, str, str]:
        return self.pages.get("text", ("/", "", ""))

    async def listing(self, url: str) -> list[str]:
        return self.pages["listings"].get(url, [])

    async def row_values(self, url: str, key: str) -> list[str] | None:
        return self.pages["rows"].get((url, key))

    async def row_fields(self, url: str, key: str) -> list[tuple[str, str]] | None:
        return self.pages.get("fields", {}).get((url, key))

    async def login(self, skill: str, username: str, password: str) -> str | None:
        self.logins.append((username, password))
        return None if self.pages["passwords"].get(username) == password else "RuntimeError"


PRODUCTS = TableState(
    columns=["id", "name"], rows={1: [1, "Blue Mug"], 2: [2, "Desk Lamp"], 3: [3, "Tea Pot"]}
)


def cart(*rows: tuple[int, int, int]) -> dict[str, TableState]:
    return {
        "products": PRODUCTS,
        "cart_items": TableState(
            columns=["id", "product_id", "quantity"],
            rows={r[0]: list(r) for r in rows},
            foreign_keys={"product_id": ("products", "id")},
        ),
    }


def evidence(inputs: dict[str, Any], before: Any, after: Any) -> Evidence:
    return Evidence(inputs=inputs, changes=changes(before, after), before=before, after=after)


def proposal(*pcs: Any, params: list[str], cases: list[dict[str, Any]]) -> TaskProposal:
    return TaskProposal(
        id="p",
        title="t",
        kind="procedural",
        skill_name="add_to_cart",
        description="d",
        start_url="/",
        params=[ParamSpec(name=p) for p in params],
        test_cases=[TestCase(inputs=c) for c in cases],
        postconditions=list(pcs),
    )


async def test_row_effect_is_grounded_through_foreign_keys_and_follows_each_value() -> None:
    prop = proposal(
        RowEffect(params=["product", "quantity"]),
        params=["product", "quantity"],
        cases=[{"product": "Desk Lamp", "quantity": 5}],
    )
    practised = evidence({"product": "Desk Lamp", "quantity": 5}, cart(), cart((1, 2, 5)))
    grounded, notes = await ground(prop, practised, FakeProbe())
    assert notes == []
    row = grounded[0]
    assert (row.table, row.change) == ("cart_items", "created")
    assert row.columns == {"product": ["product_id>products.name"], "quantity": ["quantity"]}
    prop = prop.model_copy(update={"postconditions": grounded})
    judge = JudgeChain()
    ok = await judge.judge(
        prop, evidence({"product": "Tea Pot", "quantity": 3}, cart(), cart((1, 3, 3))), None, "/"
    )
    assert ok.success, ok.reasons
    # the same product whatever `product` says → fails
    wrong = await judge.judge(
        prop, evidence({"product": "Tea Pot", "quantity": 3}, cart(), cart((1, 2, 3))), None, "/"
    )
    assert not wrong.success and "product='Tea Pot'" in wrong.reasons[0]
    # quantity ignored (always 1) → fails
    ignored = await judge.judge(
        prop, evidence({"product": "Tea Pot", "quantity": 3}, cart(), cart((1, 3, 1))), None, "/"
    )
    assert not ignored.success and "quantity=3" in ignored.reasons[0]


async def test_row_change_and_delete_touch_only_the_named_row() -> None:
    before = cart((1, 1, 1), (2, 2, 1))
    pc = RowEffect(
        params=["product", "quantity"],
        change="changed",
        table="cart_items",
        columns={"product": ["product_id>products.name"], "quantity": ["quantity"]},
    )
    prop = proposal(pc, params=["product", "quantity"], cases=[])
    judge = JudgeChain()
    good = evidence({"product": "Desk Lamp", "quantity": 4}, before, cart((1, 1, 1), (2, 2, 4)))
    assert (await judge.judge(prop, good, None, "/")).success
    other = evidence({"product": "Desk Lamp", "quantity": 4}, before, cart((1, 1, 4), (2, 2, 1)))
    assert not (await judge.judge(prop, other, None, "/")).success
    both = evidence({"product": "Desk Lamp", "quantity": 4}, before, cart((1, 1, 4), (2, 2, 4)))
    verdict = await judge.judge(prop, both, None, "/")
    assert not verdict.success and "expected one" in verdict.reasons[0]


async def test_results_must_equal_the_sites_listing_for_that_input() -> None:
    pc = ResultsMatchListing(
        listing="/search?q={query}&category={category}", values={"category": {"Kitchen": "k"}}
    )
    prop = proposal(pc, params=["query", "category"], cases=[])
    probe = FakeProbe(
        listings={"/search?q=mug&category=k": ["Blue Mug"], "/search?q=mug&category=": ["A", "B"]}
    )
    judge = JudgeChain()
    filtered = Evidence(inputs={"query": "mug", "category": "Kitchen"}, returned=["Blue Mug"])
    assert (await judge.judge(prop, filtered, probe, "/")).success
    unfiltered = Evidence(inputs={"query": "mug", "category": "Kitchen"}, returned=["A", "B"])
    assert not (await judge.judge(prop, unfiltered, probe, "/")).success
    truncated = Evidence(inputs={"query": "mug", "category": None}, returned=["A"])
    verdict = await judge.judge(prop, truncated, probe, "/")
    assert not verdict.success and "missing: ['B']" in verdict.reasons[0]


async def test_url_heading_readback_and_credentials() -> None:
    judge = JudgeChain()
    open_pc = proposal(
        UrlMatches(pattern="/product/{id}"),
        PageShows(params=["product"], where="heading"),
        params=["product"],
        cases=[],
    )
    probe = FakeProbe(text=("/product/3", "Tea Pot\nTea Pot — Shop", "body"))
    ev = Evidence(inputs={"product": "Tea Pot"})
    assert (await judge.judge(open_pc, ev, probe, "/product/3")).success
    assert not (await judge.judge(open_pc, ev, probe, "/category/3")).success
    wrong = Evidence(inputs={"product": "Blue Mug"})
    assert not (await judge.judge(open_pc, wrong, probe, "/product/3")).success

    row = PageShows(params=["product", "quantity"], where="readback", url="/cart", row=True)
    probe = FakeProbe(rows={("/cart", "Tea Pot"): ["Tea Pot", "$12.50", "3"]})
    shown = proposal(row, params=["product", "quantity"], cases=[])
    assert (
        await judge.judge(shown, Evidence(inputs={"product": "Tea Pot", "quantity": 3}), probe, "/")
    ).success
    assert not (
        await judge.judge(shown, Evidence(inputs={"product": "Tea Pot", "quantity": 2}), probe, "/")
    ).success

    creds = CredentialsWork(login_skill="login", username="username", password="password")
    prop = proposal(creds, params=["username", "password"], cases=[])
    probe = FakeProbe(passwords={"ada": "s3cret-pass"})
    ok = Evidence(inputs={"username": "ada", "password": "s3cret-pass"})
    assert (await judge.judge(prop, ok, probe, "/")).success
    assert probe.logins == [("ada", "s3cret-pass"), ("ada", "s3cret-pass-wrong")]
    ignored = Evidence(inputs={"username": "ada", "password": "other-pass"})
    assert not (await judge.judge(prop, ignored, probe, "/")).success


async def test_errors_and_alerts_fail_before_any_postcondition() -> None:
    prop = proposal(UrlMatches(pattern="/"), params=[], cases=[])
    judge = JudgeChain()
    assert not (
        await judge.judge(prop, Evidence(inputs={}, error="TimeoutError: x"), None, "/")
    ).success
    verdict = await judge.judge(prop, Evidence(inputs={}, alerts=["Out of stock"]), None, "/")
    assert not verdict.success and "Out of stock" in verdict.reasons[0]


def test_every_parameter_must_vary_and_be_observed_the_same_way() -> None:
    prop = proposal(
        RowEffect(params=["a", "b"]),
        params=["a", "b"],
        cases=[{"a": "x1", "b": "y"}, {"a": "x2", "b": "y"}, {"a": "x3", "b": "y"}],
    )
    assert coverage_problems(prop, prop.test_cases) == [
        "parameter b is never varied by the test cases"
    ]
    varied = prop.model_copy(
        update={
            "test_cases": [
                TestCase(inputs={"a": "x1", "b": "y1"}),
                TestCase(inputs={"a": "x2", "b": "y2"}),
            ]
        }
    )
    extra = differential_cases(varied)
    # (x1,y1)→(x2,y1) varies a alone; (x2,y1)→(x2,y2) then varies b alone
    assert [c.inputs for c in extra] == [{"a": "x2", "b": "y1"}]

    def run(a: list[str], b: list[str]) -> TestRun:
        check = Check(kind="row", passed=True, reason="", observed={"a": a, "b": b})
        return TestRun(inputs={"a": "1", "b": "2"}, passed=True, checked="", checks=[check])

    swapped = [run(["t.name"], ["t.street"]), run(["t.street"], ["t.name"])]
    problems = consistency_problems(prop, swapped)
    assert "a is stored in different places on different runs" in problems
    unobserved = [run(["t.name"], []), run(["t.name"], [])]
    unobserved = [
        r.model_copy(update={"checks": [r.checks[0].model_copy(update={"observed": {"a": ["t"]}})]})
        for r in unobserved
    ]
    assert "parameter b has no observed effect" in consistency_problems(prop, unobserved)


async def test_a_url_pattern_ending_in_a_slash_matches_with_or_without_it() -> None:
    judge = JudgeChain()
    edit = proposal(UrlMatches(pattern="/admin/pages/{id}/edit/"), params=[], cases=[])
    probe = FakeProbe()
    ev = Evidence(inputs={})
    for path in ("/admin/pages/4/edit/", "/admin/pages/4/edit"):
        assert (await judge.judge(edit, ev, probe, path)).success, path
    for path in ("/admin/pages/4/editor/", "/admin/pages/x/edit/", "/admin/pages/4/"):
        assert not (await judge.judge(edit, ev, probe, path)).success, path


async def test_a_choice_is_read_back_from_its_own_field_not_as_a_word_of_another() -> None:
    choices = {"priority": {"critical": "1", "urgent": "2"}}
    effect = RowEffect(params=["title", "priority"], readback=["/issue"])
    prop = proposal(effect, params=["title", "priority"], cases=[])

    def run(title: str, priority: str, shown_priority: str) -> tuple[Evidence, FakeProbe]:
        fields = [("title", title), ("priority", shown_priority)]
        probe = FakeProbe(
            rows={("/issue", title): [title, shown_priority]},
            fields={("/issue", title): fields},
        )
        ev = Evidence(inputs={"title": title, "priority": priority}, choices=choices)
        return ev, probe

    ev, probe = run("Check 1: a title", "critical", "critical")
    grounded, notes = await ground(prop, ev, probe)
    assert notes == []
    shows = grounded[0]
    assert isinstance(shows, PageShows)
    # "critical" is submitted as "1", which is a word of the title: not the priority's field
    assert shows.fields == {"title": ["title"], "priority": ["priority"]}
    judge = JudgeChain()
    checked = proposal(shows, params=["title", "priority"], cases=[])
    ev, probe = run("Check 2: a title", "urgent", "critical")  # the skill ignored priority
    assert not (await judge.judge(checked, ev, probe, "/issue")).success
    ev, probe = run("Check 2: a title", "urgent", "urgent")
    assert (await judge.judge(checked, ev, probe, "/issue")).success


def test_a_listing_from_the_runs_page_keeps_the_slots_of_parameters_left_unset() -> None:
    from agent.postconditions import listing_from

    template = "/books?_search={query}&_filter_column={column}&_op={op}"
    inputs = {"query": "Garden", "column": None, "op": None}
    # the page left out the empty filter; a select left unset submitted its default
    assert listing_from("/books?_search=Garden&_op=exact&_sort=id", inputs, {}, template) == (
        "/books?_search={query}&_op={op}&_sort=id&_filter_column={column}",
        [],
    )


def tracker(issues: dict[int, list[Any]], links: dict[int, list[Any]]) -> dict[str, TableState]:
    """Issues whose labels are rows of a join table (issue_labels), as trackers keep them."""
    return {
        "labels": TableState(columns=["id", "name"], rows={1: [1, "bug"], 2: [2, "docs"]}),
        "issues": TableState(columns=["id", "title"], rows=issues),
        "issue_labels": TableState(
            columns=["issue_id", "label_id"],
            rows=links,
            foreign_keys={"issue_id": ("issues", "id"), "label_id": ("labels", "id")},
        ),
    }


async def test_a_value_kept_in_a_join_table_is_read_through_the_rows_that_reference_the_row() -> (
    None
):
    prop = proposal(
        RowEffect(params=["title", "label"]),
        params=["title", "label"],
        cases=[{"title": "Crash", "label": "bug"}],
    )
    before = tracker({}, {})
    practised = evidence(
        {"title": "Crash", "label": "bug"}, before, tracker({1: [1, "Crash"]}, {1: [1, 1]})
    )
    grounded, notes = await ground(prop, practised, FakeProbe())
    assert notes == []
    row = grounded[0]
    # the issue itself, not its join row: the title is the issue's own column
    assert (row.table, row.change) == ("issues", "created")
    assert row.columns == {
        "title": ["title"],
        "label": ["<issue_labels(issue_id).label_id>labels.name"],
    }
    prop = prop.model_copy(update={"postconditions": grounded})
    judge = JudgeChain()
    inputs = {"title": "Typo", "label": "docs"}
    right = tracker({1: [1, "Typo"]}, {1: [1, 2]})
    ok = await judge.judge(prop, evidence(inputs, before, right), None, "/")
    assert ok.success, ok.reasons
    # the label ignored (always bug), or not set at all → fails
    for links in ({1: [1, 1]}, {}):
        wrong = tracker({1: [1, "Typo"]}, links)
        verdict = await judge.judge(prop, evidence(inputs, before, wrong), None, "/")
        assert not verdict.success and "label='docs'" in verdict.reasons[0]
    # another issue's label does not count
    other = tracker({1: [1, "Typo"], 2: [2, "Old"]}, {1: [2, 2]})
    before_other = tracker({2: [2, "Old"]}, {1: [2, 2]})
    verdict = await judge.judge(prop, evidence(inputs, before_other, other), None, "/")
    assert not verdict.success


async def test_a_skill_may_return_every_page_of_a_paged_listing() -> None:
    pc = ResultsMatchListing(listing="/issues?state={state}&page=2")
    prop = proposal(pc, params=["state"], cases=[])
    probe = FakeProbe(
        listings={
            "/issues?state=open&page=1": ["A", "B"],
            "/issues?state=open&page=2": ["C"],
            "/issues?state=open&page=3": [],
        }
    )
    judge = JudgeChain()
    every = await judge.judge(
        prop, Evidence(inputs={"state": "open"}, returned=["A", "B", "C"]), probe, "/"
    )
    assert every.success, every.reasons
    assert "page={1..}" in every.reasons[0]
    # the page it was grounded on still passes; a part of the pages, or another order, does not
    one = await judge.judge(prop, Evidence(inputs={"state": "open"}, returned=["C"]), probe, "/")
    assert one.success, one.reasons
    for returned in (["A", "B"], ["A", "C"], ["C", "A", "B"]):
        verdict = await judge.judge(
            prop, Evidence(inputs={"state": "open"}, returned=returned), probe, "/"
        )
        assert not verdict.success, returned


async def test_test_cases_that_never_vary_a_parameter_fail_before_any_run_and_ask_no_repair() -> (
    None
):
    prop = proposal(
        RowEffect(params=["a", "b"]),
        params=["a", "b"],
        cases=[{"a": "x1", "b": "y"}, {"a": "x2", "b": "y"}, {"a": "x3", "b": "y"}],
    ).model_copy(update={"differential": False})
    skill = CandidateSkill(
        site="s",
        name="add_to_cart",
        code="async def add_to_cart(page, a, b):\n    pass\n",
        params=[ParamSpec(name="a"), ParamSpec(name="b")],
        proposal_id="p",
    )
    report = await verify(None, skill, prop)  # type: ignore[arg-type]  # no run is made
    assert not report.passed and report.runs == []
    assert report.unfixable and "never varied" in report.failure


def test_a_listing_parameter_must_list_something_for_two_of_its_values() -> None:
    """filter_issues_by_milestone with the milestone hard-coded passed: only one case listed
    anything, and an empty listing is the same whatever milestone is used."""
    pc = ResultsMatchListing(listing="/p/{project}/issues?milestone={milestone}")
    prop = proposal(pc, params=["project", "milestone"], cases=[])

    def run(project: str, milestone: str, count: int) -> TestRun:
        check = Check(kind="results", passed=True, reason="", observed={}, count=count)
        return TestRun(
            inputs={"project": project, "milestone": milestone},
            passed=True,
            checked="",
            checks=[check],
            returned=[f"{project}-{milestone}-{n}" for n in range(count)],
        )

    empty_elsewhere = [run("a", "v3.1", 5), run("b", "v3.2", 0), run("c", "v3.3", 0)]
    problems = listing_problems(prop, empty_elsewhere)
    assert any("parameter milestone listed something" in p for p in problems), problems
    listed = [run("a", "v3.1", 5), run("b", "v3.2", 2), run("c", "v3.3", 0)]
    assert not listing_problems(prop, listed)
    # the same list on every run is a problem only when the inputs differ
    same = [run("a", "v3.1", 5), run("b", "v3.2", 5)]
    for r in same:
        r.returned = ["x"] * 5
    assert "every input returned the same results" in listing_problems(prop, same)
    fixed = proposal(ResultsMatchListing(listing="/projects"), params=[], cases=[])
    again = [r.model_copy(update={"inputs": {}}) for r in same]
    assert not listing_problems(fixed, again)


def issues(*rows: tuple[int, str, Any, str]) -> dict[str, TableState]:
    cols = ["id", "title", "assignee_id", "updated_at"]
    return {"issues": TableState(columns=cols, rows={r[0]: list(r) for r in rows})}


def run_of(inputs: dict[str, Any], check: Check) -> TestRun:
    return TestRun(inputs=inputs, passed=check.passed, checked="", checks=[check])


async def test_a_changed_row_must_show_the_practised_effect_no_parameter_explains() -> None:
    # practise: unassign issue 1 (assignee 7 -> None); the save also stamps updated_at
    before = issues((1, "Crash", 7, "t0"), (2, "Slow", 8, "t0"), (3, "Typo", None, "t0"))
    after = issues((1, "Crash", None, "t1"), (2, "Slow", 8, "t0"), (3, "Typo", None, "t0"))
    prop = proposal(RowEffect(params=["issue"]), params=["issue"], cases=[])
    (pc,), _ = await ground(prop, evidence({"issue": "Crash"}, before, after), FakeProbe())
    assert pc.change == "changed" and pc.effects == {"assignee_id": None, "updated_at": "t1"}
    assert pc.fresh == ["updated_at"]  # None was a value of the column already: a choice
    prop = prop.model_copy(update={"postconditions": [pc]})
    judge = JudgeChain()

    def on_slow(assignee: Any, stamp: str) -> Evidence:
        rows = [(1, "Crash", 7, "t0"), (2, "Slow", assignee, stamp), (3, "Typo", None, "t0")]
        return evidence({"issue": "Slow"}, before, issues(*rows))

    # the right skill on another issue: a new timestamp, the same effect
    assert (await judge.judge(prop, on_slow(None, "t2"), None, "/")).success
    # a skill that skipped choosing "Unassigned" and only saved the form: the row changed
    # (updated_at), but the assignee stayed
    saved = await judge.judge(prop, on_slow(8, "t2"), None, "/")
    assert not saved.success and "assignee_id stayed 8" in " ".join(saved.reasons)
    # an issue already unassigned keeps the practised value: that is the effect
    done = issues((1, "Crash", 7, "t0"), (2, "Slow", None, "t0"))
    ok = evidence({"issue": "Slow"}, done, issues((1, "Crash", 7, "t0"), (2, "Slow", None, "t3")))
    assert (await judge.judge(prop, ok, None, "/")).success
    # a skill that picks one fixed other assignee changes the column on each run, but every
    # run leaves the same other value: the runs together show the wrong choice
    wrong = [await judge.judge(prop, on_slow(5, f"t{n}"), None, "/") for n in (4, 5)]
    assert all(v.success for v in wrong)
    runs = [run_of({"issue": "Slow"}, v.checks[0]) for v in wrong]
    problems = consistency_problems(prop, runs)
    assert any("assignee_id = 5" in p for p in problems), problems
    # the right skill's runs leave only new timestamps behind: no problem
    right = [await judge.judge(prop, on_slow(None, f"t{n}"), None, "/") for n in (6, 6)]
    assert not consistency_problems(prop, [run_of({"issue": "Slow"}, v.checks[0]) for v in right])


async def test_a_row_names_its_project_through_two_foreign_keys() -> None:
    """A label taken off an issue: the join row names the issue by id, the issue names its
    project by id; the project's slug is two foreign keys away."""

    def db(links: dict[int, list[Any]]) -> dict[str, TableState]:
        return {
            "projects": TableState(columns=["id", "slug"], rows={1: [1, "web"], 2: [2, "cli"]}),
            "labels": TableState(columns=["id", "name"], rows={1: [1, "bug"], 2: [2, "docs"]}),
            "issues": TableState(
                columns=["id", "project_id", "number"],
                rows={1: [1, 1, 7], 2: [2, 2, 7]},
                foreign_keys={"project_id": ("projects", "id")},
            ),
            "issue_labels": TableState(
                columns=["issue_id", "label_id"],
                rows=links,
                foreign_keys={"issue_id": ("issues", "id"), "label_id": ("labels", "id")},
            ),
        }

    params = ["project", "number", "label"]
    prop = proposal(RowEffect(params=params), params=params, cases=[])
    both = db({1: [1, 1], 2: [2, 1]})
    practised = evidence({"project": "web", "number": 7, "label": "bug"}, both, db({2: [2, 1]}))
    (pc,), _ = await ground(prop, practised, FakeProbe())
    assert pc.change == "deleted" and pc.columns["project"] == [
        "issue_id>issues.project_id>projects.slug"
    ]
    prop = prop.model_copy(update={"postconditions": [pc]})
    inputs = {"project": "cli", "number": 7, "label": "bug"}
    right = await JudgeChain().judge(prop, evidence(inputs, both, db({1: [1, 1]})), None, "/")
    assert right.success, right.reasons
    # issue 7 of the other project (the project ignored): fails on the project
    wrong = await JudgeChain().judge(prop, evidence(inputs, both, db({2: [2, 1]})), None, "/")
    assert not wrong.success and "project='cli'" in wrong.reasons[0]

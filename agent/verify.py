"""Verify a candidate skill by executing it: each test case in a fresh context on a reset site,
judged by the proposal's typed post-conditions *for the values passed*.

A skill is verified only when
* it passes on ≥ 3 distinct inputs (where it has parameters) and every rejected input raises;
* every parameter takes ≥ 2 values across the cases, with one-parameter-at-a-time variations
  added where the policy allows, so a parameter the skill ignores or hard-codes is caught;
* each parameter is observed the same way on every run (the same column, the same page), so
  swapped fields fail;
* an information skill returned at least one list of ≥ 2 items (a truncated return is caught);
* a skill that acts on an item named by an entity parameter still acts on that item when
  another item it acted on is already there (a skill that picks the first line of a cart or
  the first button of a list is caught even when a fresh site has only one candidate).
"""

from __future__ import annotations

import ast
import time
from typing import Any

from playwright.async_api import Page

from agent.browser.facts import page_facts
from agent.dbstate import changes, snapshot
from agent.judge import JudgeChain, ProgrammaticJudge
from agent.models import CandidateSkill, TaskProposal, TestCase, TestRun, VerificationReport
from agent.postconditions import (
    SLOT,
    Evidence,
    PageShows,
    ResultsMatchListing,
    RowEffect,
    UrlMatches,
)
from agent.probe import BrowserProbe
from agent.sandbox import compile_skill, run_skill
from agent.workbench import SECRET_PREFIX, SetupError, Workbench, resolve_args

MIN_DISTINCT_INPUTS = 3
PAIRED_ROLES = ("secret", "username")  # credentials vary together, checked by their effect


def _error_text(exc: BaseException) -> str:
    """The error's first line, plus what Playwright was waiting for (which locator timed out)."""
    lines = str(exc).splitlines()
    text = f"{type(exc).__name__}: {lines[0] if lines else ''}"
    waiting = next((ln.strip(" -") for ln in lines[1:] if "waiting for " in ln), None)
    return f"{text} ({waiting})" if waiting else text


async def gather(
    wb: Workbench,
    page: Page,
    proposal: TaskProposal,
    inputs: dict[str, Any],
    before: Any,
    returned: Any,
    error: str | None,
) -> tuple[Evidence, str]:
    """Evidence of a run: the database change (bundled sites), the page's error reports and
    the value returned; plus the page's path."""
    alerts: list[str] = []
    path = ""
    passwords = 0
    try:
        facts = await page_facts(page)
        # the site's error boxes without role=alert count too (what an induced skill raises on)
        alerts = list(dict.fromkeys([*facts.alerts, *facts.errors]))
        path = facts.path
        passwords = sum(
            f.type == "password" for form in facts.forms if form.visible for f in form.inputs
        )
    except Exception as exc:  # the page may be gone; the verdict then fails
        error = error or f"page unavailable: {exc}"
    after = snapshot(wb.target.db_path) if before is not None and wb.target.db_path else None
    ev = Evidence(
        inputs=inputs,
        returned=returned,
        error=error,
        alerts=alerts,
        changes=changes(before, after) if after is not None else None,
        before=before,
        after=after,
        choices={p.name: p.choice_values for p in proposal.params if p.choice_values},
        password_fields=passwords,
    )
    return ev, path


async def call_candidate(
    wb: Workbench, candidate: CandidateSkill, page: Page, args: dict[str, Any]
) -> Any:
    """Compile the candidate (AST policy, sandbox) and run it on `page` within the step limit."""
    fn = compile_skill(candidate.code, candidate.name, wb.skills())
    return await run_skill(fn, page, args, wb.skill_timeout_s)


async def run_case(
    wb: Workbench,
    candidate: CandidateSkill,
    proposal: TaskProposal,
    case: TestCase,
    judge: JudgeChain,
    *,
    neighbour: TestCase | None = None,
) -> TestRun:
    """Run one case in a fresh context; with `neighbour`, the skill first runs on the
    neighbour's inputs in the same context, and the case is judged from the state after that."""
    began = time.perf_counter()
    rejected = case.expect == "rejected"
    try:
        context, page = await wb.fresh_page(proposal.setup)
    except SetupError as exc:
        return TestRun(
            inputs=case.inputs,
            note=case.note,
            passed=False,
            checked="setup",
            error=str(exc),
            expect_failure=rejected,
        )
    try:
        if neighbour is not None:
            try:
                await call_candidate(
                    wb, candidate, page, resolve_args(neighbour.inputs, wb.target.accounts)
                )
            except Exception as exc:
                return TestRun(
                    inputs=case.inputs,
                    note=case.note,
                    passed=False,
                    checked=f"the skill failed on {neighbour.inputs} before this case",
                    error=_error_text(exc),
                    duration_s=round(time.perf_counter() - began, 3),
                )
        before = snapshot(wb.target.db_path) if wb.target.db_path is not None else None
        returned: Any = None
        error: str | None = None
        args: dict[str, Any] = dict(case.inputs)
        try:
            args = resolve_args(case.inputs, wb.target.accounts)
            returned = await call_candidate(wb, candidate, page, args)
        except Exception as exc:
            error = _error_text(exc)
        if rejected:
            # the skill's own report (RuntimeError with the site's message), not a timeout
            passed = error is not None and error.startswith("RuntimeError")
            checked = f"{case.note}: " + (
                f"the skill raised {error}" if error else "the skill did not raise"
            )
            checks = []
        else:
            ev, path = await gather(wb, page, proposal, args, before, returned, error)
            verdict = await judge.judge(proposal, ev, BrowserProbe(wb, context, page), path)
            passed, checked, checks = verdict.success, "; ".join(verdict.reasons), verdict.checks
        return TestRun(
            inputs=case.inputs,
            note=case.note,
            passed=passed,
            checked=checked,
            checks=checks,
            error=error,
            returned=returned if isinstance(returned, list | str | int | float | None) else None,
            duration_s=round(time.perf_counter() - began, 3),
            expect_failure=rejected,
        )
    finally:
        await wb.close(context)


def _varied(proposal: TaskProposal) -> list[str]:
    return [p.name for p in proposal.params if p.role not in PAIRED_ROLES]


def differential_cases(proposal: TaskProposal) -> list[TestCase]:
    """One-parameter-at-a-time variations of the first case, for every parameter that no pair
    of the policy's cases already varies alone (values taken from the other cases)."""
    if not proposal.differential:
        return []
    cases = proposal.positives()
    if len(cases) < 2:
        return []
    base = cases[0].inputs
    known = [c.inputs for c in cases]
    out: list[TestCase] = []
    for name in _varied(proposal):
        alone = any(
            a.get(name) != b.get(name)
            and all(a.get(k) == b.get(k) for k in set(a) | set(b) if k != name)
            for i, a in enumerate(known)
            for b in known[i + 1 :]
        )
        if alone:
            continue
        other = next((c[name] for c in known[1:] if c.get(name) != base.get(name)), None)
        if other is None:
            continue
        inputs = {**base, name: other}
        if inputs not in known:
            known.append(inputs)
            out.append(TestCase(inputs=inputs, note=f"vary {name} alone"))
    return out


def crowded_case(proposal: TaskProposal) -> tuple[TestCase, TestCase] | None:
    """(neighbour, case) for a skill that acts on an item named by an entity parameter: the
    first case again, right after the skill acted on another case's item. On a fresh site the
    item a case names is often the only candidate (the only line of a cart, the only result of
    a search), so a skill that acts on whichever comes first would pass every case; with the
    neighbour's item there first, it acts on the wrong one. Procedural skills only (an "open"
    skill is judged by the page it ends on, a list by the listing), and only with typed
    post-conditions, which decide without a model."""
    entities = [p.name for p in proposal.params if p.role == "entity"]
    cases = proposal.positives()
    if proposal.kind != "procedural" or not entities or not proposal.postconditions:
        return None
    if len(cases) < 2:
        return None
    case = cases[0]
    neighbour = next(
        (c for c in cases[1:] if all(c.inputs.get(n) != case.inputs.get(n) for n in entities)),
        None,
    )
    if neighbour is None:
        return None
    note = f"after the skill acted on {', '.join(str(neighbour.inputs.get(n)) for n in entities)}"
    return neighbour, case.model_copy(update={"note": note})


def _credentials_only(proposal: TaskProposal) -> bool:
    """A login: every parameter is a credential (one account may be all there is)."""
    return bool(proposal.params) and all(p.role in PAIRED_ROLES for p in proposal.params)


def coverage_problems(proposal: TaskProposal, cases: list[TestCase]) -> list[str]:
    """Parameters the cases never vary: a skill that ignored them would pass unnoticed.

    A login with one account is proven by that account plus the inputs it must refuse (a
    wrong password, an empty user name): those count as its distinct inputs, never invented
    accounts."""
    problems: list[str] = []
    positives = [c.inputs for c in cases if c.expect == "success"]
    if _credentials_only(proposal):
        refused = [c.inputs for c in proposal.test_cases if c.expect == "rejected"]
        positives = [*positives, *refused] if positives and len(refused) >= 2 else positives
    if proposal.params and len({repr(sorted(c.items())) for c in positives}) < MIN_DISTINCT_INPUTS:
        problems.append(f"fewer than {MIN_DISTINCT_INPUTS} distinct test inputs")
    for p in proposal.params:
        values = {repr(c.get(p.name)) for c in positives}
        if len(values) < 2:
            problems.append(f"parameter {p.name} is never varied by the test cases")
    return problems


def consistency_problems(proposal: TaskProposal, runs: list[TestRun]) -> list[str]:
    """Each parameter must be observed the same way on every run (the same column, the same
    page): a skill that swaps two fields shows each value, but in the other's place."""
    problems: list[str] = []
    passed = _passing(runs)
    if not passed:
        return problems
    for i, pc in enumerate(proposal.postconditions):
        ways: dict[str, set[str] | None] = {}
        for run in passed:
            if i >= len(run.checks):
                continue
            for param, seen in run.checks[i].observed.items():
                prior = ways.get(param)
                ways[param] = set(seen) if prior is None else prior & set(seen)
        for param, common in ways.items():
            if common is not None and not common:
                problems.append(f"{param} is stored in different places on different runs")
        if isinstance(pc, RowEffect) and pc.effects and len(passed) >= 2:
            for col, practised in pc.effects.items():
                left = {r.checks[i].effects.get(col) for r in passed if i < len(r.checks)}
                if len(left) == 1 and None not in left:
                    problems.append(
                        f"every run left {pc.table}.{col} = {left.pop()}, the practise run "
                        f"{practised!r}"
                    )
    observed = {p for r in passed for c in r.checks for p in c.observed}
    for name in _unobserved(proposal, runs, observed):
        problems.append(f"parameter {name} has no observed effect")
    return problems


def listing_problems(proposal: TaskProposal, runs: list[TestRun]) -> list[str]:
    """What passing runs of a results skill leave unproven, by the test cases' fault (the
    listings their inputs show), not the code's: no code change helps."""
    problems: list[str] = []
    passed = _passing(runs)
    for i, pc in enumerate(proposal.postconditions):
        if not isinstance(pc, ResultsMatchListing) or not passed:
            continue
        counts = [r.checks[i].count or 0 for r in passed if i < len(r.checks)]
        if counts and max(counts) < 2:
            problems.append("no test input listed ≥ 2 results (a truncated return would pass)")
        returns = {repr(r.returned) for r in passed}
        inputs = {repr(sorted(r.inputs.items())) for r in passed}
        if len(inputs) >= 2 and len(returns) < 2:  # a skill without parameters lists one thing
            problems.append("every input returned the same results")
        # an empty listing is the same whatever a parameter says: a value hard-coded in the
        # skill passes every case whose listing is empty
        listed = [r for r in passed if i < len(r.checks) and (r.checks[i].count or 0) > 0]
        for param in SLOT.findall(pc.listing):
            if len({repr(r.inputs.get(param)) for r in listed}) < 2:
                problems.append(
                    f"parameter {param} listed something for fewer than 2 of its values "
                    "(an empty listing cannot show that it was used)"
                )
    return problems


def _passing(runs: list[TestRun]) -> list[TestRun]:
    """The runs that passed and were meant to, with the checks they passed by."""
    return [r for r in runs if r.passed and not r.expect_failure and r.checks]


def _unobserved(proposal: TaskProposal, runs: list[TestRun], observed: set[str]) -> list[str]:
    """Parameters given a value that no check saw, and that no rejected case tests (a wrong
    password that must be refused tests the password)."""
    given = {k for r in runs if not r.expect_failure for k, v in r.inputs.items() if v is not None}
    base = next((c.inputs for c in proposal.positives()), {})
    refused = {
        k
        for c in proposal.test_cases
        if c.expect == "rejected"
        for k, v in c.inputs.items()
        if base.get(k) != v
    }
    return [p.name for p in proposal.params if p.name in given - observed - refused]


CONTROL_SUFFIX = " (control)"


def made_anew(proposal: TaskProposal, inputs: dict[str, Any], suffix: str) -> dict[str, Any]:
    """`inputs` of a procedural task with its free texts (values with a space, not chosen
    from options) made anew by adding `suffix`: on a live site nothing is reset between runs,
    and a run meets what another run with the same texts left."""
    if proposal.kind != "procedural":
        return inputs
    out = dict(inputs)
    for p in proposal.params:
        value = out.get(p.name)
        if p.role == "value" and not p.choices and isinstance(value, str) and " " in value:
            out[p.name] = value + suffix
    return out


def control_case(wb: Workbench, proposal: TaskProposal) -> TestCase:
    """The first test case, for a run that must fail (a skill that does nothing, or stops
    before its last step). On a live site its free texts are made anew: the item the first
    test edited still shows that test's texts, whatever the control run does."""
    case = proposal.positives()[0]
    if wb.target.db_path is not None:
        return case
    return case.model_copy(update={"inputs": made_anew(proposal, case.inputs, CONTROL_SUFFIX)})


def do_nothing(candidate: CandidateSkill, start_url: str) -> CandidateSkill:
    """The candidate's signature with a body that only opens the start page."""
    fn = ast.parse(candidate.code).body[0]
    assert isinstance(fn, ast.AsyncFunctionDef)
    fn.body = ast.parse(f"await page.goto({start_url!r})").body
    fn.returns = None
    return candidate.model_copy(update={"code": ast.unparse(fn) + "\n"})


ACTION_METHODS = frozenset(
    {"click", "fill", "press", "check", "uncheck", "select_option", "set_checked", "type"}
)


def _is_action(stmt: ast.stmt, skills: set[str]) -> bool:
    """`await <locator>.click()` and the like, or `await some_skill(page, ...)`."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Await)):
        return False
    call = stmt.value.value
    if not isinstance(call, ast.Call):
        return False
    if isinstance(call.func, ast.Attribute):
        return call.func.attr in ACTION_METHODS
    return isinstance(call.func, ast.Name) and call.func.id in skills


def without_last_action(candidate: CandidateSkill, skills: set[str]) -> tuple[CandidateSkill, str]:
    """The candidate without its last top-level action (the click that submits, removes,
    opens...), and that action's source; ("", "") when it has none."""
    fn = ast.parse(candidate.code).body[0]
    assert isinstance(fn, ast.AsyncFunctionDef)
    last = max((i for i, s in enumerate(fn.body) if _is_action(s, skills)), default=None)
    if last is None:
        return candidate, ""
    step = ast.unparse(fn.body[last])
    del fn.body[last]
    return candidate.model_copy(update={"code": ast.unparse(fn) + "\n"}), step


async def unfinished_problem(
    wb: Workbench, candidate: CandidateSkill, proposal: TaskProposal
) -> str | None:
    """Post-conditions that only read the page must also tell the skill apart from itself
    without its last action: "the page shows the product" holds on the cart page whether or
    not `Remove` was pressed. Contracts with a database row effect, a listing or a credentials
    check already observe the effect itself and are not run again."""
    weak = (PageShows, UrlMatches)
    if proposal.returns or not proposal.positives() or not proposal.postconditions:
        return None
    if not all(isinstance(pc, weak) for pc in proposal.postconditions):
        return None
    unfinished, step = without_last_action(candidate, set(wb.skills()))
    if not step:
        return None
    case = control_case(wb, proposal)
    run = await run_case(wb, unfinished, proposal, case, JudgeChain(ProgrammaticJudge()))
    if run.passed:
        return (
            f"the post-conditions also hold without the skill's last step ({step}): "
            "they do not show that step's effect"
        )
    return None


async def vacuity_problem(
    wb: Workbench, candidate: CandidateSkill, proposal: TaskProposal, judge: JudgeChain
) -> str | None:
    """A skill that acts must be told apart from one that does nothing: its post-conditions,
    run on a skill that only opens the start page with the first test input, must fail (a
    log-out proven by "the URL is /" is not proven). Information skills return a list the
    listing check compares, so they are not run twice."""
    if proposal.returns or not proposal.positives():
        return None
    null = await run_case(
        wb, do_nothing(candidate, proposal.start_url), proposal, control_case(wb, proposal), judge
    )
    if null.passed:
        return (
            f"the post-conditions also hold for a skill that only opens {proposal.start_url}: "
            "they do not show that this one acted"
        )
    return None


async def verify(
    wb: Workbench,
    candidate: CandidateSkill,
    proposal: TaskProposal,
    judge: JudgeChain | None = None,
) -> VerificationReport:
    """Run the candidate on every test case (and the differential variations); it is verified
    only if all pass and the cross-run checks hold."""
    judge = judge or JudgeChain()
    report = VerificationReport(skill=candidate.name)
    variations = differential_cases(proposal)
    cases = [*proposal.positives(), *variations]
    report.problems = coverage_problems(proposal, cases)
    if report.problems and candidate.params:
        report.unfixable = True  # the test cases' fault: no code change helps
        return report
    applicable: list[TestCase] = []
    for case in cases or [TestCase()]:
        run = await run_case(wb, candidate, proposal, case, judge)
        if case in variations and not run.passed and run.error is not None:
            # the policy's own cases all passed (they run first); a variation made from their
            # values may name something the site does not have (issue 33 of another project):
            # an error there is no evidence either way. A wrong effect still fails.
            report.inapplicable.append(run)
            continue
        applicable.append(case)
        report.runs.append(run)
        if not run.passed:
            return report
    if report.inapplicable:
        left = coverage_problems(proposal, applicable)
        if left:
            report.problems = [f"{p} (its variations ended in errors)" for p in left]
            return report
    report.problems = consistency_problems(proposal, report.runs)
    if report.problems:
        return report
    report.problems = listing_problems(proposal, report.runs)
    if report.problems:
        report.unfixable = True  # the test cases' listings: no code change helps
        return report
    crowded = crowded_case(proposal)
    if crowded is not None:
        neighbour, case = crowded
        programmatic = JudgeChain(ProgrammaticJudge())
        run = await run_case(wb, candidate, proposal, case, programmatic, neighbour=neighbour)
        report.runs.append(run)
        if not run.passed:
            return report
    vacuous = await vacuity_problem(wb, candidate, proposal, judge)
    if vacuous:
        report.problems = [vacuous]
        report.unfixable = True  # the post-conditions' fault: no code change helps
        return report
    unfinished = await unfinished_problem(wb, candidate, proposal)
    if unfinished:
        # the contract is weak, but a skill that checks its own last step's effect (raises
        # when the line is still in the cart) tells itself apart: a repair can do that
        report.problems = [unfinished]
        return report
    for case in proposal.test_cases:
        if case.expect == "rejected":
            report.runs.append(await run_case(wb, candidate, proposal, case, judge))
    return report


def redacted_inputs(proposal: TaskProposal, inputs: dict[str, Any]) -> dict[str, Any]:
    """Inputs as written to files: secrets that are not account placeholders become [secret]."""
    secret = {p.name for p in proposal.params if p.role == "secret"}
    return {
        k: (
            v
            if k not in secret or (isinstance(v, str) and v.startswith(SECRET_PREFIX))
            else "[secret]"
        )
        for k, v in inputs.items()
    }

"""The heuristic policy (no model): crawl, propose from forms and links, practise the plan.

Rounds: first anonymously (log-in and search first, so later proposals can use them), then
logged in with the verified login skill, then with state built by verified "add…" skills
(a filled cart shows its row forms)."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page
from pydantic import BaseModel, Field

from agent.artifacts import write_json
from agent.browser.facts import page_facts
from agent.browser.readback import result_names, results_locator
from agent.errors import TargetError
from agent.models import CandidateSkill, SetupCall, TaskProposal, VerificationReport
from agent.policies.heuristic.plan import HeuristicPlan
from agent.policies.heuristic.practise import practise
from agent.policies.heuristic.propose import key_of, propose, static_pages
from agent.policies.heuristic.sitemap import SiteMap, Skipped, crawl
from agent.policy import AttemptOutcome, Practice
from agent.workbench import SECRET_PREFIX, SetupError, Workbench


class HeuristicState(BaseModel):
    round: int = 0
    phase: str = "first"  # first (log in, search) | rest | advance (to the next round)
    setup: list[SetupCall] = Field(default_factory=list)
    sitemap: SiteMap | None = None
    done: set[tuple[Any, ...]] = Field(default_factory=set)  # form/link keys verified
    tried: set[tuple[tuple[Any, ...], int]] = Field(default_factory=set)  # (key, setup size)
    names: set[str] = Field(default_factory=set)
    verified: dict[str, TaskProposal] = Field(default_factory=dict)
    login: SetupCall | None = None
    login_skill: str | None = None
    search: tuple[str, str] | None = None  # (skill, entity pattern it lists)
    login_failure: str | None = None  # why the login with the given account failed
    result_patterns: dict[str, str] = Field(default_factory=dict)  # proposal id -> pattern


def _plan(proposal: TaskProposal) -> HeuristicPlan:
    assert isinstance(proposal.plan, HeuristicPlan), "not a heuristic proposal"
    return proposal.plan


class HeuristicPolicy:
    name = "heuristic"

    def __init__(self, *, iterations: int = 3, max_pages: int = 30) -> None:
        self.iterations = iterations
        self.max_pages = max_pages
        self.state = HeuristicState()

    async def propose(self, wb: Workbench) -> list[TaskProposal] | None:
        st = self.state
        if st.login_failure and st.login is None and not wb.target.resettable:
            user = next(iter(wb.target.accounts), "?")
            raise TargetError(
                f"logging in as {user!r} failed, so exploring stops (check --username and "
                f"$SKILLWRIGHT_PASSWORD): {st.login_failure[:300]}"
            )
        while st.round < self.iterations:
            if st.phase == "advance":
                self._next_round(wb)
                continue
            if st.sitemap is None:
                st.sitemap = await self._crawl(wb)
            setup_key = len(st.setup)
            known = set(st.done) | {k for (k, n) in st.tried if n == setup_key}
            proposals = propose(
                st.sitemap,
                accounts=wb.target.accounts,
                known=known,
                taken_names=set(st.names),
                setup=st.setup,
                search_skill=st.search,
                login_skill=st.login_skill,
            )
            if st.phase == "first":
                proposals = [p for p in proposals if _plan(p).kind in ("login", "search")]
                st.phase = "rest"
                live_login = st.round == 0 and wb.target.accounts and not wb.target.resettable
                if live_login and not any(_plan(p).kind == "login" for p in proposals):
                    user = next(iter(wb.target.accounts))
                    raise TargetError(
                        f"--username {user}: no login form (a user name and a password field) "
                        f"was found under {wb.target.scope}; nothing was explored as that user"
                    )
            else:
                st.phase = "advance"
            for p in proposals:
                st.tried.add((key_of(_plan(p)), setup_key))
            if proposals:
                return proposals
        return None

    def _next_round(self, wb: Workbench) -> None:
        st = self.state
        st.round += 1
        st.phase = "first"
        st.sitemap = None
        if st.round == 1:
            if st.login is None:
                st.round = self.iterations if not wb.target.accounts else st.round
                return
            st.setup = [st.login]
        elif st.round == 2:
            extra = self._state_building()
            if not extra:
                st.round = self.iterations
                return
            st.setup = [*st.setup, *extra]

    async def _crawl(self, wb: Workbench) -> SiteMap:
        try:
            context, page = await wb.fresh_page(self.state.setup)
        except SetupError:
            try:  # a slow page once (a loaded machine, a site warming up): once more
                context, page = await wb.fresh_page(self.state.setup)
            except SetupError as exc:
                raise TargetError(
                    f"{exc}; so exploring stops before crawling as that user"
                ) from None
        folder = wb.run_dir / "sitemaps"
        n = len(list(folder.glob("*.json"))) if folder.exists() else 0
        log = wb.run_dir / "skipped.jsonl"
        log.parent.mkdir(parents=True, exist_ok=True)

        def logged(skip: Skipped) -> None:
            with log.open("a") as out:
                out.write(skip.model_dump_json() + "\n")

        try:
            sitemap = await crawl(
                page,
                wb.target.start_path,
                scope=wb.target.scope,
                max_pages=self.max_pages,
                on_skip=logged,
            )
        finally:
            await wb.close(context)
        write_json(folder / f"round-{n}.json", sitemap)
        if not sitemap.pages:
            why = "; ".join(f"{s.path}: {s.reason}" for s in sitemap.skipped[:3])
            raise TargetError(
                f"nothing crawled under {wb.target.scope} from {wb.target.start_path}"
                + (f" ({why})" if why else "")
            )
        return sitemap

    def _state_building(self) -> list[SetupCall]:
        """Calls of verified 'add…' entity skills (add to cart) that give later pages content."""
        calls: list[SetupCall] = []
        for name, proposal in self.state.verified.items():
            if _plan(proposal).kind == "entity" and name.startswith("add"):
                calls += [SetupCall(skill=name, args=c.inputs) for c in proposal.positives()[:3]]
        return calls

    async def prepare(self, wb: Workbench, proposal: TaskProposal) -> TaskProposal:
        """Keep test entities whose page really shows the form (e.g. not already reviewed)."""
        plan = _plan(proposal)
        entity = plan.entity
        if plan.kind != "entity" or not entity or not entity.get("candidates"):
            return proposal
        cases = proposal.positives()
        keep: list[str] = []
        context, page = await wb.fresh_page(proposal.setup)
        try:
            for name, path in entity["candidates"].items():
                await page.goto(path)
                facts = await page_facts(page)
                if any(f.matches(plan.key) for f in facts.forms):
                    keep.append(name)
                if len(keep) == len(cases):
                    break
        finally:
            await wb.close(context)
        if len(keep) < len(cases):
            return proposal
        param = entity["param"]
        new_cases = [
            c.model_copy(update={"inputs": {**c.inputs, param: keep[i]}})
            for i, c in enumerate(cases)
        ]
        listed = {c.inputs.get(param) for c in cases}
        rest = [
            # refusals about the form move to a kept item; one about an unknown item stays
            c.model_copy(update={"inputs": {**c.inputs, param: keep[0]}})
            if c.inputs.get(param) in listed
            else c
            for c in proposal.test_cases
            if c.expect != "success"
        ]
        params = [
            p.model_copy(update={"example": keep[0]}) if p.name == param else p
            for p in proposal.params
        ]
        inputs = [c.inputs for c in new_cases]
        return proposal.model_copy(
            update={
                "test_cases": [*new_cases, *rest],
                "params": params,
                "plan": plan.model_copy(update={"inputs": inputs}),
            }
        )

    async def practise(
        self, wb: Workbench, proposal: TaskProposal, page: Page, inputs: dict[str, Any]
    ) -> Practice:
        trajectory = await practise(proposal, inputs, page, wb.skills())
        practice = Practice(trajectory=trajectory)
        sitemap = self.state.sitemap
        if sitemap is not None:
            practice.readback = static_pages(sitemap)
        if proposal.returns and trajectory.error is None:
            pattern, names = result_names(await page_facts(page))
            practice.returned = names
            practice.extraction = await results_locator(page, names, pattern)
            if pattern is not None:
                self.state.result_patterns[proposal.id] = pattern
        return practice

    def name_skill(self, proposal: TaskProposal, practice: Practice) -> TaskProposal:
        return proposal

    async def repair(
        self, wb: Workbench, candidate: CandidateSkill, report: VerificationReport
    ) -> CandidateSkill | None:
        return None

    def learn(self, outcome: AttemptOutcome) -> None:
        st = self.state
        proposal = outcome.proposal
        if not outcome.verified:
            if _plan(proposal).kind == "login" and st.login is None:
                st.login_failure = outcome.reason or outcome.stage
            return
        st.done.add(key_of(_plan(proposal)))
        st.names.add(proposal.skill_name)
        st.verified[proposal.skill_name] = proposal
        kind = _plan(proposal).kind
        if kind == "login" and st.login is None:
            user = next(iter(proposal.positives()[0].inputs.values()))
            st.login = SetupCall(
                skill=proposal.skill_name,
                args={"username": user, "password": SECRET_PREFIX + str(user)},
            )
            st.login_skill = proposal.skill_name
        pattern = st.result_patterns.get(proposal.id)
        if kind == "search" and pattern:
            st.search = (proposal.skill_name, pattern)

"""The model-driven policy: the model proposes tasks with typed test cases and post-conditions,
practises them step by step with recorded primitives and library skills, and repairs failing
candidates. Judging, induction, verification and storage stay generic (agent.attempt)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.async_api import Page
from pydantic import BaseModel, Field

from agent.artifacts import write_json
from agent.browser.observation import observe
from agent.browser.readback import read_listing, results_locator
from agent.errors import SkillwrightError
from agent.llm.errors import LLMError, ReplayMissError
from agent.models import (
    CandidateSkill,
    SetupCall,
    TaskProposal,
    VerificationReport,
)
from agent.policies.llm.drafts import ProposalBatch, Rejected, RepairReply, to_proposal
from agent.policies.llm.practise import describe_skills, step_loop, task_text
from agent.policies.llm.survey import clip, survey
from agent.policies.llm.templates import render
from agent.policy import AttemptOutcome, Practice
from agent.sandbox import compile_skill
from agent.workbench import SECRET_PREFIX, SetupError, Workbench, resolve_args
from skills_store.policy import PolicyViolation, check_skill_code

REFUSED_REWRITES = 1  # a repair the AST policy refused is asked again once, with the reason


class LLMState(BaseModel):
    round: int = 0
    attempted: dict[str, str] = Field(default_factory=dict)  # key -> how it ended
    verified: list[str] = Field(default_factory=list)
    login: SetupCall | None = None
    next_index: int = 0
    observations: dict[str, str] = Field(default_factory=dict)  # proposal id -> last snapshot


def task_templates(tasks: list[Any]) -> str:
    """The prompt text for `--from-tasks`: each intent template with its instances."""
    groups: dict[int, list[Any]] = {}
    for task in tasks:
        groups.setdefault(task.intent_template_id, []).append(task)
    parts = []
    for group in groups.values():
        first = group[0]
        login = " (needs a log-in)" if first.requires_login else ""
        lines = [f"- {first.intent_template} [{first.kind}]{login}"]
        lines += [f"    {json.dumps(t.instantiation_dict)}" for t in group]
        parts.append("\n".join(lines))
    return "\n".join(parts)


def _is_login(proposal: TaskProposal) -> bool:
    roles = {p.role for p in proposal.params}
    return (
        {"username", "secret"} <= roles
        and proposal.kind == "procedural"
        and not any(p.role == "value" for p in proposal.params)
    )


class LLMPolicy:
    name = "llm"

    def __init__(
        self,
        model: Any,
        *,
        iterations: int = 3,
        per_round: int = 12,
        max_steps: int = 8,
        state: LLMState | None = None,
        confirm_with_skill: bool = True,
        tasks: str | None = None,
    ) -> None:
        self.confirm_with_skill = confirm_with_skill
        self.tasks = tasks  # task templates to learn (--from-tasks), else free exploration
        self.model = model
        self.iterations = iterations
        self.per_round = per_round
        self.max_steps = max_steps
        self.state = state or LLMState()

    def judges(self, site: str) -> list[Any]:
        """Judges after the programmatic one: the model, where no post-condition decides."""
        from agent.policies.llm.judge import LLMJudge

        return [LLMJudge(self.model, site)]

    # -- propose -----------------------------------------------------------------------------

    def _signatures(self, wb: Workbench) -> dict[str, str]:
        out: dict[str, str] = {}
        for skill in wb.library.list(site=wb.site, status="verified"):
            first = skill.docstring.strip().splitlines()[0] if skill.docstring.strip() else ""
            out[skill.name] = f"{skill.signature.removesuffix(':')} — {first}"
        return out

    def _accounts(self, wb: Workbench) -> str:
        if not wb.target.accounts:
            return "(none)"
        return "\n".join(
            f"- user name {json.dumps(u)}, password {SECRET_PREFIX}{u}" for u in wb.target.accounts
        )

    async def propose(self, wb: Workbench) -> list[TaskProposal] | None:
        st = self.state
        if st.round >= self.iterations:
            return None
        st.round += 1
        setup = [st.login] if st.login is not None and st.round > 1 else []
        try:
            context, page = await wb.fresh_page(setup)
        except SetupError:
            context, page = await wb.fresh_page([])
        try:
            pages, _seen = await survey(page, wb.target.start_path, wb.target.scope)
        finally:
            await wb.close(context)
        signatures = self._signatures(wb)
        attempted = "\n".join(f"- {k}: {v}" for k, v in st.attempted.items()) or "(none)"
        extra = {"tasks": self.tasks} if self.tasks else {}
        prompt = render(
            "propose_tasks" if self.tasks else "propose",
            origin=wb.target.base_url,
            **extra,
            site=wb.site,
            pages=pages
            + (f"\n\n(You are logged in as {setup[0].args.get('username')}.)" if setup else ""),
            accounts=self._accounts(wb),
            library="\n".join(f"- {s}" for s in signatures.values()) or "(empty)",
            attempted=attempted,
            count=self.per_round,
        )
        folder = wb.run_dir / "proposals"
        try:
            completion = await self.model.complete(
                [{"role": "user", "content": prompt}], schema=ProposalBatch, stage="propose"
            )
        except ReplayMissError:  # an offline run that left its cassette: say so
            raise
        except LLMError as exc:
            write_json(folder / f"round-{st.round}.json", {"prompt": prompt, "error": str(exc)})
            return []
        batch = completion.parsed
        assert isinstance(batch, ProposalBatch)
        kept: list[TaskProposal] = []
        rejected: list[Rejected] = []
        names = set(signatures) | set(st.verified)
        batch_login = any(
            {"username", "secret"} <= {p.role for p in d.params} for d in batch.proposals
        )
        for draft in batch.proposals:
            try:
                proposal = to_proposal(draft, index=st.next_index)
            except ValueError as exc:
                rejected.append(Rejected(title=draft.title, reason=str(exc)))
                continue
            st.next_index += 1
            if proposal.skill_name in names or proposal.key in st.attempted:
                rejected.append(Rejected(title=draft.title, reason="the library has it already"))
                continue
            unknown = [c.skill for c in draft.setup if c.skill not in signatures]
            if unknown:
                why = f"setup calls skills the library does not have: {unknown}"
                rejected.append(Rejected(title=draft.title, reason=why))
                continue
            extra_setup = [SetupCall(skill=c.skill, args=c.args) for c in draft.setup]
            if extra_setup:
                proposal = proposal.model_copy(update={"setup": extra_setup})
            if proposal.needs_login and not _is_login(proposal):
                if st.login is None and not batch_login:
                    why = "needs a log-in skill first"
                    rejected.append(Rejected(title=draft.title, reason=why))
                    continue
                if st.login is not None:
                    proposal = proposal.model_copy(update={"setup": [st.login, *proposal.setup]})
            names.add(proposal.skill_name)
            kept.append(proposal)
        # a log-in first: later proposals of the round may need it
        kept.sort(key=lambda p: 0 if _is_login(p) else 1)
        write_json(
            folder / f"round-{st.round}.json",
            {
                "prompt": prompt,
                "reply": completion.text,
                "kept": [p.id for p in kept],
                "rejected": [r.model_dump() for r in rejected],
            },
        )
        return kept

    async def prepare(self, wb: Workbench, proposal: TaskProposal) -> TaskProposal:
        """A task that needs a log-in gets the log-in verified earlier in its round."""
        login = self.state.login
        if proposal.needs_login and not _is_login(proposal):
            if login is None:
                raise SetupError("no log-in skill was verified for this task")
            if login not in proposal.setup:
                return proposal.model_copy(update={"setup": [login, *proposal.setup]})
        return proposal

    # -- practise ----------------------------------------------------------------------------

    async def practise(
        self, wb: Workbench, proposal: TaskProposal, page: Page, inputs: dict[str, Any]
    ) -> Practice:
        shown = dict(inputs)
        for case in proposal.positives():
            plain = {k: v for k, v in case.inputs.items() if not str(v).startswith(SECRET_PREFIX)}
            if all(inputs.get(k) == v for k, v in plain.items()):
                shown = dict(case.inputs)
                break
        folder = wb.run_dir / "attempts" / proposal.id
        loop = await step_loop(
            self.model,
            page,
            site=wb.site,
            task=task_text(proposal),
            shown=shown,
            inputs=inputs,
            skills=wb.skills(),
            signatures=self._signatures(wb),
            start_url=proposal.start_url,
            max_steps=self.max_steps,
            folder=folder,
            proposal_id=proposal.id,
        )
        trajectory = loop.trajectory
        entities = {p.name for p in proposal.params if p.role == "entity"}
        for rec in trajectory.actions:
            if rec.kind == "click" and rec.param is None and rec.locator:
                for name in entities:
                    value = inputs.get(name)
                    if value is not None and repr(str(value))[1:-1] in rec.locator:
                        rec.param = name
        practice = Practice(trajectory=trajectory, choices=loop.choices)
        try:
            obs = await observe(page)
            self.state.observations[proposal.id] = clip(obs.snapshot, 6000)
        except Exception:
            pass
        if proposal.returns and trajectory.error is None:
            listing = await read_listing(page)
            answer = loop.answer if isinstance(loop.answer, list) else None
            names = [str(a) for a in answer] if answer else listing
            if answer and set(names) <= set(listing):
                names = listing  # the model may have shortened the list; the page has it whole
            practice.returned = names
            practice.extraction = await results_locator(page, names)
        return practice

    def name_skill(self, proposal: TaskProposal, practice: Practice) -> TaskProposal:
        return proposal

    # -- repair ------------------------------------------------------------------------------

    async def repair(
        self, wb: Workbench, candidate: CandidateSkill, report: VerificationReport
    ) -> CandidateSkill | None:
        failure = report.failure
        failed = next((r for r in report.runs if not r.passed), None)
        if failed is not None:
            # the case's note says how the run differed ("after the skill acted on …": the page
            # then held another item, which the practice page did not show)
            case = f" ({failed.note})" if failed.note else ""
            failure = f"inputs {json.dumps(failed.inputs, default=str)}{case}: {failed.checked}" + (
                f"\nerror: {failed.error}" if failed.error else ""
            )
        skills = {k: v for k, v in self._signatures(wb).items() if k != candidate.name}
        base = failure
        for _ in range(REFUSED_REWRITES + 1):
            prompt = render(
                "repair",
                origin=wb.target.base_url,
                site=wb.site,
                code=candidate.code,
                library=describe_skills(skills),
                failure=failure,
                observation=self.state.observations.get(candidate.proposal_id, "(not kept)"),
            )
            try:
                completion = await self.model.complete(
                    [{"role": "user", "content": prompt}], schema=RepairReply, stage="repair"
                )
            except ReplayMissError:  # an offline run that left its cassette: say so
                raise
            except LLMError:
                return None
            reply = completion.parsed
            assert isinstance(reply, RepairReply)
            code = reply.code.strip() + "\n"
            try:
                parsed = check_skill_code(code, allowed_calls=set(wb.skills()))
            except (PolicyViolation, SyntaxError) as exc:
                # the rewrite never ran: say why, so the next one can do without it
                failure = (
                    f"{base}\n(Your rewrite was refused before it ran — {exc}. Write it again "
                    "without that construct.)"
                )
                continue
            if parsed.name != candidate.name:
                return None
            return candidate.model_copy(update={"code": code})
        return None

    # -- confirm (ASI's check) ---------------------------------------------------------------

    async def confirm(
        self, wb: Workbench, proposal: TaskProposal, candidate: CandidateSkill
    ) -> str | None:
        """Re-solve the originating task with the new skill available: it must succeed and call
        the skill with the task's inputs. None when it does; else why not."""
        if not self.confirm_with_skill:
            return None
        library = wb.skills()
        try:
            parsed = check_skill_code(candidate.code, allowed_calls=set(library))
            fn = compile_skill(candidate.code, candidate.name, library=library)
        except (PolicyViolation, SyntaxError, SkillwrightError) as exc:
            return f"the verified code does not compile for re-use: {exc}"
        first = parsed.docstring.splitlines()[0] if parsed.docstring else ""
        signatures = {
            **self._signatures(wb),
            candidate.name: f"{parsed.signature.removesuffix(':')} — {first}",
        }
        case = proposal.positives()[-1]
        try:
            inputs = resolve_args(case.inputs, wb.target.accounts)
            context, page = await wb.fresh_page(proposal.setup)
        except SetupError as exc:
            return f"re-solving could not start: {exc}"
        try:
            loop = await step_loop(
                self.model,
                page,
                site=wb.site,
                task=task_text(proposal),
                shown=dict(case.inputs),
                inputs=inputs,
                skills={**library, candidate.name: fn},
                signatures=signatures,
                start_url=proposal.start_url,
                max_steps=3,
                folder=wb.run_dir / "attempts" / proposal.id / "confirm",
                proposal_id=proposal.id,
                stage="confirm",
            )
        finally:
            await wb.close(context)
        calls = [
            r for r in loop.trajectory.actions if r.kind == "call" and r.value == candidate.name
        ]
        if not calls:
            return "re-solving the task with the new skill available did not call it"
        if not calls[0].ok:
            return f"re-solving called the skill and it failed: {calls[0].error}"
        unbound = [p.name for p in proposal.params if p.name not in calls[0].args.values()]
        if unbound and any(case.inputs.get(p) is not None for p in unbound):
            return f"re-solving called the skill without the task's {', '.join(unbound)}"
        return None

    STATE_FILE = "policy_state.json"

    def save_state(self, run_dir: Path) -> None:
        """What a resumed run needs: rounds done, tasks attempted, the log-in found."""
        write_json(run_dir / self.STATE_FILE, self.state)

    def load_state(self, run_dir: Path) -> None:
        path = run_dir / self.STATE_FILE
        if path.exists():
            self.state = LLMState.model_validate_json(path.read_text())
            # the interrupted round is proposed again; tasks it attempted are not repeated
            self.state.round = max(0, self.state.round - 1)

    def learn(self, outcome: AttemptOutcome) -> None:
        st = self.state
        proposal = outcome.proposal
        st.attempted[proposal.key] = (
            "verified"
            if outcome.verified
            else (f"failed at {outcome.stage}: {outcome.reason[:120]}")
        )
        if not outcome.verified:
            return
        st.verified.append(proposal.skill_name)
        if _is_login(proposal) and st.login is None:
            case = proposal.positives()[0]
            user_param = next(p.name for p in proposal.params if p.role == "username")
            secret = next(p.name for p in proposal.params if p.role == "secret")
            st.login = SetupCall(
                skill=proposal.skill_name,
                args={user_param: case.inputs[user_param], secret: case.inputs[secret]},
            )

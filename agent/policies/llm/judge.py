"""The LLM judge: asked only when no programmatic post-condition decides a run (the chain's
last link); its verdict is recorded as `judge="llm"`."""

from __future__ import annotations

import json
from typing import Any

from agent.llm.errors import LLMError, ReplayMissError
from agent.models import TaskProposal, Verdict
from agent.policies.llm.drafts import JudgeReply
from agent.policies.llm.practise import inputs_text, task_text
from agent.policies.llm.survey import clip
from agent.policies.llm.templates import render
from agent.postconditions import Evidence, Probe

PAGE_CHARS = 5_000


class LLMJudge:
    def __init__(self, model: Any, site: str) -> None:
        self.model = model
        self.site = site

    async def judge(
        self, proposal: TaskProposal, ev: Evidence, probe: Probe, path: str
    ) -> Verdict | None:
        page_path, heading, text = await probe.text(None)
        shown = {
            k: (
                "[secret]"
                if any(p.name == k and p.role == "secret" for p in proposal.params)
                else v
            )
            for k, v in ev.inputs.items()
        }
        prompt = render(
            "judge",
            site=self.site,
            task=task_text(proposal),
            inputs=inputs_text(shown),
            observation=f"Path: {page_path}\nHeading: {heading}\n"
            + (f"Returned: {json.dumps(ev.returned, default=str)[:500]}\n" if ev.returned else "")
            + clip(text, PAGE_CHARS),
        )
        try:
            completion = await self.model.complete(
                [{"role": "user", "content": prompt}], schema=JudgeReply, stage="judge"
            )
        except ReplayMissError:  # an offline run that left its cassette: say so
            raise
        except LLMError as exc:
            return Verdict(success=False, reasons=[f"LLM judge failed: {exc}"], judge="llm")
        reply = completion.parsed
        assert isinstance(reply, JudgeReply)
        return Verdict(success=reply.success, reasons=[reply.reason], judge="llm")

"""One async LLM layer: every model call in Skillwright goes through `ChatModel`.

Backends (one per module): `OpenAIChatModel` (any OpenAI-compatible server),
`LangChainChatModel` (any LangChain ``BaseChatModel``), `RecordingModel` /
`ReplayModel` (JSONL cassettes) and `ScriptedModel` (tests). `from_spec` builds
one from an ``--llm`` spec; `Tracked` + `UsageTracker` count tokens per stage.

The names below are imported on first use (PEP 562), so importing `agent.llm` (or one of its
light modules, such as `agent.llm.errors`) does not import openai or langchain.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.llm.cassette import RecordingModel, ReplayModel, cassette_key, read_cassette
    from agent.llm.completion import Completion, Message, Usage
    from agent.llm.errors import (
        LLMCallError,
        LLMConfigError,
        LLMError,
        ModelOutputError,
        ReplayMissError,
        ScriptExhaustedError,
    )
    from agent.llm.langchain_backend import LangChainChatModel
    from agent.llm.openai_backend import OpenAIChatModel, RetryPolicy
    from agent.llm.parsing import JSONReplyError, parse_json_reply
    from agent.llm.preflight import check_reachable
    from agent.llm.protocol import ChatModel
    from agent.llm.redaction import REDACTED, Redactor
    from agent.llm.scripted import ScriptedModel
    from agent.llm.spec import SPEC_ENV_VAR, configured_spec, from_spec
    from agent.llm.usage import Tracked, UsageCount, UsageReport, UsageTracker

_HOMES: dict[str, str] = {
    "ChatModel": "agent.llm.protocol",
    "Completion": "agent.llm.completion",
    "JSONReplyError": "agent.llm.parsing",
    "LLMCallError": "agent.llm.errors",
    "LLMConfigError": "agent.llm.errors",
    "LLMError": "agent.llm.errors",
    "LangChainChatModel": "agent.llm.langchain_backend",
    "Message": "agent.llm.completion",
    "ModelOutputError": "agent.llm.errors",
    "OpenAIChatModel": "agent.llm.openai_backend",
    "REDACTED": "agent.llm.redaction",
    "RecordingModel": "agent.llm.cassette",
    "Redactor": "agent.llm.redaction",
    "ReplayMissError": "agent.llm.errors",
    "ReplayModel": "agent.llm.cassette",
    "RetryPolicy": "agent.llm.openai_backend",
    "SPEC_ENV_VAR": "agent.llm.spec",
    "ScriptExhaustedError": "agent.llm.errors",
    "ScriptedModel": "agent.llm.scripted",
    "Tracked": "agent.llm.usage",
    "Usage": "agent.llm.completion",
    "UsageCount": "agent.llm.usage",
    "UsageReport": "agent.llm.usage",
    "UsageTracker": "agent.llm.usage",
    "cassette_key": "agent.llm.cassette",
    "check_reachable": "agent.llm.preflight",
    "configured_spec": "agent.llm.spec",
    "from_spec": "agent.llm.spec",
    "parse_json_reply": "agent.llm.parsing",
    "read_cassette": "agent.llm.cassette",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = [
    "REDACTED",
    "SPEC_ENV_VAR",
    "ChatModel",
    "Completion",
    "JSONReplyError",
    "LLMCallError",
    "LLMConfigError",
    "LLMError",
    "LangChainChatModel",
    "Message",
    "ModelOutputError",
    "OpenAIChatModel",
    "RecordingModel",
    "Redactor",
    "ReplayMissError",
    "ReplayModel",
    "RetryPolicy",
    "ScriptExhaustedError",
    "ScriptedModel",
    "Tracked",
    "Usage",
    "UsageCount",
    "UsageReport",
    "UsageTracker",
    "cassette_key",
    "check_reachable",
    "configured_spec",
    "from_spec",
    "parse_json_reply",
    "read_cassette",
]

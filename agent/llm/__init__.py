"""One async LLM layer: every model call in Skillwright goes through `ChatModel`.

Backends (one per module): `OpenAIChatModel` (any OpenAI-compatible server),
`LangChainChatModel` (any LangChain ``BaseChatModel``), `RecordingModel` /
`ReplayModel` (JSONL cassettes) and `ScriptedModel` (tests). `from_spec` builds
one from an ``--llm`` spec; `Tracked` + `UsageTracker` count tokens per stage.
"""

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

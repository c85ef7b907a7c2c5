"""The ``--llm SPEC`` grammar: turning a spec string into a `ChatModel`.

::

    openai:MODEL                       OPENAI_API_KEY / OPENAI_BASE_URL from the environment
    openai:MODEL@http://host:port/v1   any OpenAI-compatible server
    langchain:module:factory           factory() returns a langchain BaseChatModel
    replay:PATH.jsonl                  serve a recorded cassette
    record:PATH.jsonl=INNER_SPEC       call INNER_SPEC and record into PATH.jsonl

With no spec, ``$SKILLWRIGHT_LLM`` is used. Every mistake raises one
`LLMConfigError` before any model is called; `check_reachable` then tells
whether a server answers.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from agent.llm.cassette import RecordingModel, ReplayModel
from agent.llm.errors import LLMConfigError
from agent.llm.langchain_backend import LangChainChatModel
from agent.llm.openai_backend import OpenAIChatModel
from agent.llm.protocol import ChatModel

SPEC_ENV_VAR = "SKILLWRIGHT_LLM"
TIMEOUT_ENV_VAR = "SKILLWRIGHT_LLM_TIMEOUT"  # seconds per model call (default 120)
SCHEMES = ("openai", "langchain", "replay", "record")
_OPENAI_AT_URL = re.compile(r"^(?P<model>.+?)@(?P<url>[A-Za-z][A-Za-z0-9+.-]*://.+)$")
_GRAMMAR = (
    "openai:MODEL, openai:MODEL@http://host:port/v1, langchain:module:factory, "
    "replay:PATH.jsonl or record:PATH.jsonl=INNER_SPEC"
)


def configured_spec(env: Mapping[str, str] | None = None) -> str | None:
    """The spec in ``$SKILLWRIGHT_LLM``, or None when no LLM is configured."""
    env = os.environ if env is None else env
    value = env.get(SPEC_ENV_VAR, "").strip()
    return value or None


def from_spec(
    spec: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    secrets: Iterable[str] = (),
) -> ChatModel:
    """Build the `ChatModel` a spec names (``$SKILLWRIGHT_LLM`` when ``spec`` is None).

    ``secrets`` are extra values a ``record:`` cassette must never contain.

    Raises:
        LLMConfigError: no spec configured, unknown scheme, malformed spec, missing
            API key, unimportable LangChain factory, or missing replay cassette.
    """
    env = os.environ if env is None else env
    if spec is None:
        spec = configured_spec(env)
        if spec is None:
            raise LLMConfigError(
                f"no LLM configured: pass --llm SPEC or set ${SPEC_ENV_VAR} ({_GRAMMAR})"
            )
    return _build(spec.strip(), env, tuple(secrets))


def _build(spec: str, env: Mapping[str, str], secrets: tuple[str, ...]) -> ChatModel:
    scheme, sep, rest = spec.partition(":")
    if not sep or scheme not in SCHEMES:
        raise LLMConfigError(
            f"unknown LLM spec {spec!r}: the scheme must be one of {', '.join(SCHEMES)} "
            f"({_GRAMMAR})"
        )
    if not rest:
        raise LLMConfigError(f"LLM spec {spec!r} is incomplete ({_GRAMMAR})")
    if scheme == "openai":
        return _openai(rest, env)
    if scheme == "langchain":
        return _langchain(rest)
    if scheme == "replay":
        return ReplayModel(_cassette_path(rest, spec), secrets=secrets, env=env)
    path, eq, inner = rest.partition("=")
    if not eq or not inner.strip():
        raise LLMConfigError(f"LLM spec {spec!r} must look like record:PATH.jsonl=INNER_SPEC")
    inner_model = _build(inner.strip(), env, secrets)
    return RecordingModel(inner_model, _cassette_path(path, spec), secrets=secrets, env=env)


def _openai(rest: str, env: Mapping[str, str]) -> OpenAIChatModel:
    model, base_url = rest, None
    if "@" in rest:
        match = _OPENAI_AT_URL.match(rest)
        if match is None or not match.group("url").startswith(("http://", "https://")):
            raise LLMConfigError(
                f"LLM spec openai:{rest!r}: the part after '@' must be a base URL "
                "such as http://127.0.0.1:8000/v1"
            )
        model, base_url = match.group("model"), match.group("url")
    timeout = env.get(TIMEOUT_ENV_VAR)
    try:
        timeout_s = float(timeout) if timeout else 120.0
    except ValueError:
        raise LLMConfigError(f"${TIMEOUT_ENV_VAR} must be seconds, not {timeout!r}") from None
    return OpenAIChatModel(model.strip(), base_url=base_url, env=env, timeout_s=timeout_s)


def _langchain(rest: str) -> ChatModel:
    module_name, sep, factory_name = rest.partition(":")
    if not sep or not module_name or not factory_name:
        raise LLMConfigError(f"LLM spec langchain:{rest!r} must look like langchain:module:factory")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LLMConfigError(
            f"langchain spec: cannot import module {module_name!r}: {exc}"
        ) from exc
    factory: object = module
    for part in factory_name.split("."):
        factory = getattr(factory, part, None)
    if not callable(factory):
        raise LLMConfigError(f"langchain spec: {module_name} has no callable {factory_name!r}")
    try:
        model = factory()
    except Exception as exc:
        raise LLMConfigError(
            f"langchain spec: {module_name}:{factory_name}() failed: {type(exc).__name__}: {exc}"
        ) from exc
    if isinstance(model, BaseChatModel):
        return LangChainChatModel(model)
    if isinstance(model, ChatModel):
        return model
    raise LLMConfigError(
        f"langchain spec: {module_name}:{factory_name}() returned {type(model).__name__}, "
        "not a langchain BaseChatModel"
    )


def _cassette_path(text: str, spec: str) -> Path:
    text = text.strip()
    if not text:
        raise LLMConfigError(f"LLM spec {spec!r} names no cassette file")
    return Path(text).expanduser()

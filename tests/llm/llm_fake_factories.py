"""Factories for ``langchain:module:factory`` specs in the tests."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel


def make_chat_model() -> FakeListChatModel:
    return FakeListChatModel(responses=["hello from langchain"])


def make_not_a_model() -> int:
    return 42


def broken_factory() -> FakeListChatModel:
    raise RuntimeError("no credentials for the fancy provider")

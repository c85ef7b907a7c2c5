"""Constants shared by the LLM tests (kept out of conftest.py so tests can import them)."""

from __future__ import annotations

from agent.llm import RetryPolicy

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05)
TEST_API_KEY = "sk-test-0123456789abcdefghijklmnop"

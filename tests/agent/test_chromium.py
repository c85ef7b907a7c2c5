"""Chromium discovery order and the error when none exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.browser.chromium import find_chromium
from agent.errors import BrowserNotFoundError


def test_explicit_binary_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("SKILLWRIGHT_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)


def test_explicit_binary_must_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLWRIGHT_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(BrowserNotFoundError, match="SKILLWRIGHT_CHROMIUM"):
        find_chromium()


def test_playwright_managed_before_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    managed = tmp_path / "chromium-1200" / "chrome-linux"
    managed.mkdir(parents=True)
    binary = managed / "chrome"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.delenv("SKILLWRIGHT_CHROMIUM", raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert find_chromium() == str(binary)


def test_system_chromium_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SKILLWRIGHT_CHROMIUM", raising=False)
    found = find_chromium()
    assert os.access(found, os.X_OK)


def test_none_found_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SKILLWRIGHT_CHROMIUM", raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    monkeypatch.setattr("agent.browser.chromium.SYSTEM_CANDIDATES", ("/nonexistent/chromium",))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrowserNotFoundError, match="apt-get install -y chromium"):
        find_chromium()

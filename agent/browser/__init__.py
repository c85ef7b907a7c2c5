"""Browser layer: Chromium discovery, sessions/contexts, observations and recorded actions."""

from agent.browser.actions import Actor
from agent.browser.chromium import LAUNCH_ARGS, find_chromium
from agent.browser.locators import locator_source, parameterise, stable_locator
from agent.browser.observation import observe
from agent.browser.session import BrowserSession, close_context, origin_of

__all__ = [
    "LAUNCH_ARGS",
    "Actor",
    "BrowserSession",
    "close_context",
    "find_chromium",
    "locator_source",
    "observe",
    "origin_of",
    "parameterise",
    "stable_locator",
]

"""Browser layer: Chromium discovery, sessions/contexts, observations and recorded actions."""

from agent.browser.chromium import LAUNCH_ARGS, find_chromium
from agent.browser.session import BrowserSession, close_context, origin_of

__all__ = ["LAUNCH_ARGS", "BrowserSession", "close_context", "find_chromium", "origin_of"]

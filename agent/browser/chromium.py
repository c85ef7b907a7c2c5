"""Find a Chromium binary and the flags to launch it with."""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

from agent.errors import BrowserNotFoundError

LAUNCH_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # WebRTC may only use proxied TCP; the contexts' proxy refuses everything off-origin, so
    # no STUN/TURN/UDP packet leaves the browser (see agent.browser.egress).
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--dns-prefetch-disable",
    # Chromium's own autofill lookups would only be refused by the proxy (and logged as noise).
    "--disable-features=AutofillServerCommunication",
)

INSTALL_HINT = (
    "install one with `sudo apt-get install -y chromium` "
    "(Debian/Ubuntu) or point $SKILLWRIGHT_CHROMIUM at a Chromium binary"
)


def _playwright_managed() -> str | None:
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache/ms-playwright")
    patterns = ["chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/*/headless_shell"]
    for pattern in patterns:
        hits = sorted(glob.glob(os.path.join(root, pattern)), reverse=True)
        for hit in hits:
            if os.access(hit, os.X_OK):
                return hit
    return None


SYSTEM_CANDIDATES: tuple[str, ...] = ("/usr/bin/chromium",)


def find_chromium() -> str:
    """$SKILLWRIGHT_CHROMIUM, a Playwright-managed Chromium, /usr/bin/chromium, chromium-browser."""
    explicit = os.environ.get("SKILLWRIGHT_CHROMIUM")
    if explicit:
        if os.access(explicit, os.X_OK):
            return explicit
        raise BrowserNotFoundError(f"$SKILLWRIGHT_CHROMIUM={explicit} is not an executable file")
    candidates = (_playwright_managed(), *SYSTEM_CANDIDATES, shutil.which("chromium-browser"))
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BrowserNotFoundError(f"no Chromium found: {INSTALL_HINT}")

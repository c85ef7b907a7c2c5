"""A refused attempt fails the skill with a clear error and is logged in the run folder."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_listeners import Listeners

from agent.browser import BrowserSession
from agent.sandbox import ContainmentError, compile_skill, run_skill

pytestmark = pytest.mark.browser

CLICK_OUT = '''
async def follow_partner_link(page: Page) -> None:
    """Open the home page and follow its partner link."""
    await page.goto("/")
    await page.get_by_role("link", name="Partner").click()
    await page.wait_for_load_state()
'''


@pytest.fixture
def site_linking_out(listeners: Listeners) -> Iterator[str]:
    """A site whose own page links to another origin (a listener on 127.0.0.2)."""
    page = (
        f'<!doctype html><title>Home</title><a href="http://127.0.0.2:{listeners.other_port}/">'
        "Partner</a>"
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


async def test_a_site_link_to_another_origin_fails_the_skill_and_is_logged(
    browser: BrowserSession, site_linking_out: str, listeners: Listeners, tmp_path: Path
) -> None:
    log = tmp_path / "run" / "blocked.jsonl"
    browser.log_blocked_to(log)
    fn = compile_skill(CLICK_OUT, "follow_partner_link")
    context = await browser.new_context(site_linking_out)
    try:
        page = await context.new_page()
        with pytest.raises(ContainmentError, match=r"navigation to http://127\.0\.0\.2:\d+/"):
            await run_skill(fn, page, {}, timeout_s=10)
    finally:
        await context.close()
        browser.log_blocked_to(None)
    assert listeners.reached() == []
    logged = [json.loads(line) for line in log.read_text().splitlines()]
    assert f"127.0.0.2:{listeners.other_port}" in [entry["target"] for entry in logged]

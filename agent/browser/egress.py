"""Network containment for browser contexts: off-origin connections never leave Chromium.

Each context is created with a per-context proxy whose bypass list holds only the target's
`host:port`. Requests to the target therefore go direct (no Python in the path, HTTP cache on),
while every other connection Chromium would make - a navigation, a subresource, a WebSocket,
a preconnect, a connection to another port of the same host - goes to this proxy instead,
which refuses it at the SOCKS handshake (no upstream connection is ever made) and records it.
The bypass list starts with `<-loopback>`, so other loopback ports are proxied too.

WebRTC cannot be proxied: the launch flags (see `agent.browser.chromium`) restrict it to
proxied TCP (`disable_non_proxied_udp`), which this proxy refuses, so no UDP leaves either.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel

SOCKS_VERSION = 5
_REFUSED_BY_RULESET = 0x02
_HANDSHAKE_TIMEOUT_S = 5.0


class BlockedAttempt(BaseModel):
    """One connection or navigation that containment refused."""

    target: str  # host:port (proxy), or the URL (navigation / skill check)
    layer: str  # "network" (refused by the proxy) or "skill" (refused before it happened)
    reason: str
    at: float


def proxy_bypass_for(origins: list[str]) -> str:
    """The Playwright `bypass` value that lets exactly these http(s) origins go direct.

    `<-loopback>` is written out (Playwright adds it too, unless told not to by an environment
    variable): without it Chromium would let every loopback address bypass the proxy."""
    entries: list[str] = ["<-loopback>"]
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) origin: {origin!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host = parts.hostname
        if ":" in host:  # an IPv6 literal
            host = f"[{host}]"
        entries.append(f"{host}:{port}")
    return ",".join(entries)


class EgressGuard:
    """A SOCKS5 endpoint on loopback that refuses every connection and records where it led.

    `async with EgressGuard() as guard:` then pass `guard.proxy(origins)` to `new_context`.
    """

    def __init__(self, log: Path | None = None) -> None:
        self.log = log
        self.blocked: list[BlockedAttempt] = []
        self._server: asyncio.Server | None = None
        self._listeners: list[Callable[[BlockedAttempt], None]] = []

    async def __aenter__(self) -> EgressGuard:
        self._server = await asyncio.start_server(self._refuse, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("EgressGuard is not started; use `async with`")
        return int(self._server.sockets[0].getsockname()[1])

    def proxy(self, origins: list[str]) -> dict[str, str]:
        """Playwright `proxy` settings: everything but `origins` goes to this guard."""
        return {"server": f"socks5://127.0.0.1:{self.port}", "bypass": proxy_bypass_for(origins)}

    def record(self, attempt: BlockedAttempt) -> None:
        self.blocked.append(attempt)
        if self.log is not None:
            with contextlib.suppress(OSError):
                self.log.parent.mkdir(parents=True, exist_ok=True)
                with self.log.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(attempt.model_dump()) + "\n")

    async def _refuse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        destination = "unknown"
        try:
            destination = await asyncio.wait_for(
                _read_socks_request(reader, writer), _HANDSHAKE_TIMEOUT_S
            )
            reply = bytes([SOCKS_VERSION, _REFUSED_BY_RULESET, 0, 1, 0, 0, 0, 0, 0, 0])
            writer.write(reply)
            await writer.drain()
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, UnicodeError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        self.record(
            BlockedAttempt(
                target=destination,
                layer="network",
                reason="off-origin connection refused by the context's proxy",
                at=time.time(),
            )
        )


async def _read_socks_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> str:
    """Do the SOCKS5 greeting (no authentication) and read the CONNECT request's destination."""
    version, n_methods = await reader.readexactly(2)
    if version != SOCKS_VERSION:
        raise ValueError("not SOCKS5")
    await reader.readexactly(n_methods)
    writer.write(bytes([SOCKS_VERSION, 0]))
    await writer.drain()
    _version, _cmd, _rsv, atyp = await reader.readexactly(4)
    if atyp == 1:
        host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
    elif atyp == 4:
        host = f"[{ipaddress.IPv6Address(await reader.readexactly(16))}]"
    elif atyp == 3:
        (length,) = await reader.readexactly(1)
        host = (await reader.readexactly(length)).decode("ascii", errors="replace")
    else:
        raise ValueError("bad address type")
    port = int.from_bytes(await reader.readexactly(2), "big")
    return f"{host}:{port}"

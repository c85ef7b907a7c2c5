"""Loopback listeners that tell whether anything reached them, judged by outcome.

A TCP listener is a listening socket that is never accepted from: if any client completed a
connection, the kernel holds it in the backlog and the socket is readable. A UDP listener is
readable if any datagram arrived. No polling or sleeping: by the time a test looks, the
browser has already finished (and failed) the attempt it made.
"""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Listeners:
    """A TCP listener on another port of 127.0.0.1, one on 127.0.0.2, and UDP on 127.0.0.2."""

    tcp_same_host: socket.socket
    tcp_other_host: socket.socket
    udp_other_host: socket.socket

    @property
    def port(self) -> int:
        """The other port on 127.0.0.1 (another origin than the target's)."""
        return int(self.tcp_same_host.getsockname()[1])

    @property
    def other_port(self) -> int:
        """The TCP port on 127.0.0.2."""
        return int(self.tcp_other_host.getsockname()[1])

    @property
    def udp_port(self) -> int:
        return int(self.udp_other_host.getsockname()[1])

    def reached(self) -> list[str]:
        """Which listeners saw a connection or a datagram."""
        named = {
            f"tcp 127.0.0.1:{self.port}": self.tcp_same_host,
            f"tcp 127.0.0.2:{self.other_port}": self.tcp_other_host,
            f"udp 127.0.0.2:{self.udp_port}": self.udp_other_host,
        }
        readable, _, _ = select.select(list(named.values()), [], [], 0)
        return [name for name, sock in named.items() if sock in readable]

    def fill(self, text: str) -> str:
        """Put the listeners' ports into a snippet: {PORT}, {OTHER}, {UDP}."""
        return (
            text.replace("{PORT}", str(self.port))
            .replace("{OTHER}", str(self.other_port))
            .replace("{UDP}", str(self.udp_port))
        )


@contextmanager
def listening() -> Iterator[Listeners]:
    socks: list[socket.socket] = []
    try:
        for host in ("127.0.0.1", "127.0.0.2"):
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.bind((host, 0))
            tcp.listen(64)
            socks.append(tcp)
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.2", 0))
        socks.append(udp)
        yield Listeners(*socks)
    finally:
        for sock in socks:
            sock.close()

"""GP208 sockets-and-selectors: raw sockets and hand-written multiplexing: net + goroutines in Go."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.concurrency._shared import _base_match, _is_event_loop, _tails
from goport.detectors.syntax import alias_tail
from goport.model import Category, Trait

_SOCKETS = {
    "socket.socket": "opens a raw socket",
    "socket.create_connection": "dials a TCP connection by hand",
    "socket.create_server": "listens for connections by hand",
    "socket.socketpair": "opens a connected socket pair",
    "selectors.DefaultSelector": "multiplexes sockets by hand",
    "selectors.SelectSelector": "multiplexes sockets by hand",
    "selectors.PollSelector": "multiplexes sockets by hand",
    "selectors.EpollSelector": "multiplexes sockets by hand",
    "selectors.KqueueSelector": "multiplexes sockets by hand",
    "selectors.DevpollSelector": "multiplexes sockets by hand",
    "select.select": "polls file descriptors by hand",
    "select.poll": "polls file descriptors by hand",
    "select.epoll": "polls file descriptors by hand",
    "select.kqueue": "polls file descriptors by hand",
    "asyncio.start_server": "serves connections on the event loop",
    "asyncio.start_unix_server": "serves connections on the event loop",
    "asyncio.open_connection": "opens a stream connection",
    "asyncio.open_unix_connection": "opens a stream connection",
}

_SOCKET_TAILS = _tails(_SOCKETS)

_LOOP_SOCKET_METHODS = {
    "create_server": "serves connections",
    "create_unix_server": "serves connections",
    "create_connection": "opens a connection",
    "create_unix_connection": "opens a connection",
    "create_datagram_endpoint": "opens a datagram endpoint",
    "sock_accept": "accepts connections by hand",
    "sock_connect": "connects a raw socket",
}

_PROTOCOLS = {
    f"asyncio.{kind}": f"asyncio.{kind}"
    for kind in ("Protocol", "BaseProtocol", "DatagramProtocol", "BufferedProtocol")
}


_PROTOCOLS.update(
    {f"asyncio.protocols.{k}": f"asyncio.{k}" for k in ("Protocol", "DatagramProtocol")}
)


class SocketsAndSelectors(Detector):
    """Raw sockets, selectors and event-loop servers.

    What it detects: ``socket.socket``/``create_connection``/``create_server``,
    ``selectors.*Selector``, ``select.select/poll/epoll/kqueue``, ``asyncio.start_server``/
    ``open_connection`` (and the unix variants), event-loop methods such as
    ``loop.create_server`` and ``loop.create_datagram_endpoint``, and subclasses of
    ``asyncio.Protocol``/``DatagramProtocol``.
    Why it matters for a Go port: hand-multiplexed sockets and protocol callbacks exist because
    Python cannot afford a thread per connection; Go's netpoller makes one goroutine per
    connection with blocking reads the normal, simpler design, and network daemons are Go's home
    ground.
    Go idiom: ``ln, _ := net.Listen("tcp", addr)``; ``for { c, _ := ln.Accept(); go handle(c) }``;
    ``net.Dial``/``net.DialTimeout``; ``net.ListenPacket`` for UDP.
    Known limits: sockets used through ``socketserver``, HTTP frameworks or client libraries are
    left to other detectors; event-loop methods are recognised on names like ``loop``.
    """

    ID = "GP208"
    NAME = "sockets-and-selectors"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 2.0
    PYTHON = "socket / selectors / select / asyncio streams and protocols"
    GO_IDIOM = "net.Listen/net.Dial with one goroutine per connection (netpoller)"
    SUMMARY = "raw sockets and hand-written multiplexing: net + goroutines in Go"
    TRAITS = (Trait.NETWORK, Trait.SERVING)
    MATCHES = (
        Match(
            """
            import socket
            def serve(port):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.bind(('', port))
            """,
            line=3,
        ),
        Match(
            """
            import selectors as sel
            SEL = sel.DefaultSelector()
            """,
            line=2,
        ),
        Match(
            """
            import asyncio
            class Echo(asyncio.Protocol):
                def data_received(self, data):
                    self.transport.write(data)
            """,
            line=2,
        ),
        Match(
            """
            import asyncio
            async def main():
                loop = asyncio.get_running_loop()
                await loop.create_datagram_endpoint(Echo, local_addr=('0.0.0.0', 9999))
            """,
            line=4,
        ),
        Match(
            """
            from asyncio import open_connection as dial
            async def f(h):
                r, w = await dial(h, 80)
            """,
            line=3,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import socket
            name = socket.gethostname()
            """
        ),
        NoMatch(
            """
            def f(db):
                return db.create_connection()
            """
        ),
        NoMatch(
            """
            class Protocol:
                pass
            class Mine(Protocol):
                pass
            """
        ),
    )

    def leave_Call(self, node: cst.Call) -> None:
        func = node.func
        tail = alias_tail(self.ctx, func)
        if tail in _SOCKET_TAILS:
            name = self.ctx.callee(node)
            role = _SOCKETS.get(name) if name is not None else None
            if role is not None:
                self.report(node, f"{name} {role}")
                return
        role = _LOOP_SOCKET_METHODS.get(tail)
        if (
            role is not None
            and isinstance(func, cst.Attribute)
            and _is_event_loop(self.ctx, func.value)
        ):
            self.report(node, f"loop.{tail} {role}")

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        label = _base_match(self.ctx, node, _PROTOCOLS)
        if label is not None:
            self.report(node, f"class {node.name.value} subclasses {label} (callback-style I/O)")

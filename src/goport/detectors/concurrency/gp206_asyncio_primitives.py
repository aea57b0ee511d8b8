"""GP206 asyncio-primitives: asyncio coordination primitives: channels and mutexes in Go."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Match, NoMatch
from goport.detectors.concurrency._shared import NetworkWhenImported, _lookup, _tails
from goport.detectors.syntax import argument, int_value, last_part
from goport.model import Category

_ASYNC_ROLES = {
    "Queue": "passes work between tasks",
    "PriorityQueue": "orders work by priority between tasks",
    "LifoQueue": "passes work between tasks (last in, first out)",
    "Semaphore": "caps concurrent tasks",
    "BoundedSemaphore": "caps concurrent tasks",
    "Lock": "guards shared state between tasks",
    "Event": "signals between tasks",
    "Condition": "makes tasks wait for a state change",
    "Barrier": "makes a group of tasks meet",
}

_ASYNC_PRIMITIVES = {f"asyncio.{kind}": f"asyncio.{kind}" for kind in _ASYNC_ROLES}


_ASYNC_PRIMITIVES.update(
    {f"asyncio.queues.{k}": f"asyncio.{k}" for k in ("Queue", "PriorityQueue", "LifoQueue")}
)


_ASYNC_PRIMITIVES.update(
    {
        f"asyncio.locks.{k}": f"asyncio.{k}"
        for k in ("Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore")
    }
)


_ASYNC_TAILS = _tails(_ASYNC_PRIMITIVES)


class AsyncioPrimitives(NetworkWhenImported):
    """asyncio queues, semaphores, locks, events and conditions.

    What it detects: creation of ``asyncio.Queue``/``PriorityQueue``/``LifoQueue``,
    ``Semaphore``/``BoundedSemaphore``, ``Lock``, ``Event``, ``Condition`` and ``Barrier``,
    through any import alias; the message gives a literal queue size or semaphore limit.
    Why it matters for a Go port: these coordinate coroutines on one event loop; in Go the same
    coordination is a channel or a mutex, and with goroutines on many cores the locks really
    have to be right (asyncio code often relies on "no await, no interleaving").
    Go idiom: ``make(chan T, n)`` for queues, ``sem := make(chan struct{}, n)`` for a semaphore,
    ``sync.Mutex``, ``close(done)`` for an event, ``sync.Cond`` for a condition.
    Known limits: code that is safe only because asyncio never preempts between awaits is not
    detected; it needs locks in Go.
    Its findings carry the network trait only in a module that imports a network library
    (sockets, HTTP, brokers, database clients): without one the asyncio code may be
    in-process plumbing, and it makes no module a Go service.
    """

    ID = "GP206"
    NAME = "asyncio-primitives"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 1.5
    PYTHON = "asyncio.Queue / Semaphore / Lock / Event / Condition"
    GO_IDIOM = "channels, a buffered channel as semaphore, sync.Mutex, close(done)"
    SUMMARY = "asyncio coordination primitives: channels and mutexes in Go"
    MATCHES = (
        Match(
            """
            import asyncio
            async def main():
                q = asyncio.Queue(maxsize=50)
            """,
            line=3,
        ),
        Match(
            """
            import asyncio as aio
            LIMIT = aio.Semaphore(10)
            """,
            line=2,
        ),
        Match(
            """
            from asyncio import Event as E
            ready = E()
            """,
            line=2,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import threading
            lock = threading.Lock()
            """
        ),
        NoMatch(
            """
            import queue
            q = queue.Queue()
            """
        ),
        NoMatch(
            """
            import asyncio
            async def f(q: asyncio.Queue):
                return await q.get()
            """
        ),
    )

    def leave_Call(self, node: cst.Call) -> None:
        label = _lookup(self.ctx, node, _ASYNC_PRIMITIVES, _ASYNC_TAILS)
        if label is None:
            return
        kind = last_part(label)
        role = _ASYNC_ROLES[kind]
        if kind.endswith("Queue"):
            size = int_value(argument(node, "maxsize", 0))
            shown = f"{label}(maxsize={size})" if size else label
            self.report(node, f"{shown} {role}")
        elif kind.endswith("Semaphore"):
            value = int_value(argument(node, "value", 0))
            if value == 0:
                self.report(node, f"{label}(0) counts signals between tasks")
            elif value is not None:
                self.report(node, f"{label}({value}) caps concurrent tasks at {value}")
            else:
                self.report(node, f"{label} {role}")
        else:
            self.report(node, f"{label} {role}")

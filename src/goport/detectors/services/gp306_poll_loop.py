"""GP306 poll-loop: long-running poll loop: a goroutine with a ticker/channel select in Go."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from goport.detectors.base import Context, Detector, Match, NoMatch
from goport.detectors.syntax import (
    alias_tail,
    dotted,
    last_part,
)
from goport.model import Category, Trait

_RUNNING_WORDS = ("run", "alive", "active", "serving", "forever", "keep", "enabled")

_STOP_WORDS = (
    "stop",
    "shutdown",
    "exit",
    "quit",
    "terminat",
    "cancel",
    "closed",
    "closing",
    "done",
    "kill",
    "finish",
)

_RECEIVES = frozenset(
    {
        "poll",
        "recv",
        "recv_into",
        "recvfrom",
        "recv_multipart",
        "recv_json",
        "recv_string",
        "recv_pyobj",
        "receive",
        "receive_json",
        "receive_text",
        "receive_bytes",
        "receive_message",
        "receive_messages",
        "get_message",
    }
)

_READS = frozenset({"read", "readline", "read_bytes"})

#: modules whose import makes a bare ``.get()`` in a ``while True`` loop a blocking queue read
_QUEUE_MODULES = (
    "queue", "asyncio", "multiprocessing", "threading", "concurrent.futures", "gevent",
    "eventlet", "janus", "trio", "anyio", "zmq", "redis", "kombu", "celery",
)  # fmt: skip

_NOT_SLEEP_WAITS = frozenset({"asyncio.wait", "asyncio.wait_for", "concurrent.futures.wait"})


def _forever(test: cst.BaseExpression) -> str | None:
    """How a long-running loop condition reads (``True``, ``self.running``), else None."""
    if isinstance(test, cst.Name) and test.value == "True":
        return "True"
    if isinstance(test, cst.Integer) and test.value == "1":
        return "1"
    if isinstance(test, (cst.Name, cst.Attribute)):
        name = dotted(test)
        if name is not None and any(w in last_part(name).lower() for w in _RUNNING_WORDS):
            return name
        return None
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = test.expression
        if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute):
            if inner.func.attr.value in ("is_set", "wait", "is_stopped", "is_closed"):
                return f"not {dotted(inner.func) or inner.func.attr.value}()"
            return None
        if isinstance(inner, (cst.Name, cst.Attribute)):
            name = dotted(inner)
            if name is not None and any(w in last_part(name).lower() for w in _STOP_WORDS):
                return f"not {name}"
    if (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value in ("is_running", "running", "is_alive", "alive")
    ):
        return f"{dotted(test.func) or test.func.attr.value}()"
    return None


@dataclass(slots=True)
class _Loop:
    cond: str | None  # None: not a long-running loop (a for loop, or a bounded while)
    depth: int  # how many functions enclose the loop
    excepts: int  # except-handler depth at the loop
    strong: str = ""  # a sleep or blocking receive seen in the loop body proper
    weak: str = ""  # a read, or a signal inside an except handler (retry loops)
    exits: bool = False  # a break/return leaves this loop


class PollLoop(Detector):
    """Long-running polling loops: ``while True`` (or a run flag) that sleeps or blocks on a receive.

    What it detects: a ``while True`` / ``while 1`` / ``while self.running`` /
    ``while not stop.is_set()`` loop whose body (not counting nested functions) calls a sleep
    (``time.sleep``, ``await asyncio.sleep``, ``event.wait(timeout)``) or a blocking receive
    (``.poll()``, ``.recv()``, ``.receive()``, ``.get(timeout=...)``, a bare ``.get()`` in a
    module importing queue, threading, asyncio or a broker,
    ``.get_message()``, ``.receive_message()``). A loop that only ``.read()``s, or only sleeps in
    an ``except`` handler, counts unless it can ``break``/``return`` (chunked reads and retry
    loops end; daemons do not). One finding per loop, at the ``while``.
    Why it matters for a Go port: each such loop pins a thread or a process for its whole life;
    in Go it becomes a goroutine that ``select``s on a ticker, an input channel and a context,
    so thousands of them cost almost nothing and shut down cleanly.
    Go idiom: ``for { select { case <-ctx.Done(): return; case <-ticker.C: ...; case m := <-in:
    ... } }`` with ``time.NewTicker`` and ``context.Context`` for cancellation.
    Known limits: the run-flag names are a word list (run, alive, active, serving, keep...);
    a sleep hidden in a helper function called by the loop is not seen; a bounded
    ``for attempt in range(n)`` retry loop is never reported.
    """

    ID = "GP306"
    NAME = "poll-loop"
    CATEGORY = Category.SERVICE
    WEIGHT = 1.5
    PYTHON = "while True: ... time.sleep() / consumer.poll()"
    GO_IDIOM = "a goroutine running for { select { case <-ctx.Done(): case <-ticker.C: } }"
    PYTHON_FIRST = "replace sleep-polling with blocking waits or notifications before porting"
    SUMMARY = "long-running poll loop: a goroutine with a ticker/channel select in Go"
    TRAITS = (Trait.NETWORK,)
    MATCHES = (
        Match(
            """
            import time

            def run(check):
                while True:
                    check()
                    time.sleep(5)
            """,
            line=4,
        ),
        Match(
            """
            def consume(consumer, handle):
                while True:
                    msg = consumer.poll(1.0)
                    if msg is None:
                        continue
                    handle(msg)
            """,
            line=2,
        ),
        Match(
            """
            import asyncio as aio

            class Ticker:
                async def loop(self):
                    while self.running:
                        await self.tick()
                        await aio.sleep(1)
            """,
            line=5,
        ),
        Match(
            """
            def worker(stop_event, work):
                while not stop_event.is_set():
                    work()
                    stop_event.wait(10)
            """,
            line=2,
        ),
        Match(
            """
            import queue

            def drain(jobs: queue.Queue, handle):
                while True:
                    handle(jobs.get())
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import time

            def fetch(get):
                for attempt in range(5):
                    try:
                        return get()
                    except OSError:
                        time.sleep(2 ** attempt)
            """
        ),
        NoMatch(
            """
            import time

            def connect(open_conn):
                while True:
                    try:
                        return open_conn()
                    except ConnectionError:
                        time.sleep(1)
            """
        ),
        NoMatch(
            """
            def copy(src, dst):
                while True:
                    chunk = src.read(65536)
                    if not chunk:
                        break
                    dst.write(chunk)
            """
        ),
        NoMatch(
            """
            def drain(items, cache):
                while items:
                    key = items.pop()
                    cache.get(key)
            """
        ),
        NoMatch(
            """
            def walk(edge, ok):
                while True:
                    v = edge.get()
                    if ok(v):
                        return v
                    edge.move_to_next()
            """
        ),
        NoMatch(
            """
            import time

            def f(register):
                while True:
                    def cb():
                        time.sleep(1)
                    if register(cb):
                        break
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._loops: list[_Loop] = []
        self._excepts = 0

    def visit_While(self, node: cst.While) -> None:
        self._loops.append(_Loop(_forever(node.test), len(self.ctx.functions), self._excepts))

    def visit_For(self, node: cst.For) -> None:
        self._loops.append(_Loop(None, len(self.ctx.functions), self._excepts))

    def leave_For(self, node: cst.For) -> None:
        self._loops.pop()

    def leave_While(self, node: cst.While) -> None:
        loop = self._loops.pop()
        if loop.cond is None:
            return
        if loop.strong:
            self.report(node, f"poll loop while {loop.cond}: {loop.strong}")
        elif loop.weak and not loop.exits:
            self.report(node, f"poll loop while {loop.cond}: {loop.weak}")

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._excepts += 1

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._excepts -= 1

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._excepts += 1

    def leave_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._excepts -= 1

    def leave_Break(self, node: cst.Break) -> None:
        if self._loops and self._loops[-1].depth == len(self.ctx.functions):
            self._loops[-1].exits = True

    def leave_Return(self, node: cst.Return) -> None:
        depth = len(self.ctx.functions)
        for loop in reversed(self._loops):
            if loop.depth != depth:
                break
            loop.exits = True

    def leave_Call(self, node: cst.Call) -> None:
        if not self._loops:
            return
        func = node.func
        signal = self._signal(node, func, alias_tail(self.ctx, func))
        if signal is None:
            return
        depth = len(self.ctx.functions)
        for loop in reversed(self._loops):
            if loop.depth != depth:
                return
            if loop.cond is not None:
                strong = signal[1] and self._excepts == loop.excepts
                if strong and not loop.strong:
                    loop.strong = signal[0]
                elif not strong and not loop.weak:
                    loop.weak = signal[0]
                return

    def _signal(
        self, node: cst.Call, func: cst.BaseExpression, attr: str
    ) -> tuple[str, bool] | None:
        """(label, strong) when the call sleeps or blocks on input, else None."""
        if attr == "sleep":
            return f"{self.ctx.callee(node) or attr}()", True
        if not isinstance(func, cst.Attribute):
            return None
        if attr == "wait":
            if node.args and self.ctx.callee(node) not in _NOT_SLEEP_WAITS:
                return ".wait(timeout)", True
            return None
        if attr in _RECEIVES:
            return f".{attr}()", True
        if attr == "get":
            if node.args:
                queue_only = all(
                    a.keyword is not None and a.keyword.value in ("timeout", "block")
                    for a in node.args
                )
                return (".get()", True) if queue_only else None
            # a bare .get() blocks on a queue, or reads a cursor, a future, a custom object
            return (".get()", True) if self.ctx.imports_any(*_QUEUE_MODULES) else None
        if attr in _READS:
            return f".{attr}()", False
        if attr == "select" and self.ctx.callee(node) == "select.select":
            return "select.select()", True
        return None

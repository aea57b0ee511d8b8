"""GP203 thread-queue: queues between threads or processes: channels in Go."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.concurrency._shared import _lookup, _tails
from goport.detectors.syntax import argument, int_value
from goport.model import Category, Trait

_QUEUES = {
    "queue.Queue": "queue.Queue",
    "queue.LifoQueue": "queue.LifoQueue",
    "queue.PriorityQueue": "queue.PriorityQueue",
    "queue.SimpleQueue": "queue.SimpleQueue",
    "multiprocessing.Queue": "multiprocessing.Queue",
    "multiprocessing.JoinableQueue": "multiprocessing.JoinableQueue",
    "multiprocessing.SimpleQueue": "multiprocessing.SimpleQueue",
    "multiprocessing.queues.Queue": "multiprocessing.Queue",
}

_QUEUE_TAILS = _tails(_QUEUES)

#: imports that show a module runs threads, processes or tasks that a queue would connect
_CONCURRENT = (
    "threading", "_thread", "concurrent.futures", "multiprocessing", "asyncio", "socketserver",
    "gevent", "eventlet", "trio", "anyio",
)  # fmt: skip


class ThreadQueue(Detector):
    """Thread-safe and process queues.

    What it detects: ``queue.Queue``, ``LifoQueue``, ``PriorityQueue``, ``SimpleQueue`` in a
    module that also uses threads, processes or an event loop (imports ``threading``,
    ``concurrent.futures``, ``multiprocessing``, ``asyncio``...), and ``multiprocessing.Queue``/
    ``JoinableQueue``/``SimpleQueue`` anywhere, through any import alias; the message says when
    the queue is bounded.
    Why it matters for a Go port: a queue between threads is a channel in Go, so this is
    producer/consumer code that maps almost line by line, with ``maxsize`` becoming the
    channel's buffer and ``task_done``/``join`` a ``sync.WaitGroup``.
    Go idiom: ``jobs := make(chan Job, 100)``; ``close(jobs)`` to stop consumers ranging over it;
    ``container/heap`` behind a mutex for a priority queue.
    Known limits: ``asyncio.Queue`` is GP206; queues handed in from elsewhere are not seen. A
    ``queue`` queue in a module with no threads is a data structure (a ``PriorityQueue`` used as
    a heap), not concurrency, and is not reported - nor, then, is a queue whose threads are
    started in another module.
    """

    ID = "GP203"
    NAME = "thread-queue"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 1.5
    PYTHON = "queue.Queue / PriorityQueue / multiprocessing.Queue"
    GO_IDIOM = "channels (buffered for maxsize), container/heap for priorities"
    SUMMARY = "queues between threads or processes: channels in Go"
    TRAITS = (Trait.FEEDING,)
    MATCHES = (
        Match(
            """
            import queue
            import threading
            jobs = queue.Queue(maxsize=100)
            """,
            line=3,
        ),
        Match(
            """
            from concurrent.futures import ThreadPoolExecutor
            from queue import PriorityQueue as PQ
            def f():
                return PQ()
            """,
            line=4,
        ),
        Match(
            """
            import multiprocessing as mp
            results = mp.Queue()
            """,
            line=2,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import asyncio
            q = asyncio.Queue()
            """
        ),
        NoMatch(
            """
            from collections import deque
            q = deque()
            """
        ),
        NoMatch(
            """
            class Queue:
                pass
            q = Queue()
            """
        ),
        NoMatch(
            """
            from queue import PriorityQueue
            def best(items):
                q = PriorityQueue()
                for w, x in items:
                    q.put((w, x))
                return q.get()
            """
        ),
    )

    def leave_Call(self, node: cst.Call) -> None:
        label = _lookup(self.ctx, node, _QUEUES, _QUEUE_TAILS)
        if label is None:
            return
        if not label.startswith("multiprocessing") and not self.ctx.imports_any(*_CONCURRENT):
            return  # no threads here: the queue is a data structure
        size = int_value(argument(node, "maxsize", 0))
        shown = f"{label}(maxsize={size})" if size else label
        between = "processes" if label.startswith("multiprocessing") else "threads"
        verb = "orders work by priority" if label.endswith("PriorityQueue") else "hands work"
        self.report(node, f"{shown} {verb} between {between}")

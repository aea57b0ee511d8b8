"""GP201 threads: hand-started threads: goroutines in Go."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.concurrency._shared import _base_match, _lookup, _tails
from goport.detectors.syntax import argument, dotted
from goport.model import Category, Trait

_THREADS = {
    "threading.Thread": "threading.Thread",
    "threading.Timer": "threading.Timer",
    "_thread.start_new_thread": "_thread.start_new_thread",
    "_thread.start_new": "_thread.start_new_thread",
}

_THREAD_TAILS = _tails(_THREADS)


class Threads(Detector):
    """OS threads started by hand.

    What it detects: ``threading.Thread(...)`` and ``threading.Timer(...)`` calls, classes that
    subclass ``threading.Thread``, and ``_thread.start_new_thread``, through any import alias.
    Why it matters for a Go port: threads are how the code waits on I/O concurrently, but under
    the GIL they never run Python in parallel; a goroutine costs a few kilobytes, starts in
    microseconds and runs on every core.
    Go idiom: ``go worker(ctx, jobs)`` plus a ``sync.WaitGroup`` (or ``errgroup.Group``) to join;
    ``time.AfterFunc`` for a timer.
    Known limits: threads started through a helper or a framework (``socketserver``,
    ``Thread`` subclasses imported from elsewhere) are not seen; daemon/non-daemon semantics
    need a deliberate shutdown design in Go.
    """

    ID = "GP201"
    NAME = "threads"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 2.0
    PYTHON = "threading.Thread / Thread subclasses"
    GO_IDIOM = "go statements joined by sync.WaitGroup or errgroup.Group"
    PYTHON_FIRST = "for I/O-bound threads, asyncio may give the concurrency without a rewrite"
    SUMMARY = "hand-started threads: goroutines in Go"
    TRAITS = (Trait.FEEDING,)
    MATCHES = (
        Match(
            """
            import threading
            def start(jobs):
                t = threading.Thread(target=worker, args=(jobs,), daemon=True)
                t.start()
            """,
            line=3,
        ),
        Match(
            """
            import threading as th
            class Poller(th.Thread):
                def run(self):
                    pass
            """,
            line=2,
        ),
        Match(
            """
            from threading import Timer as T
            def later(fn):
                T(5.0, fn).start()
            """,
            line=3,
        ),
        Match(
            """
            import _thread
            _thread.start_new_thread(loop, ())
            """,
            line=2,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import threading
            def me():
                return threading.current_thread().name
            """
        ),
        NoMatch(
            """
            class Thread:
                pass
            t = Thread()
            """
        ),
        NoMatch(
            """
            from concurrent.futures import ThreadPoolExecutor
            ex = ThreadPoolExecutor(4)
            """
        ),
    )

    def leave_Call(self, node: cst.Call) -> None:
        label = _lookup(self.ctx, node, _THREADS, _THREAD_TAILS)
        if label is None:
            return
        if label == "threading.Thread":
            target = argument(node, "target", 1)
            name = dotted(target) if target is not None else None
            running = f" running {name}" if name else ""
            self.report(node, f"threading.Thread starts a thread{running}")
        elif label == "threading.Timer":
            self.report(node, "threading.Timer runs a callback on a new thread after a delay")
        else:
            self.report(node, f"{label} starts a raw thread")

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        label = _base_match(self.ctx, node, _THREADS)
        if label is not None:
            self.report(node, f"class {node.name.value} subclasses {label}")

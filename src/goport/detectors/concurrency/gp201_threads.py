"""GP201 threads: hand-started threads: goroutines in Go."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector
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
    SUMMARY = "hand-started threads: goroutines in Go"
    TRAITS = (Trait.FEEDING,)
    MATCHES = (
        (
            "import threading\ndef start(jobs):\n"
            "    t = threading.Thread(target=worker, args=(jobs,), daemon=True)\n    t.start()\n"
        ),
        "import threading as th\nclass Poller(th.Thread):\n    def run(self):\n        pass\n",
        "from threading import Timer as T\ndef later(fn):\n    T(5.0, fn).start()\n",
        "import _thread\n_thread.start_new_thread(loop, ())\n",
    )
    NO_MATCHES = (
        "import threading\ndef me():\n    return threading.current_thread().name\n",
        "class Thread:\n    pass\nt = Thread()\n",
        "from concurrent.futures import ThreadPoolExecutor\nex = ThreadPoolExecutor(4)\n",
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

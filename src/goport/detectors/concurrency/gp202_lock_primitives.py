"""GP202 lock-primitives: thread locks and signals: shared state to redesign around sync or
channels."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.concurrency._shared import _lookup, _tails
from goport.detectors.syntax import alias_tail, argument, int_value, last_part
from goport.model import Category

_LOCK_ROLES = {
    "Lock": "guards shared state",
    "RLock": "(re-entrant) guards shared state",
    "Condition": "makes threads wait for a state change",
    "Event": "signals between threads",
    "Semaphore": "caps concurrent access",
    "BoundedSemaphore": "caps concurrent access",
    "Barrier": "makes a group of threads meet",
}

_LOCKS = {
    f"{module}.{kind}": f"{module}.{kind}"
    for module in ("threading", "multiprocessing")
    for kind in _LOCK_ROLES
}

_LOCKS["_thread.allocate_lock"] = "_thread.allocate_lock"

_LOCKS["_thread.LockType"] = "_thread.allocate_lock"

_LOCK_TAILS = _tails(_LOCKS)


class LockPrimitives(Detector):
    """Thread synchronisation primitives.

    What it detects: creation of ``threading`` (and ``multiprocessing``) ``Lock``, ``RLock``,
    ``Condition``, ``Event``, ``Semaphore``, ``BoundedSemaphore`` and ``Barrier``, and
    ``_thread.allocate_lock``; also the class passed as a factory
    (``field(default_factory=threading.Lock)``, ``defaultdict(threading.Lock)``).
    Why it matters for a Go port: each primitive marks shared mutable state or a hand-rolled
    handshake between threads, which is exactly what the Go port must redesign, often more
    simply with channels; Go has no re-entrant mutex, so ``RLock`` code needs restructuring.
    Go idiom: ``sync.Mutex``/``sync.RWMutex`` for locks, ``sync.Cond`` or a channel for
    conditions, ``close(done)`` on a ``chan struct{}`` for events, a buffered channel as a
    semaphore (or ``x/sync/semaphore``), ``sync.WaitGroup`` for barriers.
    Known limits: only creation is reported, not how widely the lock is used; locks from
    helper libraries (``filelock``, ``fasteners``) are not recognised.
    """

    ID = "GP202"
    NAME = "lock-primitives"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 1.5
    PYTHON = "threading.Lock / RLock / Condition / Event / Semaphore / Barrier"
    GO_IDIOM = "sync.Mutex/RWMutex, sync.Cond, close(chan), buffered-channel semaphore, WaitGroup"
    SUMMARY = "thread locks and signals: shared state to redesign around sync or channels"
    MATCHES = (
        Match(
            """
            import threading
            class Cache:
                def __init__(self):
                    self._lock = threading.Lock()
            """,
            line=4,
        ),
        Match(
            """
            import threading as th
            stop = th.Event()
            """,
            line=2,
        ),
        Match(
            """
            from threading import BoundedSemaphore as BS
            slots = BS(4)
            """,
            line=2,
        ),
        Match(
            """
            import threading
            from dataclasses import dataclass, field
            @dataclass
            class S:
                lock: threading.RLock = field(default_factory=threading.RLock)
            """,
            line=5,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import asyncio
            lock = asyncio.Lock()
            """
        ),
        NoMatch(
            """
            import threading
            def f(lock: threading.Lock):
                with lock:
                    pass
            """
        ),
        NoMatch(
            """
            from filelock import FileLock
            lock = FileLock('x.lock')
            """
        ),
    )

    def _message(self, label: str, call: cst.Call | None) -> str:
        kind = last_part(label)
        role = _LOCK_ROLES.get(kind, "guards shared state")
        if call is not None and kind in ("Semaphore", "BoundedSemaphore"):
            value = int_value(argument(call, "value", 0))
            if value == 0:
                return f"{label}(0) counts signals between threads"
            if value is not None:
                return f"{label}({value}) caps concurrent access at {value}"
        if call is not None and kind == "Barrier":
            parties = int_value(argument(call, "parties", 0))
            if parties is not None:
                return f"{label}({parties}) makes {parties} threads meet"
        return f"{label} {role}"

    def leave_Call(self, node: cst.Call) -> None:
        label = _lookup(self.ctx, node, _LOCKS, _LOCK_TAILS)
        if label is not None:
            self.report(node, self._message(label, node))

    def leave_Arg(self, node: cst.Arg) -> None:
        value = node.value
        if (
            not isinstance(value, (cst.Name, cst.Attribute))
            or alias_tail(self.ctx, value) not in _LOCK_TAILS
        ):
            return
        name = self.ctx.resolve(value)
        label = _LOCKS.get(name) if name is not None else None
        if label is not None:
            self.report(node, self._message(label, None) + " (one per instance, via a factory)")

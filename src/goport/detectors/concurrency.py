"""GP2xx: threads, locks, queues, asyncio and sockets: the concurrency Go has built in.

Every detector here recognises library calls by their resolved dotted name, so import aliases
work (``import threading as th; th.Lock()``). A cheap check of the call's last name part runs
first; the alias table is consulted only for calls that could match.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from goport.detectors.base import Context, Detector
from goport.detectors.syntax import alias_tail, argument, dotted, int_value, last_part, tail
from goport.model import Category, Trait


def _tails(names: dict[str, str] | frozenset[str]) -> frozenset[str]:
    return frozenset(last_part(name) for name in names)


def _lookup(
    ctx: Context, call: cst.Call, table: dict[str, str], tails: frozenset[str]
) -> str | None:
    """The table entry of a call's resolved name, checking the cheap last part first."""
    if alias_tail(ctx, call.func) not in tails:
        return None
    name = ctx.callee(call)
    return table.get(name) if name is not None else None


def _base_match(ctx: Context, node: cst.ClassDef, table: dict[str, str]) -> str | None:
    for base in node.bases:
        name = ctx.resolve(base.value)
        if name is not None and name in table:
            return table[name]
    return None


_LOOP_NAMES = frozenset({"loop", "_loop", "event_loop", "_event_loop", "ioloop"})
_LOOP_GETTERS = frozenset(
    {"asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop"}
)


def _is_event_loop(ctx: Context, node: cst.BaseExpression) -> bool:
    """``loop``, ``self._loop`` or ``asyncio.get_running_loop()``: an asyncio event loop."""
    if isinstance(node, cst.Call):
        return ctx.callee(node) in _LOOP_GETTERS
    return tail(node) in _LOOP_NAMES


# -- GP201 ---------------------------------------------------------------------------------------

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

    def visit_Call(self, node: cst.Call) -> None:
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

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        label = _base_match(self.ctx, node, _THREADS)
        if label is not None:
            self.report(node, f"class {node.name.value} subclasses {label}")


# -- GP202 ---------------------------------------------------------------------------------------

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
        (
            "import threading\nclass Cache:\n    def __init__(self):\n"
            "        self._lock = threading.Lock()\n"
        ),
        "import threading as th\nstop = th.Event()\n",
        "from threading import BoundedSemaphore as BS\nslots = BS(4)\n",
        (
            "import threading\nfrom dataclasses import dataclass, field\n@dataclass\nclass S:\n"
            "    lock: threading.RLock = field(default_factory=threading.RLock)\n"
        ),
    )
    NO_MATCHES = (
        "import asyncio\nlock = asyncio.Lock()\n",
        "import threading\ndef f(lock: threading.Lock):\n    with lock:\n        pass\n",
        "from filelock import FileLock\nlock = FileLock('x.lock')\n",
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

    def visit_Call(self, node: cst.Call) -> None:
        label = _lookup(self.ctx, node, _LOCKS, _LOCK_TAILS)
        if label is not None:
            self.report(node, self._message(label, node))

    def visit_Arg(self, node: cst.Arg) -> None:
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


# -- GP203 ---------------------------------------------------------------------------------------

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
        "import queue\nimport threading\njobs = queue.Queue(maxsize=100)\n",
        (
            "from concurrent.futures import ThreadPoolExecutor\nfrom queue import PriorityQueue as PQ\n"
            "def f():\n    return PQ()\n"
        ),
        "import multiprocessing as mp\nresults = mp.Queue()\n",
    )
    NO_MATCHES = (
        "import asyncio\nq = asyncio.Queue()\n",
        "from collections import deque\nq = deque()\n",
        "class Queue:\n    pass\nq = Queue()\n",
        # a priority queue used as a heap by single-threaded code
        (
            "from queue import PriorityQueue\ndef best(items):\n    q = PriorityQueue()\n"
            "    for w, x in items:\n        q.put((w, x))\n    return q.get()\n"
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
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


# -- GP204 ---------------------------------------------------------------------------------------

_THREAD_POOLS = {
    "concurrent.futures.ThreadPoolExecutor": "ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor": "ThreadPoolExecutor",
    "multiprocessing.pool.ThreadPool": "multiprocessing.pool.ThreadPool",
    "multiprocessing.dummy.Pool": "multiprocessing.dummy.Pool",
}
_THREAD_POOL_TAILS = _tails(_THREAD_POOLS)


class ThreadPool(Detector):
    """Thread pools.

    What it detects: ``concurrent.futures.ThreadPoolExecutor``,
    ``multiprocessing.pool.ThreadPool`` and ``multiprocessing.dummy.Pool`` created anywhere,
    through any import alias; the message gives the pool size when it is a literal.
    Why it matters for a Go port: a thread pool caps concurrent blocking work because Python
    threads are expensive; in Go the pool becomes a fixed number of goroutines reading a jobs
    channel, or an ``errgroup`` with a limit, and the futures become channels or results slices.
    Go idiom: ``g, ctx := errgroup.WithContext(ctx); g.SetLimit(8); g.Go(func() error {...})``,
    or N worker goroutines ranging over a channel.
    Known limits: ``loop.run_in_executor(None, ...)`` and ``asyncio.to_thread`` use a default
    pool and are not reported; process pools are GP108.
    """

    ID = "GP204"
    NAME = "thread-pool"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 2.0
    PYTHON = "ThreadPoolExecutor / multiprocessing.pool.ThreadPool"
    GO_IDIOM = "N goroutines reading a jobs channel, or errgroup.SetLimit(n)"
    SUMMARY = "thread pools: a bounded set of goroutines in Go"
    TRAITS = (Trait.FEEDING,)
    MATCHES = (
        (
            "from concurrent.futures import ThreadPoolExecutor\ndef f(urls):\n"
            "    with ThreadPoolExecutor(max_workers=8) as ex:\n        return list(ex.map(get, urls))\n"
        ),
        "import concurrent.futures as cf\npool = cf.ThreadPoolExecutor()\n",
        (
            "from multiprocessing.pool import ThreadPool\nwith ThreadPool(4) as p:\n"
            "    p.map(print, range(3))\n"
        ),
    )
    NO_MATCHES = (
        "from concurrent.futures import ProcessPoolExecutor\nex = ProcessPoolExecutor()\n",
        "import concurrent.futures as cf\ndef f(fs):\n    return cf.wait(fs)\n",
        "import multiprocessing\np = multiprocessing.Pool(4)\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
        label = _lookup(self.ctx, node, _THREAD_POOLS, _THREAD_POOL_TAILS)
        if label is None:
            return
        keyword = "max_workers" if label == "ThreadPoolExecutor" else "processes"
        size = int_value(argument(node, keyword, 0))
        if size is not None:
            self.report(node, f"{label}({size}) runs {size} worker threads")
        else:
            self.report(node, f"{label} runs a pool of worker threads")


# -- GP205 ---------------------------------------------------------------------------------------

_FAN_OUT = {
    "asyncio.gather": "asyncio.gather",
    "asyncio.create_task": "asyncio.create_task",
    "asyncio.ensure_future": "asyncio.ensure_future",
    "asyncio.wait": "asyncio.wait",
    "asyncio.as_completed": "asyncio.as_completed",
    "asyncio.TaskGroup": "asyncio.TaskGroup",
    "asyncio.tasks.gather": "asyncio.gather",
    "asyncio.tasks.create_task": "asyncio.create_task",
}
_FAN_OUT_TAILS = _tails(_FAN_OUT)
_GROUP_NAMES = frozenset({"tg", "task_group", "taskgroup"})


@dataclass(slots=True)
class _Group:
    """An ``async with asyncio.TaskGroup() as tg`` being walked."""

    with_node: cst.With
    call: cst.Call
    name: str
    loop_depth: int
    tasks: int = 0
    in_loop: bool = False


class AsyncioFanOut(Detector):
    """Concurrent asyncio tasks: gather, create_task, TaskGroup, wait, as_completed.

    What it detects: ``asyncio.gather`` (with the number of awaitables),
    ``asyncio.create_task``/``ensure_future``, ``loop.create_task``, ``asyncio.wait``,
    ``asyncio.as_completed`` and ``asyncio.TaskGroup``; an ``async with asyncio.TaskGroup() as
    tg`` block is one finding that counts its ``tg.create_task`` calls.
    Why it matters for a Go port: this is fan-out/fan-in concurrency, which Go expresses with
    plain goroutines; cancellation and error propagation move from task objects to
    ``context.Context`` and ``errgroup``.
    Go idiom: ``g, ctx := errgroup.WithContext(ctx)``; ``g.Go(func() error { ... })`` per task;
    ``g.Wait()``; results into a pre-sized slice or a channel.
    Known limits: task spawning through helper libraries (``aiostream``, ``anyio``) is not seen;
    ``tg.create_task`` on a group passed in as a parameter is recognised by the names ``tg``,
    ``task_group``.
    """

    ID = "GP205"
    NAME = "asyncio-fan-out"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 2.0
    PYTHON = "asyncio.gather / create_task / TaskGroup / wait / as_completed"
    GO_IDIOM = "goroutines + golang.org/x/sync/errgroup, context.Context for cancellation"
    SUMMARY = "asyncio fan-out: goroutines and errgroup in Go"
    MATCHES = (
        "import asyncio\nasync def main():\n    await asyncio.gather(a(), b(), c())\n",
        (
            "import asyncio as aio\nasync def main(urls):\n"
            "    tasks = [aio.create_task(fetch(u)) for u in urls]\n"
            "    done, _ = await aio.wait(tasks)\n"
        ),
        (
            "import asyncio\nasync def main(urls):\n    async with asyncio.TaskGroup() as tg:\n"
            "        for u in urls:\n            tg.create_task(fetch(u))\n"
        ),
        (
            "from asyncio import as_completed\nasync def f(cs):\n    for c in as_completed(cs):\n"
            "        print(await c)\n"
        ),
    )
    NO_MATCHES = (
        "import asyncio\nasync def main():\n    await asyncio.sleep(1)\n    return await one()\n",
        "import asyncio\ndef main():\n    asyncio.run(serve())\n",
        "import asyncio\nasync def f(c):\n    return await asyncio.wait_for(c, timeout=5)\n",
        "def f(pool, jobs):\n    return pool.create_task(jobs)\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.groups: list[_Group] = []
        self.grouped: set[int] = set()
        self.comprehensions = 0

    def _in_loop(self) -> bool:
        return self.ctx.loop_depth_in_function > 0 or self.comprehensions > 0

    def enter_BaseComp(self, node: cst.BaseComp) -> None:
        self.comprehensions += 1

    def visit_BaseComp(self, node: cst.BaseComp) -> None:
        self.comprehensions -= 1

    def enter_With(self, node: cst.With) -> None:
        for item in node.items:
            call = item.item
            if (
                isinstance(call, cst.Call)
                and item.asname is not None
                and isinstance(item.asname.name, cst.Name)
                and _lookup(self.ctx, call, _FAN_OUT, _FAN_OUT_TAILS) == "asyncio.TaskGroup"
            ):
                depth = self.ctx.loop_depth_in_function + self.comprehensions
                self.groups.append(_Group(node, call, item.asname.name.value, depth))
                self.grouped.add(id(call))

    def visit_With(self, node: cst.With) -> None:
        while self.groups and self.groups[-1].with_node is node:
            group = self.groups.pop()
            self.grouped.discard(id(group.call))
            if group.in_loop:
                message = "asyncio.TaskGroup spawns tasks in a loop (tg.create_task)"
            elif group.tasks:
                plural = "s" if group.tasks > 1 else ""
                message = f"asyncio.TaskGroup spawns {group.tasks} task{plural}"
            else:
                message = "asyncio.TaskGroup runs a group of tasks"
            self.report(group.call, message)

    def _group_task(self, node: cst.Call) -> bool:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "create_task":
            return False
        if not isinstance(func.value, cst.Name):
            return False
        name = func.value.value
        for group in reversed(self.groups):
            if group.name == name:
                group.tasks += 1
                depth = self.ctx.loop_depth_in_function + self.comprehensions
                group.in_loop = group.in_loop or depth > group.loop_depth
                return True
        if name in _GROUP_NAMES:
            self.report(node, f"{name}.create_task spawns a task in a task group")
            return True
        return False

    def visit_Call(self, node: cst.Call) -> None:
        tail = alias_tail(self.ctx, node.func)
        if tail not in _FAN_OUT_TAILS:
            return
        if tail == "create_task" and self._group_task(node):
            return
        name = self.ctx.callee(node)
        label = _FAN_OUT.get(name) if name is not None else None
        if label is None:
            func = node.func
            if (
                tail == "create_task"
                and isinstance(func, cst.Attribute)
                and _is_event_loop(self.ctx, func.value)
            ):
                self._spawn(node, "loop.create_task")
            return
        if label == "asyncio.gather":
            if any(a.star == "*" for a in node.args):
                self.report(node, "asyncio.gather fans out a list of awaitables")
            else:
                count = sum(1 for a in node.args if a.keyword is None)
                plural = "s" if count != 1 else ""
                self.report(node, f"asyncio.gather fans out {count} awaitable{plural}")
        elif label in ("asyncio.create_task", "asyncio.ensure_future"):
            self._spawn(node, label)
        elif label == "asyncio.wait":
            self.report(node, "asyncio.wait waits on a set of tasks")
        elif label == "asyncio.as_completed":
            self.report(node, "asyncio.as_completed consumes tasks as they finish")
        elif id(node) not in self.grouped:
            self.report(node, "asyncio.TaskGroup runs a group of tasks")

    def _spawn(self, node: cst.Call, label: str) -> None:
        if self._in_loop():
            self.report(node, f"{label} spawns a task per loop iteration")
        else:
            self.report(node, f"{label} spawns a background task", weight=1.5)


# -- GP206 ---------------------------------------------------------------------------------------

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


class AsyncioPrimitives(Detector):
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
    """

    ID = "GP206"
    NAME = "asyncio-primitives"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 1.5
    PYTHON = "asyncio.Queue / Semaphore / Lock / Event / Condition"
    GO_IDIOM = "channels, a buffered channel as semaphore, sync.Mutex, close(done)"
    SUMMARY = "asyncio coordination primitives: channels and mutexes in Go"
    MATCHES = (
        "import asyncio\nasync def main():\n    q = asyncio.Queue(maxsize=50)\n",
        "import asyncio as aio\nLIMIT = aio.Semaphore(10)\n",
        "from asyncio import Event as E\nready = E()\n",
    )
    NO_MATCHES = (
        "import threading\nlock = threading.Lock()\n",
        "import queue\nq = queue.Queue()\n",
        "import asyncio\nasync def f(q: asyncio.Queue):\n    return await q.get()\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
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


# -- GP207 ---------------------------------------------------------------------------------------


class AsyncDensity(Detector):
    """Modules written largely in async/await.

    What it detects: a module with at least 3 ``async def`` functions or at least 8 awaits
    (``await``, ``async for``, ``async with``, async comprehensions); one finding per module, at
    the first ``async def``, with the counts.
    Why it matters for a Go port: async code is "coloured" - every caller of a coroutine must be
    async too, and blocking calls must be avoided by hand; in Go every function may block and the
    runtime schedules goroutines, so the colouring disappears and the port is often simpler.
    Go idiom: ordinary blocking functions run in goroutines; ``context.Context`` as the first
    parameter for cancellation and deadlines.
    Known limits: counts syntax, not how much time is spent awaiting; a module of small async
    wrappers around one library scores like a real async service.
    """

    ID = "GP207"
    NAME = "async-density"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 2.0
    PYTHON = "async def / await throughout a module"
    GO_IDIOM = "plain blocking functions in goroutines, context.Context for cancellation"
    SUMMARY = "module written in async/await: no function colouring in Go"
    MATCHES = (
        "async def a():\n    pass\nasync def b():\n    await a()\nasync def c():\n    await b()\n",
        "async def main(r, w):\n" + "".join(f"    await step{i}()\n" for i in range(8)),
    )
    NO_MATCHES = (
        "async def a():\n    await b()\nasync def b():\n    await c()\n",
        "def a():\n    return 1\ndef b():\n    return 2\ndef c():\n    return 3\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.first: cst.FunctionDef | None = None
        self.async_defs = 0
        self.awaits = 0

    def enter_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is not None:
            self.async_defs += 1
            if self.first is None:
                self.first = node

    def visit_Await(self, node: cst.Await) -> None:
        self.awaits += 1

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            self.awaits += 1

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self.awaits += 1

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is not None:
            self.awaits += 1

    def finish(self, module: cst.Module) -> None:
        if self.first is None or (self.async_defs < 3 and self.awaits < 8):
            return
        defs = f"{self.async_defs} async function{'s' if self.async_defs != 1 else ''}"
        awaits = f"{self.awaits} await{'s' if self.awaits != 1 else ''}"
        self.report(self.first, f"{defs} and {awaits}: the module is written in async style")


# -- GP208 ---------------------------------------------------------------------------------------

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
        (
            "import socket\ndef serve(port):\n"
            "    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n    s.bind(('', port))\n"
        ),
        "import selectors as sel\nSEL = sel.DefaultSelector()\n",
        (
            "import asyncio\nclass Echo(asyncio.Protocol):\n    def data_received(self, data):\n"
            "        self.transport.write(data)\n"
        ),
        (
            "import asyncio\nasync def main():\n    loop = asyncio.get_running_loop()\n"
            "    await loop.create_datagram_endpoint(Echo, local_addr=('0.0.0.0', 9999))\n"
        ),
        (
            "from asyncio import open_connection as dial\nasync def f(h):\n"
            "    r, w = await dial(h, 80)\n"
        ),
    )
    NO_MATCHES = (
        "import socket\nname = socket.gethostname()\n",
        "def f(db):\n    return db.create_connection()\n",
        "class Protocol:\n    pass\nclass Mine(Protocol):\n    pass\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
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

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        label = _base_match(self.ctx, node, _PROTOCOLS)
        if label is not None:
            self.report(node, f"class {node.name.value} subclasses {label} (callback-style I/O)")


# -- GP209 ---------------------------------------------------------------------------------------

_GREEN = {
    "gevent": "green threads with monkey-patched I/O",
    "eventlet": "green threads with monkey-patched I/O",
    "trio": "structured-concurrency event loop",
    "curio": "coroutine event loop",
    "anyio": "structured-concurrency layer over asyncio/trio",
    "twisted": "callback/Deferred event loop",
}
_PATCHES = frozenset({"gevent.monkey.patch_all", "eventlet.monkey_patch"})


class GreenThreads(Detector):
    """Green-thread and alternative event-loop libraries.

    What it detects: imports of ``gevent``, ``eventlet``, ``trio``, ``twisted``, ``curio`` and
    ``anyio`` (once per library per module), and monkey patching
    (``gevent.monkey.patch_all()``, ``gevent.monkey.patch_socket()``, ``eventlet.monkey_patch()``)
    with a higher weight.
    Why it matters for a Go port: the code already wants cheap user-space threads with
    blocking-style code; Go goroutines are exactly that, built into the runtime, without
    patching the standard library or adopting a separate event loop.
    Go idiom: goroutines and channels; ``context.Context`` for trio/anyio cancel scopes; the
    standard ``net`` package needs no patching.
    Known limits: libraries are recognised by import only; code that reaches them through a
    wrapper module is not seen, and an import used only for a type is still reported.
    """

    ID = "GP209"
    NAME = "green-threads"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 2.0
    PYTHON = "gevent / eventlet / trio / twisted / curio / anyio"
    GO_IDIOM = "goroutines: the runtime's native green threads, no monkey patching"
    SUMMARY = "green threads or an alternative event loop: goroutines in Go"
    TRAITS = (Trait.NETWORK,)
    MATCHES = (
        "from gevent import monkey\nmonkey.patch_all()\n",
        (
            "import trio as t\nasync def main():\n    async with t.open_nursery() as n:\n"
            "        n.start_soon(work)\n"
        ),
        "from twisted.internet import reactor\nreactor.run()\n",
    )
    NO_MATCHES = (
        "import asyncio\nasyncio.run(main())\n",
        "from .trio_compat import run\nimport trio_util_local\n",
        "import threading\nt = threading.Thread(target=f)\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.seen: set[str] = set()

    def _imported(self, node: cst.CSTNode, module: str) -> None:
        top = module.split(".", 1)[0]
        role = _GREEN.get(top)
        if role is None or top in self.seen:
            return
        self.seen.add(top)
        self.report(node, f"imports {top}: {role}")

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted(alias.name)
            if name is not None:
                self._imported(node, name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        name = dotted(node.module)
        if name is not None:
            self._imported(node, name)

    def visit_Call(self, node: cst.Call) -> None:
        tail = alias_tail(self.ctx, node.func)
        if not (tail.startswith("patch_") or tail == "monkey_patch"):
            return
        name = self.ctx.callee(node)
        if name is None:
            return
        if name in _PATCHES or name.startswith("gevent.monkey.patch_"):
            self.report(node, f"{name}() swaps the standard library for green versions", weight=3.0)


DETECTORS: tuple[type[Detector], ...] = (
    Threads,
    LockPrimitives,
    ThreadQueue,
    ThreadPool,
    AsyncioFanOut,
    AsyncioPrimitives,
    AsyncDensity,
    SocketsAndSelectors,
    GreenThreads,
)

"""GP108 processes-for-the-gil: process pools used to escape the GIL."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.syntax import alias_tail, last_part
from goport.model import Category, Trait

_PROCESS_POOLS = {
    "multiprocessing.Pool": "multiprocessing.Pool",
    "multiprocessing.pool.Pool": "multiprocessing.Pool",
    "multiprocessing.Process": "multiprocessing.Process",
    "multiprocessing.context.Process": "multiprocessing.Process",
    "concurrent.futures.ProcessPoolExecutor": "ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "ProcessPoolExecutor",
    "loky.ProcessPoolExecutor": "loky.ProcessPoolExecutor",
    "loky.get_reusable_executor": "loky.get_reusable_executor",
    "joblib.Parallel": "joblib.Parallel",
}

_PROCESS_TAILS = frozenset(last_part(name) for name in _PROCESS_POOLS)


class ProcessesForTheGil(Detector):
    """Process pools and processes used to get around the GIL.

    What it detects: ``multiprocessing.Pool``/``Process`` (and ``multiprocessing.pool.Pool``),
    ``concurrent.futures.ProcessPoolExecutor``, ``joblib.Parallel`` and ``loky`` executors, as
    calls or as base classes, through any import alias.
    Why it matters for a Go port: the team already splits CPU work across processes, paying for
    pickling, process start-up and duplicated memory, because threads cannot run Python in
    parallel; Go runs goroutines on all cores in one process with shared memory.
    Go idiom: a worker pool of goroutines over a channel, or ``errgroup`` with ``SetLimit``;
    ``runtime.NumCPU()`` workers.
    Known limits: ``multiprocessing.get_context(...).Pool()`` and pools reached through a
    helper are not resolved; processes used for isolation (not speed) match as well.
    """

    ID = "GP108"
    NAME = "processes-for-the-gil"
    CATEGORY = Category.CPU
    WEIGHT = 2.5
    PYTHON = "multiprocessing.Pool / ProcessPoolExecutor / joblib.Parallel"
    GO_IDIOM = "goroutine worker pool over a channel, errgroup.SetLimit(runtime.NumCPU())"
    PYTHON_FIRST = (
        "processes already sidestep the GIL: measure whether pickling between them is the real cost"
    )
    SUMMARY = "process pools used to escape the GIL"
    TRAITS = (Trait.ORCHESTRATION, Trait.FEEDING)
    MATCHES = (
        Match(
            """
            from multiprocessing import Pool
            def f(xs):
                with Pool(8) as p:
                    return p.map(work, xs)
            """,
            line=3,
        ),
        Match(
            """
            import concurrent.futures as cf
            def f(xs):
                with cf.ProcessPoolExecutor() as ex:
                    return list(ex.map(work, xs))
            """,
            line=3,
        ),
        Match(
            """
            import multiprocessing as mp
            class Worker(mp.Process):
                def run(self):
                    pass
            """,
            line=2,
        ),
        Match(
            """
            from joblib import Parallel, delayed
            def f(xs):
                return Parallel(n_jobs=4)(delayed(work)(x) for x in xs)
            """,
            line=3,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            from concurrent.futures import ThreadPoolExecutor
            def f(xs):
                with ThreadPoolExecutor() as ex:
                    return list(ex.map(work, xs))
            """
        ),
        NoMatch(
            """
            import multiprocessing
            def f():
                return multiprocessing.cpu_count()
            """
        ),
        NoMatch(
            """
            class Pool:
                pass
            def f():
                return Pool()
            """
        ),
    )

    def leave_Call(self, node: cst.Call) -> None:
        if alias_tail(self.ctx, node.func) not in _PROCESS_TAILS:
            return
        label = _PROCESS_POOLS.get(self.ctx.callee(node) or "")
        if label is not None:
            self.report(node, f"{label} spreads work over processes to get past the GIL")

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            label = _PROCESS_POOLS.get(self.ctx.resolve(base.value) or "")
            if label is not None:
                self.report(node, f"class {node.name.value} subclasses {label}")
                return

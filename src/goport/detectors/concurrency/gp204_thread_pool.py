"""GP204 thread-pool: thread pools: a bounded set of goroutines in Go."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.concurrency._shared import _lookup, _tails
from goport.detectors.syntax import argument, int_value
from goport.model import Category, Trait

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
    PYTHON_FIRST = "for I/O-bound pools, asyncio may give the concurrency without a rewrite"
    SUMMARY = "thread pools: a bounded set of goroutines in Go"
    TRAITS = (Trait.FEEDING,)
    MATCHES = (
        Match(
            """
            from concurrent.futures import ThreadPoolExecutor
            def f(urls):
                with ThreadPoolExecutor(max_workers=8) as ex:
                    return list(ex.map(get, urls))
            """,
            line=3,
        ),
        Match(
            """
            import concurrent.futures as cf
            pool = cf.ThreadPoolExecutor()
            """,
            line=2,
        ),
        Match(
            """
            from multiprocessing.pool import ThreadPool
            with ThreadPool(4) as p:
                p.map(print, range(3))
            """,
            line=2,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            from concurrent.futures import ProcessPoolExecutor
            ex = ProcessPoolExecutor()
            """
        ),
        NoMatch(
            """
            import concurrent.futures as cf
            def f(fs):
                return cf.wait(fs)
            """
        ),
        NoMatch(
            """
            import multiprocessing
            p = multiprocessing.Pool(4)
            """
        ),
    )

    def leave_Call(self, node: cst.Call) -> None:
        label = _lookup(self.ctx, node, _THREAD_POOLS, _THREAD_POOL_TAILS)
        if label is None:
            return
        keyword = "max_workers" if label == "ThreadPoolExecutor" else "processes"
        size = int_value(argument(node, keyword, 0))
        if size is not None:
            self.report(node, f"{label}({size}) runs {size} worker threads")
        else:
            self.report(node, f"{label} runs a pool of worker threads")

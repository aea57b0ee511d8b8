"""GP207 async-density: module written in async/await: no function colouring in Go."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Match, NoMatch
from goport.detectors.concurrency._shared import NetworkWhenImported
from goport.model import Category


class AsyncDensity(NetworkWhenImported):
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
    Its findings carry the network trait only in a module that imports a network library
    (sockets, HTTP, brokers, database clients): without one the asyncio code may be
    in-process plumbing, and it makes no module a Go service.
    """

    ID = "GP207"
    NAME = "async-density"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 2.0
    PYTHON = "async def / await throughout a module"
    GO_IDIOM = "plain blocking functions in goroutines, context.Context for cancellation"
    SUMMARY = "module written in async/await: no function colouring in Go"
    MATCHES = (
        Match(
            """
            async def a():
                pass
            async def b():
                await a()
            async def c():
                await b()
            """,
            line=1,
        ),
        Match(
            """
            async def main(r, w):
                await step0()
                await step1()
                await step2()
                await step3()
                await step4()
                await step5()
                await step6()
                await step7()
            """,
            line=1,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            async def a():
                await b()
            async def b():
                await c()
            """
        ),
        NoMatch(
            """
            def a():
                return 1
            def b():
                return 2
            def c():
                return 3
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.first: cst.FunctionDef | None = None
        self.async_defs = 0
        self.awaits = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is not None:
            self.async_defs += 1
            if self.first is None:
                self.first = node

    def leave_Await(self, node: cst.Await) -> None:
        self.awaits += 1

    def leave_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            self.awaits += 1

    def leave_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self.awaits += 1

    def leave_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is not None:
            self.awaits += 1

    def finish(self, module: cst.Module) -> None:
        if self.first is None or (self.async_defs < 3 and self.awaits < 8):
            return
        defs = f"{self.async_defs} async function{'s' if self.async_defs != 1 else ''}"
        awaits = f"{self.awaits} await{'s' if self.awaits != 1 else ''}"
        self.report(self.first, f"{defs} and {awaits}: the module is written in async style")

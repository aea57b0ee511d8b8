"""GP207 async-density: module written in async/await: no function colouring in Go."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector
from goport.model import Category


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

"""GP209 green-threads: green threads or an alternative event loop: goroutines in Go."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector, Match, NoMatch
from goport.detectors.syntax import alias_tail, dotted
from goport.model import Category, Trait

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
        Match(
            """
            from gevent import monkey
            monkey.patch_all()
            """,
            line=1,
        ),
        Match(
            """
            import trio as t
            async def main():
                async with t.open_nursery() as n:
                    n.start_soon(work)
            """,
            line=1,
        ),
        Match(
            """
            from twisted.internet import reactor
            reactor.run()
            """,
            line=1,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import asyncio
            asyncio.run(main())
            """
        ),
        NoMatch(
            """
            from .trio_compat import run
            import trio_util_local
            """
        ),
        NoMatch(
            """
            import threading
            t = threading.Thread(target=f)
            """
        ),
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

    def leave_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted(alias.name)
            if name is not None:
                self._imported(node, name)

    def leave_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        name = dotted(node.module)
        if name is not None:
            self._imported(node, name)

    def leave_Call(self, node: cst.Call) -> None:
        tail = alias_tail(self.ctx, node.func)
        if not (tail.startswith("patch_") or tail == "monkey_patch"):
            return
        name = self.ctx.callee(node)
        if name is None:
            return
        if name in _PATCHES or name.startswith("gevent.monkey.patch_"):
            self.report(node, f"{name}() swaps the standard library for green versions", weight=3.0)

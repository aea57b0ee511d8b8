"""GP205 asyncio-fan-out: asyncio fan-out: goroutines and errgroup in Go."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from goport.detectors.base import Context, Match, NoMatch
from goport.detectors.concurrency._shared import (
    NetworkWhenImported,
    _is_event_loop,
    _lookup,
    _tails,
)
from goport.detectors.syntax import alias_tail
from goport.model import Category

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


class AsyncioFanOut(NetworkWhenImported):
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
    Its findings carry the network trait only in a module that imports a network library
    (sockets, HTTP, brokers, database clients): without one the asyncio code may be
    in-process plumbing, and it makes no module a Go service.
    """

    ID = "GP205"
    NAME = "asyncio-fan-out"
    CATEGORY = Category.CONCURRENCY
    WEIGHT = 2.0
    PYTHON = "asyncio.gather / create_task / TaskGroup / wait / as_completed"
    GO_IDIOM = "goroutines + golang.org/x/sync/errgroup, context.Context for cancellation"
    SUMMARY = "asyncio fan-out: goroutines and errgroup in Go"
    MATCHES = (
        Match(
            """
            import asyncio
            async def main():
                await asyncio.gather(a(), b(), c())
            """,
            line=3,
        ),
        Match(
            """
            import asyncio as aio
            async def main(urls):
                tasks = [aio.create_task(fetch(u)) for u in urls]
                done, _ = await aio.wait(tasks)
            """,
            line=3,
        ),
        Match(
            """
            import asyncio
            async def main(urls):
                async with asyncio.TaskGroup() as tg:
                    for u in urls:
                        tg.create_task(fetch(u))
            """,
            line=3,
        ),
        Match(
            """
            from asyncio import as_completed
            async def f(cs):
                for c in as_completed(cs):
                    print(await c)
            """,
            line=3,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import asyncio
            async def main():
                await asyncio.sleep(1)
                return await one()
            """
        ),
        NoMatch(
            """
            import asyncio
            def main():
                asyncio.run(serve())
            """
        ),
        NoMatch(
            """
            import asyncio
            async def f(c):
                return await asyncio.wait_for(c, timeout=5)
            """
        ),
        NoMatch(
            """
            def f(pool, jobs):
                return pool.create_task(jobs)
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.groups: list[_Group] = []
        self.grouped: set[int] = set()
        self.comprehensions = 0

    def _in_loop(self) -> bool:
        return self.ctx.loop_depth_in_function > 0 or self.comprehensions > 0

    def visit_BaseComp(self, node: cst.BaseComp) -> None:
        self.comprehensions += 1

    def leave_BaseComp(self, node: cst.BaseComp) -> None:
        self.comprehensions -= 1

    def visit_With(self, node: cst.With) -> None:
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

    def leave_With(self, node: cst.With) -> None:
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

    def leave_Call(self, node: cst.Call) -> None:
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

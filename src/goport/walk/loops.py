"""``Loops``: the exact stack of loops around the node being walked, kept once per file.

The walker's ``ctx.loop_depth`` is only approximate: it counts a ``for`` header (evaluated once)
as inside the loop, and a comprehension's element (evaluated every iteration) as outside it,
because libcst renders the element before the ``for`` clause. ``Loops`` is exact at O(1) per node,
and tells its listeners when a loop starts and finishes, so a rule can keep its own per-loop
counters without a stack of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import libcst as cst

if TYPE_CHECKING:
    from goport.detectors.base import Context, FunctionFrame


@dataclass(slots=True, eq=False)
class LoopFrame:
    """One loop on the stack: a ``for``, a ``while`` or a comprehension."""

    node: cst.CSTNode
    fn: FunctionFrame | None
    outer: int  # loop levels around this loop in the same function
    level: int  # loop levels this frame adds right now (0 in a for header and an else block)
    fors: tuple[cst.CompFor, ...] = ()  # comprehension clauses
    current: int = 0  # the comprehension clause being walked (1-based)


class LoopListener(Protocol):
    def frame_started(self, frame: LoopFrame) -> None: ...

    def frame_finished(self, frame: LoopFrame) -> None: ...


class Loops:
    """Keeps an exact stack of the loops around the node being walked, per function.

    A ``for`` counts from its body on (its iterable is evaluated once), a ``while`` from its test
    on, an ``else`` block is outside; a comprehension's element sits inside all its clauses, its
    first iterable outside them, and clause *k*'s conditions and clause *k+1*'s iterable at level k.
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.stack: list[LoopFrame] = []
        self.listeners: list[LoopListener] = []

    def subscribe(self, listener: LoopListener) -> None:
        """``listener`` hears of every loop that starts or finishes, in source order."""
        self.listeners.append(listener)

    def depth(self) -> int:
        """Loop levels around the current node in the current function."""
        fn = self.ctx.function
        total = 0
        for frame in reversed(self.stack):
            if frame.fn is not fn:
                break
            total += frame.level
        return total

    # -- walk -----------------------------------------------------------------------------------
    def _push(self, node: cst.CSTNode, level: int, fors: tuple[cst.CompFor, ...] = ()) -> None:
        frame = LoopFrame(node, self.ctx.function, self.depth(), level, fors)
        self.stack.append(frame)
        for listener in self.listeners:
            listener.frame_started(frame)

    def _pop(self) -> None:
        if self.stack:
            frame = self.stack.pop()
            for listener in self.listeners:
                listener.frame_finished(frame)

    def visit_For(self, node: cst.For) -> None:
        self._push(node, 0)

    def visit_While(self, node: cst.While) -> None:
        self._push(node, 1)

    def visit_BaseSuite(self, node: cst.BaseSuite) -> None:
        if self.stack:
            top = self.stack[-1].node
            if isinstance(top, (cst.For, cst.While)) and top.body is node:
                self.stack[-1].level = 1

    def leave_BaseSuite(self, node: cst.BaseSuite) -> None:
        if self.stack:
            top = self.stack[-1].node
            if isinstance(top, (cst.For, cst.While)) and top.body is node:
                self.stack[-1].level = 0  # the else block runs once

    def leave_For(self, node: cst.For) -> None:
        self._pop()

    def leave_While(self, node: cst.While) -> None:
        self._pop()

    def visit_BaseComp(self, node: cst.BaseComp) -> None:
        fors: list[cst.CompFor] = []
        clause: cst.CompFor | None = node.for_in
        while clause is not None:
            fors.append(clause)
            clause = clause.inner_for_in
        self._push(node, len(fors), tuple(fors))  # the element runs inside every clause

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if self.stack:
            top = self.stack[-1]
            for number, clause in enumerate(top.fors, start=1):
                if clause is node:
                    top.current = number
                    top.level = number - 1  # its iterable runs once per outer clause
                    return

    def visit_CompIf(self, node: cst.CompIf) -> None:
        if self.stack and self.stack[-1].fors:
            self.stack[-1].level = self.stack[-1].current

    def leave_BaseComp(self, node: cst.BaseComp) -> None:
        self._pop()

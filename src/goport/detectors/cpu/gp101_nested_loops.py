"""GP101 nested-loops: loops nested in loops: interpreted inner loops are where CPU time goes."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.cpu._loops import _Loop, _LoopWalker
from goport.model import Category


class NestedLoops(_LoopWalker, Detector):
    """Loops nested inside loops in one function.

    What it detects: a ``for``/``while`` loop or comprehension clause that runs inside another
    loop of the same function, including a comprehension in another comprehension's element.
    Why it matters for a Go port: nested interpreted loops are where pure-Python CPU time goes;
    compiled Go loops over slices typically run 20-100x faster.
    Go idiom: plain ``for i := range xs`` loops over slices; preallocate with ``make``.
    Known limits: cannot tell how many iterations run; a nested loop over three items is harmless.
    A comprehension in a ``for`` header runs once, so it is not counted as nested. Only the
    second level is reported; deeper loops add nothing.
    """

    ID = "GP101"
    NAME = "nested-loops"
    CATEGORY = Category.CPU
    WEIGHT = 3.0
    PYTHON = "nested for/while loops"
    GO_IDIOM = "for ... range loops over slices, preallocated with make()"
    PYTHON_FIRST = "check the algorithm first: a dict/set lookup often removes an inner loop"
    SUMMARY = "loops nested in loops: interpreted inner loops are where CPU time goes"
    MATCHES = (
        Match(
            """
            def f(rows):
                for r in rows:
                    for c in r:
                        print(c)
            """,
            line=3,
        ),
        Match(
            """
            def f(m):
                return [x for row in m for x in row]
            """,
            line=2,
        ),
        Match(
            """
            def f(grid):
                return [[c * 2 for c in row] for row in grid]
            """,
            line=2,
        ),
        Match(
            """
            def f(n):
                i = 0
                while i < n:
                    j = 0
                    while j < i:
                        j += 1
                    i += 1
            """,
            line=5,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            def f(rows):
                for r in rows:
                    print(r)
            """
        ),
        NoMatch(
            """
            for a in b:
                def g():
                    for c in d:
                        pass
            """
        ),
        NoMatch(
            """
            def f(names):
                for n in [x.strip() for x in names]:
                    print(n)
            """
        ),
        NoMatch(
            """
            def f(rows):
                for r in rows:
                    pass
                else:
                    for c in rows:
                        pass
            """
        ),
    )

    def loop_finished(self, loop: _Loop) -> None:
        node = loop.node
        if loop.outer == 1 and isinstance(node, (cst.For, cst.While)):
            kind = "for" if isinstance(node, cst.For) else "while"
            self.report(node, f"{kind} loop nested inside another loop")

    def leave_CompFor(self, node: cst.CompFor) -> None:
        if not self.loops:
            return
        top = self.loops[-1]
        for number, clause in enumerate(top.fors, start=1):
            if clause is node:
                if top.outer + number == 2:
                    self.report(node, "comprehension loop nested inside another loop")
                return

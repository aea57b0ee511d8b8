"""GP1xx: CPU-bound pure-Python work, which the GIL serialises and Go runs natively."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector
from goport.model import Category


class NestedLoops(Detector):
    """Loops nested inside loops in one function.

    What it detects: a ``for``/``while`` loop or comprehension clause inside another loop of the
    same function.
    Why it matters for a Go port: nested interpreted loops are where pure-Python CPU time goes;
    compiled Go loops over slices typically run 20-100x faster.
    Go idiom: plain ``for i := range xs`` loops over slices; preallocate with ``make``.
    Known limits: cannot tell how many iterations run; a nested loop over three items is harmless.
    """

    ID = "GP101"
    NAME = "nested-loops"
    CATEGORY = Category.CPU
    WEIGHT = 3.0
    PYTHON = "nested for/while loops"
    GO_IDIOM = "for ... range loops over slices, preallocated with make()"
    SUMMARY = "loops nested in loops: interpreted inner loops are where CPU time goes"
    MATCHES = (
        "def f(rows):\n    for r in rows:\n        for c in r:\n            print(c)\n",
        "def f(m):\n    return [x for row in m for x in row]\n",
    )
    NO_MATCHES = (
        "def f(rows):\n    for r in rows:\n        print(r)\n",
        "for a in b:\n    def g():\n        for c in d:\n            pass\n",
    )

    def _check(self, node: cst.CSTNode) -> None:
        if self.ctx.loop_depth_in_function == 2:
            self.report(node, "loop nested inside another loop")

    def visit_For(self, node: cst.For) -> None:  # noqa: N802
        self._check(node)

    def visit_While(self, node: cst.While) -> None:  # noqa: N802
        self._check(node)

    def visit_CompFor(self, node: cst.CompFor) -> None:  # noqa: N802
        self._check(node)


DETECTORS: tuple[type[Detector], ...] = (NestedLoops,)

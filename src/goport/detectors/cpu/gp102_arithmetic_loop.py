"""GP102 arithmetic-loop: loop body dominated by arithmetic on boxed Python numbers."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.cpu._loops import (
    _binary_verdict,
    _bit_count,
    _checksum_verdict,
    _Loop,
    _OperatorLoops,
)
from goport.model import Category


class ArithmeticLoop(_OperatorLoops, Detector):
    """A loop whose body is mostly arithmetic or bitwise operators.

    What it detects: a loop (statement or comprehension) with at least two arithmetic/bitwise
    operators (``+ - * / // % ** << >> & | ^`` and their augmented forms), and at least 1.5 of them
    per statement, nested loops included. Reported once, at the outermost such loop.
    Why it matters for a Go port: every Python operator is a dynamic dispatch on boxed numbers;
    the same loop over ``[]float64`` or ``[]int64`` in Go compiles to a few machine instructions.
    Go idiom: typed slices and plain ``for i := range xs`` loops; pick int64/float64 explicitly.
    Known limits: cannot see operand types, so arithmetic on Decimals or small lists counts too.
    ``x += 1`` counters, ``s[i + 1]`` index arithmetic, operators on collection displays
    (``[0] * n``, ``{a} | {b}``) and bit operators in conditions (flag tests such as
    ``if mode & (1 << bit)``) are not counted; loops that look like a
    checksum are left to GP106, loops of mostly bit operators (bit packing) to GP109.
    """

    ID = "GP102"
    NAME = "arithmetic-loop"
    CATEGORY = Category.CPU
    WEIGHT = 2.0
    PYTHON = "numeric for/while loops and comprehensions"
    GO_IDIOM = "typed []int64/[]float64 slices in plain for loops"
    PYTHON_FIRST = "vectorise the arithmetic with numpy, or try mypyc/Cython on this module"
    SUMMARY = "loop body dominated by arithmetic on boxed Python numbers"
    MATCHES = (
        Match(
            """
            def dot(a, b):
                s = 0.0
                for i in range(len(a)):
                    s += a[i] * b[i]
                return s
            """,
            line=3,
        ),
        Match(
            """
            def collatz(n):
                steps = 0
                while n != 1:
                    if n % 2 == 0:
                        n //= 2
                    else:
                        n = 3 * n + 1
                    steps += 1
                return steps
            """,
            line=3,
        ),
        Match(
            """
            def norm(xs, lo, hi):
                return [(x - lo) / (hi - lo) for x in xs]
            """,
            line=2,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            def f(items):
                n = 0
                for it in items:
                    n += 1
                    print(it)
                return n
            """
        ),
        NoMatch(
            """
            def f(rows):
                out = []
                for r in rows:
                    name = r.first + ' ' + r.last
                    out.append(name)
                    log(r)
                    total = r.price * r.qty
                    save(total)
                return out
            """
        ),
        NoMatch(
            """
            def f(s):
                i = 0
                while i < len(s) - 1:
                    print(s[i + 1])
                    i += 1
            """
        ),
        NoMatch(
            """
            def crc(data, table):
                c = 0xFFFFFFFF
                for b in data:
                    c = table[(c ^ b) & 0xFF] ^ (c >> 8)
                return c
            """
        ),
        NoMatch(
            """
            def f(pairs, n):
                return [({a} | {b}, [0] * n) for a, b in pairs]
            """
        ),
        NoMatch(
            """
            def names(attributes, styles):
                out = []
                for bit in range(4, 9):
                    if attributes & (1 << bit):
                        out.append(styles[bit])
                return out
            """
        ),
    )

    def judge(self, loop: _Loop) -> tuple[str, float] | None:
        stats = loop.stats
        statements = stats.statements or (0 if isinstance(loop.node, cst.BaseComp) else 1)
        ops = stats.ops - stats.bit_tests  # flag tests (``if mode & FLAG``) are not arithmetic
        if ops < 2 or 2 * ops < 3 * statements:
            return None
        if _checksum_verdict(stats) is not None:
            return None  # GP106 reports it
        if 2 * _bit_count(stats) >= stats.ops and _binary_verdict(stats) is not None:
            return None  # mostly bit operators: GP109 reports it
        n = statements
        where = f" in {n} statement{'s' if n > 1 else ''}" if n else " per element"
        return f"loop is mostly arithmetic: {ops} operators{where}", self.WEIGHT

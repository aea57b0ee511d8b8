"""GP102 arithmetic-loop: loop body dominated by arithmetic on boxed Python numbers."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector
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
    SUMMARY = "loop body dominated by arithmetic on boxed Python numbers"
    MATCHES = (
        (
            "def dot(a, b):\n    s = 0.0\n    for i in range(len(a)):\n        s += a[i] * b[i]\n"
            "    return s\n"
        ),
        (
            "def collatz(n):\n    steps = 0\n    while n != 1:\n        if n % 2 == 0:\n"
            "            n //= 2\n        else:\n            n = 3 * n + 1\n        steps += 1\n"
            "    return steps\n"
        ),
        "def norm(xs, lo, hi):\n    return [(x - lo) / (hi - lo) for x in xs]\n",
    )
    NO_MATCHES = (
        (
            "def f(items):\n    n = 0\n    for it in items:\n        n += 1\n        print(it)\n"
            "    return n\n"
        ),
        (
            "def f(rows):\n    out = []\n    for r in rows:\n        name = r.first + ' ' + r.last\n"
            "        out.append(name)\n        log(r)\n        total = r.price * r.qty\n"
            "        save(total)\n    return out\n"
        ),
        (
            "def f(s):\n    i = 0\n    while i < len(s) - 1:\n        print(s[i + 1])\n"
            "        i += 1\n"
        ),
        (
            "def crc(data, table):\n    c = 0xFFFFFFFF\n    for b in data:\n"
            "        c = table[(c ^ b) & 0xFF] ^ (c >> 8)\n    return c\n"
        ),
        # set unions and list building, element by element
        ("def f(pairs, n):\n    return [({a} | {b}, [0] * n) for a, b in pairs]\n"),
        # flag tests over a range of bits
        (
            "def names(attributes, styles):\n    out = []\n    for bit in range(4, 9):\n"
            "        if attributes & (1 << bit):\n            out.append(styles[bit])\n    return out\n"
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

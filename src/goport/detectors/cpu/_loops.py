"""A CPU rule's view of the shared exact loop stack (``_LoopWalker``) and the per-loop counters
built on it (``_LoopStats``, ``_OperatorLoops``): a rule can report once per outermost qualifying
loop without re-walking any subtree."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from goport.detectors.base import Context, FunctionFrame
from goport.detectors.cpu._shared import (
    _AUG_KIND,
    _BIN_KIND,
    _BIT_OPERATOR_NODES,
    _BIT_OPS,
    _COLLECTIONS,
    _NUMBERS,
    _is_texty,
    _is_wide,
    _mixes,
    _Mixin,
)
from goport.detectors.syntax import int_value
from goport.model import Span
from goport.walk.loops import LoopFrame, Loops


@dataclass(slots=True)
class _Stats:
    """Counters of one loop, its nested loops folded in when they finish."""

    ops: int = 0  # arithmetic/bitwise operators, without index +-1 and counter bumps
    statements: int = 0
    shifts: int = 0
    xors: int = 0
    masks: int = 0  # & with an int literal, % by a wide constant
    wide: int = 0  # hex or well-known hash constants used as operands
    hashy: int = 0  # hash mixing: % by a prime, * by a hash constant, a 32-bit wrap of a sum
    bits: int = 0  # bitwise operators (<< >> & | ^ ~) with an int literal or int constant operand
    bits_other: int = 0  # bitwise operators on names only: ints, or sets and dicts
    codec_calls: dict[str, int] = field(default_factory=dict)  # struct / int.from_bytes calls
    byte_index: int = 0  # subscripts of known bytes, bytearray or memoryview values
    ord_chr: int = 0  # ord() and chr() calls
    ords: int = 0  # of which ord() of a value (a character of input), not of a literal
    bit_tests: int = 0  # bitwise operators in if/while/comprehension conditions: flag tests
    signals: set[str] = field(default_factory=set)  # scanner evidence
    indexes: set[str] = field(default_factory=set)  # variables used as subscripts
    bumped: set[str] = field(default_factory=set)  # variables incremented by an int

    def absorb(self, other: _Stats) -> None:
        self.ops += other.ops
        self.statements += other.statements
        self.shifts += other.shifts
        self.xors += other.xors
        self.masks += other.masks
        self.wide += other.wide
        self.hashy += other.hashy
        self.bits += other.bits
        self.bits_other += other.bits_other
        for name, n in other.codec_calls.items():
            self.codec_calls[name] = self.codec_calls.get(name, 0) + n
        self.byte_index += other.byte_index
        self.ord_chr += other.ord_chr
        self.ords += other.ords
        self.bit_tests += other.bit_tests
        self.signals |= other.signals
        self.indexes |= other.indexes
        self.bumped |= other.bumped


@dataclass(slots=True)
class _Pending:
    node: cst.CSTNode
    span: Span
    message: str
    weight: float


@dataclass(slots=True, eq=False)
class _Loop:
    """One rule's view of a loop on the shared ``Loops`` stack: the frame and the rule's own
    counters for it."""

    frame: LoopFrame
    stats: _Stats = field(default_factory=_Stats)
    pending: list[_Pending] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    @property
    def node(self) -> cst.CSTNode:
        return self.frame.node

    @property
    def fn(self) -> FunctionFrame | None:
        return self.frame.fn

    @property
    def outer(self) -> int:
        return self.frame.outer

    @property
    def fors(self) -> tuple[cst.CompFor, ...]:
        return self.frame.fors


class _LoopWalker(_Mixin):
    """Follows the shared exact loop stack (``goport.walk.loops.Loops``) with one ``_Loop`` per
    frame, so a rule keeps its own per-loop counters without keeping a stack of its own."""

    USES = (Loops,)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.loops: list[_Loop] = []  # aligned with the shared stack
        ctx.fact(Loops).subscribe(self)

    # -- queries --------------------------------------------------------------------------------
    def depth(self) -> int:
        return self.ctx.fact(Loops).depth()

    def innermost(self) -> _Loop | None:
        """The loop whose iterations run the current node, in the current function."""
        if not self.loops:
            return None
        fn = self.ctx.function
        for loop in reversed(self.loops):
            frame = loop.frame
            if frame.fn is not fn:
                return None
            if frame.level:
                return loop
        return None

    def outermost(self) -> _Loop | None:
        """The outermost running loop of the current function."""
        fn = self.ctx.function
        found: _Loop | None = None
        for loop in reversed(self.loops):
            frame = loop.frame
            if frame.fn is not fn:
                break
            if frame.level:
                found = loop
        return found

    # -- hooks for subclasses -------------------------------------------------------------------
    def loop_started(self, loop: _Loop) -> None:
        """A loop was entered (a ``for`` is still in its header)."""

    def loop_finished(self, loop: _Loop) -> None:
        """A loop was left; it is already off the stack, its span is complete."""

    # -- the shared stack's events --------------------------------------------------------------
    def frame_started(self, frame: LoopFrame) -> None:
        loop = _Loop(frame)
        self.loops.append(loop)
        self.loop_started(loop)

    def frame_finished(self, frame: LoopFrame) -> None:
        self.loop_finished(self.loops.pop())


class _LoopStats(_LoopWalker):
    """Reports once per outermost loop that ``judge`` accepts, on the loop's aggregated stats."""

    def judge(self, loop: _Loop) -> tuple[str, float] | None:
        """(message, weight) when the finished loop is a finding; each detector decides, the
        base accepts none."""
        return None

    def loop_finished(self, loop: _Loop) -> None:
        verdict = self.judge(loop)
        if verdict is not None:
            message, weight = verdict
            loop.pending = [_Pending(loop.node, self.ctx.span(loop.node), message, weight)]
        parent = self.innermost()
        if parent is not None:
            parent.stats.absorb(loop.stats)
            parent.pending.extend(loop.pending)
            return
        for p in loop.pending:
            self.ctx.report(self, p.node, p.message, weight=p.weight, span=p.span)


def _checksum_verdict(stats: _Stats) -> str | None:
    """GP106: two kinds of bit work and three operators, with a xor or a hash's mixing step (a
    loop that only shifts and masks takes fields apart or packs them: GP109)."""
    kinds = [
        (stats.shifts, "shift"),
        (stats.xors, "xor"),
        (stats.masks, "mask"),
        (stats.wide, "hex/magic constant"),
    ]
    present = [(n, label) for n, label in kinds if n]
    if len(present) < 2 or stats.ops < 3 or not (stats.xors or stats.hashy):
        return None
    return ", ".join(f"{n} {label}{'s' if n > 1 else ''}" for n, label in present)


def _bit_count(stats: _Stats) -> int:
    """Bitwise operators that are integer work: those with a literal operand, and the others
    when the loop shows ints or bytes (``a | b`` alone may be a set union)."""
    evidence = stats.bits or stats.byte_index or stats.ord_chr
    return stats.bits + (stats.bits_other if evidence else 0)


def _binary_verdict(stats: _Stats) -> str | None:
    """GP109: struct or int/bytes conversions in the loop, or bytes and bit operators together.

    Bit operators in conditions are flag tests (``if mode & (1 << bit)``): they count with bytes
    or characters (``if ord(c) & 0x80``), but packing needs two outside any condition."""
    bits = _bit_count(stats)
    per_item = stats.byte_index + stats.ord_chr
    calls = sum(stats.codec_calls.values())
    if not (
        calls
        or (stats.shifts and bits - stats.bit_tests >= 2)  # packing: (v << 7) | (b & 0x7F)
        or (per_item and bits)  # data[i] >> 4, ord(c) & 0x80
        # a length byte and the slice it announces, chr(ord(c) + k): input read item by item
        or (per_item >= 2 and (stats.byte_index or stats.ords))
    ):
        return None
    parts = [f"{n} {name}" for name, n in sorted(stats.codec_calls.items())]
    for n, label in (
        (stats.byte_index, "bytes subscript"),
        (stats.ord_chr, "ord()/chr() call"),
        (bits, "bit operator"),
    ):
        if n:
            parts.append(f"{n} {label}{'s' if n > 1 else ''}")
    return ", ".join(parts)


def _bit_operators(test: cst.BaseExpression) -> int:
    """Bitwise operators in a condition (a small expression; the walk is bounded)."""
    count, budget = 0, 48
    stack: list[cst.BaseExpression] = [test]
    while stack and budget:
        budget -= 1
        node = stack.pop()
        if isinstance(node, cst.BinaryOperation):
            count += type(node.operator) in _BIT_OPERATOR_NODES
            stack += (node.left, node.right)
        elif isinstance(node, cst.UnaryOperation):
            count += isinstance(node.operator, cst.BitInvert)
            stack.append(node.expression)
        elif isinstance(node, cst.BooleanOperation):
            stack += (node.left, node.right)
        elif isinstance(node, cst.Comparison):
            stack.append(node.left)
            stack += (c.comparator for c in node.comparisons)
    return count


class _OperatorLoops(_LoopStats):
    """Counts arithmetic and bitwise operators per loop (GP102, GP106)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.in_index = 0
        self.constants: dict[str, cst.Integer] = {}  # module-level NAME = <int literal>

    def leave_Assign(self, node: cst.Assign) -> None:
        if (
            self.ctx.function is None
            and self.ctx.class_depth == 0
            and isinstance(node.value, cst.Integer)
            and len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
        ):
            self.constants[node.targets[0].target.value] = node.value

    def _operand(self, node: cst.BaseExpression | None) -> cst.BaseExpression | None:
        if isinstance(node, cst.Name) and self.constants:
            return self.constants.get(node.value, node)
        return node

    def visit_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        self.in_index += 1

    def leave_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        self.in_index -= 1

    @staticmethod
    def _count(stats: _Stats, kind: str, left: cst.BaseExpression | None,
               right: cst.BaseExpression | None) -> None:  # fmt: skip
        stats.ops += 1
        if kind in ("<<", ">>"):
            stats.shifts += 1
        elif kind == "^":
            stats.xors += 1
        elif kind == "&":
            if int_value(right) is not None or int_value(left) is not None:
                stats.masks += 1
        elif kind == "%" and _is_wide(right):
            stats.masks += 1
        if _is_wide(left) or _is_wide(right):
            stats.wide += 1
        if _mixes(kind, left, right):
            stats.hashy += 1
        if kind in _BIT_OPS:
            if isinstance(left, cst.Integer) or isinstance(right, cst.Integer):
                stats.bits += 1
            else:
                stats.bits_other += 1

    def leave_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if not self.loops:
            return
        kind = _BIN_KIND.get(type(node.operator))
        if kind is None:
            return
        loop = self.innermost()
        if loop is None:
            return
        if kind in ("+", "%", "*") and _is_texty(node):
            return  # concatenation, repetition or %-formatting
        if isinstance(node.left, _COLLECTIONS) or isinstance(node.right, _COLLECTIONS):
            return  # [0] * n, items + [x], {a} | {b}: collections, not numbers
        if isinstance(node.left, _NUMBERS) and isinstance(node.right, _NUMBERS):
            return  # a constant such as 1 << 4
        if self.in_index and kind in ("+", "-") and 0 < (int_value(node.right) or 0) <= 4:
            return  # s[i + 1]: index arithmetic, not computation
        self._count(loop.stats, kind, self._operand(node.left), self._operand(node.right))

    def leave_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if self.loops and isinstance(node.operator, cst.BitInvert):
            loop = self.innermost()
            if loop is not None:
                loop.stats.bits_other += 1  # ~x: ints, or a numpy mask

    # -- bit operators in conditions: counted once the condition was walked -----------------------
    def _bit_tests(self, test: cst.BaseExpression, loop: _Loop | None) -> None:
        if loop is not None and (loop.stats.bits or loop.stats.bits_other):
            loop.stats.bit_tests += _bit_operators(test)

    def leave_If(self, node: cst.If) -> None:
        if self.loops:
            self._bit_tests(node.test, self.innermost())

    def leave_CompIf(self, node: cst.CompIf) -> None:
        if self.loops:
            self._bit_tests(node.test, self.innermost())

    def loop_finished(self, loop: _Loop) -> None:
        if isinstance(loop.node, cst.While):
            self._bit_tests(loop.node.test, loop)
        super().loop_finished(loop)

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        if not self.loops:
            return
        kind = _AUG_KIND.get(type(node.operator))
        if kind is None or (kind in ("+", "-") and int_value(node.value) == 1):
            return  # a counter
        if kind == "+" and _is_texty(node.value):
            return
        loop = self.innermost()
        if loop is not None:
            self._count(loop.stats, kind, None, self._operand(node.value))

    def leave_BaseSmallStatement(self, node: cst.BaseSmallStatement) -> None:
        if not self.loops or isinstance(node, (cst.Pass, cst.Break, cst.Continue)):
            return
        if (
            isinstance(node, cst.AugAssign)
            and isinstance(node.operator, (cst.AddAssign, cst.SubtractAssign))
            and int_value(node.value) == 1
        ):
            return  # loop bookkeeping
        loop = self.innermost()
        if loop is not None:
            loop.stats.statements += 1

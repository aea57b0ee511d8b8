"""GP1xx: CPU-bound pure-Python work, which the GIL serialises and Go runs natively.

Most detectors here ask "does this run once per loop iteration?". The walker's own
``ctx.loop_depth`` answers that only roughly: it counts a ``for`` header (evaluated once) as inside
the loop, and a comprehension's element (evaluated every iteration) as outside it, because libcst
renders the element before the ``for`` clause. ``_LoopWalker`` keeps an exact stack per detector
at O(1) per node, and ``_LoopStats`` aggregates per-loop counters so a detector can report once
per outermost qualifying loop without re-walking any subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from goport.detectors.base import Context, Detector, FunctionFrame
from goport.detectors.syntax import alias_tail, int_value, last_part
from goport.model import Category, Span, Trait

# The helper bases below are mixins, not detectors: at runtime they derive from ``object`` (the
# registry test counts every Detector subclass of this module); the type checker sees Detector.
if TYPE_CHECKING:
    _Mixin = Detector
else:
    _Mixin = object

# -- small node predicates -----------------------------------------------------------------------

_TEXT_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
_NUMBERS = (cst.Integer, cst.Float)
_COLLECTIONS = (
    cst.List, cst.Tuple, cst.Set, cst.Dict, cst.ListComp, cst.SetComp, cst.DictComp,
)  # fmt: skip

_BIN_KIND: dict[type[cst.CSTNode], str] = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
    cst.MatrixMultiply: "@",
    cst.LeftShift: "<<",
    cst.RightShift: ">>",
    cst.BitAnd: "&",
    cst.BitOr: "|",
    cst.BitXor: "^",
}
_AUG_KIND: dict[type[cst.CSTNode], str] = {
    cst.AddAssign: "+",
    cst.SubtractAssign: "-",
    cst.MultiplyAssign: "*",
    cst.DivideAssign: "/",
    cst.FloorDivideAssign: "//",
    cst.ModuloAssign: "%",
    cst.PowerAssign: "**",
    cst.MatrixMultiplyAssign: "@",
    cst.LeftShiftAssign: "<<",
    cst.RightShiftAssign: ">>",
    cst.BitAndAssign: "&",
    cst.BitOrAssign: "|",
    cst.BitXorAssign: "^",
}
_BIT_OPS = frozenset({"<<", ">>", "&", "|", "^"})
_BIT_OPERATOR_NODES = frozenset({cst.LeftShift, cst.RightShift, cst.BitAnd, cst.BitOr, cst.BitXor})
# decimal constants of well-known hashes and checksums (hex-written constants count anyway)
_MAGIC = frozenset(
    {65521, 16777619, 2166136261, 1099511628211, 2654435761, 2654435769, 1000000007, 998244353}
)
_TEXT_FUNCS = frozenset({"str", "chr", "repr", "format", "hex", "oct", "bin", "ascii"})
_TEXT_METHODS = frozenset(
    {
        "join", "format", "decode", "encode", "strip", "lstrip", "rstrip", "upper", "lower",
        "title", "capitalize", "ljust", "rjust", "center", "zfill", "hex", "read", "readline",
    }
)  # fmt: skip
_CHAR_METHODS = frozenset(
    {
        "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "isdecimal",
        "isnumeric", "isidentifier", "isprintable", "isascii",
    }
)  # fmt: skip
#: name kinds (``_TracksNames``) of text, and of binary data
_TEXT_KINDS = frozenset({"str", "bytes"})
_BINARY_KINDS = frozenset({"bytes", "bytearray"})
_ANNOTATED_KINDS = {"str": "str", "bytes": "bytes", "memoryview": "bytes", "bytearray": "bytearray"}
_CHAR_SETS = frozenset(
    {
        "string.digits", "string.hexdigits", "string.octdigits", "string.whitespace",
        "string.ascii_letters", "string.ascii_lowercase", "string.ascii_uppercase",
        "string.punctuation", "string.printable",
    }
)  # fmt: skip


def _is_wide(node: cst.BaseExpression | None) -> bool:
    """A hex-written constant of at least a byte mask, or a well-known hash constant."""
    if not isinstance(node, cst.Integer):
        return False
    value = int_value(node)
    if value is None:
        return False
    if node.value[:2].lower() == "0x":
        return value >= 0xFF
    return value in _MAGIC


def _is_all_ones(node: cst.BaseExpression | None) -> bool:
    """``0xFFFF``, ``0xFFFFFFFF``...: a mask that wraps a value to 16 bits or more."""
    value = int_value(node)
    return value is not None and value >= 0xFFFF and value & (value + 1) == 0


def _mixes(kind: str, left: cst.BaseExpression | None, right: cst.BaseExpression | None) -> bool:
    """An operator that mixes a hash rather than packs a field: ``% 65521`` (a prime, not a
    power of two), ``* 16777619`` (a hash constant), ``(h * 33 + c) & 0xFFFFFFFF`` or
    ``h &= 0xFFFFFFFF`` (a running sum wrapped to 32 bits). ``v & 0x3FFFFFFF`` and
    ``(v >> 16) & 0xFFFF`` take fields out of a value: codecs, not hashes."""
    if kind == "%":
        value = int_value(right)
        return _is_wide(right) and value is not None and value & (value - 1) != 0
    if kind == "*":
        return _is_wide(left) or _is_wide(right)
    if kind != "&":
        return False
    if _is_all_ones(right):
        other = left
    elif _is_all_ones(left):
        other = right
    else:
        return False
    if other is None:
        return True  # h &= 0xFFFFFFFF: the running value itself
    return isinstance(other, cst.BinaryOperation) and isinstance(
        other.operator, (cst.Add, cst.Subtract, cst.Multiply)
    )


def _is_single_char(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return len(value) == 1
    return False


def _is_texty(node: cst.BaseExpression) -> bool:
    """Text, or an operator over text: concatenation, repetition, formatting, not arithmetic."""
    if isinstance(node, _TEXT_LITERALS):
        return True
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Name):
            return func.value in _TEXT_FUNCS
        return isinstance(func, cst.Attribute) and func.attr.value in _TEXT_METHODS
    if isinstance(node, cst.BinaryOperation):
        op = node.operator
        if isinstance(op, cst.Add):
            return _is_texty(node.left) or _is_texty(node.right)
        if isinstance(op, cst.Modulo):
            return _is_texty(node.left)
        if isinstance(op, cst.Multiply):
            return isinstance(node.left, _TEXT_LITERALS) or isinstance(node.right, _TEXT_LITERALS)
    return False


def _key(node: cst.BaseExpression) -> str | None:
    """``name`` or ``self.attr``: the variables a detector tracks."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        return node.value.value + "." + node.attr.value
    return None


def _is_slice(node: cst.Subscript) -> bool:
    return any(isinstance(element.slice, cst.Slice) for element in node.slice)


def _call_attr(call: cst.Call) -> str | None:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else None


# -- exact loop tracking -------------------------------------------------------------------------


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
    node: cst.CSTNode  # For, While, or a comprehension
    fn: FunctionFrame | None
    outer: int  # loop levels around this loop in the same function
    level: int  # loop levels this frame adds right now (0 in a for header and an else block)
    fors: tuple[cst.CompFor, ...] = ()  # comprehension clauses
    current: int = 0  # the comprehension clause being walked (1-based)
    stats: _Stats = field(default_factory=_Stats)
    pending: list[_Pending] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


class _LoopWalker(_Mixin):
    """Keeps an exact stack of the loops around the node being walked, per function.

    A ``for`` counts from its body on (its iterable is evaluated once), a ``while`` from its test
    on, an ``else`` block is outside; a comprehension's element sits inside all its clauses, its
    first iterable outside them, and clause *k*'s conditions and clause *k+1*'s iterable at level k.
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.loops: list[_Loop] = []

    # -- queries --------------------------------------------------------------------------------
    def depth(self) -> int:
        fn = self.ctx.function
        total = 0
        for loop in reversed(self.loops):
            if loop.fn is not fn:
                break
            total += loop.level
        return total

    def innermost(self) -> _Loop | None:
        """The loop whose iterations run the current node, in the current function."""
        if not self.loops:
            return None
        fn = self.ctx.function
        for loop in reversed(self.loops):
            if loop.fn is not fn:
                return None
            if loop.level:
                return loop
        return None

    def outermost(self) -> _Loop | None:
        """The outermost running loop of the current function."""
        fn = self.ctx.function
        found: _Loop | None = None
        for loop in reversed(self.loops):
            if loop.fn is not fn:
                break
            if loop.level:
                found = loop
        return found

    # -- hooks for subclasses -------------------------------------------------------------------
    def loop_started(self, loop: _Loop) -> None:
        """A loop was entered (a ``for`` is still in its header)."""

    def loop_finished(self, loop: _Loop) -> None:
        """A loop was left; it is already off the stack, its span is complete."""

    # -- walk -----------------------------------------------------------------------------------
    def _push(self, node: cst.CSTNode, level: int, fors: tuple[cst.CompFor, ...] = ()) -> None:
        loop = _Loop(node, self.ctx.function, self.depth(), level, fors)
        self.loops.append(loop)
        self.loop_started(loop)

    def _pop(self) -> None:
        if self.loops:
            self.loop_finished(self.loops.pop())

    def enter_For(self, node: cst.For) -> None:
        self._push(node, 0)

    def enter_While(self, node: cst.While) -> None:
        self._push(node, 1)

    def enter_BaseSuite(self, node: cst.BaseSuite) -> None:
        if self.loops:
            top = self.loops[-1].node
            if isinstance(top, (cst.For, cst.While)) and top.body is node:
                self.loops[-1].level = 1

    def visit_BaseSuite(self, node: cst.BaseSuite) -> None:
        if self.loops:
            top = self.loops[-1].node
            if isinstance(top, (cst.For, cst.While)) and top.body is node:
                self.loops[-1].level = 0  # the else block runs once

    def visit_For(self, node: cst.For) -> None:
        self._pop()

    def visit_While(self, node: cst.While) -> None:
        self._pop()

    def enter_BaseComp(self, node: cst.BaseComp) -> None:
        fors: list[cst.CompFor] = []
        clause: cst.CompFor | None = node.for_in
        while clause is not None:
            fors.append(clause)
            clause = clause.inner_for_in
        self._push(node, len(fors), tuple(fors))  # the element runs inside every clause

    def enter_CompFor(self, node: cst.CompFor) -> None:
        if self.loops:
            top = self.loops[-1]
            for number, clause in enumerate(top.fors, start=1):
                if clause is node:
                    top.current = number
                    top.level = number - 1  # its iterable runs once per outer clause
                    return

    def enter_CompIf(self, node: cst.CompIf) -> None:
        if self.loops and self.loops[-1].fors:
            self.loops[-1].level = self.loops[-1].current

    def visit_BaseComp(self, node: cst.BaseComp) -> None:
        self._pop()


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


class _TracksNames(_Mixin):
    """What kind of value a local, module-level name or ``self.attr`` holds, from evidence.

    Kinds: ``str``, ``bytes`` (or a memoryview), ``list``, ``bytearray``, ``regex`` (a compiled
    pattern). Evidence is a parameter annotation or the last assignment seen in source order.
    An item of a bytes value is an int, so ``n = data[i]`` says nothing of ``n``.
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.locals: dict[int, dict[str, str]] = {}
        self.attrs: dict[str, dict[str, str]] = {}

    def _class_key(self) -> str:
        return ".".join(self.ctx.scopes[:-2])

    def _table(self, key: str) -> dict[str, str]:
        if "." in key:
            return self.attrs.setdefault(self._class_key(), {})
        fn = self.ctx.function
        return self.locals.setdefault(id(fn) if fn is not None else 0, {})

    def kind_of(self, node: cst.BaseExpression) -> str | None:
        key = _key(node)
        if key is None:
            return None
        if "." in key:
            head, attr = key.split(".", 1)
            if head not in ("self", "cls"):
                return None
            found = self.attrs.get(self._class_key(), {}).get(key)
            return found if found is not None else self.locals.get(0, {}).get(attr)
        fn = self.ctx.function
        if fn is not None:
            found = self.locals.get(id(fn), {}).get(key)
            if found is not None:
                return found
        return self.locals.get(0, {}).get(key)

    def is_text(self, node: cst.BaseExpression) -> bool:
        """Evidence that an expression is a str or bytes value."""
        if isinstance(node, _TEXT_LITERALS):
            return True
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Name):
                return func.value in _TEXT_FUNCS or func.value == "bytes"
            return isinstance(func, cst.Attribute) and func.attr.value in _TEXT_METHODS
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Add):
                return self.is_text(node.left) or self.is_text(node.right)
            return isinstance(node.operator, cst.Modulo) and isinstance(node.left, _TEXT_LITERALS)
        if isinstance(node, cst.Subscript):
            kind = self.kind_of(node.value)
            return kind == "str" or (kind in _BINARY_KINDS and _is_slice(node))
        return self.kind_of(node) in _TEXT_KINDS

    def value_kind(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.List):
            return "list"
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Name):
                name = func.value
                if name == "list":
                    return None if node.args else "list"
                if name == "bytearray":
                    return "bytearray"
                if name in ("bytes", "memoryview"):
                    return "bytes"
                if name in _TEXT_FUNCS:
                    return "str"
                if name != "compile":
                    return None
            elif isinstance(func, cst.Attribute):
                if func.attr.value in _TEXT_METHODS:
                    return "str"
                if func.attr.value != "compile":
                    return None
            else:
                return None
            compiled = self.ctx.callee(node) in ("re.compile", "regex.compile")
            return "regex" if compiled else None
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self.kind_of(node)
        if isinstance(node, cst.SimpleString) and "b" in node.prefix.lower():
            return "bytes"
        if isinstance(node, cst.Subscript):
            kind = self.kind_of(node.value)
            if kind in _BINARY_KINDS:
                return "bytes" if _is_slice(node) else None  # data[i] is an int
            return "str" if kind == "str" else None
        if (
            isinstance(node, cst.BinaryOperation)
            and isinstance(node.operator, cst.Add)
            and (
                self.value_kind(node.left) in _BINARY_KINDS
                or self.value_kind(node.right) in _BINARY_KINDS
            )
        ):
            return "bytes"  # data[:i] + data[j:]
        return "str" if self.is_text(node) else None

    def _note(self, target: cst.BaseExpression, kind: str | None) -> None:
        key = _key(target)
        if key is None:
            return
        table = self._table(key)
        if kind is None:
            table.pop(key, None)
        else:
            table[key] = kind

    def visit_Param(self, node: cst.Param) -> None:
        ann = node.annotation
        if ann is not None and isinstance(ann.annotation, cst.Name):
            kind = _ANNOTATED_KINDS.get(ann.annotation.value)
            if kind is not None:
                self._note(node.name, kind)

    def visit_Assign(self, node: cst.Assign) -> None:
        kind = self.value_kind(node.value)
        for target in node.targets:
            self._note(target.target, kind)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._note(node.target, self.value_kind(node.value))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        fn = self.ctx.function
        if fn is not None:
            self.locals.pop(id(fn), None)


# -- GP101 ---------------------------------------------------------------------------------------


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
    SUMMARY = "loops nested in loops: interpreted inner loops are where CPU time goes"
    MATCHES = (
        "def f(rows):\n    for r in rows:\n        for c in r:\n            print(c)\n",
        "def f(m):\n    return [x for row in m for x in row]\n",
        "def f(grid):\n    return [[c * 2 for c in row] for row in grid]\n",
        (
            "def f(n):\n    i = 0\n    while i < n:\n        j = 0\n        while j < i:\n"
            "            j += 1\n        i += 1\n"
        ),
    )
    NO_MATCHES = (
        "def f(rows):\n    for r in rows:\n        print(r)\n",
        "for a in b:\n    def g():\n        for c in d:\n            pass\n",
        "def f(names):\n    for n in [x.strip() for x in names]:\n        print(n)\n",
        (
            "def f(rows):\n    for r in rows:\n        pass\n    else:\n        for c in rows:\n"
            "            pass\n"
        ),
    )

    def loop_finished(self, loop: _Loop) -> None:
        node = loop.node
        if loop.outer == 1 and isinstance(node, (cst.For, cst.While)):
            kind = "for" if isinstance(node, cst.For) else "while"
            self.report(node, f"{kind} loop nested inside another loop")

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if not self.loops:
            return
        top = self.loops[-1]
        for number, clause in enumerate(top.fors, start=1):
            if clause is node:
                if top.outer + number == 2:
                    self.report(node, "comprehension loop nested inside another loop")
                return


# -- GP102 / GP106: operator counts --------------------------------------------------------------


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

    def visit_Assign(self, node: cst.Assign) -> None:
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

    def enter_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        self.in_index += 1

    def visit_SubscriptElement(self, node: cst.SubscriptElement) -> None:
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

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
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

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if self.loops and isinstance(node.operator, cst.BitInvert):
            loop = self.innermost()
            if loop is not None:
                loop.stats.bits_other += 1  # ~x: ints, or a numpy mask

    # -- bit operators in conditions: counted once the condition was walked -----------------------
    def _bit_tests(self, test: cst.BaseExpression, loop: _Loop | None) -> None:
        if loop is not None and (loop.stats.bits or loop.stats.bits_other):
            loop.stats.bit_tests += _bit_operators(test)

    def visit_If(self, node: cst.If) -> None:
        if self.loops:
            self._bit_tests(node.test, self.innermost())

    def visit_CompIf(self, node: cst.CompIf) -> None:
        if self.loops:
            self._bit_tests(node.test, self.innermost())

    def loop_finished(self, loop: _Loop) -> None:
        if isinstance(loop.node, cst.While):
            self._bit_tests(loop.node.test, loop)
        super().loop_finished(loop)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
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

    def visit_BaseSmallStatement(self, node: cst.BaseSmallStatement) -> None:
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


# -- GP103 ---------------------------------------------------------------------------------------


class Recursion(Detector):
    """A function that calls itself.

    What it detects: a call to the enclosing function by its own name, or for a method through
    ``self.<name>``, ``cls.<name>`` or ``<Class>.<name>``. One finding per function, at the
    first self-call, with the number of self-calls.
    Why it matters for a Go port: Python calls are expensive and recursion stops at the
    recursion limit (1000 frames by default), so recursive code is slow and often capped; Go
    calls are cheap and goroutine stacks grow on demand.
    Go idiom: a recursive Go function (no depth limit), or an explicit slice used as a stack.
    Known limits: mutual recursion (f calls g calls f) and polymorphic recursion through another
    object (``child.visit()``) are not seen; a nested function shadowing the name is taken as
    the function itself.
    """

    ID = "GP103"
    NAME = "recursion"
    CATEGORY = Category.CPU
    WEIGHT = 1.5
    PYTHON = "recursive functions and methods"
    GO_IDIOM = "plain recursive functions (growable stacks) or an explicit stack slice"
    SUMMARY = "recursion: slow interpreted calls capped by the recursion limit"
    MATCHES = (
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
        (
            "class Tree:\n    def depth(self, node):\n        if not node.children:\n            return 1\n"
            "        return 1 + max(self.depth(c) for c in node.children)\n"
        ),
        "class P:\n    @classmethod\n    def parse(cls, s):\n        return cls.parse(s[1:]) if s else 0\n",
    )
    NO_MATCHES = (
        "import json\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n",
        "class Node:\n    def visit(self, v):\n        return visit(self.child)\n",
        "class Wrapper:\n    def close(self):\n        self.inner.close()\n",
        "class A(B):\n    def save(self):\n        super().save()\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.first: dict[int, cst.Call] = {}

    def _is_self_call(self, call: cst.Call, frame: FunctionFrame) -> bool:
        func = call.func
        scopes = self.ctx.scopes
        is_method = len(scopes) >= 3 and scopes[-3] != "<locals>"
        if isinstance(func, cst.Name):
            return not is_method and func.value == frame.name
        if not is_method or not isinstance(func, cst.Attribute) or func.attr.value != frame.name:
            return False
        receiver = func.value
        if not isinstance(receiver, cst.Name):
            return False
        params = frame.node.params.params
        first = params[0].name.value if params else None
        return receiver.value in ("self", "cls", scopes[-3]) or receiver.value == first

    def visit_Call(self, node: cst.Call) -> None:
        frame = self.ctx.function
        if frame is None:
            return
        func = node.func
        name = (
            func.value
            if isinstance(func, cst.Name)
            else (func.attr.value if isinstance(func, cst.Attribute) else None)
        )
        if name != frame.name or not self._is_self_call(node, frame):
            return
        count = frame.counters.get("GP103", 0)
        frame.counters["GP103"] = count + 1
        if count == 0:
            self.first[id(frame)] = node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.ctx.function
        if frame is None:
            return
        call = self.first.pop(id(frame), None)
        count = frame.counters.get("GP103", 0)
        if call is None or not count:
            return
        if count > 1:
            message = f"{frame.name} calls itself {count} times (tree recursion)"
            self.ctx.report(self, call, message, weight=2.0)
        else:
            self.ctx.report(self, call, f"{frame.name} calls itself (recursion)")


# -- GP104 ---------------------------------------------------------------------------------------


class StringBuildingInLoop(_LoopWalker, _TracksNames, Detector):
    """Strings, bytes or bytearrays built piece by piece inside a loop.

    What it detects: ``s += ...`` or ``s = s + ...`` in a loop where ``s`` is known to hold str or
    bytes (annotated, or last assigned a string) or the added value is a string (literal,
    f-string, ``str()``/``chr()``, ``.join``/``.decode``/``.read``, a slice of a known string);
    ``buf.append``/``buf.extend``/``buf +=`` on a ``bytearray()``; and ``chars.append(c)`` of
    single characters to a list. One finding per variable per outermost loop.
    Why it matters for a Go port: repeated concatenation copies the string (quadratic in the
    worst case) and every per-character step is interpreted; in Go a ``strings.Builder`` or
    ``bytes.Buffer`` appends into one growing buffer at native speed.
    Go idiom: ``var b strings.Builder; b.WriteString(s); b.WriteByte(c)`` or ``bytes.Buffer``;
    ``append`` to a ``[]byte``.
    Known limits: types are inferred from local evidence only, so ``total += x`` on a number
    stays silent while ``acc += item`` on an un-annotated string parameter is missed.
    ``"".join(parts)`` after appending whole strings to a list is the idiomatic fix and does not
    match.
    """

    ID = "GP104"
    NAME = "string-building-in-loop"
    CATEGORY = Category.CPU
    WEIGHT = 1.5
    PYTHON = "s += ... / bytearray.append in loops"
    GO_IDIOM = "strings.Builder / bytes.Buffer, append to []byte"
    SUMMARY = "strings or byte buffers grown piece by piece in a loop"
    TRAITS = (Trait.CHEAP_FIX,)
    MATCHES = (
        (
            "def render(rows):\n    out = ''\n    for r in rows:\n        out += r.name\n"
            "    return out\n"
        ),
        (
            "def hexdump(data):\n    s = ''\n    for b in data:\n        s = s + f'{b:02x} '\n"
            "    return s\n"
        ),
        (
            "def unescape(src: bytes) -> bytes:\n    buf = bytearray()\n    i = 0\n"
            "    while i < len(src):\n        buf.append(src[i])\n        i += 1\n    return bytes(buf)\n"
        ),
        (
            "def caesar(text: str, k: int) -> str:\n    chars = []\n    for c in text:\n"
            "        chars.append(chr((ord(c) + k) % 256))\n    return ''.join(chars)\n"
        ),
        (
            "def describe(errors):\n    text = 'Errors:'\n    for e in errors:\n"
            "        text += '\\n - ' + str(e)\n    return text\n"
        ),
    )
    NO_MATCHES = (
        "def total(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n",
        (
            "def render(rows):\n    parts = []\n    for r in rows:\n        parts.append(r.name)\n"
            "    return ''.join(parts)\n"
        ),
        "def f(items):\n    acc = []\n    for it in items:\n        acc += [it]\n    return acc\n",
        "def f(name):\n    s = 'x'\n    s += name\n    return s\n",
        "def f(xs):\n    n = 0.0\n    for x in xs:\n        n += x.weight * 2\n    return n\n",
    )

    def _report_once(self, node: cst.CSTNode, key: str, message: str) -> None:
        loop = self.outermost()
        if loop is None or key in loop.seen:
            return
        loop.seen.add(key)
        self.report(node, message)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if not self.loops or not isinstance(node.operator, cst.AddAssign):
            return
        if self.innermost() is None:
            return
        key = _key(node.target)
        if key is None:
            return
        kind = self.kind_of(node.target)
        if kind == "bytearray":
            self._report_once(node, key, f"{key} += ... grows a bytearray inside a loop")
        elif kind in _TEXT_KINDS or (kind is None and self.is_text(node.value)):
            self._report_once(node, key, f"{key} += ... copies the whole string each iteration")

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if (
            self.loops
            and len(node.targets) == 1
            and isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, cst.Add)
            and self.innermost() is not None
        ):
            head: cst.BaseExpression = value
            while isinstance(head, cst.BinaryOperation) and isinstance(head.operator, cst.Add):
                head = head.left  # s = s + "/" + part
            key = _key(node.targets[0].target)
            if key is not None and key == _key(head):
                kind = self.kind_of(head)
                if kind in _TEXT_KINDS or (kind is None and self.is_text(value)):
                    self._report_once(
                        node, key, f"{key} = {key} + ... copies the whole string each iteration"
                    )
        super().visit_Assign(node)

    def _is_char(self, node: cst.BaseExpression) -> bool:
        if _is_single_char(node):
            return True
        if isinstance(node, cst.Call):
            return isinstance(node.func, cst.Name) and node.func.value == "chr"
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            return isinstance(node.slice[0].slice, cst.Index) and self.kind_of(node.value) == "str"
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if not self.loops:
            return
        attr = _call_attr(node)
        if attr not in ("append", "extend") or self.innermost() is None:
            return
        receiver = node.func.value if isinstance(node.func, cst.Attribute) else node.func
        key = _key(receiver)
        if key is None:
            return
        kind = self.kind_of(receiver)
        if kind == "bytearray":
            self._report_once(node, key, f"{key}.{attr} grows a bytearray inside a loop")
        elif (
            kind == "list"
            and attr == "append"
            and len(node.args) == 1
            and self._is_char(node.args[0].value)
        ):
            self._report_once(node, key, f"{key}.append builds a list of single characters")


# -- GP105 ---------------------------------------------------------------------------------------

_CHAR_SIGNALS = ("char-iter", "str-index", "ord/chr", "char-class", "char-set", "char-compare")
# A scanner walks a string and inspects characters. Iterating a string with ord() alone is a
# transform or a hash; comparing with one-character strings alone is ordinary branching.
_WALKS = frozenset(
    {"while-len", "index-loop", "index-bump", "char-iter", "str-index", "byte-index"}
)
_CHAR_TESTS = frozenset({"str-index", "char-class", "char-set", "char-compare"})
_INDEX_SIGNALS = ("while-len", "index-loop", "index-bump", "byte-index")
_SIGNAL_TEXT = {
    "while-len": "while i < len(...)",
    "index-loop": "for i in range(len(...))",
    "index-bump": "an index advanced by +=",
    "char-iter": "iteration over a string",
    "str-index": "string subscripts",
    "byte-index": "bytes subscripts",
    "ord/chr": "ord()/chr()",
    "char-class": "char-class tests",
    "char-set": '`c in "..."` tests',
    "char-compare": "single-character comparisons",
}


def _holds_char(node: cst.BaseExpression) -> bool:
    """``c``, ``s[i]``, ``peek()`` or ``self.ch``: not ``tok.kind``, which is a token's field."""
    if isinstance(node, (cst.Name, cst.Subscript, cst.Call)):
        return True
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == "self"
    )


def _mentions_len(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Call):
        return isinstance(node.func, cst.Name) and node.func.value == "len"
    if isinstance(node, cst.BinaryOperation):
        return _mentions_len(node.left) or _mentions_len(node.right)
    return False


def _is_len_bound(test: cst.BaseExpression, depth: int = 0) -> bool:
    """``i < len(s)``, possibly inside ``and``/``or`` (bounded)."""
    if isinstance(test, cst.BooleanOperation) and depth < 4:
        return _is_len_bound(test.left, depth + 1) or _is_len_bound(test.right, depth + 1)
    if isinstance(test, cst.Comparison) and _key(test.left) is not None:
        for target in test.comparisons:
            if isinstance(
                target.operator, (cst.LessThan, cst.LessThanEqual, cst.NotEqual)
            ) and _mentions_len(target.comparator):
                return True
    return False


class HandWrittenParser(_LoopStats, _TracksNames, Detector):
    """Character-by-character scanning of str/bytes with index arithmetic.

    What it detects: a loop that both walks a string - ``while i < len(s)``,
    ``for i in range(len(s))``, a subscript index also advanced with ``i += n``, iteration over
    or subscripts of a known str/bytes - and tests characters - char-class tests like
    ``c.isdigit()``, ``c in "0123456789"``, single-character comparisons, subscripts of a known
    str (an item of bytes is an int, not a character) - with at least two kinds of evidence
    (``ord()``/``chr()`` adds one). Reported once per outermost such loop.
    Why it matters for a Go port: hand-written tokenizers and parsers spend their time in
    interpreted per-character steps; the same scanner over a Go ``[]byte`` or ``string`` runs
    one to two orders of magnitude faster and needs no regex fallback.
    Go idiom: a scanner struct over ``[]byte`` with a ``pos int``; ``utf8.DecodeRune``,
    ``unicode.IsDigit``, ``strings.IndexByte``; ``text/scanner`` or a generated lexer.
    Known limits: str/bytes are known only from annotations and assignments, so a walk over an
    un-annotated parameter needs an index signal; a walk over a list of one-letter strings can
    match, and a byte parser comparing ints (``b == 0x0A``) is GP109's (binary codec) if it
    does bit work, else missed.
    """

    ID = "GP105"
    NAME = "hand-written-parser"
    CATEGORY = Category.CPU
    WEIGHT = 2.0
    PYTHON = "character-by-character tokenizers and parsers"
    GO_IDIOM = "a scanner over []byte with a pos index, unicode/utf8 helpers"
    SUMMARY = "hand-written character scanner with index arithmetic"
    MATCHES = (
        (
            "def numbers(src):\n    i, out = 0, []\n    while i < len(src):\n"
            "        if src[i].isdigit():\n            j = i\n"
            "            while j < len(src) and src[j].isdigit():\n                j += 1\n"
            "            out.append(int(src[i:j]))\n            i = j\n        else:\n            i += 1\n"
            "    return out\n"
        ),
        (
            "def count_words(text: str) -> int:\n    n, inside = 0, False\n    for ch in text:\n"
            "        if ch in ' \\t\\n':\n            inside = False\n        elif not inside:\n"
            "            inside, n = True, n + 1\n    return n\n"
        ),
        (
            "class Lexer:\n    def __init__(self, text: str):\n        self.text = text\n"
            "        self.pos = 0\n    def skip(self):\n"
            "        while self.pos < len(self.text) and self.text[self.pos] == ' ':\n"
            "            self.pos += 1\n"
        ),
    )
    NO_MATCHES = (
        (
            "def djb2(s: str) -> int:\n    h = 5381\n    for c in s:\n"
            "        h = (h * 33 + ord(c)) & 0xFFFFFFFF\n    return h\n"
        ),
        (
            "def total(arr):\n    i, t = 0, 0\n    while i < len(arr):\n        t += arr[i]\n"
            "        i += 1\n    return t\n"
        ),
        "def digits(words):\n    return [w for w in words if w.isdigit()]\n",
        (
            "def f(lines):\n    for line in lines:\n        if line.startswith('#'):\n            continue\n"
            "        print(line.split(','))\n"
        ),
        "def f(opts):\n    for key in opts:\n        if key == 'v':\n            print(key)\n",
    )

    def loop_started(self, loop: _Loop) -> None:
        node = loop.node
        if isinstance(node, cst.While):
            if _is_len_bound(node.test):
                loop.stats.signals.add("while-len")
        elif isinstance(node, cst.For):
            it = node.iter
            if self.kind_of(it) in _TEXT_KINDS:
                loop.stats.signals.add("char-iter")
            elif (
                isinstance(it, cst.Call)
                and isinstance(it.func, cst.Name)
                and it.func.value == "range"
                and any(_mentions_len(a.value) for a in it.args)
            ):
                loop.stats.signals.add("index-loop")
        elif loop.fors and self.kind_of(loop.fors[0].iter) in _TEXT_KINDS:
            loop.stats.signals.add("char-iter")

    def judge(self, loop: _Loop) -> tuple[str, float] | None:
        stats = loop.stats
        if stats.indexes & stats.bumped:
            stats.signals.add("index-bump")
        signals = stats.signals
        if len(signals) < 2 or not signals & _WALKS or not signals & _CHAR_TESTS:
            return None
        order = [s for s in (*_INDEX_SIGNALS, *_CHAR_SIGNALS) if s in signals]
        return "hand-written scanner: " + ", ".join(_SIGNAL_TEXT[s] for s in order), self.WEIGHT

    def _signal(self, name: str) -> None:
        loop = self.innermost()
        if loop is not None:
            loop.stats.signals.add(name)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not self.loops or len(node.slice) != 1:
            return
        loop = self.innermost()
        if loop is None:
            return
        part = node.slice[0].slice
        bounds: tuple[cst.BaseExpression | None, ...]
        if isinstance(part, cst.Index):
            bounds = (part.value,)
        elif isinstance(part, cst.Slice):
            bounds = (part.lower, part.upper)
        else:
            return
        used = False
        for bound in bounds:
            if isinstance(bound, cst.BinaryOperation):
                bound = bound.left
            key = _key(bound) if bound is not None else None
            if key is not None:
                loop.stats.indexes.add(key)
                used = True
        kind = self.kind_of(node.value) if used else None
        if kind == "str":
            loop.stats.signals.add("str-index")
        elif kind in _BINARY_KINDS:
            loop.stats.signals.add("byte-index")  # a walk; its items are ints, not characters

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self.loops and isinstance(node.operator, cst.AddAssign):
            key = _key(node.target)
            loop = self.innermost()
            if key is not None and loop is not None and int_value(node.value) is not None:
                loop.stats.bumped.add(key)

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if (
            self.loops
            and len(node.targets) == 1
            and isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, cst.Add)
            and int_value(value.right) is not None
        ):
            key = _key(node.targets[0].target)
            loop = self.innermost()
            if key is not None and loop is not None and key == _key(value.left):
                loop.stats.bumped.add(key)  # i = i + 1
        super().visit_Assign(node)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.loops:
            return
        func = node.func
        if isinstance(func, cst.Name):
            if func.value in ("ord", "chr"):
                self._signal("ord/chr")
        elif isinstance(func, cst.Attribute) and func.attr.value in _CHAR_METHODS and not node.args:
            self._signal("char-class")

    def _is_char_set(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            return True
        if isinstance(node, (cst.Tuple, cst.Set, cst.List)):
            return bool(node.elements) and all(_is_single_char(e.value) for e in node.elements)
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self.ctx.resolve(node) in _CHAR_SETS or self.kind_of(node) in _TEXT_KINDS
        return False

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if not self.loops:
            return
        left = node.left
        for target in node.comparisons:
            op, right = target.operator, target.comparator
            if isinstance(op, (cst.In, cst.NotIn)):
                if _holds_char(left) and self._is_char_set(right):
                    self._signal("char-set")
            elif not isinstance(op, (cst.Is, cst.IsNot)) and (
                (_is_single_char(right) and _holds_char(left))
                or (_is_single_char(left) and _holds_char(right))
            ):
                self._signal("char-compare")
            left = target.comparator


# -- GP106 ---------------------------------------------------------------------------------------


class PurePythonChecksum(_OperatorLoops, Detector):
    """Hashes, checksums and compression written in pure Python.

    What it detects: a loop mixing at least two of shifts (``<<``, ``>>``), xor (``^``), masks
    (``& 0xFF``, ``% 65521``) and hex or well-known hash constants (``0xEDB88320``,
    ``16777619``), with at least three operators, one of them a xor or a hash's mixing step
    (``% 65521``, ``* 16777619``, a running sum wrapped by ``& 0xFFFFFFFF``): CRC tables and
    updates, Adler/FNV/djb2/murmur-style hashes. Reported once per outermost such loop.
    Why it matters for a Go port: each bit operation is an interpreted step on an arbitrary-size
    int, then masked back to 32 bits by hand; in Go it is one instruction on a ``uint32``, and
    ``hash/crc32``, ``hash/adler32``, ``hash/fnv`` already exist.
    Go idiom: the standard ``hash/crc32``, ``hash/adler32``, ``hash/fnv``, ``compress/*``
    packages, or the loop on ``uint32``/``uint64`` without masks.
    Known limits: library calls such as ``hashlib.sha256`` or ``zlib.crc32`` run in C and are
    not flagged; a bit-twiddling loop with a xor that is not a hash can match. Loops that only
    shift and mask (``(v >> 8) & 0xFF``, varints, ``v & 0x3FFFFFFF`` bit fields) are codecs,
    reported by GP109.
    """

    ID = "GP106"
    NAME = "pure-python-checksum"
    CATEGORY = Category.CPU
    WEIGHT = 2.5
    PYTHON = "CRC/Adler/FNV-style hash loops"
    GO_IDIOM = "hash/crc32, hash/adler32, hash/fnv, or the loop on uint32"
    SUMMARY = "checksum or hash computed bit by bit in pure Python"
    MATCHES = (
        (
            "def crc32(data, table):\n    c = 0xFFFFFFFF\n    for b in data:\n"
            "        c = table[(c ^ b) & 0xFF] ^ (c >> 8)\n    return c ^ 0xFFFFFFFF\n"
        ),
        (
            "def fnv1a(data: bytes) -> int:\n    h = 2166136261\n    for b in data:\n        h ^= b\n"
            "        h = (h * 16777619) & 0xFFFFFFFF\n    return h\n"
        ),
        (
            "def adler(data):\n    a, b = 1, 0\n    for x in data:\n        a = (a + x) % 65521\n"
            "        b = (b + a) % 65521\n    return (b << 16) | a\n"
        ),
    )
    NO_MATCHES = (
        (
            "import hashlib\ndef digest(chunks):\n    h = hashlib.sha256()\n    for c in chunks:\n"
            "        h.update(c)\n    return h.hexdigest()\n"
        ),
        "def flags(items):\n    for it in items:\n        if it.mode & 0x4:\n            print(it)\n",
        "def unpack(data):\n    v = 0\n    for b in data:\n        v = (v << 8) | b\n    return v\n",
        "def f(ts):\n    for t in ts:\n        print(t % 1000, (t // 1000) % 86400)\n",
        # a varint decoder shifts and masks bytes: a codec (GP109), not a checksum
        (
            "def varint(data, pos):\n    result = shift = 0\n    while True:\n"
            "        b = data[pos]\n        pos += 1\n        result |= (b & 0x7F) << shift\n"
            "        if not b & 0x80:\n            return result, pos\n        shift += 7\n"
        ),
    )

    def judge(self, loop: _Loop) -> tuple[str, float] | None:
        detail = _checksum_verdict(loop.stats)
        if detail is None:
            return None
        return f"checksum-style bit loop: {detail}", self.WEIGHT


# -- GP107 ---------------------------------------------------------------------------------------

_RE_FUNCS = frozenset(
    {"match", "search", "sub", "subn", "findall", "finditer", "split", "fullmatch", "compile"}
)
_PATTERN_SUFFIXES = ("_re", "_regex", "_rx", "_pattern", "_pat")
_PATTERN_NAMES = frozenset({"re", "regex", "rx", "pattern", "pat", "regexp"})


class RegexInLoop(_LoopWalker, _TracksNames, Detector):
    """Regular expressions evaluated inside a loop.

    What it detects: ``re.match/search/sub/subn/findall/finditer/split/fullmatch/compile`` (also
    the ``regex`` module) called in a loop, and the same methods on a compiled pattern (a name
    assigned from ``re.compile`` or named like ``WORD_RE``/``pattern``). A literal or f-string
    pattern passed to a module-level function weighs more: it is looked up in (or added to) the
    pattern cache every iteration. A loop's own iterable (``for m in P.finditer(s)``) runs once
    and does not count.
    Why it matters for a Go port: regex-heavy loops are often tokenizers or log parsers in
    disguise; Go's ``regexp`` is linear-time (RE2) and the surrounding loop compiles, and a
    hand-written scanner often replaces the regex entirely.
    Go idiom: ``var wordRE = regexp.MustCompile(...)`` at package level, ``FindAllStringSubmatch``
    outside the loop, or a ``bufio.Scanner``/byte scanner.
    Known limits: a compiled pattern is recognised only by assignment in the same module or by its
    name; RE2 lacks backreferences and lookaround, so some patterns need rewriting. Only calls
    that pass the pattern every iteration have the cheap fix (``cheap-fix``); a compiled
    pattern's findings do not carry it.
    """

    ID = "GP107"
    NAME = "regex-in-loop"
    CATEGORY = Category.CPU
    WEIGHT = 1.0
    PYTHON = "re.match/search/sub/findall in loops"
    GO_IDIOM = "package-level regexp.MustCompile, or a byte scanner"
    SUMMARY = "regular expressions run once per loop iteration"
    TRAITS = (Trait.CHEAP_FIX,)
    MATCHES = (
        (
            "import re\ndef f(lines):\n    for line in lines:\n"
            "        if re.match(r'\\d+:', line):\n            print(line)\n"
        ),
        (
            "import re\nWORD = re.compile(r'\\w+')\ndef f(lines):\n"
            "    return [WORD.findall(l) for l in lines]\n"
        ),
        (
            "import re as regex_mod\ndef f(rows, key):\n    for r in rows:\n"
            "        r.text = regex_mod.sub(f'{key}=\\\\S+', '', r.text)\n"
        ),
        (
            "from re import search\ndef f(lines):\n    i = 0\n    while i < len(lines):\n"
            "        if search('ERROR', lines[i]):\n            break\n        i += 1\n"
        ),
    )
    NO_MATCHES = (
        (
            "import re\ndef f(text):\n    for m in re.finditer(r'\\w+', text):\n"
            "        print(m.group())\n"
        ),
        "def f(lines):\n    for line in lines:\n        print(line.split(','))\n",
        (
            "import re\nNUM = re.compile(r'\\d+')\ndef f(text):\n    found = NUM.findall(text)\n"
            "    for n in found:\n        print(n)\n"
        ),
        "import re\ndef f(text):\n    return [m.group(0) for m in re.finditer('a', text)]\n",
    )

    def _is_pattern(self, receiver: cst.BaseExpression) -> bool:
        if self.kind_of(receiver) == "regex":
            return True
        if isinstance(receiver, cst.Name):
            last = receiver.value
        elif isinstance(receiver, cst.Attribute):
            last = receiver.attr.value
        else:
            return False
        low = last.lower().lstrip("_")
        return low in _PATTERN_NAMES or low.endswith(_PATTERN_SUFFIXES)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.loops:
            return
        func = node.func
        attr = alias_tail(self.ctx, func)
        if attr not in _RE_FUNCS or self.innermost() is None:
            return
        name = self.ctx.callee(node)
        if name in (f"re.{attr}", f"regex.{attr}"):
            pattern = node.args[0].value if node.args else None
            if isinstance(pattern, cst.FormattedString):
                self.report(node, f"{name} builds its pattern every iteration", weight=2.0)
            elif isinstance(pattern, (cst.SimpleString, cst.ConcatenatedString)):
                self.report(node, f"{name} with a literal pattern runs every iteration", weight=2.0)
            else:
                self.report(node, f"{name} runs every iteration", weight=1.5)
        elif (
            isinstance(func, cst.Attribute)
            and attr != "compile"
            and self._is_pattern(func.value)
            and self.kind_of(func.value) not in _TEXT_KINDS
        ):
            label = _key(func.value) or "compiled pattern"
            # compiled once already: the Python-side fix is applied, the scan itself remains
            self.report(node, f"{label}.{attr} runs every iteration", traits=())


# -- GP108 ---------------------------------------------------------------------------------------

_PROCESS_POOLS = {
    "multiprocessing.Pool": "multiprocessing.Pool",
    "multiprocessing.pool.Pool": "multiprocessing.Pool",
    "multiprocessing.Process": "multiprocessing.Process",
    "multiprocessing.context.Process": "multiprocessing.Process",
    "concurrent.futures.ProcessPoolExecutor": "ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "ProcessPoolExecutor",
    "loky.ProcessPoolExecutor": "loky.ProcessPoolExecutor",
    "loky.get_reusable_executor": "loky.get_reusable_executor",
    "joblib.Parallel": "joblib.Parallel",
}
_PROCESS_TAILS = frozenset(last_part(name) for name in _PROCESS_POOLS)


class ProcessesForTheGil(Detector):
    """Process pools and processes used to get around the GIL.

    What it detects: ``multiprocessing.Pool``/``Process`` (and ``multiprocessing.pool.Pool``),
    ``concurrent.futures.ProcessPoolExecutor``, ``joblib.Parallel`` and ``loky`` executors, as
    calls or as base classes, through any import alias.
    Why it matters for a Go port: the team already splits CPU work across processes, paying for
    pickling, process start-up and duplicated memory, because threads cannot run Python in
    parallel; Go runs goroutines on all cores in one process with shared memory.
    Go idiom: a worker pool of goroutines over a channel, or ``errgroup`` with ``SetLimit``;
    ``runtime.NumCPU()`` workers.
    Known limits: ``multiprocessing.get_context(...).Pool()`` and pools reached through a
    helper are not resolved; processes used for isolation (not speed) match as well.
    """

    ID = "GP108"
    NAME = "processes-for-the-gil"
    CATEGORY = Category.CPU
    WEIGHT = 2.5
    PYTHON = "multiprocessing.Pool / ProcessPoolExecutor / joblib.Parallel"
    GO_IDIOM = "goroutine worker pool over a channel, errgroup.SetLimit(runtime.NumCPU())"
    SUMMARY = "process pools used to escape the GIL"
    TRAITS = (Trait.ORCHESTRATION, Trait.FEEDING)
    MATCHES = (
        (
            "from multiprocessing import Pool\ndef f(xs):\n    with Pool(8) as p:\n"
            "        return p.map(work, xs)\n"
        ),
        (
            "import concurrent.futures as cf\ndef f(xs):\n"
            "    with cf.ProcessPoolExecutor() as ex:\n        return list(ex.map(work, xs))\n"
        ),
        "import multiprocessing as mp\nclass Worker(mp.Process):\n    def run(self):\n        pass\n",
        (
            "from joblib import Parallel, delayed\ndef f(xs):\n"
            "    return Parallel(n_jobs=4)(delayed(work)(x) for x in xs)\n"
        ),
    )
    NO_MATCHES = (
        (
            "from concurrent.futures import ThreadPoolExecutor\ndef f(xs):\n"
            "    with ThreadPoolExecutor() as ex:\n        return list(ex.map(work, xs))\n"
        ),
        "import multiprocessing\ndef f():\n    return multiprocessing.cpu_count()\n",
        "class Pool:\n    pass\ndef f():\n    return Pool()\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
        if alias_tail(self.ctx, node.func) not in _PROCESS_TAILS:
            return
        label = _PROCESS_POOLS.get(self.ctx.callee(node) or "")
        if label is not None:
            self.report(node, f"{label} spreads work over processes to get past the GIL")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            label = _PROCESS_POOLS.get(self.ctx.resolve(base.value) or "")
            if label is not None:
                self.report(node, f"class {node.name.value} subclasses {label}")
                return


# -- GP109 ---------------------------------------------------------------------------------------

_STRUCT_FUNCS = frozenset({"pack", "unpack", "pack_into", "unpack_from", "iter_unpack"})
#: methods whose result is bytes whatever the receiver (``.encode()`` only without arguments or
#: with a literal codec: a JSON encoder's ``encode(obj)`` returns text)
_BYTES_METHODS = frozenset({"tobytes", "to_bytes", "recv", "fromhex", "digest"})


class BinaryCodecLoop(_OperatorLoops, _TracksNames, Detector):
    """Binary formats and bit fields encoded or decoded piece by piece in a loop.

    What it detects: a loop (statement or comprehension) that calls ``struct.pack/unpack/
    pack_into/unpack_from/iter_unpack`` (the module's functions, the methods of a
    ``struct.Struct`` or one of them bound to a name), ``int.from_bytes`` or ``.to_bytes``; or
    that subscripts or slices known ``bytes``/``bytearray``/``memoryview`` values, calls
    ``ord()``/``chr()`` and works with bit operators (``<< >> & | ^ ~``) together: length-prefixed
    record readers, varint and bit-packing loops (``while b & 0x80``, ``(v << 8) | b``), nibble
    and hex codecs. Reported once per outermost such loop, weighted by how much of that work it
    holds; a loop that is a checksum is GP106's.
    Why it matters for a Go port: each field decoded is several interpreted steps (a call into
    ``struct``, a tuple, boxed ints, a new bytes object per slice); in Go the same loop reads a
    ``[]byte`` in place with ``encoding/binary`` into fixed-width integers, with no allocation
    per field, and binary protocols (wire formats, file formats, framing) are Go's home ground.
    Go idiom: ``binary.BigEndian.Uint32(b[i:])``, ``binary.Uvarint``, ``binary.Read`` into a
    struct, ``[]byte`` sub-slices (no copy), ``math/bits`` and plain ``uint32`` arithmetic.
    Known limits: a struct call once per function, called from a loop elsewhere, is not seen,
    nor are loops at module level (they run once, at import: lookup tables; a script's main
    loop there is missed);
    bytes values are known only from annotations and assignments (literals, ``bytes()``,
    ``bytearray()``, ``memoryview()``, ``.encode()``); flag tests in conditions (``if mode &
    FLAG``, ``if mask & (1 << bit)``), ``chr()`` over a range of code points and bit operators on
    names alone (set unions) do not match by themselves.
    """

    ID = "GP109"
    NAME = "binary-codec"
    CATEGORY = Category.CPU
    WEIGHT = 2.0
    PYTHON = "struct.unpack / int.from_bytes / byte indexing and bit shifts in loops"
    GO_IDIOM = "encoding/binary (BigEndian.Uint32, Uvarint) over []byte sub-slices, math/bits"
    SUMMARY = "binary formats or bit fields decoded byte by byte in Python loops"
    MATCHES = (
        (
            "import struct\ndef records(buf):\n    off = 0\n    while off < len(buf):\n"
            "        size, kind = struct.unpack_from('<IH', buf, off)\n        off += 6 + size\n"
        ),
        (
            "def varint(data: bytes, pos: int):\n    result = shift = 0\n    while True:\n"
            "        b = data[pos]\n        pos += 1\n        result |= (b & 0x7F) << shift\n"
            "        if not b & 0x80:\n            return result, pos\n        shift += 7\n"
        ),
        (
            "from struct import Struct\nHEADER = Struct('>HH')\nclass Reader:\n"
            "    def read(self, chunks):\n        return [HEADER.unpack(c) for c in chunks]\n"
        ),
        "def pack(bits):\n    v = 0\n    for b in bits:\n        v = (v << 1) | b\n    return v\n",
        (
            "def ids(blob: bytes):\n    return [int.from_bytes(blob[i:i + 4], 'big')"
            " for i in range(0, len(blob), 4)]\n"
        ),
        (
            "def xor(text: str, key: int) -> str:\n"
            "    return ''.join(chr(ord(c) ^ key) for c in text)\n"
        ),
    )
    NO_MATCHES = (
        # an integer flag test, in or out of a loop
        "FLAG = 0x4\ndef f(mode, items):\n    if mode & FLAG:\n        return [i for i in items]\n",
        (
            "FLAG = 0x4\ndef f(items):\n    for it in items:\n        if it.mode & FLAG:\n"
            "            print(it)\n"
        ),
        # a lookup table built once, at import
        "import struct\nPACK = struct.Struct('>H').pack\nTABLE = tuple(PACK(i) for i in range(256))\n",
        # one header read, not in a loop
        (
            "import struct\ndef header(f):\n    magic, n = struct.unpack('<II', f.read(8))\n"
            "    return n\n"
        ),
        # flag tests over a range of bits: conditions, not packing
        (
            "def names(attributes, styles):\n    return [styles[b] for b in range(4, 9)"
            " if attributes & (1 << b)]\n"
        ),
        # characters made from code points: a table, not input read character by character
        "def letters(lo, hi):\n    return ''.join(chr(c) for c in range(lo, hi) if chr(c).isalpha())\n",
        # set unions and intersections in a loop
        (
            "def merge(groups):\n    seen = set()\n    for g in groups:\n"
            "        seen = seen | g.tags\n        common = seen & g.tags\n    return common\n"
        ),
        # a checksum is GP106's
        (
            "def crc32(data, table):\n    c = 0xFFFFFFFF\n    for b in data:\n"
            "        c = table[(c ^ b) & 0xFF] ^ (c >> 8)\n    return c ^ 0xFFFFFFFF\n"
        ),
        # a text scanner with one ord() per character
        "def total(text: str) -> int:\n    n = 0\n    for c in text:\n        n += ord(c)\n    return n\n",
    )

    def judge(self, loop: _Loop) -> tuple[str, float] | None:
        stats = loop.stats
        if loop.fn is None:
            return None  # module or class level: runs once, at import (a lookup table)
        if _checksum_verdict(stats) is not None:
            return None  # GP106 reports it
        detail = _binary_verdict(stats)
        if detail is None:
            return None
        work = (
            sum(stats.codec_calls.values()) + stats.byte_index + stats.ord_chr + _bit_count(stats)
        )
        return f"binary codec loop: {detail}", min(3.0, 1.0 + 0.2 * work)

    # -- what a name holds: bytes, a struct.Struct, or one of its bound methods -------------------
    def value_kind(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Call):
            kind = self._call_kind(node)
            if kind is not None:
                return kind
        elif (
            isinstance(node, cst.Attribute)
            and node.attr.value in _STRUCT_FUNCS
            and self._is_struct(node.value)
        ):
            return "struct-method"  # unpack = struct.Struct("<I").unpack
        return super().value_kind(node)

    def _is_struct(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            return self._call_kind(node) == "struct"
        return self.kind_of(node) == "struct"

    def _call_kind(self, node: cst.Call) -> str | None:
        """``struct`` for a ``struct.Struct(...)``, ``bytes`` for calls that return bytes."""
        func = node.func
        if isinstance(func, cst.Name):
            name = self.ctx.aliases.get(func.value, func.value)
            if name == "struct.Struct":
                return "struct"
            return "bytes" if name in ("struct.pack", "os.urandom") else None
        if not isinstance(func, cst.Attribute):
            return None
        attr = func.attr.value
        if attr in _BYTES_METHODS:
            return "bytes"
        if attr == "encode":
            literal = not node.args or isinstance(node.args[0].value, cst.SimpleString)
            return "bytes" if literal else None
        if attr == "Struct" and self.ctx.callee(node) == "struct.Struct":
            return "struct"
        if attr == "pack" and (
            self._is_struct(func.value) or self.ctx.callee(node) == "struct.pack"
        ):
            return "bytes"
        return None

    def visit_Assign(self, node: cst.Assign) -> None:
        _OperatorLoops.visit_Assign(self, node)
        _TracksNames.visit_Assign(self, node)

    # -- work in loops ----------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if not self.loops:
            return
        func = node.func
        label: str | None = None
        if isinstance(func, cst.Name):
            name = self.ctx.aliases.get(func.value, func.value)
            if name in ("ord", "chr"):
                loop = self.innermost()
                if loop is not None:
                    loop.stats.ord_chr += 1
                    if name == "ord" and not (
                        node.args and isinstance(node.args[0].value, cst.SimpleString)
                    ):
                        loop.stats.ords += 1
                return
            if name.startswith("struct.") and name[7:] in _STRUCT_FUNCS:
                label = name
            elif self.kind_of(func) == "struct-method":
                label = f"struct {func.value}"
        elif isinstance(func, cst.Attribute):
            attr = func.attr.value
            if attr in _STRUCT_FUNCS:
                if self._is_struct(func.value):
                    label = f"Struct.{attr}"
                elif self.ctx.callee(node) == f"struct.{attr}":
                    label = f"struct.{attr}"
            elif attr == "to_bytes":
                label = "int.to_bytes"
            elif attr == "from_bytes" and self.ctx.callee(node) == "int.from_bytes":
                label = "int.from_bytes"
        if label is None:
            return
        loop = self.innermost()
        if loop is not None:
            calls = loop.stats.codec_calls
            calls[label] = calls.get(label, 0) + 1

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.loops and self.kind_of(node.value) in _BINARY_KINDS:
            loop = self.innermost()
            if loop is not None:
                loop.stats.byte_index += 1


DETECTORS: tuple[type[Detector], ...] = (
    NestedLoops,
    ArithmeticLoop,
    Recursion,
    StringBuildingInLoop,
    HandWrittenParser,
    PurePythonChecksum,
    RegexInLoop,
    ProcessesForTheGil,
    BinaryCodecLoop,
)

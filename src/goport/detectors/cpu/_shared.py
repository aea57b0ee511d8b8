"""Constants and small predicates shared by the CPU rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from goport.detectors.base import Detector
from goport.detectors.syntax import int_value

# The helper bases below are mixins, not detectors: at runtime they derive from ``object`` (the
# registry test counts every Detector subclass of this module); the type checker sees Detector.
if TYPE_CHECKING:
    _Mixin = Detector
else:
    _Mixin = object


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

#: name kinds (``_TracksNames``) of text, and of binary data
_TEXT_KINDS = frozenset({"str", "bytes"})

_BINARY_KINDS = frozenset({"bytes", "bytearray"})

_ANNOTATED_KINDS = {"str": "str", "bytes": "bytes", "memoryview": "bytes", "bytearray": "bytearray"}


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

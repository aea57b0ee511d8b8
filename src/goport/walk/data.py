"""Module constants that are data: the names a module binds to literal tables and values.

``UNICODE_RANGES = {"Basic Latin": range(0, 128), ...}`` or ``VERSION = "1.2"`` bind data: a
module that imports only such names from another uses its tables, not its code, and a table
module imported everywhere is not "code called from many places" (``goport.graph`` counts those
importers apart). A value is data when it is built of literals only: strings, numbers, ``None``,
``True``, ``False``, the module's earlier data constants, operators over them, displays (tuple,
list, set, dict) of them and calls of the builtins that build values from them
(``range(0, 128)``, ``frozenset({...})``, ``len(TABLE)``, ``int(1e6)``). A display that holds
another name is not: ``{"add": do_add}`` is a dispatch table of functions, which is code. Nor
is a value any other call built (``re.compile(...)``, ``{"json": JsonCodec()}``): its importers
use what the call built, and its methods.
"""

from __future__ import annotations

from collections.abc import Container

import libcst as cst

__all__ = ["data_targets", "is_data"]

_LITERALS = (
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.Integer,
    cst.Float,
    cst.Imaginary,
)
_DISPLAYS = (cst.Tuple, cst.List, cst.Set, cst.Dict)
_CONSTANT_NAMES = frozenset({"None", "True", "False"})
#: builtins that build a value from their arguments, and run no project code
_BUILDERS = frozenset(
    {"frozenset", "set", "tuple", "list", "dict", "int", "float", "str", "bytes", "len", "sorted"}
    | {"range", "min", "max", "sum", "abs", "chr", "ord"}
)


def _children(node: cst.BaseExpression, data: Container[str]) -> list[cst.BaseExpression] | None:
    """The parts of ``node`` that must be data too; None when ``node`` is not data."""
    if isinstance(node, _LITERALS):
        return []
    if isinstance(node, cst.Name):
        return [] if node.value in _CONSTANT_NAMES or node.value in data else None
    if isinstance(node, cst.UnaryOperation):
        return [node.expression]
    if isinstance(node, cst.BinaryOperation):
        return [node.left, node.right]
    if isinstance(node, cst.Dict):
        parts: list[cst.BaseExpression] = []
        for el in node.elements:
            if not isinstance(el, cst.DictElement):  # **other: what it spreads is unknown
                return None
            parts += (el.key, el.value)
        return parts
    if isinstance(node, _DISPLAYS):
        return [el.value for el in node.elements]
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
        return [arg.value for arg in node.args] if node.func.value in _BUILDERS else None
    return None


def is_data(value: cst.BaseExpression, data: Container[str] = ()) -> bool:
    """Whether ``value`` is built of literals and the ``data`` names only (see the module's
    docstring). Iterative: a generated table may nest deeper than the recursion limit."""
    todo = [value]
    while todo:
        parts = _children(todo.pop(), data)
        if parts is None:
            return False
        todo += parts
    return True


def data_targets(
    node: cst.Assign | cst.AnnAssign, data: Container[str]
) -> tuple[tuple[str, ...], bool]:
    """(the simple names an assignment binds, whether the value it binds them to is data, given
    the module's ``data`` constants so far)."""
    names: tuple[str, ...]
    if isinstance(node, cst.AnnAssign):
        names = (node.target.value,) if isinstance(node.target, cst.Name) else ()
        return names, node.value is not None and is_data(node.value, data)
    names = tuple(t.target.value for t in node.targets if isinstance(t.target, cst.Name))
    return names, is_data(node.value, data)

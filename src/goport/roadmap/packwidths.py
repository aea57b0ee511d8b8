"""Unsigned integer widths read from ``struct`` formats, for the Go signatures of a boundary.

A Python ``int`` packed with the code ``Q`` is a ``uint64`` on the wire, ``I``/``L`` a
``uint32``: a record id that is a 64-bit hash does not fit Go's ``int``. So a parameter passed to
``pack`` at a position whose code is unsigned, and a name bound by ``unpack`` at such a position,
carries that width, the way a mask (``& 0xFFFFFFFF``) does (``surface``). Formats are read from
literals and from module-level names (``HEAD = struct.Struct("<QdH")``, ``FMT = "<Q"``); anything
else is left alone.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

#: struct codes of unsigned integers wider than Go's smallest ints, and their width
_UNSIGNED = {"Q": 64, "I": 32, "L": 32}
_ITEM = re.compile(r"(\d*)([xcbB?hHiIlLqQnNefdspP])")
_ORDER = "@=<>!"
#: at most this many items in one format: a longer one is not a record layout worth reading
_MAX_ITEMS = 256


def codes(fmt: str) -> list[str] | None:
    """One code per value the format packs (``"<2Id"`` -> ``["I", "I", "d"]``), or None when
    it is not a struct format. ``s``/``p`` take one value whatever their count; ``x`` none."""
    text = fmt.replace(" ", "")
    if text[:1] in _ORDER:
        text = text[1:]
    out: list[str] = []
    pos = 0
    while pos < len(text):
        found = _ITEM.match(text, pos)
        if found is None:
            return None
        count, code = int(found.group(1) or 1), found.group(2)
        if code in "sp":
            out.append(code)
        elif code != "x":
            if len(out) + count > _MAX_ITEMS:
                return None
            out.extend([code] * count)
        pos = found.end()
    return out


def module_formats(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a format: ``struct.Struct("...")``, ``Struct("...")`` or a
    string that parses as one."""
    out: dict[str, str] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if not isinstance(target, ast.Name):
            continue
        if isinstance(value, ast.Call) and _name(value.func) in ("Struct", "struct.Struct"):
            fmt = _string(value.args[0]) if value.args else None
        else:
            fmt = _string(value)
        if fmt is not None and codes(fmt):
            out[target.id] = fmt
    return out


class PackWidths:
    """The widths one function's ``pack`` and ``unpack`` calls give its parameters and locals."""

    def __init__(self, nodes: Iterable[ast.AST], params: set[str], formats: dict[str, str]):
        self.formats = formats
        self.params: dict[str, int] = {}  # parameter -> width
        self.locals: dict[str, int] = {}  # name bound by unpack -> width
        for node in nodes:
            if isinstance(node, ast.Call):
                self._pack(node, params)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                self._unpack(node.targets[0], node.value)

    def _layout(self, call: ast.Call, packing: bool) -> tuple[list[str], list[ast.expr]] | None:
        """(codes, the values they apply to) of ``X.pack(...)``, ``struct.pack(FMT, ...)`` and
        their ``_into``/``_from`` forms; the values are the arguments, or for unpack nothing."""
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        method, owner = func.attr, _name(func.value)
        verbs = ("pack", "pack_into") if packing else ("unpack", "unpack_from")
        if method not in verbs:
            return None
        args = list(call.args)
        if owner == "struct":  # the format is the first argument
            fmt = _string(args[0]) if args else None
            if fmt is None and args and isinstance(args[0], ast.Name):
                fmt = self.formats.get(args[0].id)
            args = args[1:]
        else:
            fmt = self.formats.get(owner)
        found = codes(fmt) if fmt is not None else None
        if found is None:
            return None
        skip = 2 if method == "pack_into" else 0  # the buffer and the offset
        return found, args[skip:]

    def _pack(self, call: ast.Call, params: set[str]) -> None:
        layout = self._layout(call, packing=True)
        if layout is None:
            return
        for code, value in zip(*layout):
            width = _UNSIGNED.get(code, 0)
            if width and isinstance(value, ast.Name) and value.id in params:
                self.params[value.id] = max(width, self.params.get(value.id, 0))

    def _unpack(self, target: ast.expr, value: ast.expr) -> None:
        if not (isinstance(value, ast.Call) and isinstance(target, ast.Tuple)):
            return
        layout = self._layout(value, packing=False)
        if layout is None or len(layout[0]) != len(target.elts):
            return
        for code, name in zip(layout[0], target.elts):
            width = _UNSIGNED.get(code, 0)
            if width and isinstance(name, ast.Name):
                self.locals[name.id] = width


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return ""


def _string(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 512:
        return node.value
    return None

"""``_TracksNames``: the kind of value (text, bytes, a compiled pattern...) each local name holds."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context
from goport.detectors.cpu._shared import (
    _ANNOTATED_KINDS,
    _BINARY_KINDS,
    _TEXT_FUNCS,
    _TEXT_KINDS,
    _TEXT_LITERALS,
    _TEXT_METHODS,
    _is_slice,
    _key,
    _Mixin,
)


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

    def leave_Param(self, node: cst.Param) -> None:
        ann = node.annotation
        if ann is not None and isinstance(ann.annotation, cst.Name):
            kind = _ANNOTATED_KINDS.get(ann.annotation.value)
            if kind is not None:
                self._note(node.name, kind)

    def leave_Assign(self, node: cst.Assign) -> None:
        kind = self.value_kind(node.value)
        for target in node.targets:
            self._note(target.target, kind)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._note(node.target, self.value_kind(node.value))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        fn = self.ctx.function
        if fn is not None:
            self.locals.pop(id(fn), None)

"""``Bindings``: which call's result each simple name or attribute chain was last bound to."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from goport.detectors.syntax import call_path, dotted

if TYPE_CHECKING:
    from goport.detectors.base import Context


class Bindings:
    """``app = Flask(__name__)`` binds ``app`` to ``flask.Flask``; ``with TCPServer(...) as s``
    binds ``s``. Scope-insensitive on purpose: it is a cheap hint, not name resolution.
    """

    __slots__ = ("ctx", "names")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.names: dict[str, str] = {}

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call):
            if self.names and isinstance(target, (cst.Name, cst.Attribute)):
                self.names.pop(dotted(target) or "", None)
            return
        key = dotted(target)
        if key is None:
            return
        name = call_path(self.ctx, value)
        if name is None:
            self.names.pop(key, None)
        else:
            self.names[key] = name

    def of(self, expr: cst.BaseExpression) -> str | None:
        key = dotted(expr)
        return None if key is None else self.names.get(key)

    # -- walk -----------------------------------------------------------------------------------
    def leave_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.bind(target.target, node.value)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self.bind(node.target, node.value)

    def leave_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, (cst.Name, cst.Attribute)):
            self.bind(node.asname.name, node.item)

"""Helpers shared by the dynamic-Python rules."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context
from goport.detectors.syntax import last_part


def _root(expr: cst.BaseExpression) -> cst.Name | None:
    while isinstance(expr, (cst.Attribute, cst.Subscript)):
        expr = expr.value
    return expr if isinstance(expr, cst.Name) else None


def _builtin(ctx: Context, func: cst.BaseExpression, names: frozenset[str]) -> str | None:
    """The builtin called, if ``func`` is one of ``names`` and not shadowed by an import."""
    if isinstance(func, cst.Name):
        target = ctx.aliases.get(func.value)
        if target is None:
            return func.value if func.value in names else None
        leaf = last_part(target)
        return leaf if target == "builtins." + leaf and leaf in names else None
    if isinstance(func, cst.Attribute) and func.attr.value in names:
        name = ctx.resolve(func)
        if name is not None and name == "builtins." + func.attr.value:
            return func.attr.value
    return None

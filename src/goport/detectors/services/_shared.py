"""Helpers shared by the service rules: the framework tables and the name bindings a module or
function makes (``_TracksBindings``)."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context
from goport.detectors.syntax import (
    dotted,
)

WEB_FRAMEWORKS = (
    "flask",
    "fastapi",
    "starlette",
    "quart",
    "sanic",
    "aiohttp",
    "tornado",
    "django",
    "falcon",
    "bottle",
    "litestar",
    "pyramid",
    "rest_framework",
)


def _call_path(ctx: Context, call: cst.Call) -> str | None:
    """Resolved callee; a call on a call's result reads ``tornado.ioloop.IOLoop.current().start``."""
    name = ctx.callee(call)
    if name is not None:
        return name
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
        inner = _call_path(ctx, func.value)
        if inner is not None:
            return f"{inner}().{func.attr.value}"
    return None


def _decorator_func(decorator: cst.Decorator) -> cst.BaseExpression:
    expr = decorator.decorator
    return expr.func if isinstance(expr, cst.Call) else expr


class _Bindings:
    """Which call's result each simple name or attribute chain was last bound to.

    ``app = Flask(__name__)`` binds ``app`` to ``flask.Flask``; ``with TCPServer(...) as s`` binds
    ``s``. Scope-insensitive on purpose: it is a cheap hint, not name resolution.
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
        name = _call_path(self.ctx, value)
        if name is None:
            self.names.pop(key, None)
        else:
            self.names[key] = name

    def of(self, expr: cst.BaseExpression) -> str | None:
        key = dotted(expr)
        return None if key is None else self.names.get(key)


class _TracksBindings:
    """Mixin for detectors that need ``_Bindings``; the detector creates ``self.bound``."""

    bound: _Bindings

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.bound.bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self.bound.bind(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, (cst.Name, cst.Attribute)):
            self.bound.bind(node.asname.name, node.item)


_WS_OBJECTS = frozenset(
    {"flask_sock.Sock", "socketio.Server", "socketio.AsyncServer", "flask_socketio.SocketIO"}
)

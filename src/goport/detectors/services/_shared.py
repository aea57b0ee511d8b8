"""Helpers shared by the service rules: the framework tables and decorator helpers."""

from __future__ import annotations

import libcst as cst

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


def _decorator_func(decorator: cst.Decorator) -> cst.BaseExpression:
    expr = decorator.decorator
    return expr.func if isinstance(expr, cst.Call) else expr


_WS_OBJECTS = frozenset(
    {"flask_sock.Sock", "socketio.Server", "socketio.AsyncServer", "flask_socketio.SocketIO"}
)

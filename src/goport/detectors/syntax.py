"""Small syntax helpers every detector family shares, each defined once.

They read libcst nodes as written (``dotted``, ``tail``) or through the module's import aliases
(``alias_tail``); none of them walks a subtree, so they are cheap enough to call on every node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

if TYPE_CHECKING:
    from goport.detectors.base import Context


def dotted(expr: cst.BaseExpression | None) -> str | None:
    """``a.b.c`` as written (no alias resolution), or None for anything but a name chain."""
    parts: list[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    return ".".join(reversed(parts))


def last_part(name: str | None) -> str:
    """``c`` of ``a.b.c``; "" for None or ""."""
    return name.rpartition(".")[2] if name else ""


def tail(func: cst.BaseExpression) -> str:
    """The last name of ``x.attr`` or ``name`` as written; "" for anything else."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return ""


def alias_tail(ctx: Context, func: cst.BaseExpression) -> str:
    """The real last name of a callee: ``x.attr`` gives ``attr``; a name is seen through
    ``from x import Y as Z`` (a dict lookup, no full resolution)."""
    if isinstance(func, cst.Name):  # inline last_part: this runs on most calls of a file
        return ctx.aliases.get(func.value, func.value).rpartition(".")[2]
    return func.attr.value if isinstance(func, cst.Attribute) else ""


def under(name: str, prefixes: tuple[str, ...]) -> str | None:
    """The prefix ``name`` is or lives under (``numpy.linalg`` is under ``numpy``, while
    ``requests_cache`` is not under ``requests``), else None."""
    for prefix in prefixes:
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return None


#: libraries whose import alone shows a module streams network or broker I/O (sockets,
#: brokers, stream protocols)
STREAM_LIBRARIES = (
    "socket", "selectors", "select", "socketserver", "websockets", "websocket", "grpc", "kafka",
    "confluent_kafka", "aiokafka", "pika", "aio_pika", "kombu", "redis", "aioredis", "nats",
    "paho", "zmq", "google.cloud.pubsub", "google.cloud.pubsub_v1", "gevent", "eventlet",
    "twisted", "paramiko", "serial",
)  # fmt: skip
#: libraries of requests over a network (HTTP clients and servers, mail, cloud SDKs, database
#: drivers): network work, though importing one streams nothing by itself
REQUEST_LIBRARIES = (
    "ssl", "http", "urllib.request", "urllib3", "requests", "httpx", "aiohttp", "httpcore", "h11",
    "h2", "pycurl", "starlette", "fastapi", "sanic", "quart", "smtplib", "aiosmtplib", "ftplib",
    "imaplib", "poplib", "xmlrpc", "boto3", "botocore", "aiobotocore", "asyncpg", "aiomysql",
    "aiopg", "motor", "psycopg", "psycopg2", "pymysql",
)  # fmt: skip
#: libraries whose import shows a module does network or broker I/O; an event-loop runtime
#: (asyncio, trio, anyio) alone does not: its tasks may be plumbing inside a library
NETWORK_LIBRARIES = (*STREAM_LIBRARIES, *REQUEST_LIBRARIES)


def networked(ctx: Context) -> bool:
    """The module imports a network, broker or database-client library (imports seen so far)."""
    return ctx.imports_any(*NETWORK_LIBRARIES)


def int_value(node: cst.BaseExpression | None) -> int | None:
    """The value of an integer literal, else None."""
    if isinstance(node, cst.Integer):
        try:
            return int(node.evaluated_value)
        except ValueError:
            return None
    return None


def string_value(expr: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (not an f-string, not bytes), else None."""
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def positional(call: cst.Call) -> list[cst.BaseExpression]:
    """The plain positional arguments of a call (no keywords, no ``*args``)."""
    return [a.value for a in call.args if a.keyword is None and not a.star]


def keyword(call: cst.Call, *names: str) -> cst.BaseExpression | None:
    """The value of the first keyword argument named one of ``names``, else None."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in names:
            return arg.value
    return None


def argument(call: cst.Call, name: str, position: int) -> cst.BaseExpression | None:
    """The value of a call argument given by keyword ``name`` or at ``position``."""
    value = keyword(call, name)
    if value is not None:
        return value
    plain = positional(call)
    return plain[position] if len(plain) > position else None


def call_path(ctx: Context, call: cst.Call) -> str | None:
    """Resolved callee; a call on a call's result reads ``tornado.ioloop.IOLoop.current().start``."""
    name = ctx.callee(call)
    if name is not None:
        return name
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
        inner = call_path(ctx, func.value)
        if inner is not None:
            return f"{inner}().{func.attr.value}"
    return None

"""GP302 websocket-handler: WebSocket endpoint: long-lived connections that goroutines hold
cheaply."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector, Match, NoMatch
from goport.detectors.services._shared import (
    _WS_OBJECTS,
    WEB_FRAMEWORKS,
)
from goport.detectors.syntax import (
    alias_tail,
    dotted,
    positional,
    string_value,
)
from goport.model import Category, Trait
from goport.walk.bindings import Bindings

_WS_SERVE = frozenset(
    {
        "websockets.serve",
        "websockets.unix_serve",
        "websockets.server.serve",
        "websockets.asyncio.server.serve",
        "websockets.sync.server.serve",
        "websockets.legacy.server.serve",
    }
)

_WS_BASES = frozenset(
    {
        "tornado.websocket.WebSocketHandler",
        "starlette.endpoints.WebSocketEndpoint",
    }
)


class WebsocketHandler(Detector):
    """WebSocket endpoints and servers.

    What it detects: ``websockets.serve(handler, ...)``; ``@app.websocket(...)`` and
    ``@app.websocket_route(...)`` handlers (FastAPI, Starlette, Quart, Sanic); Starlette
    ``WebSocketRoute``; aiohttp ``web.WebSocketResponse()``; flask-sock ``@sock.route``;
    python-socketio / Flask-SocketIO ``@sio.on``/``@sio.event`` handlers; Django Channels
    consumers, tornado ``WebSocketHandler`` and Starlette ``WebSocketEndpoint`` subclasses.
    Why it matters for a Go port: every open socket pins a coroutine or a thread for as long as the
    client stays; Go holds tens of thousands of them as cheap goroutines with a read and a write
    loop each.
    Go idiom: ``nhooyr.io/websocket`` (``coder/websocket``) or ``gorilla/websocket``: one goroutine
    reads, one writes, a channel in between; a hub goroutine fans messages out.
    Known limits: websocket libraries used through wrappers of your own are not recognised; the
    Socket.IO protocol needs a Go Socket.IO server, not a plain websocket one.
    """

    USES = (Bindings,)
    ID = "GP302"
    NAME = "websocket-handler"
    CATEGORY = Category.SERVICE
    WEIGHT = 2.5
    PYTHON = "websockets.serve / @app.websocket / Channels consumer"
    GO_IDIOM = "coder/websocket or gorilla/websocket: a read goroutine and a write goroutine"
    SUMMARY = "WebSocket endpoint: long-lived connections that goroutines hold cheaply"
    TRAITS = (Trait.NETWORK, Trait.SERVING)
    MATCHES = (
        Match(
            """
            import asyncio
            import websockets

            async def echo(ws):
                async for msg in ws:
                    await ws.send(msg)

            async def main():
                async with websockets.serve(echo, 'localhost', 8765):
                    await asyncio.Future()
            """,
            line=9,
        ),
        Match(
            """
            from fastapi import FastAPI, WebSocket
            app = FastAPI()

            @app.websocket('/ws')
            async def ws_endpoint(websocket: WebSocket):
                await websocket.accept()
            """,
            line=5,
        ),
        Match(
            """
            from aiohttp import web

            async def handler(request):
                ws = web.WebSocketResponse()
                await ws.prepare(request)
                return ws
            """,
            line=4,
        ),
        Match(
            """
            from channels.generic.websocket import AsyncWebsocketConsumer as AWC

            class ChatConsumer(AWC):
                async def receive(self, text_data=None):
                    await self.send(text_data=text_data)
            """,
            line=3,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/ws-info')
            def info():
                return {}
            """
        ),
        NoMatch(
            """
            import websockets

            async def listen(url):
                async with websockets.connect(url) as ws:
                    return await ws.recv()
            """
        ),
        NoMatch(
            """
            class Client:
                def websocket(self, path):
                    return path

            c = Client()
            c.websocket('/x')
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.bound = ctx.fact(Bindings)

    def leave_Call(self, node: cst.Call) -> None:
        attr = alias_tail(self.ctx, node.func)
        if attr not in ("serve", "unix_serve", "WebSocketResponse", "WebSocketRoute"):
            return
        name = self.ctx.callee(node)
        if name is None:
            return
        if name in _WS_SERVE:
            args = positional(node)
            handler = dotted(args[0]) if args else None
            self.report(node, f"WebSocket server {name}({handler or ''})")
        elif name == "aiohttp.web.WebSocketResponse":
            self.report(node, "aiohttp WebSocketResponse endpoint")
        elif name == "starlette.routing.WebSocketRoute":
            args = positional(node)
            path = string_value(args[0]) if args else None
            self.report(node, f"WebSocket route {path or ''}".rstrip())

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            found = self._websocket(decorator.decorator, node.name.value)
            if found is not None:
                self.report(node, found)
                return

    def _websocket(self, expr: cst.BaseExpression, function: str) -> str | None:
        call = expr if isinstance(expr, cst.Call) else None
        func = expr.func if isinstance(expr, cst.Call) else expr
        if not isinstance(func, cst.Attribute):
            return None
        attr = func.attr.value
        if attr in ("websocket", "websocket_route"):
            if call is None or not self.ctx.imports_any(*WEB_FRAMEWORKS):
                return None
        elif attr in ("route", "on", "event"):
            owner = self.bound.of(func.value)
            if owner is None or owner not in _WS_OBJECTS:
                return None
            if attr == "route" and owner != "flask_sock.Sock":
                return None
        else:
            return None
        args = positional(call) if call is not None else []
        label = string_value(args[0]) if args else None
        if attr in ("on", "event"):
            return f"Socket.IO event {label or function}"
        return f"WebSocket handler {label or function}"

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        for arg in node.bases:
            name = self.ctx.resolve(arg.value)
            if name is None:
                continue
            if name.startswith("channels.") and name.endswith("Consumer"):
                self.report(node, f"Django Channels consumer {node.name.value}")
                return
            if name in _WS_BASES:
                self.report(node, f"WebSocket handler class {node.name.value}")
                return

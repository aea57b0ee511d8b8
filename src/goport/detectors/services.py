"""GP3xx: service code - handlers, consumers, workers, poll loops, stream stages, server starts.

These are the shapes Go is built for: many concurrent connections, long-running loops that wait
on I/O, and pipelines of stages. A module full of them gains a lot from goroutines, channels and
``net/http``. The detectors recognise the common Python frameworks by resolved names (import
aliases applied) and, where a framework object lives in a local variable (``app = Flask(...)``),
by the call that bound it.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from goport.detectors.base import Context, Detector, FunctionFrame
from goport.detectors.syntax import (
    alias_tail,
    dotted,
    keyword,
    last_part,
    positional,
    string_value,
    under,
)
from goport.model import Category, Trait

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
HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})


# -- small syntax helpers -----------------------------------------------------------------------


def _strings(expr: cst.BaseExpression | None) -> list[str]:
    """String literals of a literal list/tuple/set (or one string)."""
    single = string_value(expr)
    if single is not None:
        return [single]
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        out = []
        for element in expr.elements:
            value = string_value(element.value)
            if value is not None:
                out.append(value)
        return out
    return []


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


def _body(node: cst.ClassDef | cst.FunctionDef) -> list[cst.BaseStatement | cst.BaseSmallStatement]:
    return list(node.body.body)


def _method_names(node: cst.ClassDef) -> list[str]:
    return [s.name.value for s in _body(node) if isinstance(s, cst.FunctionDef)]


def _decorator_func(decorator: cst.Decorator) -> cst.BaseExpression:
    expr = decorator.decorator
    return expr.func if isinstance(expr, cst.Call) else expr


def _verbs(methods: list[str]) -> str:
    """``GET, POST`` from handler method names (``get``, ``on_post``)."""
    found = []
    for name in methods:
        verb = name.removeprefix("on_")
        if verb in HTTP_VERBS and verb.upper() not in found:
            found.append(verb.upper())
    return ", ".join(found)


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


# -- GP301 ----------------------------------------------------------------------------------------

_ROUTE_ATTRS = frozenset({*HTTP_VERBS, "route", "api_route"})
_ROUTE_FUNCTIONS = frozenset(
    {
        *(f"bottle.{v}" for v in (*HTTP_VERBS, "route")),
        *(f"litestar.{v}" for v in (*HTTP_VERBS, "route")),
        "pyramid.view.view_config",
        "rest_framework.decorators.api_view",
    }
)
_WS_OBJECTS = frozenset(
    {"flask_sock.Sock", "socketio.Server", "socketio.AsyncServer", "flask_socketio.SocketIO"}
)
_HANDLER_BASES = frozenset(
    {
        "tornado.web.RequestHandler",
        "flask.views.MethodView",
        "flask.views.View",
        "quart.views.MethodView",
        "starlette.endpoints.HTTPEndpoint",
        "aiohttp.web.View",
        "sanic.views.HTTPMethodView",
    }
)
_REGISTER_CALLS = frozenset(
    {
        *(f"aiohttp.web.{v}" for v in (*HTTP_VERBS, "route", "view")),
        "starlette.routing.Route",
    }
)
_REGISTER_ATTRS = frozenset(
    {
        *(f"add_{v}" for v in HTTP_VERBS),
        "add_route",
        "add_view",
        "add_url_rule",
        "add_api_route",
    }
)
_NOT_DJANGO = (
    "aiohttp",
    "starlette",
    "fastapi",
    "sanic",
    "tornado",
    "quart",
    "flask",
    "litestar",
    "falcon",
    "bottle",
)


def _framework_view(name: str) -> bool:
    last = last_part(name)
    if name.startswith("django.views."):
        return last.endswith("View")
    if name.startswith("rest_framework."):
        return last.endswith(("View", "ViewSet"))
    return False


class HttpHandler(_TracksBindings, Detector):
    """HTTP request handlers: route-decorated functions, handler classes and Django views.

    What it detects: functions decorated with ``@app.route/get/post/...`` (Flask, Quart, FastAPI,
    Sanic, aiohttp ``RouteTableDef``, Blueprints and routers) in a module that imports a web
    framework; bottle/litestar/pyramid/DRF decorator functions; aiohttp ``router.add_get`` and
    ``web.get(...)``, Flask ``add_url_rule``, FastAPI ``add_api_route`` and Starlette ``Route``
    registrations; tornado ``RequestHandler``, Flask ``MethodView``, falcon resources and Django /
    DRF class-based views (reported at the class); Django function views (a top-level function
    whose first parameter is ``request`` in a ``views`` module or a module importing
    ``django.http``/``django.shortcuts``). One finding per handler.
    Why it matters for a Go port: request handlers are I/O-bound and concurrent; Go serves them
    with one goroutine per request and no GIL, so an API tier is one of the best-paying ports.
    Go idiom: ``net/http`` handlers on a ``http.ServeMux`` (Go 1.22 patterns ``GET /items/{id}``)
    or chi/echo/gin routers; middleware as ``func(http.Handler) http.Handler``.
    Known limits: a route decorator is recognised by its attribute name plus a web-framework
    import, not by the decorator object's type; handlers registered through a list of routes
    built elsewhere (Django ``urls.py``, tornado ``Application([...])``) are found at their
    view or class, not at the URL conf; an abstract handler base class counts as a handler.
    """

    ID = "GP301"
    NAME = "http-handler"
    CATEGORY = Category.SERVICE
    WEIGHT = 2.0
    PYTHON = "Flask/FastAPI/aiohttp/Django/tornado request handler"
    GO_IDIOM = "net/http handler funcs on http.ServeMux (or chi/echo); one goroutine per request"
    SUMMARY = "HTTP request handler: concurrent I/O-bound work that Go serves natively"
    TRAITS = (Trait.NETWORK, Trait.SERVING)
    MATCHES = (
        (
            "from flask import Flask\napp = Flask(__name__)\n\n"
            "@app.route('/items', methods=['GET', 'POST'])\ndef items():\n    return []\n"
        ),
        (
            "from fastapi import APIRouter\nrouter = APIRouter()\n\n"
            "@router.get('/items/{item_id}')\nasync def read_item(item_id: int):\n"
            "    return {'id': item_id}\n"
        ),
        (
            "from aiohttp import web\n\nasync def index(request):\n    return web.Response()\n\n"
            "app = web.Application()\napp.router.add_get('/', index)\n"
        ),
        (
            "import tornado.web as tw\n\nclass MainHandler(tw.RequestHandler):\n"
            "    def get(self):\n        self.write('ok')\n"
        ),
        (
            "from django.http import JsonResponse\n\ndef item_detail(request, pk):\n"
            "    return JsonResponse({'pk': pk})\n"
        ),
        (
            "from rest_framework.views import APIView\n\nclass ItemList(APIView):\n"
            "    def get(self, request):\n        return None\n"
        ),
    )
    NO_MATCHES = (
        # a route-looking decorator without any web framework import
        (
            "import cachetools\ncache = cachetools.TTLCache(10, 60)\n\n"
            "@cache.get('/items')\ndef items():\n    return []\n"
        ),
        # startup hooks and plain helpers of a web app are not handlers
        (
            "from fastapi import FastAPI\napp = FastAPI()\n\n@app.on_event('startup')\n"
            "async def start():\n    pass\n\ndef helper(request):\n    return request.url\n"
        ),
        # a method taking request in a Django module is not a function view
        (
            "from django.http import HttpResponse\n\nclass Helper:\n"
            "    def render(self, request):\n        return HttpResponse()\n"
        ),
        # flask-sock websocket routes belong to GP302
        (
            "from flask import Flask\nfrom flask_sock import Sock\napp = Flask(__name__)\n"
            "sock = Sock(app)\n\n@sock.route('/echo')\ndef echo(ws):\n    ws.send(ws.receive())\n"
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.bound = _Bindings(ctx)
        self._handler_classes: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = []
        for decorator in node.decorators:
            route = self._route(decorator.decorator)
            if route is not None:
                routes.append(route)
        if routes:
            self.report(node, "HTTP handler " + ", ".join(routes))
        elif self._function_view(node):
            kind = "Django view" if self.ctx.imports_any("django") else "view function"
            self.report(node, f"HTTP handler {node.name.value} ({kind})")

    def _route(self, expr: cst.BaseExpression) -> str | None:
        if not isinstance(expr, cst.Call):
            return None
        ctx = self.ctx
        func = expr.func
        args = positional(expr)
        if isinstance(func, cst.Attribute):
            kind = func.attr.value
            if kind not in _ROUTE_ATTRS:
                return None
            if not args and keyword(expr, "path", "rule") is None:
                return None
            if self.bound.of(func.value) in _WS_OBJECTS or not ctx.imports_any(*WEB_FRAMEWORKS):
                return None
        else:
            name = ctx.resolve(func)
            if name is None or name not in _ROUTE_FUNCTIONS:
                return None
            kind = last_part(name)
        methods: list[str] = [kind.upper()] if kind in HTTP_VERBS else []
        literals = [string_value(a) for a in args]
        path: str | None
        if kind == "api_view":
            methods, path = [m.upper() for m in _strings(args[0] if args else None)], None
        elif len(literals) >= 2 and literals[0] and literals[1] is not None:
            # aiohttp ``routes.route("GET", "/path")``
            methods, path = [literals[0].upper()], literals[1]
        else:
            path = literals[0] if literals else string_value(keyword(expr, "path", "rule"))
            if path is None:
                path = string_value(keyword(expr, "route_name"))
        if not methods:
            methods = [m.upper() for m in _strings(keyword(expr, "methods", "request_method"))]
        if not methods and kind in ("route", "api_route"):
            methods = ["GET"]
        text = " ".join(p for p in (", ".join(methods), path) if p)
        return text or "route"

    def _function_view(self, node: cst.FunctionDef) -> bool:
        ctx = self.ctx
        if ctx.class_depth or len(ctx.functions) != 1 or node.name.value.startswith("_"):
            return False
        params = (*node.params.posonly_params, *node.params.params)
        if not params or params[0].name.value != "request":
            return False
        if ctx.imports_any("django.http", "django.shortcuts", "rest_framework", "pyramid"):
            return True
        return last_part(ctx.module) == "views" and not ctx.imports_any(*_NOT_DJANGO)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        methods = _method_names(node)
        kind: str | None = None
        for arg in node.bases:
            base = arg.value
            if isinstance(base, cst.Name) and base.value in self._handler_classes:
                kind = "handler class"
                break
            name = ctx.resolve(base)
            if name is not None and (name in _HANDLER_BASES or _framework_view(name)):
                kind = "handler class"
                break
        if (
            kind is None
            and ctx.imports_any("falcon")
            and _verbs([m for m in methods if m.startswith("on_")])
        ):
            kind = "falcon resource"
        if kind is None:
            return
        self._handler_classes.add(node.name.value)
        verbs = _verbs(methods)
        suffix = f" ({verbs})" if verbs else ""
        self.report(node, f"HTTP {kind} {node.name.value}{suffix}")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        attr = alias_tail(self.ctx, func)
        if isinstance(func, cst.Attribute) and attr in _REGISTER_ATTRS:
            self._registration(node, attr)
            return
        if attr not in HTTP_VERBS and attr not in ("route", "view", "Route"):
            return
        name = self.ctx.callee(node)
        if name is not None and name in _REGISTER_CALLS:
            self._registration(node, last_part(name))

    def _registration(self, node: cst.Call, attr: str) -> None:
        ctx = self.ctx
        if attr.startswith("add_"):
            if not ctx.imports_any(*WEB_FRAMEWORKS):
                return
            if attr == "add_route" and ctx.imports_any("falcon"):
                return  # falcon resources are reported at their class
        args = positional(node)
        literals = [string_value(a) for a in args]
        verb = attr.removeprefix("add_")
        methods = [verb.upper()] if verb in HTTP_VERBS else []
        handler: cst.BaseExpression | None
        path: str | None
        if verb in ("route", "Route") and len(literals) >= 2 and literals[0] and literals[1]:
            # aiohttp ``add_route("GET", "/path", handler)``
            methods, path = [literals[0].upper()], literals[1]
            handler = args[2] if len(args) > 2 else None
        else:
            path = literals[0] if literals else string_value(keyword(node, "path", "rule"))
            if attr == "add_url_rule":
                handler = keyword(node, "view_func") or (args[2] if len(args) > 2 else None)
            else:
                handler = keyword(node, "endpoint", "handler") or (
                    args[1] if len(args) > 1 else None
                )
        if not methods:
            methods = [m.upper() for m in _strings(keyword(node, "methods"))]
        target = dotted(handler) if handler is not None else None
        text = " ".join(p for p in (", ".join(methods), path) if p) or "route"
        self.report(node, f"HTTP handler {text}" + (f" -> {target}" if target else ""))


# -- GP302 ----------------------------------------------------------------------------------------

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


class WebsocketHandler(_TracksBindings, Detector):
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

    ID = "GP302"
    NAME = "websocket-handler"
    CATEGORY = Category.SERVICE
    WEIGHT = 2.5
    PYTHON = "websockets.serve / @app.websocket / Channels consumer"
    GO_IDIOM = "coder/websocket or gorilla/websocket: a read goroutine and a write goroutine"
    SUMMARY = "WebSocket endpoint: long-lived connections that goroutines hold cheaply"
    TRAITS = (Trait.NETWORK, Trait.SERVING)
    MATCHES = (
        (
            "import asyncio\nimport websockets\n\nasync def echo(ws):\n"
            "    async for msg in ws:\n        await ws.send(msg)\n\n"
            "async def main():\n    async with websockets.serve(echo, 'localhost', 8765):\n"
            "        await asyncio.Future()\n"
        ),
        (
            "from fastapi import FastAPI, WebSocket\napp = FastAPI()\n\n@app.websocket('/ws')\n"
            "async def ws_endpoint(websocket: WebSocket):\n    await websocket.accept()\n"
        ),
        (
            "from aiohttp import web\n\nasync def handler(request):\n"
            "    ws = web.WebSocketResponse()\n    await ws.prepare(request)\n    return ws\n"
        ),
        (
            "from channels.generic.websocket import AsyncWebsocketConsumer as AWC\n\n"
            "class ChatConsumer(AWC):\n    async def receive(self, text_data=None):\n"
            "        await self.send(text_data=text_data)\n"
        ),
    )
    NO_MATCHES = (
        # an HTTP route is GP301
        (
            "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/ws-info')\n"
            "def info():\n    return {}\n"
        ),
        # a websocket *client* is not a server endpoint
        (
            "import websockets\n\nasync def listen(url):\n"
            "    async with websockets.connect(url) as ws:\n        return await ws.recv()\n"
        ),
        # a `.websocket` attribute call without a web framework
        (
            "class Client:\n    def websocket(self, path):\n        return path\n\n"
            "c = Client()\nc.websocket('/x')\n"
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.bound = _Bindings(ctx)

    def visit_Call(self, node: cst.Call) -> None:
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

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
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

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
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


# -- GP303 ----------------------------------------------------------------------------------------


class GrpcServicer(Detector):
    """gRPC services: servicer classes, ``grpc.server`` and ``add_*Servicer_to_server``.

    What it detects: classes subclassing a ``*Servicer`` imported from a ``*_pb2_grpc`` module,
    ``grpc.server(...)`` / ``grpc.aio.server(...)`` calls and ``add_<Name>Servicer_to_server``
    registrations.
    Why it matters for a Go port: the contract is already a ``.proto`` file, so a Go server can be
    generated from it and swapped in behind the same port with no client change; gRPC-Go is the
    reference implementation and handles streams and concurrency natively.
    Go idiom: ``protoc --go_out --go-grpc_out``; a struct embedding
    ``pb.Unimplemented<Name>Server``; ``grpc.NewServer()`` + ``pb.Register<Name>Server``.
    Known limits: servicers imported under a module name that does not end in ``_pb2_grpc``
    (renamed generated code) are missed; a servicer, its server and its registration in one file
    give three findings, by design (three pieces to port).
    """

    ID = "GP303"
    NAME = "grpc-servicer"
    CATEGORY = Category.SERVICE
    WEIGHT = 2.5
    PYTHON = "grpc servicer class / grpc.server()"
    GO_IDIOM = "grpc-go server generated from the same .proto (Register<Name>Server)"
    SUMMARY = "gRPC service: the .proto contract makes a Go server a drop-in replacement"
    TRAITS = (Trait.NETWORK, Trait.SERVING)
    MATCHES = (
        (
            "import greeter_pb2_grpc\n\nclass Greeter(greeter_pb2_grpc.GreeterServicer):\n"
            "    def SayHello(self, request, context):\n        return None\n"
        ),
        (
            "import grpc\nfrom concurrent import futures\n\n"
            "server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))\n"
        ),
        (
            "from protos import orders_pb2_grpc as pbg\n\n"
            "def register(server, svc):\n    pbg.add_OrdersServicer_to_server(svc, server)\n"
        ),
    )
    NO_MATCHES = (
        # a client stub, not a service
        (
            "import grpc\nimport greeter_pb2_grpc\n\nchannel = grpc.insecure_channel('localhost:50051')\n"
            "stub = greeter_pb2_grpc.GreeterStub(channel)\n"
        ),
        # a class named Servicer unrelated to generated gRPC code
        "from .base import Servicer\n\nclass CarServicer(Servicer):\n    pass\n",
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for arg in node.bases:
            name = self.ctx.resolve(arg.value)
            if name is None or "." not in name:
                continue
            module, base = name.rsplit(".", 1)
            if base.endswith("Servicer") and module.endswith("_pb2_grpc"):
                self.report(node, f"gRPC servicer {node.name.value} ({base})")
                return

    def visit_Call(self, node: cst.Call) -> None:
        attr = alias_tail(self.ctx, node.func)
        if attr == "server":
            name = self.ctx.callee(node)
            if name in ("grpc.server", "grpc.aio.server"):
                self.report(node, f"gRPC server {name}()")
        elif attr.startswith("add_") and attr.endswith("Servicer_to_server"):
            self.report(node, f"gRPC registration {attr}")


# -- GP304 ----------------------------------------------------------------------------------------

_CONSUMER_CTORS = {
    "kafka.KafkaConsumer": "Kafka",
    "kafka.consumer.KafkaConsumer": "Kafka",
    "confluent_kafka.Consumer": "Kafka",
    "confluent_kafka.DeserializingConsumer": "Kafka",
    "confluent_kafka.avro.AvroConsumer": "Kafka",
    "aiokafka.AIOKafkaConsumer": "Kafka",
    "kombu.Consumer": "AMQP",
}
_SUBSCRIBERS = (
    "redis",
    "aioredis",
    "nats",
    "paho",
    "google.cloud.pubsub",
    "google.cloud.pubsub_v1",
)
_SQS = ("boto3", "botocore", "aiobotocore", "aioboto3")


class MessageConsumer(_TracksBindings, Detector):
    """Message-broker consumers: Kafka, RabbitMQ/AMQP, Redis pub/sub, NATS, MQTT, SQS.

    What it detects: creation of a Kafka consumer (``kafka.KafkaConsumer``,
    ``confluent_kafka.Consumer``, ``aiokafka.AIOKafkaConsumer``) or ``kombu.Consumer``; AMQP
    ``basic_consume`` and pika / aio_pika ``.consume(...)``; Redis ``.pubsub()``, and
    ``.subscribe``/``.psubscribe``/``.listen()`` on an object not already reported; NATS, MQTT and
    Google Pub/Sub ``.subscribe``; SQS ``receive_message(s)`` in a module importing boto3.
    Reported at the creation or subscribe call, once per consumer object.
    Why it matters for a Go port: a consumer is a long-running loop over network messages,
    usually with a worker pool behind it; in Go that is a goroutine per partition or a fixed pool
    reading a channel, with no GIL serialising the decoding and handling.
    Go idiom: ``segmentio/kafka-go`` or ``confluent-kafka-go`` readers, ``rabbitmq/amqp091-go``
    ``Channel.Consume`` (a Go channel of deliveries), ``redis/go-redis`` ``PubSub.Channel()``,
    ``nats.go`` subscriptions, AWS SDK v2 SQS long polling; a worker pool behind each.
    Known limits: a consumer object passed in from another module and only ``.subscribe``-d here
    is recognised only for Redis/NATS/MQTT/Pub-Sub imports; consumer wrappers of your own are
    not recognised.
    """

    ID = "GP304"
    NAME = "message-consumer"
    CATEGORY = Category.SERVICE
    WEIGHT = 2.5
    PYTHON = "KafkaConsumer / pika basic_consume / redis pubsub / SQS receive_message"
    GO_IDIOM = "kafka-go / amqp091-go / go-redis PubSub / nats.go reader feeding a worker pool"
    SUMMARY = "message-broker consumer: a long-running network loop Go runs in goroutines"
    TRAITS = (Trait.NETWORK, Trait.FEEDING)
    MATCHES = (
        (
            "from confluent_kafka import Consumer\n\n"
            "consumer = Consumer({'group.id': 'orders'})\nconsumer.subscribe(['orders'])\n"
        ),
        (
            "import pika\n\ndef run(channel, on_message):\n"
            "    channel.basic_consume(queue='jobs', on_message_callback=on_message)\n"
            "    channel.start_consuming()\n"
        ),
        (
            "import redis\n\nr = redis.Redis()\np = r.pubsub()\np.subscribe('events')\n"
            "for message in p.listen():\n    print(message)\n"
        ),
        (
            "import boto3\nsqs = boto3.client('sqs')\n\ndef drain(url):\n"
            "    resp = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)\n"
            "    return resp.get('Messages', [])\n"
        ),
        (
            "from aiokafka import AIOKafkaConsumer as KC\n\nasync def main():\n"
            "    c = KC('topic', bootstrap_servers='k:9092')\n    await c.start()\n"
        ),
    )
    NO_MATCHES = (
        # producers are not consumers
        "from kafka import KafkaProducer\n\np = KafkaProducer()\np.send('orders', b'x')\n",
        # publishing on redis is not a subscription
        "import redis\n\nr = redis.Redis()\nr.publish('events', 'hello')\n",
        # an observable's subscribe without any broker import
        "class Subject:\n    def subscribe(self, fn):\n        pass\n\nSubject().subscribe(print)\n",
        # SQS send_message in a producer
        "import boto3\nsqs = boto3.client('sqs')\nsqs.send_message(QueueUrl='u', MessageBody='x')\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.bound = _Bindings(ctx)

    def _reported(self, receiver: cst.BaseExpression) -> bool:
        """The object was created by a consumer call that was already reported."""
        if isinstance(receiver, cst.Call):
            source = _call_path(self.ctx, receiver)
        else:
            source = self.bound.of(receiver)
        return source is not None and (source in _CONSUMER_CTORS or source.endswith(".pubsub"))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        ctx = self.ctx
        if isinstance(func, cst.Name):
            name = ctx.callee(node)
            if name is not None and name in _CONSUMER_CTORS:
                self.report(node, f"{_CONSUMER_CTORS[name]} consumer {name}")
            return
        if not isinstance(func, cst.Attribute):
            return
        attr = func.attr.value
        if attr[:1].isupper():
            name = ctx.callee(node)
            if name in _CONSUMER_CTORS:
                self.report(node, f"{_CONSUMER_CTORS[name]} consumer {name}")
        elif attr == "basic_consume":
            self.report(node, "AMQP consumer basic_consume")
        elif attr == "consume":
            if ctx.imports_any("pika", "aio_pika"):
                self.report(node, "RabbitMQ consumer .consume()")
        elif attr == "pubsub":
            if ctx.imports_any("redis", "aioredis"):
                self.report(node, "Redis pub/sub consumer .pubsub()")
        elif attr in ("subscribe", "psubscribe", "ssubscribe", "pull_subscribe", "listen"):
            if self._reported(func.value):
                return
            if attr == "listen" and not ctx.imports_any("redis", "aioredis"):
                return
            if ctx.imports_any(*_SUBSCRIBERS):
                args = positional(node)
                subject = string_value(args[0]) if args else None
                detail = f" {subject}" if subject else ""
                self.report(node, f"pub/sub consumer .{attr}(){detail}")
        elif attr in ("receive_message", "receive_messages") and ctx.imports_any(*_SQS):
            self.report(node, f"SQS consumer .{attr}()")


# -- GP305 ----------------------------------------------------------------------------------------

_TASK_FUNCTIONS = {
    "celery.shared_task": "Celery",
    "celery.task": "Celery",
    "dramatiq.actor": "Dramatiq",
    "remoulade.actor": "Remoulade",
    "rq.decorators.job": "RQ",
    "rq.job": "RQ",
    "huey.contrib.djhuey.task": "Huey",
    "huey.contrib.djhuey.periodic_task": "Huey",
    "huey.contrib.djhuey.db_task": "Huey",
}
_TASK_ATTRS = frozenset({"task", "periodic_task", "db_task", "db_periodic_task", "actor"})
_TASK_LIBS = {
    "celery": "Celery",
    "huey": "Huey",
    "dramatiq": "Dramatiq",
    "taskiq": "Taskiq",
}
_TASK_BASES = frozenset({"celery.Task", "celery.app.task.Task"})


class TaskQueueWorker(Detector):
    """Task-queue worker functions: Celery, Dramatiq, RQ, Huey, Taskiq.

    What it detects: functions decorated with ``@app.task`` / ``@celery.task(...)`` /
    ``@shared_task``, ``@dramatiq.actor``, ``@huey.task()`` / ``@huey.periodic_task(...)``,
    ``@broker.task`` (Taskiq) and RQ ``@job(...)``; classes subclassing ``celery.Task``. The
    ``.task`` attribute form counts when the module imports one of those libraries or the
    decorator object comes from a module whose dotted name mentions celery or huey.
    Why it matters for a Go port: a worker is a loop pulling jobs off a broker and running them
    in a process pool; Go runs the same jobs in goroutines with far less memory per worker.
    Go idiom: ``hibiken/asynq`` (Redis) or ``RichardKnop/machinery`` handlers, or a plain
    broker consumer feeding a worker pool; the broker and message format must be shared with
    the Python producers during the migration.
    Known limits: producers (``.delay()``, ``.apply_async()``, ``enqueue``) are not reported;
    RQ jobs enqueued as plain functions (``q.enqueue(fn)``) have no marker on ``fn`` and are
    missed; Celery's pickle/JSON task protocol must be kept by any Go worker.
    """

    ID = "GP305"
    NAME = "task-queue-worker"
    CATEGORY = Category.SERVICE
    WEIGHT = 1.5
    PYTHON = "Celery @app.task / @shared_task, dramatiq @actor, rq/huey tasks"
    GO_IDIOM = "asynq or machinery task handlers; or a broker consumer feeding a worker pool"
    SUMMARY = "task-queue worker function: background jobs that Go workers can run"
    TRAITS = (Trait.NETWORK, Trait.FEEDING)
    MATCHES = (
        (
            "from celery import Celery\napp = Celery('proj')\n\n@app.task(bind=True, max_retries=3)\n"
            "def send_email(self, to):\n    return to\n"
        ),
        "from celery import shared_task as st\n\n@st\ndef resize(image_id):\n    return image_id\n",
        (
            "import dramatiq\n\n@dramatiq.actor(max_retries=3)\ndef count_words(url):\n"
            "    return len(url)\n"
        ),
        "from .celery_app import app\n\n@app.task\ndef cleanup():\n    pass\n",
    )
    NO_MATCHES = (
        # enqueueing a task is the producer side
        "from .tasks import send_email\n\ndef signup(user):\n    send_email.delay(user.email)\n",
        # invoke's @task is a build task, not a queue worker
        "from invoke import task\n\n@task\ndef build(c):\n    c.run('make')\n",
        # an unrelated .task decorator without a task-queue import
        "from .scheduler import planner\n\n@planner.task('nightly')\ndef plan():\n    pass\n",
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            lib = self._task_lib(_decorator_func(decorator))
            if lib is not None:
                self.report(node, f"{lib} task {node.name.value}")
                return

    def _task_lib(self, func: cst.BaseExpression) -> str | None:
        ctx = self.ctx
        if isinstance(func, cst.Attribute):
            if func.attr.value not in _TASK_ATTRS:
                return None
            for module, lib in _TASK_LIBS.items():
                if ctx.imports_any(module):
                    return lib
            owner = ctx.resolve(func.value) or ""
            for part in owner.split("."):
                if "celery" in part:
                    return "Celery"
                if "huey" in part:
                    return "Huey"
            return None
        if isinstance(func, cst.Name):
            name = ctx.resolve(func)
            if name is not None:
                return _TASK_FUNCTIONS.get(name)
        return None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for arg in node.bases:
            if self.ctx.resolve(arg.value) in _TASK_BASES:
                self.report(node, f"Celery task class {node.name.value}")
                return


# -- GP306 ----------------------------------------------------------------------------------------

_RUNNING_WORDS = ("run", "alive", "active", "serving", "forever", "keep", "enabled")
_STOP_WORDS = (
    "stop",
    "shutdown",
    "exit",
    "quit",
    "terminat",
    "cancel",
    "closed",
    "closing",
    "done",
    "kill",
    "finish",
)
_RECEIVES = frozenset(
    {
        "poll",
        "recv",
        "recv_into",
        "recvfrom",
        "recv_multipart",
        "recv_json",
        "recv_string",
        "recv_pyobj",
        "receive",
        "receive_json",
        "receive_text",
        "receive_bytes",
        "receive_message",
        "receive_messages",
        "get_message",
    }
)
_READS = frozenset({"read", "readline", "read_bytes"})
#: modules whose import makes a bare ``.get()`` in a ``while True`` loop a blocking queue read
_QUEUE_MODULES = (
    "queue", "asyncio", "multiprocessing", "threading", "concurrent.futures", "gevent",
    "eventlet", "janus", "trio", "anyio", "zmq", "redis", "kombu", "celery",
)  # fmt: skip
_NOT_SLEEP_WAITS = frozenset({"asyncio.wait", "asyncio.wait_for", "concurrent.futures.wait"})


def _forever(test: cst.BaseExpression) -> str | None:
    """How a long-running loop condition reads (``True``, ``self.running``), else None."""
    if isinstance(test, cst.Name) and test.value == "True":
        return "True"
    if isinstance(test, cst.Integer) and test.value == "1":
        return "1"
    if isinstance(test, (cst.Name, cst.Attribute)):
        name = dotted(test)
        if name is not None and any(w in last_part(name).lower() for w in _RUNNING_WORDS):
            return name
        return None
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = test.expression
        if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute):
            if inner.func.attr.value in ("is_set", "wait", "is_stopped", "is_closed"):
                return f"not {dotted(inner.func) or inner.func.attr.value}()"
            return None
        if isinstance(inner, (cst.Name, cst.Attribute)):
            name = dotted(inner)
            if name is not None and any(w in last_part(name).lower() for w in _STOP_WORDS):
                return f"not {name}"
    if (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value in ("is_running", "running", "is_alive", "alive")
    ):
        return f"{dotted(test.func) or test.func.attr.value}()"
    return None


@dataclass(slots=True)
class _Loop:
    cond: str | None  # None: not a long-running loop (a for loop, or a bounded while)
    depth: int  # how many functions enclose the loop
    excepts: int  # except-handler depth at the loop
    strong: str = ""  # a sleep or blocking receive seen in the loop body proper
    weak: str = ""  # a read, or a signal inside an except handler (retry loops)
    exits: bool = False  # a break/return leaves this loop


class PollLoop(Detector):
    """Long-running polling loops: ``while True`` (or a run flag) that sleeps or blocks on a receive.

    What it detects: a ``while True`` / ``while 1`` / ``while self.running`` /
    ``while not stop.is_set()`` loop whose body (not counting nested functions) calls a sleep
    (``time.sleep``, ``await asyncio.sleep``, ``event.wait(timeout)``) or a blocking receive
    (``.poll()``, ``.recv()``, ``.receive()``, ``.get(timeout=...)``, a bare ``.get()`` in a
    module importing queue, threading, asyncio or a broker,
    ``.get_message()``, ``.receive_message()``). A loop that only ``.read()``s, or only sleeps in
    an ``except`` handler, counts unless it can ``break``/``return`` (chunked reads and retry
    loops end; daemons do not). One finding per loop, at the ``while``.
    Why it matters for a Go port: each such loop pins a thread or a process for its whole life;
    in Go it becomes a goroutine that ``select``s on a ticker, an input channel and a context,
    so thousands of them cost almost nothing and shut down cleanly.
    Go idiom: ``for { select { case <-ctx.Done(): return; case <-ticker.C: ...; case m := <-in:
    ... } }`` with ``time.NewTicker`` and ``context.Context`` for cancellation.
    Known limits: the run-flag names are a word list (run, alive, active, serving, keep...);
    a sleep hidden in a helper function called by the loop is not seen; a bounded
    ``for attempt in range(n)`` retry loop is never reported.
    """

    ID = "GP306"
    NAME = "poll-loop"
    CATEGORY = Category.SERVICE
    WEIGHT = 1.5
    PYTHON = "while True: ... time.sleep() / consumer.poll()"
    GO_IDIOM = "a goroutine running for { select { case <-ctx.Done(): case <-ticker.C: } }"
    SUMMARY = "long-running poll loop: a goroutine with a ticker/channel select in Go"
    TRAITS = (Trait.NETWORK,)
    MATCHES = (
        (
            "import time\n\ndef run(check):\n    while True:\n        check()\n"
            "        time.sleep(5)\n"
        ),
        (
            "def consume(consumer, handle):\n    while True:\n        msg = consumer.poll(1.0)\n"
            "        if msg is None:\n            continue\n        handle(msg)\n"
        ),
        (
            "import asyncio as aio\n\nclass Ticker:\n    async def loop(self):\n"
            "        while self.running:\n            await self.tick()\n"
            "            await aio.sleep(1)\n"
        ),
        (
            "def worker(stop_event, work):\n    while not stop_event.is_set():\n        work()\n"
            "        stop_event.wait(10)\n"
        ),
        (
            "import queue\n\ndef drain(jobs: queue.Queue, handle):\n    while True:\n"
            "        handle(jobs.get())\n"
        ),
    )
    NO_MATCHES = (
        # a bounded retry loop with backoff
        (
            "import time\n\ndef fetch(get):\n    for attempt in range(5):\n        try:\n"
            "            return get()\n        except OSError:\n            time.sleep(2 ** attempt)\n"
        ),
        # a retry-until-success while True that sleeps only on failure
        (
            "import time\n\ndef connect(open_conn):\n    while True:\n        try:\n"
            "            return open_conn()\n        except ConnectionError:\n            time.sleep(1)\n"
        ),
        # chunked file read until EOF
        (
            "def copy(src, dst):\n    while True:\n        chunk = src.read(65536)\n"
            "        if not chunk:\n            break\n        dst.write(chunk)\n"
        ),
        # a work-list loop, and a dict lookup
        (
            "def drain(items, cache):\n    while items:\n        key = items.pop()\n"
            "        cache.get(key)\n"
        ),
        # a bare .get() on an object of a module that uses no queue: a cursor, not a wait
        (
            "def walk(edge, ok):\n    while True:\n        v = edge.get()\n        if ok(v):\n"
            "            return v\n        edge.move_to_next()\n"
        ),
        # the sleep is in a nested function, not in the loop itself
        (
            "import time\n\ndef f(register):\n    while True:\n        def cb():\n"
            "            time.sleep(1)\n        if register(cb):\n            break\n"
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._loops: list[_Loop] = []
        self._excepts = 0

    def enter_While(self, node: cst.While) -> None:
        self._loops.append(_Loop(_forever(node.test), len(self.ctx.functions), self._excepts))

    def enter_For(self, node: cst.For) -> None:
        self._loops.append(_Loop(None, len(self.ctx.functions), self._excepts))

    def visit_For(self, node: cst.For) -> None:
        self._loops.pop()

    def visit_While(self, node: cst.While) -> None:
        loop = self._loops.pop()
        if loop.cond is None:
            return
        if loop.strong:
            self.report(node, f"poll loop while {loop.cond}: {loop.strong}")
        elif loop.weak and not loop.exits:
            self.report(node, f"poll loop while {loop.cond}: {loop.weak}")

    def enter_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._excepts += 1

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._excepts -= 1

    def enter_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._excepts += 1

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._excepts -= 1

    def visit_Break(self, node: cst.Break) -> None:
        if self._loops and self._loops[-1].depth == len(self.ctx.functions):
            self._loops[-1].exits = True

    def visit_Return(self, node: cst.Return) -> None:
        depth = len(self.ctx.functions)
        for loop in reversed(self._loops):
            if loop.depth != depth:
                break
            loop.exits = True

    def visit_Call(self, node: cst.Call) -> None:
        if not self._loops:
            return
        func = node.func
        signal = self._signal(node, func, alias_tail(self.ctx, func))
        if signal is None:
            return
        depth = len(self.ctx.functions)
        for loop in reversed(self._loops):
            if loop.depth != depth:
                return
            if loop.cond is not None:
                strong = signal[1] and self._excepts == loop.excepts
                if strong and not loop.strong:
                    loop.strong = signal[0]
                elif not strong and not loop.weak:
                    loop.weak = signal[0]
                return

    def _signal(
        self, node: cst.Call, func: cst.BaseExpression, attr: str
    ) -> tuple[str, bool] | None:
        """(label, strong) when the call sleeps or blocks on input, else None."""
        if attr == "sleep":
            return f"{self.ctx.callee(node) or attr}()", True
        if not isinstance(func, cst.Attribute):
            return None
        if attr == "wait":
            if node.args and self.ctx.callee(node) not in _NOT_SLEEP_WAITS:
                return ".wait(timeout)", True
            return None
        if attr in _RECEIVES:
            return f".{attr}()", True
        if attr == "get":
            if node.args:
                queue_only = all(
                    a.keyword is not None and a.keyword.value in ("timeout", "block")
                    for a in node.args
                )
                return (".get()", True) if queue_only else None
            # a bare .get() blocks on a queue, or reads a cursor, a future, a custom object
            return (".get()", True) if self.ctx.imports_any(*_QUEUE_MODULES) else None
        if attr in _READS:
            return f".{attr}()", False
        if attr == "select" and self.ctx.callee(node) == "select.select":
            return "select.select()", True
        return None


# -- GP307 ----------------------------------------------------------------------------------------

_CONTEXT_MANAGERS = frozenset({"contextmanager", "asynccontextmanager", "fixture"})
_FOR = "gp307.for"  # depth of for loops over an input of the current function
_YIELD_FOR = "gp307.yield_for"  # a yield inside a for loop
_YIELD_LOOP = "gp307.yield_loop"  # a yield inside any loop
_AFOR = "gp307.async_for"  # an async for / async comprehension
_ASYNC_STREAM_WEIGHT = 2.0
#: imports that show a module streams network or broker I/O, or runs an event loop: a generator
#: stage there may carry a stream; anywhere else it is iteration
_STREAM_MODULES = (
    "socket", "selectors", "select", "socketserver", "asyncio", "websockets", "websocket",
    "grpc", "kafka", "confluent_kafka", "aiokafka", "pika", "aio_pika", "kombu", "redis",
    "aioredis", "nats", "paho", "zmq", "google.cloud.pubsub", "google.cloud.pubsub_v1", "trio",
    "anyio", "curio", "gevent", "eventlet", "twisted", "paramiko", "serial",
)  # fmt: skip
#: libraries that count only when the stage's own function calls them: a module that fetches one
#: document over HTTP or guards a cache with a lock does not make its generators streams
_IO_CALLS = (
    *_STREAM_MODULES, "threading", "_thread", "queue", "multiprocessing", "concurrent.futures",
    "http", "urllib.request", "urllib3", "requests", "httpx", "aiohttp", "boto3", "botocore",
    "aiobotocore", "celery",
)  # fmt: skip
#: calls that read a network stream, whatever object they are made on
_STREAM_READS = frozenset(
    {
        "recv", "recv_into", "recvfrom", "recv_multipart", "recv_json", "recv_string",
        "iter_lines", "iter_content", "iter_bytes", "iter_text", "iter_raw", "iter_chunked",
        "iter_any", "readuntil", "readexactly", "get_message", "receive_message",
        "receive_messages",
    }
)  # fmt: skip


def _parameter_names(node: cst.FunctionDef) -> frozenset[str]:
    params = node.params
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    if isinstance(params.star_arg, cst.Param):
        names.add(params.star_arg.name.value)
    return frozenset(names - {"self", "cls"})


def _mentions(expr: cst.BaseExpression, names: frozenset[str]) -> bool:
    """Whether ``expr`` reads one of ``names`` (``lines``, ``enumerate(rows)``, ``src.read()``)."""
    stack: list[cst.BaseExpression] = [expr]
    budget = 32  # loop headers are small; never walk a big expression
    while stack and budget:
        budget -= 1
        node = stack.pop()
        if isinstance(node, cst.Name):
            if node.value in names:
                return True
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)
        elif isinstance(node, cst.Call):
            if isinstance(node.func, cst.Name) and node.func.value == "range":
                continue  # counting, not consuming an input
            stack.append(node.func)
            stack.extend(a.value for a in node.args)
        elif isinstance(node, cst.Subscript):
            stack.append(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            stack.extend(e.value for e in node.elements)
        elif isinstance(node, (cst.GeneratorExp, cst.ListComp)):
            stack.append(node.for_in.iter)
        elif isinstance(node, cst.Await):
            stack.append(node.expression)
        elif isinstance(node, cst.BinaryOperation):
            stack.extend((node.left, node.right))
    return False


class StreamingPipeline(Detector):
    """Generator pipeline stages over network streams, and async stream consumers.

    What it detects: a function that ``yield``s inside a ``for`` loop over one of its own
    parameters (``for line in lines``, ``for i, row in enumerate(rows)``: a pipeline stage) when
    there is evidence of streamed I/O - the module imports a socket, broker or event-loop library
    (socket, kafka, redis, zmq, grpc, asyncio, trio...), or the function itself calls threading,
    queue, multiprocessing or an HTTP client, or reads a stream (``.recv()``, ``.iter_lines()``,
    ``.iter_content()``, ``.readuntil()``); an ``async def`` generator that yields inside a loop; and a function that
    consumes an async stream with ``async for``. One finding per function, at the ``def``; a
    sync stage weighs ``WEIGHT`` (1.0), an async generator or ``async for`` consumer weighs 2.0
    (it is a stream of I/O, not just a lazy transform).
    Why it matters for a Go port: chained generators are a streaming pipeline run on one thread;
    in Go each stage is a goroutine connected by channels, so stages run in parallel with
    back-pressure from bounded channels.
    Go idiom: ``func stage(ctx context.Context, in <-chan T) <-chan U`` goroutines joined by
    channels (the pipelines pattern), ``errgroup`` for cancellation, or ``iter.Seq`` for a
    purely sequential stage.
    Known limits: a plain one-off ``yield`` (context managers, fixtures, dependency providers)
    is not a stage and is ignored, as are ``@contextmanager`` functions; a sync generator that
    walks its own state (``__iter__`` over ``self._items``, ``range(n)``, ``os.scandir``) is
    iteration, not a stage, and is ignored, as is a ``while`` loop that yields (a counter, a
    tail -f); lazy ``map``/``filter`` chains and generator expressions are not counted. A
    generator stage with no such evidence (a tokenizer yielding tokens, a parser yielding nodes)
    is one-thread iteration, ``iter.Seq`` in Go and no concurrency, so it is not reported; a
    stage fed by a network stream through a wrapper of the project's own is missed.
    """

    ID = "GP307"
    NAME = "streaming-pipeline"
    CATEGORY = Category.SERVICE
    WEIGHT = 1.0
    PYTHON = "generator stages (yield in a loop), async generators, async for"
    GO_IDIOM = "goroutine stages connected by channels: func stage(in <-chan T) <-chan U"
    SUMMARY = "generator pipeline stage or async stream: goroutines and channels in Go"
    TRAITS = (Trait.NETWORK,)
    MATCHES = (
        (
            "import requests\n\ndef rows(urls):\n    for url in urls:\n"
            "        for line in requests.get(url, stream=True).iter_lines():\n"
            "            yield line.split(b',')\n"
        ),
        (
            "def frames(conns):\n    for conn in conns:\n        data = conn.recv(4096)\n"
            "        if data:\n            yield data\n"
        ),
        (
            "async def ticks(feed):\n    while True:\n        item = await feed.next()\n"
            "        yield item\n"
        ),
        (
            "async def drain(stream, sink):\n    async for chunk in stream:\n"
            "        await sink.write(chunk)\n"
        ),
    )
    NO_MATCHES = (
        # iteration over the object's own state is not a pipeline stage
        (
            "class Bag:\n    def __iter__(self):\n        for item in self._items:\n"
            "            yield item\n"
        ),
        "def squares(n):\n    for i in range(n):\n        yield i * i\n",
        # a context manager's single yield
        (
            "from contextlib import contextmanager\n\n@contextmanager\ndef opened(path):\n"
            "    f = open(path)\n    try:\n        yield f\n    finally:\n        f.close()\n"
        ),
        # a dependency provider with one yield
        (
            "async def get_db(make):\n    db = make()\n    try:\n        yield db\n"
            "    finally:\n        await db.close()\n"
        ),
        # a plain for loop that returns a list
        (
            "def parse(lines):\n    out = []\n    for line in lines:\n        out.append(line)\n"
            "    return out\n"
        ),
        # a sync while-loop counter generator
        "def counter():\n    n = 0\n    while True:\n        yield n\n        n += 1\n",
        # a tokenizer yielding tokens: iteration on one thread, not a stream
        (
            "import re\n\ndef tokens(lines):\n    for line in lines:\n"
            "        for word in re.findall(r'\\w+', line):\n            yield word.lower()\n"
        ),
        # a parser stage over parsed lines, in a module with no network or concurrency
        "def parse(lines):\n    for line in lines:\n        if line:\n            yield line.split(',')\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._input_loops: list[bool] = []  # per enclosing for loop: iterates a parameter
        self._params: dict[int, frozenset[str]] = {}

    def enter_For(self, node: cst.For) -> None:
        frame = self.ctx.function
        over_input = False
        if frame is not None:
            key = id(frame.node)
            params = self._params.get(key)
            if params is None:
                params = self._params[key] = _parameter_names(frame.node)
            over_input = bool(params) and _mentions(node.iter, params)
            if over_input:
                frame.counters[_FOR] = frame.counters.get(_FOR, 0) + 1
        self._input_loops.append(over_input)

    def visit_For(self, node: cst.For) -> None:
        over_input = self._input_loops.pop()
        frame = self.ctx.function
        if frame is not None:
            if over_input:
                frame.counters[_FOR] = frame.counters.get(_FOR, 1) - 1
            if node.asynchronous is not None:
                frame.counters[_AFOR] = 1

    def visit_CompFor(self, node: cst.CompFor) -> None:
        frame = self.ctx.function
        if node.asynchronous is not None and frame is not None:
            frame.counters[_AFOR] = 1

    def visit_Yield(self, node: cst.Yield) -> None:
        frame = self.ctx.function
        if frame is None or self.ctx.loop_depth_in_function == 0:
            return
        frame.counters[_YIELD_LOOP] = 1
        if frame.counters.get(_FOR, 0) > 0:
            frame.counters[_YIELD_FOR] = 1

    def _streams(self, frame: FunctionFrame) -> bool:
        """Evidence that a generator stage may carry a stream of I/O, not a plain iteration."""
        if self.ctx.imports_any(*_STREAM_MODULES):
            return True
        # calls into an imported library, not into a local variable named ``queue``
        imported = tuple(m for m in _IO_CALLS if self.ctx.imports_any(m))
        return any(
            last_part(call) in _STREAM_READS or (imported and under(call, imported) is not None)
            for call in frame.calls
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.ctx.function
        if frame is None:
            return
        self._params.pop(id(node), None)
        counters = frame.counters
        if not (counters.get(_YIELD_LOOP) or counters.get(_AFOR)):
            return
        for decorator in node.decorators:
            if last_part(self.ctx.resolve(_decorator_func(decorator))) in _CONTEXT_MANAGERS:
                return
        name = node.name.value
        if frame.is_async and counters.get(_YIELD_LOOP):
            self.report(node, f"async generator stage {name}", weight=_ASYNC_STREAM_WEIGHT)
        elif not frame.is_async and counters.get(_YIELD_FOR) and self._streams(frame):
            self.report(node, f"generator stage {name} (yields inside a loop)")
        elif counters.get(_AFOR):
            self.report(
                node, f"{name} consumes an async stream with async for", weight=_ASYNC_STREAM_WEIGHT
            )


# -- GP308 ----------------------------------------------------------------------------------------

_SERVER_CALLS = frozenset(
    {
        "uvicorn.run",
        "uvicorn.Server",
        "hypercorn.asyncio.serve",
        "hypercorn.trio.serve",
        "waitress.serve",
        "werkzeug.serving.run_simple",
        "wsgiref.simple_server.make_server",
        "aiohttp.web.run_app",
        "bottle.run",
        "bjoern.run",
        "gevent.pywsgi.WSGIServer",
        "gevent.server.StreamServer",
        "cheroot.wsgi.Server",
        "http.server.HTTPServer",
        "http.server.ThreadingHTTPServer",
        "socketserver.TCPServer",
        "socketserver.UDPServer",
        "socketserver.ThreadingTCPServer",
        "socketserver.ThreadingUDPServer",
        "socketserver.ForkingTCPServer",
        "socketserver.ForkingUDPServer",
        "socketserver.UnixStreamServer",
        "socketserver.UnixDatagramServer",
        "socketserver.ThreadingUnixStreamServer",
        "xmlrpc.server.SimpleXMLRPCServer",
        "tornado.httpserver.HTTPServer",
    }
)
_SERVER_ATTRS = frozenset(last_part(n) for n in _SERVER_CALLS)
_APP_CLASSES = frozenset(
    {
        "flask.Flask",
        "quart.Quart",
        "sanic.Sanic",
        "bottle.Bottle",
        "flask_socketio.SocketIO",
        "connexion.App",
        "connexion.FlaskApp",
    }
)
_IOLOOP = frozenset(
    {
        "tornado.ioloop.IOLoop.current().start",
        "tornado.ioloop.IOLoop.instance().start",
    }
)
_GUNICORN_BASES = frozenset({"gunicorn.app.base.BaseApplication", "gunicorn.app.base.Application"})


class ServerEntrypoint(_TracksBindings, Detector):
    """The call that starts a server: uvicorn.run, app.run, serve_forever, run_app, IOLoop.start.

    What it detects: ``uvicorn.run``/``uvicorn.Server``, hypercorn, waitress, werkzeug
    ``run_simple``, ``wsgiref`` ``make_server``, gevent ``WSGIServer``; ``http.server``
    ``HTTPServer``/``ThreadingHTTPServer`` and ``socketserver`` servers; ``app.run(...)`` of a
    Flask/Quart/Sanic/Bottle app (or an ``app`` in a module importing one); aiohttp
    ``web.run_app``; tornado ``Application.listen()`` or ``IOLoop.current().start()`` (once per
    module); ``.serve_forever()`` on a server not already reported; gunicorn
    ``BaseApplication`` subclasses.
    Why it matters for a Go port: it marks a process boundary. Everything behind it can move to
    a Go binary listening on the same address, and the Python process can be retired or kept as
    an upstream.
    Go idiom: ``http.Server{Addr: ..., Handler: mux}`` with ``ListenAndServe`` and graceful
    ``Shutdown(ctx)`` on SIGTERM; ``net.Listen`` + an accept loop for raw TCP servers.
    Known limits: servers started from a command line (``gunicorn app:app``, a Procfile) are not
    in the source; an ``app`` created by a factory is recognised only through the module's
    framework import.
    """

    ID = "GP308"
    NAME = "server-entrypoint"
    CATEGORY = Category.SERVICE
    WEIGHT = 1.0
    PYTHON = "uvicorn.run / app.run / HTTPServer.serve_forever / web.run_app"
    GO_IDIOM = "http.Server{...}.ListenAndServe() with graceful Shutdown(ctx)"
    SUMMARY = "server entry point: the process boundary a Go binary can take over"
    TRAITS = (Trait.NETWORK, Trait.SERVING)
    MATCHES = (
        (
            "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n\n"
            "if __name__ == '__main__':\n    uvicorn.run(app, host='0.0.0.0', port=8000)\n"
        ),
        (
            "from flask import Flask\napp = Flask(__name__)\n\nif __name__ == '__main__':\n"
            "    app.run(debug=True)\n"
        ),
        (
            "from http.server import HTTPServer as HS, BaseHTTPRequestHandler\n\n"
            "class H(BaseHTTPRequestHandler):\n    pass\n\nHS(('', 8000), H).serve_forever()\n"
        ),
        "from aiohttp import web\napp = web.Application()\nweb.run_app(app, port=8080)\n",
        (
            "import tornado.ioloop\n\ndef main(app):\n    app.listen(8888)\n"
            "    tornado.ioloop.IOLoop.current().start()\n"
        ),
    )
    NO_MATCHES = (
        # asyncio.run and a CLI app's run are not servers
        "import asyncio\n\nasync def main():\n    pass\n\nasyncio.run(main())\n",
        "import click\n\nclass App:\n    def run(self):\n        pass\n\napp = App()\napp.run()\n",
        # subprocess.run
        "import subprocess\nsubprocess.run(['ls'])\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.bound = _Bindings(ctx)
        self._tornado = False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        ctx = self.ctx
        attr = alias_tail(ctx, func)
        if attr in _SERVER_ATTRS or attr in ("run", "run_app"):
            name = ctx.callee(node)
            if name is not None and name in _SERVER_CALLS:
                self.report(node, f"server entrypoint {name}")
            elif attr == "run" and isinstance(func, cst.Attribute):
                self._app_run(node, func)
        elif attr == "serve_forever" and isinstance(func, cst.Attribute):
            receiver = func.value
            source = (
                _call_path(ctx, receiver)
                if isinstance(receiver, cst.Call)
                else self.bound.of(receiver)
            )
            if source is None or source not in _SERVER_CALLS:
                self.report(
                    node, f"server entrypoint {dotted(receiver) or 'server'}.serve_forever()"
                )
        elif attr == "start" and isinstance(func, cst.Attribute) and not self._tornado:
            name = _call_path(ctx, node)
            if name is None or name not in _IOLOOP:
                bound = self.bound.of(func.value)
                name = f"{bound}().start" if bound else None
            if name is not None and name in _IOLOOP:
                self._tornado = True
                self.report(node, "server entrypoint tornado IOLoop.start()")
        elif (
            attr == "listen"
            and isinstance(func, cst.Attribute)
            and not self._tornado
            and self.bound.of(func.value) == "tornado.web.Application"
        ):
            self._tornado = True  # listen + IOLoop.start are one server start
            self.report(node, "server entrypoint tornado Application.listen()")

    def _app_run(self, node: cst.Call, func: cst.Attribute) -> None:
        owner = self.bound.of(func.value)
        if owner is not None and owner in _APP_CLASSES:
            self.report(node, f"server entrypoint {last_part(owner)} app.run()")
            return
        receiver = dotted(func.value)
        if receiver in ("app", "application") and self.ctx.imports_any(
            "flask", "quart", "sanic", "bottle"
        ):
            self.report(node, f"server entrypoint {receiver}.run()")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for arg in node.bases:
            if self.ctx.resolve(arg.value) in _GUNICORN_BASES:
                self.report(node, f"server entrypoint gunicorn application {node.name.value}")
                return


DETECTORS: tuple[type[Detector], ...] = (
    HttpHandler,
    WebsocketHandler,
    GrpcServicer,
    MessageConsumer,
    TaskQueueWorker,
    PollLoop,
    StreamingPipeline,
    ServerEntrypoint,
)

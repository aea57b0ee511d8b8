"""GP301 http-handler: HTTP request handler: concurrent I/O-bound work that Go serves natively."""

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
    keyword,
    last_part,
    positional,
    string_value,
)
from goport.model import Category, Trait
from goport.walk.bindings import Bindings

HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})


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


def _body(node: cst.ClassDef | cst.FunctionDef) -> list[cst.BaseStatement | cst.BaseSmallStatement]:
    return list(node.body.body)


def _method_names(node: cst.ClassDef) -> list[str]:
    return [s.name.value for s in _body(node) if isinstance(s, cst.FunctionDef)]


def _verbs(methods: list[str]) -> str:
    """``GET, POST`` from handler method names (``get``, ``on_post``)."""
    found = []
    for name in methods:
        verb = name.removeprefix("on_")
        if verb in HTTP_VERBS and verb.upper() not in found:
            found.append(verb.upper())
    return ", ".join(found)


_ROUTE_ATTRS = frozenset({*HTTP_VERBS, "route", "api_route"})

_ROUTE_FUNCTIONS = frozenset(
    {
        *(f"bottle.{v}" for v in (*HTTP_VERBS, "route")),
        *(f"litestar.{v}" for v in (*HTTP_VERBS, "route")),
        "pyramid.view.view_config",
        "rest_framework.decorators.api_view",
    }
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


class HttpHandler(Detector):
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

    USES = (Bindings,)
    ID = "GP301"
    NAME = "http-handler"
    CATEGORY = Category.SERVICE
    WEIGHT = 2.0
    PYTHON = "Flask/FastAPI/aiohttp/Django/tornado request handler"
    GO_IDIOM = "net/http handler funcs on http.ServeMux (or chi/echo); one goroutine per request"
    SUMMARY = "HTTP request handler: concurrent I/O-bound work that Go serves natively"
    TRAITS = (Trait.NETWORK, Trait.SERVING)
    MATCHES = (
        Match(
            """
            from flask import Flask
            app = Flask(__name__)

            @app.route('/items', methods=['GET', 'POST'])
            def items():
                return []
            """,
            line=5,
        ),
        Match(
            """
            from fastapi import APIRouter
            router = APIRouter()

            @router.get('/items/{item_id}')
            async def read_item(item_id: int):
                return {'id': item_id}
            """,
            line=5,
        ),
        Match(
            """
            from aiohttp import web

            async def index(request):
                return web.Response()

            app = web.Application()
            app.router.add_get('/', index)
            """,
            line=7,
        ),
        Match(
            """
            import tornado.web as tw

            class MainHandler(tw.RequestHandler):
                def get(self):
                    self.write('ok')
            """,
            line=3,
        ),
        Match(
            """
            from django.http import JsonResponse

            def item_detail(request, pk):
                return JsonResponse({'pk': pk})
            """,
            line=3,
        ),
        Match(
            """
            from rest_framework.views import APIView

            class ItemList(APIView):
                def get(self, request):
                    return None
            """,
            line=3,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import cachetools
            cache = cachetools.TTLCache(10, 60)

            @cache.get('/items')
            def items():
                return []
            """
        ),
        NoMatch(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.on_event('startup')
            async def start():
                pass

            def helper(request):
                return request.url
            """
        ),
        NoMatch(
            """
            from django.http import HttpResponse

            class Helper:
                def render(self, request):
                    return HttpResponse()
            """
        ),
        NoMatch(
            """
            from flask import Flask
            from flask_sock import Sock
            app = Flask(__name__)
            sock = Sock(app)

            @sock.route('/echo')
            def echo(ws):
                ws.send(ws.receive())
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.bound = ctx.fact(Bindings)
        self._handler_classes: set[str] = set()

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
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

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
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

    def leave_Call(self, node: cst.Call) -> None:
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
